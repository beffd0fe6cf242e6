#!/usr/bin/env bash
# The MNIST classifier that evaluation uses as its feature extractor (two 3×3 conv layers with
# max-pooling, linear 128, linear 10; Adam 1e-3, batch 128, 5 epochs, seed 1). Bar: test
# accuracy ≥ 0.990 in at most 5 epochs. With MLP=1, the 784-256-10 MLP for 3 epochs at a constant
# learning rate (bar 0.975).
# The shipped weights in Models/mnist-classifier were made by this script:
#   OUT=Models/mnist-classifier scripts/reproduce/classifier.sh
source "$(dirname "$0")/common.sh"
if [ "${MLP:-0}" = 1 ]; then
    out="${OUT:-$runs/classifier-mlp}"
    rm -rf "$out"
    "$latent" train classifier --classifier-architecture mlp --learning-rate-decay 1 --epochs 3 --seed 1 --out "$out" --json | tail -n 1
else
    out="${OUT:-$runs/classifier}"
    rm -rf "$out"
    "$latent" train classifier --epochs 5 --seed 1 --out "$out" --json | tail -n 1
fi
