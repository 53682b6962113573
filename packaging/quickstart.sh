#!/usr/bin/env bash
# One entry point for the README's two commands on a fresh Debian 12 machine:
#   packaging/quickstart.sh run    install, configure, build, start the workbench (default project)
#   packaging/quickstart.sh test   install, configure, build (GUI and GUI-less), run every test
# Options through the environment: JOBS (parallel build jobs), BUILD_DIR (default build/dev),
# SKIP_DEPS=1 (do not call the package installer).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mode=${1:-run}
jobs=${JOBS:-$(nproc)}
build=${BUILD_DIR:-build/dev}

if [ "${SKIP_DEPS:-0}" != 1 ]; then
  packaging/deps/debian.sh
fi

configure_build() { # dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

case "$mode" in
  run)
    configure_build "$build" -DSYNTHEMBED_GUI=ON
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      cat <<MSG
synthembed is built, but this machine has no display (DISPLAY/WAYLAND_DISPLAY unset).
  Headless use:           $build/app/synthembed-cli --help
                          $build/app/synthembed-cli init && $build/app/synthembed-cli info
  GUI on a virtual screen: xvfb-run -a $build/app/synthembed
MSG
      exit 0
    fi
    exec "$build/app/synthembed"
    ;;
  test)
    # GUI build: every test (unit, model, slow, ui).
    configure_build "$build" -DSYNTHEMBED_GUI=ON
    ctest --test-dir "$build" --output-on-failure -j "$jobs"
    # GUI-less build proves core + CLI + core tests need no Qt at all.
    configure_build build/headless -DSYNTHEMBED_GUI=OFF -DSYNTHEMBED_BENCH=OFF
    ctest --test-dir build/headless --output-on-failure -j "$jobs" -L 'unit'
    echo "quickstart: all tests passed"
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
