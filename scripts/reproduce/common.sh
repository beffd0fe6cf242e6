# Shared by the reproduction scripts: builds the release tool once and names it $latent.
# LATENT_BIN=path uses an already built `latent` instead (no set-up, no build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [[ -n "${LATENT_BIN:-}" ]]; then
    latent="$LATENT_BIN"
else
    bash scripts/setup.sh >&2
    source scripts/target-cpu.sh
    # LATENT_BUILD_PATH: the build folder (default .build), so that sessions need not share one.
    build_path="${LATENT_BUILD_PATH:-.build}"
    swift build -c release --scratch-path "$build_path" --product latent >&2
    latent="$(swift build -c release --scratch-path "$build_path" --show-bin-path)/latent"
fi
runs="${LATENT_RUNS:-runs/reproduce}"
mkdir -p "$runs"
