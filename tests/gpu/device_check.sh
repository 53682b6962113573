#!/usr/bin/env bash
# The one-shot GPU device check (issue 15): builds the GUI-less project against the machine's own PyTorch,
# then checks and times the GPU path, and writes OUT/device_check.json (plus OUT/device_check.log and
# OUT/details.tar.gz with every run's metrics and logs). Sized for about 8 minutes on the lent H200.
#
#   tests/gpu/device_check.sh OUT                        # on the GPU machine (carry build/gpu-deps)
#   tests/gpu/device_check.sh OUT --device cpu --dry \   # here: the same script end to end on the CPU,
#       --build-dir build/dev --skip-build               #   tiny shapes, an existing CPU build
#
# Before a device call, here: tests/gpu/prepare_carry.sh (fills build/gpu-deps, git-ignored), then
#   run(command="tests/gpu/device_check.sh $OUT", carry=["build/gpu-deps"], timeout_s=600)
#
# Checks, in the order they run (each timed; status pass / fail / skipped with a reason):
#   build                  cmake + ninja: synthembed-cli and the model tests (Release, no GUI/bench/FAISS)
#   deps_probe             the carried SQLite/curl/OpenBLAS/GoogleTest pieces compile, link and run alone
#   cli_version            synthembed-cli version --json: CUDA compiled in and the GPU seen (cuda device)
#   parity_fp32            embed, Qwen2-0.5B-shaped random model: cuda fp32 vs cpu fp32, min cosine >= 0.9999
#   parity_bf16            the same, cuda bf16 (autocast default) vs cpu fp32, min cosine >= 0.999 (bf16 keeps
#                          8 bits of mantissa: ~3e-3 relative per rounding; cosines of whole vectors stay > 0.999)
#   gradcache_fp32         train 2 steps, --mini-batch (GradCache) vs full batch, same seed, no dropout, fp32:
#                          per-step loss and gradient norm within 1e-3 relative (CPU: 1e-4)
#   gradcache_bf16         the same under bf16 autocast (cuda only): within 5e-2 (bf16 keeps ~3 digits; the
#                          full batch and the mini-batches are different GEMM shapes that round differently, and
#                          the 1/0.02 temperature scales those differences into the logits)
#   train_qwen2_0_5b_lora  LoRA r16, bf16 autocast, InfoNCE with a hard negative, 50 steps, batch 32 x 128:
#                          mean loss of the last 5 steps below that of the first 5
#   peers_qwen2_0_5b_lora  the same configuration with sentence-transformers + PEFT (tests/gpu/peers_st.py)
#   train_mistral_7b_gc    Mistral-7B-shaped random bf16 model, LoRA r16, gradient checkpointing, GradCache
#                          (mini-batch 16), 10 steps at batch 64 x 256 tokens: samples/s, peak GPU memory
#   peers_mistral_7b_gc    the same with sentence-transformers + PEFT (CachedMultipleNegativesRankingLoss)
#   model_tests            ctest -L model with the same binaries, in the background while the 7B model is
#                          written (waited for before any 7B timing). The model tests have no device switch:
#                          they run on the CPU (recorded as such); the CUDA build runs them as they are.
# --dry shrinks every shape (2-layer, 64-wide models with the real tokenizers, a few steps, tiny batches).
# The exit status is non-zero when any check fails; the JSON is written after every check, so a run cut short
# still leaves one (overall: incomplete).
set -uo pipefail

usage() {
  awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"
  cat <<'EOF'
Options:
  --device cuda|cpu     where the GPU checks run (default cuda); cpu: parity becomes CPU vs CPU (bf16 vs fp32)
  --dry                 tiny shapes, few steps (runs in minutes on a CPU)
  --build-dir DIR       build folder (default build/gpu)
  --skip-build          use the binaries already in --build-dir
  --deps DIR            carried dependencies (default build/gpu-deps, from tests/gpu/prepare_carry.sh)
  --python PY           python with torch, transformers, sentence-transformers, peft (default: python3 if it
                        has them, else the venv of tests/peers/setup.sh)
  --work DIR            scratch folder for models and runs (default /tmp/synthembed-device-check; never OUT)
  --budget SECONDS      wall-clock budget for all checks (default 540; stages shrink or skip to fit)
  --jobs N              build and ctest parallelism (default: the number of cores)
  --only a,b,...        run only these checks (names above; build always runs unless --skip-build)
  --configure-only      configure the build (with the carried deps) and stop
EOF
}

# ---------------------------------------------------------------- arguments
root=$(cd "$(dirname "$0")/../.." && pwd)
out="" device=cuda dry=0 build_dir="" skip_build=0 deps="" py="" work="" budget=540 jobs="" only="" configure_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=$2; shift 2 ;;
    --dry) dry=1; shift ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    --deps) deps=$2; shift 2 ;;
    --python) py=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --configure-only) configure_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "device_check: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "device_check: one output folder only" >&2; exit 2; }; out=$1; shift ;;
  esac
done
[ -n "$out" ] || { echo "device_check: give the output folder (e.g. \$OUT)" >&2; usage >&2; exit 2; }
case "$device" in cuda|cuda:*|cpu) ;; *) echo "device_check: --device cuda|cpu" >&2; exit 2 ;; esac
abspath() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
mkdir -p "$out" && out=$(cd "$out" && pwd)
build_dir=$(abspath "${build_dir:-$root/build/gpu}")
deps=$(abspath "${deps:-$root/build/gpu-deps}")
work=$(abspath "${work:-/tmp/synthembed-device-check}")
jobs=${jobs:-$(nproc 2>/dev/null || echo 4)}
case "$work/" in "$out"/*) echo "device_check: --work must not lie under OUT (its model files are large)" >&2; exit 2 ;; esac
work=${work%/}
case "$work" in
  ""|/tmp|/root|/home|"$HOME"|"$root"|"$root"/build) echo "device_check: --work $work would be wiped: give a scratch folder of its own" >&2; exit 2 ;;
  "$root"/build/*) ;;
  "$root"/*) echo "device_check: --work inside the repository must lie under build/ (git-ignored)" >&2; exit 2 ;;
esac
rm -rf "$work" && mkdir -p "$work/logs" "$work/runs"
export SYNTHEMBED_DATA_DIR=$work/data   # the CLI's default project, away from the user's
cuda=0; [ "$device" != cpu ] && cuda=1

t_start=$(date +%s.%N)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log=$out/device_check.log
: > "$log"
say() { echo "[$(date -u +%H:%M:%S) +$(elapsed)s] $*" | tee -a "$log" >&2; }
elapsed() { awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%d", b - a}'; }
remaining() { echo $(( budget - $(elapsed) )); }
checks=$work/checks.jsonl
: > "$checks"

# ---------------------------------------------------------------- python
has_peers() { "$1" -c 'import torch, transformers, sentence_transformers, peft, safetensors, numpy' >/dev/null 2>&1; }
if [ -z "$py" ]; then
  if command -v python3 >/dev/null && has_peers python3; then py=$(command -v python3)
  else
    for v in "${SYNTHEMBED_PEERS_VENV:-}" "$HOME/.cache/synthembed-peers/venv"; do
      [ -n "$v" ] && [ -x "$v/bin/python" ] && has_peers "$v/bin/python" && { py=$v/bin/python; break; }
    done
  fi
fi
if [ -z "$py" ] || ! has_peers "$py"; then
  echo "device_check: no python with torch, transformers, sentence-transformers, peft (run tests/peers/setup.sh here)" >&2
  exit 2
fi
tools=("$py" "$root/tests/gpu/gpu_tools.py")
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1

# ---------------------------------------------------------------- recording
summary() {
  local fin=()
  [ "${1:-}" = final ] && fin=(--finished)
  "${tools[@]}" summary --checks "$checks" --facts "$work/facts_py.json" "$work/facts_cli.json" "$work/facts_build.json" \
    --out "$out/device_check.json" --mode "$([ $dry = 1 ] && echo dry || echo full)" --device "$device" \
    --started "$started" --t0 "$t_start" --budget "$budget" "${fin[@]}" 2>>"$log" || say "summary: could not write the JSON"
}
# record NAME STATUS SECONDS REASON [FIGURES_JSON]
record() {
  local figs=${5:-}
  [ -n "$figs" ] && printf '%s' "$figs" | "$py" -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null || figs='{}'
  "$py" -c 'import json,sys; n,s,t,r,f=sys.argv[1:]; print(json.dumps({"name":n,"status":s,"seconds":round(float(t),1),"reason":r,"figures":json.loads(f)}))' \
    "$1" "$2" "$3" "$4" "$figs" >> "$checks"
  say "check $1: $2 (${3%.*} s)${4:+ - $4}"
  summary
}
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'; }
# stage_timeout WANTED MINIMUM: the seconds a stage may take, or 0 when the budget cannot give MINIMUM.
stage_timeout() {
  local left=$(( $(remaining) - 15 ))
  if [ "$left" -lt "$2" ]; then echo 0; elif [ "$left" -lt "$1" ]; then echo "$left"; else echo "$1"; fi
}
# run_logged NAME TIMEOUT CMD...: runs with a time limit, output in logs/NAME.log (its tail in the main log on failure).
run_logged() {
  local name=$1 limit=$2; shift 2
  local f=$work/logs/$name.log rc
  echo "+ $*" > "$f"
  if [ "$limit" -le 0 ]; then echo "not started: no time left in the budget" >> "$f"; return 124; fi
  timeout --kill-after=10 "$limit" "$@" >> "$f" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then
    { echo "---- $name: exit $rc$([ $rc = 124 ] && echo " (timed out after $limit s)"), last lines of its log:"; tail -n 25 "$f"; echo "----"; } >> "$log"
  fi
  return $rc
}

say "device_check: device=$device dry=$dry build=$build_dir skip_build=$skip_build deps=$deps python=$py work=$work budget=${budget}s jobs=$jobs"
"${tools[@]}" facts > "$work/facts_py.json" 2>>"$log" || echo '{}' > "$work/facts_py.json"
say "machine: $(cat "$work/facts_py.json")"
if [ $cuda = 1 ] && ! "$py" -c 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  say "warning: --device $device but this python's torch sees no CUDA device"
fi

# ---------------------------------------------------------------- carried dependencies
ld_extra=""     # LD_LIBRARY_PATH addition for the CLI and tests (only sonames missing on the machine)
curl_lib="" link_flags="" openblas_a=$work/openblas/libopenblas.a
deps_facts='{}'
prepare_deps() {
  local u=$deps/usr
  if [ ! -f "$deps/MANIFEST.txt" ]; then
    say "carried deps: $deps missing (run tests/gpu/prepare_carry.sh here and carry build/gpu-deps)"
    return 1
  fi
  # The static OpenBLAS travels compressed; unpacked into the work folder (never into the carried folder,
  # which must stay small enough to travel).
  mkdir -p "$work/openblas"
  if command -v xz >/dev/null; then xz -dc "$deps/openblas/libopenblas.a.xz" > "$openblas_a"
  else "$py" -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' \
         "$deps/openblas/libopenblas.a.xz" "$openblas_a"; fi || return 1
  # libcurl: the machine's own when it has one (no foreign shared library then), else the carried Debian one.
  local machine_curl="" n p
  if [ "${SYNTHEMBED_GPU_DEPS_CARRIED_CURL:-0}" = 0 ]; then
    for n in libcurl.so.4 libcurl-gnutls.so.4; do
      p=$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) | awk -v n="$n" '$1 == n && /x86-64/ {print $NF; exit}')
      [ -z "$p" ] && for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /lib/x86_64-linux-gnu /usr/lib; do
        [ -e "$d/$n" ] && { p=$d/$n; break; }; done
      [ -n "$p" ] && { machine_curl=$p; break; }
    done
  fi
  mkdir -p "$work/curl-link"
  if [ -n "$machine_curl" ]; then
    ln -sf "$machine_curl" "$work/curl-link/libcurl.so"
    curl_lib=$work/curl-link/libcurl.so
    curl_from="machine: $machine_curl"
  else
    curl_lib=$deps/curl-runtime/libcurl.so
    link_flags="-Wl,-rpath-link,$deps/curl-runtime"
    mkdir -p "$work/curl-rt"
    local missing=()
    for p in "$deps"/curl-runtime/lib*.so.*; do
      n=$(basename "$p")
      # SYNTHEMBED_GPU_DEPS_CARRIED_CURL=all (a test of this path) takes every carried soname.
      if [ "${SYNTHEMBED_GPU_DEPS_CARRIED_CURL:-0}" = all ] || ! (ldconfig -p 2>/dev/null || true) | awk -v n="$n" '$1 == n {f=1} END {exit !f}'; then
        ln -sf "$p" "$work/curl-rt/$n"; missing+=("$n")
      fi
    done
    ld_extra=$work/curl-rt
    curl_from="carried Debian 12 libcurl.so.4; sonames added through LD_LIBRARY_PATH: ${missing[*]:-none}"
  fi
  say "carried deps used: headers nlohmann-json, CLI11, hnswlib, curl, sqlite3.h, cblas.h; static libsqlite3.a, libgtest.a, libopenblas.a; libcurl from $curl_from; no gloo"
  deps_facts=$("$py" -c 'import json,sys; print(json.dumps({"deps_dir":sys.argv[1],"curl":sys.argv[2],"static":["libsqlite3.a","libgtest.a","libgtest_main.a","libopenblas.a"],"header_only":["nlohmann-json","CLI11","hnswlib"],"gloo":"not carried: no Gloo multi-process CPU training in this build"}))' "$deps" "$curl_from")
  return 0
}
# rt: the prefix that gives the CLI and the tests the carried libraries the machine lacks (empty when none).
rt=()
set_rt() { rt=(); [ -n "$ld_extra" ] && rt=(env "LD_LIBRARY_PATH=$ld_extra${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"); }

deps_ok=0
if [ $skip_build = 0 ] || wanted deps_probe; then prepare_deps && deps_ok=1; fi
set_rt

# ---------------------------------------------------------------- 1. build
cli=$build_dir/app/synthembed-cli
if [ $skip_build = 1 ]; then
  record build skipped 0 "--skip-build: using $build_dir" "{\"build_dir\": \"$build_dir\"}"
else
  t0=$(now)
  if [ $deps_ok = 0 ]; then
    record build fail "$(since "$t0")" "carried dependencies missing ($deps)"
  else
    torch_prefix=$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)')
    # TorchConfig finds libtorch/libc10 with find_library, which looks in system folders before the wheel's:
    # name the wheel's own, so that a system libtorch (Debian's, here) can never be mixed in.
    torch_lib=$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
    u=$deps/usr a=x86_64-linux-gnu
    cmake_args=(-S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
      -DSYNTHEMBED_GUI=OFF -DSYNTHEMBED_BENCH=OFF -DSYNTHEMBED_TESTS=ON -DSYNTHEMBED_TEST_DIRS=model -DSYNTHEMBED_FAISS=OFF
      "-DCMAKE_PREFIX_PATH=$torch_prefix;$u"
      "-DTORCH_LIBRARY=$torch_lib/libtorch.so" "-Dc10_LIBRARY=$torch_lib/libc10.so"
      "-DC10_CUDA_LIBRARY=$torch_lib/libc10_cuda.so" "-DCAFFE2_NVRTC_LIBRARY=$torch_lib/libcaffe2_nvrtc.so"
      "-Dnlohmann_json_DIR=$u/share/cmake/nlohmann_json" "-DCLI11_DIR=$u/share/cmake/CLI11" "-DGTest_DIR=$u/lib/$a/cmake/GTest"
      "-DSQLite3_INCLUDE_DIR=$u/include" "-DSQLite3_LIBRARY=$u/lib/$a/libsqlite3.a"
      "-DCURL_INCLUDE_DIR=$u/include/$a" "-DCURL_LIBRARY=$curl_lib" "-DCURL_LIBRARY_RELEASE=$curl_lib" -DCURL_NO_CURL_CMAKE=ON
      "-DOPENBLAS_INCLUDE_DIR=$u/include/$a/openblas-pthread" "-DOPENBLAS_LIBRARY=$openblas_a"
      "-DOPENSSL_INCLUDE_DIR=$u/include" "-DOPENSSL_CRYPTO_LIBRARY=$u/lib/$a/libcrypto.a" -DOPENSSL_USE_STATIC_LIBS=ON
      "-DCMAKE_CXX_FLAGS=-isystem $u/include"
      "-DCMAKE_CXX_STANDARD_LIBRARIES=-lpthread -ldl -lm"
      "-DCMAKE_EXE_LINKER_FLAGS=$link_flags")
    # The CUDA toolkit that TorchConfig's find_package(CUDAToolkit) needs: nvcc on PATH, else /usr/local/cuda.
    nvcc=${CUDACXX:-$(command -v nvcc || true)}
    [ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
    if [ -n "$nvcc" ]; then
      nvcc=$(readlink -f "$nvcc"); export CUDACXX=$nvcc
      cmake_args+=("-DCUDAToolkit_ROOT=$(dirname "$(dirname "$nvcc")")")
      export CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$nvcc")")}
      say "build: CUDA toolkit $(dirname "$(dirname "$nvcc")") ($("$nvcc" --version 2>/dev/null | grep -o 'release [0-9.]*' | head -1))"
    else
      say "build: no nvcc found (a CUDA libtorch's CMake config needs the CUDA toolkit)"
    fi
    say "build: configuring (torch prefix $torch_prefix)"
    lim=$(stage_timeout 120 30)
    if [ "$lim" = 0 ] || ! run_logged configure "$lim" cmake "${cmake_args[@]}"; then
      record build fail "$(since "$t0")" "cmake configure failed (logs/configure.log in details.tar.gz)" "$deps_facts"
    elif [ $configure_only = 1 ]; then
      grep -E 'libtorch has CUDA|gloo|OpenBLAS|FAISS' "$work/logs/configure.log" | tee -a "$log" >&2
      record build pass "$(since "$t0")" "--configure-only" "$deps_facts"
      summary final; cp "$work/logs/configure.log" "$out/" 2>/dev/null; exit 0
    else
      t_cfg=$(since "$t0")
      cuda_on=$(grep -q 'libtorch has CUDA' "$work/logs/configure.log" && echo true || echo false)
      say "build: configured in ${t_cfg}s (CUDA paths: $cuda_on); ninja -j$jobs synthembed-cli + model tests"
      lim=$(stage_timeout 360 60)
      if [ "$lim" != 0 ] && run_logged build "$lim" cmake --build "$build_dir" -j "$jobs"; then
        figs=$(echo "$deps_facts" | "$py" -c "import json,sys; d=json.load(sys.stdin); d.update(configure_s=$t_cfg, cuda_paths=$cuda_on, build_type='Release'); print(json.dumps(d))")
        record build pass "$(since "$t0")" "" "$figs"
      else
        record build fail "$(since "$t0")" "build failed or out of time (logs/build.log)" "$deps_facts"
      fi
    fi
  fi
fi
have_cli=0; [ -x "$cli" ] && "${rt[@]}" "$cli" --version >/dev/null 2>&1 && have_cli=1
[ $have_cli = 1 ] || say "no working $cli: the CLI checks are skipped"
echo "{\"build_dir\": \"$build_dir\"}" > "$work/facts_build.json"

# ---------------------------------------------------------------- deps probe
if wanted deps_probe; then
  t0=$(now)
  if [ $deps_ok = 0 ]; then
    record deps_probe skipped 0 "carried dependencies not prepared ($deps)"
  else
    u=$deps/usr a=x86_64-linux-gnu
    cxx=${CXX:-$(command -v g++ || command -v c++)}
    if run_logged deps_probe "$(stage_timeout 120 20)" "$cxx" -std=c++20 -O1 -isystem "$u/include" -isystem "$u/include/$a" \
         -isystem "$u/include/$a/openblas-pthread" "$root/tests/gpu/deps_probe.cpp" -o "$work/deps_probe" \
         "$u/lib/$a/libgtest.a" "$u/lib/$a/libsqlite3.a" "$openblas_a" "$curl_lib" $link_flags -lpthread -ldl -lm \
       && run_logged deps_probe_run 60 "${rt[@]}" "$work/deps_probe"; then
      record deps_probe pass "$(since "$t0")" "" "$(tail -n 1 "$work/logs/deps_probe_run.log")"
    else
      record deps_probe fail "$(since "$t0")" "the carried pieces do not compile/link/run alone (logs/deps_probe*.log)"
    fi
  fi
fi

# ---------------------------------------------------------------- shapes
if [ $dry = 1 ]; then
  qwen=qwen2-tiny mistral=mistral-tiny
  par_n=16 par_words=40
  gc_b=8 gc_mb=2 gc_len=32 gc_steps=2
  q_steps=12 q_b=8 q_len=32 q_lr=1e-3 q_warm=2
  m_steps=3 m_b=8 m_len=32 m_mb=4 m_words=40
else
  qwen=qwen2-0.5b mistral=mistral-7b
  par_n=64 par_words=60
  gc_b=16 gc_mb=4 gc_len=64 gc_steps=2
  q_steps=50 q_b=32 q_len=128 q_lr=2e-4 q_warm=5
  m_steps=10 m_b=64 m_len=256 m_mb=16 m_words=150
fi
gen_dev=cpu; [ $cuda = 1 ] && gen_dev=cuda
models=$work/models
mkdir -p "$models"
# Tokenizers of the model folders: the carried ones, else the shared test material next to the checkout.
tokenizers=$deps/tokenizers
if [ ! -d "$tokenizers" ]; then
  for d in "${SYNTHEMBED_SHARED:-}" "$root/../shared"; do
    [ -n "$d" ] && [ -f "$d/oracles/tokenizers/qwen2/tokenizer.json" ] && { tokenizers=$d/oracles/tokenizers; break; }
  done
fi
make_model() {  # make_model SHAPE DIR
  [ -f "$2/config.json" ] && return 0
  run_logged "model_$1" "$(stage_timeout 240 20)" "${tools[@]}" model --shape "$1" --out "$2" --tokenizers "$tokenizers" \
    --dtype bf16 --device "$gen_dev" --seed 0
}
cli_run() { "${rt[@]}" "$cli" "$@"; }
cpu_or() { if [ $cuda = 1 ]; then echo "$device"; else echo cpu; fi; }

# ---------------------------------------------------------------- cli facts
if [ $have_cli = 1 ]; then
  cli_run version --json > "$work/cli_version.json" 2>>"$log" || echo '{}' > "$work/cli_version.json"
  "$py" -c 'import json,sys; v=json.load(open(sys.argv[1])); print(json.dumps({"synthembed": v.get("synthembed"), "libtorch": v.get("libtorch"), "cli_cuda": v.get("cuda", {})}))' \
    "$work/cli_version.json" > "$work/facts_cli.json" 2>/dev/null || echo '{}' > "$work/facts_cli.json"
  if wanted cli_version; then
    figs=$(cat "$work/facts_cli.json")
    if [ $cuda = 1 ]; then
      if "$py" -c 'import json,sys; c=json.load(open(sys.argv[1])).get("cuda",{}); sys.exit(0 if c.get("compiled") and c.get("devices") else 1)' "$work/cli_version.json"; then
        record cli_version pass 0 "" "$figs"
      else
        record cli_version fail 0 "CUDA not compiled in or no device seen by the CLI" "$figs"
      fi
    else
      record cli_version pass 0 "cpu device: CUDA not required" "$figs"
    fi
  fi
fi
skip_cli() { record "$1" skipped 0 "no synthembed-cli (build failed or skipped)"; }
budget_skip() { record "$1" skipped 0 "out of budget ($(remaining) s left)"; }

# ---------------------------------------------------------------- model tests (CPU: they have no device switch)
# They run in the background while the 7B model is written (GPU init + disk), and are waited for before the
# 7B timings start, so they never share the machine with a measured run; without the 7B stage, at the end.
mt_state=none mt_pid="" mt_t0="" mt_lim=0 mt_have=() mt_missing=()
if wanted model_tests; then mt_state=pending; fi
start_model_tests() {
  mt_state="done"
  mt_t0=$(now); mt_lim=$(stage_timeout 300 30)
  if [ ! -f "$build_dir/CTestTestfile.cmake" ]; then record model_tests skipped 0 "no CTest files in $build_dir"; return; fi
  if [ "$mt_lim" = 0 ]; then budget_skip model_tests; return; fi
  # Only the model tests whose executables exist (a partial --skip-build folder may lack some).
  local all=() t
  mapfile -t all < <(cd "$build_dir" && ctest -N -L model 2>/dev/null | awk '/Test +#[0-9]+:/ {print $3}')
  mt_have=() mt_missing=()
  for t in "${all[@]}"; do if [ -x "$build_dir/tests/$t" ]; then mt_have+=("$t"); else mt_missing+=("$t"); fi; done
  if [ ${#mt_have[@]} = 0 ]; then record model_tests fail "$(since "$mt_t0")" "no model test executables in $build_dir/tests"; return; fi
  local regex
  regex="^($(IFS='|'; echo "${mt_have[*]}"))\$"
  say "model_tests: ${#mt_have[@]} executables, ctest -j$jobs in the background (limit ${mt_lim}s)"
  (cd "$build_dir" && run_logged model_tests "$mt_lim" "${rt[@]}" ctest -L model -R "$regex" -j "$jobs" --timeout "$mt_lim" --output-on-failure; echo $? > "$work/model_tests.rc") &
  mt_pid=$!
  mt_state=running
}
finish_model_tests() {
  [ "$mt_state" = running ] || return 0
  wait "$mt_pid"
  mt_state="done"
  local rc line failed skips figs
  rc=$(cat "$work/model_tests.rc" 2>/dev/null || echo 1)
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$work/logs/model_tests.log" | tail -n 1)
  failed=$(awk '/The following tests FAILED:/ {f=1; next} f && /^[[:space:]]+[0-9]+ - / {print $3}' "$work/logs/model_tests.log" | paste -sd, -)
  skips=$(grep -c '\[  SKIPPED \]' "$work/logs/model_tests.log" || true)
  figs=$("$py" -c 'import json,sys; print(json.dumps({"ran_on":"cpu: the model tests have no device switch","binary_cuda_compiled":sys.argv[6]=="true","summary":sys.argv[1],"failed":[x for x in sys.argv[2].split(",") if x],"not_built":[x for x in sys.argv[3].split() if x],"gtest_skipped_lines":int(sys.argv[4] or 0),"executables":sys.argv[5].split()}))' \
    "$line" "$failed" "${mt_missing[*]:-}" "$skips" "${mt_have[*]}" "$(grep -q '"compiled": true' "$work/cli_version.json" 2>/dev/null && echo true || echo false)")
  if [ "$rc" = 0 ]; then record model_tests pass "$(since "$mt_t0")" "${#mt_missing[@]} not built" "$figs"
  else record model_tests fail "$(since "$mt_t0")" "ctest exit $rc$([ "$rc" = 124 ] && echo ' (out of time)')" "$figs"; fi
}

# ---------------------------------------------------------------- parity
if wanted parity_fp32 || wanted parity_bf16; then
  if [ $have_cli = 0 ]; then skip_cli parity_fp32; skip_cli parity_bf16
  else
    t0=$(now)
    qdir=$models/$qwen
    "${tools[@]}" texts --out "$work/texts.jsonl" --n "$par_n" --max-words "$par_words"
    if ! make_model "$qwen" "$qdir"; then
      record parity_fp32 fail "$(since "$t0")" "could not write the $qwen model (logs/model_$qwen.log)"
      record parity_bf16 fail 0 "could not write the $qwen model"
    else
      emb() {  # emb NAME DEVICE DTYPE BATCH
        run_logged "embed_$1" "$(stage_timeout 120 10)" "${rt[@]}" "$cli" embed --model "$qdir" --input "$work/texts.jsonl" \
          --output "$work/runs/$1.npy" --device "$2" --dtype "$3" --batch-size "$4"
      }
      emb ref_cpu_fp32 cpu float32 8; ref_rc=$?
      if [ $cuda = 1 ]; then fp_dev=$device fp_batch=8 bf_dev=$device; else fp_dev=cpu fp_batch=1 bf_dev=cpu; fi
      t_ref=$(since "$t0")
      for kind in fp32 bf16; do
        wanted "parity_$kind" || continue
        t1=$(now)
        if [ $kind = fp32 ]; then thr=0.9999; emb "test_$kind" "$fp_dev" float32 "$fp_batch"; rc=$?
        else thr=0.999; emb "test_$kind" "$bf_dev" bfloat16 8; rc=$?; fi
        if [ $ref_rc != 0 ] || [ $rc != 0 ]; then
          record "parity_$kind" fail "$(since "$t1")" "embed failed (logs/embed_*.log)"
        else
          res=$("${tools[@]}" parity "$work/runs/ref_cpu_fp32.npy" "$work/runs/test_$kind.npy" --threshold $thr)
          res=$(echo "$res" | "$py" -c "import json,sys; d=json.load(sys.stdin); d.update(model='$qwen', reference='cpu float32 batch 8', test='$( [ $kind = fp32 ] && echo "$fp_dev float32 batch $fp_batch" || echo "$bf_dev bfloat16")', reference_seconds=$t_ref); print(json.dumps(d))")
          if echo "$res" | grep -q '"pass": true'; then record "parity_$kind" pass "$(since "$t1")" "" "$res"
          else record "parity_$kind" fail "$(since "$t1")" "min cosine below $thr" "$res"; fi
        fi
      done
    fi
  fi
fi

# ---------------------------------------------------------------- training runs (synthembed-cli)
# train_run NAME MODEL DATA OUTDIR -- extra args; metrics in runs/NAME.jsonl
train_run() {
  local name=$1 model=$2 data=$3 lim=$4; shift 4
  rm -rf "$work/runs/$name" "$work/runs/$name.jsonl"
  run_logged "$name" "$lim" "${rt[@]}" "$cli" train --model "$model" --data "$data" --output "$work/runs/$name" \
    --metrics "$work/runs/$name.jsonl" --device "$device" --seed 42 --checkpoint-every 0 --lora-rank 16 --lora-alpha 32 "$@"
}

if wanted gradcache_fp32 || wanted gradcache_bf16; then
  kinds=(fp32); [ $cuda = 1 ] && kinds+=(bf16)
  for kind in "${kinds[@]}"; do
    wanted "gradcache_$kind" || continue
    if [ $have_cli = 0 ]; then skip_cli "gradcache_$kind"; continue; fi
    t0=$(now)
    [ -f "$work/gc.jsonl" ] || "${tools[@]}" data --out "$work/gc.jsonl" --n $((gc_b * (gc_steps + 1))) --negatives --seed 3
    lim=$(stage_timeout 150 20)
    if [ "$lim" = 0 ]; then budget_skip "gradcache_$kind"; continue; fi
    if ! make_model "$qwen" "$models/$qwen"; then record "gradcache_$kind" fail "$(since "$t0")" "could not write the model (logs/model_*.log)"; continue; fi
    bfarg=(); [ $kind = fp32 ] && bfarg=(--no-bf16)
    tol=1e-3; [ $cuda = 0 ] && tol=1e-4; [ $kind = bf16 ] && tol=5e-2
    common=(--steps "$gc_steps" --batch-size "$gc_b" --max-length "$gc_len" --lora-dropout 0 --warmup 0 --lr 1e-3 "${bfarg[@]}")
    if train_run "gc_full_$kind" "$models/$qwen" "$work/gc.jsonl" "$lim" "${common[@]}" \
       && train_run "gc_mini_$kind" "$models/$qwen" "$work/gc.jsonl" "$lim" "${common[@]}" --mini-batch "$gc_mb"; then
      res=$("${tools[@]}" gradcache --full "$work/runs/gc_full_$kind.jsonl" --gc "$work/runs/gc_mini_$kind.jsonl" \
            --adapter-full "$work/runs/gc_full_$kind/adapter/adapter_model.safetensors" \
            --adapter-gc "$work/runs/gc_mini_$kind/adapter/adapter_model.safetensors" --tol $tol)
      if echo "$res" | grep -q '"pass": true'; then record "gradcache_$kind" pass "$(since "$t0")" "mini-batch $gc_mb of $gc_b" "$res"
      else record "gradcache_$kind" fail "$(since "$t0")" "GradCache differs from the full batch beyond $tol" "$res"; fi
    else
      record "gradcache_$kind" fail "$(since "$t0")" "train failed (logs/gc_*_$kind.log)"
    fi
  done
fi

# metrics_check NAME METRICS_FILE REQUIRE_FALL EXTRA_JSON: records pass/fail from per-step metrics
metrics_check() {
  local name=$1 file=$2 fall=$3 extra=$4 t0=$5 res fl=()
  [ "$fall" = 1 ] && fl=(--require-fall)
  res=$("${tools[@]}" metrics "$file" --skip 2 "${fl[@]}")
  local rc=$?
  res=$(echo "$res" | "$py" -c "import json,sys; d=json.load(sys.stdin); d.update($extra); print(json.dumps(d))" 2>/dev/null || echo "$res")
  if [ $rc = 0 ]; then record "$name" pass "$(since "$t0")" "" "$res"
  else record "$name" fail "$(since "$t0")" "$([ "$fall" = 1 ] && echo "loss did not fall" || echo "no metrics")" "$res"; fi
}

q_cfg="model='$qwen', batch=$q_b, max_length=$q_len, lora_rank=16, bf16=$([ $cuda = 1 ] && echo True || echo False), negatives=1"
m_cfg="model='$mistral', batch=$m_b, max_length=$m_len, mini_batch=$m_mb, gradient_checkpointing=True, lora_rank=16, bf16=$([ $cuda = 1 ] && echo True || echo False)"
"${tools[@]}" data --out "$work/qwen_train.jsonl" --n $((q_b * q_steps + q_b)) --negatives --seed 5
"${tools[@]}" data --out "$work/mistral_train.jsonl" --n $((m_b * m_steps + m_b)) --query-words "$m_words" --doc-words "$m_words" --seed 6

if wanted train_qwen2_0_5b_lora; then
  t0=$(now); lim=$(stage_timeout 150 20)
  if [ $have_cli = 0 ]; then skip_cli train_qwen2_0_5b_lora
  elif [ "$lim" = 0 ]; then budget_skip train_qwen2_0_5b_lora
  elif ! make_model "$qwen" "$models/$qwen"; then record train_qwen2_0_5b_lora fail "$(since "$t0")" "could not write the model (logs/model_*.log)"
  elif train_run qwen_lora "$models/$qwen" "$work/qwen_train.jsonl" "$lim" --steps "$q_steps" --batch-size "$q_b" \
         --max-length "$q_len" --lr "$q_lr" --warmup "$q_warm"; then
    metrics_check train_qwen2_0_5b_lora "$work/runs/qwen_lora.jsonl" 1 "dict($q_cfg, steps=$q_steps)" "$t0"
  else record train_qwen2_0_5b_lora fail "$(since "$t0")" "train failed (logs/qwen_lora.log)"; fi
fi

if wanted peers_qwen2_0_5b_lora; then
  t0=$(now); lim=$(stage_timeout 150 20)
  if [ "$lim" = 0 ]; then budget_skip peers_qwen2_0_5b_lora
  elif ! make_model "$qwen" "$models/$qwen"; then record peers_qwen2_0_5b_lora fail "$(since "$t0")" "could not write the model (logs/model_*.log)"
  elif run_logged peers_qwen "$lim" "$py" "$root/tests/gpu/peers_st.py" --model "$models/$qwen" --data "$work/qwen_train.jsonl" \
         --metrics "$work/runs/peers_qwen.jsonl" --device "$device" --steps "$q_steps" --batch-size "$q_b" --max-length "$q_len" \
         --lr "$q_lr" --warmup "$q_warm"; then
    metrics_check peers_qwen2_0_5b_lora "$work/runs/peers_qwen.jsonl" 0 "dict($q_cfg, steps=$q_steps, system='sentence-transformers + PEFT')" "$t0"
  else record peers_qwen2_0_5b_lora fail "$(since "$t0")" "peers_st.py failed (logs/peers_qwen.log)"; fi
fi

# The 7B model: written once (bf16, ~14.5 GB), read by both systems; the qwen folder is no longer needed.
if wanted train_mistral_7b_gc || wanted peers_mistral_7b_gc; then
  t0=$(now)
  [ $dry = 0 ] && rm -rf "${models:?}/$qwen"
  [ "$mt_state" = pending ] && start_model_tests
  if make_model "$mistral" "$models/$mistral"; then mistral_ok=1; say "model $mistral written in $(since "$t0") s: $(tail -n 1 "$work/logs/model_$mistral.log")"
  else mistral_ok=0; fi
  mistral_gen_s=$(since "$t0")
  finish_model_tests
fi

if wanted train_mistral_7b_gc; then
  t0=$(now); lim=$(stage_timeout 200 30)
  if [ $have_cli = 0 ]; then skip_cli train_mistral_7b_gc
  elif [ "$lim" = 0 ]; then budget_skip train_mistral_7b_gc
  elif [ "$mistral_ok" = 0 ]; then record train_mistral_7b_gc fail 0 "could not write the $mistral model (logs/model_$mistral.log)"
  # --steps N+1 --stop-after N: stop with a (small, LoRA-only) checkpoint instead of exporting 14 GB of merged weights.
  elif train_run mistral_gc "$models/$mistral" "$work/mistral_train.jsonl" "$lim" --steps $((m_steps + 1)) --stop-after "$m_steps" \
         --batch-size "$m_b" --max-length "$m_len" --mini-batch "$m_mb" --gradient-checkpointing --lr 1e-4 --warmup 2; then
    metrics_check train_mistral_7b_gc "$work/runs/mistral_gc.jsonl" 0 "dict($m_cfg, steps=$m_steps, model_write_s=$mistral_gen_s)" "$t0"
  else record train_mistral_7b_gc fail "$(since "$t0")" "train failed (logs/mistral_gc.log)"; fi
fi

if wanted peers_mistral_7b_gc; then
  t0=$(now); lim=$(stage_timeout 200 30)
  if [ "$lim" = 0 ]; then budget_skip peers_mistral_7b_gc
  elif [ "$mistral_ok" = 0 ]; then record peers_mistral_7b_gc fail 0 "no $mistral model"
  elif run_logged peers_mistral "$lim" "$py" "$root/tests/gpu/peers_st.py" --model "$models/$mistral" \
         --data "$work/mistral_train.jsonl" --metrics "$work/runs/peers_mistral.jsonl" --device "$device" --steps "$m_steps" \
         --batch-size "$m_b" --max-length "$m_len" --mini-batch "$m_mb" --gradient-checkpointing --lr 1e-4 --warmup 2; then
    metrics_check peers_mistral_7b_gc "$work/runs/peers_mistral.jsonl" 0 "dict($m_cfg, steps=$m_steps, system='sentence-transformers + PEFT')" "$t0"
  else record peers_mistral_7b_gc fail "$(since "$t0")" "peers_st.py failed (logs/peers_mistral.log)"; fi
fi
[ $dry = 0 ] && rm -rf "${models:?}/$mistral"

# ---------------------------------------------------------------- model tests, the end
if [ "$mt_state" = pending ]; then start_model_tests; fi
finish_model_tests

# ---------------------------------------------------------------- summary
summary final
(cd "$work" && tar -czf "$out/details.tar.gz" logs runs/*.jsonl facts_*.json cli_version.json 2>/dev/null)
"$py" - "$out/device_check.json" <<'EOF' | tee -a "$log" >&2
import json, sys
d = json.load(open(sys.argv[1]))
print(f"device_check: {d['overall']} in {d['wall_seconds']} s ({d['passed']} passed, {len(d['failed'])} failed, {len(d['skipped'])} skipped)")
for c in d["checks"]:
    f = c["figures"]
    keys = [k for k in ("samples_per_s", "peak_memory_mb", "loss_start_mean", "loss_end_mean", "min_cos", "max_rel_loss_diff", "max_rel_grad_norm_diff", "summary") if k in f]
    print(f"  {c['name']:<24} {c['status']:<7} {c['seconds']:>7.1f}s  " + " ".join(f"{k}={f[k]:.4g}" if isinstance(f[k], float) else f"{k}={f[k]}" for k in keys) + (f"  ({c['reason']})" if c["reason"] else ""))
for k, v in d["ratios"].items():
    print(f"  ratio {k}: synthembed {v['synthembed']:.4g} / peers {v['sentence_transformers_peft']:.4g} = {v['ratio']:.3f}")
EOF
grep -q '"overall": "pass"' "$out/device_check.json"
