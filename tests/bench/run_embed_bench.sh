#!/usr/bin/env bash
# Embedding throughput against batch size, one command: texts/s at batch 8, 32 and 256 on the
# banking77 texts (test split, then train) with stories260K, all in one process, plus wall and CPU
# seconds, real tokens/s and peak memory. Time per token must not rise with the batch size.
#
#   tests/bench/run_embed_bench.sh [--build DIR] [bench_embed options: --texts N --batch 8,32,256
#                                   --max-length L --reps R --threads T --model DIR --data DIR]
#
# Needs the bench_embed target (cmake --build build/dev --target bench_embed) and the shared test
# material (SYNTHEMBED_SHARED, default ../shared). On a shared 2-core machine the wall times are
# noisy: compare rows of one run, and cpu_s beside wall_s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build/dev"
if [ "${1:-}" = "--build" ]; then build=$2; shift 2; fi
bin="$build/tests/bench/bench_embed"
[ -x "$bin" ] || { echo "build first: cmake --build $build --target bench_embed" >&2; exit 1; }
export SYNTHEMBED_SHARED="${SYNTHEMBED_SHARED:-$root/../shared}"
[ -d "$SYNTHEMBED_SHARED/data/banking77" ] || { echo "banking77 not found under $SYNTHEMBED_SHARED/data (set SYNTHEMBED_SHARED)" >&2; exit 1; }
echo "== embed throughput (threads: $(nproc); load: $(cut -d' ' -f1 /proc/loadavg))"
"$bin" --texts 3000 "$@" | while IFS= read -r line; do
  case "$line" in
    '{'*) python3 -c '
import json, sys
j = json.loads(sys.argv[1])
print("batch {batch:>4}: {texts_per_s:7.0f} texts/s  {tokens_per_s:8.0f} tokens/s  wall {wall_s:.2f} s  "
      "cpu {cpu_s:.2f} s  peak {peak_rss_mb} MB  ({texts} texts, {tokens} tokens)".format(**j))
' "$line" ;;
    *) echo "$line" ;;
  esac
done
