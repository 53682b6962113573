#!/usr/bin/env bash
# Builds the Debian package and checks it the way a user gets it.
#   packaging/check-deb.sh --quick    build the .deb; validate desktop entry and metainfo; unpack it
#                                     and run synthembed-cli --version / init from the installed paths
#   packaging/check-deb.sh [CHROOT]   all of the above, then install it with apt into a clean Debian 12
#                                     root (debootstrap'd on first use, default /var/tmp/synthembed-chroot),
#                                     run the CLI and the GUI (Xvfb, screenshot) from /usr/bin, purge it
#                                     and check that no file of it is left behind. Needs root and network.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
mode=full
if [ "${1:-}" = --quick ]; then mode=quick; shift; fi
chroot_dir=${1:-/var/tmp/synthembed-chroot}
# PACKAGE_BUILD_DIR reuses an existing build (CI passes the test build) instead of a Release one.
build=${PACKAGE_BUILD_DIR:-build/package}
out=${OUT_DIR:-$src/build/package-check}
mkdir -p "$out"

echo "== building the package"
if [ -z "${PACKAGE_BUILD_DIR:-}" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSYNTHEMBED_TESTS=OFF -DSYNTHEMBED_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j "$(nproc)"
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/synthembed_*.deb | head -1)
mkdir -p "$out"
echo "package: $deb"
dpkg-deb --info "$deb" | sed -n '/Depends/p'

echo "== desktop integration files"
desktop-file-validate packaging/linux/org.synthembed.Synthembed.desktop
appstreamcli validate --no-net packaging/linux/org.synthembed.Synthembed.metainfo.xml >/dev/null
man -l --warnings -E UTF-8 packaging/linux/synthembed-cli.1 >/dev/null
bash -n packaging/linux/synthembed-cli.bash

echo "== installed paths (unpacked)"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
for f in usr/bin/synthembed usr/bin/synthembed-cli usr/share/applications/org.synthembed.Synthembed.desktop \
         usr/share/metainfo/org.synthembed.Synthembed.metainfo.xml usr/share/mime/packages/org.synthembed.Synthembed.xml \
         usr/share/icons/hicolor/scalable/apps/org.synthembed.Synthembed.svg usr/share/man/man1/synthembed-cli.1 \
         usr/share/bash-completion/completions/synthembed-cli usr/share/synthembed/prompts; do
  test -e "$root/$f" || { echo "missing in package: /$f"; exit 1; }
done
"$root/usr/bin/synthembed-cli" --version
SYNTHEMBED_DATA_DIR="$root/data" "$root/usr/bin/synthembed-cli" init
SYNTHEMBED_DATA_DIR="$root/data" "$root/usr/bin/synthembed-cli" info --json >/dev/null
echo "quick package check: OK"
[ "$mode" = quick ] && exit 0

echo "== clean Debian 12 root: $chroot_dir"
if [ ! -x "$chroot_dir/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$chroot_dir" http://deb.debian.org/debian
fi
cleanup_mounts() { for m in tmp/.X11-unix dev/pts dev proc sys; do umount -l "$chroot_dir/$m" 2>/dev/null || true; done; }
trap 'cleanup_mounts; rm -rf "$root"' EXIT
mount -t proc proc "$chroot_dir/proc"; mount --rbind /sys "$chroot_dir/sys"; mount --rbind /dev "$chroot_dir/dev"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
mkdir -p "$chroot_dir/tmp/.X11-unix"; mount --bind /tmp/.X11-unix "$chroot_dir/tmp/.X11-unix"
cp "$deb" "$chroot_dir/tmp/synthembed.deb"
in_root() { chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_root bash -c 'find / -xdev -path /proc -prune -o -path /tmp -prune -o -print | sort > /tmp/before.txt'
in_root apt-get update -q >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/synthembed.deb >/dev/null
in_root dpkg -L synthembed > "$out/installed-files.txt"
in_root /usr/bin/synthembed-cli --version
in_root bash -c 'cd /tmp && /usr/bin/synthembed-cli init --db /tmp/p.synthembed && /usr/bin/synthembed-cli info --db /tmp/p.synthembed --json' > "$out/installed-info.json"
echo "CLI from /usr/bin: OK"

echo "== GUI from /usr/bin under Xvfb"
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 & xvfb=$!
sleep 2
chroot "$chroot_dir" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 DISPLAY="$display" XDG_RUNTIME_DIR=/tmp \
  /usr/bin/synthembed > "$out/gui.log" 2>&1 & gui=$!
ok=0
for i in $(seq 1 40); do
  sleep 0.5
  if DISPLAY=$display xwininfo -root -tree | grep -q "— synthembed"; then ok=1; break; fi
done
sleep 1
DISPLAY=$display import -window root "$out/installed-gui.png"
kill $gui 2>/dev/null || true; wait $gui 2>/dev/null || true
kill $xvfb; wait $xvfb 2>/dev/null || true
[ $ok = 1 ] || { echo "GUI window did not appear"; cat "$out/gui.log"; exit 1; }
echo "GUI from /usr/bin: OK (screenshot $out/installed-gui.png)"

echo "== uninstall"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q --autoremove synthembed >/dev/null
in_root rm -rf /root/.local/share/synthembed /root/.config/synthembed /tmp/p.synthembed /tmp/p.synthembed-wal /tmp/p.synthembed-shm
left=$(while read -r f; do [ -e "$chroot_dir$f" ] && [ ! -d "$chroot_dir$f" ] && echo "$f"; done < "$out/installed-files.txt" || true)
[ -z "$left" ] || { echo "files left behind after purge:"; echo "$left"; exit 1; }
in_root bash -c 'find / -xdev -path /proc -prune -o -path /tmp -prune -o -print | sort > /tmp/after.txt'
extra=$(in_root bash -c 'comm -13 /tmp/before.txt /tmp/after.txt | grep -i synthembed || true')
[ -z "$extra" ] || { echo "new synthembed files after purge:"; echo "$extra"; exit 1; }
echo "uninstall leaves nothing behind: OK"
echo "full package check: OK"
