#!/usr/bin/env bash
# Starts the real GUI binary on an Xvfb display with a fresh data dir, checks that it stays up and
# shows a window, and saves a screenshot. Usage: xvfb_smoke.sh GUI_BINARY OUTPUT_DIR
set -euo pipefail
gui=$1; out=$2
mkdir -p "$out"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export SYNTHEMBED_DATA_DIR=$data XDG_CONFIG_HOME=$data/config XDG_RUNTIME_DIR=$data/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset QT_QPA_PLATFORM
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$0" & pid=$!
  for i in $(seq 1 40); do
    sleep 0.5
    kill -0 $pid 2>/dev/null || { echo "GUI exited early"; exit 1; }
    xwininfo -root -tree | grep -q "default.synthembed — synthembed" && break
  done
  xwininfo -root -tree | grep -q "default.synthembed — synthembed" || { echo "main window not found"; xwininfo -root -tree; kill $pid; exit 1; }
  sleep 1
  import -window root "$1/gui-xvfb.png"
  kill $pid; wait $pid 2>/dev/null || true
' "$gui" "$out"
test -f "$data/default.synthembed" || { echo "default project was not created"; exit 1; }
test -s "$out/gui-xvfb.png"
echo "screenshot: $out/gui-xvfb.png"
