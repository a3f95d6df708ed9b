#!/usr/bin/env bash
# System test: the release artifacts in ARTIFACT_DIR (`make package`'s, or tests/system/release_build.sh's)
# on fresh Debian roots made with debootstrap, installed the way the README tells a new user to.
#   Debian 12 (bookworm): `apt install ./keyfence_VERSION_amd64.deb` on a minimal root, with downloads
#     made impossible (every Depends is already there); the installed binary, `man keyfence` and
#     the bash completion; a commit blocked by `keyfence hook install`'s hook; `apt purge` leaves no file.
#     The tarball, checked against its .sha256 and unpacked, runs there too.
#   Debian 13 (trixie): the same package beside Debian's pre-commit 4, driving
#     tests/system/pre_commit_scenario.sh (Debian 12's pre-commit 3.0.4 is tested by `make test`).
# Needs root (debootstrap, chroot) and deb.debian.org or DEBIAN_MIRROR (tests/system/roots.sh).
#   fresh_debian.sh ARTIFACT_DIR ROOTS_DIR
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
artifacts=$(realpath "$1")
mkdir -p "$2"
roots=$(realpath "$2")
source "$source_dir/tests/system/roots.sh"

shopt -s nullglob
debs=("$artifacts"/keyfence_*_amd64.deb)
[ ${#debs[@]} -eq 1 ] || { echo "fresh_debian: expected one keyfence_*_amd64.deb in $artifacts" >&2; exit 2; }
deb=${debs[0]}
version=$(basename "$deb" | sed 's/^keyfence_\(.*\)_amd64\.deb$/\1/')
tarball=$artifacts/keyfence-$version-linux-x86_64.tar.gz
[ -f "$tarball" ] || { echo "fresh_debian: $tarball is missing" >&2; exit 2; }

# A snippet the checks share: a git repository with a staged key, made with the key built at run time.
repo_with_staged_key='
    key="sk-""proj-$(head -c 600 /dev/urandom | LC_ALL=C tr -dc A-Za-z0-9 | head -c 74)T3Blbk""FJ$(head -c 600 /dev/urandom | LC_ALL=C tr -dc A-Za-z0-9 | head -c 74)"
    rm -rf /tmp/project && git init -q -b main /tmp/project && cd /tmp/project
    git config user.name Ada && git config user.email ada@example.com
    echo hello > README.md && git add README.md && git commit -q -m base
    echo "OPENAI_API_KEY = \"$key\"" > app.py && git add app.py'

echo "== Debian 12 (bookworm): keyfence $version"
fresh_root bookworm bookworm
cp "$deb" "$tarball" "$tarball.sha256" "$deb.sha256" "$roots/bookworm/tmp/"
check "apt install ./$(basename "$deb") on a minimal root, with every download made to fail" bookworm "
    test ! -e /usr/bin/keyfence
    cd /tmp && sha256sum -c --quiet $(basename "$deb").sha256
    apt install -y -qq -o Acquire::http::Proxy=http://127.0.0.1:9/ ./$(basename "$deb") 2>&1 | grep -v 'does not have a stable CLI' || true
    dpkg -s keyfence | has '^Status: install ok installed'
    keyfence --version | has '^keyfence $version (commit '"
check "the installed binary finds a key (exit 1) and passes a clean file (exit 0)" bookworm "
    key=\"sk-ant-\"\"api03-\$(head -c 900 /dev/urandom | LC_ALL=C tr -dc A-Za-z0-9 | head -c 93)AA\"
    echo \"ANTHROPIC_API_KEY=\$key\" > /tmp/leak.env && echo nothing > /tmp/clean.txt
    status=0; keyfence scan /tmp/leak.env > /tmp/out 2>&1 || status=\$?
    [ \$status -eq 1 ] && grep -q anthropic /tmp/out
    keyfence scan /tmp/clean.txt"
check "bash-completion finds the installed completion on demand, and it completes subcommands" bookworm "
    $apt_get update && $apt_get install -y bash-completion >/dev/null
    bash -c 'source /usr/share/bash-completion/bash_completion && __load_completion keyfence &&
             complete -p keyfence | grep -q _keyfence &&
             { COMP_WORDS=(keyfence hist); COMP_CWORD=1; _keyfence; echo \"\${COMPREPLY[*]}\"; }' | grep -qx history"
check "man keyfence shows the installed page" bookworm "
    $apt_get install -y man-db >/dev/null
    MANWIDTH=120 man -P cat keyfence 2>/dev/null | has 'keyfence history'"
check "keyfence hook install blocks a commit that adds a key, then allows it without the key" bookworm "
    $apt_get install -y git >/dev/null
    $repo_with_staged_key
    keyfence hook install >/dev/null
    status=0; git commit -q -m leak > /tmp/out 2>&1 || status=\$?
    [ \$status -ne 0 ] && grep -q app.py /tmp/out && ! git rev-parse -q --verify HEAD~1 >/dev/null
    echo 'import os' > app.py && git add app.py && git commit -q -m clean"
check "the tarball, checked and unpacked, runs on its own" bookworm "
    cd /tmp && sha256sum -c --quiet $(basename "$tarball").sha256
    mkdir -p /opt/kf && tar -xzf $(basename "$tarball") -C /opt/kf --strip-components=1
    /opt/kf/bin/keyfence --version | has '^keyfence $version'
    status=0; /opt/kf/bin/keyfence scan /tmp/leak.env >/dev/null 2>&1 || status=\$?
    [ \$status -eq 1 ]"
check "apt purge keyfence leaves none of its files" bookworm "
    files=\$(dpkg -L keyfence | while read -r f; do [ -f \"\$f\" ] && echo \"\$f\"; done)
    [ -n \"\$files\" ]
    apt purge -y -qq keyfence 2>&1 | grep -v 'does not have a stable CLI' || true
    for f in \$files; do [ ! -e \"\$f\" ] || { echo \"left behind: \$f\"; exit 1; }; done"

echo "== Debian 13 (trixie): Debian's pre-commit 4 with the keyfence $version package"
fresh_root trixie trixie
cp "$deb" "$roots/trixie/tmp/"
mkdir -p "$roots/trixie/tmp/scenario"
cp "$source_dir/.pre-commit-hooks.yaml" "$source_dir/tests/system/pre_commit_scenario.sh" "$roots/trixie/tmp/scenario/"
check "apt install keyfence, git and pre-commit" trixie "
    $apt_get update && apt install -y -qq ./tmp/$(basename "$deb") git pre-commit 2>&1 | grep -v 'does not have a stable CLI' | grep -v '^debconf' || true
    pre-commit --version | has '^pre-commit [4-9]\\.'"
check "pre-commit 4 installs both hooks, blocks a commit that adds a key, and checks only what a push adds" trixie "
    cd /tmp/scenario && ./pre_commit_scenario.sh .pre-commit-hooks.yaml /tmp/work"

finish fresh_debian
