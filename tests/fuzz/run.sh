#!/usr/bin/env bash
# Runs every fuzz target built in BUILD_DIR (`make fuzz`) for SECONDS each,
# FUZZ_JOBS (default 2, one per core) at a time, and prints executions,
# executions per second, corpus size and the outcome per target. Fails
# when any target found a crash, a leak, a timeout or a failed property;
# the input is kept as
# BUILD_DIR/fuzz-crashes/<target>-crash-… (add it to tests/fuzz/corpus/<target>
# once fixed, so the replay tests keep it fixed).
# New inputs go to BUILD_DIR/fuzz-corpus/<target>, so later runs start
# from what earlier ones found; the seeds in tests/fuzz/corpus stay as they are.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [target...]
set -uo pipefail
build=${1:?build dir}
seconds=${2:?seconds per target}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(socket_frame slack_payload jira_json mrkdwn wiki config rt_wire)
fi
mkdir -p "$build/fuzz-crashes" "$build/fuzz-logs"
max_jobs=${FUZZ_JOBS:-2}

# One target: runs it, then writes its line of the table (and the lines
# that explain a failure) to its .result file.
run_target() {
  local target=$1
  local binary="$build/tests/fuzz/${target}_fuzz"
  local log="$build/fuzz-logs/$target.log"
  mkdir -p "$build/fuzz-corpus/$target"
  # -timeout: every parser is linear, so one input taking 10 s is a hang;
  # -max_len: large enough for long messages and Jira pages, small enough
  # to keep the executions per second up.
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-crashes/$target-" \
    "$build/fuzz-corpus/$target" "$here/corpus/$target" >"$log" 2>&1
  local status=$?
  local runs rate corpus result
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  corpus=$(ls "$build/fuzz-corpus/$target" | wc -l)
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status; see $log)"
  fi
  {
    printf '%-14s %12s %9s %7s  %s\n' "$target" "${runs:-?}" "${rate:-?}" "$corpus" "$result"
    if [ "$status" -ne 0 ]; then
      grep -a -E 'ERROR|property failed|SUMMARY|Test unit written' "$log" | head -n 8 | sed 's/^/    /'
    fi
  } >"$build/fuzz-logs/$target.result"
  return "$status"
}

pids=()
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; do wait -n; done
  run_target "$target" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done

printf '%-14s %12s %9s %7s  %s\n' target executions exec/s corpus result
for target in "${targets[@]}"; do
  cat "$build/fuzz-logs/$target.result"
done
exit $failed
