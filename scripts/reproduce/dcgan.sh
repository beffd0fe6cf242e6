#!/usr/bin/env bash
# DCGAN on MNIST against the VAE on sample quality (issue 6): lower Fréchet distance in the
# shipped classifier's features and a classifier score >= 9.5, plus the GAN paper's Parzen
# protocol (bar >= 225 nats).
#
#   scripts/reproduce/dcgan.sh                              # the recipe, 25 epochs, seed 1
#   EPOCHS=10 EXTRA="--fc-width 1024" scripts/reproduce/dcgan.sh
#
# The recipe (Radford et al. 2016 scaled to 28x28: G z(100) -> 7x7x128 -> transposed convs
# with BatchNorm and ReLU -> tanh; D strided convs 64, 128 with BatchNorm and leaky ReLU 0.2;
# normal(0, 0.02) init; Adam 2e-4 (0.5, 0.999); batch 128) with the generator's weight average
# (--ema, decay 0.999, its own BatchNorm statistics), EPOCHS epochs (default 25, as the DCGAN
# paper trains). EXTRA adds training options. The run is scored by `latent eval --json` on
# 10,000 samples (frechet, classifier-score, precision-recall, density-coverage, parzen); one
# JSON line. JACOBIAN_KEEP=f scores samples after Jacobian-based truncation (`latent eval
# --jacobian-keep f`: the fraction f of noise draws where G stretches the noise least).
# LATENT_BIN=path uses an already built `latent` instead of building the release tool.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seed="${SEED:-1}"
epochs="${EPOCHS:-25}"
extra="${EXTRA:-}"
keep="${JACOBIAN_KEEP:-1}"
out="$runs/${NAME:-dcgan-mnist-seed$seed}"
rm -rf "$out"
# shellcheck disable=SC2086  # EXTRA is a list of options
trained=$("$latent" train dcgan --dataset mnist --epochs "$epochs" --ema --seed "$seed" $extra --out "$out" --json | tail -n 1)
seconds=$(python3 -c 'import json, sys; print(round(json.loads(sys.argv[1])["seconds"], 1))' "$trained")
scored=$("$latent" eval --run "$out" --metrics frechet,classifier-score,precision-recall,density-coverage,parzen \
    --jacobian-keep "$keep" --json | tail -n 1)
python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r.pop("protocol", None)
print(json.dumps({"model": "dcgan", "epochs": int(sys.argv[2]), "seed": int(sys.argv[3]), "options": sys.argv[4], "jacobian_keep": float(sys.argv[6]), **r, "train_seconds": float(sys.argv[5])}))' \
    "$scored" "$epochs" "$seed" "$extra" "$seconds" "$keep"
