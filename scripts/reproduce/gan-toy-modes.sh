#!/usr/bin/env bash
# Mode coverage on the 2-D toys (VEEGAN/PacGAN protocol: ring of 8 Gaussians with std 0.01,
# grid of 25 with std 0.05; 2,500 samples; high quality within 3 std; mean over 5 seeds).
# Bars: ring8 8/8 modes with >= 95% high-quality samples, grid25 >= 24.5/25 with >= 90%.
#
#   scripts/reproduce/gan-toy-modes.sh                     # the default recipe below on ring8
#   TOY=grid25 scripts/reproduce/gan-toy-modes.sh
#   MODEL=wgan-gp OPTIONS="" STEPS=5000 scripts/reproduce/gan-toy-modes.sh   # a paper's recipe
#
# Default recipe (MODEL=gan): `latent train gan`'s own on 2-D data, the packed recipe: the
# non-saturating GAN with PacGAN packing 2, Adam 2e-3 (0.5, 0.999) for both players, G
# 16-256-256-256-2 and D 2-256-256-256-1 MLPs, step sizes decayed linearly to 0, samples from
# an average of G's weights (decay 0.995), batch 256, 12,000 steps; on grid25 the script adds
# batch 512, 24,000 steps (STEPS overrides) and the minibatch standard deviation over groups
# of 4 before D's head. For another MODEL the default OPTIONS are empty: that model's recipe.
# Each seed's run is scored by `latent eval --metrics modes --json --samples 2500`; one JSON
# line per seed, then the mean over the seeds (with the mean training time) as the last line.
# LATENT_BIN=path uses an already built `latent` instead of building the release tool.
set -euo pipefail
source "$(dirname "$0")/common.sh"
# The toy networks are small: one thread per run lets two seeds share two cores (on an idle
# 2-core machine two threads make a single run only about 20% faster: 12.2 s against 14.9 s
# for 2,000 ring8 steps), and spares spinning threads on a busy one.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
model="${MODEL:-gan}"
toy="${TOY:-ring8}"
if [[ "$toy" == grid25 ]]; then default_steps=24000; else default_steps=12000; fi
steps="${STEPS:-$default_steps}"
# gan's own 2-D recipe is the packed one; grid25 adds batches of 512 and the minibatch deviation.
default_options=""
if [[ "$model" == gan && "$toy" == grid25 ]]; then default_options="--batch-size 512 --minibatch-stddev 4"; fi
options="${OPTIONS-$default_options}"
results=()
for seed in ${SEEDS:-1 2 3 4 5}; do
    out="$runs/$model-$toy-seed$seed"
    rm -rf "$out"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$latent" train "$model" --dataset "toy:$toy" --steps "$steps" --seed "$seed" \
        --sample-every 0 $options ${EXTRA:-} --out "$out" >&2
    end=$(date +%s.%N)
    report=$("$latent" eval --run "$out" --metrics modes --json --samples 2500 | tail -n 1)
    line=$(python3 -c 'import json, sys
r = json.loads(sys.argv[1])
print(json.dumps({"run": sys.argv[2], "seed": int(sys.argv[3]), "modes_covered": r["modes_covered"],
                  "high_quality": r["high_quality"], "reverse_kl": r["reverse_kl"],
                  "train_seconds": round(float(sys.argv[5]) - float(sys.argv[4]), 1)}))' \
        "$report" "$out" "$seed" "$start" "$end")
    echo "$line"
    results+=("$line")
done
python3 -c 'import json, sys
rows = [json.loads(a) for a in sys.argv[3:]]
mean = lambda key: sum(r[key] for r in rows) / len(rows)
kls = [r["reverse_kl"] for r in rows if r["reverse_kl"] is not None]
print(json.dumps({"model": sys.argv[1], "toy": sys.argv[2], "seeds": [r["seed"] for r in rows],
                  "modes_covered": mean("modes_covered"), "high_quality": mean("high_quality"),
                  "reverse_kl": sum(kls) / len(kls) if kls else None,
                  "train_seconds": mean("train_seconds")}))' "$model" "$toy" "${results[@]}"
