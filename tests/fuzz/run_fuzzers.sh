#!/usr/bin/env bash
# make fuzz: run each libFuzzer target for FUZZ_SECONDS seconds, one after the other.
#   tests/fuzz/run_fuzzers.sh BUILD_DIR TARGET...
# Each target first replays its known crashers (regressions/<target>/*: each must no longer crash), then
# fuzzes from its seeds (corpus/<target>/, read-only) into a work corpus under BUILD_DIR/fuzz-work/, so
# the repository's corpus is not flooded; FUZZ_MERGE=1 merges inputs that add coverage back into the
# seeds. Prints executions and coverage per target; exits 1 if any target crashed, leaked, timed out or
# ran out of memory (the input is left in BUILD_DIR/fuzz-work/<target>/artifacts/).
set -uo pipefail
build=$1
shift
seconds=${FUZZ_SECONDS:-60}
merge=${FUZZ_MERGE:-0}
here=$(cd "$(dirname "$0")" && pwd)
status=0
summary=()

for target in "$@"; do
  bin=$build/tests/fuzz/$target
  work=$build/fuzz-work/$target
  seeds=$here/corpus/$target
  mkdir -p "$work/corpus" "$work/artifacts"
  options=(-timeout=30 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$work/artifacts/")
  [ -f "$here/$target.dict" ] && options+=(-dict="$here/$target.dict")
  # Known leaks inside a third-party library, if any (the file says which and why).
  supp=(env)
  [ -f "$here/$target.lsan.supp" ] && supp+=("LSAN_OPTIONS=suppressions=$here/$target.lsan.supp")
  # Sanitizer and libFuzzer settings of the target's own, if any (the file says which and why).
  if [ -f "$here/$target.options" ]; then
    while read -r line; do
      case $line in '#'*|'') ;; -*) options+=("$line") ;; *) supp+=("$line") ;; esac
    done <"$here/$target.options"
  fi

  regressions=$(find "$here/regressions/$target" -type f 2>/dev/null | sort)
  if [ -n "$regressions" ]; then
    # shellcheck disable=SC2086
    if ! "${supp[@]}" "$bin" "${options[@]}" $regressions >"$work/regressions.log" 2>&1; then
      echo "== $target: a reproducer in tests/fuzz/regressions/$target still crashes:"
      tail -n 40 "$work/regressions.log"
      summary+=("$target: regressions FAIL")
      status=1
    fi
  fi

  echo "== $target: fuzzing ${seconds}s (log: $work/fuzz.log)"
  "${supp[@]}" "$bin" "${options[@]}" -max_total_time="$seconds" "$work/corpus" "$seeds" >"$work/fuzz.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
  cov=$(grep -E '^#[0-9]+.*cov: ' "$work/fuzz.log" | tail -n 1 | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/')
  if [ "$rc" -ne 0 ]; then
    echo "== $target: FAILED (exit $rc); input: $(sed -n 's/.*Test unit written to //p' "$work/fuzz.log" | tail -n 1)"
    grep -n -m 1 -E 'ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error:|==[0-9]+==' "$work/fuzz.log" || true
    tail -n 60 "$work/fuzz.log"
    summary+=("$target: CRASH (exit $rc) executions=${execs:-?} ${cov:-}")
    status=1
  else
    summary+=("$target: ok executions=${execs:-?} ${cov:-}")
  fi

  if [ "$merge" = 1 ]; then
    "$bin" -merge=1 "$seeds" "$work/corpus" >"$work/merge.log" 2>&1 && echo "== $target: merged into $seeds"
  fi
done

echo "== fuzz summary (${seconds}s each)"
printf '  %s\n' "${summary[@]}"
exit $status
