#include "core/eval/tasks.h"

#include "core/eval/datasets.h"
#include "core/eval/learners.h"
#include "core/eval/metrics.h"
#include "core/search/exact.h"
#include "core/util/log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <unordered_map>

namespace synthembed::eval {

namespace {

const std::vector<std::pair<TaskType, std::string>> kNames = {
    {TaskType::Retrieval, "retrieval"}, {TaskType::Sts, "sts"},       {TaskType::Classification, "classification"},
    {TaskType::Clustering, "clustering"}, {TaskType::Pair, "pair"},   {TaskType::Rerank, "rerank"},
    {TaskType::Summarization, "summarization"}, {TaskType::Bitext, "bitext"}};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// numpy's legacy RandomState(seed) (MT19937 seeded by init_genrand) for the draws mteb makes
/// with it: shuffle() is Fisher-Yates from the end with numpy's masked rejection sampling.
class NumpyRandomState {
public:
    explicit NumpyRandomState(std::uint32_t seed) : m_mt(seed) {}
    /// A value in [0, max] (numpy random_interval).
    std::uint64_t interval(std::uint64_t max) {
        if (max == 0) return 0;
        std::uint64_t mask = max;
        for (int s = 1; s <= 32; s *= 2) mask |= mask >> s;
        std::uint64_t v;
        if (max <= 0xffffffffULL) {
            while ((v = (std::uint64_t(m_mt()) & mask)) > max) {}
        } else {
            while ((v = (((std::uint64_t(m_mt()) << 32) | std::uint64_t(m_mt())) & mask)) > max) {}
        }
        return v;
    }
    template <class T>
    void shuffle(std::vector<T>& x) {
        for (std::size_t i = x.size(); i-- > 1;) std::swap(x[i], x[interval(i)]);
    }

private:
    std::mt19937 m_mt;
};

/// Seeded subsample of indexes [0, n) of size m (sorted, so file order is kept).
std::vector<std::size_t> subsample(std::size_t n, std::size_t m, std::uint64_t seed) {
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    if (m == 0 || m >= n) return idx;
    std::mt19937_64 rng(seed);
    std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(m);
    std::sort(idx.begin(), idx.end());
    return idx;
}

double parseDouble(const Table& t, std::size_t row, std::size_t col, const std::string& role) {
    const std::string where = t.path.string() + ":" + std::to_string(t.lines[row]);
    if (col >= t.rows[row].size()) throw Failure("parse", where + ": missing column " + std::to_string(col) + " (" + role + ")");
    const std::string& s = t.rows[row][col];
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0') throw Failure("parse", where + ": " + role + " '" + s + "' is not a number");
    return v;
}

const std::string& cell(const Table& t, std::size_t row, std::size_t col, const std::string& role) {
    if (col >= t.rows[row].size())
        throw Failure("parse", t.path.string() + ":" + std::to_string(t.lines[row]) + ": missing column " +
                                   std::to_string(col) + " (" + role + ")");
    return t.rows[row][col];
}

/// The cosine of a pair for STS and pair classification, with equal rows scoring exactly 1: mteb
/// takes 1 - paired_cosine_distances (scikit-learn: 1 - ||a/|a| - b/|b|||^2 / 2), which is 1 for
/// equal embeddings, so pairs whose texts embed the same tie there (the plain quotient may land
/// an ulp off 1 and break the tie differently, which moves Spearman and AP).
double pairedCosine(const float* a, const float* b, std::size_t d) {
    if (std::equal(a, a + d, b)) return 1.0;
    return cosine(a, b, d);
}

/// Embeds a list of texts once each (duplicates share a row) through the cache.
struct Embedded {
    Matrix vectors;              ///< one row per unique text
    std::vector<std::size_t> of; ///< input index -> row
};
Embedded embedUnique(const std::vector<std::string>& texts,
                     const std::function<Matrix(const std::vector<std::string>&)>& embedRows) {
    Embedded e;
    std::unordered_map<std::string, std::size_t> seen;
    std::vector<std::string> unique;
    e.of.reserve(texts.size());
    for (auto& t : texts) {
        auto [it, inserted] = seen.emplace(t, unique.size());
        if (inserted) unique.push_back(t);
        e.of.push_back(it->second);
    }
    // Raw vectors: pairwise scores use cosine() in double (like the float64 references);
    // the search-based tasks normalise their own copies.
    e.vectors = embedRows(unique);
    return e;
}

enum class Side { Query, Document };

struct Context {
    TextEncoder& enc;
    EmbeddingCache* cache;
    const EvalOptions& o;
    const ProgressHooks& hooks;
    EvalResult& r;
    double embedSeconds = 0;
    /// Texts embedded so far by this task, and all it will embed when known up front (0: the
    /// total grows with each call). Progress reports these counts under the current stage.
    std::int64_t embedDone = 0, embedTotal = 0;

    ProgressHooks embedProgress(const std::string& stage) {
        ProgressHooks h;
        h.shouldStop = hooks.shouldStop;
        h.progress = [this, stage](std::int64_t done, std::int64_t total, const std::string&) {
            hooks.report(embedDone + done, std::max(embedTotal, embedDone + total), stage);
        };
        return h;
    }
    /// Reports a stage after the embedding (scoring, searching) with the final counts.
    void stage(const std::string& name) { hooks.report(embedDone, std::max(embedTotal, embedDone), name); }

    /// Queries (and both sides of symmetric tasks) get the instruction or the model folder's
    /// "query" prompt; documents no instruction, or the folder's "document" prompt.
    Matrix embedSide(const std::vector<std::string>& texts, Side side, const ProgressHooks& h) {
        const auto& prompt = side == Side::Query ? r.queryPrompt : r.documentPrompt;
        if (r.queryPrompt) return embedPrompted(enc, cache, texts, prompt.value_or(""), h);
        return embedTexts(enc, cache, texts, side == Side::Query ? r.instruction : std::string(), h);
    }
    Embedded embed(const std::vector<std::string>& texts, Side side, const std::string& stage = "embedding texts") {
        const auto t0 = Clock::now();
        auto e = embedUnique(texts, [&](const std::vector<std::string>& unique) {
            return embedSide(unique, side, embedProgress(stage));
        });
        embedDone += static_cast<std::int64_t>(e.vectors.rows);
        embedSeconds += since(t0);
        return e;
    }
    Matrix embedAll(const std::vector<std::string>& texts, Side side, const std::string& stage) {
        const auto t0 = Clock::now();
        auto m = embedSide(texts, side, embedProgress(stage));
        embedDone += static_cast<std::int64_t>(texts.size());
        embedSeconds += since(t0);
        return m;
    }
};

void runSts(Context& c) {
    const auto path = splitFile(c.o.data, c.o.split);
    const Table t = readTable(path, {"sentence1", "sentence_A", "score", "relatedness_score"}, 2);
    const auto c1 = resolveColumn(t, c.o.text1Column, {"sentence1", "sentence_A", "s1", "text1"}, 0, "first sentence");
    const auto c2 = resolveColumn(t, c.o.text2Column, {"sentence2", "sentence_B", "s2", "text2"}, 1, "second sentence");
    const auto cs = resolveColumn(t, c.o.scoreColumn, {"score", "relatedness_score", "similarity", "label"}, 2, "score");
    const auto idx = subsample(t.rows.size(), c.o.quick, c.o.seed);
    std::vector<std::string> texts;
    std::vector<double> gold;
    for (auto i : idx) {
        texts.push_back(cell(t, i, c1, "first sentence"));
        texts.push_back(cell(t, i, c2, "second sentence"));
        gold.push_back(parseDouble(t, i, cs, "score"));
    }
    if (gold.empty()) throw Failure("dataset", path.string() + ": no pairs");
    double lo = *std::min_element(gold.begin(), gold.end()), hi = *std::max_element(gold.begin(), gold.end());
    if (c.o.scoreRange) std::tie(lo, hi) = *c.o.scoreRange;
    for (auto& g : gold) g = hi > lo ? (g - lo) / (hi - lo) : 0.0;
    auto e = c.embed(texts, Side::Query);
    const auto t0 = Clock::now();
    std::vector<double> cos(gold.size());
    for (std::size_t i = 0; i < gold.size(); ++i)
        cos[i] = pairedCosine(e.vectors.row(e.of[2 * i]), e.vectors.row(e.of[2 * i + 1]), e.vectors.cols);
    c.r.metrics["cosine_spearman"] = spearman(cos, gold);
    c.r.metrics["cosine_pearson"] = pearson(cos, gold);
    c.r.mainMetric = "cosine_spearman";
    c.r.counts["pairs"] = double(gold.size());
    c.r.perItem.statistic = "spearman";
    for (std::size_t i = 0; i < idx.size(); ++i) c.r.perItem.ids.push_back(std::to_string(t.lines[idx[i]]));
    c.r.perItem.values = cos;
    c.r.perItem.gold = gold;
    c.r.timings["score"] = since(t0);
}

void runRetrieval(Context& c) {
    auto d = readBeir(c.o.data, c.o.split);
    c.r.counts["queries_total"] = double(d.queryIds.size());
    c.r.counts["documents_total"] = double(d.docIds.size());
    // Quick mode: a seeded subset of queries, and a corpus of their relevant documents plus a
    // seeded sample of the others (10 per query, at least 1000) so scores stay meaningful.
    auto qIdx = subsample(d.queryIds.size(), c.o.quick, c.o.seed);
    std::vector<std::size_t> dIdx(d.docIds.size());
    std::iota(dIdx.begin(), dIdx.end(), 0);
    if (c.o.quick > 0) {
        std::set<std::string> needed;
        for (auto q : qIdx)
            for (auto& [doc, rel] : d.qrels[d.queryIds[q]]) needed.insert(doc);
        std::vector<std::size_t> rel, others;
        for (std::size_t i = 0; i < d.docIds.size(); ++i) (needed.count(d.docIds[i]) ? rel : others).push_back(i);
        const std::size_t want = std::max<std::size_t>(1000, 10 * c.o.quick);
        auto pick = subsample(others.size(), want > rel.size() ? want - rel.size() : 0, c.o.seed + 1);
        dIdx = rel;
        if (want > rel.size())
            for (auto p : pick) dIdx.push_back(others[p]);
        std::sort(dIdx.begin(), dIdx.end());
    }
    std::vector<std::string> docs, queries;
    for (auto i : dIdx) docs.push_back(d.docTexts[i]);
    for (auto i : qIdx) queries.push_back(d.queryTexts[i]);
    auto ed = c.embed(docs, Side::Document, "embedding documents");
    auto eq = c.embed(queries, Side::Query, "embedding queries");
    c.stage("searching");
    const auto t0 = Clock::now();
    const std::size_t kMax = std::size_t(*std::max_element(c.o.ks.begin(), c.o.ks.end()));
    // Rows of unique documents: duplicates (same text) share a row, so search over all documents
    // by expanding to per-document rows.
    Matrix docMat = ed.vectors.gather(ed.of);
    Matrix qMat = eq.vectors.gather(eq.of);
    normalizeRows(docMat);
    normalizeRows(qMat);
    search::ExactSearchOptions so;
    // mteb 2.x keeps a hit whose id equals the query id except where a task says otherwise
    // (ArguAna and Quora set ignore_identical_ids).
    const std::string name = lower(c.r.dataset);
    const bool ignoreIdentical = c.o.ignoreIdenticalIds.value_or(name.find("arguana") != std::string::npos ||
                                                                 name.find("quora") != std::string::npos);
    so.k = std::min(docs.size(), kMax + (ignoreIdentical ? 1 : 0)); // +1: the query's own id may be dropped
    auto hits = search::exactSearch(docMat, qMat, so, c.hooks);
    std::vector<std::map<std::string, double>> per;
    for (std::size_t q = 0; q < qIdx.size(); ++q) {
        const std::string& qid = d.queryIds[qIdx[q]];
        Ranking run;
        for (auto& h : hits[q]) {
            const std::string& did = d.docIds[dIdx[std::size_t(h.row)]];
            if (ignoreIdentical && did == qid) continue;
            if (run.size() < kMax) run.emplace_back(did, double(h.score));
        }
        per.push_back(retrievalMetrics(d.qrels[qid], std::move(run), c.o.ks));
        c.r.perItem.ids.push_back(qid);
        c.r.perItem.values.push_back(per.back()["ndcg_at_10"]);
    }
    c.r.metrics = meanMetrics(per);
    c.r.mainMetric = "ndcg_at_10";
    c.r.perItem.statistic = "mean";
    c.r.counts["queries"] = double(qIdx.size());
    c.r.counts["documents"] = double(dIdx.size());
    c.r.timings["score"] = since(t0);
}

struct Labelled {
    std::vector<std::string> texts;
    std::vector<std::string> labels;
};
Labelled readLabelled(const std::filesystem::path& path, const EvalOptions& o) {
    const Table t = readTable(path, {"text", "label", "category", "sentence"}, -1);
    const auto ct = resolveColumn(t, o.textColumn, {"text", "sentence", "sentences"}, 0, "text");
    const auto cl = resolveColumn(t, o.labelColumn, {"label", "category", "label_text", "intent"}, 1, "label");
    Labelled l;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        l.texts.push_back(cell(t, i, ct, "text"));
        l.labels.push_back(cell(t, i, cl, "label"));
    }
    if (l.texts.empty()) throw Failure("dataset", path.string() + ": no rows");
    return l;
}

void runClassification(Context& c) {
    const auto testPath = splitFile(c.o.data, c.o.split);
    std::filesystem::path trainPath = c.o.trainData;
    if (trainPath.empty()) {
        if (!std::filesystem::is_directory(c.o.data))
            throw Failure("dataset", "classification needs train data: give a folder with train and " + c.o.split +
                                      " files, or the train file separately");
        trainPath = splitFile(c.o.data, "train");
    }
    auto train = readLabelled(trainPath, c.o), test = readLabelled(testPath, c.o);
    std::map<std::string, int> labelIds;
    for (auto* l : {&train.labels, &test.labels})
        for (auto& s : *l) labelIds.emplace(s, 0);
    int next = 0;
    for (auto& [s, id] : labelIds) id = next++;
    auto testIdx = subsample(test.texts.size(), c.o.quick, c.o.seed);
    std::vector<std::string> testTexts;
    std::vector<int> testY;
    for (auto i : testIdx) {
        testTexts.push_back(test.texts[i]);
        testY.push_back(labelIds[test.labels[i]]);
    }
    // MTEB (AbsTaskClassification._undersample_data): per experiment, shuffle the train indexes
    // left by the previous experiment with a fresh numpy RandomState(seed), and keep the first k
    // of each label in that order; the same draws as mteb, so the same training sets.
    std::vector<std::size_t> order(train.texts.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<std::vector<std::size_t>> experiments;
    std::set<std::size_t> used;
    for (int e = 0; e < c.o.nExperiments; ++e) {
        NumpyRandomState rng(static_cast<std::uint32_t>(c.o.seed));
        rng.shuffle(order);
        std::map<std::string, int> taken;
        std::vector<std::size_t> pick;
        for (auto i : order)
            if (taken[train.labels[i]]++ < c.o.samplesPerLabel) pick.push_back(i);
        used.insert(pick.begin(), pick.end());
        experiments.push_back(std::move(pick));
    }
    std::vector<std::size_t> usedList(used.begin(), used.end());
    std::unordered_map<std::size_t, std::size_t> rowOf;
    std::vector<std::string> trainTexts;
    for (auto i : usedList) {
        rowOf[i] = trainTexts.size();
        trainTexts.push_back(train.texts[i]);
    }
    // MTEB's logistic regression uses the raw (not normalised) embeddings.
    c.embedTotal = static_cast<std::int64_t>(trainTexts.size() + testTexts.size());
    Matrix trainEmb = c.embedAll(trainTexts, Side::Query, "embedding train texts");
    Matrix testEmb = c.embedAll(testTexts, Side::Query, "embedding test texts");
    c.stage("scoring");
    const auto t0 = Clock::now();
    double accSum = 0, f1Sum = 0;
    std::vector<double> correct(testY.size(), 0.0);
    for (auto& pick : experiments) {
        std::vector<std::size_t> rows;
        std::vector<int> y;
        for (auto i : pick) {
            rows.push_back(rowOf[i]);
            y.push_back(labelIds[train.labels[i]]);
        }
        // Like scikit-learn, the classes are the labels of this training sample (sorted), not all
        // labels of the data set: a label without training texts gets no weights.
        std::vector<int> classes(y.begin(), y.end());
        std::sort(classes.begin(), classes.end());
        classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
        for (auto& v : y) v = int(std::lower_bound(classes.begin(), classes.end(), v) - classes.begin());
        LogisticRegression lr;
        LogisticRegressionOptions lo;
        lo.maxIterations = c.o.maxIterations;
        lr.fit(trainEmb.gather(rows), y, int(classes.size()), lo);
        auto pred = lr.predict(testEmb);
        for (auto& v : pred) v = classes[std::size_t(v)];
        accSum += accuracy(testY, pred);
        f1Sum += f1Macro(testY, pred);
        for (std::size_t i = 0; i < pred.size(); ++i) correct[i] += pred[i] == testY[i];
        if (c.hooks.stopRequested()) throw Failure("cancelled", "evaluation cancelled");
    }
    const double n = double(experiments.size());
    c.r.metrics["accuracy"] = accSum / n;
    c.r.metrics["f1"] = f1Sum / n;
    c.r.mainMetric = "accuracy";
    c.r.perItem.statistic = "mean";
    for (std::size_t i = 0; i < testIdx.size(); ++i) {
        c.r.perItem.ids.push_back(std::to_string(testIdx[i]));
        c.r.perItem.values.push_back(correct[i] / n);
    }
    c.r.counts["train_texts_embedded"] = double(trainTexts.size());
    c.r.counts["test"] = double(testTexts.size());
    c.r.counts["labels"] = double(next);
    c.r.timings["score"] = since(t0);
}

void runClustering(Context& c) {
    const auto path = splitFile(c.o.data, c.o.split);
    auto l = readLabelled(path, c.o);
    auto idx = subsample(l.texts.size(), c.o.quick, c.o.seed);
    std::vector<std::string> texts;
    std::map<std::string, int> labelIds;
    for (auto i : idx) labelIds.emplace(l.labels[i], 0);
    int next = 0;
    for (auto& [s, id] : labelIds) id = next++;
    std::vector<int> y;
    for (auto i : idx) {
        texts.push_back(l.texts[i]);
        y.push_back(labelIds[l.labels[i]]);
    }
    Matrix emb = c.embedAll(texts, Side::Query, "embedding texts");
    c.stage("clustering");
    const auto t0 = Clock::now();
    KMeansOptions ko;
    ko.k = next;
    ko.seed = c.o.seed;
    auto pred = miniBatchKMeans(emb, ko);
    auto v = vMeasure(y, pred);
    c.r.metrics["v_measure"] = v.vMeasure;
    c.r.metrics["homogeneity"] = v.homogeneity;
    c.r.metrics["completeness"] = v.completeness;
    c.r.mainMetric = "v_measure";
    c.r.perItem.statistic = "vmeasure";
    for (std::size_t i = 0; i < idx.size(); ++i) {
        c.r.perItem.ids.push_back(std::to_string(idx[i]));
        c.r.perItem.values.push_back(pred[i]);
        c.r.perItem.gold.push_back(y[i]);
    }
    c.r.counts["texts"] = double(texts.size());
    c.r.counts["clusters"] = double(next);
    c.r.timings["score"] = since(t0);
}

void runPair(Context& c) {
    const auto path = splitFile(c.o.data, c.o.split);
    const Table t = readTable(path, {"sentence1", "label", "sent1"}, 2);
    const auto c1 = resolveColumn(t, c.o.text1Column, {"sentence1", "sent1", "text1", "sentence_A"}, 0, "first sentence");
    const auto c2 = resolveColumn(t, c.o.text2Column, {"sentence2", "sent2", "text2", "sentence_B"}, 1, "second sentence");
    const auto cl = resolveColumn(t, c.o.labelColumn, {"label", "labels", "is_duplicate"}, 2, "label");
    auto idx = subsample(t.rows.size(), c.o.quick, c.o.seed);
    std::vector<std::string> texts;
    std::vector<int> labels;
    for (auto i : idx) {
        texts.push_back(cell(t, i, c1, "first sentence"));
        texts.push_back(cell(t, i, c2, "second sentence"));
        labels.push_back(parseDouble(t, i, cl, "label") > 0.5 ? 1 : 0);
    }
    auto e = c.embed(texts, Side::Query);
    const auto t0 = Clock::now();
    std::vector<double> cos(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i)
        cos[i] = pairedCosine(e.vectors.row(e.of[2 * i]), e.vectors.row(e.of[2 * i + 1]), e.vectors.cols);
    c.r.metrics["cos_sim_ap"] = averagePrecision(labels, cos);
    // mteb 2.x's main score for pair classification is max_ap: the best AP of cosine, dot product,
    // and negated Euclidean and Manhattan distances on the raw embeddings.
    {
        const std::size_t d = e.vectors.cols;
        std::vector<double> dot(labels.size()), euc(labels.size()), man(labels.size());
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const float* a = e.vectors.row(e.of[2 * i]);
            const float* b = e.vectors.row(e.of[2 * i + 1]);
            double sd = 0, se = 0, sm = 0;
            for (std::size_t k = 0; k < d; ++k) {
                const double t = double(a[k]) - double(b[k]);
                sd += double(a[k]) * b[k];
                se += t * t;
                sm += std::abs(t);
            }
            dot[i] = sd;
            euc[i] = -std::sqrt(se);
            man[i] = -sm;
        }
        c.r.metrics["dot_ap"] = averagePrecision(labels, dot);
        c.r.metrics["euclidean_ap"] = averagePrecision(labels, euc);
        c.r.metrics["manhattan_ap"] = averagePrecision(labels, man);
        c.r.metrics["max_ap"] = std::max({c.r.metrics["cos_sim_ap"], c.r.metrics["dot_ap"], c.r.metrics["euclidean_ap"],
                                          c.r.metrics["manhattan_ap"]});
    }
    auto acc = bestAccuracy(labels, cos);
    auto f1 = bestF1(labels, cos);
    c.r.metrics["cos_sim_accuracy"] = acc.value;
    c.r.metrics["cos_sim_accuracy_threshold"] = acc.threshold;
    c.r.metrics["cos_sim_f1"] = f1.f1;
    c.r.metrics["cos_sim_precision"] = f1.precision;
    c.r.metrics["cos_sim_recall"] = f1.recall;
    c.r.metrics["cos_sim_f1_threshold"] = f1.threshold;
    c.r.mainMetric = "cos_sim_ap";
    c.r.perItem.statistic = "ap";
    for (std::size_t i = 0; i < idx.size(); ++i) {
        c.r.perItem.ids.push_back(std::to_string(t.lines[idx[i]]));
        c.r.perItem.values.push_back(cos[i]);
        c.r.perItem.gold.push_back(labels[i]);
    }
    c.r.counts["pairs"] = double(labels.size());
    c.r.timings["score"] = since(t0);
}

std::vector<std::string> stringList(const nlohmann::json& j, const char* key, const std::string& where) {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end()) return out;
    if (it->is_string()) return {it->get<std::string>()};
    if (!it->is_array()) throw Failure("parse", where + ": '" + key + "' must be a list of strings");
    for (auto& v : *it) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    return out;
}

// Calls fn(object, "<path>:<line>", line) for every JSON line of a task file; invalid JSON is an
// error naming the line.
template <class Fn>
void forEachJsonObject(const std::filesystem::path& path, Fn&& fn) {
    for (auto& [n, text] : readJsonLines(path)) {
        const std::string where = path.string() + ":" + std::to_string(n);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(text);
        } catch (const std::exception& e) {
            throw Failure("parse", where + ": invalid JSON: " + e.what());
        }
        fn(j, where, n);
    }
}

void runRerank(Context& c) {
    const auto path = splitFile(c.o.data, c.o.split);
    struct Instance {
        std::string query;
        std::vector<std::string> pos, neg;
        std::size_t line;
    };
    std::vector<Instance> all;
    forEachJsonObject(path, [&](const nlohmann::json& j, const std::string& where, std::size_t n) {
        Instance in{j.value("query", ""), stringList(j, "positive", where), stringList(j, "negative", where), n};
        if (in.query.empty()) throw Failure("parse", where + ": missing 'query'");
        if (in.pos.empty() || in.neg.empty()) return; // MTEB skips instances without both
        all.push_back(std::move(in));
    });
    auto idx = subsample(all.size(), c.o.quick, c.o.seed);
    std::vector<std::string> queries, docs;
    for (auto i : idx) {
        queries.push_back(all[i].query);
        for (auto& p : all[i].pos) docs.push_back(p);
        for (auto& p : all[i].neg) docs.push_back(p);
    }
    auto eq = c.embed(queries, Side::Query, "embedding queries");
    auto ed = c.embed(docs, Side::Document, "embedding documents");
    c.stage("scoring");
    const auto t0 = Clock::now();
    // mteb 2.x scores reranking as retrieval over each query's candidates (AbsTaskReranking):
    // documents "apositive_<query>_<i>" (relevance 1) and "negative_<query>_<i>" (0), pytrec_eval's
    // MAP@1000, nDCG and mteb's MRR, ties ordered by document id descending like trec_eval.
    static const std::vector<int> kRerankKs = {1, 3, 5, 10, 20, 100, 1000};
    std::size_t off = 0;
    std::vector<std::map<std::string, double>> per;
    for (std::size_t q = 0; q < idx.size(); ++q) {
        auto& in = all[idx[q]];
        const std::string qid = "test_query" + std::to_string(q);
        auto docId = [&](bool positive, std::size_t i) {
            std::string n = std::to_string(i);
            return (positive ? "apositive_" : "negative_") + qid + "_" + std::string(n.size() < 5 ? 5 - n.size() : 0, '0') + n;
        };
        Qrels qrels;
        Ranking run;
        const float* qv = eq.vectors.row(eq.of[q]);
        for (std::size_t j = 0; j < in.pos.size() + in.neg.size(); ++j) {
            const bool positive = j < in.pos.size();
            const std::string id = docId(positive, positive ? j : j - in.pos.size());
            qrels[id] = positive ? 1 : 0;
            run.emplace_back(id, cosine(qv, ed.vectors.row(ed.of[off + j]), ed.vectors.cols));
        }
        off += in.pos.size() + in.neg.size();
        per.push_back(retrievalMetrics(qrels, std::move(run), kRerankKs));
        c.r.perItem.ids.push_back(std::to_string(in.line));
        c.r.perItem.values.push_back(per.back()["map_at_1000"]);
    }
    c.r.metrics = meanMetrics(per);
    c.r.metrics["map"] = c.r.metrics["map_at_1000"]; // the name results before mteb 2.x used
    c.r.mainMetric = "map_at_1000";
    c.r.perItem.statistic = "mean";
    c.r.counts["queries"] = double(idx.size());
    c.r.counts["documents"] = double(docs.size());
    c.r.timings["score"] = since(t0);
}

void runSummarization(Context& c) {
    const auto path = splitFile(c.o.data, c.o.split);
    struct Item {
        std::vector<std::string> human, machine;
        std::vector<double> relevance;
        std::size_t line;
    };
    std::vector<Item> all;
    forEachJsonObject(path, [&](const nlohmann::json& j, const std::string& where, std::size_t n) {
        Item it{stringList(j, "human_summaries", where), stringList(j, "machine_summaries", where), {}, n};
        if (j.contains("relevance"))
            for (auto& v : j.at("relevance")) it.relevance.push_back(v.get<double>());
        if (it.human.empty() || it.machine.empty() || it.relevance.size() != it.machine.size())
            throw Failure("parse", where + ": need human_summaries, machine_summaries and one relevance per machine summary");
        all.push_back(std::move(it));
    });
    auto idx = subsample(all.size(), c.o.quick, c.o.seed);
    std::vector<std::string> texts;
    for (auto i : idx) {
        for (auto& s : all[i].human) texts.push_back(s);
        for (auto& s : all[i].machine) texts.push_back(s);
    }
    auto e = c.embed(texts, Side::Query);
    const auto t0 = Clock::now();
    std::size_t off = 0;
    double spSum = 0, peSum = 0;
    std::size_t counted = 0;
    for (auto i : idx) {
        auto& it = all[i];
        std::vector<double> scores, dots;
        const std::size_t d = e.vectors.cols;
        for (std::size_t m = 0; m < it.machine.size(); ++m) {
            const float* mv = e.vectors.row(e.of[off + it.human.size() + m]);
            double best = -2, bestDot = -std::numeric_limits<double>::infinity();
            for (std::size_t h = 0; h < it.human.size(); ++h) {
                const float* hv = e.vectors.row(e.of[off + h]);
                best = std::max(best, cosine(mv, hv, d));
                double dot = 0;
                for (std::size_t k = 0; k < d; ++k) dot += double(mv[k]) * hv[k];
                bestDot = std::max(bestDot, dot);
            }
            scores.push_back(best);
            dots.push_back(bestDot);
        }
        off += it.human.size() + it.machine.size();
        // mteb skips a text whose relevance scores, best cosines or best dot products are all
        // equal (a correlation with a constant is undefined).
        auto constant = [](const std::vector<double>& v) {
            return std::adjacent_find(v.begin(), v.end(), std::not_equal_to<>()) == v.end();
        };
        if (constant(it.relevance) || constant(scores) || constant(dots)) continue;
        const double sp = spearman(scores, it.relevance);
        spSum += sp;
        peSum += pearson(scores, it.relevance);
        ++counted;
        c.r.perItem.ids.push_back(std::to_string(it.line));
        c.r.perItem.values.push_back(sp);
    }
    const double n = std::max<double>(1, counted);
    c.r.metrics["cosine_spearman"] = spSum / n;
    c.r.metrics["cosine_pearson"] = peSum / n;
    c.r.mainMetric = "cosine_spearman";
    c.r.perItem.statistic = "mean";
    c.r.counts["texts"] = double(counted);
    c.r.timings["score"] = since(t0);
}

void runBitext(Context& c) {
    const auto path = splitFile(c.o.data, c.o.split);
    const Table t = readTable(path, {"sentence1", "sentence2", "source", "target"}, -1);
    const auto c1 = resolveColumn(t, c.o.text1Column, {"sentence1", "source", "src", "text1"}, 0, "source sentence");
    const auto c2 = resolveColumn(t, c.o.text2Column, {"sentence2", "target", "tgt", "text2"}, 1, "target sentence");
    auto idx = subsample(t.rows.size(), c.o.quick, c.o.seed);
    std::vector<std::string> s1, s2;
    for (auto i : idx) {
        s1.push_back(cell(t, i, c1, "source sentence"));
        s2.push_back(cell(t, i, c2, "target sentence"));
    }
    auto e1 = c.embed(s1, Side::Query);
    auto e2 = c.embed(s2, Side::Query);
    const auto t0 = Clock::now();
    Matrix a = e1.vectors.gather(e1.of), b = e2.vectors.gather(e2.of);
    normalizeRows(a);
    normalizeRows(b);
    search::ExactSearchOptions so;
    so.k = 1;
    auto hits = search::exactSearch(b, a, so, c.hooks);
    std::vector<int> gold(idx.size()), pred(idx.size());
    for (std::size_t i = 0; i < idx.size(); ++i) {
        gold[i] = int(i);
        pred[i] = hits[i].empty() ? -1 : int(hits[i][0].row);
    }
    c.r.metrics["accuracy"] = accuracy(gold, pred);
    c.r.metrics["f1"] = f1Macro(gold, pred);
    c.r.mainMetric = "f1";
    c.r.perItem.statistic = "f1macro";
    for (std::size_t i = 0; i < idx.size(); ++i) {
        c.r.perItem.ids.push_back(std::to_string(t.lines[idx[i]]));
        c.r.perItem.values.push_back(pred[i]);
        c.r.perItem.gold.push_back(gold[i]);
    }
    c.r.counts["pairs"] = double(idx.size());
    c.r.timings["score"] = since(t0);
}

std::string datasetName(const EvalOptions& o) {
    if (!o.dataset.empty()) return o.dataset;
    auto p = o.data;
    if (p.filename().empty()) p = p.parent_path();
    if (std::filesystem::is_directory(p)) return p.filename().string();
    auto parent = p.parent_path().filename().string();
    return parent.empty() || parent == "." ? p.stem().string() : parent;
}

} // namespace

std::string toString(TaskType t) {
    for (auto& [k, v] : kNames)
        if (k == t) return v;
    return "unknown";
}

std::optional<TaskType> parseTaskType(const std::string& s) {
    for (auto& [k, v] : kNames)
        if (v == lower(s)) return k;
    if (lower(s) == "reranking") return TaskType::Rerank;
    if (lower(s) == "pair-classification" || lower(s) == "pairclassification") return TaskType::Pair;
    return std::nullopt;
}

std::vector<std::string> taskTypeNames() {
    std::vector<std::string> out;
    for (auto& [k, v] : kNames) out.push_back(v);
    return out;
}

std::string defaultInstruction(TaskType type, const std::string& dataset) {
    // e5-mistral's per-dataset task definitions (../shared/published_scores/e5_mistral_task_instructions.md)
    static const std::vector<std::pair<std::string, std::string>> perDataset = {
        {"scifact", "Given a scientific claim, retrieve documents that support or refute the claim"},
        {"nfcorpus", "Given a question, retrieve relevant documents that best answer the question"},
        {"arguana", "Given a claim, find documents that refute the claim"},
        {"banking77", "Given a online banking query, find the corresponding intents"},
        {"twentynewsgroups", "Identify the topic or theme of the given news articles"},
        {"askubuntu", "Retrieve duplicate questions from AskUbuntu forum"},
        {"sprint", "Retrieve duplicate questions from Sprint forum"},
        {"summeval", "Given a news summary, retrieve other semantically similar summaries"},
    };
    const std::string d = lower(dataset);
    for (auto& [key, instr] : perDataset)
        if (d.find(key) != std::string::npos) return instr;
    switch (type) {
    case TaskType::Sts: return "Retrieve semantically similar text.";
    case TaskType::Bitext: return "Retrieve parallel sentences.";
    case TaskType::Summarization: return "Given a news summary, retrieve other semantically similar summaries";
    case TaskType::Retrieval: return "Given a query, retrieve relevant documents that answer the query";
    case TaskType::Classification: return "Classify the given text into its category";
    case TaskType::Clustering: return "Identify the topic or theme of the given texts";
    case TaskType::Pair: return "Retrieve semantically similar text.";
    case TaskType::Rerank: return "Given a query, retrieve relevant documents that answer the query";
    }
    return {};
}

Result<EvalResult> runEval(TextEncoder& encoder, EmbeddingCache* cache, const EvalOptions& options,
                           const ProgressHooks& hooks) {
    return guarded([&]() -> EvalResult {
        const auto t0 = Clock::now();
        EvalResult r;
        r.taskType = toString(options.type);
        r.dataset = datasetName(options);
        r.split = options.split;
        r.modelFingerprint = encoder.fingerprint();
        r.modelFiles = encoder.modelFiles();
        r.pooling = encoder.pooling();
        r.instruction = options.instruction ? *options.instruction : defaultInstruction(options.type, r.dataset);
        // No instruction given and a model folder with sentence-transformers prompts: its "query"
        // prompt replaces the dataset's instruction (documents get its "document" prompt).
        if (!options.instruction) {
            const auto prompts = encoder.prompts();
            if (auto q = prompts.find("query"); q != prompts.end()) {
                r.instruction.clear();
                r.queryPrompt = q->second;
                if (auto d = prompts.find("document"); d != prompts.end()) r.documentPrompt = d->second;
                log::info("eval: queries get the model folder's \"query\" prompt instead of an instruction",
                          r.documentPrompt ? ", documents its \"document\" prompt" : "");
            }
        }
        r.quick = options.quick;
        r.seed = options.seed;
        const auto before = cache ? cache->stats() : EmbeddingCache::Stats{};
        Context c{encoder, cache, options, hooks, r};
        switch (options.type) {
        case TaskType::Sts: runSts(c); break;
        case TaskType::Retrieval: runRetrieval(c); break;
        case TaskType::Classification: runClassification(c); break;
        case TaskType::Clustering: runClustering(c); break;
        case TaskType::Pair: runPair(c); break;
        case TaskType::Rerank: runRerank(c); break;
        case TaskType::Summarization: runSummarization(c); break;
        case TaskType::Bitext: runBitext(c); break;
        }
        if (!options.mainMetric.empty()) {
            if (!r.metrics.count(options.mainMetric))
                throw Failure("invalid", "main metric '" + options.mainMetric + "' is not one that " + r.taskType +
                                             " evaluation computes");
            r.mainMetric = options.mainMetric;
        }
        r.mainScore = r.metrics.at(r.mainMetric);
        r.timings["embed"] = c.embedSeconds;
        r.timings["total"] = since(t0);
        if (cache) {
            r.counts["cache_hits"] = double(cache->stats().hits - before.hits);
            r.counts["cache_misses"] = double(cache->stats().misses - before.misses);
        }
        log::info("eval ", r.taskType, " ", r.dataset, "/", r.split, ": ", r.mainMetric, " = ", r.mainScore);
        return r;
    }, "internal");
}

double perItemStatistic(const PerItem& p, const std::vector<std::size_t>& idx) {
    std::vector<double> v, g;
    v.reserve(idx.size());
    for (auto i : idx) {
        v.push_back(p.values.at(i));
        if (!p.gold.empty()) g.push_back(p.gold.at(i));
    }
    auto ints = [](const std::vector<double>& x) {
        std::vector<int> o(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) o[i] = int(std::lround(x[i]));
        return o;
    };
    if (p.statistic == "mean") return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    if (p.statistic == "spearman") return spearman(v, g);
    if (p.statistic == "pearson") return pearson(v, g);
    if (p.statistic == "ap") return averagePrecision(ints(g), v);
    if (p.statistic == "vmeasure") return vMeasure(ints(g), ints(v)).vMeasure;
    if (p.statistic == "f1macro") return f1Macro(ints(g), ints(v));
    if (p.statistic == "accuracy") return accuracy(ints(g), ints(v));
    throw Failure("invalid", "unknown per-item statistic '" + p.statistic + "'");
}

} // namespace synthembed::eval
