# Fresh Debian roots for the system tests, sourced by tests/system/*.sh (as root: debootstrap, chroot).
# A minimal root per suite is made once with debootstrap and kept pristine at $roots/SUITE.base; each
# test works on a throwaway copy of it. The sourcing script sets roots (a directory) and may set
# DEBIAN_MIRROR (default deb.debian.org).
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
apt_get='apt-get -qq -o Acquire::Retries=3 -o Dpkg::Use-Pty=0'

# fresh_root SUITE NAME: a throwaway copy of SUITE's minimal root at $roots/NAME.
fresh_root() {
    local base=$roots/$1.base attempt
    if [ ! -e "$base/.complete" ]; then
        rm -rf "$base"
        for attempt in 1 2 3; do
            if debootstrap --variant=minbase "$1" "$base" "$mirror" >"$roots/$1.debootstrap.log" 2>&1; then break; fi
            [ "$attempt" -lt 3 ] || { tail -20 "$roots/$1.debootstrap.log" >&2; echo "debootstrap $1 failed" >&2; exit 1; }
            rm -rf "$base"
        done
        touch "$base/.complete"
    fi
    rm -rf "${roots:?}/$2"
    cp -a "$base" "$roots/$2"
    rm "$roots/$2/.complete"
}

# in_root NAME SCRIPT: run SCRIPT with bash inside the root, as root, with a clean environment;
# /dev and /proc are mounted in a mount namespace of its own, so nothing stays mounted afterwards.
# SCRIPT runs under pipefail and may use `... | has PATTERN`: unlike `grep -q`, it reads all its input,
# so the writer never dies of SIGPIPE and fails the pipeline.
in_root() {
    unshare --mount --fork sh -c '
        mount --make-rprivate / && mount --rbind /dev "$1/dev" && mount -t proc proc "$1/proc" &&
        exec chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive bash -euo pipefail -c "$2"' \
        in_root "$roots/$1" 'has() { local text; text=$(cat); grep -q -- "$1" <<<"$text"; }
'"$2"
}

# check WHAT NAME SCRIPT: in_root, with a line saying what passed or failed (and, when it failed, the
# end of what it printed, all of it in ROOTS/NAME.check-N.log; lines starting "versions:" are shown
# either way).
failures=0 checks=0
check() {
    checks=$((checks + 1))
    local log=$roots/$2.check-$checks.log
    if in_root "$2" "$3" >"$log" 2>&1; then
        grep '^versions:' "$log" || true
        echo "ok   $2: $1"
    else
        tail -40 "$log" >&2
        echo "FAIL $2: $1" >&2
        failures=$((failures + 1))
    fi
}

# finish NAME: exit 1 if a check failed.
finish() {
    if [ "$failures" -ne 0 ]; then echo "$1: $failures check(s) failed" >&2; exit 1; fi
    echo "$1: every check passed"
}
