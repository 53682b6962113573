#!/usr/bin/env bash
# Installs every Debian package synthembed needs, on Debian 12 (bookworm) and Debian 13 (trixie).
# Nothing else is assumed to be on the machine. Idempotent; run as root or through sudo.
#
#   packaging/deps/debian.sh              build and run the program (core, CLI, GUI)
#   SYNTHEMBED_NO_GUI=1 ...               without the Qt stack (GUI-less build: core + CLI)
#   SYNTHEMBED_TEST_DEPS=1 ...            plus what the tests need (GoogleTest, Xvfb tools, the
#                                         Python cross-checks, the package checks)
#   SYNTHEMBED_BENCH_DEPS=1 ...           plus the benchmark baselines (PyTorch, FAISS for Python)
#   SYNTHEMBED_DEPS_LIST=1 ...            print the package list for this release and exit
set -euo pipefail

codename=unknown
if [ -r /etc/os-release ]; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-unknown}")
fi
case "$codename" in
  bookworm|trixie) ;;
  *)
    # Newer releases and derivatives usually keep trixie's names; say so instead of guessing silently.
    echo "debian.sh: release '$codename' is not one of bookworm/trixie; trying the same package names (they are the same on both)" >&2
    codename=trixie
    ;;
esac

# Build, run: the core library, the CLI and their libraries.
core_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev zlib1g-dev
  libtorch-dev libopenblas0-pthread libopenblas-dev libgloo-dev
  nlohmann-json3-dev libcli11-dev libhnswlib-dev libfaiss-dev libsentencepiece-dev
)
# The GUI: Qt 6 Widgets, QScintilla, QCustomPlot, the platform plugins, fonts and translations;
# Xvfb so that `quickstart.sh run` can offer the GUI on a machine without a display.
gui_pkgs=(
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqscintilla2-qt6-dev libqcustomplot-dev libgl-dev libglx-dev libopengl-dev libxkbcommon-dev
  qt6-qpa-plugins qt6-translations-l10n fonts-noto-cjk xvfb xauth
)
# Tests only (quickstart.sh test, CI): GoogleTest; the Python cross-checks of the metrics; the
# screenshot tools of the GUI tests; the package checks (dpkg-shlibdeps, desktop/AppStream validators);
# debootstrap for CI's fresh-root checks (packaging/check-fresh-root.sh, after quickstart.sh test).
test_pkgs=(
  libgtest-dev python3 python3-numpy python3-scipy python3-sklearn
  dpkg-dev desktop-file-utils appstream man-db debootstrap
)
test_gui_pkgs=(x11-utils x11-apps imagemagick)
# Benchmarks only (tests/bench): the PyTorch and FAISS baselines run beside synthembed.
bench_pkgs=(python3 python3-numpy python3-torch python3-faiss)

pkgs=("${core_pkgs[@]}")
gui=1
[ "${SYNTHEMBED_NO_GUI:-0}" = 1 ] && gui=0
[ $gui = 1 ] && pkgs+=("${gui_pkgs[@]}")
if [ "${SYNTHEMBED_TEST_DEPS:-0}" = 1 ]; then
  pkgs+=("${test_pkgs[@]}")
  [ $gui = 1 ] && pkgs+=("${test_gui_pkgs[@]}")
fi
[ "${SYNTHEMBED_BENCH_DEPS:-0}" = 1 ] && pkgs+=("${bench_pkgs[@]}")
# One entry per package.
mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | awk '!seen[$0]++')

if [ "${SYNTHEMBED_DEPS_LIST:-0}" = 1 ]; then
  printf '%s\n' "${pkgs[@]}"
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian.sh ($codename): all ${#pkgs[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "debian.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "debian.sh ($codename): installing ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
# libtorch must run on OpenBLAS, not the reference BLAS (about 20x slower).
if command -v update-alternatives >/dev/null; then
  for alt in libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu; do
    cand=$(update-alternatives --list "$alt" 2>/dev/null | grep -m1 openblas-pthread || true)
    [ -n "$cand" ] && $SUDO update-alternatives --set "$alt" "$cand" >/dev/null || true
  done
fi
