#!/usr/bin/env bash
# The test command: installs what is missing, builds lrsd twice (Release, and ASan+UBSan) with
# ccache, and runs every test in both builds: unit tests, integration tests on the real binary
# (HTTP and HTTPS), the requirement-traced conformance tests, and the dashboard's browser test
# (ctest's `browser`: tests/browser/run.sh, Debian's chromium driven by playwright-core from npm;
# its screenshots land in <build dir>/screenshots/), then a short fuzz run (tests/fuzz/run.sh).
#   tests/run.sh            everything
#   tests/run.sh release    Release build only (quicker local loop)
set -euo pipefail
cd "$(dirname "$0")/.."
tests/install-deps.sh

jobs=$(nproc)
mode=${1:-all}
export CTEST_OUTPUT_ON_FAILURE=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1

build_and_test() {
  local dir=$1; shift
  echo "== $dir: configure and build"
  local generator=()
  [ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
  cmake -S . -B "$dir" "${generator[@]}" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== $dir: test"
  ctest --test-dir "$dir" -j "$jobs" --timeout 900
}

start=$(date +%s)
# The Release build also builds the benchmarks, so that ctest runs their smoke tests (bench_smoke:
# every load-generator scenario for about a second against a real lrsd, checked for correctness,
# not timed; bench_raw_rocksdb_smoke). benchmarks/run.sh measures.
build_and_test build -DCMAKE_BUILD_TYPE=Release -DLRSD_BUILD_BENCHMARKS=ON
if [ "$mode" = all ]; then
  build_and_test build-asan -DCMAKE_BUILD_TYPE=Sanitize -DLRSD_SANITIZE=ON
  # A short libFuzzer run of every target (clang, ASan+UBSan, build-fuzz/); the corpora and kept
  # crashing inputs are also replayed by ctest's fuzz_replay in both builds above.
  echo "== build-fuzz: fuzz each target for ${LRSD_FUZZ_SECONDS:-5}s"
  tests/fuzz/run.sh "${LRSD_FUZZ_SECONDS:-5}"
fi
echo "== all tests passed in $(( $(date +%s) - start ))s"
