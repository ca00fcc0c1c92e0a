#!/usr/bin/env bash
# The crash-safety test, longer: CrashSafety.* with LRSD_CRASH_CYCLES SIGKILL cycles (default 100)
# against the Release build. See tests/crash/README.md.
#   tests/crash/run-long.sh              100 cycles, a random seed (printed)
#   tests/crash/run-long.sh 500          500 cycles
#   LRSD_CRASH_SEED=123 tests/crash/run-long.sh 100     replay a seed
# Environment: LRSD_BUILD_DIR (default build), LRSD_CRASH_FULL_SWEEP_EVERY (default 5 here: a
# full index sweep every 5th cycle and at the end, the cycle's own statements in between),
# LRSD_CRASH_ID_SAMPLE, LRSD_CRASH_BATCH_PAUSE_MS, LRSD_CRASH_SETTLE_MS (see the README).
set -euo pipefail
cd "$(dirname "$0")/../.."

cycles=${1:-100}
build=${LRSD_BUILD_DIR:-build}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --target lrsd integration_test

export LRSD_CRASH_CYCLES=$cycles
export LRSD_CRASH_FULL_SWEEP_EVERY=${LRSD_CRASH_FULL_SWEEP_EVERY:-5}
log=${LRSD_CRASH_LOG:-$build/crash-long.log}
xml=${log%.log}.xml
start=$(date +%s)
status=0
"$build/integration_test" --gtest_filter='CrashSafety.*' --gtest_output="xml:$xml" 2>&1 | tee "$log" || status=$?
echo "== crash test: $cycles cycles, exit status $status, $(( $(date +%s) - start )) s; log $log, figures $xml"
exit "$status"
