#!/usr/bin/env python3
"""Writes Tests/LatentNNTests/Fixtures/reference.safetensors with the Python `safetensors` package.

    pip install safetensors numpy
    python3 scripts/reference/make_safetensors_fixture.py

The values are spelled out so SafetensorsTests can check them literally:
  encoder.weight  F32 [2, 3]  0.5, -1.25, 2, 3.5, -0.125, 1e-3
  encoder.bias    F32 [3]     1, 2, 3
  scale           F32 []      0.75            (a rank-0 tensor)
  step            I64 []      123456789012    (beyond 32 bits)
  counts          I64 [4]     -2, 0, 7, 9007199254740993  (2^53 + 1, not representable as a double)
and the metadata {"format": "pt", "source": "make_safetensors_fixture.py"}.
"""
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/LatentNNTests/Fixtures/reference.safetensors"

tensors = {
    "encoder.weight": np.array([[0.5, -1.25, 2.0], [3.5, -0.125, 1e-3]], dtype=np.float32),
    "encoder.bias": np.array([1.0, 2.0, 3.0], dtype=np.float32),
    "scale": np.array(0.75, dtype=np.float32),
    "step": np.array(123456789012, dtype=np.int64),
    "counts": np.array([-2, 0, 7, 2**53 + 1], dtype=np.int64),
}
OUT.parent.mkdir(parents=True, exist_ok=True)
save_file(tensors, str(OUT), metadata={"format": "pt", "source": "make_safetensors_fixture.py"})
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
