#!/usr/bin/env bash
# Proves the README on a machine that has only what the project's own files install: a minimal
# Debian root made by debootstrap (new for every run), a fresh clone of the commit under test, and the
# README's commands run verbatim inside it, as root, with a clean environment.
#
#   packaging/check-fresh-root.sh SUITE [STEPS]
#     SUITE   bookworm (Debian 12) or trixie (Debian 13)
#     STEPS   quickstart  the quick start: `./packaging/quickstart.sh test`, then `./packaging/quickstart.sh run`
#                         (no display there: it must build and print how to work headless)   [default]
#             configure   `packaging/deps/debian.sh`, then the by-hand `cmake --preset dev` (GUI) and
#                         `cmake --preset headless` (GUI-less) without any test package; then
#                         `SYNTHEMBED_TEST_DEPS=1 packaging/deps/debian.sh` and both configured with
#                         -DSYNTHEMBED_TESTS=ON
#             headless    `SYNTHEMBED_NO_GUI=1 SYNTHEMBED_TEST_DEPS=1 packaging/deps/debian.sh`, then
#                         `cmake --preset headless && cmake --build --preset headless && ctest --preset headless -L unit`
#
# Environment: SOURCE=worktree copies the working tree (tracked and untracked, not ignored) instead of
# cloning HEAD (for trying uncommitted changes); KEEP_ROOT=1 keeps the root afterwards; ROOTS_DIR
# (default ~/.cache/synthembed-roots) holds the pristine debootstrap tarball and the .deb cache per
# suite, so that only the first run downloads them; CCACHE_DIR (default ~/.cache/ccache) is shared into
# the root, so CI stays well inside its time limit; MIRROR (default http://deb.debian.org/debian).
# Needs root, debootstrap and network access to the Debian archive.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
suite=${1:?usage: $0 bookworm|trixie [quickstart|configure|headless]}
steps=${2:-quickstart}
case "$suite" in bookworm|trixie) ;; *) echo "unknown suite '$suite' (bookworm or trixie)" >&2; exit 2 ;; esac
case "$steps" in quickstart|configure|headless) ;; *) echo "unknown steps '$steps'" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "check-fresh-root.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }

roots=${ROOTS_DIR:-$HOME/.cache/synthembed-roots}
mirror=${MIRROR:-http://deb.debian.org/debian}
ccache_dir=${CCACHE_DIR:-$HOME/.cache/ccache}
mkdir -p "$roots/apt-$suite" "$ccache_dir"

t0=$SECONDS
stage_start=$SECONDS
stage_name=""
stage() {
  local now=$SECONDS
  [ -n "$stage_name" ] && echo "fresh-root[$suite]: stage '$stage_name' took $((now - stage_start)) s"
  stage_name=$1 stage_start=$now
  [ -n "$1" ] && echo "fresh-root[$suite]: == $1"
  return 0
}

# 1. A pristine minimal root: debootstrap once per suite (kept as a tarball), unpacked anew each run.
stage "new $suite root"
base="$roots/base-$suite.tar"
if [ ! -s "$base" ]; then
  command -v debootstrap >/dev/null ||
    { echo "check-fresh-root.sh: debootstrap is missing (SYNTHEMBED_TEST_DEPS=1 packaging/deps/debian.sh installs it)" >&2; exit 1; }
  tmp=$(mktemp -d "$roots/debootstrap-$suite.XXXXXX")
  debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$roots/debootstrap-$suite.log" 2>&1 ||
    { tail -20 "$roots/debootstrap-$suite.log"; exit 1; }
  tar -C "$tmp" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$tmp"
fi
root=$(mktemp -d "/var/tmp/synthembed-fresh-$suite.XXXXXX")
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  if [ "${KEEP_ROOT:-0}" = 1 ]; then echo "fresh-root[$suite]: root kept at $root"; else rm -rf "$root"; fi
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
bind() { # host path, path inside the root, [ro]
  mkdir -p "$root$2"
  mount --rbind "$1" "$root$2"
  mounts+=("$root$2")
  if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$root$2"; fi
}
mount -t proc proc "$root/proc"; mounts+=("$root/proc")
bind /sys /sys
bind /dev /dev
bind "$roots/apt-$suite" /var/cache/apt/archives   # downloaded .debs, kept between runs
bind "$ccache_dir" /root/.cache/ccache
cp /etc/resolv.conf "$root/etc/resolv.conf"
# A chroot must not start services from package scripts (a real machine would; nothing here needs one).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"

# 2. The project, as a new user gets it: a clone of the commit under test (or the working tree), with
#    the shared test material next to it, where CI has it.
stage "clone"
mkdir -p "$root/src"
if [ "${SOURCE:-clone}" = worktree ]; then
  mkdir -p "$root/src/synthembed"
  git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -C "$root/src/synthembed" -xf -
  echo "working tree of $(git rev-parse --short HEAD) (with uncommitted changes)"
else
  commit=$(git rev-parse HEAD)
  git clone -q --no-local "$src" "$root/src/synthembed"
  git -C "$root/src/synthembed" checkout -q --detach "$commit"
  echo "clone of $commit"
fi
if [ -d "$src/../shared" ]; then bind "$(cd "$src/../shared" && pwd)" /src/shared ro; fi

# 3. The README's commands, verbatim, in a clean environment.
in_root() { # shell command line, run in the clone
  chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 TERM=dumb CCACHE_DIR=/root/.cache/ccache bash -euo pipefail -c "cd /src/synthembed && $1"
}
case "$steps" in
  quickstart)
    stage "./packaging/quickstart.sh test"
    in_root './packaging/quickstart.sh test'
    stage "./packaging/quickstart.sh run"
    out=$(in_root './packaging/quickstart.sh run')
    echo "$out"
    grep -q 'synthembed-cli' <<<"$out" || { echo "quickstart.sh run did not say how to work headless" >&2; exit 1; }
    in_root 'build/dev/app/synthembed-cli --version && build/dev/app/synthembed-cli init && build/dev/app/synthembed-cli info'
    ;;
  configure)
    stage "packaging/deps/debian.sh (no test packages)"
    in_root 'packaging/deps/debian.sh'
    if in_root 'dpkg-query -W -f="\${Status}" libgtest-dev 2>/dev/null | grep -q "install ok installed"'; then
      echo "GoogleTest is installed by the plain deps script: quickstart.sh run must not need it" >&2; exit 1
    fi
    stage "cmake --preset dev (GUI, no GoogleTest)"
    in_root 'cmake --preset dev'
    stage "cmake --preset headless (GUI-less, no GoogleTest)"
    in_root 'cmake --preset headless'
    stage "SYNTHEMBED_TEST_DEPS=1 packaging/deps/debian.sh"
    in_root 'SYNTHEMBED_TEST_DEPS=1 packaging/deps/debian.sh'
    stage "configure both with the tests"
    in_root 'cmake --preset dev -DSYNTHEMBED_TESTS=ON >/dev/null && cmake --preset headless -DSYNTHEMBED_TESTS=ON >/dev/null && echo "configured with tests"'
    ;;
  headless)
    stage "SYNTHEMBED_NO_GUI=1 SYNTHEMBED_TEST_DEPS=1 packaging/deps/debian.sh"
    in_root 'SYNTHEMBED_NO_GUI=1 SYNTHEMBED_TEST_DEPS=1 packaging/deps/debian.sh'
    stage "cmake --preset headless && cmake --build --preset headless"
    in_root 'cmake --preset headless -DSYNTHEMBED_TESTS=ON >/dev/null && cmake --build --preset headless'
    stage "ctest --preset headless -L unit"
    in_root 'ctest --preset headless -L unit'
    ;;
esac
stage ""
echo "fresh-root[$suite]: $steps OK in $((SECONDS - t0)) s"
