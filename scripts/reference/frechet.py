"""Reference values for Tests/LatentEvalTests/FrechetDistanceTests.swift.

Run: python3 scripts/reference/frechet.py  (numpy and scipy; float64 throughout)

The Fréchet distance between N(mu1, S1) and N(mu2, S2),
    |mu1 - mu2|^2 + Tr(S1 + S2 - 2 sqrtm(S1 S2)),
as pytorch-fid computes it (scipy.linalg.sqrtm of the product).
"""
import numpy as np
from scipy import linalg


def frechet(mu1, s1, mu2, s2):
    covmean = linalg.sqrtm(s1.dot(s2))
    covmean = covmean.real
    diff = mu1 - mu2
    return diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)


# Two 4-dimensional Gaussians with known covariances: S = A A^T + c I.
mu1 = np.array([0.0, 1.0, -1.0, 0.5])
mu2 = np.array([0.3, 0.2, -0.5, 1.0])
a = np.array([[1.0, 0.2, 0.0, 0.0], [0.3, 1.0, 0.1, 0.0], [0.0, 0.4, 1.0, 0.2], [0.1, 0.0, 0.3, 1.0]])
b = np.array([[0.5, -0.3, 0.2, 0.0], [0.0, 2.0, 0.0, 0.4], [0.7, 0.0, 0.6, 0.0], [0.0, 0.1, -0.2, 1.5]])
s1 = a @ a.T + 0.5 * np.eye(4)
s2 = b @ b.T + 0.1 * np.eye(4)
print("known Gaussians:", repr(frechet(mu1, s1, mu2, s2)))

# Gaussians fitted to deterministic features (numpy.cov: unbiased, ddof = 1).
n, d = 50, 3
i = np.arange(n)[:, None]
j = np.arange(d)[None, :]
x = np.sin(0.37 * i * (j + 1) + 1.3 * j) + 0.1 * j
y = np.cos(0.23 * i * (j + 2) + 0.7 * j) * (1 + 0.5 * j) - 0.2
fx = x.astype(np.float32).astype(np.float64)
fy = y.astype(np.float32).astype(np.float64)
print("fitted features:", repr(frechet(fx.mean(0), np.cov(fx, rowvar=False), fy.mean(0), np.cov(fy, rowvar=False))))
