#include "core/search/mining.h"

#include "core/eval/datasets.h"
#include "core/search/exact.h"
#include "core/util/durable.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <unordered_map>

namespace synthembed::search {

Result<MiningReport> mineHardNegatives(eval::TextEncoder& encoder, eval::EmbeddingCache* cache,
                                       const std::vector<TrainingExample>& pairs, const std::vector<std::string>& corpusIn,
                                       const MiningOptions& o, const ProgressHooks& hooks) {
    return guarded([&] {
        const auto t0 = std::chrono::steady_clock::now();
        if (o.rankTo <= o.rankFrom) throw Failure("usage", "rank range is empty (from " + std::to_string(o.rankFrom) +
                                                               " to " + std::to_string(o.rankTo) + ")");
        MiningReport rep;
        // Candidate documents: unique texts, in first-seen order.
        std::vector<std::string> corpus;
        std::unordered_map<std::string, std::size_t> docRow;
        auto addDoc = [&](const std::string& t) {
            if (!t.empty() && docRow.emplace(t, corpus.size()).second) corpus.push_back(t);
        };
        if (corpusIn.empty())
            for (auto& p : pairs) {
                addDoc(p.positive);
                addDoc(p.negative);
            }
        else {
            for (auto& t : corpusIn) addDoc(t);
            for (auto& p : pairs) addDoc(p.positive); // the positive's score is needed for the guard
        }
        Matrix docs = eval::embedTexts(encoder, cache, corpus, "", hooks);
        normalizeRows(docs);
        // Queries grouped by instruction (each example carries its own).
        std::map<std::string, std::vector<std::size_t>> byInstruction;
        for (std::size_t i = 0; i < pairs.size(); ++i) byInstruction[pairs[i].instruction].push_back(i);
        Matrix queries(pairs.size(), docs.cols);
        for (auto& [instr, idx] : byInstruction) {
            std::vector<std::string> texts;
            for (auto i : idx) texts.push_back(pairs[i].query);
            Matrix e = eval::embedTexts(encoder, cache, texts, instr, hooks);
            normalizeRows(e);
            for (std::size_t j = 0; j < idx.size(); ++j) std::copy(e.row(j), e.row(j) + e.cols, queries.row(idx[j]));
        }
        ExactSearchOptions so;
        so.k = std::min(corpus.size(), o.rankTo);
        auto hits = exactSearch(docs, queries, so, hooks);
        std::mt19937_64 rng(o.seed);
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const auto& p = pairs[i];
            ++rep.queries;
            if (o.keepExisting && !p.negative.empty()) rep.examples.push_back(p);
            const auto posRow = docRow.at(p.positive);
            const double posScore = dot(queries.row(i), docs.row(posRow), docs.cols);
            std::vector<std::size_t> candidates;
            for (std::size_t r = o.rankFrom; r < hits[i].size() && r < o.rankTo; ++r) {
                const auto row = std::size_t(hits[i][r].row);
                if (row == posRow || corpus[row] == p.query) continue;
                if (hits[i][r].score > posScore - o.margin) {
                    ++rep.droppedByMargin;
                    continue;
                }
                candidates.push_back(row);
            }
            if (candidates.empty()) {
                ++rep.withoutNegative;
                continue;
            }
            std::shuffle(candidates.begin(), candidates.end(), rng);
            for (std::size_t j = 0; j < std::min(o.perQuery, candidates.size()); ++j) {
                TrainingExample ex = p;
                ex.negative = corpus[candidates[j]];
                rep.examples.push_back(std::move(ex));
            }
            if (i % 256 == 0) hooks.report(std::int64_t(i), std::int64_t(pairs.size()), "mining");
        }
        rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return rep;
    }, "index");
}

Result<std::vector<TrainingExample>> readTrainingJsonl(const std::filesystem::path& path) {
    return guarded([&] {
        std::vector<TrainingExample> out;
        for (auto& [n, line] : eval::readJsonLines(path)) {
            const std::string where = path.string() + ":" + std::to_string(n);
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(line);
            } catch (const std::exception& e) {
                throw Failure("parse", where + ": invalid JSON: " + e.what());
            }
            auto str = [&](const char* k) {
                auto it = j.find(k);
                return it == j.end() || it->is_null() ? std::string() : it->get<std::string>();
            };
            TrainingExample ex{str("query"), str("positive"), str("negative"), str("instruction"), str("family"), str("language")};
            if (ex.query.empty() || ex.positive.empty()) throw Failure("parse", where + ": needs non-empty 'query' and 'positive'");
            out.push_back(std::move(ex));
        }
        return out;
    }, "io");
}

Status writeTrainingJsonl(const std::filesystem::path& path, const std::vector<TrainingExample>& examples) {
    return guarded([&] {
        durable::AtomicFile file(path);
        for (auto& e : examples)
            file.out() << nlohmann::json{{"query", e.query},           {"positive", e.positive}, {"negative", e.negative},
                                         {"instruction", e.instruction}, {"family", e.family},     {"language", e.language}}
                              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                       << "\n";
        file.commit();
    }, "io");
}

} // namespace synthembed::search
