#!/usr/bin/env bash
# Tokenizer throughput, synthembed vs the official Hugging Face tokenizers from PyPI (`tokenizers`, the
# venv of tests/peers/setup.sh, driven by tests/bench/peer_tok.py: the same measure as the former npm
# peer, ../shared/anchors/tok_bench.js), same corpus (SciFact), same run, one thread each (the peer
# with RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false). Prints both figures and the ratios
# (wall-clock tokens/s and tokens per CPU-second; the CPU figure is the steadier one when the machine
# is shared). Goal: >= 5x.
#
# usage: tests/bench/run_tok_bench.sh [BUILD_DIR=build/dev] [RUNS=3]
# needs: the tok_bench target and tests/peers/setup.sh's venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build/dev}"
runs="${2:-3}"
shared="${SYNTHEMBED_SHARED:-$root/../shared}"
corpus="$shared/data/scifact/corpus.jsonl"
bench="$build/tests/bench/tok_bench"
[[ -x "$bench" ]] || { echo "error: $bench not built (cmake --build $build --target tok_bench)" >&2; exit 1; }
[[ -f "$corpus" ]] || { echo "error: $corpus not found (set SYNTHEMBED_SHARED)" >&2; exit 1; }
py=$("$root/tests/peers/setup.sh")

echo "== tokenizer throughput, $(date -u '+%Y-%m-%d %H:%M UTC'), load: $(cut -d' ' -f1-3 /proc/loadavg) cores: $(nproc)"
for name in bert-base-uncased qwen2; do
  tj="$shared/oracles/tokenizers/$name/tokenizer.json"
  hf=$(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false "$py" "$here/peer_tok.py" "$tj" "$corpus" "$runs")
  ours=$("$bench" "$shared/oracles/tokenizers/$name" "$corpus" "$runs")
  "$py" - "$name" "$hf" "$ours" <<'PY'
import json, sys
name, hf, ours = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
hf_cpu = hf["tok_per_s"] / max(hf["cpu_over_wall"], 1e-9)
print(f"{name}: HF {hf['impl']} {hf['tok_per_s']:,} tok/s ({hf_cpu:,.0f} per CPU-s, {hf['tokens']:,} tokens) | "
      f"synthembed full encodings {ours['full_tok_per_s']:,} tok/s ({ours['full_tok_per_cpu_s']:,} per CPU-s, {ours['tokens']:,} tokens), "
      f"ids only {ours['ids_tok_per_s']:,} tok/s")
r = ours['full_tok_per_s'] / hf['tok_per_s']
print(f"{name}: ratio synthembed/HF  wall {r:.2f}x (goal >= 5x: {'met' if r >= 5 else 'NOT met'})  "
      f"CPU {ours['full_tok_per_cpu_s'] / hf_cpu:.2f}x  (ids only, wall {ours['ids_tok_per_s'] / hf['tok_per_s']:.2f}x)"
      + ("" if hf["tokens"] == ours["tokens"] else "  WARNING: token counts differ"))
PY
done
