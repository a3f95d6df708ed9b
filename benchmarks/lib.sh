# shellcheck shell=bash disable=SC2034  # runs, shifted and others are set here for the scripts
# What the benchmark scripts share. Each sources it right after `set -euo pipefail`:
#     source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sets script_dir (this directory), root (the repository) and the defaults of two options every
# script has: keyfence (build/keyfence under root) and record=1 (--no-record clears it). The
# functions below also use these globals: runs (--runs), work (make_work), gnu_time
# (find_gnu_time) and t (now).

bench_script=${BASH_SOURCE[1]}  # the script that sourced this file; its header is the usage text
script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$script_dir/.." && pwd)
keyfence="$root/build/keyfence"
record=1

# --- arguments ----------------------------------------------------------------------
# usage: the script's header comment, from its second line down to `set -euo pipefail`.
usage() { sed -n '2,/^set -euo/p' "$bench_script" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "error: $*" >&2; exit 2; }

# common_option ARGS...: if ARGS starts with an option every script takes (--keyfence PATH,
# --runs N, --no-record, -h/--help), apply it and set $shifted to the number of words it used;
# otherwise return 1 and leave the word to the caller.
common_option() {
    case "$1" in
        --keyfence) keyfence=${2:?--keyfence needs a value}; shifted=2 ;;
        --runs) runs=${2:?--runs needs a value}; shifted=2 ;;
        --no-record) record=0; shifted=1 ;;
        -h|--help) usage; exit 0 ;;
        *) return 1 ;;
    esac
}

# need_positive VALUE OPTION: stop unless VALUE is a positive integer.
need_positive() { [[ $1 =~ ^[1-9][0-9]*$ ]] || die "$2 must be a positive integer"; }

# resolve_keyfence: make $keyfence (a path, or a bare name looked up in PATH) an absolute path
# to an executable, or stop.
resolve_keyfence() {
    [[ $keyfence == */* ]] || keyfence=$(command -v -- "$keyfence" || echo "$keyfence")
    [[ -x $keyfence ]] || die "keyfence binary not found at $keyfence (build it first, or pass --keyfence PATH)"
    keyfence=$(cd -- "$(dirname -- "$keyfence")" && pwd)/$(basename -- "$keyfence")
}

# --- set-up -------------------------------------------------------------------------
# find_gnu_time: set $gnu_time to GNU time, which gives peak RSS (%M); without it, "" and a note.
find_gnu_time() {
    gnu_time=""
    if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
        gnu_time=/usr/bin/time
    else
        echo "note: GNU time not found; peak RSS will show as n/a (apt-get install time)." >&2
    fi
}

# make_work PREFIX: set $work to a new scratch directory, removed when the script exits.
make_work() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap 'rm -rf -- "$work"' EXIT
}

# --- measurement --------------------------------------------------------------------
# now: the wall clock in microseconds, into $t. EPOCHREALTIME (bash 5) is read without a fork;
# `date +%s%N` costs a process per reading.
if [[ -n ${EPOCHREALTIME:-} ]]; then
    now() { t=${EPOCHREALTIME/[.,]/}; t=$((10#$t)); }
else
    now() { t=$(($(date +%s%N) / 1000)); }
fi

# measure NAME OKCODES STDOUT CMD...: run CMD once (stdout to STDOUT, stderr to a file) under
# GNU time if there is one, and append "wall-ms peak-RSS-KiB" to $work/NAME.runs. OKCODES is a
# regex of the exit codes that count as success (grep and keyfence exit 1 when they find
# something); any other code stops the script with CMD's stderr.
measure() {
    local name=$1 ok=$2 stdout=$3 rc=0 t0 ms rss=n/a
    shift 3
    now; t0=$t
    if [[ -n $gnu_time ]]; then
        "$gnu_time" -f '%M' -o "$work/time.out" -- "$@" >"$stdout" 2>"$work/$name.err" || rc=$?
    else
        "$@" >"$stdout" 2>"$work/$name.err" || rc=$?
    fi
    now
    if ! [[ $rc =~ ^($ok)$ ]]; then
        echo "error: '$*' exited with $rc; its stderr:" >&2
        tail -n 20 "$work/$name.err" >&2
        exit 2
    fi
    ms=$(((t - t0 + 500) / 1000))
    [[ -z $gnu_time ]] || rss=$(tail -n 1 "$work/time.out")
    echo "$ms $rss" >>"$work/$name.runs"
    echo "  $name run $(wc -l <"$work/$name.runs"): $ms ms, exit $rc" >&2
}

# --- report -------------------------------------------------------------------------
# stats NAME: best ms, median ms and max peak RSS KiB over the runs in $work/NAME.runs.
stats() {
    local best median rss
    best=$(awk '{print $1}' "$work/$1.runs" | sort -n | head -n 1)
    median=$(awk '{print $1}' "$work/$1.runs" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    rss=$(awk '$2 != "n/a" {if ($2 > m) m = $2; any = 1} END {print any ? m : "n/a"}' "$work/$1.runs")
    echo "$best $median $rss"
}

# throughput_table BYTES FLOOR-MS NAME:CASE...: a markdown table with a row per measured NAME,
# labelled CASE: best and median ms, MB/s (BYTES / 10^6 / seconds), peak RSS MB and best ms /
# FLOOR-MS.
throughput_table() {
    local bytes=$1 floor=$2 spec best median rss
    shift 2
    echo "| case | best ms | median ms | MB/s (best) | MB/s (median) | peak RSS MB | x floor |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for spec; do
        read -r best median rss < <(stats "${spec%%:*}")
        awk -v c="${spec#*:}" -v b="$best" -v m="$median" -v r="$rss" -v n="$bytes" -v f="$floor" 'BEGIN {
            bm = (b > 0) ? sprintf("%.1f", n / 1e6 / (b / 1000)) : "inf"
            mm = (m > 0) ? sprintf("%.1f", n / 1e6 / (m / 1000)) : "inf"
            rm = (r == "n/a") ? "n/a" : sprintf("%.1f", r * 1024 / 1e6)
            xf = (f > 0) ? sprintf("%.2f", b / f) : "n/a"
            printf "| %s | %d | %d | %s | %s | %s | %s |\n", c, b, m, bm, mm, rm, xf
        }'
    done
}

verdict() {  # verdict CONDITION (an awk expression): "met" or "MISSED"
    if awk "BEGIN {exit !($1)}"; then echo met; else echo MISSED; fi
}

# summary_head [NOTE]: the first two summary lines: the machine (uname -m, nproc, CPU model) and
# the keyfence binary with the commit it says it was built from (`--version`; else this checkout's
# commit, -dirty if tracked files have changes), followed by NOTE.
# shellcheck disable=SC2120  # NOTE is optional
summary_head() {
    local commit cpu
    commit=$("$keyfence" --version 2>/dev/null | sed -n 's/.*(commit \([0-9a-f]*\)).*/\1/p' | head -n 1)
    if [[ -z $commit ]]; then
        commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no-commit")
        if [[ $commit != no-commit && -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
            commit+="-dirty"
        fi
    fi
    cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
    echo "- machine: $(uname -m), nproc $(nproc), CPU: ${cpu:-unknown}"
    echo "- keyfence: $commit ($keyfence)${1-}"
}

# report SLUG TITLE: print $work/summary.md and $work/table.md and, unless --no-record, append
# them under a time stamp to benchmarks/results/SLUG-YYYY-MM-DD.md (new files start "# TITLE, date").
report() {
    local out
    echo
    cat "$work/summary.md"; echo; cat "$work/table.md"
    ((record)) || return 0
    mkdir -p "$script_dir/results"
    out="$script_dir/results/$1-$(date -u +%F).md"
    [[ -f $out ]] || printf '# %s, %s\n' "$2" "$(date -u +%F)" >"$out"
    { echo; echo "## $(date -u '+%F %T UTC')"; echo; cat "$work/summary.md"; echo; cat "$work/table.md"; } >>"$out"
    echo
    echo "appended to ${out#"$root"/}"
}
