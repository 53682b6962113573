#!/usr/bin/env bash
# Large-model benchmark (issue 16): `synthembed-cli embed` as-is beside a plain PyTorch 2.x forward of
# the same file (tests/bench/large_model/peer_forward.py, weights viewed in place), whole process each,
# same run: wall time, peak resident memory, and the ratio. The checkpoint has random weights in a real
# shape and the real tokenizer from ../shared; it is generated once into a cache OUTSIDE the repository.
#
#   tests/bench/run_large_model_bench.sh [--shape mistral-7b|qwen2-1.5b] [--layers N] [--dtype bf16|f32]
#                                        [--reps N] [--build DIR] [--cache DIR]
#
# Defaults: mistral-7b, all 32 layers, bf16 (a 14.5 GB file: needs ~16 GB of free memory to run from the
# page cache; the script says so when the machine has less). The issue's second check:
#   tests/bench/run_large_model_bench.sh --shape qwen2-1.5b --dtype f32
# Needs: synthembed-cli built, tests/peers/setup.sh's venv (PyTorch, tokenizers, numpy from PyPI).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build/dev"
shape=mistral-7b layers="" dtype=bf16 reps=1 cache=""
while [ $# -gt 0 ]; do
  case "$1" in
    --shape) shape=$2; shift 2 ;;
    --layers) layers=$2; shift 2 ;;
    --dtype) dtype=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
shared="${SYNTHEMBED_SHARED:-$root/../shared}"
case "$shape" in
  mistral-7b) tokdir="$shared/oracles/tokenizers/mistral-7b-v0.1" ;;
  qwen2-1.5b) tokdir="$shared/oracles/tokenizers/qwen2" ;;
  *) echo "unknown shape $shape" >&2; exit 2 ;;
esac
[ -d "$tokdir" ] || { echo "tokenizer not found: $tokdir (set SYNTHEMBED_SHARED)" >&2; exit 1; }
cli="$build/app/synthembed-cli"
[ -x "$cli" ] || { echo "build first: cmake --build $build --target synthembed-cli" >&2; exit 1; }
py=$("$root/tests/peers/setup.sh")
if [ -z "$cache" ]; then
  cache=$HOME/.cache/synthembed-bench
fi
model="$cache/$shape${layers:+-${layers}l}-$dtype"
if [ ! -f "$model/model.safetensors" ]; then
  echo "bench: writing the $shape checkpoint ($dtype) to $model (once)" >&2
  "$py" "$here/large_model/make_checkpoint.py" "$model" --shape "$shape" ${layers:+--layers "$layers"} \
    --dtype "$dtype" --tokenizer "$tokdir"
fi
file_mb=$(( $(stat -c %s "$model/model.safetensors") / 1048576 ))
avail_mb=$(awk '/MemAvailable/ {print int($2 / 1024)}' /proc/meminfo)
echo "bench: $model: weights file $file_mb MiB; memory available now $avail_mb MiB; $(nproc) cores"
[ "$avail_mb" -gt $((file_mb + 1024)) ] ||
  echo "bench: WARNING: less free memory than the file + 1 GiB: both sides will read from disk (cold-cache figures)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 8 texts of ~110 tokens
"$py" - "$work/texts.jsonl" <<'PY'
import json, sys
base = ("The quarterly report shows that revenue from the cloud division grew faster than expected, while the "
        "hardware business declined for the third year in a row. Analysts expect the company to announce a new "
        "restructuring plan, including layoffs in its European offices and a shift of investment towards machine "
        "learning services, before the end of the fiscal year; the board has not commented on these rumours yet.")
with open(sys.argv[1], "w") as f:
    for i in range(8):
        f.write(json.dumps({"text": f"Document {i}: " + base}) + "\n")
PY
cdtype=bfloat16; [ "$dtype" = f32 ] && cdtype=float32
# Warm the page cache once (the figures are "file in page cache"), when it fits.
[ "$avail_mb" -gt $((file_mb + 1024)) ] && cat "$model/model.safetensors" >/dev/null

for r in $(seq "$reps"); do
  t=$EPOCHREALTIME
  ours=$("$cli" embed --model "$model" --input "$work/texts.jsonl" --output "$work/ours.jsonl" --dtype "$cdtype" \
         --pooling last --max-length 128 --json --quiet)
  t_ours=$(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')
  t=$EPOCHREALTIME
  peer=$("$py" "$here/large_model/peer_forward.py" "$model" "$work/texts.jsonl" --dtype "$dtype" --max-length 128)
  t_peer=$(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')
  "$py" - "$ours" "$peer" "$t_ours" "$t_peer" "$work/ours.jsonl" "$shape" "$dtype" <<'PY'
import json, sys
o, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
to, tp = float(sys.argv[3]), float(sys.argv[4])
e = json.loads(open(sys.argv[5]).readline())["embedding"][:4]
print(f"{sys.argv[6]} {sys.argv[7]}: synthembed {to:.1f} s, peak {o['peak_memory_mb']} MiB | {p['peer']} {tp:.1f} s "
      f"(load {p['load_s']} s, forward {p['forward_s']} s), peak {p['peak_mb']} MiB | time ratio {to / tp:.2f}x "
      f"(<= 1.0 is the goal), memory ratio {o['peak_memory_mb'] / p['peak_mb']:.2f}x")
print(f"  first dims: synthembed {[round(x, 4) for x in e]} vs peer {[round(x, 4) for x in p['emb0']]}")
PY
done
