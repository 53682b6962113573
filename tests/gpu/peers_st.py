#!/usr/bin/env python3
"""The peer of synthembed's `train` in tests/gpu/device_check.sh: the same contrastive LoRA fine-tune with
sentence-transformers + PEFT on the same machine, so that samples/s and peak memory are compared in one run.

Same configuration as the CLI: last-token pooling, InfoNCE over in-batch (and hard) negatives with temperature
0.02 (sentence-transformers' scale 50), LoRA on every linear projection (q,k,v,o,gate,up,down) with rank/alpha/
dropout as given, AdamW (weight decay 0.1) with linear warm-up and decay, gradient clipping at 1.0, optional
gradient checkpointing, and GradCache through CachedMultipleNegativesRankingLoss(mini_batch_size). On CUDA the
base weights are bf16 (what a PEFT user loads) and the forward runs under bf16 autocast; on the CPU both are fp32.
Writes one JSON line per step (loss, samples_per_s, tokens_per_s, memory_mb = peak allocated in the step on CUDA,
resident maximum on the CPU), like synthembed-cli train --metrics."""

import argparse
import inspect
import json
import math
import random
import resource
import sys
import time
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)


def build_model(path, max_len, dtype, device, args):
    import torch
    from peft import LoraConfig, get_peft_model
    from sentence_transformers import SentenceTransformer, models

    params = inspect.signature(models.Transformer.__init__).parameters
    kw = {"max_seq_length": max_len}
    if "model_kwargs" in params:  # sentence-transformers >= 6
        kw["model_kwargs"] = {"dtype": dtype}
    else:
        kw["model_args"] = {"torch_dtype": dtype}
    tr = models.Transformer(path, **kw)
    hf = tr.auto_model
    hidden = hf.config.hidden_size
    pool = models.Pooling(hidden, pooling_mode="lasttoken")
    model = SentenceTransformer(modules=[tr, pool], device=device)
    tok = tr.tokenizer
    if tok.pad_token is None:  # Mistral's tokenizer has none
        tok.pad_token = tok.eos_token
    if args.gradient_checkpointing:
        hf.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        hf.config.use_cache = False
    lcfg = LoraConfig(r=args.lora_rank, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
                      target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
                      bias="none")
    try:
        tr.auto_model = get_peft_model(hf, lcfg)
        peft_model = tr.auto_model
    except AttributeError:  # a sentence-transformers whose auto_model cannot be replaced: adapt in place
        from peft import inject_adapter_in_model

        inject_adapter_in_model(lcfg, hf)
        for n, p in hf.named_parameters():
            p.requires_grad_("lora_" in n)
        peft_model = hf
    if args.gradient_checkpointing:
        hf.enable_input_require_grads()
    model.to(device)
    # LoRA weights in fp32 (PEFT's autocast_adapter_dtype does this for bf16 bases; make sure).
    for n, p in peft_model.named_parameters():
        if p.requires_grad and p.dtype != torch.float32:
            p.data = p.data.float()
    return model, tr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--metrics", required=True)
    p.add_argument("--device", default="cuda")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--max-length", type=int, required=True)
    p.add_argument("--mini-batch", type=int, default=0, help="GradCache sub-batch (0 = full batch)")
    p.add_argument("--gradient-checkpointing", action="store_true")
    p.add_argument("--lora-rank", type=int, default=16)
    p.add_argument("--lora-alpha", type=float, default=32)
    p.add_argument("--lora-dropout", type=float, default=0.05)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--temperature", type=float, default=0.02)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()

    import torch
    from sentence_transformers import losses

    torch.manual_seed(a.seed)
    cuda = a.device.startswith("cuda")
    dtype = torch.bfloat16 if cuda else torch.float32
    t_load = time.time()
    model, tr = build_model(a.model, a.max_length, dtype, a.device, a)
    load_s = time.time() - t_load
    n_train = sum(q.numel() for q in model.parameters() if q.requires_grad)
    print(json.dumps({"trainable_params": n_train}), file=sys.stderr)
    scale = 1.0 / a.temperature
    if a.mini_batch > 0:
        loss_fn = losses.CachedMultipleNegativesRankingLoss(model, scale=scale, mini_batch_size=a.mini_batch)
    else:
        loss_fn = losses.MultipleNegativesRankingLoss(model, scale=scale)

    rows = [json.loads(l) for l in open(a.data) if l.strip()]
    order = list(range(len(rows)))
    random.Random(a.seed).shuffle(order)
    trainable = [q for q in model.parameters() if q.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=a.lr, weight_decay=0.1)
    total = a.steps

    def lr_at(step):  # step counts from 0, like the CLI's schedule
        if a.warmup > 0 and step < a.warmup:
            return a.lr * (step + 1) / a.warmup
        return a.lr * max(0.0, (total - step) / max(1, total - a.warmup))

    model.train()
    out = open(a.metrics, "w")
    pos = 0
    for step in range(total):
        if pos + a.batch_size > len(order):
            random.Random(a.seed + step).shuffle(order)
            pos = 0
        batch = [rows[i] for i in order[pos:pos + a.batch_size]]
        pos += a.batch_size
        columns = [[r["query"] for r in batch], [r["positive"] for r in batch]]
        if all("negative" in r for r in batch):
            columns.append([r["negative"] for r in batch])
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        feats = []
        ntok = 0
        for col in columns:
            f = model.tokenize(col)
            ntok += int(f["attention_mask"].sum())
            feats.append({k: v.to(a.device) if hasattr(v, "to") else v for k, v in f.items()})
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device_type="cuda" if cuda else "cpu", dtype=torch.bfloat16, enabled=cuda):
            loss = loss_fn(feats, None)
        loss.backward()
        gn = float(torch.nn.utils.clip_grad_norm_(trainable, 1.0))
        opt.step()
        lv = float(loss.detach())
        if cuda:
            torch.cuda.synchronize()
        dt = time.perf_counter() - t0
        mem = (torch.cuda.max_memory_allocated() / 2**20) if cuda else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        m = {"step": step + 1, "loss": lv, "grad_norm": gn, "lr": lr_at(step), "samples_per_s": a.batch_size / dt,
             "tokens_per_s": ntok / dt, "memory_mb": mem, "seconds": dt}
        out.write(json.dumps(m) + "\n")
        out.flush()
        if not math.isfinite(lv):
            print(f"peers_st: loss is {lv} at step {step + 1}", file=sys.stderr)
            return 1
    print(json.dumps({"load_seconds": round(load_s, 2), "steps": total}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
