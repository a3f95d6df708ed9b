#!/usr/bin/env bash
# The release build, as .github/workflows/release.yml runs it on a version tag: in a Debian 12 container
# (x86-64 with Hyperscan, arm64 with Vectorscan; `make test-system` runs it in a fresh Debian 12 root from
# a clean clone), the whole test suite, then the Debian package and the tarball, each with its .sha256, in
# build/; on macOS (Homebrew's libraries, Vectorscan), the suite's tests that run there and the tarball.
#   packaging/release.sh TAG        TAG is vVERSION, and VERSION must be CMakeLists.txt's project version
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:?usage: packaging/release.sh vVERSION}
version=${tag#v}
declared=$(sed -n 's/^project(keyfence VERSION \([0-9][0-9.]*\) .*/\1/p' CMakeLists.txt)
if [ "$tag" != "v$declared" ]; then
  echo "::error::the tag $tag does not name CMakeLists.txt's version $declared" >&2
  exit 2
fi
if [ "$(uname -s)" = Darwin ]; then
  # No Makefile there (it installs Debian packages): the workflow has run brew install.
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKEYFENCE_REGEX_ENGINE=vectorscan
  cmake --build build -j "$(sysctl -n hw.ncpu)"
  build/tests/keyfence_unit_tests
  (cd build && cpack -G TGZ)
  artifacts=("keyfence-${version}-macos-$(uname -m).tar.gz")
  sha256_check=(shasum -a 256 -c)  # macOS has no sha256sum
else
  make test
  make package
  deb_arch=$(dpkg --print-architecture)
  case $deb_arch in amd64) arch=x86_64 ;; *) arch=$deb_arch ;; esac  # as CMakeLists.txt names the tarball
  artifacts=("keyfence_${version}_${deb_arch}.deb" "keyfence-${version}-linux-${arch}.tar.gz")
  sha256_check=(sha256sum -c --quiet)
fi
cd build
for artifact in "${artifacts[@]}"; do
  "${sha256_check[@]}" "$artifact.sha256"
  echo "built: build/$artifact"
done
