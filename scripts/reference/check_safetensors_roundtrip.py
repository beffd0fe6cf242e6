#!/usr/bin/env python3
"""Checks that the Python `safetensors` package reads files written by Latent.

    pip install safetensors numpy
    python3 scripts/reference/check_safetensors_roundtrip.py [FILE ...]

With no argument it checks Tests/LatentNNTests/Fixtures/latent-written.safetensors, whose bytes
SafetensorsTests.writesExactlyTheCommittedFileThatPythonReads proves Latent still writes, against
the values spelled out below (the same as `latentWrittenContents` in SafetensorsTests.swift).
With files (a run's checkpoint.safetensors, optimizer.safetensors) it loads each with
safetensors' strict reader and prints every name, dtype and shape. Exits non-zero on any failure.
"""
import sys
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "Tests/LatentNNTests/Fixtures/latent-written.safetensors"

EXPECTED = {
    "decoder.fc.weight": np.array([[1, -2, 0.5], [3.25, -0.0625, 1e-7]], dtype=np.float32),
    "decoder.fc.bias": np.array([0.25, -4], dtype=np.float32),
    "scale": np.array(1.5, dtype=np.float32),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "counters.step": np.array(42, dtype=np.int64),
    "counters.values": np.array([-1, (1 << 40) + 3], dtype=np.int64),
}
EXPECTED_METADATA = {"format": "pt", "note": "quote \" backslash \\ newline \n accent é"}


def describe(path):
    tensors = load_file(str(path))
    with safe_open(str(path), framework="numpy") as handle:
        metadata = handle.metadata()
    for name in sorted(tensors):
        print(f"  {name}: {tensors[name].dtype} {list(tensors[name].shape)}")
    print(f"  metadata: {metadata}")
    return tensors, metadata


def check_fixture():
    print(f"{FIXTURE.relative_to(ROOT)}:")
    tensors, metadata = describe(FIXTURE)
    assert sorted(tensors) == sorted(EXPECTED), sorted(tensors)
    for name, expected in EXPECTED.items():
        actual = tensors[name]
        assert actual.dtype == expected.dtype, (name, actual.dtype)
        assert actual.shape == expected.shape, (name, actual.shape)
        assert np.array_equal(actual, expected), (name, actual, expected)
    assert metadata == EXPECTED_METADATA, metadata
    print("ok: every name, dtype, shape, value and the metadata match")


if __name__ == "__main__":
    paths = sys.argv[1:]
    if not paths:
        check_fixture()
    for path in paths:
        print(f"{path}:")
        describe(path)
        print("ok: read by safetensors")
