#!/usr/bin/env python3
"""Reference outputs of Hugging Face transformers for tests/peers/transformers_parity_test.cpp.

For each architecture (bert, llama, mistral with a sliding window shorter than the sequences, qwen2)
builds a small model from its transformers config class, fills it with random weights, saves it with
transformers' own save_pretrained (safetensors) under OUT/<arch>/, and writes OUT/<arch>/reference.json:

  ids:     the token id sequences (no tokenizer: decoders' sequences end with EOS)
  single:  last_hidden_state of each sequence alone (batch 1, no padding)
  left / right: for each padding side, the hidden states of the real tokens of each sequence when
           all sequences run as one padded batch (attention_mask, position_ids counting real tokens)
  pooled:  {mean, cls|last} pooled from the padded batch's hidden states (not normalised)

All in float32 with the eager attention implementation.

  python hf_parity.py OUT
"""
import json
import os
import sys

import torch
import transformers

torch.manual_seed(20261205)
torch.set_num_threads(1)


def randomize(model, std):
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name.lower() and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(std * torch.randn(p.shape, generator=g))


def sequences(vocab, lengths, eos):
    g = torch.Generator().manual_seed(11)
    out = []
    for n in lengths:
        s = torch.randint(3, vocab, (n,), generator=g).tolist()
        if eos is not None:
            s[-1] = eos
        out.append(s)
    return out


def batch(seqs, pad_id, side):
    S = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), S), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), S), dtype=torch.long)
    for i, s in enumerate(seqs):
        if side == "right":
            ids[i, : len(s)] = torch.tensor(s)
            mask[i, : len(s)] = 1
        else:
            ids[i, S - len(s):] = torch.tensor(s)
            mask[i, S - len(s):] = 1
    positions = (mask.cumsum(1) - 1).clamp(min=0)
    return ids, mask, positions


def build(arch):
    common = dict(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                  intermediate_size=48, attn_implementation="eager")
    if arch == "bert":
        cfg = transformers.BertConfig(**{**common, "intermediate_size": 64}, max_position_embeddings=40,
                                      type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12, pad_token_id=0)
        return transformers.BertModel(cfg), 0.2, None
    dec = dict(common, num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-6, hidden_act="silu",
               bos_token_id=1, eos_token_id=2, pad_token_id=0)
    if arch == "llama":
        cfg = transformers.LlamaConfig(**dec, rope_theta=10000.0)
        return transformers.LlamaModel(cfg), 0.3, 2
    if arch == "mistral":
        cfg = transformers.MistralConfig(**dec, rope_theta=10000.0, sliding_window=4)
        return transformers.MistralModel(cfg), 0.3, 2
    if arch == "qwen2":
        cfg = transformers.Qwen2Config(**dec, rope_theta=1000000.0, use_sliding_window=False, sliding_window=4,
                                       tie_word_embeddings=True)
        return transformers.Qwen2Model(cfg), 0.3, 2
    raise SystemExit(f"unknown architecture {arch}")


def run(model, ids, mask, positions):
    with torch.no_grad():
        kw = dict(input_ids=ids, attention_mask=mask, position_ids=positions)
        if isinstance(model, transformers.BertModel):
            kw["token_type_ids"] = torch.zeros_like(ids)
        return model(**kw).last_hidden_state


def main():
    out = sys.argv[1]
    archs = sys.argv[2:] or ["bert", "llama", "mistral", "qwen2"]
    for arch in archs:
        model, std, eos = build(arch)
        randomize(model, std)
        model.eval()
        d = os.path.join(out, arch)
        model.save_pretrained(d, safe_serialization=True)
        # Lengths from 1 (decoders: 2, EOS only is degenerate) to past Mistral's window of 4.
        lengths = [7, 1 if eos is None else 2, 19, 12, 4, 23]
        seqs = sequences(64, lengths, eos)
        ref = {"transformers": transformers.__version__, "torch": torch.__version__, "ids": seqs,
               "single": [], "left": [], "right": [], "pooled": {}}
        for s in seqs:
            i, m, p = batch([s], 0, "right")
            ref["single"].append(run(model, i, m, p)[0].tolist())
        for side in ("left", "right"):
            i, m, p = batch(seqs, 0, side)
            h = run(model, i, m, p)
            real = [h[b][m[b].bool()] for b in range(len(seqs))]
            ref[side] = [r.tolist() for r in real]
            ref["pooled"][side] = {
                "mean": [r.mean(0).tolist() for r in real],
                ("cls" if eos is None else "last"): [(r[0] if eos is None else r[-1]).tolist() for r in real],
            }
        if arch == "mistral":
            # Guards the oracle: transformers applies the window (the longest sequence changes without it).
            model.config.sliding_window = None
            i, m, p = batch([seqs[5]], 0, "right")
            full = run(model, i, m, p)[0]
            windowed = torch.tensor(ref["single"][5])
            if (full - windowed).abs().max().item() < 1e-3:
                raise SystemExit("hf_parity.py: Mistral's sliding window made no difference in transformers")
        with open(os.path.join(d, "reference.json"), "w") as f:
            json.dump(ref, f)
    print("transformers", transformers.__version__, "torch", torch.__version__)


if __name__ == "__main__":
    main()
