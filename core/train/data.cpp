#include "core/train/data.h"

#include "core/store/project.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <random>

namespace synthembed::train {

std::string formatQuery(const std::string& instruction, const std::string& query) {
    if (instruction.empty()) return query;
    return "Instruct: " + instruction + "\nQuery: " + query;
}

namespace {
std::vector<std::string> negativesFrom(const nlohmann::json& v, const std::string& where) {
    std::vector<std::string> out;
    if (v.is_null()) return out;
    if (v.is_string()) {
        if (!v.get<std::string>().empty()) out.push_back(v.get<std::string>());
    } else if (v.is_array()) {
        for (const auto& x : v) {
            if (!x.is_string()) throw Failure("train_data", where + ": \"negative\" array must hold strings");
            out.push_back(x.get<std::string>());
        }
    } else {
        throw Failure("train_data", where + ": \"negative\" must be a string or an array of strings");
    }
    return out;
}

std::string textField(const nlohmann::json& j, const char* key, const std::string& where, bool required) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required) throw Failure("train_data", where + ": missing \"" + key + "\"");
        return {};
    }
    if (!it->is_string()) throw Failure("train_data", where + ": \"" + key + "\" must be a string");
    auto s = it->get<std::string>();
    if (required && s.empty()) throw Failure("train_data", where + ": \"" + key + "\" is empty");
    return s;
}

// splitmix64: a portable, seedable hash for permutations that must not depend on the library.
std::uint64_t mix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

void shuffle(std::vector<std::size_t>& v, std::uint64_t seed) {
    std::uint64_t s = seed;
    for (std::size_t i = v.size(); i > 1; --i) {
        s = mix64(s);
        std::swap(v[i - 1], v[s % i]);
    }
}
} // namespace

Result<std::vector<TrainExample>> loadJsonl(const std::filesystem::path& path) {
    return guarded([&] {
        std::ifstream in(path);
        if (!in) throw Failure("train_data", path.string() + ": cannot open the training data file");
        std::vector<TrainExample> out;
        std::string line;
        std::size_t lineNo = 0;
        while (std::getline(in, line)) {
            ++lineNo;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            const std::string where = path.string() + ":" + std::to_string(lineNo);
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(line);
            } catch (const std::exception& e) {
                throw Failure("train_data", where + ": not valid JSON (" + e.what() + ")");
            }
            if (!j.is_object()) throw Failure("train_data", where + ": expected a JSON object");
            TrainExample ex;
            ex.query = textField(j, "query", where, true);
            ex.positive = textField(j, "positive", where, true);
            ex.instruction = textField(j, "instruction", where, false);
            if (ex.instruction.empty()) ex.instruction = textField(j, "task", where, false);
            ex.family = textField(j, "family", where, false);
            if (auto it = j.find("negative"); it != j.end()) ex.negatives = negativesFrom(*it, where);
            if (auto it = j.find("negatives"); it != j.end()) {
                auto more = negativesFrom(*it, where);
                ex.negatives.insert(ex.negatives.end(), more.begin(), more.end());
            }
            out.push_back(std::move(ex));
        }
        if (out.empty()) throw Failure("train_data", path.string() + ": no training examples");
        return out;
    }, "train_data");
}

Result<std::vector<SampleCount>> countProjectSamples(const store::Project& project) {
    return guarded([&] {
        auto st = project.db().prepare(
            "SELECT family, language, status, COUNT(*) FROM samples WHERE query IS NOT NULL AND query <> '' "
            "AND positive IS NOT NULL AND positive <> '' GROUP BY family, language, status");
        std::vector<SampleCount> out;
        while (st.step()) out.push_back({st.getText(0), st.getText(1), st.getText(2), st.getInt(3)});
        return out;
    }, "db");
}

Result<std::vector<TrainExample>> loadProjectSamples(const std::filesystem::path& projectPath, const SampleFilter& filter) {
    return guarded([&] {
        auto project = store::Project::open(projectPath).take();
        std::string sql = "SELECT id, family, instruction, query, positive, negative FROM samples "
                          "WHERE query IS NOT NULL AND query <> '' AND positive IS NOT NULL AND positive <> ''";
        std::vector<std::string> binds;
        auto in = [&](const char* col, const std::vector<std::string>& values) {
            if (values.empty()) return;
            sql += std::string(" AND ") + col + " IN (";
            for (std::size_t i = 0; i < values.size(); ++i) {
                sql += i ? ",?" : "?";
                binds.push_back(values[i]);
            }
            sql += ")";
        };
        in("family", filter.families);
        in("language", filter.languages);
        in("status", filter.statuses);
        sql += " ORDER BY id";
        auto st = project.db().prepare(sql);
        for (std::size_t i = 0; i < binds.size(); ++i) st.bind(static_cast<int>(i + 1), binds[i]);
        std::vector<TrainExample> out;
        while (st.step()) {
            TrainExample ex;
            ex.family = st.getText(1);
            ex.instruction = st.getText(2);
            ex.query = st.getText(3);
            ex.positive = st.getText(4);
            if (auto neg = st.getOptText(5); neg && !neg->empty()) {
                auto j = nlohmann::json::parse(*neg, nullptr, false);
                if (!j.is_discarded() && j.is_array())
                    ex.negatives = negativesFrom(j, projectPath.string() + ": sample " + std::to_string(st.getInt(0)));
                else
                    ex.negatives.push_back(*neg);
            }
            out.push_back(std::move(ex));
        }
        if (out.empty())
            throw Failure("train_data", projectPath.string() + ": no samples match the filter (need query and positive)");
        return out;
    }, "train_data");
}

BatchPlan::BatchPlan(std::vector<std::string> families, int batchSize, std::uint64_t seed, BatchMix mix)
    : m_families(std::move(families)), m_batchSize(batchSize), m_seed(seed), m_mix(mix) {
    if (batchSize <= 0) throw Failure("train_data", "batch size must be > 0");
    if (m_mix == BatchMix::Random) {
        m_perEpoch = static_cast<std::int64_t>(m_families.size()) / batchSize;
    } else {
        std::map<std::string, std::int64_t> n;
        for (const auto& f : m_families) ++n[f];
        for (const auto& [f, c] : n) m_perEpoch += c / batchSize;
    }
}

std::vector<std::vector<std::size_t>> BatchPlan::epochBatches(std::int64_t epoch) const {
    const std::uint64_t es = mix64(m_seed ^ mix64(static_cast<std::uint64_t>(epoch) + 1));
    std::vector<std::vector<std::size_t>> batches;
    if (m_mix == BatchMix::Random) {
        std::vector<std::size_t> idx(m_families.size());
        for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
        shuffle(idx, es);
        for (std::int64_t b = 0; b < m_perEpoch; ++b)
            batches.emplace_back(idx.begin() + b * m_batchSize, idx.begin() + (b + 1) * m_batchSize);
        return batches;
    }
    // One family per batch; batch order shuffled so families interleave in proportion.
    std::map<std::string, std::vector<std::size_t>> byFamily;
    for (std::size_t i = 0; i < m_families.size(); ++i) byFamily[m_families[i]].push_back(i);
    std::uint64_t fs = es;
    for (auto& [f, idx] : byFamily) {
        fs = mix64(fs);
        shuffle(idx, fs);
        for (std::size_t b = 0; b + m_batchSize <= idx.size(); b += m_batchSize)
            batches.emplace_back(idx.begin() + b, idx.begin() + b + m_batchSize);
    }
    std::vector<std::size_t> order(batches.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    shuffle(order, mix64(es + 7));
    std::vector<std::vector<std::size_t>> out;
    for (auto i : order) out.push_back(std::move(batches[i]));
    return out;
}

std::vector<std::size_t> BatchPlan::batch(std::int64_t k) const {
    if (m_perEpoch <= 0) throw Failure("train_data", "fewer examples than one batch");
    const auto epoch = k / m_perEpoch;
    if (epoch != m_cachedEpoch) {
        m_cache = epochBatches(epoch);
        m_cachedEpoch = epoch;
    }
    return m_cache[static_cast<std::size_t>(k % m_perEpoch)];
}

std::size_t devExampleCount(std::size_t total, double devFraction) {
    if (devFraction <= 0 || total < 4) return 0;
    return std::max<std::size_t>(1, static_cast<std::size_t>(devFraction * static_cast<double>(total)));
}

std::pair<std::vector<TrainExample>, std::vector<TrainExample>> splitDev(std::vector<TrainExample> all, double devFraction,
                                                                         std::uint64_t seed) {
    const auto nDev = devExampleCount(all.size(), devFraction);
    if (nDev == 0) return {std::move(all), {}};
    std::vector<std::size_t> idx(all.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    shuffle(idx, mix64(seed ^ 0xDE7));
    std::vector<char> isDev(all.size(), 0);
    for (std::size_t i = 0; i < nDev; ++i) isDev[idx[i]] = 1;
    std::vector<TrainExample> train, dev;
    for (std::size_t i = 0; i < all.size(); ++i) (isDev[i] ? dev : train).push_back(std::move(all[i]));
    return {std::move(train), std::move(dev)};
}

} // namespace synthembed::train
