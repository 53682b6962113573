#!/usr/bin/env bash
# A real OpenAI-compatible LLM server for the `peers` tests (tests/peers/llama_server_test.cpp):
# llama-cpp-python[server] from PyPI in a virtual environment OUTSIDE the repository. PyPI has no
# prebuilt Linux wheel for it, so pip compiles the vendored llama.cpp from source: CPU only, portable
# (-DGGML_NATIVE=OFF), no tests/examples/tools/multimodal library, 2 build jobs. That takes several
# minutes once; a stamp file makes later runs instant.
#
#   tests/peers/llama_server_setup.sh            # creates or completes the venv, prints its python
#   py=$(tests/peers/llama_server_setup.sh)      # then: "$py" -m llama_cpp.server --model X.gguf --port N
#   tests/peers/llama_server_setup.sh --check    # prints the python if installed (stamp present), else exits 1
#
# Environment: SYNTHEMBED_LLAMA_VENV (default ~/.cache/synthembed-peers/llama-venv),
# LLAMA_CPP_PYTHON_VERSION (0.3.36), BUILD_JOBS (2).
# Exit status: 0 installed (python on stdout), 1 failed, 3 PyPI unreachable (nothing to install from).
set -euo pipefail
version=${LLAMA_CPP_PYTHON_VERSION:-0.3.36}
jobs=${BUILD_JOBS:-2}
venv=${SYNTHEMBED_LLAMA_VENV:-$HOME/.cache/synthembed-peers/llama-venv}
stamp="$venv/.complete-llama-cpp-python-$version"
if [ -f "$stamp" ] && [ -x "$venv/bin/python" ]; then echo "$venv/bin/python"; exit 0; fi
if [ "${1:-}" = "--check" ]; then
  echo "llama_server_setup.sh: not installed in $venv (run tests/peers/llama_server_setup.sh)" >&2
  exit 1
fi
py=$(command -v python3) || { echo "llama_server_setup.sh: python3 is needed" >&2; exit 1; }
for tool in cmake c++ cc; do
  command -v "$tool" >/dev/null || { echo "llama_server_setup.sh: $tool is needed to compile llama.cpp" >&2; exit 1; }
done

# One installer at a time (the test and CI may call this concurrently).
mkdir -p "$(dirname "$venv")"
exec 9>"$(dirname "$venv")/.llama-venv.lock"
flock 9
if [ -f "$stamp" ] && [ -x "$venv/bin/python" ]; then echo "$venv/bin/python"; exit 0; fi

# The build tree and the venv take about 1 GiB.
avail_kb=$(df -Pk "$(dirname "$venv")" | awk 'NR==2 {print $4}')
if [ "${avail_kb:-0}" -lt $((2 * 1024 * 1024)) ]; then
  echo "llama_server_setup.sh: less than 2 GiB free under $(dirname "$venv") ($((avail_kb / 1024)) MiB): not installing" >&2
  exit 1
fi
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
# Tell "PyPI cannot be reached" (exit 3, CI tolerates it) apart from a failed build (exit 1); pip's own
# index settings (pip.conf, PIP_INDEX_URL) apply.
if ! "$venv/bin/python" -m pip index versions llama-cpp-python >/dev/null 2>&1; then
  echo "llama_server_setup.sh: PyPI cannot be reached: not installing llama-cpp-python" >&2
  exit 3
fi

echo "llama_server_setup.sh: compiling llama-cpp-python[server]==$version into $venv ($jobs jobs, several minutes)" >&2
"$venv/bin/python" -m pip install --quiet --upgrade pip >&2
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_OPENMP=OFF -DGGML_BLAS=OFF -DGGML_CUDA=OFF -DGGML_VULKAN=OFF \
-DGGML_METAL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF \
-DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAVA_BUILD=OFF -DCMAKE_BUILD_TYPE=Release"
export CMAKE_BUILD_PARALLEL_LEVEL=$jobs
export MAKEFLAGS=-j$jobs
"$venv/bin/python" -m pip install --quiet --no-cache-dir "llama-cpp-python[server]==$version" >&2
"$venv/bin/python" -c 'import llama_cpp, llama_cpp.server.app, uvicorn; print("llama_server_setup.sh: llama-cpp-python", llama_cpp.__version__)' >&2
touch "$stamp"
echo "$venv/bin/python"
