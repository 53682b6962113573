#!/usr/bin/env bash
# Forward-throughput benchmark (issue 17): synthembed (C++/libtorch, bench_fwd) beside PyTorch 2.x +
# Hugging Face transformers (PyPI wheels, tests/bench/peer_fwd.py, the venv of tests/peers/setup.sh,
# PyTorch's default threading) on the SAME model folder: random weights written once by transformers'
# own save_pretrained into a cache outside the repository. BERT-base 32 x 128 and Qwen2-0.5B 8 x 128,
# fp32, tokens/s, same run. synthembed always runs AS IS (no environment variable set for it: it tunes
# its own threading runtimes at start-up, core/runtime/runtime.cpp). Goal: >= 1.1x PyTorch 2.x.
#
#   tests/bench/run_fwd_bench.sh [--build DIR] [--reps N] [--rounds R] [--history] [--compare-tuning] [--cache DIR] [bert|qwen2 ...]
#
# Each side runs R times (--rounds, default 3) as its own process, in turn (synthembed, peer, peer with
# passive waits, ...), and the ratio is between the medians: one noisy minute no longer decides it.
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
rounds=3
history=0
compare=0
cache=""
models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
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
  cache=$HOME/.cache/synthembed-bench
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
  # Rounds: each side runs as its own process once per round, in turn, so that a slow minute on a
  # shared VM hits both sides; the ratio is taken between the per-side medians over the rounds.
  rows=(ours peer passive)
  [ $compare = 1 ] && rows+=(untuned formerly)
  declare -A got=()
  for ((r = 1; r <= rounds; r++)); do
    for row in "${rows[@]}"; do
      case $row in
        ours) out=$("$bin" "$m" "$reps" --model "$dir" | tail -1) ;;
        peer) out=$("$py" "$here/peer_fwd.py" run "$dir" "$B" 128 "$reps" 2>/dev/null | tail -1) ;;
        passive) out=$(OMP_WAIT_POLICY=PASSIVE "$py" "$here/peer_fwd.py" run "$dir" "$B" 128 "$reps" 2>/dev/null | tail -1) ;;
        untuned) out=$(env SYNTHEMBED_NO_SELF_TUNING=1 "$bin" "$m" "$reps" --model "$dir" | tail -1) ;;
        formerly) out=$(env MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 OMP_WAIT_POLICY=PASSIVE \
                        OPENBLAS_THREAD_TIMEOUT=4 "$bin" "$m" "$reps" --model "$dir" | tail -1) ;;
      esac
      got[$row]+="$out"$'\n'
      echo "  round $r $row: $(tokps "$out") tok/s"
    done
  done
  echo "synthembed (as is, last round) $(printf '%s' "${got[ours]}" | tail -1)"
  echo "peer (last round) $(printf '%s' "${got[peer]}" | tail -1)"
  "$py" - "${got[ours]}" "${got[peer]}" "${got[passive]}" "${got[untuned]:-}" "${got[formerly]:-}" <<'PY'
import json, statistics, sys
runs = [[json.loads(l) for l in arg.splitlines() if l.strip()] for arg in sys.argv[1:]]
med = lambda rs: statistics.median(r["tok_per_s"] for r in rs)
a, b, c = runs[0][-1], runs[1][-1], runs[2][-1]
mo, mp, mq = med(runs[0]), med(runs[1]), med(runs[2])
r, rc = mo / mp, mo / mq
n = len(runs[0])
print(f"  {a['model']} {a['B']}x{a['S']}, median of {n} rounds: synthembed {mo:.0f} tok/s ({mo * a['gflop_per_fwd'] / (a['B'] * a['S']):.0f} GFLOP/s; "
      f"last round {a['frac_of_mm2048']:.2f} of its mm2048 {a['mm2048_gflops']:.0f}) vs {b['impl']} ({b['threads']} threads, "
      f"attention {b['attn']}, its mm2048 {b['mm2048_gflops']:.0f} GFLOP/s) {mp:.0f} tok/s -> ratio {r:.2f}x (goal >= 1.1x: {'met' if r >= 1.1 else 'NOT met'})")
print(f"    per round: synthembed {' '.join(str(round(x['tok_per_s'])) for x in runs[0])}, peer {' '.join(str(round(x['tok_per_s'])) for x in runs[1])}, "
      "ratios " + " ".join("%.2f" % (x["tok_per_s"] / y["tok_per_s"]) for x, y in zip(runs[0], runs[1])))
print(f"    peer with OMP_WAIT_POLICY=PASSIVE {mq:.0f} tok/s -> ratio {rc:.2f}x ({'met' if rc >= 1.1 else 'NOT met'})")
if runs[3]:
    print(f"  synthembed {a['model']} tok/s, medians (extra rows): as is {mo:.0f}, untuned (SYNTHEMBED_NO_SELF_TUNING=1) "
          f"{med(runs[3]):.0f}, formerly tuned {med(runs[4]):.0f} -> as is / formerly tuned {mo / med(runs[4]):.2f}")
PY
  ours=$(printf '%s' "${got[ours]}" | tail -1)
  unset got
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
