#!/usr/bin/env bash
# The release build, as .github/workflows/release.yml runs it on a version tag in a Debian 12 container
# (and `make test-system` runs it in a fresh Debian 12 root from a clean clone): the whole test suite,
# then the Debian package and the tarball, each with its .sha256, in build/.
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
make test
make package
cd build
for artifact in "keyfence_${version}_amd64.deb" "keyfence-${version}-linux-x86_64.tar.gz"; do
  sha256sum -c --quiet "$artifact.sha256"
  echo "built: build/$artifact"
done
