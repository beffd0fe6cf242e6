#!/usr/bin/env bash
# The reparameterisation trick's point, measured: the default VAE after one epoch; the
# per-parameter variance of the encoder's gradient over 100 draws of z on one minibatch of 128
# test images, under the score-function and the reparameterisation estimators. Bar: ratio ≥ 100.
source "$(dirname "$0")/common.sh"
out="$runs/vae-one-epoch"
rm -rf "$out"
"$latent" train vae --epochs 1 --seed 1 --out "$out" >&2
"$latent" eval --run "$out" --metrics gradient-variance --json | tail -n 1
