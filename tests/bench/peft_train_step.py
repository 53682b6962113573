"""Peer of `bench_train lora` (tests/bench/bench_train.cpp): full fine-tuning and PEFT LoRA steps of
the same model folder on PyTorch 2.x + transformers + PEFT, interleaved full/LoRA as there.

    python peft_train_step.py MODEL_DIR STSB_DIR [REPS] [RANK] [DROPOUT]

Same work per step as synthembed's trainer: STS-B train pairs with score >= 4 in file order, 64
per step; queries and positives encoded in two forwards, each padded on the right to its longest
sequence (BOS + text + EOS, at most 128 tokens); last-token pooling, L2 normalisation, InfoNCE
with in-batch negatives at tau 0.02; gradient clipping at 1; AdamW lr 1e-4, weight decay 0.1.
LoRA: rank RANK (16), alpha 2 x rank, dropout DROPOUT (0.05) on every linear layer, as the CLI's
defaults. PyTorch's default threading. Prints one JSON line: median s/step and user/system CPU
seconds per step of each arm.
"""
import csv
import json
import os
import resource
import statistics
import sys
import time

import peft
import torch
import transformers
from transformers import AutoModel, AutoTokenizer

model_dir, stsb_dir = sys.argv[1], sys.argv[2]
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 10
rank = int(sys.argv[4]) if len(sys.argv) > 4 else 16
dropout = float(sys.argv[5]) if len(sys.argv) > 5 else 0.05
B, MAX_LEN, TAU = 64, 128, 0.02

with open(os.path.join(stsb_dir, "stsb-en-train.csv"), newline="", encoding="utf-8") as f:
    pairs = [(r[0], r[1]) for r in csv.reader(f) if len(r) >= 3 and float(r[2]) >= 4.0]
n_batches = len(pairs) // B

tok = AutoTokenizer.from_pretrained(model_dir)
eos = tok.eos_token_id if tok.eos_token_id is not None else 2


def encode_ids(texts):
    seqs = []
    for t in texts:
        ids = tok(t, add_special_tokens=True)["input_ids"][: MAX_LEN - 1] + [eos]
        seqs.append(ids)
    n = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), n, dtype=torch.long)
    mask = torch.zeros(len(seqs), n, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def pooled(model, ids, mask):
    h = model(input_ids=ids, attention_mask=mask).last_hidden_state
    last = mask.sum(1) - 1
    e = h[torch.arange(h.size(0)), last]
    return torch.nn.functional.normalize(e, dim=-1)


def make_arm(use_lora):
    torch.manual_seed(0)
    model = AutoModel.from_pretrained(model_dir, dtype=torch.float32)
    if use_lora:
        targets = sorted({n.split(".")[-1] for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)})
        cfg = peft.LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=dropout, target_modules=targets)
        model = peft.get_peft_model(model, cfg)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.1)
    return {"name": "lora" if use_lora else "full", "model": model, "params": params, "opt": opt,
            "trainable": sum(p.numel() for p in params), "seconds": [], "user": 0.0, "sys": 0.0}


batches = {}


def batch(i):
    i %= n_batches
    if i not in batches:
        chunk = pairs[i * B:(i + 1) * B]
        batches[i] = (encode_ids([q for q, _ in chunk]), encode_ids([d for _, d in chunk]))
    return batches[i]


def step(arm, i):
    (qi, qm), (di, dm) = batch(i)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    arm["opt"].zero_grad(set_to_none=False)
    q = pooled(arm["model"], qi, qm)
    d = pooled(arm["model"], di, dm)
    loss = torch.nn.functional.cross_entropy(q @ d.t() / TAU, torch.arange(q.size(0)))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(arm["params"], 1.0)
    arm["opt"].step()
    dt = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return dt, r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime


arms = [make_arm(False), make_arm(True)]
cursor = 0
for _ in range(2):
    for a in arms:
        batch(cursor)  # tokenisation outside the timed step, as synthembed's token cache
        step(a, cursor)
    cursor += 1
for _ in range(reps):
    batch(cursor)
    for a in arms:
        dt, u, s = step(a, cursor)
        a["seconds"].append(dt)
        a["user"] += u
        a["sys"] += s
    cursor += 1

out = {"impl": "pytorch+peft", "torch": torch.__version__, "transformers": transformers.__version__,
       "peft": peft.__version__, "threads": torch.get_num_threads(), "model": os.path.basename(model_dir.rstrip("/")),
       "B": B, "max_length": MAX_LEN, "lora_rank": rank, "lora_dropout": dropout}
for a in arms:
    out[a["name"]] = {"median_s": statistics.median(a["seconds"]), "min_s": min(a["seconds"]),
                      "user_s_per_step": a["user"] / reps, "sys_s_per_step": a["sys"] / reps,
                      "trainable_params": a["trainable"], "times_s": a["seconds"]}
out["lora_over_full"] = out["lora"]["median_s"] / out["full"]["median_s"]
print(json.dumps(out))
