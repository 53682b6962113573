#!/usr/bin/env bash
# Forward-throughput benchmark: synthembed (C++/libtorch) beside the PyTorch-in-Python anchor
# (shared/anchors/bench_fwd.py), same shapes, same machine, same run. synthembed always runs AS IS
# (no environment variable set for it: it tunes its own threading runtimes at start-up,
# core/runtime/runtime.cpp); the anchor runs in the TUNED environment of shared/anchors/README.md
# (OPENBLAS_CORETYPE unset, malloc thresholds raised, passive OpenMP waits), its best, and with
# --as-is also in the environment as it is. Prints each JSON line and the ratios.
#
#   tests/bench/run_fwd_bench.sh [--build DIR] [--reps N] [--as-is] [--compare-tuning] [bert|qwen2 ...]
#
# --compare-tuning adds two clearly labelled synthembed rows: "untuned" (SYNTHEMBED_NO_SELF_TUNING=1,
# what as-is used to be) and "formerly tuned" (the variables this script used to set for it).
#
# Needs: the bench_fwd target built (cmake --build build/dev --target bench_fwd) and, for the
# baseline, Debian's python3-torch + python3-numpy (packaging/deps/debian.sh, bench list).
# On a shared 2-core machine the numbers are noisy; compare ratios from one run only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build/dev"
reps=5
asis=0
compare=0
models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --as-is) asis=1; shift ;;
    --compare-tuning) compare=1; shift ;;
    *) models+=("$1"); shift ;;
  esac
done
[ ${#models[@]} -eq 0 ] && models=(bert qwen2)
shared="${SYNTHEMBED_SHARED:-$root/../shared}"
anchor="$shared/anchors/bench_fwd.py"
bin="$build/tests/bench/bench_fwd"
[ -x "$bin" ] || { echo "build first: cmake --build $build --target bench_fwd" >&2; exit 1; }
[ -f "$anchor" ] || { echo "baseline not found: $anchor (set SYNTHEMBED_SHARED)" >&2; exit 1; }
py=/usr/bin/python3
$py -c 'import torch' 2>/dev/null || { echo "baseline needs Debian python3-torch (apt-get install python3-torch python3-numpy)" >&2; exit 1; }

tuned=(env -u OPENBLAS_CORETYPE MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296
       OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 TORCH_NT=2)
asisenv=(env TORCH_NT=2)
formerly=(env MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 OMP_WAIT_POLICY=PASSIVE
          OPENBLAS_THREAD_TIMEOUT=4)
untuned=(env SYNTHEMBED_NO_SELF_TUNING=1)
threads=$(nproc)

ratio() { # $1 ours json, $2 baseline json
  $py - "$1" "$2" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"  {a['model']}: synthembed {a['tok_per_s']:.0f} tok/s ({a['gflops']:.0f} GFLOP/s, {a['frac_of_mm2048']:.2f} of its mm2048 "
      f"{a['mm2048_gflops']:.0f}) vs PyTorch {b['tok_per_s']:.0f} tok/s ({b['gflops']:.0f} GFLOP/s, {b['frac_of_mm2048']:.2f} of "
      f"{b['mm2048_gflops']:.0f}) -> ratio {a['tok_per_s'] / b['tok_per_s']:.2f}x")
PY
}

tokps() { $py -c 'import json, sys; print(round(json.loads(sys.argv[1])["tok_per_s"]))' "$1"; }

for m in "${models[@]}"; do
  echo "== $m (threads: $threads; load: $(cut -d' ' -f1 /proc/loadavg))"
  ours=$("$bin" "$m" "$reps" | tail -1)
  echo "synthembed (as is) $ours"
  if [ $compare = 1 ]; then
    u=$("${untuned[@]}" "$bin" "$m" "$reps" | tail -1)
    f=$("${formerly[@]}" "$bin" "$m" "$reps" | tail -1)
    echo "synthembed untuned, SYNTHEMBED_NO_SELF_TUNING=1 (extra column) $u"
    echo "synthembed formerly tuned, the script's old variables (extra column) $f"
    echo "  synthembed $m tok/s: as is $(tokps "$ours"), untuned $(tokps "$u"), formerly tuned $(tokps "$f")"
  fi
  envs=(tuned)
  [ $asis = 1 ] && envs+=(as-is)
  for e in "${envs[@]}"; do
    if [ $e = tuned ]; then run=("${tuned[@]}"); else run=("${asisenv[@]}"); fi
    base=$(cd "$shared/anchors" && "${run[@]}" $py bench_fwd.py "$m" "$reps" | tail -1)
    echo "pytorch 1.13 ($e) $base"
    ratio "$ours" "$base"
  done
done
exit 0
