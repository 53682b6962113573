#!/usr/bin/env bash
# The CUDA libtorch for GPU builds: PyPI's `torch` wheel is a CUDA build that carries libtorch for C++
# (headers, libtorch_cuda/c10_cuda, TorchConfig.cmake). This fetches the wheel (no Python packages are
# installed: only the wheel file is downloaded and unpacked) into a cache folder outside the
# repository, once, and prints the CMake prefix path to build against:
#
#   prefix=$(packaging/deps/cuda-libtorch.sh)
#   cmake -S . -B build/cuda -G Ninja -DSYNTHEMBED_GUI=OFF -DCMAKE_PREFIX_PATH="$prefix"
#
# The CUDA toolkit (nvcc, cuBLAS, cuDNN, NCCL) must be installed as that libtorch expects: CUDA 13 for
# torch 2.11 (what the project's GPU machine runs). Environment: TORCH_VERSION (default 2.11.0),
# CUDA_LIBTORCH_CACHE (default ~/.cache/synthembed-cuda).
set -euo pipefail
version=${TORCH_VERSION:-2.11.0}
cache=${CUDA_LIBTORCH_CACHE:-$HOME/.cache/synthembed-cuda}
dest=$cache/torch-$version
if [ ! -f "$dest/.complete" ]; then
  mkdir -p "$cache"
  py=$(command -v python3) || { echo "cuda-libtorch.sh: python3 (with pip) is needed to fetch the wheel" >&2; exit 1; }
  pyver=$("$py" -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')
  wheel=$(ls "$cache"/torch-"$version"-cp"$pyver"-*manylinux*_x86_64.whl 2>/dev/null | head -1 || true)
  if [ -z "$wheel" ]; then
    echo "cuda-libtorch.sh: downloading torch $version from PyPI into $cache" >&2
    "$py" -m pip download --quiet --no-deps --only-binary=:all: "torch==$version" -d "$cache" >&2
    wheel=$(ls "$cache"/torch-"$version"-cp"$pyver"-*manylinux*_x86_64.whl | head -1)
  fi
  rm -rf "$dest.part" && mkdir -p "$dest.part"
  # Only the C++ part: headers, shared libraries, CMake config.
  (cd "$dest.part" && "$py" -m zipfile -e "$wheel" . >/dev/null)
  find "$dest.part" -maxdepth 1 -mindepth 1 ! -name torch -exec rm -rf {} +
  # libtorch_cuda needs three libraries that the CUDA toolkit does not ship (cuSPARSELt, NVSHMEM,
  # cuFile); the wheel looks for them in ../../nvidia/<name>/lib (its RPATH), where pip would put
  # these wheels. The rest (cudart, cuBLAS, cuDNN, NCCL, ...) comes from the installed toolkit.
  extras=()
  case "$version" in
    2.11.*) extras=("nvidia-cusparselt-cu13==0.8.0" "nvidia-nvshmem-cu13==3.4.5" "nvidia-cufile==1.15.1.6") ;;
  esac
  for req in "${extras[@]}"; do
    name=${req%%==*}
    whl=$(ls "$cache"/"${name//-/_}"-*.whl 2>/dev/null | head -1 || true)
    if [ -z "$whl" ]; then
      "$py" -m pip download --quiet --no-deps --only-binary=:all: "$req" -d "$cache" >&2
      whl=$(ls "$cache"/"${name//-/_}"-*.whl | head -1)
    fi
    (cd "$dest.part" && "$py" -m zipfile -e "$whl" . >/dev/null)
  done
  find "$dest.part" -maxdepth 1 -mindepth 1 ! -name torch ! -name nvidia -exec rm -rf {} +
  rm -rf "$dest.part"/torch/{_inductor,_dynamo,testing,distributed,onnx,_refs,_prims,fx,export,_functorch,utils,nn,optim,ao,_decomp,_export,sparse,_library,_higher_order_ops,include/torch/csrc/api/include/torch/python} 2>/dev/null || true
  touch "$dest.part/.complete"
  rm -rf "$dest" && mv "$dest.part" "$dest"
fi
# The torch folder itself: CMake finds TorchConfig under share/cmake and, first, the wheel's own
# lib/ (a CUDA libtorch must not pick up Debian's libtorch.so / libc10.so from /usr/lib).
echo "$dest/torch"
