"""Mode coverage of 2-D samples (VEEGAN / PacGAN definitions), for gan-toy-modes.sh.

usage: mode_coverage.py ring8|grid25 samples.npy [more.npy ...]
A sample is high quality within 3 std of its nearest mode; a mode is covered when it is the
nearest mode of at least one high-quality sample. Prints one JSON object per file and, for
several files, their mean.
"""
import json
import math
import sys

import numpy as np

name, files = sys.argv[1], sys.argv[2:]
if name == "ring8":
    centres = np.array([[math.cos(2 * math.pi * k / 8), math.sin(2 * math.pi * k / 8)] for k in range(8)])
    std = 0.01
elif name == "grid25":
    centres = np.array([[x, y] for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)], dtype=float)
    std = 0.05
else:
    sys.exit(f"unknown toy {name}")
rows = []
for path in files:
    samples = np.load(path).astype(np.float64)
    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=2)
    nearest, distance = distances.argmin(axis=1), distances.min(axis=1)
    good = distance <= 3 * std
    counts = np.bincount(nearest[good], minlength=len(centres))
    q = counts / max(counts.sum(), 1)
    reverse_kl = float(sum(p * math.log(p * len(centres)) for p in q if p > 0)) if counts.sum() else None
    row = {"file": path, "modes_covered": int((counts > 0).sum()), "modes": len(centres),
           "high_quality": float(good.mean()), "reverse_kl": reverse_kl}
    rows.append(row)
    print(json.dumps(row))
if len(rows) > 1:
    print(json.dumps({"toy": name, "seeds": len(rows),
                      "modes_covered": float(np.mean([r["modes_covered"] for r in rows])),
                      "high_quality": float(np.mean([r["high_quality"] for r in rows]))}))
