#!/usr/bin/env bash
# `keyfence audit` over many small repositories: repositories per second with 1 and 2 threads, and peak
# RSS, beside git's floor (reading every object of every repository once, one after another).
#
# Usage: benchmarks/audit_many.sh [--repos N] [--commits N] [--keyfence PATH] [--runs N] [--no-record]
#
#   --repos N        generated repositories (default 200), in a scratch directory
#   --commits N      commits in each (default 30; about 40 files each, a few fake keys shared between
#                    repositories, so the merged report has keys in many places)
#   --keyfence PATH  binary to measure (default: build/keyfence under the repository root)
#   --runs N         timed runs per case (default 3), interleaved; best and median are reported
#   --no-record      print only; do not append to benchmarks/results/
#
# Cases: `for r in REPOS; do git -C $r cat-file --batch-all-objects --batch --unordered; done`
# (the floor), `keyfence audit --repos LIST -f json -o F -j 1` and `-j 2` (small repositories are
# audited in parallel, one thread each). The repositories are synthetic: the figure is the
# per-repository cost (open, walk, scan, merge), not a real organization's content.
# The table is appended to benchmarks/results/audit-many-YYYY-MM-DD.md.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n_repos=200
commits=30
runs=3
while (($#)); do
    case "$1" in
        --repos) n_repos=${2:?--repos needs a value}; shift 2 ;;
        --commits) commits=${2:?--commits needs a value}; shift 2 ;;
        *) common_option "$@" || { usage >&2; die "unknown option: $1"; }; shift "$shifted" ;;
    esac
done
need_positive "$n_repos" --repos
need_positive "$commits" --commits
need_positive "$runs" --runs
resolve_keyfence
find_gnu_time
make_work keyfence-audit-many

echo "generating $n_repos repositories of $commits commits..." >&2
python3 - "$work/repos" "$n_repos" "$commits" <<'PY'
import os, random, subprocess, sys
base, n, commits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(15)
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Fake keys built from parts (this script holds none), each shared by several repositories.
keys = ["sk-" + "proj-" + "".join(r.choice(ALNUM) for _ in range(74)) + "T3Blbk" + "FJ" + "".join(r.choice(ALNUM) for _ in range(74))
        for _ in range(10)]
words = "alpha beta gamma delta config server client cache token index parse render queue worker".split()
for i in range(n):
    path = os.path.join(base, f"repo-{i:04d}")
    os.makedirs(path)
    subprocess.run(["git", "init", "-q", "--bare", path], check=True)
    out = []
    files = {f"src/{r.choice(words)}_{k}.py": [f"{r.choice(words)} = {r.randint(0, 10**6)}" for _ in range(r.randint(20, 200))] for k in range(40)}
    clock = 1700000000
    for c in range(commits):
        clock += 3600
        out.append(f"commit refs/heads/main\nauthor Dev <dev@example.invalid> {clock} +0000\ncommitter Dev <dev@example.invalid> {clock} +0000\n")
        msg = f"change {c}"
        out.append(f"data {len(msg)}\n{msg}\n")
        for p in r.sample(sorted(files), 3 if c else len(files)):
            lines = files[p]
            lines[r.randrange(len(lines))] = f"{r.choice(words)} = {r.randint(0, 10**6)}"
            if r.random() < 0.02:
                lines.append(f"API_KEY = '{r.choice(keys)}'")
            body = "\n".join(lines) + "\n"
            out.append(f"M 100644 inline {p}\ndata {len(body.encode())}\n{body}\n")
    subprocess.run(["git", "-C", path, "fast-import", "--quiet"], input="".join(out).encode(), check=True)
PY
ls -d "$work"/repos/* >"$work/list.txt"
bytes=$(while read -r d; do git -C "$d" cat-file --batch-all-objects --batch-check='%(objectsize)'; done <"$work/list.txt" | awk '{s += $1} END {print s}')
floor() { while read -r d; do git -C "$d" cat-file --batch-all-objects --batch --unordered >/dev/null; done <"$work/list.txt"; }
export -f floor
export work

floor >/dev/null  # warm the page cache
for ((i = 0; i < runs; i++)); do
    measure floor 0 /dev/null bash -c floor
    measure j1 '0|1' /dev/null "$keyfence" audit --repos "$work/list.txt" --cache-dir "$work/cache" -f json -o "$work/j1.json" -j 1
    measure j2 '0|1' /dev/null "$keyfence" audit --repos "$work/list.txt" --cache-dir "$work/cache" -f json -o "$work/j2.json" -j 2
done
cmp -s "$work/j1.json" "$work/j2.json" || die "the -j 1 and -j 2 reports differ"
findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/j1.json")
read -r _ floor_ms _ < <(stats floor)
{
    summary_head
    echo "- $n_repos synthetic repositories, $commits commits each, $((bytes / 1000000)) MB of objects; $findings merged findings (identical at -j 1 and -j 2)"
} >"$work/summary.md"
{
    echo "| case | best ms | median ms | repositories/s (median) | peak RSS MB | x floor (median) |"
    echo "|---|---:|---:|---:|---:|---:|"
    for spec in "floor:git cat-file, one repository after another" "j1:keyfence audit -j 1" "j2:keyfence audit -j 2"; do
        read -r best median rss < <(stats "${spec%%:*}")
        awk -v c="${spec#*:}" -v b="$best" -v m="$median" -v r="$rss" -v n="$n_repos" -v f="$floor_ms" 'BEGIN {
            printf "| %s | %d | %d | %.1f | %s | %.2f |\n", c, b, m, n / (m / 1000), r == "n/a" ? "n/a" : sprintf("%.1f", r * 1024 / 1e6), m / f }'
    done
} >"$work/table.md"
report audit-many "keyfence audit over many repositories"
