#!/usr/bin/env bash
# Prepares build/gpu-deps/: what the lent GPU machine lacks to build and run the GUI-less project and
# tests/gpu/device_check.sh there. That machine has PyTorch (libtorch inside the wheel), the CUDA toolkit,
# CMake, ninja and a C++ compiler, but none of the project's Debian -dev packages, no apt and no network.
#
#   tests/gpu/prepare_carry.sh            # here, on a Debian machine with apt (no root needed to download)
#   -> carry "build/gpu-deps" in the device call; device_check.sh finds it there.
#
# The .debs are downloaded (apt-get download, nothing installed) and only headers, static libraries,
# CMake package configs and (as a fallback) shared libraries are kept:
#
#   usr/include/...            sqlite3.h, curl/ (under x86_64-linux-gnu/), nlohmann/, CLI/, hnswlib/, gtest/,
#                              openblas-pthread/cblas.h: header-only pieces need nothing at run time
#   usr/lib/.../libsqlite3.a   SQLite, static: no runtime library needed on the machine
#   usr/lib/.../libgtest*.a    GoogleTest (+ its CMake config), static
#   usr/lib/.../libcrypto.a    OpenSSL's libcrypto (+ usr/include/openssl), static
#   openblas/libopenblas.a.xz  OpenBLAS (pthread build), static, xz-compressed (58 MB unpacked); only
#                              cblas_sgemm/dgemm are used. device_check.sh unpacks it next to itself.
#   curl-runtime/              libcurl.so.4 and the libraries it needs (Debian 12 builds). libcurl cannot
#                              be linked statically without a dozen static TLS/HTTP2/Kerberos archives, so
#                              device_check.sh links the machine's own libcurl.so.4 (or libcurl-gnutls.so.4)
#                              when ldconfig knows one, and only otherwise this copy, adding to
#                              LD_LIBRARY_PATH just the sonames the machine lacks.
#   tokenizers/                the real Qwen2 and Mistral-7B tokenizers (from ../shared/oracles), xz-compressed,
#                              for the random-weight model folders (../shared does not travel).
#   MANIFEST.txt               package versions and what is used how.
#
# Not carried: gloo (the torch wheel has gloo compiled into libtorch_cpu but ships no gloo headers; Debian's
# libgloo is another gloo version, and mixing the two is unsafe), so the GPU build has no Gloo
# multi-process CPU training (NCCL comes from the wheel). FAISS and sentencepiece are optional and left out.
# Environment: SYNTHEMBED_SHARED (default ../shared), GPU_DEPS_DIR (default build/gpu-deps).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest=${GPU_DEPS_DIR:-$root/build/gpu-deps}
shared=${SYNTHEMBED_SHARED:-$root/../shared}
limit_mib=56   # the device call carries 64 MiB in all (the working tree included)

dev_pkgs=(libsqlite3-dev libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev libhnswlib-dev
          libopenblas-pthread-dev libgtest-dev libssl-dev zlib1g-dev)
# libcurl4's run-time closure on Debian 12 without libc6/libgcc-s1/gcc-12-base.
curl_rt_pkgs=(libcurl4 libbrotli1 libcom-err2 libdb5.3 libffi8 libgmp10 libgnutls30 libgssapi-krb5-2 libhogweed6
              libidn2-0 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0 libldap-2.5-0 libnettle8 libnghttp2-14
              libp11-kit0 libpsl5 librtmp1 libsasl2-2 libsasl2-modules-db libssh2-1 libssl3 libtasn1-6
              libunistring2 libzstd1 zlib1g)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs" "$work/x" "$work/rt"
echo "prepare_carry: downloading ${#dev_pkgs[@]} -dev and ${#curl_rt_pkgs[@]} run-time packages (apt-get download)" >&2
if ! (cd "$work/debs" && apt-get download "${dev_pkgs[@]}" "${curl_rt_pkgs[@]}" >/dev/null 2>"$work/apt.err"); then
  cat "$work/apt.err" >&2
  echo "prepare_carry: apt-get download failed (run 'apt-get update' first?)" >&2
  exit 1
fi
for p in "${dev_pkgs[@]}"; do dpkg-deb -x "$work"/debs/"${p}"_*.deb "$work/x"; done
for p in "${curl_rt_pkgs[@]}"; do dpkg-deb -x "$work"/debs/"${p}"_*.deb "$work/rt"; done

rm -rf "$dest.part"
mkdir -p "$dest.part"
u=$work/x/usr
arch=x86_64-linux-gnu
# Headers and CMake configs, keeping the usr/ layout (the configs compute their prefix from where they lie).
mkdir -p "$dest.part/usr/include/$arch" "$dest.part/usr/lib/$arch" "$dest.part/usr/share"
cp -a "$u/include/sqlite3.h" "$u/include/sqlite3ext.h" "$u/include/nlohmann" "$u/include/CLI" "$u/include/hnswlib" \
      "$u/include/gtest" "$dest.part/usr/include/"
cp -a "$u/include/$arch/curl" "$u/include/$arch/openblas-pthread" "$dest.part/usr/include/$arch/"
cp -a "$u/share/cmake" "$dest.part/usr/share/"            # nlohmann_json, CLI11
cp -a "$u/lib/$arch/cmake" "$dest.part/usr/lib/$arch/"    # GTest (and openblas' own, unused)
cp -a "$u/lib/$arch/libsqlite3.a" "$u/lib/$arch"/libgtest*.a "$dest.part/usr/lib/$arch/"
# OpenSSL's libcrypto (SHA-256 of downloaded model files), static: headers and libcrypto.a (9 MB).
cp -a "$u/include/openssl" "$dest.part/usr/include/"
cp -a "$u/include/$arch/openssl" "$dest.part/usr/include/$arch/"
cp -a "$u/lib/$arch/libcrypto.a" "$dest.part/usr/lib/$arch/"
rm -rf "$dest.part/usr/lib/$arch/cmake/openblas"
# OpenBLAS static, compressed; no shared library under a findable name (find_library must pick the .a).
mkdir -p "$dest.part/openblas"
xz -T0 -6 -c "$(readlink -f "$u/lib/$arch/openblas-pthread/libopenblas.a")" > "$dest.part/openblas/libopenblas.a.xz"
# libcurl's run-time closure (fallback only), by soname.
mkdir -p "$dest.part/curl-runtime"
find "$work/rt" \( -type f -o -type l \) -name 'lib*.so.*' | while read -r f; do
  soname=$(objdump -p "$f" 2>/dev/null | awk '/SONAME/ {print $2}')
  [ -n "$soname" ] && [ "$(basename "$f")" = "$soname" ] && cp -L "$f" "$dest.part/curl-runtime/$soname"
done
ln -s libcurl.so.4 "$dest.part/curl-runtime/libcurl.so"
# Tokenizers of the random-weight model folders.
for t in qwen2 mistral-7b-v0.1; do
  src=$shared/oracles/tokenizers/$t
  [ -f "$src/tokenizer.json" ] || { echo "prepare_carry: $src/tokenizer.json missing (set SYNTHEMBED_SHARED)" >&2; exit 1; }
  mkdir -p "$dest.part/tokenizers/$t"
  xz -T0 -9 -c "$src/tokenizer.json" > "$dest.part/tokenizers/$t/tokenizer.json.xz"
  cp "$src/tokenizer_config.json" "$dest.part/tokenizers/$t/"
done

{
  echo "build/gpu-deps, prepared $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(. /etc/os-release && echo "$PRETTY_NAME") by tests/gpu/prepare_carry.sh"
  echo "packages (name version):"
  for f in "$work"/debs/*.deb; do dpkg-deb -W --showformat='  ${Package} ${Version}\n' "$f"; done
  echo "used how:"
  echo "  headers only: nlohmann-json, CLI11, hnswlib, curl (API), sqlite3.h, cblas.h"
  echo "  static: libsqlite3.a, libgtest*.a, openblas/libopenblas.a.xz (unpacked on use)"
  echo "  shared, fallback only: curl-runtime/ (libcurl.so.4 + closure) when the machine has no libcurl"
  echo "  tokenizers: qwen2, mistral-7b-v0.1 (tokenizer.json.xz)"
  echo "  not carried: gloo (no Gloo multi-process CPU training in this build), faiss, sentencepiece"
} > "$dest.part/MANIFEST.txt"

rm -rf "$dest"
mv "$dest.part" "$dest"
size_kib=$(du -sk "$dest" | cut -f1)
echo "prepare_carry: $dest holds $((size_kib / 1024)) MiB ($(find "$dest" -type f | wc -l) files)" >&2
if [ "$size_kib" -gt $((limit_mib * 1024)) ]; then
  echo "prepare_carry: over the ${limit_mib} MiB allowed for it (the device call carries 64 MiB in all)" >&2
  exit 1
fi
echo "$dest"
