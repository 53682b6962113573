#!/usr/bin/env bash
# Tokenizer throughput, synthembed vs the official Hugging Face tokenizers (npm tokenizers@0.23.2,
# driven by ../shared/anchors/tok_bench.js), same corpus (SciFact), same run, one thread each.
# Prints both figures and the ratios (wall-clock tokens/s and tokens per CPU-second; the CPU figure
# is the steadier one when the machine is shared).
#
# usage: tests/bench/run_tok_bench.sh [BUILD_DIR=build/dev] [RUNS=3]
# needs: node, and HF_TOKENIZERS_PKG pointing at an unpacked `npm pack tokenizers@0.23.2`
#        (default /work/bench-deps/package; never install it inside the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build/dev}"
runs="${2:-3}"
shared="${SYNTHEMBED_SHARED:-$root/../shared}"
pkg="${HF_TOKENIZERS_PKG:-/work/bench-deps/package}"
corpus="$shared/data/scifact/corpus.jsonl"
bench="$build/tests/bench/tok_bench"
[[ -x "$bench" ]] || { echo "error: $bench not built (cmake --build $build --target tok_bench)" >&2; exit 1; }
[[ -f "$corpus" ]] || { echo "error: $corpus not found (set SYNTHEMBED_SHARED)" >&2; exit 1; }
[[ -f "$pkg/index.js" ]] || { echo "error: HF tokenizers package not found at $pkg (npm pack tokenizers@0.23.2 && tar xzf ...; set HF_TOKENIZERS_PKG)" >&2; exit 1; }

echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} load: $(cut -d' ' -f1-3 /proc/loadavg) cores: $(nproc)"
for name in bert-base-uncased qwen2; do
  tj="$shared/oracles/tokenizers/$name/tokenizer.json"
  hf=$(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false HF_TOKENIZERS_PKG="$pkg" CORPUS="$corpus" \
       node "$shared/anchors/tok_bench.js" "$tj" batch "$runs")
  ours=$("$bench" "$shared/oracles/tokenizers/$name" "$corpus" "$runs")
  python3 - "$name" "$hf" "$ours" <<'PY'
import json, sys
name, hf, ours = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
hf_cpu = hf["tok_per_s"] / max(hf["cpu_over_wall"], 1e-9)
print(f"{name}: HF tokenizers {hf['tok_per_s']:,} tok/s ({hf_cpu:,.0f} per CPU-s, {hf['tokens']:,} tokens) | "
      f"synthembed full encodings {ours['full_tok_per_s']:,} tok/s ({ours['full_tok_per_cpu_s']:,} per CPU-s, {ours['tokens']:,} tokens), "
      f"ids only {ours['ids_tok_per_s']:,} tok/s")
print(f"{name}: ratio synthembed/HF  wall {ours['full_tok_per_s'] / hf['tok_per_s']:.2f}x  "
      f"CPU {ours['full_tok_per_cpu_s'] / hf_cpu:.2f}x  (ids only, wall {ours['ids_tok_per_s'] / hf['tok_per_s']:.2f}x)"
      + ("" if hf["tokens"] == ours["tokens"] else "  WARNING: token counts differ"))
PY
done
