#!/usr/bin/env bash
# The test command: installs what is missing, builds lrsd twice (Release, and ASan+UBSan) with
# ccache, and runs every test in both builds: unit tests, integration tests on the real binary
# (HTTP and HTTPS), and the requirement-traced conformance tests.
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
build_and_test build -DCMAKE_BUILD_TYPE=Release
if [ "$mode" = all ]; then
  build_and_test build-asan -DCMAKE_BUILD_TYPE=Sanitize -DLRSD_SANITIZE=ON
fi
echo "== all tests passed in $(( $(date +%s) - start ))s"
