#!/usr/bin/env python3
"""The PyPI `tokenizers` peer of tests/bench/run_tok_bench.sh (issue 17; was the npm package, driven by
../shared/anchors/tok_bench.js, with the same measure): full encodings of a JSONL corpus
({"title", "text"} per line, title + " " + text), no truncation or padding, encode_batch over the
whole corpus, one thread (the caller sets RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false).
One warm-up pass, then RUNS timed; prints one JSON line (median tokens/s, CPU over wall).

  peer_tok.py TOKENIZER.json CORPUS.jsonl [RUNS]
"""
import json, os, statistics, sys, time
import tokenizers
from tokenizers import Tokenizer

tok_path, corpus = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
texts = []
for line in open(corpus, encoding="utf-8"):
    if line.strip():
        o = json.loads(line)
        texts.append(o["title"] + " " + o["text"])
nbytes = sum(len(t.encode("utf-8")) for t in texts)
tok = Tokenizer.from_file(tok_path)
tok.no_truncation()
tok.no_padding()


def once():
    c0, t0 = time.process_time(), time.perf_counter()
    n = sum(len(e) for e in tok.encode_batch(texts))
    return time.perf_counter() - t0, n, time.process_time() - c0


w = once()
rs = [once() for _ in range(runs)]
med = statistics.median(r[0] for r in rs)
r = min(rs, key=lambda x: abs(x[0] - med))
print(json.dumps({"impl": f"tokenizers {tokenizers.__version__} (PyPI)", "tokenizer": os.path.basename(os.path.dirname(tok_path)),
                  "docs": len(texts), "MB": nbytes / 1e6, "tokens": r[1], "median_s": round(med, 4),
                  "all_s": [round(x[0], 4) for x in rs], "tok_per_s": round(r[1] / med), "cpu_over_wall": round(r[2] / r[0], 2),
                  "first_pass_s": round(w[0], 4), "env": {k: os.environ.get(k) for k in ("RAYON_NUM_THREADS", "TOKENIZERS_PARALLELISM")}}))
