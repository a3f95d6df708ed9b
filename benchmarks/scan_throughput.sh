#!/usr/bin/env bash
# Throughput of `keyfence scan` on a deterministic source-like corpus, against a reading floor.
#
# Usage: benchmarks/scan_throughput.sh [--size-mb N] [--keyfence PATH] [--corpus DIR]
#                                      [--runs N] [--seed N] [--min-mbs X] [--no-record]
#        benchmarks/scan_throughput.sh --tree DIR [--tree DIR ...] [--keyfence PATH] [--runs N] ...
#
#   --size-mb N      corpus size in MiB (default 1024, i.e. 1 GiB)
#   --keyfence PATH  binary to measure (default: build/keyfence under the repository root)
#   --corpus DIR     corpus directory (default: ${TMPDIR:-/tmp}/keyfence-corpus-<size>);
#                    generated with gen_corpus.py if DIR/planted.tsv is missing
#   --runs N         timed runs per case (default 3); best and median are reported
#   --tree DIR       real code instead of the synthetic corpus: every file under DIR (repeatable),
#                    e.g. --tree /usr/include --tree /usr/lib/python3.11; nothing is planted there,
#                    so only the number of findings is reported
#   --seed N         generator seed (default 1), used only when generating
#   --min-mbs X      exit 1 if `keyfence scan -j 1` is slower than X MB/s (best run)
#   --no-record      print only; do not append to benchmarks/results/
#
# Cases: `cat` of every file (the reading floor), `grep -rcF 'sk-'` (a simple-tool
# reference), `keyfence scan -j 1` (single-threaded matching, built-in rules) and
# `keyfence scan -j $(nproc)`. Wall time is measured around each run; peak RSS comes from
# GNU time (`%M`). MB = 10^6 bytes throughout; MB/s = corpus bytes / wall time.
# The table is appended to benchmarks/results/scan-throughput-YYYY-MM-DD.md.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

size_mb=1024
corpus=""
runs=3
seed=1
min_mbs=""
trees=()

while (($#)); do
    case "$1" in
        --size-mb) size_mb=${2:?--size-mb needs a value}; shift 2 ;;
        --corpus) corpus=${2:?--corpus needs a value}; shift 2 ;;
        --tree) trees+=("$(cd -- "${2:?--tree needs a value}" && pwd)"); shift 2 ;;
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        --min-mbs) min_mbs=${2:?--min-mbs needs a value}; shift 2 ;;
        *) common_option "$@" || { usage >&2; die "unknown argument: $1"; }; shift "$shifted" ;;
    esac
done
need_positive "$size_mb" --size-mb
need_positive "$runs" --runs
[[ -z $min_mbs || $min_mbs =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--min-mbs must be a number"
corpus=${corpus:-${TMPDIR:-/tmp}/keyfence-corpus-$size_mb}

command -v python3 >/dev/null || die "python3 is required (corpus generator, JSON counting)"
resolve_keyfence
find_gnu_time

# --- corpus -------------------------------------------------------------------------
# planted.tsv is written last by the generator, so it marks a complete corpus.
if ((${#trees[@]})); then
    : # real code: scanned where it is
elif [[ ! -f $corpus/planted.tsv ]]; then
    echo "generating ${size_mb} MiB corpus in $corpus ..." >&2
    python3 "$script_dir/gen_corpus.py" "$corpus" --size-mb "$size_mb" --seed "$seed"
fi
make_work keyfence-bench
if ((${#trees[@]})); then
    targets=("${trees[@]}")
    echo "path	line	rule" >"$work/planted.tsv"  # nothing planted: a header only
    planted_file=$work/planted.tsv
    corpus_label="real code: ${trees[*]}"
else
    corpus=$(cd -- "$corpus" && pwd)
    targets=("$corpus")
    planted_file=$corpus/planted.tsv
    corpus_label=$corpus
fi

find "${targets[@]}" -type f -print0 | sort -z >"$work/files"
nfiles=$(tr -cd '\0' <"$work/files" | wc -c)
corpus_bytes=$(xargs -0 -a "$work/files" stat -c %s | awk '{s += $1} END {printf "%.0f", s}')
planted=$(($(wc -l <"$planted_file") - 1))  # minus the header line
nproc=$(nproc)

echo "corpus: $corpus_label ($nfiles files, $corpus_bytes bytes, $planted planted keys)" >&2
echo "warming the page cache ..." >&2
xargs -0 -a "$work/files" cat >/dev/null

# --- measurement --------------------------------------------------------------------
measure_runs() {  # measure_runs NAME OKCODES STDOUT CMD...: measure CMD $runs times
    local i
    for ((i = 1; i <= runs; i++)); do measure "$@"; done
}

echo "timing the reading floor and references ($runs runs each) ..." >&2
measure_runs cat '0' /dev/null xargs -0 -a "$work/files" cat
# Not /dev/null: GNU grep notices that and stops at the first match.
measure_runs grep '0|1' "$work/grep.out" env LC_ALL=C grep -rcF 'sk-' "${targets[@]}"

echo "timing keyfence ($runs runs each) ..." >&2
# Exit 1 means findings, which the corpus is built to have; 2 is an error.
measure_runs kf1 '0|1' /dev/null "$keyfence" scan -j 1 "${targets[@]}" --format json --output "$work/kf1.json"
measure_runs kfN '0|1' /dev/null "$keyfence" scan -j "$nproc" "${targets[@]}" --format json --output "$work/kfN.json"

# --- report -------------------------------------------------------------------------
# Findings: count entries in the JSON report (a list, or an object holding a list), and
# how many planted keys appear at their planted path and line, if the fields are findable.
count_findings() {
    python3 - "$1" "$planted_file" <<'EOF'
import json, sys

def as_list(d):
    if isinstance(d, list):
        return d
    if isinstance(d, dict):
        for k in ("findings", "Findings", "results", "matches"):
            if isinstance(d.get(k), list):
                return d[k]
    return None

try:
    with open(sys.argv[1]) as f:
        items = as_list(json.load(f))
except (OSError, ValueError) as e:
    print("n/a n/a")
    sys.exit(0)
if items is None:
    print("n/a n/a")
    sys.exit(0)

def field(d, names):
    for n in names:
        v = d.get(n)
        if isinstance(v, dict):  # e.g. {"location": {"path": ..., "line": ...}}
            continue
        if v is not None:
            return v
    for v in d.values():
        if isinstance(v, dict):
            got = field(v, names)
            if got is not None:
                return got
    return None

seen = set()
for it in items:
    if not isinstance(it, dict):
        continue
    path = field(it, ("path", "file", "File", "Path", "file_path"))
    line = field(it, ("line", "start_line", "StartLine", "Line", "line_number"))
    if isinstance(path, str) and isinstance(line, int):
        seen.add((path.replace("\\", "/"), line))

with open(sys.argv[2]) as f:
    rows = [l.rstrip("\n").split("\t") for l in f][1:]
found = sum(1 for p, l, _ in rows
            if any(sp.endswith("/" + p) or sp == p for sp, sl in seen if sl == int(l)))
print(len(items), found if seen else "n/a")
EOF
}
read -r findings1 hit1 < <(count_findings "$work/kf1.json")
read -r findingsN hitN < <(count_findings "$work/kfN.json")

read -r floor_ms _ _ < <(stats cat)
throughput_table "$corpus_bytes" "$floor_ms" "cat:cat all files (read floor)" "grep:LC_ALL=C grep -rcF 'sk-'" \
    "kf1:keyfence scan -j 1" "kfN:keyfence scan -j $nproc" >"$work/table.md"

{
    summary_head
    echo "- corpus: $corpus_label, $nfiles files, $corpus_bytes bytes, $planted planted keys; $runs runs per case"
    if ((planted)); then
        echo "- findings reported: -j 1: $findings1, -j $nproc: $findingsN; planted keys found at their line: -j 1: $hit1/$planted, -j $nproc: $hitN/$planted"
    else
        echo "- findings reported: -j 1: $findings1, -j $nproc: $findingsN (nothing planted)"
    fi
    echo "- MB = 10^6 bytes; MB/s = corpus bytes / wall time; peak RSS = max over runs (GNU time %M); x floor = best ms / cat best ms"
} >"$work/summary.md"
report scan-throughput "scan throughput"

if [[ -n $min_mbs ]]; then
    read -r kf1_best _ _ < <(stats kf1)
    if ! awk -v n="$corpus_bytes" -v b="$kf1_best" -v min="$min_mbs" 'BEGIN {exit !(b > 0 ? n / 1e6 / (b / 1000) >= min : 1)}'; then
        echo "FAIL: keyfence scan -j 1 is below the floor of $min_mbs MB/s" >&2
        exit 1
    fi
    echo "ok: keyfence scan -j 1 is at or above $min_mbs MB/s"
fi
