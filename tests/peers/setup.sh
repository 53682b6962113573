#!/usr/bin/env bash
# The Python peers of the GPU device check (tests/gpu/peers_st.py): PyTorch, transformers,
# sentence-transformers, PEFT, safetensors, and faiss-cpu, umap-learn, mteb, tokenizers in a virtual environment OUTSIDE the repository, so that
# `tests/gpu/device_check.sh --device cpu --dry` runs its peer measurement (and the random model
# generator) on a machine whose system Python has none of them. The lent GPU machine already has them
# and does not use this script.
#
#   tests/peers/setup.sh            # creates or completes the venv, prints its python
#   py=$(tests/peers/setup.sh)      # e.g. for --python "$py"
#
# PyPI's torch wheel is a CUDA build (the CPU-only index is not reachable from the project's machines);
# it runs on the CPU. A wheel already fetched by packaging/deps/cuda-libtorch.sh (its cache folder) is
# reused instead of downloading it again. Environment: SYNTHEMBED_PEERS_VENV (default
# ~/.cache/synthembed-peers/venv), TORCH_VERSION (2.11.0).
set -euo pipefail
version=${TORCH_VERSION:-2.11.0}
venv=${SYNTHEMBED_PEERS_VENV:-$HOME/.cache/synthembed-peers/venv}
py=$(command -v python3) || { echo "setup.sh: python3 is needed" >&2; exit 1; }
# One installer at a time: the peers tests run in parallel and each calls this script; a second caller
# waits for the first one's venv instead of installing into it at the same time.
mkdir -p "$(dirname "$venv")"
exec 9>"$(dirname "$venv")/.venv.lock"
flock 9
# The second stamp: the evaluation / search / layout peers (added after the first venvs were made).
extras=(faiss-cpu umap-learn mteb tokenizers)
extras_stamp="$venv/.complete-extras-1"
if [ -f "$venv/.complete-$version" ]; then
  if [ ! -f "$extras_stamp" ]; then
    echo "setup.sh: adding ${extras[*]} to $venv" >&2
    "$venv/bin/python" -m pip install --quiet "${extras[@]}" >&2
    "$venv/bin/python" -c 'import faiss, umap, mteb, tokenizers' >&2
    touch "$extras_stamp"
  fi
  echo "$venv/bin/python"; exit 0
fi

# The CUDA wheels of torch and its nvidia-* dependencies take about 6 GiB once installed (plus pip's cache).
avail_kb=$(df -Pk "$(dirname "$venv")" | awk 'NR==2 {print $4}')
if [ "${avail_kb:-0}" -lt $((12 * 1024 * 1024)) ]; then
  echo "setup.sh: less than 12 GiB free under $(dirname "$venv") ($((avail_kb / 1024)) MiB): not installing" >&2
  exit 1
fi
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
links=()
for d in "${CUDA_LIBTORCH_CACHE:-}" "$HOME/.cache/synthembed-cuda"; do
  [ -n "$d" ] && [ -d "$d" ] && links+=(--find-links "$d")
done
echo "setup.sh: installing torch $version, transformers, sentence-transformers, peft into $venv" >&2
"$venv/bin/python" -m pip install --quiet --upgrade pip >&2
"$venv/bin/python" -m pip install --quiet "${links[@]}" "torch==$version" \
  transformers sentence-transformers peft safetensors numpy "${extras[@]}" >&2
"$venv/bin/python" -c 'import torch, transformers, sentence_transformers, peft, safetensors, numpy; print("setup.sh: torch", torch.__version__, "transformers", transformers.__version__, "sentence-transformers", sentence_transformers.__version__, "peft", peft.__version__)' >&2
"$venv/bin/python" -c 'import faiss, umap, mteb, tokenizers' >&2
touch "$venv/.complete-$version" "$extras_stamp"
echo "$venv/bin/python"
