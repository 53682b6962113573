#!/usr/bin/env bash
# One entry point for the README's two commands on a fresh Debian 12 (bookworm) or 13 (trixie) machine:
#   packaging/quickstart.sh run    install, configure, build, start the workbench (default project);
#                                  needs no test-only package (GoogleTest is installed only by `test`)
#   packaging/quickstart.sh test   install (with the test packages), configure, build (GUI and
#                                  GUI-less), run every test
# Options through the environment: JOBS (parallel build jobs), BUILD_DIR (default build/dev),
# SKIP_DEPS=1 (do not call the package installer).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mode=${1:-run}
jobs=${JOBS:-$(nproc)}
# Builds in different folders (and clones) share ccache entries.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$here} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
build=${BUILD_DIR:-build/dev}

# Each stage prints its wall time.
stage_start=$SECONDS
stage() { # name: ends the previous stage, starts the next
  local now=$SECONDS
  [ -n "${stage_name:-}" ] && echo "quickstart: stage '$stage_name' took $((now - stage_start)) s"
  stage_name=$1 stage_start=$now
  [ -n "$1" ] && echo "quickstart: == $1"
  return 0
}

if [ "${SKIP_DEPS:-0}" != 1 ]; then
  stage "packages"
  if [ "$mode" = test ]; then
    SYNTHEMBED_TEST_DEPS=1 packaging/deps/debian.sh
  else
    packaging/deps/debian.sh
  fi
fi

configure_build() { # dir, extra cmake args...
  local dir=$1; shift
  stage "configure $dir"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  stage "build $dir"
  cmake --build "$dir" -j "$jobs"
}

case "$mode" in
  run)
    # Tests are built only where GoogleTest is installed (AUTO); `run` never needs it.
    configure_build "$build" -DSYNTHEMBED_GUI=ON
    stage ""
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
    configure_build "$build" -DSYNTHEMBED_GUI=ON -DSYNTHEMBED_TESTS=ON
    stage "tests $build"
    ctest --test-dir "$build" --output-on-failure -j "$jobs"
    # GUI-less build: core + CLI + core tests need no Qt at all. As root, Qt is hidden from that
    # build in a private mount namespace to prove it; otherwise it is a plain -DSYNTHEMBED_GUI=OFF build.
    if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
      stage "GUI-less build and unit tests, Qt hidden"
      packaging/check-headless-without-qt.sh build/headless
    else
      configure_build build/headless -DSYNTHEMBED_GUI=OFF -DSYNTHEMBED_TESTS=ON -DSYNTHEMBED_BENCH=OFF
      stage "unit tests build/headless"
      ctest --test-dir build/headless --output-on-failure -j "$jobs" -L 'unit'
    fi
    stage ""
    echo "quickstart: all tests passed"
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
