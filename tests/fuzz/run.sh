#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, in build-fuzz/) and runs each one for the
# given number of seconds on a copy of its seed corpus (tests/fuzz/corpus/<target>/), as many
# at a time as there are cores. Prints each target's executions and coverage; exits non-zero
# if any target crashed, leaked, hit undefined behaviour, timed out or ran out of memory (the
# input is kept in build-fuzz/artifacts/<target>/).
#   tests/fuzz/run.sh            10 seconds per target
#   tests/fuzz/run.sh 300        5 minutes per target
#   tests/fuzz/run.sh 60 jws     only these targets
# See tests/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-10}
shift || true
dir=${LRSD_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${LRSD_FUZZ_JOBS:-$(nproc)}

# target:max_len (bytes). Large enough for the seeds and for what each input format needs
# (statement batches, a JWS with an x5c certificate, admin documents), small enough to keep
# executions fast.
all_targets=(statement:8192 multipart:4096 jws:8192 query:4096 cursor:1024 admin:8192)
selected=()
if (($#)); then
  for want in "$@"; do
    for t in "${all_targets[@]}"; do [ "${t%%:*}" = "$want" ] && selected+=("$t"); done
  done
else
  selected=("${all_targets[@]}")
fi

start=$(date +%s)
echo "== $dir: configure and build the fuzz targets (clang, ASan+UBSan, libFuzzer)"
generator=()
[ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
CXX=${LRSD_FUZZ_CXX:-clang++} cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Sanitize \
  -DLRSD_FUZZ=ON -DLRSD_BUILD_TESTS=OFF >/dev/null
cmake --build "$dir" -j "$(nproc)" --target lrsd_fuzzers
built=$(date +%s)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# UBSan findings abort (the build uses -fno-sanitize-recover); leaks are checked at exit of
# each input by libFuzzer (-detect_leaks=1 is its default with ASan).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_target() {
  local name=$1 max_len=$2
  mkdir -p "$work/$name/corpus" "$dir/artifacts/$name"
  cp tests/fuzz/corpus/"$name"/* "$work/$name/corpus/"
  set +e
  "$dir/${name}_fuzz" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$name/" "$work/$name/corpus" \
    >"$work/$name.log" 2>&1
  echo $? >"$work/$name.rc"
  set -e
}

echo "== fuzzing ${#selected[@]} targets, ${seconds}s each, $jobs at a time"
running=0
for t in "${selected[@]}"; do
  run_target "${t%%:*}" "${t##*:}" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
printf '%-10s %12s %8s %8s %10s  %s\n' target executions exec/s cov ft result
for t in "${selected[@]}"; do
  name=${t%%:*}
  log="$work/$name.log"
  rc=$(cat "$work/$name.rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  result=ok
  if [ "$rc" != 0 ]; then result="FAILED (exit $rc)"; failed=1; fi
  printf '%-10s %12s %8s %8s %10s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result"
  if [ "$rc" != 0 ]; then
    echo "---- $name: last lines of the libFuzzer log"
    tail -60 "$log"
    echo "---- the input is in $dir/artifacts/$name/; add it to tests/fuzz/regressions/$name/"
  fi
done
echo "== fuzzing took $(( $(date +%s) - start ))s (build $(( built - start ))s)"
exit "$failed"
