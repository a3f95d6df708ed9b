#!/usr/bin/env bash
# Accuracy of keyfence (recall, precision, F1) on a generated repository with planted keys and decoys.
#
# Usage: benchmarks/accuracy/run.sh [--keyfence PATH] [--seed N] [--per-kind N] [--keep DIR] [--no-record]
#
#   --keyfence PATH  binary to score (default: build/keyfence under the repository root)
#   --seed N         generator seed (default 1)
#   --per-kind N     planted keys of each kind in history (default 20); the staged change adds N/10 more
#   --keep DIR       generate into DIR (and DIR.truth.json) and keep it, instead of a temporary directory
#   --no-record      print only; do not append to benchmarks/results/
#
# Generates the repository with benchmarks/accuracy/generate.py, scores `keyfence history` and
# `keyfence staged` with benchmarks/accuracy/score.py (per-kind tables, misses, false positives),
# and appends the overall recall, precision and F1 of each mode, with the date and keyfence's
# commit, to benchmarks/results/accuracy-YYYY-MM-DD.md.
# Targets: recall >= 0.99 and precision >= 0.98 in both modes.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

here="$script_dir/accuracy"
seed=1
per_kind=20
keep=""

while (($#)); do
    if common_option "$@"; then shift "$shifted"; continue; fi
    case "$1" in
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        --per-kind) per_kind=${2:?--per-kind needs a value}; shift 2 ;;
        --keep) keep=${2:?--keep needs a value}; shift 2 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[[ $seed =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"
need_positive "$per_kind" --per-kind

command -v python3 >/dev/null || die "python3 is required"
command -v git >/dev/null || die "git is required"
resolve_keyfence

make_work keyfence-accuracy
if [[ -n $keep ]]; then
    repo=$(cd -- "$(dirname -- "$keep")" && pwd)/$(basename -- "$keep")
    gen_opts=(--force)
else
    repo="$work/repo"
    gen_opts=()
fi

python3 "$here/generate.py" "$repo" --seed "$seed" --per-kind "$per_kind" "${gen_opts[@]}"
echo
rc=0
python3 "$here/score.py" "$repo" --mode both --keyfence "$keyfence" --summary-json "$work/summary.json" || rc=$?
((rc == 0)) || die "score.py exited with $rc"

# summary and table for the results file
python3 - "$work/summary.json" "$repo.truth.json" >"$work/table.md" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
print("| mode | expected keys | found | recall | findings | false positives | precision | F1 |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
fmt = lambda x: "n/a" if x is None else "%.3f" % x
for mode, m in s["modes"].items():
    print("| %s | %d | %d | %s | %d | %d | %s | %s |" % (mode, m["expected"], m["found"], fmt(m["recall"]), m["findings"],
                                                     m["false_positives"], fmt(m["precision"]), fmt(m["f1"])))
print()
for mode, m in s["modes"].items():
    worst = sorted(m["per_kind"].items(), key=lambda kv: (kv[1]["recall"], kv[0]))
    worst = [kv for kv in worst if kv[1]["recall"] < 1][:10]
    print("- %s, kinds below 1.00: %s" % (mode, ", ".join("%s %.2f" % (k, v["recall"]) for k, v in worst) or "none"))
    if m["fp_causes"]:
        print("- %s, false positives by cause: %s" % (mode, ", ".join("%s %d" % kv for kv in sorted(m["fp_causes"].items(), key=lambda kv: -kv[1]))))
EOF

read -r verdict_text < <(python3 - "$work/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
ok = all(m["recall"] >= 0.99 and (m["precision"] or 0) >= 0.98 for m in s["modes"].values())
parts = ["%s recall %.3f precision %s" % (k, m["recall"], "n/a" if m["precision"] is None else "%.3f" % m["precision"]) for k, m in s["modes"].items()]
print(("met" if ok else "MISSED") + " (" + "; ".join(parts) + ")")
EOF
)
{
    summary_head
    python3 - "$repo.truth.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
k = t["keys"]
print("- corpus: generate.py --seed %s --per-kind %s: %d kinds, %d keys (%d in history, %d staged, %d unstaged), %d decoys, HEAD %s"
      % (t["seed"], t["per_kind"], len(t["kinds"]), len(k), sum(x["scope"] == "history" for x in k),
         sum(x["scope"] == "staged" for x in k), sum(x["scope"] == "unstaged" for x in k), len(t["decoys"]), t["head"][:12]))
EOF
    echo "- target: recall >= 0.99 and precision >= 0.98 in both modes: $verdict_text"
} >"$work/summary.md"

report accuracy "keyfence accuracy"
