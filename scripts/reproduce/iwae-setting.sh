#!/usr/bin/env bash
# The IWAE paper's setting (Burda et al. 2016): dynamically binarised MNIST, MLP 784-200-200-50
# with tanh, Bernoulli decoder with its output bias started at the pixel means' logits.
# Protocol: Adam with ε = 1e-4, batch 128, EPOCHS epochs (default 300) with the learning rate
# decayed exponentially from 3e-3 to 1e-4 (`--schedule exponential`); then the test NLL by 5,000
# importance samples on the first TEST_LIMIT test images (default: all 10,000). Trains vae and
# iwae (k = 5) for the same number of epochs (MODELS="vae iwae"; one each runs them side by
# side). Bar: vae NLL ≤ 89.0 within 30 minutes and iwae below vae. One JSON line per model on
# stdout; wall and CPU (user, sys) times on stderr.
# The paper's own 3,280 passes: `latent train … --schedule iwae-paper --batch-size 20`.
source "$(dirname "$0")/common.sh"
for model in ${MODELS:-vae iwae}; do
    out="$runs/iwae-setting-$model"
    rm -rf "$out"
    echo "$model: training" >&2
    TIMEFORMAT="$model training: wall %R s, user %U s, sys %S s"
    time "$latent" train "$model" --hidden 200,200 --latent 50 --activation tanh --data-protocol dynamic \
        --init-output-bias --epochs "${EPOCHS:-300}" --schedule exponential \
        --learning-rate 3e-3 --final-learning-rate 1e-4 --adam-epsilon 1e-4 --seed 1 --out "$out" >&2
    TIMEFORMAT="$model evaluation: wall %R s, user %U s, sys %S s"
    time "$latent" eval --run "$out" --metrics elbo,nll,active-units --importance-samples 5000 \
        --test-limit "${TEST_LIMIT:-10000}" --json | tail -n 1
done
