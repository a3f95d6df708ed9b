#!/usr/bin/env bash
# System test: the release build from a clean clone, on a fresh Debian 12 root, as the release workflow
# runs it in GitHub's debian:12 container: only git, make and ca-certificates to begin with (the
# workflow's first step), then packaging/release.sh (the Makefile installs the rest, runs the whole test
# suite, packages). The artifacts are copied to OUT_DIR, for tests/system/fresh_debian.sh to install. It
# also checks what the workflow's last step needs from Debian 12's gh, and that a tag naming another
# version is refused.
#   release_build.sh ROOTS_DIR OUT_DIR      (the clone is of this repository's HEAD commit)
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1" "$2"
roots=$(realpath "$1")
out=$(realpath "$2")
source "$source_dir/tests/system/roots.sh"

version=$(sed -n 's/^project(keyfence VERSION \([0-9][0-9.]*\) .*/\1/p' "$source_dir/CMakeLists.txt")
echo "== Debian 12 (bookworm): the release build of keyfence $version from a clean clone of $(git -C "$source_dir" rev-parse --short HEAD)"
fresh_root bookworm release
git clone -q --no-local "$source_dir" "$roots/release/src/keyfence"
check "the workflow's first step: git, make and ca-certificates" release "
    $apt_get update && $apt_get install -y git make ca-certificates >/dev/null"
check "a tag that names another version is refused before anything is built" release "
    cd /src/keyfence && status=0; packaging/release.sh v9.9.9 2>/tmp/err || status=\$?
    [ \$status -eq 2 ] && grep -q 'does not name' /tmp/err && [ ! -e build ]"
check "packaging/release.sh v$version: dependencies, the whole test suite, the package and the tarball" release "
    cd /src/keyfence && packaging/release.sh v$version"
check "Debian 12's gh has what the workflow's upload step uses" release "
    $apt_get install -y gh >/dev/null
    gh release create --help | has --verify-tag
    gh release upload --help | has --clobber"
rm -f "$out"/keyfence_* "$out"/keyfence-*
cp "$roots/release/src/keyfence/build/keyfence_${version}_amd64.deb"* "$roots/release/src/keyfence/build/keyfence-${version}-linux-x86_64.tar.gz"* "$out/" 2>/dev/null || true
finish release_build
