#!/usr/bin/env python3
"""Writes a Mistral/Llama/Qwen2-shaped checkpoint with random weights, streamed tensor by tensor (a 7B
bf16 file is 14.5 GB: never held in memory), plus config.json and the tokenizer files of a real
tokenizer folder. Standard library + numpy only (no torch needed).

  make_checkpoint.py OUT_DIR --shape mistral-7b|qwen2-1.5b|llama-wide [--layers N] [--dtype bf16|f32] --tokenizer DIR

llama-wide is stories260K's vocabulary (its tokenizer) under a 512-wide, 4-layer Llama: the LoRA
benchmark's second model, where rank 16 is 1/32 of the width (in stories260K, 64 wide, it is 1/4).
"""
import argparse, json, os, shutil, struct, sys
import numpy as np

SHAPES = {
    # model_type, vocab, hidden, intermediate, layers, heads, kv heads, rope theta, extra
    "mistral-7b": dict(model_type="mistral", vocab_size=32000, hidden_size=4096, intermediate_size=14336,
                       num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8, rope_theta=10000.0,
                       sliding_window=4096, rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=1,
                       eos_token_id=2),
    "qwen2-1.5b": dict(model_type="qwen2", vocab_size=151936, hidden_size=1536, intermediate_size=8960,
                       num_hidden_layers=28, num_attention_heads=12, num_key_value_heads=2, rope_theta=1000000.0,
                       rms_norm_eps=1e-6, tie_word_embeddings=True, use_sliding_window=False,
                       bos_token_id=151643, eos_token_id=151643),
    "llama-wide": dict(model_type="llama", vocab_size=512, hidden_size=512, intermediate_size=1376,
                       num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=4, rope_theta=10000.0,
                       rms_norm_eps=1e-5, tie_word_embeddings=True, bos_token_id=1, eos_token_id=2),
}


def tensors(c):
    H, I, V = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    nH, nKv = c["num_attention_heads"], c["num_key_value_heads"]
    D = H // nH
    qwen = c["model_type"] == "qwen2"
    yield "model.embed_tokens.weight", (V, H)
    for l in range(c["num_hidden_layers"]):
        p = f"model.layers.{l}."
        yield p + "self_attn.q_proj.weight", (nH * D, H)
        yield p + "self_attn.k_proj.weight", (nKv * D, H)
        yield p + "self_attn.v_proj.weight", (nKv * D, H)
        if qwen:
            yield p + "self_attn.q_proj.bias", (nH * D,)
            yield p + "self_attn.k_proj.bias", (nKv * D,)
            yield p + "self_attn.v_proj.bias", (nKv * D,)
        yield p + "self_attn.o_proj.weight", (H, nH * D)
        yield p + "mlp.gate_proj.weight", (I, H)
        yield p + "mlp.up_proj.weight", (I, H)
        yield p + "mlp.down_proj.weight", (H, I)
        yield p + "input_layernorm.weight", (H,)
        yield p + "post_attention_layernorm.weight", (H,)
    yield "model.norm.weight", (H,)
    if not c["tie_word_embeddings"]:
        yield "lm_head.weight", (V, H)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--shape", default="mistral-7b", choices=sorted(SHAPES))
    ap.add_argument("--layers", type=int)
    ap.add_argument("--dtype", default="bf16", choices=["bf16", "f32"])
    ap.add_argument("--tokenizer", required=True)
    a = ap.parse_args()
    c = dict(SHAPES[a.shape])
    if a.layers:
        c["num_hidden_layers"] = a.layers
    c.update(hidden_act="silu", max_position_embeddings=32768,
             torch_dtype="bfloat16" if a.dtype == "bf16" else "float32")
    os.makedirs(a.out, exist_ok=True)
    esize = 2 if a.dtype == "bf16" else 4
    header, off = {}, 0
    items = list(tensors(c))
    for name, shape in items:
        n = int(np.prod(shape)) * esize
        header[name] = {"dtype": "BF16" if a.dtype == "bf16" else "F32", "shape": list(shape),
                        "data_offsets": [off, off + n]}
        off += n
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * (-len(hb) % 8)
    rng = np.random.default_rng(0)
    path = os.path.join(a.out, "model.safetensors")
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for name, shape in items:
            n = int(np.prod(shape))
            if name.endswith("norm.weight"):
                x = np.ones(n, dtype=np.float32)
            else:
                # N(0, 0.02) in chunks of 16M values
                done = 0
                while done < n:
                    k = min(n - done, 1 << 24)
                    x = rng.standard_normal(k, dtype=np.float32) * 0.02
                    f.write((x.view(np.uint32) >> 16).astype(np.uint16).tobytes() if a.dtype == "bf16" else x.tobytes())
                    done += k
                continue
            f.write((x.view(np.uint32) >> 16).astype(np.uint16).tobytes() if a.dtype == "bf16" else x.tobytes())
    os.replace(tmp, path)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(c, f, indent=2)
    for fn in ("tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json"):
        src = os.path.join(a.tokenizer, fn)
        if os.path.exists(src):
            shutil.copy(src, os.path.join(a.out, fn))
    print(f"{path}: {off / 1e9:.2f} GB of weights ({sum(int(np.prod(s)) for _, s in items) / 1e9:.2f} B parameters)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
