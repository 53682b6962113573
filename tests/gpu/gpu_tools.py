#!/usr/bin/env python3
"""Helpers of tests/gpu/device_check.sh: random-weight model folders, training data, machine facts,
comparisons of the CLI's outputs, and the JSON summary. Needs torch, transformers and safetensors
(the GPU machine's python3, or the venv of tests/peers/setup.sh)."""

import argparse
import json
import lzma
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

# Shapes of the real models (config.json of Qwen/Qwen2-0.5B and mistralai/Mistral-7B-v0.1) and their
# dry-run miniatures (same families, same tokenizers, tiny widths).
SHAPES = {
    "qwen2-0.5b": dict(family="qwen2", tokenizer="qwen2", vocab_size=151936, hidden_size=896, intermediate_size=4864,
                       num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2, rope_theta=1000000.0,
                       tie_word_embeddings=True, max_position_embeddings=32768, bos=151643, eos=151643),
    "mistral-7b": dict(family="mistral", tokenizer="mistral-7b-v0.1", vocab_size=32000, hidden_size=4096,
                       intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                       rope_theta=10000.0, tie_word_embeddings=False, max_position_embeddings=32768, sliding_window=4096,
                       bos=1, eos=2),
    "qwen2-tiny": dict(family="qwen2", tokenizer="qwen2", vocab_size=151936, hidden_size=64, intermediate_size=128,
                       num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, rope_theta=1000000.0,
                       tie_word_embeddings=True, max_position_embeddings=32768, bos=151643, eos=151643),
    "mistral-tiny": dict(family="mistral", tokenizer="mistral-7b-v0.1", vocab_size=32000, hidden_size=64,
                         intermediate_size=160, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         rope_theta=10000.0, tie_word_embeddings=False, max_position_embeddings=32768,
                         sliding_window=4096, bos=1, eos=2),
}


def cmd_model(a):
    """A random-weight model folder: config.json, model.safetensors (bf16 or fp32), tokenizer."""
    import torch
    from transformers import AutoModel, MistralConfig, Qwen2Config

    s = dict(SHAPES[a.shape])
    family, tok, bos, eos = s.pop("family"), s.pop("tokenizer"), s.pop("bos"), s.pop("eos")
    cls = Qwen2Config if family == "qwen2" else MistralConfig
    cfg = cls(bos_token_id=bos, eos_token_id=eos, initializer_range=0.02, rms_norm_eps=1e-6 if family == "qwen2" else 1e-5,
              **s)
    dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[a.dtype]
    t0 = time.time()
    torch.manual_seed(a.seed)
    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(a.device):
            model = AutoModel.from_config(cfg)
    finally:
        torch.set_default_dtype(old)
    model = model.to(dtype).eval()
    n_params = sum(p.numel() for p in model.parameters())
    os.makedirs(a.out, exist_ok=True)
    model.save_pretrained(a.out, max_shard_size="50GB")
    # transformers 5 writes rope_parameters.rope_theta only; readers of the classic key get it too.
    cpath = os.path.join(a.out, "config.json")
    with open(cpath) as f:
        c = json.load(f)
    c.setdefault("rope_theta", s["rope_theta"])
    c["bos_token_id"], c["eos_token_id"] = bos, eos
    c["torch_dtype"] = {"bf16": "bfloat16", "fp32": "float32"}[a.dtype]
    with open(cpath, "w") as f:
        json.dump(c, f, indent=2)
    src = os.path.join(a.tokenizers, tok)
    if os.path.exists(os.path.join(src, "tokenizer.json.xz")):  # build/gpu-deps/tokenizers
        with lzma.open(os.path.join(src, "tokenizer.json.xz")) as fi, open(os.path.join(a.out, "tokenizer.json"), "wb") as fo:
            shutil.copyfileobj(fi, fo)
    else:  # ../shared/oracles/tokenizers
        shutil.copy(os.path.join(src, "tokenizer.json"), a.out)
    shutil.copy(os.path.join(src, "tokenizer_config.json"), a.out)
    del model
    if a.device.startswith("cuda"):
        torch.cuda.empty_cache()
    print(json.dumps({"shape": a.shape, "params": n_params, "dtype": a.dtype, "seconds": round(time.time() - t0, 2),
                      "bytes": sum(os.path.getsize(os.path.join(a.out, f)) for f in os.listdir(a.out))}))


WORDS = None


def _words():
    global WORDS
    if WORDS is None:
        syl = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zen", "pa", "dor", "lin", "mur", "qua", "bel", "tor"]
        r = random.Random(1234)
        WORDS = sorted({"".join(r.choice(syl) for _ in range(r.randint(2, 3))) for _ in range(3000)})
    return WORDS


def cmd_data(a):
    """JSONL {"query","positive"[,"negative"]}: each positive repeats its query's topic words, so a model can
    learn the pairing; --doc-words makes long passages (sequences cut at --max-length)."""
    w = _words()
    r = random.Random(a.seed)
    with open(a.out, "w") as f:
        for i in range(a.n):
            topic = r.sample(w, 4)
            q = " ".join(topic + r.sample(w, max(0, a.query_words - 4)))
            pos = " ".join(r.sample(w, 3) + topic + r.sample(w, max(0, a.doc_words - 7)))
            row = {"query": q, "positive": pos}
            if a.negatives:
                other = r.sample(w, 4)
                row["negative"] = " ".join(r.sample(w, 3) + other + r.sample(w, max(0, a.doc_words - 7)))
            f.write(json.dumps(row) + "\n")


def cmd_texts(a):
    """JSONL {"text"} of varied lengths (the embed parity inputs)."""
    w = _words()
    r = random.Random(a.seed)
    with open(a.out, "w") as f:
        for i in range(a.n):
            f.write(json.dumps({"text": " ".join(r.choice(w) for _ in range(r.randint(3, a.max_words)))}) + "\n")


def cmd_parity(a):
    import numpy as np

    x, y = np.load(a.a).astype(np.float64), np.load(a.b).astype(np.float64)
    if x.shape != y.shape:
        print(json.dumps({"error": f"shapes differ: {x.shape} vs {y.shape}"}))
        return 1
    cos = (x * y).sum(1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1) + 1e-30)
    out = {"n": int(x.shape[0]), "dim": int(x.shape[1]), "min_cos": float(cos.min()), "mean_cos": float(cos.mean()),
           "max_abs_diff": float(np.abs(x - y).max()), "threshold": a.threshold, "pass": bool(cos.min() >= a.threshold)}
    print(json.dumps(out))
    return 0 if out["pass"] else 1


def read_metrics(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return [r.get("metrics", r) | {"step": r.get("step", r.get("metrics", {}).get("step"))} for r in rows]


def summarize_steps(rows, skip):
    """Figures of a run's per-step metrics: loss at the start and end, median step rate after `skip` warm-up steps."""
    loss = [float(r["loss"]) for r in rows]
    sps = [float(r["samples_per_s"]) for r in rows]
    mem = [float(r.get("memory_mb", 0)) for r in rows]
    k = max(1, min(5, len(loss) // 4))
    timed = sps[skip:] if len(sps) > skip else sps
    return {"steps": len(rows), "loss_first": loss[0], "loss_last": loss[-1],
            "loss_start_mean": statistics.fmean(loss[:k]), "loss_end_mean": statistics.fmean(loss[-k:]),
            "samples_per_s": statistics.median(timed) if timed else 0.0,
            "tokens_per_s": statistics.median([float(r.get("tokens_per_s", 0)) for r in rows][skip:] or [0.0]),
            "peak_memory_mb": max(mem) if mem else 0.0}


def cmd_metrics(a):
    s = summarize_steps(read_metrics(a.file), a.skip)
    if a.require_fall:
        s["loss_falls"] = s["loss_end_mean"] < s["loss_start_mean"]
    print(json.dumps(s))
    return 0 if (not a.require_fall or s["loss_falls"]) else 1


def cmd_gradcache(a):
    """GradCache run vs full-batch run from the same seed: per-step loss and gradient norm."""
    full, gc = read_metrics(a.full), read_metrics(a.gc)
    n = min(len(full), len(gc))
    rel = lambda u, v: abs(u - v) / max(abs(u), abs(v), 1e-12)
    loss_rel = max(rel(float(full[i]["loss"]), float(gc[i]["loss"])) for i in range(n))
    gn_rel = max(rel(float(full[i]["grad_norm"]), float(gc[i]["grad_norm"])) for i in range(n))
    out = {"steps": n, "loss_full": [float(r["loss"]) for r in full[:n]], "loss_gradcache": [float(r["loss"]) for r in gc[:n]],
           "grad_norm_full": [float(r["grad_norm"]) for r in full[:n]],
           "grad_norm_gradcache": [float(r["grad_norm"]) for r in gc[:n]],
           "max_rel_loss_diff": loss_rel, "max_rel_grad_norm_diff": gn_rel, "tolerance": a.tol}
    if a.adapter_full and a.adapter_gc and os.path.exists(a.adapter_full) and os.path.exists(a.adapter_gc):
        from safetensors.numpy import load_file
        import numpy as np

        x, y = load_file(a.adapter_full), load_file(a.adapter_gc)
        u = np.concatenate([x[k].astype(np.float64).ravel() for k in sorted(x)])
        v = np.concatenate([y[k].astype(np.float64).ravel() for k in sorted(y)])
        out["adapter_cos"] = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-30))
        out["adapter_max_abs_diff"] = float(np.abs(u - v).max())
    out["pass"] = n > 0 and loss_rel <= a.tol and gn_rel <= a.tol
    print(json.dumps(out))
    return 0 if out["pass"] else 1


def cmd_facts(a):
    facts = {"python": sys.version.split()[0], "hostname": os.uname().nodename}
    try:
        import torch

        facts["torch"] = torch.__version__
        facts["torch_cuda"] = torch.version.cuda
        facts["cuda_available"] = torch.cuda.is_available()
        if torch.cuda.is_available():
            p = torch.cuda.get_device_properties(0)
            facts["gpu"] = p.name
            facts["gpu_memory_mib"] = p.total_memory // (1 << 20)
            facts["gpu_capability"] = f"{p.major}.{p.minor}"
            facts["cudnn"] = torch.backends.cudnn.version()
    except Exception as e:  # noqa: BLE001
        facts["torch_error"] = str(e)
    for mod in ("transformers", "sentence_transformers", "peft"):
        try:
            facts[mod] = __import__(mod).__version__
        except Exception as e:  # noqa: BLE001
            facts[mod] = f"missing: {e}"
    try:
        q = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                           capture_output=True, text=True, timeout=20)
        if q.returncode == 0:
            facts["nvidia_smi"] = q.stdout.strip()
    except Exception:  # noqa: BLE001
        pass
    facts["cpus"] = os.cpu_count()
    try:
        with open("/etc/os-release") as f:
            facts["os"] = next((l.split("=", 1)[1].strip().strip('"') for l in f if l.startswith("PRETTY_NAME=")), "")
    except OSError:
        pass
    print(json.dumps(facts))


def cmd_summary(a):
    """Merges the checks (one JSON object a line) into the summary file."""
    checks = []
    if os.path.exists(a.checks):
        with open(a.checks) as f:
            checks = [json.loads(l) for l in f if l.strip()]
    facts = {}
    for path in a.facts:
        if os.path.exists(path):
            try:
                with open(path) as f:
                    facts.update(json.load(f))
            except ValueError:
                pass
    by = {c["name"]: c for c in checks}
    ratios = {}
    for ours, theirs, key in (("train_qwen2_0_5b_lora", "peers_qwen2_0_5b_lora", "qwen2_0_5b_samples_per_s"),
                              ("train_mistral_7b_gc", "peers_mistral_7b_gc", "mistral_7b_samples_per_s")):
        o = by.get(ours, {}).get("figures", {}).get("samples_per_s")
        t = by.get(theirs, {}).get("figures", {}).get("samples_per_s")
        if o and t:
            ratios[key] = {"synthembed": o, "sentence_transformers_peft": t, "ratio": o / t}
        o = by.get(ours, {}).get("figures", {}).get("peak_memory_mb")
        t = by.get(theirs, {}).get("figures", {}).get("peak_memory_mb")
        if o and t:
            ratios[key.replace("samples_per_s", "peak_memory_mb")] = {"synthembed": o, "sentence_transformers_peft": t,
                                                                      "ratio": o / t}
    failed = [c["name"] for c in checks if c["status"] == "fail"]
    out = {"mode": a.mode, "device": a.device, "started": a.started, "wall_seconds": round(time.time() - a.t0, 1),
           "budget_seconds": a.budget,
           "finished": a.finished, "machine": facts, "checks": checks, "ratios": ratios,
           "passed": sum(c["status"] == "pass" for c in checks), "failed": failed,
           "skipped": [c["name"] for c in checks if c["status"] == "skipped"],
           "overall": "fail" if failed else ("pass" if a.finished else "incomplete")}
    tmp = a.out + ".part"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=2)
    os.replace(tmp, a.out)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("model")
    m.add_argument("--shape", choices=sorted(SHAPES), required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--tokenizers", required=True, help="folder with <name>/tokenizer.json.xz (build/gpu-deps/tokenizers)")
    m.add_argument("--dtype", choices=["bf16", "fp32"], default="bf16")
    m.add_argument("--device", default="cpu")
    m.add_argument("--seed", type=int, default=0)
    d = sub.add_parser("data")
    d.add_argument("--out", required=True)
    d.add_argument("--n", type=int, required=True)
    d.add_argument("--query-words", type=int, default=8)
    d.add_argument("--doc-words", type=int, default=24)
    d.add_argument("--negatives", action="store_true")
    d.add_argument("--seed", type=int, default=1)
    t = sub.add_parser("texts")
    t.add_argument("--out", required=True)
    t.add_argument("--n", type=int, default=32)
    t.add_argument("--max-words", type=int, default=60)
    t.add_argument("--seed", type=int, default=2)
    q = sub.add_parser("parity")
    q.add_argument("a")
    q.add_argument("b")
    q.add_argument("--threshold", type=float, required=True)
    r = sub.add_parser("metrics")
    r.add_argument("file")
    r.add_argument("--skip", type=int, default=2, help="warm-up steps left out of the step rate")
    r.add_argument("--require-fall", action="store_true")
    g = sub.add_parser("gradcache")
    g.add_argument("--full", required=True)
    g.add_argument("--gc", required=True)
    g.add_argument("--adapter-full")
    g.add_argument("--adapter-gc")
    g.add_argument("--tol", type=float, required=True)
    sub.add_parser("facts")
    s = sub.add_parser("summary")
    s.add_argument("--checks", required=True)
    s.add_argument("--facts", nargs="*", default=[])
    s.add_argument("--out", required=True)
    s.add_argument("--mode", required=True)
    s.add_argument("--device", required=True)
    s.add_argument("--started", required=True)
    s.add_argument("--t0", type=float, required=True)
    s.add_argument("--finished", action="store_true")
    s.add_argument("--budget", type=float)
    a = p.parse_args()
    rc = globals()["cmd_" + a.cmd](a)
    return int(rc or 0)


if __name__ == "__main__":
    sys.exit(main())
