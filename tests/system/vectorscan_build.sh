#!/usr/bin/env bash
# System test: the whole suite built with Vectorscan instead of Hyperscan, from a clean clone, on a fresh
# Debian 12 root: only git, make and ca-certificates to begin with, then `make test REGEX_ENGINE=vectorscan`
# (the Makefile installs libvectorscan-dev and the rest, builds Release, runs every test). Then the binary
# must say it runs Vectorscan, and Hyperscan must never have been installed there. The root is kept at
# ROOTS_DIR/vectorscan until the next run, each check's output in ROOTS_DIR/vectorscan.check-N.log.
#   vectorscan_build.sh ROOTS_DIR      (the clone is of this repository's HEAD commit)
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
roots=$(realpath "$1")
source "$source_dir/tests/system/roots.sh"

echo "== Debian 12 (bookworm), Vectorscan: make test from a clean clone of $(git -C "$source_dir" rev-parse --short HEAD)"
fresh_root bookworm vectorscan
git clone -q --no-local "$source_dir" "$roots/vectorscan/src/keyfence"
check "git, make and ca-certificates" vectorscan "
    $apt_get update && $apt_get install -y git make ca-certificates >/dev/null"
check "make test REGEX_ENGINE=vectorscan: libvectorscan-dev and the other packages, the build, the whole suite" vectorscan "
    cd /src/keyfence && make test REGEX_ENGINE=vectorscan"
check "the binary runs Vectorscan; libhyperscan-dev was never installed" vectorscan "
    cd /src/keyfence
    dpkg -s libvectorscan-dev >/dev/null
    if dpkg -s libhyperscan-dev >/dev/null 2>&1; then echo 'libhyperscan-dev is installed' >&2; exit 1; fi
    v=\$(build/keyfence --version)
    grep -q '^Hyperscan (Vectorscan) 5\.' <<<\"\$v\"
    echo \"versions: \$(tr '\n' ' ' <<<\"\$v\")\""
finish vectorscan_build
