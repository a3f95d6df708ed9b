#!/usr/bin/env bash
# make test-tsan: ThreadSanitizer on keyfence's multi-threaded paths.
#   tests/fuzz/tsan_history.sh BUILD_DIR      (BUILD_DIR configured with -DKEYFENCE_SANITIZE=thread)
# 1. The e2e history tests (doctest -tc="history*"); they run BUILD_DIR/keyfence as a subprocess, with
#    the default thread count (all cores) and, in one test, -j 1 against -j 4.
# 2. A deterministic check with more work per thread: a bare repository of 300 commits (fast-import,
#    tokens of a test-only rule in some of them) audited with -j 8 three times, plus a range and
#    --include-unreachable, each report compared with the -j 1 one.
# Every TSan report goes to BUILD_DIR/tsan-logs/ (the subprocesses' stderr is captured by the tests);
# any report, or a differing report, fails the run.
set -euo pipefail
build=$(cd "${1:-build-tsan}" && pwd)
logs=$build/tsan-logs
rm -rf "$logs" && mkdir -p "$logs"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:log_path=$logs/tsan"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KEYFENCE_CACHE_DIR=$tmp/cache

fail() { echo "tsan_history: $*" >&2; cat "$logs"/tsan* 2>/dev/null | head -n 200 >&2; exit 1; }

echo "== e2e history tests under TSan"
"$build/tests/keyfence_e2e_tests" -tc="history*" || fail "e2e history tests failed"
ls "$logs"/tsan* >/dev/null 2>&1 && fail "TSan reported a race in the e2e history tests"

echo "== 300-commit repository, keyfence history -j 8 vs -j 1"
repo=$tmp/r.git
git init -q --bare "$repo"
filler=$(seq -f 'filler line %g, so that each blob takes the workers a little while to scan' 1 150)  # ~10 KB
{
  for i in $(seq 1 300); do
    printf 'commit refs/heads/main\nmark :%d\ncommitter T <t@example.invalid> %d +0000\ndata <<END\nc%d\nEND\n' "$i" $((1700000000 + i)) "$i"
    if [ "$i" -gt 1 ]; then printf 'from :%d\n' $((i - 1)); fi
    # Three files change per commit; every 7th commit adds a token of the rule below to each.
    token=$(printf 'tsan%d' "$i" | sha1sum | cut -c1-16)
    for f in $((i % 11)) $((i % 13 + 20)) $((i % 5 + 40)); do
      printf 'M 100644 inline src/f%d.txt\ndata <<END\nline %d of %d\n%s\n' "$f" "$i" "$f" "$filler"
      if [ $((i % 7)) -eq 0 ]; then printf 'token = tsantok_%s\n' "$token"; fi
      printf 'END\n'
    done
  done
  printf 'reset refs/heads/side\nfrom :150\n'
} | git -C "$repo" fast-import --quiet
# A test-only rule on top of the built-in ones, so the scan has findings to merge and attribute.
cat >"$tmp/rules.toml" <<'TOML'
[extend]
useDefault = true
[[rules]]
id = "tsan-test-token"
description = "test-only token for the TSan check"
regex = '''\btsantok_([0-9a-f]{16})\b'''
keywords = ["tsantok_"]
TOML

history() {  # history ARGS... > report; exit 1 (findings) expected
  local rc=0
  "$build/keyfence" history "$repo" -c "$tmp/rules.toml" --format json "$@" || rc=$?
  [ "$rc" -eq 1 ] || fail "keyfence history $* exited $rc, expected 1"
}
history -j 1 >"$tmp/j1.json"
for run in 1 2 3; do
  history -j 8 >"$tmp/j8.json"
  cmp -s "$tmp/j1.json" "$tmp/j8.json" || fail "run $run: -j 8 report differs from -j 1"
done
history -j 1 main~100..main >"$tmp/range1.json"
history -j 8 main~100..main >"$tmp/range8.json"
cmp -s "$tmp/range1.json" "$tmp/range8.json" || fail "range report differs between -j 1 and -j 8"
history -j 8 --include-unreachable >/dev/null
ls "$logs"/tsan* >/dev/null 2>&1 && fail "TSan reported a race in keyfence history"
echo "tsan_history: OK ($(grep -c '"rule_id"' "$tmp/j1.json") findings, identical for -j 1 and -j 8, no TSan report)"
