#include "core/eval/metrics.h"

#include "core/util/result.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <unordered_map>

namespace synthembed::eval {

std::vector<double> rankAverage(const std::vector<double>& x) {
    const std::size_t n = x.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::vector<double> ranks(n);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && x[order[j + 1]] == x[order[i]]) ++j;
        const double r = (double(i) + double(j)) / 2.0 + 1.0;
        for (std::size_t t = i; t <= j; ++t) ranks[order[t]] = r;
        i = j + 1;
    }
    return ranks;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) throw Failure("internal", "pearson: sizes differ");
    const std::size_t n = x.size();
    if (n < 2) return 0.0;
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
    const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx <= 0 || syy <= 0) return 0.0;
    return sxy / std::sqrt(sxx * syy);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
    return pearson(rankAverage(x), rankAverage(y));
}

double averagePrecision(const std::vector<int>& labels, const std::vector<double>& scores) {
    if (labels.size() != scores.size()) throw Failure("internal", "averagePrecision: sizes differ");
    const std::size_t n = labels.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    const double positives = std::count_if(labels.begin(), labels.end(), [](int l) { return l > 0; });
    if (positives == 0) return 0.0;
    double tp = 0, fp = 0, prevTp = 0, ap = 0;
    for (std::size_t i = 0; i < n; ++i) {
        (labels[order[i]] > 0 ? tp : fp) += 1;
        // sklearn evaluates precision once per distinct score (after the whole tie group).
        if (i + 1 < n && scores[order[i + 1]] == scores[order[i]]) continue;
        ap += (tp - prevTp) / positives * (tp / (tp + fp));
        prevTp = tp;
    }
    return ap;
}

namespace {
std::vector<std::size_t> sortedDescStable(const std::vector<double>& scores) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    return order;
}
} // namespace

ThresholdMetric bestAccuracy(const std::vector<int>& labels, const std::vector<double>& scores) {
    const auto order = sortedDescStable(scores);
    const std::size_t n = labels.size();
    double positiveSoFar = 0;
    double remainingNegatives = std::count_if(labels.begin(), labels.end(), [](int l) { return l <= 0; });
    ThresholdMetric best{0.0, -1.0};
    for (std::size_t i = 0; i + 1 < n; ++i) {
        if (labels[order[i]] > 0) positiveSoFar += 1;
        else remainingNegatives -= 1;
        // A threshold cannot split tied scores (mteb 2.x): otherwise their row order would count.
        if (scores[order[i]] == scores[order[i + 1]]) continue;
        const double acc = (positiveSoFar + remainingNegatives) / double(n);
        if (acc > best.value) best = {acc, (scores[order[i]] + scores[order[i + 1]]) / 2};
    }
    return best;
}

BestF1 bestF1(const std::vector<int>& labels, const std::vector<double>& scores) {
    const auto order = sortedDescStable(scores);
    const std::size_t n = labels.size();
    const double totalPositives = std::count_if(labels.begin(), labels.end(), [](int l) { return l > 0; });
    BestF1 best;
    double extracted = 0, correct = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        extracted += 1;
        if (labels[order[i]] > 0) correct += 1;
        if (scores[order[i]] == scores[order[i + 1]]) continue; // no threshold between tied scores
        if (correct <= 0) continue;
        const double p = correct / extracted, r = correct / totalPositives;
        const double f1 = 2 * p * r / (p + r);
        if (f1 > best.f1) best = {f1, p, r, (scores[order[i]] + scores[order[i + 1]]) / 2};
    }
    return best;
}

double accuracy(const std::vector<int>& truth, const std::vector<int>& pred) {
    if (truth.size() != pred.size()) throw Failure("internal", "accuracy: sizes differ");
    if (truth.empty()) return 0.0;
    std::size_t ok = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) ok += truth[i] == pred[i];
    return double(ok) / truth.size();
}

double f1Macro(const std::vector<int>& truth, const std::vector<int>& pred) {
    if (truth.size() != pred.size()) throw Failure("internal", "f1Macro: sizes differ");
    std::set<int> classes(truth.begin(), truth.end());
    classes.insert(pred.begin(), pred.end());
    if (classes.empty()) return 0.0;
    std::unordered_map<int, double> tp, fp, fn;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (truth[i] == pred[i]) tp[truth[i]] += 1;
        else {
            fp[pred[i]] += 1;
            fn[truth[i]] += 1;
        }
    }
    double sum = 0;
    for (int c : classes) {
        const double denom = 2 * tp[c] + fp[c] + fn[c];
        sum += denom > 0 ? 2 * tp[c] / denom : 0.0;
    }
    return sum / classes.size();
}

VMeasure vMeasure(const std::vector<int>& truth, const std::vector<int>& pred) {
    if (truth.size() != pred.size()) throw Failure("internal", "vMeasure: sizes differ");
    const double n = double(truth.size());
    VMeasure v;
    if (truth.empty()) return {1.0, 1.0, 1.0};
    std::map<int, double> ct, cp;
    std::map<std::pair<int, int>, double> joint;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        ct[truth[i]] += 1;
        cp[pred[i]] += 1;
        joint[{truth[i], pred[i]}] += 1;
    }
    auto entropy = [n](const std::map<int, double>& c) {
        double h = 0;
        for (auto& [k, cnt] : c) h -= cnt / n * (std::log(cnt) - std::log(n));
        return h;
    };
    const double hc = entropy(ct), hk = entropy(cp);
    double mi = 0;
    for (auto& [key, nij] : joint)
        mi += nij / n * (std::log(nij) + std::log(n) - std::log(ct[key.first]) - std::log(cp[key.second]));
    mi = std::max(mi, 0.0);
    v.homogeneity = hc == 0 ? 1.0 : mi / hc;
    v.completeness = hk == 0 ? 1.0 : mi / hk;
    v.vMeasure = (v.homogeneity + v.completeness) == 0
                     ? 0.0
                     : 2 * v.homogeneity * v.completeness / (v.homogeneity + v.completeness);
    return v;
}

std::map<std::string, double> retrievalMetrics(const Qrels& qrels, Ranking run, const std::vector<int>& ks) {
    // trec_eval: score descending, then document id descending.
    std::sort(run.begin(), run.end(), [](const auto& a, const auto& b) {
        if (a.second != b.second) return a.second > b.second;
        return a.first > b.first;
    });
    std::vector<int> ideal;
    double numRel = 0;
    for (auto& [doc, rel] : qrels) {
        if (rel > 0) ideal.push_back(rel);
        if (rel >= 1) numRel += 1;
    }
    std::sort(ideal.rbegin(), ideal.rend());
    std::vector<int> rels(run.size());
    for (std::size_t i = 0; i < run.size(); ++i) {
        auto it = qrels.find(run[i].first);
        rels[i] = it == qrels.end() ? 0 : it->second;
    }
    std::map<std::string, double> out;
    for (int k : ks) {
        const std::string s = std::to_string(k);
        double dcg = 0, idcg = 0, hits = 0, apSum = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>(k, rels.size()); ++i) {
            if (rels[i] > 0) dcg += rels[i] / std::log2(double(i) + 2.0);
            if (rels[i] >= 1) {
                hits += 1;
                apSum += hits / double(i + 1);
            }
        }
        for (std::size_t i = 0; i < std::min<std::size_t>(k, ideal.size()); ++i) idcg += ideal[i] / std::log2(double(i) + 2.0);
        out["ndcg_at_" + s] = idcg > 0 ? dcg / idcg : 0.0;
        out["map_at_" + s] = numRel > 0 ? apSum / numRel : 0.0;
        out["recall_at_" + s] = numRel > 0 ? hits / numRel : 0.0;
        out["precision_at_" + s] = hits / double(k);
        double rr = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>(k, rels.size()); ++i)
            if (rels[i] > 0) {
                rr = 1.0 / double(i + 1);
                break;
            }
        out["mrr_at_" + s] = rr;
    }
    return out;
}

std::map<std::string, double> meanMetrics(const std::vector<std::map<std::string, double>>& perQuery) {
    std::map<std::string, double> sum;
    for (auto& m : perQuery)
        for (auto& [k, v] : m) sum[k] += v;
    if (!perQuery.empty())
        for (auto& [k, v] : sum) v /= double(perQuery.size());
    return sum;
}

double reciprocalRankAtK(const std::vector<int>& labels, const std::vector<double>& scores, int k) {
    const auto order = sortedDescStable(scores);
    for (std::size_t i = 0; i < std::min<std::size_t>(k, order.size()); ++i)
        if (labels[order[i]] > 0) return 1.0 / double(i + 1);
    return 0.0;
}

BootstrapCi pairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, int resamples, double alpha,
                            std::uint64_t seed) {
    if (a.size() != b.size()) throw Failure("mismatch", "paired bootstrap needs scores on the same items (" +
                                                            std::to_string(a.size()) + " vs " + std::to_string(b.size()) + ")");
    BootstrapCi ci;
    ci.resamples = resamples;
    const std::size_t n = a.size();
    if (n == 0) return ci;
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) d[i] = a[i] - b[i];
    ci.meanDiff = std::accumulate(d.begin(), d.end(), 0.0) / n;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, n - 1);
    std::vector<double> means(resamples);
    for (int r = 0; r < resamples; ++r) {
        double s = 0;
        for (std::size_t i = 0; i < n; ++i) s += d[pick(rng)];
        means[r] = s / n;
    }
    std::sort(means.begin(), means.end());
    auto quantile = [&](double q) {
        const double pos = q * (resamples - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const auto hi = std::min<std::size_t>(lo + 1, resamples - 1);
        return means[lo] + (pos - lo) * (means[hi] - means[lo]);
    };
    ci.low = quantile(alpha / 2);
    ci.high = quantile(1 - alpha / 2);
    const double below = std::count_if(means.begin(), means.end(), [](double m) { return m <= 0; });
    const double above = std::count_if(means.begin(), means.end(), [](double m) { return m >= 0; });
    ci.pValue = std::min(1.0, 2.0 * std::min(below, above) / resamples);
    return ci;
}

} // namespace synthembed::eval
