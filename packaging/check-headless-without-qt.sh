#!/usr/bin/env bash
# Proves that the GUI-less build (core + CLI + core tests) needs no Qt at all: inside a private
# mount namespace every Qt 6 header directory, CMake package and library is hidden, then the
# headless preset is configured, built and its unit tests run. Needs root (unshare -m).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/no-qt}
exec unshare -m bash -euo pipefail -c '
  dir=$1
  empty=$(mktemp -d)
  hidden=0
  for d in /usr/include/x86_64-linux-gnu/qt6 /usr/lib/x86_64-linux-gnu/qt6 /usr/lib/qt6 \
           /usr/lib/x86_64-linux-gnu/cmake/Qt6* /usr/lib/x86_64-linux-gnu/cmake/QCustomPlot*; do
    [ -d "$d" ] && mount --bind "$empty" "$d" && hidden=$((hidden+1))
  done
  for f in /usr/lib/x86_64-linux-gnu/libQt6*.so* /usr/lib/x86_64-linux-gnu/libqscintilla2_qt6*.so* \
           /usr/lib/x86_64-linux-gnu/libQCustomPlot*.so*; do
    [ -e "$f" ] && mount --bind /dev/null "$f" && hidden=$((hidden+1))
  done
  echo "hid $hidden Qt paths"
    cmake -S . -B "$dir" -G Ninja -DSYNTHEMBED_GUI=OFF -DSYNTHEMBED_TESTS=ON -DSYNTHEMBED_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$dir" -j "$(nproc)"
  ctest --test-dir "$dir" -L unit --output-on-failure
  echo "headless build without Qt: OK"
' _ "$dir"
