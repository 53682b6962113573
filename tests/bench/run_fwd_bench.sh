#!/usr/bin/env bash
# Forward-throughput benchmark (issue 17): synthembed (C++/libtorch, bench_fwd) beside PyTorch 2.x +
# Hugging Face transformers (PyPI wheels, tests/bench/peer_fwd.py, the venv of tests/peers/setup.sh,
# PyTorch's default threading) on the SAME model folder: random weights written once by transformers'
# own save_pretrained into a cache outside the repository. BERT-base 32 x 128 and Qwen2-0.5B 8 x 128,
# fp32, tokens/s, same run. synthembed always runs AS IS (no environment variable set for it: it tunes
# its own threading runtimes at start-up, core/runtime/runtime.cpp). Goal: >= 1.1x PyTorch 2.x.
#
#   tests/bench/run_fwd_bench.sh [--build DIR] [--reps N] [--history] [--compare-tuning] [--cache DIR] [bert|qwen2 ...]
#
# A second, labelled peer row runs it with OMP_WAIT_POLICY=PASSIVE (PyTorch's OpenMP threads spin while
# they wait by default, which costs it dearly on a machine shared with other work) and prints that ratio.
# --history adds the former peer as an extra column: Debian's python3-torch 1.13 running
# ../shared/anchors/bench_fwd.py (its own model code, random weights) in the tuned environment of
# shared/anchors/README.md. --compare-tuning adds two clearly labelled synthembed rows: "untuned"
# (SYNTHEMBED_NO_SELF_TUNING=1) and "formerly tuned" (the variables this script used to set for it).
#
# Needs: the bench_fwd target (cmake --build build/dev --target bench_fwd) and tests/peers/setup.sh's
# venv. On a shared machine the numbers are noisy: compare the ratios of one run, and the load printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build/dev"
reps=5
history=0
compare=0
cache=""
models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --history|--as-is) history=1; shift ;;
    --compare-tuning) compare=1; shift ;;
    --cache) cache=$2; shift 2 ;;
    bert|qwen2) models+=("$1"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#models[@]} -eq 0 ] && models=(bert qwen2)
bin="$build/tests/bench/bench_fwd"
[ -x "$bin" ] || { echo "build first: cmake --build $build --target bench_fwd" >&2; exit 1; }
py=$("$root/tests/peers/setup.sh")
if [ -z "$cache" ]; then
  if [ -w /var/cache ]; then cache=/var/cache/synthembed-bench; else cache=$HOME/.cache/synthembed-bench; fi
fi
shared="${SYNTHEMBED_SHARED:-$root/../shared}"

tokps() { "$py" -c 'import json, sys; print(round(json.loads(sys.argv[1])["tok_per_s"]))' "$1"; }
echo "== forward throughput, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load at start $(cut -d' ' -f1-3 /proc/loadavg)"
for m in "${models[@]}"; do
  dir="$cache/fwd-$m"
  if [ ! -f "$dir/model.safetensors" ]; then
    echo "bench: writing the random $m model with transformers' save_pretrained to $dir (once)" >&2
    "$py" "$here/peer_fwd.py" make "$dir" "$m" 2>/dev/null
  fi
  if [ "$m" = bert ]; then B=32; else B=8; fi
  ours=$("$bin" "$m" "$reps" --model "$dir" | tail -1)
  peer=$("$py" "$here/peer_fwd.py" run "$dir" "$B" 128 "$reps" 2>/dev/null | tail -1)
  passive=$(OMP_WAIT_POLICY=PASSIVE "$py" "$here/peer_fwd.py" run "$dir" "$B" 128 "$reps" 2>/dev/null | tail -1)
  echo "synthembed (as is) $ours"
  echo "peer $peer"
  echo "peer with OMP_WAIT_POLICY=PASSIVE (extra row) $passive"
  "$py" - "$ours" "$peer" "$passive" <<'PY'
import json, sys
a, b, c = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
r, rc = a["tok_per_s"] / b["tok_per_s"], a["tok_per_s"] / c["tok_per_s"]
print(f"  {a['model']} {a['B']}x{a['S']}: synthembed {a['tok_per_s']:.0f} tok/s ({a['gflops']:.0f} GFLOP/s, "
      f"{a['frac_of_mm2048']:.2f} of its mm2048 {a['mm2048_gflops']:.0f}) vs {b['impl']} ({b['threads']} threads, "
      f"attention {b['attn']}, its mm2048 {b['mm2048_gflops']:.0f} GFLOP/s) {b['tok_per_s']:.0f} tok/s -> ratio {r:.2f}x (goal >= 1.1x: {'met' if r >= 1.1 else 'NOT met'})")
print(f"    peer with OMP_WAIT_POLICY=PASSIVE {c['tok_per_s']:.0f} tok/s -> ratio {rc:.2f}x ({'met' if rc >= 1.1 else 'NOT met'})")
PY
  if [ $compare = 1 ]; then
    u=$(env SYNTHEMBED_NO_SELF_TUNING=1 "$bin" "$m" "$reps" --model "$dir" | tail -1)
    f=$(env MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 OMP_WAIT_POLICY=PASSIVE \
        OPENBLAS_THREAD_TIMEOUT=4 "$bin" "$m" "$reps" --model "$dir" | tail -1)
    echo "  synthembed $m tok/s (extra rows): as is $(tokps "$ours"), untuned (SYNTHEMBED_NO_SELF_TUNING=1)" \
         "$(tokps "$u"), formerly tuned $(tokps "$f")"
  fi
  if [ $history = 1 ]; then
    if [ -f "$shared/anchors/bench_fwd.py" ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
      base=$(cd "$shared/anchors" && env -u OPENBLAS_CORETYPE MALLOC_MMAP_THRESHOLD_=1073741824 \
             MALLOC_TRIM_THRESHOLD_=4294967296 OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 TORCH_NT=2 \
             /usr/bin/python3 bench_fwd.py "$m" "$reps" | tail -1)
      echo "  history: Debian PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') (tuned," \
           "anchors/bench_fwd.py) $(tokps "$base") tok/s -> synthembed ratio" \
           "$("$py" -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}x")' "$(tokps "$ours")" "$(tokps "$base")")"
    else
      echo "  history: skipped (needs Debian's python3-torch and $shared/anchors/bench_fwd.py)"
    fi
  fi
done
