#!/usr/bin/env python3
"""The peer of the large-model benchmark: a plain PyTorch forward of a Llama/Mistral/Qwen2 folder, the
~40-line script a user would write (tokenizers for the text, weights viewed in place from a
copy-on-write mapping of model.safetensors, last-token pooling), whole process timed by the caller.
Prints one JSON line with its peak memory (VmHWM) and its own load/forward split.

  peer_forward.py MODEL_DIR TEXTS.jsonl --dtype bf16|f32 [--max-length 128]
"""
import argparse, json, mmap, struct, time
t0 = time.time()
import torch
from tokenizers import Tokenizer

ap = argparse.ArgumentParser()
ap.add_argument("model"); ap.add_argument("texts")
ap.add_argument("--dtype", default="bf16"); ap.add_argument("--max-length", type=int, default=128)
a = ap.parse_args()
dt = torch.bfloat16 if a.dtype == "bf16" else torch.float32
c = json.load(open(f"{a.model}/config.json"))
f = open(f"{a.model}/model.safetensors", "rb")
mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
n = struct.unpack("<Q", mm[:8])[0]
hdr = json.loads(mm[8:8 + n])
DT = {"BF16": torch.bfloat16, "F32": torch.float32, "F16": torch.float16}
W = {}
for k, v in hdr.items():
    if k == "__metadata__": continue
    b, e = v["data_offsets"]; t = DT[v["dtype"]]
    x = torch.frombuffer(mm, dtype=t, count=(e - b) // t.itemsize, offset=8 + n + b).view(v["shape"])
    W[k.removeprefix("model.")] = x if t == dt else x.to(dt)
t_load = time.time()
tok = Tokenizer.from_file(f"{a.model}/tokenizer.json")
texts = [json.loads(l)["text"] for l in open(a.texts) if l.strip()]
# EOS as e5-mistral appends it: the tokenizer's eos_token (tokenizer_config.json), else config.json's
eos = c["eos_token_id"]
try:
    t = json.load(open(f"{a.model}/tokenizer_config.json")).get("eos_token")
    t = t.get("content") if isinstance(t, dict) else t
    if t and tok.token_to_id(t) is not None: eos = tok.token_to_id(t)
except FileNotFoundError:
    pass
ids = [tok.encode(s).ids[: a.max_length - 1] + [eos] for s in texts]
H, nH, nKv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]; D = H // nH
L = max(map(len, ids)); B = len(ids)
inp = torch.tensor([[0] * (L - len(s)) + s for s in ids])             # left padding
mask = torch.tensor([[0] * (L - len(s)) + [1] * len(s) for s in ids]).bool()
pos = (mask.long().cumsum(-1) - 1).clamp(min=0)
inv = 1.0 / c.get("rope_theta", 1e4) ** (torch.arange(0, D, 2).float() / D)
ang = pos[..., None].float() * inv; cos, sin = ang.cos().to(dt)[:, None], ang.sin().to(dt)[:, None]
def rope(x): x1, x2 = x[..., : D // 2], x[..., D // 2:]; return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)
def rms(x, w): xf = x.float(); return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + c["rms_norm_eps"])).to(dt) * w
def lin(x, p): y = x @ W[p + ".weight"].T; return y + W[p + ".bias"] if p + ".bias" in W else y
causal = torch.ones(L, L, dtype=torch.bool).tril() & mask[:, None, None, :]
with torch.inference_mode():
    h = W["embed_tokens.weight"][inp]
    for l in range(c["num_hidden_layers"]):
        p = f"layers.{l}."; x = rms(h, W[p + "input_layernorm.weight"])
        q = rope(lin(x, p + "self_attn.q_proj").view(B, L, nH, D).transpose(1, 2))
        k = rope(lin(x, p + "self_attn.k_proj").view(B, L, nKv, D).transpose(1, 2)).repeat_interleave(nH // nKv, 1)
        v = lin(x, p + "self_attn.v_proj").view(B, L, nKv, D).transpose(1, 2).repeat_interleave(nH // nKv, 1)
        o = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=causal)
        h = h + lin(o.transpose(1, 2).reshape(B, L, H), p + "self_attn.o_proj")
        x = rms(h, W[p + "post_attention_layernorm.weight"])
        h = h + lin(torch.nn.functional.silu(lin(x, p + "mlp.gate_proj")) * lin(x, p + "mlp.up_proj"), p + "mlp.down_proj")
    emb = torch.nn.functional.normalize(rms(h, W["norm.weight"])[:, -1].float(), dim=-1)
t_end = time.time()
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps({"peer": f"pytorch {torch.__version__}", "texts": B, "tokens": int(mask.sum()), "load_s": round(t_load - t0, 2),
                  "forward_s": round(t_end - t_load, 2), "peak_mb": round(hwm), "threads": torch.get_num_threads(),
                  "emb0": emb[0, :4].tolist()}))
