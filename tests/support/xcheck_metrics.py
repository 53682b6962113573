#!/usr/bin/env python3
"""Independent reference for synthembed's evaluation metrics (scipy / scikit-learn).

Usage: xcheck_metrics.py INPUT.json -> prints a JSON object of metric values.
INPUT keys (all optional):
  sts:        {"values": [...], "gold": [...]}                 -> scipy spearmanr
  sts_emb:    {"emb": "file.f32", "dim": D, "gold": [...]}    -> cosine of row pairs (2i, 2i+1) in float64 (exactly 1
              for equal rows, as mteb's 1 - paired_cosine_distances gives), then spearmanr
  vmeasure:   {"pred": [...], "gold": [...]}                   -> sklearn v_measure_score
  ap:         {"values": [...], "gold": [...]}                 -> sklearn average_precision_score
  ndcg:       {"scores": "file.f32", "queries": [...], "docs": [...], "qrels": {q: {d: rel}}}
              -> mean over queries of sklearn ndcg_score(k=10), documents equal to the query id excluded (BEIR)
"""
import json, sys
import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import average_precision_score, ndcg_score, v_measure_score

spec = json.load(open(sys.argv[1]))
out = {}
if "sts" in spec:
    out["sts_spearman"] = float(spearmanr(spec["sts"]["values"], spec["sts"]["gold"]).correlation)
if "sts_emb" in spec:
    s = spec["sts_emb"]
    e = np.fromfile(s["emb"], dtype=np.float32).reshape(-1, s["dim"]).astype(np.float64)
    a, b = e[0::2], e[1::2]
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    cos[(a == b).all(1)] = 1.0
    out["sts_emb_spearman"] = float(spearmanr(cos, s["gold"]).correlation)
if "vmeasure" in spec:
    out["v_measure"] = float(v_measure_score(spec["vmeasure"]["gold"], spec["vmeasure"]["pred"]))
if "ap" in spec:
    out["ap"] = float(average_precision_score(spec["ap"]["gold"], spec["ap"]["values"]))
if "ndcg" in spec:
    n = spec["ndcg"]
    docs, queries = n["docs"], n["queries"]
    scores = np.fromfile(n["scores"], dtype=np.float32).reshape(len(queries), len(docs)).astype(np.float64)
    col = {d: i for i, d in enumerate(docs)}
    vals = []
    for qi, q in enumerate(queries):
        y = np.zeros(len(docs))
        for d, rel in n["qrels"][q].items():
            if d in col:
                y[col[d]] = rel
        s = scores[qi].copy()
        if q in col:  # BEIR ignores a hit whose id equals the query id
            s[col[q]] = -np.inf
            y[col[q]] = 0
        s[np.isinf(s)] = -1e9
        vals.append(ndcg_score(y[None, :], s[None, :], k=10))
    out["ndcg_at_10"] = float(np.mean(vals))
print(json.dumps(out))
