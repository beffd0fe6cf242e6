#!/usr/bin/env bash
# Installs what Latent needs on a Debian/Ubuntu machine with Swift: oneDNN (GEMM and
# convolutions), zlib and pkg-config; with --with-mpi also OpenMPI (openmpi-bin), which
# data-parallel training under mpirun and its tests use. Safe to run again: it installs only
# what is missing.
set -euo pipefail

with_mpi=false
for argument in "$@"; do
    case "$argument" in
        --with-mpi) with_mpi=true ;;
        *) echo "scripts/setup.sh: unknown option $argument (known: --with-mpi)" >&2; exit 2 ;;
    esac
done

say() { printf '\033[1m[latent setup]\033[0m %s\n' "$*"; }

if ! command -v swift >/dev/null 2>&1; then
    say "Swift is not on PATH. Install a Swift 6.2 or later toolchain (swift.org) and run this again."
    exit 1
fi
# Package.swift needs tools version 6.2: the first SwiftPM that lets a package depending on a
# tagged Latent build it with Latent's compiler flags.
version=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' | head -n 1)
if [ -n "$version" ]; then
    read -r major minor <<<"$version"
    if [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -lt 2 ]; }; then
        say "Swift $major.$minor found; Latent needs Swift 6.2 or later (swift.org)."
        exit 1
    fi
fi

missing=()
[ -f /usr/include/dnnl.h ] || [ -f /usr/include/oneapi/dnnl/dnnl.h ] || missing+=(libdnnl-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if $with_mpi && ! command -v mpirun >/dev/null 2>&1; then missing+=(openmpi-bin); fi

if [ ${#missing[@]} -eq 0 ]; then
    mpi=""
    $with_mpi && mpi=", OpenMPI ($(mpirun --version 2>/dev/null | head -n 1 | sed 's/.*) //'))"
    say "System libraries present: oneDNN ($(dpkg-query -W -f='${Version}' libdnnl-dev 2>/dev/null || echo found)), zlib, pkg-config$mpi."
    exit 0
fi

say "Missing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    apt=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
    apt=(sudo apt-get)
else
    say "Not root and no sudo: install them yourself with: apt-get install ${missing[*]}"
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say "No apt-get on this machine: install ${missing[*]} (or your system's names for them) with your package manager."
    exit 1
fi
say "Running: ${apt[*]} update && ${apt[*]} install -y ${missing[*]}"
DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${missing[@]}"
say "Installed: ${missing[*]}"
