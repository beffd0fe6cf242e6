# Shared by the reproduction scripts: builds the release tool once and names it $latent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash scripts/setup.sh >&2
swift build -c release --product latent >&2
latent="$(swift build -c release --show-bin-path)/latent"
runs="${LATENT_RUNS:-runs/reproduce}"
mkdir -p "$runs"
