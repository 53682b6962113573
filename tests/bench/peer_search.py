#!/usr/bin/env python3
"""The PyPI peers of tests/bench/run_search_bench.sh (issue 17): exact top-K inner-product search
over N x D normalised float32 rows with NQ queries, faiss-cpu IndexFlatIP and torch.mm + topk
(chunked over the base), each with its library's default threading. Prints one JSON line.

  peer_search.py [--n 1000000] [--dim 384] [--queries 1000] [--k 10] [--reps 3] [--data gauss|clustered]

Data: the distribution of tests/bench/bench_search.cpp (Gaussian rows, or 1000 Gaussian centres
plus noise of norm 0.7, normalised); the same distribution, not the same numbers.
"""
import argparse, json, os, statistics, time
import numpy as np
import torch

ap = argparse.ArgumentParser()
ap.add_argument("--n", type=int, default=1_000_000); ap.add_argument("--dim", type=int, default=384)
ap.add_argument("--queries", type=int, default=1000); ap.add_argument("--k", type=int, default=10)
ap.add_argument("--reps", type=int, default=3); ap.add_argument("--data", default="gauss", choices=["gauss", "clustered"])
a = ap.parse_args()
N, D, NQ, K = a.n, a.dim, a.queries, a.k
rng = np.random.default_rng(0)


def rows(n):
    m = rng.standard_normal((n, D), dtype=np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return m


t0 = time.perf_counter()
if a.data == "gauss":
    X = rows(N)
else:
    C = rows(1000)
    X = C[rng.integers(0, 1000, N)] + 0.7 * rows(N)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
Q = rows(NQ)
gen_s = time.perf_counter() - t0
Xt, Qt = torch.from_numpy(X), torch.from_numpy(Q)


def torch_search(chunk):
    best_v = best_i = None
    for s in range(0, N, chunk):
        v, i = torch.topk(torch.mm(Qt, Xt[s:s + chunk].T), K, dim=1)
        i += s
        if best_v is None:
            best_v, best_i = v, i
        else:
            best_v, j = torch.topk(torch.cat([best_v, v], 1), K, dim=1)
            best_i = torch.gather(torch.cat([best_i, i], 1), 1, j)
    return best_v, best_i


def timed(fn):
    r = fn()  # warm-up
    ts = []
    for _ in range(a.reps):
        t = time.perf_counter(); r = fn(); ts.append(time.perf_counter() - t)
    med = statistics.median(ts)
    return r, {"times_s": [round(t, 3) for t in ts], "median_s": round(med, 4), "qps": round(NQ / med, 1),
               "gflops": round(2 * NQ * N * D / med / 1e9, 1)}


import faiss
out = {"torch": torch.__version__, "torch_threads": torch.get_num_threads(), "faiss": faiss.__version__,
       "faiss_omp_threads": faiss.omp_get_max_threads(), "n": N, "dim": D, "queries": NQ, "k": K, "data": a.data,
       "gen_s": round(gen_s, 2), "loadavg_start": os.getloadavg()[0]}
idx = faiss.IndexFlatIP(D)
idx.add(X)
(fv, fi), out["faiss_IndexFlatIP"] = timed(lambda: idx.search(Q, K))
for chunk in (16384, 65536):
    (tv, ti), out[f"torch_mm_topk_chunk{chunk}"] = timed(lambda: torch_search(chunk))
out["id_agreement_faiss_torch"] = float((np.sort(fi, 1) == np.sort(ti.numpy(), 1)).mean())
out["loadavg_end"] = os.getloadavg()[0]
print(json.dumps(out))
