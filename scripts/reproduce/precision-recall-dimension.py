#!/usr/bin/env python3
"""What precision/recall of two samples from the SAME distribution come out as, by dimension.

Kynkäänniemi et al. 2019's manifold of a set is the union of balls around its points, each with
the radius to the point's k-th nearest neighbour. For two independent draws of N points from one
d-dimensional standard Gaussian, the fraction of one draw inside the other's manifold (precision
= recall in expectation) falls with d: the calibration ceiling a real-vs-real measurement can
reach depends on the intrinsic dimension of the feature space, not only on the data.

Usage: python3 scripts/reproduce/precision-recall-dimension.py [N] [k]   (numpy only; ~1 min)
"""
import sys

import numpy as np


def squared_distances(queries, references):
    return (queries**2).sum(1)[:, None] - 2 * queries @ references.T + (references**2).sum(1)[None]


def radii(points, k, block=2000):
    # The (k+1)-th smallest distance in a row: the point itself is its own nearest neighbour.
    return np.concatenate([
        np.partition(squared_distances(points[i:i + block], points), k, axis=1)[:, k]
        for i in range(0, len(points), block)])


def fraction_inside(queries, manifold, manifold_radii, block=2000):
    inside = sum(int((squared_distances(queries[i:i + block], manifold) <= manifold_radii[None]).any(1).sum())
                 for i in range(0, len(queries), block))
    return inside / len(queries)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    generator = np.random.default_rng(0)
    print(f"two draws of {count} points from N(0, I_d), k = {k}")
    print("d     fraction of one draw inside the other's manifold")
    for dimension in [2, 5, 10, 20, 50, 128]:
        a = generator.standard_normal((count, dimension)).astype(np.float64)
        b = generator.standard_normal((count, dimension)).astype(np.float64)
        print(f"{dimension:<5d} {fraction_inside(b, a, radii(a, k)):.4f}", flush=True)


if __name__ == "__main__":
    main()
