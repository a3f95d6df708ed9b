#!/usr/bin/env bash
# Throughput of `keyfence history` over a whole repository, against git's own object-reading floor.
#
# Usage: benchmarks/history_throughput.sh REPO [--keyfence PATH] [--threads N] [--runs N] [--no-record]
#        benchmarks/history_throughput.sh --make-synthetic DIR [--seed N]
#
#   REPO             a full (not shallow) clone with long history, e.g.
#                    git clone https://github.com/curl/curl
#   --keyfence PATH  binary to measure (default: build/keyfence under the repository root)
#   --threads N      keyfence worker threads, passed as -j N (default: nproc)
#   --runs N         timed runs per case (default 3); best and median are reported
#   --no-record      print only; do not append to benchmarks/results/
#   --make-synthetic DIR
#                    build a deterministic synthetic repository in DIR (which must not exist)
#                    and exit: 3000 commits (with feature branches, merges and tags) over about
#                    400 source-like files, written with git fast-import in well under a minute.
#                    A few fake keys are committed on purpose; they are listed, without the
#                    keys, in DIR/.git/keyfence-planted.tsv. Then benchmark it as REPO.
#   --seed N         generator seed for --make-synthetic (default 1)
#   --commits N      commits in the --make-synthetic repository (default 3000)
#
# Cases, interleaved: `git cat-file --batch-all-objects --batch --unordered` (the floor:
# reading and inflating every object once, single-threaded) and `keyfence history REPO
# --format json --output F -j N` (exit 1, findings, is normal; 2 is an error). The page
# cache is warmed first. MB = total bytes of all blobs / 10^6; MB/s = MB / wall seconds.
# Targets (issue 12, on a real clone such as curl): keyfence median <= 1.0x the floor's median
# (stretch 0.7x), peak RSS <= 512 MB.
# The table is appended to benchmarks/results/history-throughput-YYYY-MM-DD.md.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

repo=""
threads=""
runs=3
synthetic=""
seed=1
synthetic_commits=3000
target_ratio=1.0
target_rss_mb=512

while (($#)); do
    case "$1" in
        --threads|-j) threads=${2:?--threads needs a value}; shift 2 ;;
        --make-synthetic) synthetic=${2:?--make-synthetic needs a directory}; shift 2 ;;
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        --commits) synthetic_commits=${2:?--commits needs a value}; shift 2 ;;
        -*) common_option "$@" || { usage >&2; die "unknown option: $1"; }; shift "$shifted" ;;
        *) [[ -z $repo ]] || die "only one REPO, please (got '$repo' and '$1')"; repo=$1; shift ;;
    esac
done
need_positive "$runs" --runs
[[ $seed =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"
threads=${threads:-$(nproc)}
need_positive "$threads" --threads
command -v git >/dev/null || die "git is required"
command -v python3 >/dev/null || die "python3 is required"

# --- --make-synthetic DIR -----------------------------------------------------------
make_synthetic() {
    local dir=$1 gitdir marks t0
    [[ ! -e $dir ]] || die "$dir already exists; pass a new directory"
    t0=$SECONDS
    git init -q -b main "$dir"
    gitdir=$(git -C "$dir" rev-parse --absolute-git-dir)
    marks="$gitdir/keyfence-marks"
    echo "generating a synthetic history in $dir (seed $seed) ..." >&2
    # The generator writes the fast-import stream to stdout and the planted keys (by mark) to
    # argv[2]. Commit dates, authors and contents depend only on the seed, so commit ids do too.
    python3 - "$seed" "$gitdir/keyfence-planted.marks" "$synthetic_commits" <<'EOF' | git -C "$dir" fast-import --quiet --export-marks="$marks"
import random, sys

seed, planted_path = int(sys.argv[1]), sys.argv[2]
r = random.Random(seed)
out = sys.stdout.buffer
TOTAL = int(sys.argv[3])

WORDS = ("request user config handler buffer index parse render cache client server session "
         "record value result option stream queue worker count offset length path module event "
         "status error limit retry timeout payload header schema field table column node graph "
         "input output reader writer parser lexer token filter map reduce batch chunk frame").split()
AUTHORS = [("Ada Lovelace", "ada"), ("Alan Turing", "alan"), ("Grace Hopper", "grace"),
           ("Edsger Dijkstra", "edsger"), ("Barbara Liskov", "barbara"), ("Donald Knuth", "don"),
           ("Frances Allen", "fran"), ("Ken Thompson", "ken"), ("Margaret Hamilton", "margaret"),
           ("Niklaus Wirth", "niklaus")]
EXTS = ("py", "js", "c", "h", "yaml", "md", "json")
VERBS = ("fix", "add", "refactor", "update", "remove", "rename", "document", "test", "speed up", "simplify")

def ident(): return "_".join(r.choice(WORDS) for _ in range(r.randint(1, 3)))

def line(ext):
    a, b, c, n = ident(), ident(), r.choice(WORDS), r.randint(0, 99999)
    if ext == "py":
        return r.choice([f"    {a} = {b}({c}, {n})", f"def {a}(self, {b}, {c}=None):", f"        return self.{a}[{b!r}]",
                         f"    # {a}: keep {b} sorted by {c}", f"    if {a} is None or len({b}) > {n}:",
                         f"from {c} import {a}", f"        raise ValueError(f\"bad {a}: {{{b}}}\")", ""])
    if ext == "js":
        return r.choice([f"  const {a} = await {b}({c}, {n});", f"export function {a}({b}, {c}) {{",
                         f"  return {a}.{b}?.{c} ?? null;", f"  // {a}: keep {b} sorted by {c}", "}",
                         f"import {{ {a} }} from './{c}.js';", ""])
    if ext in ("c", "h"):
        return r.choice([f"    size_t {a} = {b}(ctx, {n});", f"static int {a}(struct {b} *{c})", "{", "}",
                         f"    /* {a}: keep {b} sorted by {c} */", f"    if ({a} > {n}) return -E{c.upper()};",
                         f"#include \"{c}.h\"", ""])
    if ext == "yaml":
        return r.choice([f"{a}: {n}", f"  {a}: {b}", f"- name: {a}", f"  enabled: {r.choice(['true', 'false'])}",
                         f"  url: https://{c}.example.com/{a}"])
    if ext == "json":
        return r.choice([f'  "{a}": {n},', f'  "{a}": "{b}",', f'  "{a}": [{n}, {r.randint(0, 99)}],',
                         f'  "{a}": {r.choice(["true", "false", "null"])},'])
    return r.choice([f"The {a} step reads {b} and writes {n} {c} records.", f"## {a}", f"- `{a}`: {b}", "",
                     f"See [{a}](docs/{c}.md) for how {b} works."])

def new_path():
    ext = r.choice(EXTS)
    top = {"md": "docs", "yaml": "config", "json": "config"}.get(ext, r.choice(["src", "lib", "tests", "tools"]))
    return f"{top}/{r.choice(WORDS)}/{ident()}.{ext}"

def new_file(path):
    ext = path.rsplit(".", 1)[1]
    return [line(ext) for _ in range(int(r.paretovariate(1.2) * 60) % 1500 + 20)]

def edit(path, lines):
    """One to three realistic hunks: change, insert or delete a few lines."""
    ext = path.rsplit(".", 1)[1]
    lines = list(lines)
    for _ in range(r.randint(1, 3)):
        op, at = r.random(), r.randrange(len(lines) + 1)
        if op < 0.45 and lines:
            for k in range(at, min(at + r.randint(1, 5), len(lines))):
                lines[k] = line(ext)
        elif op < 0.85 or len(lines) < 40:
            lines[at:at] = [line(ext) for _ in range(r.randint(1, 30))]
        else:
            del lines[at:at + r.randint(1, 12)]
    return lines

def data(b):
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")

files, weight = {}, {}   # main's tree: path -> lines; how often each path gets edited
while len(files) < 300:
    p = new_path()
    if p not in files:
        files[p], weight[p] = new_file(p), r.random() ** 3 + 0.01

mark, count, clock = 0, 0, 1420070400  # 2015-01-01
planted = []

def commit(ref, parent, changes, msg, merge=None):
    """changes: {path: lines or None (delete)}. Returns the new mark."""
    global mark, count, clock
    mark += 1
    count += 1
    clock += r.randint(600, 6 * 3600)
    name, user = r.choice(AUTHORS)
    who = f"{name} <{user}@example.invalid> {clock} +0000\n".encode()
    out.write(b"commit %s\nmark :%d\nauthor %s" % (ref.encode(), mark, who))
    out.write(b"committer " + who)
    data(msg.encode())
    if parent:
        out.write(b"from :%d\n" % parent)
    if merge:
        out.write(b"merge :%d\n" % merge)
    for p in sorted(changes):
        if changes[p] is None:
            out.write(b"D %s\n" % p.encode())
        else:
            out.write(b"M 100644 inline %s\n" % p.encode())
            data(("\n".join(changes[p]) + "\n").encode())
    return mark

def random_changes(tree, allowed):
    """Edit 1-4 files (the often-edited ones more often); sometimes add or delete one."""
    paths = [p for p in tree if p in allowed]
    changes = {}
    for p in r.choices(paths, [weight[p] for p in paths], k=r.randint(1, 4)):
        changes[p] = edit(p, changes.get(p, tree[p]))
    if r.random() < 0.06 and len(tree) < 420:
        p = new_path()
        if p not in tree:
            changes[p], weight[p] = new_file(p), r.random() ** 3 + 0.01
    elif r.random() < 0.01 and len(paths) > 250:
        changes[r.choice(paths)] = None
    return changes

def apply(tree, changes):
    for p, v in changes.items():
        if v is None:
            tree.pop(p, None)
        else:
            tree[p] = v

# The fake keys are put together here, from parts, so this script holds none.
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
def openai_key():
    tail = lambda: "".join(r.choice(ALNUM + "_-") for _ in range(74))
    return "sk-" + "proj-" + tail() + "T3Blbk" + "FJ" + tail()
def aws_key():
    return "AK" + "IA" + "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))

def plant(tree, changes, kind):
    """Add a small config file holding one fake key; returns its path."""
    key = openai_key() if kind == "openai" else aws_key()
    var = "OPENAI_API_KEY" if kind == "openai" else "AWS_ACCESS_KEY_ID"
    p = f"config/local/{ident()}_{len(planted)}.env"
    body = [f"# local settings for {ident()}", f"{ident().upper()}={r.randint(1, 9999)}", f"{var}={key}",
            f"{ident().upper()}={ident()}"]
    changes[p] = body
    weight[p] = 0.0   # never picked by random edits
    planted.append([mark + 1, p, 3, kind])
    return p

msg = lambda: f"{r.choice(VERBS)} {ident().replace('_', ' ')}"
main = commit("refs/heads/main", None, dict(files), "initial import")
main_commits, branch_no, unplant, branch_plant = 1, 0, None, True
# (main commit number, kind, taken out again in the next commit)
main_plants = [(310, "openai", True), (1100, "aws", False), (1900, "aws", True), (2400, "openai", False)]

while count < TOTAL:
    if main_commits % 120 == 60 and TOTAL - count > 60:
        # A feature branch: a few commits on its own files, while main goes on elsewhere.
        branch_no += 1
        ref = f"refs/heads/feature/{branch_no:02d}-{r.choice(WORDS)}"
        own = set(r.choices(list(files), [weight[p] for p in files], k=r.randint(2, 6)))
        btree = {p: files[p] for p in sorted(own)}  # sorted: set order changes with PYTHONHASHSEED
        keep = TOTAL - count < 400  # the last branches stay unmerged, as in a real clone
        tip = main
        for k in range(r.randint(4, 14)):
            ch = random_changes(btree, own)
            if keep and k == 0 and branch_plant:  # one key only on an unmerged branch
                own.add(plant(btree, ch, "openai"))
                branch_plant = False
            own.update(ch)
            apply(btree, ch)
            tip = commit(ref, tip, ch, msg())
        for _ in range(r.randint(3, 10)):
            ch = random_changes(files, set(files) - own)
            apply(files, ch)
            main = commit("refs/heads/main", main, ch, msg())
            main_commits += 1
        if not keep:
            ch = {p: btree.get(p) for p in sorted(own)}
            apply(files, ch)
            main = commit("refs/heads/main", main, ch, f"Merge branch '{ref[11:]}'", merge=tip)
            main_commits += 1
        continue
    ch = random_changes(files, set(files))
    if unplant:  # the commit after a plant takes the key out again, as after an "oops"
        ch[unplant] = None
        unplant = None
    if main_plants and main_commits >= main_plants[0][0]:
        _, kind, oops = main_plants.pop(0)
        p = plant(files, ch, kind)
        unplant = p if oops else None
    apply(files, ch)
    main = commit("refs/heads/main", main, ch, msg())
    main_commits += 1
    if main_commits % 500 == 0:
        out.write(b"reset refs/tags/v%d.0\nfrom :%d\n\n" % (main_commits // 500, main))

out.write(b"done\n")
with open(planted_path, "w") as f:
    f.writelines(f":{m}\t{p}\t{l}\t{k}\n" for m, p, l, k in planted)
print(f"{count} commits, {len(files)} files on main, {len(planted)} planted keys", file=sys.stderr)
EOF
    # fast-import writes one pack with quick deltas; one repack makes it look like a clone's.
    git -C "$dir" repack -ad -q
    git -C "$dir" reset -q --hard main
    # planted.tsv: commit, path, line, kind (no keys), with the marks turned into commit ids.
    {
        printf 'commit\tpath\tline\tkind\n'
        awk 'NR == FNR {id[$1] = $2; next} {$1 = id[$1]; print}' OFS='\t' "$marks" "$gitdir/keyfence-planted.marks"
    } >"$gitdir/keyfence-planted.tsv"
    rm -f -- "$marks" "$gitdir/keyfence-planted.marks"
    echo "done in $((SECONDS - t0)) s: $dir ($(git -C "$dir" rev-list --all --count) commits," \
         "$(git -C "$dir" ls-files | wc -l) files at main; planted keys listed in $gitdir/keyfence-planted.tsv)" >&2
    echo "now run: $0 $dir" >&2
}

if [[ -n $synthetic ]]; then
    [[ -z $repo ]] || die "--make-synthetic takes no REPO"
    make_synthetic "$synthetic"
    exit 0
fi

# --- set-up -------------------------------------------------------------------------
[[ -n $repo ]] || { usage >&2; die "REPO is required"; }
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo is not a git repository"
repo=$(cd -- "$repo" && pwd)
[[ $(git -C "$repo" rev-parse --is-shallow-repository) == false ]] ||
    echo "warning: $repo is a shallow clone; its history is incomplete (git fetch --unshallow)" >&2

resolve_keyfence
find_gnu_time
make_work keyfence-history-bench

echo "counting objects in $repo ..." >&2
read -r blob_bytes blob_count < <(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
    awk '$1 == "blob" {s += $2; n++} END {printf "%.0f %d\n", s, n}')
commit_count=$(git -C "$repo" rev-list --all --count)
((blob_bytes > 0)) || die "$repo has no blobs"

echo "warming the page cache ..." >&2
objects=$(cd -- "$repo" && cd -- "$(git rev-parse --git-path objects)" && pwd)
find "$objects" -type f -print0 | xargs -0 -r cat >/dev/null  # packs, indexes and any loose objects

# --- measurement --------------------------------------------------------------------
echo "timing the floor and keyfence history -j $threads, interleaved ($runs runs each) ..." >&2
for ((i = 1; i <= runs; i++)); do
    measure floor 0 /dev/null git -C "$repo" cat-file --batch-all-objects --batch --unordered
    # Exit 1 means findings, which is not a failure here; 2 is an error.
    measure keyfence '0|1' /dev/null "$keyfence" history "$repo" --format json --output "$work/kf.json" -j "$threads"
done

# --- report -------------------------------------------------------------------------
# Findings in the last JSON report: a list, or an object holding one.
findings=$(python3 - "$work/kf.json" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        d = json.load(f)
except (OSError, ValueError):
    print("n/a"); sys.exit(0)
if isinstance(d, dict):
    d = next((d[k] for k in ("findings", "Findings", "results", "matches") if isinstance(d.get(k), list)), None)
print(len(d) if isinstance(d, list) else "n/a")
EOF
)
planted_tsv="$(git -C "$repo" rev-parse --absolute-git-dir)/keyfence-planted.tsv"
planted=""
[[ -f $planted_tsv ]] && planted=" (synthetic repository: $(($(wc -l <"$planted_tsv") - 1)) keys planted, see $planted_tsv)"

read -r floor_best floor_median _ < <(stats floor)
read -r kf_best kf_median kf_rss < <(stats keyfence)

throughput_table "$blob_bytes" "$floor_best" "floor:git cat-file --batch-all-objects --batch --unordered (floor)" \
    "keyfence:keyfence history --format json -j $threads" >"$work/table.md"

ratio=$(awk -v a="$kf_median" -v b="$floor_median" 'BEGIN {print (b > 0) ? sprintf("%.2f", a / b) : "n/a"}')
best_ratio=$(awk -v a="$kf_best" -v b="$floor_best" 'BEGIN {print (b > 0) ? sprintf("%.2f", a / b) : "n/a"}')
v_ratio=$(verdict "$floor_median > 0 && $kf_median / $floor_median <= $target_ratio")
if [[ $kf_rss == n/a ]]; then
    kf_rss_mb=n/a v_rss="n/a"
else
    kf_rss_mb=$(awk -v r="$kf_rss" 'BEGIN {printf "%.1f", r * 1024 / 1e6}')
    v_rss=$(verdict "$kf_rss_mb <= $target_rss_mb")
fi

repo_head=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "?")

{
    summary_head ", -j $threads"
    echo "- repository: $repo at $repo_head: $commit_count commits, $blob_count unique blobs, $blob_bytes blob bytes; $runs runs per case"
    echo "- findings reported: $findings$planted"
    echo "- target: keyfence median <= ${target_ratio}x the floor's median: $v_ratio (${ratio}x; best against best: ${best_ratio}x); peak RSS <= $target_rss_mb MB: $v_rss ($kf_rss_mb MB)"
    echo "- MB = 10^6 bytes of blob data; MB/s = blob bytes / wall time; peak RSS = max over runs (GNU time %M); x floor = best ms / floor best ms"
} >"$work/summary.md"
report history-throughput "history throughput"
