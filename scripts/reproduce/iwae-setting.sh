#!/usr/bin/env bash
# The IWAE paper's setting (Burda et al. 2016): dynamically binarised MNIST, MLP 784-200-200-50
# with tanh, Bernoulli decoder with its output bias started at the pixel means' logits, Adam
# 1e-3; the paper used batch 20 and 3,280 passes (`--schedule iwae-paper`), this script batch 128
# and EPOCHS epochs (default 50) to keep training short; then the test NLL by 5,000 importance
# samples on the first TEST_LIMIT test images (default: all 10,000). Trains vae and iwae (k = 5)
# for the same number of epochs. Bar: vae NLL ≤ 89.0 and iwae below vae. One JSON line per model.
source "$(dirname "$0")/common.sh"
for model in vae iwae; do
    out="$runs/iwae-setting-$model"
    rm -rf "$out"
    "$latent" train "$model" --hidden 200,200 --latent 50 --activation tanh --data-protocol dynamic \
        --init-output-bias --epochs "${EPOCHS:-50}" --seed 1 --out "$out" >&2
    "$latent" eval --run "$out" --metrics elbo,nll,active-units --importance-samples 5000 \
        --test-limit "${TEST_LIMIT:-10000}" --json | tail -n 1
done
