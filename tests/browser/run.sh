#!/usr/bin/env bash
# The dashboard's browser test (a ctest test, `browser`): installs playwright-core from npm (npm ci,
# in a copy of this directory's package files under the build directory), then runs
# dashboard.test.mjs, which starts the real lrsd, loads the sample organisation and checks every
# page in Debian's chromium against the API.
#   tests/browser/run.sh [LRSD_BINARY [BUILD_DIR [--docs]]]
#     LRSD_BINARY  default build/lrsd
#     BUILD_DIR    where node_modules and screenshots/ go (default: the binary's directory)
#     --docs       also refresh the README's screenshots in tests/browser/screenshots/
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lrsd=${1:-$root/build/lrsd}
build=$(cd "${2:-$(dirname "$lrsd")}" && pwd)
shift $(( $# < 2 ? $# : 2 ))

command -v node >/dev/null || { echo "browser test: node is missing (tests/install-deps.sh installs nodejs and npm)" >&2; exit 1; }
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "browser test: $chromium is missing (tests/install-deps.sh installs Debian's chromium)" >&2; exit 1; }

npm_dir=$build/browser-npm
mkdir -p "$npm_dir"
if ! cmp -s "$here/package-lock.json" "$npm_dir/package-lock.json" || [ ! -f "$npm_dir/node_modules/playwright-core/package.json" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$npm_dir/"
  (cd "$npm_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

exec env PLAYWRIGHT_CORE_DIR="$npm_dir/node_modules/playwright-core" CHROMIUM="$chromium" \
  node "$here/dashboard.test.mjs" --lrsd "$lrsd" --screenshots "$build/screenshots" "$@"
