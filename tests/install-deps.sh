#!/usr/bin/env bash
# Installs (apt-get) whatever lrsd needs to build and test on Debian 12 and is not installed yet.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-url1.81-dev librocksdb-dev rapidjson-dev libssl-dev
  libgtest-dev libcli11-dev libxxhash-dev libjemalloc-dev
  chromium  # the dashboard's browser test (tests/browser/)
  clang libclang-rt-14-dev  # libFuzzer and the sanitizers for tests/fuzz/
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm build the dashboard (Chart.js) and run its browser test (playwright-core): Debian's
# nodejs and npm unless a node with npm is already installed (e.g. a NodeSource nodejs, which
# bundles npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "lrsd: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
