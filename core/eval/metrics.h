#pragma once
/// The metrics MTEB reports, implemented with the same semantics as the reference tools
/// (scipy, scikit-learn, trec_eval/pytrec_eval) so numbers compare with published ones.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace synthembed::eval {

/// Average ranks (1-based), ties get the mean of their ranks (scipy.stats.rankdata "average").
std::vector<double> rankAverage(const std::vector<double>& x);
/// Pearson correlation; 0 when either side is constant.
double pearson(const std::vector<double>& x, const std::vector<double>& y);
/// Spearman correlation = Pearson of average ranks (scipy.stats.spearmanr).
double spearman(const std::vector<double>& x, const std::vector<double>& y);

/// sklearn.metrics.average_precision_score for binary labels (ties grouped like sklearn).
double averagePrecision(const std::vector<int>& labels, const std::vector<double>& scores);

/// Best accuracy over thresholds on the score (MTEB find_best_acc_and_threshold, higher = positive);
/// like mteb 2.x, no threshold is placed between tied scores.
struct ThresholdMetric {
    double value = 0;
    double threshold = 0;
};
ThresholdMetric bestAccuracy(const std::vector<int>& labels, const std::vector<double>& scores);
/// Best F1 over thresholds (MTEB find_best_f1_and_threshold), with its precision and recall.
struct BestF1 {
    double f1 = 0, precision = 0, recall = 0, threshold = 0;
};
BestF1 bestF1(const std::vector<int>& labels, const std::vector<double>& scores);

/// Accuracy of predictions against labels.
double accuracy(const std::vector<int>& truth, const std::vector<int>& pred);
/// F1 averaged over the classes present in truth or pred (sklearn f1_score average="macro").
double f1Macro(const std::vector<int>& truth, const std::vector<int>& pred);

/// Homogeneity, completeness and their harmonic mean (sklearn v_measure_score, beta = 1).
struct VMeasure {
    double homogeneity = 0, completeness = 0, vMeasure = 0;
};
VMeasure vMeasure(const std::vector<int>& truth, const std::vector<int>& pred);

/// Relevance judgements of one query: document id -> graded relevance.
using Qrels = std::map<std::string, int>;
/// A ranked run for one query: (document id, score).
using Ranking = std::vector<std::pair<std::string, double>>;

/// Retrieval metrics of one query with trec_eval semantics: the run is ordered by score
/// descending, ties by document id descending; relevant = relevance >= 1; nDCG uses linear gain
/// and log2 discount with the ideal ranking over all judged documents; MAP@k divides by the
/// number of relevant documents; recall@k by the number of relevant documents; P@k by k.
/// MRR@k is the reciprocal rank of the first relevant document within k (BEIR's definition).
/// Keys: ndcg_at_K, map_at_K, recall_at_K, precision_at_K, mrr_at_K for each K in ks.
std::map<std::string, double> retrievalMetrics(const Qrels& qrels, Ranking run, const std::vector<int>& ks);

/// Mean of the per-query metric maps (queries missing a key count as 0).
std::map<std::string, double> meanMetrics(const std::vector<std::map<std::string, double>>& perQuery);

/// Reciprocal rank of the first positive within the top k of scores (0 when none).
double reciprocalRankAtK(const std::vector<int>& labels, const std::vector<double>& scores, int k);

/// Paired bootstrap of mean(a) - mean(b) over the same items: resamples items with replacement.
struct BootstrapCi {
    double meanDiff = 0;   ///< observed difference of means
    double low = 0;        ///< lower bound of the (1 - alpha) percentile interval
    double high = 0;       ///< upper bound
    double pValue = 1;     ///< two-sided: share of resamples whose difference crosses 0, doubled
    int resamples = 0;
};
BootstrapCi pairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, int resamples = 1000,
                            double alpha = 0.05, std::uint64_t seed = 0);

} // namespace synthembed::eval
