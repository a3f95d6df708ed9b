#!/usr/bin/env bash
# Latency of the pre-commit gate `keyfence staged` on a typical commit, next to `git diff --cached`.
#
# Usage: benchmarks/hook_latency.sh [--keyfence PATH] [--runs N] [--files N | --repo PATH] [--no-record]
#
#   --keyfence PATH  binary to measure (default: build/keyfence under the repository root)
#   --runs N         timed runs per warm case (default 30); the cold case always runs 5 times
#   --files N        files in the repository (default 200; at least 200), for the cost of a
#                    large index and tree: the staged change stays 5 files / 500 lines
#   --repo PATH      measure in a real repository instead: a local clone of PATH (its HEAD checked
#                    out), where the same kind of change is staged: 2 new files (150 + 100 lines) and
#                    +100, +80 and +70 lines in 3 tracked source files picked by position in
#                    `git ls-files` (the same files for the same HEAD)
#   --no-record      print only; do not append to benchmarks/results/
#
# Without --repo, builds a throw-away git repository in ${TMPDIR:-/tmp} (200 source-like files unless --files,
# 4 commits, all generated deterministically), stages a commit of 5 files with 500 added lines (2 new
# files, 3 edited ones, no secrets) and times, interleaved, `git diff --cached --name-only`
# and `keyfence staged`, both run inside that repository. KEYFENCE_CACHE_DIR points at a
# fresh directory for the whole run; the cold case empties it before each run, so keyfence
# has to compile its rules again. Prints median and p90 wall ms, the ratio to git diff and
# the peak RSS and page faults of one warm run (GNU time %M, %R) with what one fault costs
# here. Targets: median <= 10 ms and <= 3x git diff (on a real repository such as curl),
# <= 20 ms in a 20,000-file one (--files 20000).
# The table is appended to benchmarks/results/hook-latency-YYYY-MM-DD.md.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=30
files=200
source_repo=""
cold_runs=5
target_ms=10
target_ratio=3

while (($#)); do
    if common_option "$@"; then shift "$shifted"; continue; fi
    case "$1" in
        --files) files=${2:?--files needs a value}; shift 2 ;;
        --repo) source_repo=${2:?--repo needs a value}; shift 2 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[[ $files =~ ^[0-9]+$ ]] && ((files >= 200)) || die "--files must be a whole number of at least 200"
((files == 200)) || [[ -z $source_repo ]] || die "--files and --repo exclude each other"
[[ -z $source_repo ]] || git -C "$source_repo" rev-parse --git-dir >/dev/null 2>&1 || die "--repo: not a git repository: $source_repo"
((files <= 10000)) || target_ms=20
need_positive "$runs" --runs

command -v python3 >/dev/null || die "python3 is required (repository generator)"
command -v git >/dev/null || die "git is required"
resolve_keyfence
find_gnu_time

make_work keyfence-hook-bench
repo="$work/repo"
export KEYFENCE_CACHE_DIR="$work/cache"  # a fresh rule-database cache for this run only
mkdir -p "$KEYFENCE_CACHE_DIR"

# Keep the user's and the system's git configuration (hooks, signing, fsmonitor, ...) out of it.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid

# --- the repository -----------------------------------------------------------------
# gen.py init DIR FILES: the files; gen.py edit DIR N FILES: edit commit N; gen.py stage DIR FILES:
# the measured change; gen.py stage-real DIR PATHS: the same change in a real work tree (PATHS: ls-files).
cat >"$work/gen.py" <<'EOF'
import os, random, sys

WORDS = ("request user config handler buffer index parse render cache client server token "
         "session record value result option stream queue worker count offset length path "
         "module event status error limit retry timeout payload header schema field").split()
EXTS = ("py", "js", "c", "yaml", "md")

def ident(r):
    return "_".join(r.choice(WORDS) for _ in range(r.randint(1, 3)))

def line(r, ext):
    a, b, n = ident(r), ident(r), r.randint(0, 9999)
    if ext == "py":
        return r.choice([f"    {a} = {b}({n})", f"def {a}({b}, limit={n}):", f"    return {a}.get('{b}')",
                         f"    # {a} keeps {b} in order", f"    if {a} > {n}:", f"import {a}"])
    if ext == "js":
        return r.choice([f"  const {a} = {b}({n});", f"function {a}({b}) {{", f"  return {a}.{b};",
                         f"  // {a} keeps {b} in order", "}", f"export {{ {a} }};"])
    if ext == "c":
        return r.choice([f"    int {a} = {b}({n});", f"static int {a}(struct {b} *p)", "{", "}",
                         f"    /* {a} keeps {b} in order */", f"    if ({a} > {n}) return -1;"])
    if ext == "yaml":
        return r.choice([f"{a}: {n}", f"  {a}: {b}", f"- name: {a}", f"  enabled: {r.choice(['true', 'false'])}"])
    return r.choice([f"The {a} step reads {b} and writes {n} records.", f"## {a}", f"- `{a}`: {b}", ""])

def path_of(i):  # 20 directories for the first 200 files, then one more for each 100
    return f"src/mod{i % max(20, FILES // 100):02d}/file{i:03d}.{EXTS[i % len(EXTS)]}"

def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")

def read(path):
    with open(path) as f:
        return f.read().split("\n")[:-1]

def insert(r, path, count):  # insert `count` new lines at one random place
    lines = read(path)
    at = r.randint(0, len(lines))
    ext = path.rsplit(".", 1)[1]
    write(path, lines[:at] + [line(r, ext) for _ in range(count)] + lines[at:])

os.chdir(sys.argv[2])
phase = sys.argv[1]
FILES = int(sys.argv[-1]) if sys.argv[-1].isdigit() else 200
if phase == "init":
    r = random.Random(1)
    for i in range(FILES):
        write(path_of(i), [line(r, EXTS[i % len(EXTS)]) for _ in range(r.randint(40, 400))])
elif phase == "edit":
    r = random.Random(100 + int(sys.argv[3]))
    for i in r.sample(range(FILES), 20):
        lines = read(path_of(i))
        for _ in range(r.randint(1, 6)):
            k = r.randrange(len(lines))
            lines[k] = line(r, EXTS[i % len(EXTS)])
        write(path_of(i), lines)
        insert(r, path_of(i), r.randint(1, 15))
elif phase == "stage-real":  # the same change in a real work tree: edits to 3 tracked source files
    r = random.Random(999)
    tracked = sorted(p for p in sys.argv[3].split("\n") if p.rsplit(".", 1)[-1] in EXTS and os.path.isfile(p))
    picked = [tracked[len(tracked) * k // 4] for k in (1, 2, 3)]
    write("keyfence_bench/feature_new.py", [line(r, "py") for _ in range(150)])
    write("keyfence_bench/feature_new.js", [line(r, "js") for _ in range(100)])
    for path, count in zip(picked, (100, 80, 70)):
        insert(r, path, count)
else:  # stage: 2 new files (150 + 100 lines) and 3 edits (+100, +80, +70): 500 added lines
    r = random.Random(999)
    write("src/mod03/feature_new.py", [line(r, "py") for _ in range(150)])
    write("src/mod07/feature_new.js", [line(r, "js") for _ in range(100)])
    insert(r, path_of(12), 100)
    insert(r, path_of(45), 80)
    insert(r, path_of(78), 70)
EOF

# Old mtimes: files touched in the same second as the index are "racily clean" and git
# would re-hash them on every run, which is not what a real working tree looks like.
age_files() { find "$repo" -path "$repo/.git" -prune -o -type f -exec touch -d '2020-01-01 00:00:00' {} +; }

if [[ -n $source_repo ]]; then
    echo "cloning $source_repo into $repo ..." >&2
    git clone -q -- "$source_repo" "$repo"
    python3 "$work/gen.py" stage-real "$repo" "$(git -C "$repo" ls-files)"
else
    echo "building the test repository in $repo ..." >&2
    git init -q -b main "$repo"
    python3 "$work/gen.py" init "$repo" "$files"
    age_files
    git -C "$repo" add -A
    GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z' \
        git -C "$repo" commit -q -m "initial import"
    for n in 1 2 3; do
        python3 "$work/gen.py" edit "$repo" "$n" "$files"
        age_files
        git -C "$repo" add -A
        GIT_AUTHOR_DATE="2024-01-0$((n + 1))T00:00:00Z" GIT_COMMITTER_DATE="2024-01-0$((n + 1))T00:00:00Z" \
            git -C "$repo" commit -q -m "edit round $n"
    done
    python3 "$work/gen.py" stage "$repo" "$files"
fi
age_files
git -C "$repo" add -A
git -C "$repo" update-index --refresh >/dev/null  # a clean stat cache, as in a real repository

read -r staged_files staged_added staged_removed < <(git -C "$repo" diff --cached --numstat |
    awk '{f++; a += $1; d += $2} END {print f + 0, a + 0, d + 0}')
[[ $staged_files == 5 && $staged_added == 500 ]] ||
    die "generator bug: staged $staged_files files with $staged_added added lines (want 5 and 500)"
repo_files=$(git -C "$repo" ls-tree -r --name-only HEAD | wc -l)
repo_commits=$(git -C "$repo" rev-list --count HEAD)

# --- measurement --------------------------------------------------------------------
# timed NAME CMD...: run CMD once (stdout discarded), append its wall time in microseconds
# to $work/NAME.us. Exit 0 is clean, 1 (keyfence: a finding) is noted, anything else stops.
timed() {
    local name=$1 rc=0 t0
    shift
    now; t0=$t
    "$@" >/dev/null 2>"$work/$name.err" || rc=$?
    now
    if ((rc > 1)); then
        echo "error: '$*' exited with $rc; its stderr:" >&2
        tail -n 20 "$work/$name.err" >&2
        exit 2
    fi
    ((rc == 0)) || echo "$name" >>"$work/nonzero"
    echo "$((t - t0))" >>"$work/$name.us"
}

cd "$repo"
: >"$work/nonzero"
# One untimed run each: the first keyfence run compiles the rules into KEYFENCE_CACHE_DIR.
timed warmup git diff --cached --name-only
timed warmup "$keyfence" staged
rm -f "$work/warmup.us"
if [[ -z $(find "$KEYFENCE_CACHE_DIR" -mindepth 1 -print -quit) ]]; then
    echo "note: keyfence wrote nothing to KEYFENCE_CACHE_DIR; the cold and warm cases are the same." >&2
fi

echo "timing git diff --cached --name-only and keyfence staged, interleaved ($runs runs each) ..." >&2
for ((i = 1; i <= runs; i++)); do
    timed gitdiff git diff --cached --name-only
    timed warm "$keyfence" staged
done

echo "timing keyfence staged with an empty rule cache ($cold_runs runs) ..." >&2
for ((i = 1; i <= cold_runs; i++)); do
    find "$KEYFENCE_CACHE_DIR" -mindepth 1 -delete
    timed cold "$keyfence" staged
done

rss_mb=n/a faults_keyfence=n/a faults_git=n/a
if [[ -n $gnu_time ]]; then  # one warm run each (the cold loop just refilled the cache)
    rc=0
    "$gnu_time" -f '%M %R' -o "$work/time.out" -- "$keyfence" staged >/dev/null 2>&1 || rc=$?
    ((rc > 1)) || read -r rss_mb faults_keyfence < <(awk '{printf "%.1f %d\n", $1 * 1024 / 1e6, $2}' "$work/time.out")
    "$gnu_time" -f '%R' -o "$work/time.out" -- git diff --cached --name-only >/dev/null 2>&1 && faults_git=$(tail -n 1 "$work/time.out")
fi
# What one page fault costs here: on some virtual machines it is 10-15 us instead of well under 1 us, and
# then a process's page faults, not its instructions, set the wall time of a run this short.
fault_us=$(python3 -c '
import mmap, time
n = 20000; m = mmap.mmap(-1, n * 4096); t = time.perf_counter()
for i in range(0, n * 4096, 4096): m[i] = 1
print("%.2f" % ((time.perf_counter() - t) * 1e6 / n))')

if [[ -n ${hyperfine:=$(command -v hyperfine || true)} ]]; then
    echo; echo "hyperfine, for reference (the table below comes from the script's own timings):"
    hf=("$hyperfine" --warmup 3 --runs "$runs" --ignore-failure --style basic)
    "$hyperfine" -N --runs 1 true >/dev/null 2>&1 && hf+=(-N)  # no intermediate shell, if supported
    "${hf[@]}" 'git diff --cached --name-only' "$(printf '%q' "$keyfence") staged" || echo "(hyperfine failed)"
fi
cd "$root"

# --- report -------------------------------------------------------------------------
# percentiles NAME: median and p90 (nearest rank) of $work/NAME.us in ms with two decimals.
percentiles() {
    sort -n "$work/$1.us" | awk '{a[NR] = $1} END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        p = int(0.9 * NR); if (p < 0.9 * NR) p++
        printf "%.2f %.2f\n", m / 1000, a[p] / 1000 }'
}
read -r git_med git_p90 < <(percentiles gitdiff)
read -r warm_med warm_p90 < <(percentiles warm)
read -r cold_med cold_p90 < <(percentiles cold)
ratio() { awk -v a="$1" -v b="$git_med" 'BEGIN {print (b > 0) ? sprintf("%.1f", a / b) : "n/a"}'; }

{
    echo "| case | runs | median ms | p90 ms | x git diff |"
    echo "|---|---:|---:|---:|---:|"
    echo "| git diff --cached --name-only | $runs | $git_med | $git_p90 | 1.0 |"
    echo "| keyfence staged (warm rule cache) | $runs | $warm_med | $warm_p90 | $(ratio "$warm_med") |"
    echo "| keyfence staged (cold rule cache) | $cold_runs | $cold_med | $cold_p90 | $(ratio "$cold_med") |"
} >"$work/table.md"

v_ms=$(verdict "$warm_med <= $target_ms")
v_ratio=$(verdict "$git_med > 0 && $warm_med / $git_med <= $target_ratio")

{
    summary_head
    echo "- repository: ${source_repo:+a clone of $source_repo at $(git -C "$repo" rev-parse --short=10 HEAD), }$repo_files files in HEAD, $repo_commits commits; staged: $staged_files files, +$staged_added/-$staged_removed lines"
    echo "- peak RSS of one warm keyfence staged: $rss_mb MB (GNU time %M; MB = 10^6 bytes)"
    echo "- minor page faults of one warm run: keyfence staged $faults_keyfence, git diff $faults_git; one page fault costs $fault_us us here (anonymous memory, touched once)"
    echo "- target: warm median <= $target_ms ms: $v_ms ($warm_med ms); <= ${target_ratio}x git diff: $v_ratio ($(ratio "$warm_med")x)"
    if [[ -s $work/nonzero ]]; then
        echo "- WARNING: keyfence exited 1 (a finding) on a change with no secrets in $(grep -c . "$work/nonzero") runs"
    fi
} >"$work/summary.md"
report hook-latency "hook latency"
