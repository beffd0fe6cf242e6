#!/usr/bin/env bash
# The engine benchmark: builds latent-bench in release mode for this CPU (scripts/target-cpu.sh)
# and runs `latent-bench engine` with the given arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/target-cpu.sh
echo "[latent bench] swift build -c release --product latent-bench"
swift build -c release --product latent-bench
"$(swift build -c release --show-bin-path)/latent-bench" engine "$@"
