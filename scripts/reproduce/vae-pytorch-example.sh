#!/usr/bin/env bash
# The PyTorch-example configuration (MLP 784-400-20, ReLU, Bernoulli decoder with BCE summed over
# pixels, analytic KL, Adam 1e-3, batch 128, [0,1] grey levels, 10 epochs): the test loss
# (negative ELBO per image) after 10 epochs. Bar: ≤ 105.6 nats. Prints the JSON of latent eval.
source "$(dirname "$0")/common.sh"
out="$runs/vae-pytorch-example-seed${SEED:-1}"
rm -rf "$out"
"$latent" train vae --epochs 10 --seed "${SEED:-1}" --out "$out" >&2
"$latent" eval --run "$out" --metrics elbo --json | tail -n 1
