#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan, UBSan) and runs each one for
# SECONDS (default 60) on a scratch copy of its seed corpus, two at a time, then replays the
# inputs that once crashed. Exits 1 if a fuzzer finds a crash, a leak, a timeout or undefined
# behaviour, printing its report and the input; the seed corpora in fuzz/corpus are not changed.
#
#   fuzz/run.sh [SECONDS]
#
# Needs clang and libclang-rt-14-dev (Debian's libFuzzer and sanitizer runtimes).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
targets=(profile ruleset expr quantity constants render calibrate)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${targets[@]/#/fuzz_}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_target() {
  local target=$1
  mkdir -p "$work/$target"
  "build/fuzz/fuzz/fuzz_$target" "$work/$target" "fuzz/corpus/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/$target-" >"$work/$target.log" 2>&1
}

# Two at a time: CI machines have two cores.
failed=0
for pair in "profile ruleset" "expr quantity" "constants render" "calibrate"; do
  pids=()
  for target in $pair; do
    run_target "$target" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
done

for target in "${targets[@]}"; do
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
  corpus=$(find "$work/$target" -type f | wc -l)
  echo "fuzz_$target: ${runs:-0} executions in ${seconds} s, $corpus new inputs"
  for crash in "$work/$target"-*; do
    [ -e "$crash" ] || continue
    echo "fuzz_$target found $(basename "$crash"):"
    tail -n 40 "$work/$target.log"
    od -A d -c "$crash" | head -n 40
    failed=1
  done
done

# The inputs that crashed a fuzzer once must stay fixed.
build/fuzz/fuzz/fuzz_ruleset tests/data/fuzz/ruleset-*.yaml >"$work/regressions.log" 2>&1 || {
  cat "$work/regressions.log"
  failed=1
}
build/fuzz/fuzz/fuzz_profile tests/hostile/*.yaml >>"$work/regressions.log" 2>&1 || {
  cat "$work/regressions.log"
  failed=1
}
build/fuzz/fuzz/fuzz_constants tests/data/fuzz/constants-* >>"$work/regressions.log" 2>&1 || {
  cat "$work/regressions.log"
  failed=1
}
build/fuzz/fuzz/fuzz_render tests/data/fuzz/render-* >>"$work/regressions.log" 2>&1 || {
  cat "$work/regressions.log"
  failed=1
}
build/fuzz/fuzz/fuzz_ruleset tests/hostile/rules/*.yaml >>"$work/regressions.log" 2>&1 || {
  cat "$work/regressions.log"
  failed=1
}
exit $failed
