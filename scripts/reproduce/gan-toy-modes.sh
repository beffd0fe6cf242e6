#!/usr/bin/env bash
# Mode coverage on the 2-D toys (VEEGAN/PacGAN protocol: ring of 8 Gaussians with std 0.01,
# grid of 25 with std 0.05; 2,500 samples; high quality within 3 std; mean over 5 seeds).
# Bars: ring8 8/8 modes with >= 95% high-quality samples, grid25 >= 24.5/25 with >= 90%.
#   MODEL=wgan-gp TOY=ring8 STEPS=20000 scripts/reproduce/gan-toy-modes.sh
# Each run leaves samples.npy (the 2,500 samples of its final scatter) in its run folder;
# the last line is the mean over the seeds as JSON.
source "$(dirname "$0")/common.sh"
# The toy networks are small: one OpenMP thread avoids spinning threads on a busy machine
# (18x faster measured on 2 shared cores).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
model="${MODEL:-wgan-gp}"
toy="${TOY:-ring8}"
steps="${STEPS:-20000}"
files=()
for seed in ${SEEDS:-1 2 3 4 5}; do
    out="$runs/$model-$toy-seed$seed"
    rm -rf "$out"
    "$latent" train "$model" --dataset "toy:$toy" --steps "$steps" --seed "$seed" \
        --sample-every 0 ${EXTRA:-} --out "$out" >&2
    files+=("$out/samples.npy")
done
python3 scripts/reproduce/mode_coverage.py "$toy" "${files[@]}"
