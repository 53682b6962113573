#!/usr/bin/env python3
"""The sentence-transformers peer of tests/bench/run_encode_bench.sh (issue 17).

  peer_encode.py make DIR TOKENIZER_DIR
      writes a MiniLM-shaped BERT (6 layers, 384 hidden, 12 heads, 1536 intermediate, bert-base-uncased
      vocabulary) with random weights in sentence-transformers' layout: Transformer + Pooling(mean) +
      Normalize, saved by model.save(DIR)
  peer_encode.py encode DIR TEXTS.jsonl OUT.npy BATCH
      SentenceTransformer(DIR, device="cpu").encode(texts, batch_size=BATCH), PyTorch's default
      threading, twice (the first call also pays PyTorch's one-off set-up per batch shape); writes the
      embeddings and prints one JSON line: import and load seconds, each encode call's seconds and
      encode_s, the better of the two
"""
import json
import os
import sys
import time

t_start = time.perf_counter()


def make(d, tokdir):
    import shutil
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer, models
    torch.manual_seed(0)
    cfg = transformers.BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                                  intermediate_size=1536, max_position_embeddings=512, type_vocab_size=2)
    tmp = d + ".partial"
    base = tmp + "-base"
    shutil.rmtree(base, ignore_errors=True)
    transformers.BertModel(cfg, add_pooling_layer=False).save_pretrained(base, safe_serialization=True)
    for name in os.listdir(tokdir):
        shutil.copy(os.path.join(tokdir, name), base)
    t = models.Transformer(base, max_seq_length=512)
    p = models.Pooling(t.get_embedding_dimension(), pooling_mode="mean")
    SentenceTransformer(modules=[t, p, models.Normalize()], device="cpu").save(tmp)
    shutil.rmtree(base)
    os.replace(tmp, d)


def encode(d, texts_path, out, batch):
    import numpy as np
    import torch
    import sentence_transformers
    from sentence_transformers import SentenceTransformer
    t_import = time.perf_counter()
    texts = [json.loads(line)["text"] for line in open(texts_path, encoding="utf-8") if line.strip()]
    model = SentenceTransformer(d, device="cpu")
    t_load = time.perf_counter()
    emb = model.encode(texts, batch_size=batch, convert_to_numpy=True)
    t_first = time.perf_counter()
    # A second call over the same texts: PyTorch's first pass also pays its one-off kernel set-up per
    # batch shape; the benchmark compares with the better of the two.
    emb = model.encode(texts, batch_size=batch, convert_to_numpy=True)
    t_enc = time.perf_counter()
    first_s, second_s = t_first - t_load, t_enc - t_first
    np.save(out, emb.astype(np.float32))
    print(json.dumps({"impl": f"sentence-transformers {sentence_transformers.__version__} on pytorch {torch.__version__}",
                      "texts": len(texts), "batch": batch, "threads": torch.get_num_threads(),
                      "modules": [type(m).__name__ for m in model], "max_seq_length": model.max_seq_length,
                      "import_s": round(t_import - t_start, 3), "load_s": round(t_load - t_import, 3),
                      "encode_first_s": round(first_s, 3), "encode_second_s": round(second_s, 3),
                      "encode_s": round(min(first_s, second_s), 3),
                      "texts_per_s_encode": round(len(texts) / min(first_s, second_s), 1)}))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "encode":
        encode(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
