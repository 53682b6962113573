#!/usr/bin/env python3
"""sentence-transformers / PEFT side of tests/peers/st_interop_test.cpp (issue 17).

  st_interop.py encode FOLDER TEXTS.json OUT.json [PROMPT_NAME]
      SentenceTransformer(FOLDER) encodes the texts (its own modules: pooling, normalize; with the
      named prompt when given); writes {"embeddings": [[...]], "modules": [...]}.
  st_interop.py lora-only OUTPUT DEST
      DEST gets the exported folder without its merged weights (no model.safetensors/config.json):
      the adapter (OUTPUT/adapter/*) + tokenizer + sentence-transformers files.
  st_interop.py peft BASE OUTPUT IDS.json OUT.json
      PEFT applies OUTPUT's adapter to BASE (AutoModel) and runs the ids; AutoModel loads OUTPUT's
      merged weights and runs them too; writes the max abs differences of the hidden states and of
      merge_and_unload()'s weights against the merged file.
  st_interop.py save-st BASE DEST
      Builds Transformer(BASE) + Pooling(mean) + Normalize with query/document prompts and saves it
      with model.save(DEST).
"""
import json
import os
import shutil
import sys

import torch

torch.set_num_threads(1)


def encode(folder, texts_path, out_path, prompt_name=None):
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(folder, device="cpu")
    texts = json.load(open(texts_path))
    kw = {"prompt_name": prompt_name} if prompt_name else {}
    emb = model.encode(texts, batch_size=4, convert_to_numpy=True, **kw)
    json.dump({"embeddings": emb.tolist(), "modules": [type(m).__name__ for m in model],
               "prompts": model.prompts}, open(out_path, "w"))


def lora_only(output, dest):
    os.makedirs(dest)
    for name in os.listdir(output):
        if name in ("model.safetensors", "config.json", "checkpoints", "adapter") or name.startswith("."):
            continue
        src = os.path.join(output, name)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(dest, name))
    for name in os.listdir(os.path.join(output, "adapter")):
        shutil.copy(os.path.join(output, "adapter", name), os.path.join(dest, name))


def peft_check(base, output, ids_path, out_path):
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModel
    seqs = json.load(open(ids_path))
    base_model = AutoModel.from_pretrained(base, dtype=torch.float32).eval()
    peft_model = PeftModel.from_pretrained(base_model, os.path.join(output, "adapter")).eval()
    # The merged weights as users load them: the whole folder (the adapter lies in adapter/, so
    # transformers does not apply it a second time).
    merged = AutoModel.from_pretrained(output, dtype=torch.float32).eval()
    hidden = 0.0
    n_lora = sum(1 for n, _ in peft_model.named_parameters() if "lora_" in n)
    with torch.no_grad():
        for s in seqs:
            ids = torch.tensor([s])
            a = peft_model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            b = merged(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            hidden = max(hidden, (a - b).abs().max().item())
    unloaded = peft_model.merge_and_unload()
    file = load_file(os.path.join(output, "model.safetensors"))
    weights, compared = 0.0, 0
    state = unloaded.state_dict()
    for name, t in state.items():
        for cand in (name, "model." + name):
            if cand in file:
                weights = max(weights, (t - file[cand].to(t.dtype)).abs().max().item())
                compared += 1
                break
    with torch.no_grad():
        fresh = AutoModel.from_pretrained(base, dtype=torch.float32).eval()
        ids = torch.tensor([seqs[0]])
        base_vs_merged = (fresh(input_ids=ids).last_hidden_state - merged(input_ids=ids).last_hidden_state).abs().max().item()
    json.dump({"hidden_max_abs_diff": hidden, "weights_max_abs_diff": weights, "weights_compared": compared,
               "weights_total": len(state), "base_vs_merged": base_vs_merged, "lora_tensors": n_lora},
              open(out_path, "w"))


def save_st(base, dest):
    from sentence_transformers import SentenceTransformer, models
    t = models.Transformer(base, max_seq_length=64)
    p = models.Pooling(t.get_word_embedding_dimension(), pooling_mode="mean")
    if t.tokenizer.pad_token is None:  # Llama's tokenizer has none; batches need one (masked anyway)
        t.tokenizer.pad_token = t.tokenizer.unk_token
    model = SentenceTransformer(modules=[t, p, models.Normalize()], device="cpu",
                                prompts={"query": "Instruct: Retrieve stories about the same thing\nQuery: ",
                                         "document": ""})
    model.save(dest)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"encode": encode, "lora-only": lora_only, "peft": peft_check, "save-st": save_st}[cmd](*args)


if __name__ == "__main__":
    main()
