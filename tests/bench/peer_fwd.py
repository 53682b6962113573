#!/usr/bin/env python3
"""The PyTorch 2.x peer of tests/bench/run_fwd_bench.sh (issue 17): Hugging Face transformers'
own model code on the same model folder as synthembed, PyTorch's default threading.

  peer_fwd.py make DIR bert|qwen2
      writes a BERT-base (12 x 768) or Qwen2-0.5B-shaped (24 x 896, GQA 14/2) model with random
      weights to DIR with transformers' save_pretrained (config.json + model.safetensors)
  peer_fwd.py run DIR B S REPS
      AutoModel.from_pretrained(DIR) (fp32, eval, inference mode), random ids [B, S], all-ones
      mask; one warm-up forward, then REPS timed; prints one JSON line (median, tokens/s)
"""
import json
import os
import statistics
import sys
import time

import torch


def make(d, which):
    import transformers
    torch.manual_seed(0)
    if which == "bert":
        cfg = transformers.BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12,
                                      num_attention_heads=12, intermediate_size=3072,
                                      max_position_embeddings=512, type_vocab_size=2,
                                      layer_norm_eps=1e-12, hidden_act="gelu")
        model = transformers.BertModel(cfg, add_pooling_layer=False)
    elif which == "qwen2":
        cfg = transformers.Qwen2Config(vocab_size=151936, hidden_size=896, num_hidden_layers=24,
                                       num_attention_heads=14, num_key_value_heads=2,
                                       intermediate_size=4864, max_position_embeddings=32768,
                                       rms_norm_eps=1e-6, rope_theta=1000000.0,
                                       tie_word_embeddings=True, hidden_act="silu")
        model = transformers.Qwen2Model(cfg)
    else:
        sys.exit(f"peer_fwd.py: unknown shape {which} (bert or qwen2)")
    tmp = d + ".partial"
    model.save_pretrained(tmp, safe_serialization=True)
    os.replace(tmp, d)


def run(d, B, S, reps):
    from transformers import AutoModel
    t0 = time.perf_counter()
    cfg = json.load(open(os.path.join(d, "config.json")))
    # BERT as saved by `make` has no pooler (synthembed has none either): do not build a random one.
    kw = {"add_pooling_layer": False} if cfg.get("model_type") == "bert" else {}
    model = AutoModel.from_pretrained(d, dtype=torch.float32, **kw).eval()
    load_s = time.perf_counter() - t0
    vocab = model.config.vocab_size
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, vocab, (B, S), generator=g)
    mask = torch.ones(B, S, dtype=torch.long)
    # PyTorch's own 2048^2 matmul rate in this process (bench_fwd prints synthembed's beside it).
    a, b, c = torch.randn(2048, 2048), torch.randn(2048, 2048), torch.empty(2048, 2048)
    mts = []
    for i in range(12):
        t = time.perf_counter()
        torch.mm(a, b, out=c)
        if i >= 2:
            mts.append(time.perf_counter() - t)
    mm2048 = 2.0 * 2048 ** 3 / statistics.median(mts) / 1e9
    ts = []
    with torch.inference_mode():
        model(input_ids=ids, attention_mask=mask)  # warm-up
        for _ in range(reps):
            t = time.perf_counter()
            h = model(input_ids=ids, attention_mask=mask).last_hidden_state
            ts.append(time.perf_counter() - t)
    import transformers
    med = statistics.median(ts)
    print(json.dumps({"impl": f"pytorch {torch.__version__} + transformers {transformers.__version__}",
                      "model_type": model.config.model_type, "attn": getattr(model.config, "_attn_implementation", None),
                      "B": B, "S": S, "threads": torch.get_num_threads(), "load_s": round(load_s, 2),
                      "times_s": [round(t, 4) for t in ts], "median_s": round(med, 4), "tok_per_s": B * S / med,
                      "mm2048_gflops": round(mm2048, 1), "hidden": list(h.shape), "loadavg_end": os.getloadavg()[0]}))


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "run":
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
