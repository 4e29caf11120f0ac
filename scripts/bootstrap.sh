#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One-step set-up for a fresh Debian 12 or Ubuntu 24.04 machine.
#
#   scripts/bootstrap.sh demo   install what is missing, build, start the app in demo mode
#   scripts/bootstrap.sh test   install what is missing, build (warnings as errors), run every test
#
# apt packages are installed through sudo when not running as root.
set -euo pipefail

mode=${1:-}
case "$mode" in
  demo|test) ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
src=$(pwd)

packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev libqt6opengl6-dev
  libqt6sql6-sqlite libsqlite3-dev qt6-qpa-plugins libgl-dev libssl-dev
  postgresql libqt6sql6-psql libpq-dev
  xvfb xauth dbus dbus-x11 dunst libnotify-bin x11-apps imagemagick trayer xdotool libxcb1-dev
  curl openssl sqlite3 fonts-dejavu-core procps python3 python3-prometheus-client strace
  qtkeychain-qt6-dev gnome-keyring
  clang libclang-rt-dev lld
  dpkg-dev file desktop-file-utils appstream librsvg2-bin
  clang-format
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "== Installing missing packages: ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)

if [ "$mode" = demo ]; then
  build=build/release
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMM_BUILD_TESTS=OFF -DMM_BUILD_BENCH=OFF
  cmake --build "$build" -j"$jobs"
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "No display found; starting the demo under a virtual X server (xvfb-run)." >&2
    exec xvfb-run -a "$build/app/migration-monitor" --demo
  fi
  exec "$build/app/migration-monitor" --demo
fi

# The ci preset (CMakePresets.json): build/ci, Ninja, -O1, warnings as errors. Only what ships
# (the app, the simulator, icons and man pages: the .deb test's inputs) and the benchmarks are built
# there; the tests are built and run once, under the sanitizers, below. CI stays under 40 minutes on
# 2 cores (docs/PERFORMANCE.md, CI time).
cmake --preset ci
cmake --build --preset ci -j"$jobs" --target mm_package_inputs mm_benches
# The fuzz targets (tests/fuzz), 20 s each, in their own clang build (build/fuzz). Longer runs:
# scripts/fuzz.sh SECONDS.
scripts/fuzz.sh 20
# The packaging test (tests/packaging) builds the .deb from build/ci with cpack, installs it with
# apt, runs it and removes it again; it runs only as root, and only with this consent.
echo "== The .deb (build/ci)"
MM_PACKAGE_TEST=1 ctest --preset ci -L packaging
# Every other test under AddressSanitizer and UBSan (the asan preset: build/asan, Debug so Q_ASSERT
# fires, -O1, line tables only). Its test preset stops at the first report and suppresses only
# leaks inside system libraries (tests/sanitizers/lsan.supp), shows the output of failures and
# fails when no test runs; it includes the clang-format check (label style). ctest's summary is
# the last thing printed.
echo "== The test suite under AddressSanitizer and UBSan (build/asan)"
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
exec ctest --preset asan -j"$jobs"
