#!/usr/bin/env bash
# Training benchmarks: synthembed (C++/libtorch) beside its peers, same shapes, loss and optimiser,
# same run. synthembed always runs AS IS: no environment variable set for it (it tunes its own
# threading runtimes at start-up, core/runtime/runtime.cpp). The peer of the step benchmark is
# PyTorch 2.x from PyPI (the venv of tests/peers/setup.sh) running shared/anchors/bench_train.py
# (its own model code, random weights) with PyTorch's default thread count and, as a second,
# labelled row, with OMP_WAIT_POLICY=PASSIVE (its OpenMP threads spin while waiting by default,
# which costs it dearly on a machine shared with other work). Goal: synthembed's step time
# <= 0.8x PyTorch 2.x's. --history adds the former peer, Debian's python3-torch 1.13 in the TUNED
# environment of shared/anchors/README.md (with --as-is also as it is), where it is installed.
#
#   tests/bench/run_train_bench.sh [--build DIR] [--reps N] [--rounds R] [--history] [--as-is] [--compare-tuning] [stories260k|bertsmall ...]
#   tests/bench/run_train_bench.sh --lora [--reps N] [--rank R] [--dropout P] [--compare-tuning] [--wide | MODEL_DIR]
#       full fine-tuning vs LoRA of the same model folder (default: shared stories260K; --wide: a
#       512-wide 4-layer Llama with random weights and stories260K's tokenizer, written once by
#       tests/bench/large_model/make_checkpoint.py into a cache outside the repository), STS-B
#       positives, batch 64, max length 128, steps interleaved (bench_train lora), beside the
#       same two arms on PyTorch 2.x + transformers + PEFT (tests/bench/peft_train_step.py, venv
#       of tests/peers/setup.sh, its default threading): s/step and user/system CPU s per step.
#       Both pad each batch on the right to its longest text; synthembed's training computes the
#       real tokens only (packed, ~56% of the padded rows on these batches), PEFT/transformers all rows.
#       Goals: LoRA step <= full step; LoRA <= 0.8x PEFT's time.
#   tests/bench/run_train_bench.sh --stsb [SECONDS]     # STS-B fine-tune of stories260K vs the
#                                                       # Python baseline's recorded figures
#
# --compare-tuning adds two clearly labelled synthembed rows: "untuned" (SYNTHEMBED_NO_SELF_TUNING=1,
# what as-is used to be) and "formerly tuned" (the tuning variables the scripts used to set).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build/dev"
reps=10
rounds=3
asis=0
history=0
compare=0
lora=0
rank=16
dropout=0.05
stsb=""
wide=0
models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --as-is) asis=1; history=1; shift ;;
    --history) history=1; shift ;;
    --compare-tuning) compare=1; shift ;;
    --lora) lora=1; shift ;;
    --wide) wide=1; shift ;;
    --rank) rank=$2; shift 2 ;;
    --dropout) dropout=$2; shift 2 ;;
    --stsb) stsb=${2:-600}; shift; [ $# -gt 0 ] && shift ;;
    *) models+=("$1"); shift ;;
  esac
done
[ ${#models[@]} -eq 0 ] && models=(stories260k bertsmall)
shared="${SYNTHEMBED_SHARED:-$root/../shared}"
bin="$build/tests/bench/bench_train"
[ -x "$bin" ] || { echo "build first: cmake --build $build --target bench_train" >&2; exit 1; }
py=/usr/bin/python3
# The anchors' tuned environment (the baseline's best); and, for --compare-tuning only, the
# variables these scripts used to give synthembed.
tuned=(env -u OPENBLAS_CORETYPE MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296
       OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 TORCH_NT=2)
formerly=(env MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296
          OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4)
untuned=(env SYNTHEMBED_NO_SELF_TUNING=1)
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"

if [ $lora = 1 ]; then
  model="$shared/oracles/models/stories260K"
  [ -d "${models[0]}" ] && model=${models[0]}
  if [ $wide = 1 ]; then
    cache=$HOME/.cache/synthembed-bench
    wmodel="$cache/llama-wide-f32"
    if [ ! -f "$wmodel/model.safetensors" ]; then
      echo "bench: writing the llama-wide checkpoint to $wmodel (once)" >&2
      "$("$root/tests/peers/setup.sh")" "$here/large_model/make_checkpoint.py" "$wmodel" \
        --shape llama-wide --dtype f32 --tokenizer "$model" # numpy: the peers venv has it
    fi
    model=$wmodel
  fi
  data="$shared/data/stsbenchmark"
  [ -f "$model/config.json" ] || { echo "not a model folder: $model (set SYNTHEMBED_SHARED)" >&2; exit 1; }
  [ -f "$data/stsb-en-train.csv" ] || { echo "not found: $data/stsb-en-train.csv (set SYNTHEMBED_SHARED)" >&2; exit 1; }
  vpy=$("$root/tests/peers/setup.sh")
  show() { # $1 label, $2 json of bench_train lora or peft_train_step.py
    $py - "$1" "$2" <<'PY'
import json, sys
label, a = sys.argv[1], json.loads(sys.argv[2])
for arm in ("full", "lora"):
    r = a[arm]
    print(f"  {label:<34} {arm:<4} {r['median_s']:.3f} s/step (min {r['min_s']:.3f}), CPU/step user {r['user_s_per_step']:.3f} s "
          f"sys {r['sys_s_per_step']:.3f} s, {r['trainable_params']} trainable"
          + (f", {r['minor_faults_per_step']:.0f} page faults and {r['voluntary_switches_per_step']:.0f} sleeps/step" if 'minor_faults_per_step' in r else ""))
print(f"  {label:<34} LoRA/full time {a['lora_over_full']:.2f}x (<= 1.0 is the goal)")
PY
  }
  ours=$("$bin" lora "$model" "$data" "$reps" "$rank" "$dropout")
  echo "synthembed as is: $ours"
  if [ $compare = 1 ]; then
    ours_untuned=$("${untuned[@]}" "$bin" lora "$model" "$data" "$reps" "$rank" "$dropout")
    ours_formerly=$("${formerly[@]}" "$bin" lora "$model" "$data" "$reps" "$rank" "$dropout")
  fi
  theirs=$("$vpy" "$here/peft_train_step.py" "$model" "$data" "$reps" "$rank" "$dropout" 2>/dev/null)
  echo "PyTorch 2.x + PEFT: $theirs"
  echo "== $(basename "$model"), batch 64, max length 128, LoRA r$rank dropout $dropout (load now: $(cut -d' ' -f1 /proc/loadavg))"
  show "synthembed (as is)" "$ours"
  if [ $compare = 1 ]; then
    show "synthembed untuned (extra column)" "$ours_untuned"
    show "synthembed formerly tuned (extra)" "$ours_formerly"
  fi
  show "PyTorch 2.x + PEFT (default env)" "$theirs"
  $py - "$ours" "$theirs" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"  LoRA step: synthembed {a['lora']['median_s']:.3f} s vs PEFT {b['lora']['median_s']:.3f} s -> time ratio "
      f"{a['lora']['median_s'] / b['lora']['median_s']:.2f}x (<= 0.8 is the goal)")
print(f"  full step: synthembed {a['full']['median_s']:.3f} s vs PyTorch {b['full']['median_s']:.3f} s -> time ratio "
      f"{a['full']['median_s'] / b['full']['median_s']:.2f}x")
PY
  exit 0
fi

if [ -n "$stsb" ]; then
  base="$shared/oracles/models/stories260K/baseline_stsb_finetune_python.json"
  [ -f "$base" ] || { echo "not found: $base (set SYNTHEMBED_SHARED)" >&2; exit 1; }
  ours=$("$bin" stsb "$shared/oracles/models/stories260K" "$shared/data/stsbenchmark" "$stsb")
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
[ -f "$anchor" ] || { echo "peer script not found: $anchor (set SYNTHEMBED_SHARED)" >&2; exit 1; }
vpy=$("$root/tests/peers/setup.sh")
# The anchor sets its thread count from TORCH_NT (2 if unset): give it PyTorch 2.x's own default.
nt=$("$vpy" -c 'import torch; print(torch.get_num_threads())' 2>/dev/null)
if [ $history = 1 ] && ! $py -c 'import torch' 2>/dev/null; then
  echo "--history: Debian python3-torch is not installed, the PyTorch 1.13 column is left out" >&2
  history=0
fi
ratio() { # $1 synthembed json, $2 peer json, $3 label, $4 goal (time ratio at most)
  $py - "$1" "$2" "$3" "$4" <<'PY'
import json, sys
a, b, goal = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[4])
r = a['median_s'] / b['median_s']
print(f"  [{sys.argv[3]}] {a['model']}: synthembed {a['median_s']:.3f} s/step vs PyTorch {b['torch']} {b['median_s']:.3f} s/step "
      f"-> time ratio {r:.2f}x (<= {goal} is the goal: {'met' if r <= goal else 'NOT met'})")
PY
}
jget() { $py -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
medianrun() { # the run whose median_s is the median of the rounds' (lines of JSON)
  $py -c '
import json, sys
runs = sorted((json.loads(l) for l in sys.argv[1].splitlines() if l.strip()), key=lambda r: r["median_s"])
print(json.dumps(runs[(len(runs) - 1) // 2]))' "$1"
}
echo "== InfoNCE training step, $rounds rounds, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, PyTorch 2.x threads $nt"
for m in "${models[@]}"; do
  # Rounds: each side runs as its own process once per round, in turn, and the ratio is between the
  # per-side medians, so that one slow minute on a shared VM does not decide it.
  ours_all="" peer_all="" passive_all=""
  for ((r = 1; r <= rounds; r++)); do
    o=$("$bin" step "$m" "$reps"); ours_all+="$o"$'\n'
    if [ $compare = 1 ]; then
      echo "synthembed untuned (SYNTHEMBED_NO_SELF_TUNING=1, extra column) $("${untuned[@]}" "$bin" step "$m" "$reps")"
      echo "synthembed formerly tuned (the scripts' old variables, extra column) $("${formerly[@]}" "$bin" step "$m" "$reps")"
    fi
    p=$(cd "$shared/anchors" && env TORCH_NT="$nt" "$vpy" bench_train.py "$m" "$reps" 2>/dev/null | tail -1); peer_all+="$p"$'\n'
    q=$(cd "$shared/anchors" && env TORCH_NT="$nt" OMP_WAIT_POLICY=PASSIVE "$vpy" bench_train.py "$m" "$reps" 2>/dev/null | tail -1)
    passive_all+="$q"$'\n'
    echo "  round $r $m: synthembed $(jget "$o" median_s) s, PyTorch 2.x $(jget "$p" median_s) s, passive waits $(jget "$q" median_s) s"
  done
  ours=$(medianrun "$ours_all") peer=$(medianrun "$peer_all") passive=$(medianrun "$passive_all")
  echo "synthembed (as is, median round) $ours"
  echo "PyTorch 2.x (default threading, median round) $peer"
  echo "PyTorch 2.x with OMP_WAIT_POLICY=PASSIVE (extra row, median round) $passive"
  ratio "$ours" "$peer" "synthembed as is vs PyTorch 2.x default, medians of $rounds rounds" 0.8
  ratio "$ours" "$passive" "synthembed as is vs PyTorch 2.x, passive waits (extra row)" 0.8
  if [ $history = 1 ]; then
    envs=(tuned)
    [ $asis = 1 ] && envs+=(asis)
    for e in "${envs[@]}"; do
      if [ $e = tuned ]; then run=("${tuned[@]}"); else run=(env TORCH_NT=2); fi
      theirs=$(cd "$shared/anchors" && "${run[@]}" $py bench_train.py "$m" "$reps")
      echo "PyTorch 1.13 ($e, history column) $theirs"
      ratio "$ours" "$theirs" "synthembed as is vs Debian PyTorch 1.13 $e (history)" 1.0
    done
  fi
done
