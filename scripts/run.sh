#!/usr/bin/env bash
# The main job: installs what is missing, builds Latent in release mode, trains the default
# model on the shipped MNIST and writes a run folder with samples and a report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/target-cpu.sh
echo "[latent run] swift build -c release"
swift build -c release --product latent
latent="$(swift build -c release --show-bin-path)/latent"
out=runs/vae-mnist
# Never overwrite an earlier run: a second `make run` writes a new, dated folder.
[ -e "$out" ] && out="runs/vae-mnist-$(date +%Y%m%d-%H%M%S)"
echo "[latent run] latent train vae --out $out   (PyTorch examples/vae configuration, 10 epochs)"
"$latent" train vae --out "$out" "$@"
echo "[latent run] done: open $out/report.html"
# The tool as a user types it from here (.build/release is SwiftPM's link to the release folder).
shown="$latent"
[ .build/release/latent -ef "$latent" ] && shown=.build/release/latent
echo "[latent run] next: $shown eval --run $out --metrics elbo,nll   (test log-likelihood)"
echo "[latent run]       $shown score --run $out my-digit.png   (log p(x) of your own 28x28 images)"
