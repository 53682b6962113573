"""Scores fixed embeddings with the mteb package's own task classes and evaluators (issue 17, metric
parity; driven by tests/peers/mteb_parity_test.cpp).

    python mteb_parity.py SPEC.json OUT.json

SPEC.json: {"texts": "texts.jsonl", "vectors": "vectors.f32", "dim": D, "tasks": [{"type": ..., ...}]}
  texts.jsonl: one JSON string per line; vectors.f32: one float32 row per text (little endian).
  Every text mteb asks the model to encode must be in the table (the script fails otherwise, which
  also catches a text built differently on the two sides: BEIR title + text, CSV quoting, ...).
Task entries (paths as synthembed read them):
  sts            {"data": csv/tsv, "text1", "text2", "score" (0-based columns), "header": bool,
                  "delimiter"}
  every entry may have a "name" (the key of its result; default its type)
  retrieval      {"data": BEIR folder, "split"}
  classification {"train": csv, "test": csv}  (header with text, category)
  clustering     {"data": csv}                (header with text, category)
  pair           {"data": jsonl with sentence1, sentence2, label}
  rerank         {"data": jsonl with query, positive[], negative[]}
  summarization  {"data": jsonl with human_summaries[], machine_summaries[], relevance[]}
  bitext         {"data": jsonl with sentence1, sentence2}
The model is a fixed table: no network, no download; the tasks are mteb's abstract task classes with
local data put in place of their Hugging Face loaders, evaluated by task.evaluate() as mteb runs them.
OUT.json: {type: {"main_metric", "main_score", "metrics": {...}, ...}}
"""

import csv
import json
import logging
import os
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import mteb  # noqa: E402
from datasets import Dataset, DatasetDict  # noqa: E402
from mteb.abstasks.classification import AbsTaskClassification  # noqa: E402
from mteb.abstasks.clustering_legacy import AbsTaskClusteringLegacy  # noqa: E402
from mteb.abstasks.pair_classification import AbsTaskPairClassification  # noqa: E402
from mteb.abstasks.retrieval import AbsTaskRetrieval  # noqa: E402
from mteb.abstasks.retrieval_dataset_loaders import RetrievalSplitData  # noqa: E402
from mteb.abstasks.sts import AbsTaskSTS  # noqa: E402
from mteb.abstasks.task_metadata import TaskMetadata  # noqa: E402
from mteb.abstasks.text import reranking as mteb_reranking  # noqa: E402
from mteb.abstasks.text.bitext_mining import AbsTaskBitextMining  # noqa: E402
from mteb.abstasks.text.summarization import AbsTaskSummarization  # noqa: E402
from mteb.models.abs_encoder import AbsEncoder  # noqa: E402


class FixedEmbeddings(AbsEncoder):
    """An mteb encoder that returns precomputed embeddings looked up by text (prompts ignored)."""

    def __init__(self, texts, vectors):
        self.model = None
        self.mteb_model_meta = None
        self.table = {t: i for i, t in enumerate(texts)}
        self.vectors = vectors
        self.calls = 0

    def encode(self, inputs, *, task_metadata, hf_split, hf_subset, prompt_type=None, **kwargs):
        rows = []
        for batch in inputs:
            for text in batch["text"]:
                if text not in self.table:
                    raise KeyError(f"mteb asked for a text synthembed did not embed: {text[:200]!r}")
                rows.append(self.table[text])
        self.calls += 1
        return self.vectors[np.asarray(rows, dtype=np.int64)]


GENERAL = {
    "description": "synthembed metric parity (local data)",
    "reference": "https://github.com/embeddings-benchmark/mteb",
    "dataset": {"path": "local/synthembed-parity", "revision": "local"},
    "category": "t2t",
    "eval_splits": ["test"],
    "eval_langs": ["eng-Latn"],
    "date": ("2020-01-01", "2020-01-02"),
    "dialect": [],
    "domains": [],
    "task_subtypes": [],
    "license": "not specified",
    "annotations_creators": "derived",
    "modalities": ["text"],
    "sample_creation": "found",
    "bibtex_citation": "",
}


def metadata(type_, name, main_score):
    return TaskMetadata(type=type_, name=name, main_score=main_score, **GENERAL)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_table(path, delimiter=None):
    delimiter = delimiter or ("\t" if path.endswith((".tsv", ".txt")) else ",")
    with open(path, encoding="utf-8", newline="") as f:
        if delimiter == "\t":
            return [line.rstrip("\r\n").split("\t") for line in f if line.strip()]
        return [row for row in csv.reader(f, delimiter=delimiter) if row]


def read_labelled(path):
    rows = read_table(path)
    header = [h.strip().lower() for h in rows[0]]
    ti = header.index("text")
    li = header.index("category") if "category" in header else header.index("label")
    return [r[ti] for r in rows[1:]], [r[li] for r in rows[1:]]


# --- the tasks ---------------------------------------------------------------------------------


class StsTask(AbsTaskSTS):
    metadata = metadata("STS", "SynthembedParitySTS", "cosine_spearman")


class ClassificationTask(AbsTaskClassification):
    metadata = metadata("Classification", "SynthembedParityClassification", "accuracy")


class ClusteringTask(AbsTaskClusteringLegacy):
    metadata = metadata("Clustering", "SynthembedParityClustering", "v_measure")


class PairTask(AbsTaskPairClassification):
    metadata = metadata("PairClassification", "SynthembedParityPair", "max_ap")


class RetrievalTask(AbsTaskRetrieval):
    metadata = metadata("Retrieval", "SynthembedParityRetrieval", "ndcg_at_10")
    captured = None

    def task_specific_scores(self, scores, qrels, results, hf_split, hf_subset):
        # pytrec_eval's per-query values: mteb rounds the means it reports to 5 decimals.
        type(self).captured = scores
        return {}


class RerankTask(mteb_reranking.AbsTaskReranking):
    metadata = metadata("Reranking", "SynthembedParityReranking", "map_at_1000")
    captured = None

    def task_specific_scores(self, scores, qrels, results, hf_split, hf_subset):
        type(self).captured = scores
        return {}


class SummarizationTask(AbsTaskSummarization):
    metadata = metadata("Summarization", "SynthembedParitySummarization", "cosine_spearman")


class BitextTask(AbsTaskBitextMining):
    metadata = metadata("BitextMining", "SynthembedParityBitext", "f1")


def evaluate(task, model):
    task.data_loaded = True
    scores = task.evaluate(model, split="test", encode_kwargs={"batch_size": 64})
    return scores["default"]


def run_sts(spec, model):
    rows = read_table(spec["data"], spec.get("delimiter"))
    if spec.get("header"):
        rows = rows[1:]
    t1, t2, sc = spec.get("text1", 0), spec.get("text2", 1), spec.get("score", 2)
    scores = [float(r[sc]) for r in rows]
    task = StsTask()
    task.min_score, task.max_score = spec.get("min_score", 0), spec.get("max_score", 5)
    task.dataset = DatasetDict(
        {"test": Dataset.from_dict({"sentence1": [r[t1] for r in rows], "sentence2": [r[t2] for r in rows], "score": scores})}
    )
    m = evaluate(task, model)
    return {"main_metric": "cosine_spearman", "main_score": m["cosine_spearman"], "metrics": m, "items": len(rows)}


def beir(folder, split):
    corpus = read_jsonl(os.path.join(folder, "corpus.jsonl"))
    qpath = os.path.join(folder, f"queries.{split}.jsonl")
    queries = read_jsonl(qpath if os.path.exists(qpath) else os.path.join(folder, "queries.jsonl"))
    qrels = {}
    with open(os.path.join(folder, "qrels", f"{split}.tsv"), encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\r\n").split("\t")
            if i == 0 and not parts[-1].lstrip("-").isdigit():
                continue
            qrels.setdefault(str(parts[0]), {})[str(parts[1])] = int(parts[2])
    return corpus, queries, qrels


def run_retrieval(spec, model):
    corpus, queries, qrels = beir(spec["data"], spec.get("split", "test"))
    queries = [q for q in queries if str(q["_id"]) in qrels]
    task = RetrievalTask()
    task.dataset = {
        "default": {
            "test": RetrievalSplitData(
                corpus=Dataset.from_dict(
                    {
                        "id": [str(d["_id"]) for d in corpus],
                        "title": [d.get("title", "") or "" for d in corpus],
                        "text": [d.get("text", "") or "" for d in corpus],
                    }
                ),
                queries=Dataset.from_dict({"id": [str(q["_id"]) for q in queries], "text": [q["text"] for q in queries]}),
                relevant_docs=qrels,
                top_ranked=None,
            )
        }
    }
    m = evaluate(task, model)
    per = RetrievalTask.captured
    unrounded = float(np.mean([v["ndcg_cut_10"] for v in per.values()]))
    return {
        "main_metric": "ndcg_at_10",
        "main_score": unrounded,
        "reported": m["ndcg_at_10"],
        "metrics": {k: v for k, v in m.items() if isinstance(v, float)},
        "per_query_ndcg_at_10": {q: v["ndcg_cut_10"] for q, v in per.items()},
        "items": len(per),
    }


def run_classification(spec, model):
    tr_x, tr_y = read_labelled(spec["train"])
    te_x, te_y = read_labelled(spec["test"])
    task = ClassificationTask()
    task.dataset = DatasetDict(
        {"train": Dataset.from_dict({"text": tr_x, "label": tr_y}), "test": Dataset.from_dict({"text": te_x, "label": te_y})}
    )
    # The training indexes of each experiment, as mteb's undersampling draws them.
    sim, picks = None, []
    for i in range(task.n_experiments):
        _, sim, sel = task._undersample_data(task.dataset["train"], i, sim)
        picks.append(list(sel))
    m = evaluate(task, model)
    per_experiment = [e["accuracy"] for e in m["scores_per_experiment"]]
    # Where float32 rounding decides: scikit-learn fits float32 embeddings in float32 (logits,
    # losses and gradients; coef_ kept as float32) and stops the fit early (tol 1e-4, usually
    # after 6 to 8 L-BFGS-B steps here), so rounding that differs (another BLAS kernel or thread
    # count: mteb's own accuracy moves with it) moves the coefficients by up to ~1e-4 and decides the
    # test texts whose two best classes are that close. Refit each experiment as mteb's evaluator
    # does, on the embeddings and on the embeddings moved by one float32 ulp, and count the test
    # texts whose top-2 gap is within twice the largest change of a decision value between the two.
    from sklearn.base import clone

    test_x = model.vectors[[model.table[t] for t in te_x]]
    train_x = model.vectors[[model.table[t] for t in tr_x]]
    refit, near, bands, iterations = [], [], [], []
    for pick, acc in zip(picks, per_experiment):
        ys = [tr_y[i] for i in pick]
        lr = clone(task.evaluator_model).set_params(random_state=task.seed).fit(train_x[pick], ys)
        moved = clone(lr).fit(np.nextafter(train_x[pick], np.float32(np.inf)), ys)
        refit.append(float(np.mean(lr.predict(test_x) == np.asarray(te_y))))
        d = lr.decision_function(test_x).astype(np.float64)
        band = float(np.max(np.abs(d - moved.decision_function(test_x).astype(np.float64))))
        top2 = np.sort(d, axis=1)[:, -2:]
        near.append(int(np.sum(top2[:, 1] - top2[:, 0] <= 2 * band)))
        bands.append(band)
        iterations.append(int(np.max(lr.n_iter_)))
    return {
        "main_metric": "accuracy",
        "main_score": m["accuracy"],
        "metrics": {k: v for k, v in m.items() if isinstance(v, float)},
        "per_experiment_accuracy": per_experiment,
        "refit_accuracy": refit,
        "near_ties": near,
        "rounding_band": bands,
        "lbfgs_iterations": iterations,
        "experiments": picks,
        "items": len(te_x),
    }


def run_clustering(spec, model):
    x, y = read_labelled(spec["data"])
    task = ClusteringTask()
    task.dataset = DatasetDict({"test": Dataset.from_dict({"sentences": [x], "labels": [y]})})
    m = evaluate(task, model)
    out = {"main_metric": "v_measure", "main_score": m["v_measure"], "metrics": {"v_measure": m["v_measure"]}, "items": len(x)}
    # The spread of the same clustering over seeds 0..9 (mteb's settings: batch 500, n_init auto):
    # synthembed's k-means draws from another generator, so its V-measure is one more such draw.
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.metrics import v_measure_score as vms

    emb = model.vectors[[model.table[t] for t in x]]
    seeds = [
        float(vms(y, MiniBatchKMeans(n_clusters=len(set(y)), batch_size=500, n_init="auto", random_state=s).fit(emb).labels_))
        for s in range(10)
    ]
    out["seed_v_measures"] = seeds
    # The deterministic part alone: sklearn's v_measure_score on given assignments.
    if spec.get("assignments"):
        from sklearn.metrics import v_measure_score

        with open(spec["assignments"], encoding="utf-8") as f:
            pred = json.load(f)
        out["v_measure_of_given_assignments"] = float(v_measure_score(y, pred))
    return out


def run_pair(spec, model):
    rows = read_jsonl(spec["data"])
    task = PairTask()
    task.dataset = DatasetDict(
        {
            "test": Dataset.from_dict(
                {
                    "sentence1": [r["sentence1"] for r in rows],
                    "sentence2": [r["sentence2"] for r in rows],
                    "labels": [int(r["label"]) for r in rows],
                }
            )
        }
    )
    m = evaluate(task, model)
    return {"main_metric": "cosine_ap", "main_score": m["cosine_ap"], "max_ap": m["max_ap"], "metrics": m, "items": len(rows)}


def run_rerank(spec, model):
    rows = read_jsonl(spec["data"])
    task = RerankTask()
    if task.metadata.name not in mteb_reranking.OLD_FORMAT_RERANKING_TASKS:
        mteb_reranking.OLD_FORMAT_RERANKING_TASKS.append(task.metadata.name)
    task.transform_old_dataset_format(
        DatasetDict(
            {
                "test": Dataset.from_dict(
                    {
                        "query": [r["query"] for r in rows],
                        "positive": [r["positive"] for r in rows],
                        "negative": [r["negative"] for r in rows],
                    }
                )
            }
        )
    )
    m = evaluate(task, model)
    per = RerankTask.captured
    unrounded = float(np.mean([v["map_cut_1000"] for v in per.values()]))
    return {
        "main_metric": "map_at_1000",
        "main_score": unrounded,
        "reported": m["map_at_1000"],
        "mrr_at_10": m["mrr_at_10"],
        "metrics": {k: v for k, v in m.items() if isinstance(v, float)},
        "items": len(per),
    }


def run_summarization(spec, model):
    rows = read_jsonl(spec["data"])
    task = SummarizationTask()
    task.min_score, task.max_score = spec.get("min_score", 0), spec.get("max_score", 5)
    task.dataset = DatasetDict(
        {
            "test": Dataset.from_dict(
                {
                    "text": ["" for _ in rows],
                    "human_summaries": [r["human_summaries"] for r in rows],
                    "machine_summaries": [r["machine_summaries"] for r in rows],
                    "relevance": [[float(v) for v in r["relevance"]] for r in rows],
                }
            )
        }
    )
    m = evaluate(task, model)
    return {"main_metric": "cosine_spearman", "main_score": m["cosine_spearman"], "metrics": m, "items": len(rows)}


def run_bitext(spec, model):
    rows = read_jsonl(spec["data"])
    task = BitextTask()
    task.dataset = DatasetDict(
        {"test": Dataset.from_dict({"sentence1": [r["sentence1"] for r in rows], "sentence2": [r["sentence2"] for r in rows]})}
    )
    m = evaluate(task, model)
    return {"main_metric": "f1", "main_score": m["f1"], "metrics": m, "items": len(rows)}


RUNNERS = {
    "sts": run_sts,
    "retrieval": run_retrieval,
    "classification": run_classification,
    "clustering": run_clustering,
    "pair": run_pair,
    "rerank": run_rerank,
    "summarization": run_summarization,
    "bitext": run_bitext,
}


def finite(x):
    """NaN (mteb's value for a metric that does not apply, e.g. binary AP) as null."""
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [finite(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return float(x) if np.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


def main():
    spec_path, out_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    base = os.path.dirname(os.path.abspath(spec_path))
    texts = [json.loads(line) for line in open(os.path.join(base, spec["texts"]), encoding="utf-8") if line.strip()]
    vectors = np.fromfile(os.path.join(base, spec["vectors"]), dtype="<f4").reshape(len(texts), spec["dim"])
    model = FixedEmbeddings(texts, vectors)
    out = {"mteb_version": mteb.__version__}
    for t in spec["tasks"]:
        out[t.get("name", t["type"])] = RUNNERS[t["type"]](t, model)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(finite(out), f, allow_nan=False)


if __name__ == "__main__":
    main()
