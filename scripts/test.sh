#!/usr/bin/env bash
# The test command: installs what is missing (OpenMPI too, for the tests of training under
# mpirun), builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-mpi
source scripts/target-cpu.sh
echo "[latent test] swift build --build-tests (debug)"
swift build --build-tests
# Tests run in parallel on every core; oneDNN's OpenMP threads on top of that would
# oversubscribe the machine and slow everything down many times.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
echo "[latent test] swift test --parallel (OMP_NUM_THREADS=$OMP_NUM_THREADS)"
swift test --parallel --skip-build
