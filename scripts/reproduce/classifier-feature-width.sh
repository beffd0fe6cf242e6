#!/usr/bin/env bash
# Real-against-real precision and recall (k = 3) against the width of the classifier's feature
# layer (docs/results.md, "Evaluation calibration on real data"). For each width and dropout in
# WIDTHS (default "16:0 8:0 6:0 6:0.25 4:0"), trains the shipped recipe for EPOCHS epochs
# (default 4, seed 1) with --classifier-features and --classifier-dropout, then evaluates
# 10,000 training images against the 10,000 test images in that classifier's features:
# precision, recall, the test set's classifier score, the Fréchet distance. One line per width.
# About 2 minutes per width on 2 cores.
source "$(dirname "$0")/common.sh"
for spec in ${WIDTHS:-16:0 8:0 6:0 6:0.25 4:0}; do
    width="${spec%%:*}" dropout="${spec##*:}"
    out="$runs/classifier-features-$width-dropout-$dropout"
    rm -rf "$out"
    accuracy=$("$latent" train classifier --epochs "${EPOCHS:-4}" --seed 1 --classifier-features "$width" \
        --classifier-dropout "$dropout" --out "$out" --json | tail -n 1)
    scores=$("$latent" eval --real mnist --classifier "$out" \
        --metrics precision-recall,classifier-score,frechet --json | tail -n 1)
    echo "{\"features\": $width, \"dropout\": $dropout, \"train\": $accuracy, \"eval\": $scores}"
done
