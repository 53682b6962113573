#!/usr/bin/env bash
# The Explorer's UMAP-style layout (core/search/layout) beside umap-learn 0.5 (PyPI, in the peers
# venv of tests/peers/setup.sh) on the same points: clustered 384-d data written by bench_layout
# (a two-level Gaussian mixture, rows normalised). Prints both times, trustworthiness@10 of both
# (and of PCA) computed by the same C++ code with exact neighbours over every row, and the ratios;
# then cross-checks that C++ trustworthiness against sklearn.manifold.trustworthiness on a subset.
#
# usage: tests/bench/run_layout_bench.sh [BUILD_DIR=build/dev] [N=100000] [D=384]
#   TRUST_SAMPLE=Q (default 20000; 0 = every row): trustworthiness averaged over Q rows drawn at
#   random, each still ranked exactly among all N rows (every row of 100k takes about 10 minutes).
# needs: cmake --build BUILD_DIR --target bench_layout; tests/peers/setup.sh (umap-learn)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build/dev}"
n="${2:-100000}"
d="${3:-384}"
subset=3000
trust_sample="${TRUST_SAMPLE:-20000}"
bench="$build/tests/bench/bench_layout"
[[ -x "$bench" ]] || { echo "error: $bench not built (cmake --build $build --target bench_layout)" >&2; exit 1; }
py="${PEERS_PYTHON:-$("$root/tests/peers/setup.sh" 2>/dev/null | tail -n 1)}"
[[ -x "$py" ]] || { echo "error: no peers python (run tests/peers/setup.sh, or set PEERS_PYTHON)" >&2; exit 1; }
"$py" -c "import umap" 2>/dev/null || { echo "error: umap-learn is not installed in $py (tests/peers/setup.sh)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) cores: $(nproc)  n=$n d=$d"
"$bench" data --out "$work/x.f32" --n "$n" --d "$d" --seed 1
umap_json=$("$py" "$here/umap_learn_layout.py" "$work/x.f32" "$n" "$d" "$work/umap.f32" "$subset")
ours_json=$("$bench" run --data "$work/x.f32" --n "$n" --d "$d" --umap "$work/umap.f32" --k 10 --subset-check "$subset" --trust-sample "$trust_sample")
python3 - "$umap_json" "$ours_json" <<'PY'
import json, sys
u, o = json.loads(sys.argv[1]), json.loads(sys.argv[2])
s = o["ours_stages"]
print(f"umap-learn {u['umap_version']}: {u['umap_seconds']:.1f} s (plus {u['umap_warmup_seconds']:.1f} s warm-up/numba compile, not counted)")
print(f"synthembed: {o['ours_seconds']:.1f} s (neighbours {s['knn']:.1f} s {s['knn_method']}, graph {s['graph']:.1f} s, "
      f"PCA start {s['init']:.1f} s, SGD {s['optimize']:.1f} s; {s['edges']:,} edges; {o['threads']} threads)")
print(f"trustworthiness@{o['k']} (exact, {o['trust_queries']:,} of {o['n']:,} rows, {o['trust_seconds']:.0f} s): "
      f"synthembed {o['trust_ours']:.4f}  umap-learn {o['trust_umap']:.4f}  PCA {o['trust_pca']:.4f}")
print(f"ratio synthembed/umap-learn: time {o['ours_seconds'] / u['umap_seconds']:.2f}x  "
      f"trustworthiness {o['trust_ours'] / o['trust_umap']:.3f}x")
print(f"goal (issue 18): time <= 60 s: {'yes' if o['ours_seconds'] <= 60 else 'NO'}; "
      f"trustworthiness >= 0.9x umap-learn: {'yes' if o['trust_ours'] >= 0.9 * o['trust_umap'] else 'NO'}")
print(f"cross-check on the first {o['subset_rows']:,} rows, umap-learn's points: C++ trustworthiness "
      f"{o['subset_trust_umap']:.6f}, sklearn {u['sklearn_subset_trust_umap']:.6f}")
PY
