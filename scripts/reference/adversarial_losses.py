"""Reference values for Tests/LatentModelsTests/GANLossesTests.swift (plain Python, doubles).

Real logits r = [0, 2], fake logits f = [-1, 4]; label-smoothing target 0.9.
"""
import math

def softplus(x):
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)

def mean(xs):
    return sum(xs) / len(xs)

r, f = [0.0, 2.0], [-1.0, 4.0]
print("logistic D          ", mean([softplus(-x) for x in r]) + mean([softplus(x) for x in f]))
print("logistic D, t = 0.9 ", mean([softplus(x) - 0.9 * x for x in r]) + mean([softplus(x) for x in f]))
print("minimax G           ", -mean([softplus(x) for x in f]))
print("non-saturating G    ", mean([softplus(-x) for x in f]))
print("wasserstein D       ", mean(f) - mean(r))
print("hinge D             ", mean([max(0, 1 - x) for x in r]) + mean([max(0, 1 + x) for x in f]))
print("wasserstein/hinge G ", -mean(f))
# InfoGAN: logits [[1, 0, -1], [0, 2, 0]], categories [0, 1]; continuous means [[0.5], [-1]],
# codes [[1], [0]], continuous weight 0.1.
def ce(logits, label):
    m = max(logits)
    return -(logits[label] - m - math.log(sum(math.exp(l - m) for l in logits)))
cat = mean([ce([1, 0, -1], 0), ce([0, 2, 0], 1)])
cont = mean([0.5 * (1 - 0.5) ** 2, 0.5 * (0 + 1) ** 2])
print("mutual information  ", cat + 0.1 * cont)
# Feature matching: real features [[1, 2], [3, 4]], fake [[0, 0], [2, 2]]: means (2, 3), (1, 1).
print("feature matching    ", (2 - 1) ** 2 + (3 - 1) ** 2)
# Gradient penalty of the linear critic C(x) = w.x with w = (3, 4): ||grad|| = 5 everywhere.
print("gradient penalty    ", (5 - 1) ** 2)
