#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[latent test] swift build --build-tests (debug)"
swift build --build-tests
echo "[latent test] swift test --parallel"
swift test --parallel --skip-build
