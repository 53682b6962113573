#!/usr/bin/env bash
# Training benchmarks: synthembed (C++/libtorch) beside the PyTorch-in-Python anchor
# (shared/anchors/bench_train.py), same shapes, loss and optimiser, same run, in the TUNED
# environment of shared/anchors/README.md (and, with --as-is, also as it is). Prints the ratios.
#
#   tests/bench/run_train_bench.sh [--build DIR] [--reps N] [--as-is] [stories260k|bertsmall ...]
#   tests/bench/run_train_bench.sh --stsb [SECONDS]     # STS-B fine-tune of stories260K vs the
#                                                       # Python baseline's recorded figures
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build/dev"
reps=10
asis=0
stsb=""
models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --as-is) asis=1; shift ;;
    --stsb) stsb=${2:-600}; shift; [ $# -gt 0 ] && shift ;;
    *) models+=("$1"); shift ;;
  esac
done
[ ${#models[@]} -eq 0 ] && models=(stories260k bertsmall)
shared="${SYNTHEMBED_SHARED:-$root/../shared}"
bin="$build/tests/bench/bench_train"
[ -x "$bin" ] || { echo "build first: cmake --build $build --target bench_train" >&2; exit 1; }
py=/usr/bin/python3
tuned=(env -u OPENBLAS_CORETYPE MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296
       OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 TORCH_NT=2)
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"

if [ -n "$stsb" ]; then
  base="$shared/oracles/models/stories260K/baseline_stsb_finetune_python.json"
  [ -f "$base" ] || { echo "not found: $base (set SYNTHEMBED_SHARED)" >&2; exit 1; }
  ours=$("${tuned[@]}" "$bin" stsb "$shared/oracles/models/stories260K" "$shared/data/stsbenchmark" "$stsb")
  echo "$ours"
  $py - "$ours" "$base" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.load(open(sys.argv[2]))
h63 = next((h for h in b["history"] if h["steps"] >= 63), None)
print(f"  synthembed: Spearman {a['stsb_test_spearman_before']:.3f} -> {a['spearman_after_150_steps']:.3f} after 150 steps "
      f"({a['seconds_for_150_steps']:.0f} s) -> {a['stsb_test_spearman_after']:.3f} after {a['steps']} steps / {a['train_seconds']:.0f} s; "
      f"{a['steps_per_second']:.2f} steps/s, {a['samples_per_second']:.0f} samples/s")
print(f"  Python baseline (recorded): {b['stsb_test_spearman_before']['last_token_eos']:.3f} -> "
      f"{h63['last_token_eos']:.3f} after 63 steps -> {b['stsb_test_spearman_after']['last_token_eos']:.3f} after {b['steps']} steps / "
      f"{b['train_seconds']:.0f} s; {b['steps_per_second']:.2f} steps/s -> speed ratio {a['steps_per_second'] / b['steps_per_second']:.2f}x")
PY
  exit 0
fi

anchor="$shared/anchors/bench_train.py"
[ -f "$anchor" ] || { echo "baseline not found: $anchor (set SYNTHEMBED_SHARED)" >&2; exit 1; }
$py -c 'import torch' 2>/dev/null || { echo "baseline needs Debian python3-torch" >&2; exit 1; }
ratio() {
  $py - "$1" "$2" "$3" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"  [{sys.argv[3]}] {a['model']}: synthembed {a['median_s']:.3f} s/step vs PyTorch {b['median_s']:.3f} s/step "
      f"-> time ratio {a['median_s'] / b['median_s']:.2f}x (<= 1.0 is the goal)")
PY
}
envs=(tuned)
[ $asis = 1 ] && envs+=(asis)
for e in "${envs[@]}"; do
  for m in "${models[@]}"; do
    if [ $e = tuned ]; then run=("${tuned[@]}"); else run=(env TORCH_NT=2); fi
    ours=$("${run[@]}" "$bin" step "$m" "$reps")
    theirs=$(cd "$shared/anchors" && "${run[@]}" $py bench_train.py "$m" "$reps")
    echo "$ours"; echo "$theirs"
    ratio "$ours" "$theirs" "$e"
  done
done
