#!/usr/bin/env bash
# Installs every Debian 12 package synthembed needs to build, test and run.
# Idempotent; run as root or through sudo.  SYNTHEMBED_NO_GUI=1 skips the Qt stack;
# SYNTHEMBED_BENCH_DEPS=1 adds the benchmark baselines (python3-torch, python3-faiss).
set -euo pipefail

core_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  libsqlite3-dev sqlite3 libcurl4-openssl-dev ca-certificates
  libtorch-dev libopenblas0-pthread libopenblas-dev libgloo-dev
  nlohmann-json3-dev libcli11-dev libhnswlib-dev libfaiss-dev libsentencepiece-dev
  python3 dpkg-dev desktop-file-utils appstream
  python3-numpy python3-scipy python3-sklearn
)
# Benchmarks only (tests/bench: the faiss / torch baselines run beside synthembed's search).
bench_pkgs=(python3-torch python3-faiss)
gui_pkgs=(
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqscintilla2-qt6-dev libqcustomplot-dev libgl-dev libglx-dev libopengl-dev
  qt6-qpa-plugins libxkbcommon-dev
  xvfb xauth x11-apps x11-utils imagemagick
  fonts-noto-cjk qt6-translations-l10n
)

# Optional, benchmarks only (tests/bench/run_fwd_bench.sh runs the PyTorch-in-Python anchor beside
# synthembed); never needed to build, test or run: SYNTHEMBED_BENCH_DEPS=1 adds them.
bench_pkgs=(
  python3-torch python3-numpy
)

pkgs=("${core_pkgs[@]}")
if [ "${SYNTHEMBED_NO_GUI:-0}" != 1 ]; then pkgs+=("${gui_pkgs[@]}"); fi
if [ "${SYNTHEMBED_BENCH_DEPS:-0}" = 1 ]; then pkgs+=("${bench_pkgs[@]}"); fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian.sh: all ${#pkgs[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "debian.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "debian.sh: installing ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
# libtorch must run on OpenBLAS, not the reference BLAS (about 20x slower).
if command -v update-alternatives >/dev/null; then
  for alt in libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu; do
    cand=$(update-alternatives --list "$alt" 2>/dev/null | grep -m1 openblas-pthread || true)
    [ -n "$cand" ] && $SUDO update-alternatives --set "$alt" "$cand" >/dev/null || true
  done
fi
