#!/usr/bin/env bash
# beta-VAE sweep on MNIST ([0,1] grey levels, the default MLP 784-400-20, Adam 1e-3, batch 128,
# EPOCHS epochs, default 5): test KL and reconstruction per beta. Bar: over beta in {0.5, 1, 2, 4}
# the KL falls and the reconstruction error rises monotonically. Prints one JSON line per beta.
source "$(dirname "$0")/common.sh"
for beta in 0.5 1 2 4; do
    out="$runs/beta-vae-$beta"
    rm -rf "$out"
    "$latent" train beta-vae --beta "$beta" --epochs "${EPOCHS:-5}" --seed 1 --out "$out" >&2
    "$latent" eval --run "$out" --metrics elbo --json | tail -n 1 | sed "s/^{/{\"beta\":$beta,/"
done
