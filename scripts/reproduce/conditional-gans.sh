#!/usr/bin/env bash
# The conditional models on MNIST. Bars: cgan samples for a requested label are classified as
# that label >= 95% of the time; infogan's categorical code matches the digit classes with
# >= 90% accuracy under the best one-to-one code-to-class assignment (InfoGAN paper: 5% error).
#
#   scripts/reproduce/conditional-gans.sh                 # both, seed 1
#   MODELS=cgan CGAN_EPOCHS=4 scripts/reproduce/conditional-gans.sh
#
# cgan: the recipe (MLP G 110-256-512-1024-784 with BatchNorm, leaky ReLU 0.2 and tanh; D
# 784-1024-512-256 with leaky ReLU 0.2, dropout 0.3 and a label projection; Adam 2e-4
# (0.5, 0.999), batch 64), CGAN_EPOCHS epochs (default 10). infogan: the recipe (the paper's
# MNIST networks: G FC 1024 -> 7x7x128 -> transposed convs, D convs 64, 128 -> FC 1024 with
# leaky ReLU 0.1, Q FC 128 with BatchNorm on D's features; 62 uniform noise + 10-way
# categorical + 2 continuous codes, lambda 1, Adam 1e-3 for G and 2e-4 for D, batch 64),
# INFOGAN_EPOCHS epochs (default 5: seed 1 reaches code accuracy 0.674 after 1 epoch, 0.889
# after 3 and 0.900 after 5; 0.5–2 steps per second on two shared cores, 8–30 minutes per
# epoch of 937 steps).
# Each run is scored by `latent eval --json` on 10,000 samples with the shipped MNIST
# classifier (cgan: label-accuracy, frechet, classifier-score; infogan: code-accuracy,
# frechet, classifier-score); one JSON line per model, with the training seconds added.
# LATENT_BIN=path uses an already built `latent` instead of building the release tool.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seed="${SEED:-1}"
for model in ${MODELS:-cgan infogan}; do
    case "$model" in
        cgan) epochs="${CGAN_EPOCHS:-10}"; metrics=label-accuracy,frechet,classifier-score ;;
        infogan) epochs="${INFOGAN_EPOCHS:-5}"; metrics=code-accuracy,frechet,classifier-score ;;
        *) echo "conditional-gans.sh: unknown model $model (cgan or infogan)" >&2; exit 1 ;;
    esac
    out="$runs/$model-mnist-seed$seed"
    rm -rf "$out"
    trained=$("$latent" train "$model" --dataset mnist --epochs "$epochs" --seed "$seed" --out "$out" --json | tail -n 1)
    seconds=$(python3 -c 'import json, sys; print(round(json.loads(sys.argv[1])["seconds"], 1))' "$trained")
    scored=$("$latent" eval --run "$out" --metrics "$metrics" --json | tail -n 1)
    python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r.pop("protocol", None)
print(json.dumps({"model": sys.argv[2], "epochs": int(sys.argv[3]), "seed": int(sys.argv[4]), **r, "train_seconds": float(sys.argv[5])}))' \
        "$scored" "$model" "$epochs" "$seed" "$seconds"
done
