"""umap-learn's layout of a float32 matrix, for run_layout_bench.sh.

usage: umap_learn_layout.py X.f32 N D OUT.f32 [SUBSET]

Runs umap.UMAP(n_neighbors=15, min_dist=0.1, metric="euclidean") (the rows are unit vectors, so the
neighbours are those by cosine) with all cores (no random_state, which would force one thread),
after a warm-up fit on 2,000 rows so that numba's compilation is not counted. Writes the 2-D points
as float32 and prints one JSON line: fit seconds, warm-up seconds, and with SUBSET > 0 the
sklearn.manifold.trustworthiness of the first SUBSET rows (the cross-check of the C++ computation).
"""
import json
import sys
import time

import numpy as np


def main():
    path, n, d, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    subset = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    x = np.fromfile(path, dtype=np.float32)
    if x.size != n * d:
        sys.exit(f"error: {path}: {x.size} values, expected {n} x {d}")
    x = x.reshape(n, d)
    t = time.perf_counter()
    import umap  # noqa: E402 (timed with the warm-up)

    umap.UMAP(n_neighbors=15, min_dist=0.1, metric="euclidean", n_jobs=-1).fit_transform(x[:2000])
    warm = time.perf_counter() - t
    t = time.perf_counter()
    y = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="euclidean", n_jobs=-1).fit_transform(x)
    fit = time.perf_counter() - t
    y.astype(np.float32).tofile(out)
    result = {"umap_seconds": fit, "umap_warmup_seconds": warm, "umap_version": umap.__version__}
    if subset > 0:
        from sklearn.manifold import trustworthiness

        result["subset_rows"] = subset
        result["sklearn_subset_trust_umap"] = float(trustworthiness(x[:subset], y[:subset], n_neighbors=10))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
