// index build|add|remove|search|list|map, search, mine-negatives: nearest-neighbour indexes over
// embedded texts, and hard negatives for training data.

#include "command.h"
#include "encoder_options.h"
#include "json_out.h"
#include "progress_bar.h"

#include "core/eval/datasets.h"
#include "core/search/index.h"
#include "core/search/mining.h"
#include "core/search/projection.h"
#include "core/util/csv.h"
#include "core/util/durable.h"
#include "core/util/log.h"
#include "core/util/paths.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iomanip>
#include <sstream>

namespace synthembed::cli {
namespace {

using search::ItemMeta;

/// Items from a JSONL file: {"id" or "_id", "text" (+ "title"), "family", "language", "label"}.
/// Numeric ids are kept; other ids become `key` and get sequential numbers after `firstId`.
std::vector<ItemMeta> readItems(const std::filesystem::path& path, std::int64_t firstId) {
    std::vector<ItemMeta> items;
    std::int64_t next = firstId;
    for (auto& [n, line] : eval::readJsonLines(path)) {
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const std::exception& e) {
            throw CliError{path.string() + ":" + std::to_string(n) + ": invalid JSON: " + e.what()};
        }
        auto str = [&](const char* k) {
            auto it = j.find(k);
            if (it == j.end() || it->is_null()) return std::string();
            return it->is_string() ? it->get<std::string>() : it->dump();
        };
        ItemMeta it;
        std::string text = str("title").empty() ? str("text") : str("title") + " " + str("text");
        if (text.empty()) text = str("positive");
        const auto b = text.find_first_not_of(" \t\n\r");
        const auto e = text.find_last_not_of(" \t\n\r");
        it.text = b == std::string::npos ? std::string() : text.substr(b, e - b + 1);
        if (it.text.empty()) throw CliError{path.string() + ":" + std::to_string(n) + ": no 'text'"};
        it.family = str("family");
        it.language = str("language");
        it.label = str("label");
        std::string id = str("id");
        if (id.empty()) id = str("_id");
        char* end = nullptr;
        const long long num = id.empty() ? 0 : std::strtoll(id.c_str(), &end, 10);
        if (!id.empty() && *end == '\0') it.id = num;
        else {
            it.id = next;
            it.key = id;
        }
        next = std::max(next, it.id) + 1;
        items.push_back(std::move(it));
    }
    return items;
}

/// Accepted or edited samples of the project (field: positive or query).
std::vector<ItemMeta> readSamples(const store::Project& project, const std::string& field) {
    if (field != "positive" && field != "query") throw CliError{"--samples-field must be positive or query"};
    auto items = search::projectSampleItems(project, field);
    if (!items) throw CliError{items.error().message, 0, items.error().code};
    return std::move(items).take();
}

Matrix embedItems(eval::TextEncoder& enc, eval::EmbeddingCache* cache, const std::vector<ItemMeta>& items) {
    std::vector<std::string> texts;
    texts.reserve(items.size());
    for (auto& i : items) texts.push_back(i.text);
    ProgressBar bar("embedding");
    try {
        auto m = eval::embedTexts(enc, cache, texts, "", bar.hooks());
        bar.finish();
        return m;
    } catch (const Failure& f) {
        throw CliError{f.what(), 0, f.code()};
    }
}

/// Refuses the project file and, without --force, an existing file (before any slow work).
void checkOutputFile(const std::string& output, bool force) {
    try {
        durable::checkOutput(output, force, projectPath());
    } catch (const Failure& f) {
        throw CliError{f.what(), 0, f.code()};
    }
}

search::VectorIndex openIndexByName(const std::string& name) {
    std::filesystem::path dir;
    std::error_code ec;
    if (search::isIndexFolder(name)) dir = name;
    else {
        auto project = openProject();
        auto p = search::findIndex(project, name);
        if (!p) throw CliError{p.error().message, 0, p.error().code};
        dir = *p;
    }
    auto idx = search::VectorIndex::open(dir);
    if (!idx) throw CliError{idx.error().message, 0, idx.error().code};
    return std::move(idx).take();
}

void saveAndRegister(const search::VectorIndex& idx) {
    auto s = idx.save();
    if (!s) throw CliError{s.error().message, 0, s.error().code};
    auto project = openProject();
    auto r = search::registerIndex(project, idx);
    if (!r) throw CliError{r.error().message, 0, r.error().code};
}

struct SearchArgs {
    std::string index, query, family, language, label, model;
    std::size_t k = 10, ef = 0, nprobe = 0;
    std::string instruction;
    bool noInstruction = false;
    EncoderOptions enc;
};

void runSearch(SearchArgs a) {
    auto idx = openIndexByName(a.index);
    const auto& meta = idx.meta();
    if (a.enc.model.empty()) a.enc.model = meta.model;
    if (a.enc.pooling.empty()) a.enc.pooling = meta.pooling;
    auto enc = a.enc.open();
    if (!meta.fingerprint.empty() && enc->fingerprint() != meta.fingerprint)
        log::warn("index ", meta.name, " was built with model ", meta.fingerprint, ", querying with ", enc->fingerprint());
    if (a.ef) idx.setEfSearch(a.ef);
    if (a.nprobe) idx.setNprobe(a.nprobe);
    const std::string instruction = a.noInstruction ? "" : (a.instruction.empty() ? meta.instruction : a.instruction);
    auto q = eval::embedTexts(*enc, nullptr, {a.query}, instruction);
    auto hits = idx.search(q, a.k, {a.family, a.language, a.label});
    if (!hits) throw CliError{hits.error().message, 0, hits.error().code};
    if (globals().json) {
        nlohmann::json out = nlohmann::json::array();
        for (auto& h : (*hits)[0]) {
            nlohmann::json j = {{"id", h.id}, {"score", h.score}, {"text", h.item->text}};
            if (!h.item->key.empty()) j["key"] = h.item->key;
            if (!h.item->family.empty()) j["family"] = h.item->family;
            if (!h.item->language.empty()) j["language"] = h.item->language;
            if (!h.item->label.empty()) j["label"] = h.item->label;
            out.push_back(j);
        }
        printJson(out);
        return;
    }
    int rank = 1;
    for (auto& h : (*hits)[0]) {
        std::string text = h.item->text;
        if (text.size() > 160) text = text.substr(0, 157) + "...";
        std::cout << std::setw(3) << rank++ << ". " << std::fixed << std::setprecision(4) << h.score << "  ["
                  << (h.item->key.empty() ? std::to_string(h.id) : h.item->key) << "] " << text << "\n";
    }
}

void addSearchOptions(CLI::App* cmd, SearchArgs& a, bool indexAsOption) {
    if (indexAsOption) cmd->add_option("--index", a.index, "Index name (registered in the project) or folder")->required();
    else cmd->add_option("--name", a.index, "Index name (registered in the project) or folder")->required();
    cmd->add_option("--query", a.query, "Query text")->required();
    cmd->add_option("-k,--k", a.k, "Number of neighbours")->capture_default_str();
    cmd->add_option("--family", a.family, "Only items of this task family");
    cmd->add_option("--language", a.language, "Only items of this language");
    cmd->add_option("--label", a.label, "Only items with this label");
    cmd->add_option("--ef", a.ef, "HNSW search breadth (default: the index's)");
    cmd->add_option("--nprobe", a.nprobe, "IVF-PQ lists probed per query (default: the index's)");
    auto* i = cmd->add_option("--instruction", a.instruction, "Query instruction (default: the index's)");
    cmd->add_flag("--no-instruction", a.noInstruction, "Embed the query without instruction")->excludes(i);
    a.enc.add(cmd, false);
}

void registerIndexCommands(CLI::App& root) {
    auto* index = root.add_subcommand("index", "Build and query nearest-neighbour indexes of embedded texts");
    index->require_subcommand(1);

    // index build
    struct BuildArgs {
        EncoderOptions enc;
        std::string name, input, dir, backend = "exact", metric = "cosine", instruction, samplesField = "positive";
        bool fromSamples = false;
        std::size_t m = 16, efConstruction = 200, ef = 64;
        std::size_t nlist = 0, pqM = 0, nbits = 8, nprobe = 16;
    };
    auto b = std::make_shared<BuildArgs>();
    auto* build = index->add_subcommand("build", "Embed texts and build a new index (replaces one of the same name)");
    b->enc.add(build);
    build->add_option("--name", b->name, "Index name")->required();
    auto* in = build->add_option("--input", b->input, "JSONL of {id|_id, text[, title], family, language, label}");
    build->add_flag("--from-samples", b->fromSamples, "Index the project's accepted samples")->excludes(in);
    build->add_option("--samples-field", b->samplesField, "Sample field to index: positive or query")->capture_default_str();
    build->add_option("--dir", b->dir, "Index folder (default: <data dir>/indexes/<name>)");
    build->add_option("--backend", b->backend, "exact, hnsw or ivfpq (FAISS IVF-PQ)")
        ->check(CLI::IsMember({"exact", "hnsw", "ivfpq"}))
        ->capture_default_str();
    build->add_option("--metric", b->metric, "cosine or ip")->check(CLI::IsMember({"cosine", "ip"}))->capture_default_str();
    build->add_option("--instruction", b->instruction, "Query instruction stored with the index");
    build->add_option("--hnsw-m", b->m, "HNSW M")->capture_default_str();
    build->add_option("--ef-construction", b->efConstruction, "HNSW ef_construction")->capture_default_str();
    build->add_option("--ef", b->ef, "HNSW ef at search time")->capture_default_str();
    build->add_option("--nlist", b->nlist, "IVF-PQ inverted lists (0: min(4 sqrt(n), n/39))")->capture_default_str();
    build->add_option("--m", b->pqM, "IVF-PQ subquantizers, must divide the dimension (0: largest divisor <= dim/4)")
        ->capture_default_str();
    build->add_option("--nbits", b->nbits, "IVF-PQ bits per subquantizer code")->capture_default_str();
    build->add_option("--nprobe", b->nprobe, "IVF-PQ lists probed per query")->capture_default_str();
    build->callback([b] {
        if (b->input.empty() && !b->fromSamples) throw CliError{"give --input FILE or --from-samples"};
        std::vector<ItemMeta> items;
        if (b->fromSamples) items = readSamples(openProject(), b->samplesField);
        else items = readItems(b->input, 0);
        if (items.empty()) throw CliError{"nothing to index"};
        auto enc = b->enc.open();
        auto cache = b->enc.openCache();
        search::IndexMeta meta;
        meta.name = b->name;
        meta.backend = *search::parseBackend(b->backend);
        meta.metric = b->metric;
        meta.model = b->enc.model;
        meta.fingerprint = enc->fingerprint();
        meta.pooling = enc->pooling();
        meta.instruction = b->instruction;
        meta.hnswM = b->m;
        meta.efConstruction = b->efConstruction;
        meta.efSearch = b->ef;
        meta.nlist = b->nlist;
        meta.pqM = b->pqM;
        meta.pqNbits = b->nbits;
        meta.nprobe = b->nprobe;
        const std::filesystem::path dir = b->dir.empty() ? paths::dataDir() / "indexes" / b->name : std::filesystem::path(b->dir);
        auto idx = search::VectorIndex::create(dir, meta);
        if (!idx) throw CliError{idx.error().message, 0, idx.error().code};
        auto vecs = embedItems(*enc, cache.get(), items);
        auto s = idx->add(vecs, items);
        if (!s) throw CliError{s.error().message, 0, s.error().code};
        saveAndRegister(*idx);
        if (globals().json) printJson({{"name", b->name}, {"path", dir.string()}, {"count", idx->size()}, {"dim", idx->meta().dim}});
        else std::cout << "index " << b->name << ": " << idx->size() << " vectors of dimension " << idx->meta().dim << " ("
                       << b->backend << ") in " << dir.string() << "\n";
    });

    // index add
    struct AddArgs {
        EncoderOptions enc;
        std::string name, input;
    };
    auto ad = std::make_shared<AddArgs>();
    auto* add = index->add_subcommand("add", "Embed more texts into an existing index (ids must be new)");
    ad->enc.add(add, false);
    add->add_option("--name", ad->name, "Index name or folder")->required();
    add->add_option("--input", ad->input, "JSONL of items, as for build")->required();
    add->callback([ad] {
        auto idx = openIndexByName(ad->name);
        if (ad->enc.model.empty()) ad->enc.model = idx.meta().model;
        if (ad->enc.pooling.empty()) ad->enc.pooling = idx.meta().pooling;
        auto enc = ad->enc.open();
        if (!idx.meta().fingerprint.empty() && enc->fingerprint() != idx.meta().fingerprint)
            throw CliError{"index " + idx.meta().name + " holds vectors of model " + idx.meta().fingerprint + ", not " +
                           enc->fingerprint()};
        std::int64_t next = 0;
        for (auto& it : idx.items()) next = std::max(next, it.id + 1);
        auto items = readItems(ad->input, next);
        auto cache = ad->enc.openCache();
        auto s = idx.add(embedItems(*enc, cache.get(), items), items);
        if (!s) throw CliError{s.error().message, 0, s.error().code};
        saveAndRegister(idx);
        if (globals().json) printJson({{"name", idx.meta().name}, {"added", items.size()}, {"count", idx.size()}});
        else std::cout << "index " << idx.meta().name << ": added " << items.size() << ", now " << idx.size() << "\n";
    });

    // index remove
    auto rmName = std::make_shared<std::string>();
    auto rmIds = std::make_shared<std::vector<std::int64_t>>();
    auto* rm = index->add_subcommand("remove", "Remove ids from an index");
    rm->add_option("--name", *rmName, "Index name or folder")->required();
    rm->add_option("--ids", *rmIds, "Ids to remove")->required()->delimiter(',');
    rm->callback([rmName, rmIds] {
        auto idx = openIndexByName(*rmName);
        auto n = idx.remove(*rmIds);
        if (!n) throw CliError{n.error().message, 0, n.error().code};
        saveAndRegister(idx);
        if (globals().json) printJson({{"name", idx.meta().name}, {"removed", *n}, {"count", idx.size()}});
        else std::cout << "index " << idx.meta().name << ": removed " << *n << ", now " << idx.size() << "\n";
    });

    // index search
    auto sa = std::make_shared<SearchArgs>();
    auto* is = index->add_subcommand("search", "Nearest neighbours of a query in an index");
    addSearchOptions(is, *sa, false);
    is->callback([sa] { runSearch(*sa); });

    // index list
    auto* ls = index->add_subcommand("list", "Indexes registered in the project");
    ls->callback([] {
        auto project = openProject();
        auto rows = search::listIndexes(project);
        if (!rows) throw CliError{rows.error().message, 0, rows.error().code};
        if (globals().json) {
            nlohmann::json out = nlohmann::json::array();
            for (auto& r : *rows)
                out.push_back({{"name", r.name}, {"backend", r.backend}, {"path", r.path}, {"model", r.model},
                               {"pooling", r.pooling}, {"instruction", r.instruction}, {"dim", r.dim}, {"count", r.count}});
            printJson(out);
            return;
        }
        for (auto& r : *rows)
            std::cout << std::left << std::setw(20) << r.name << std::setw(7) << r.backend << std::right << std::setw(9)
                      << r.count << " x " << r.dim << "  " << r.model << "  " << r.path << "\n";
    });

    // index map: PCA 2-D coordinates as CSV (id, x, y, family, language, label)
    auto mapName = std::make_shared<std::string>();
    auto mapOut = std::make_shared<std::string>();
    auto mapForce = std::make_shared<bool>(false);
    auto* mp = index->add_subcommand("map", "Write 2-D PCA coordinates of an index's vectors as CSV");
    mp->add_option("--name", *mapName, "Index name or folder")->required();
    mp->add_option("-o,--output", *mapOut, "CSV file")->required();
    mp->add_flag("--force", *mapForce, "Replace the output file when it exists");
    mp->callback([mapName, mapOut, mapForce] {
        checkOutputFile(*mapOut, *mapForce);
        auto idx = openIndexByName(*mapName);
        auto p = search::pca(idx.vectors(), 2);
        try {
            durable::AtomicFile file(*mapOut);
            auto& out = file.out();
            out << "id,x,y,family,language,label\n";
            for (std::size_t i = 0; i < idx.size(); ++i) {
                const auto& it = idx.items()[i];
                std::ostringstream x, y;
                x << p.points.row(i)[0];
                y << (p.points.cols > 1 ? p.points.row(i)[1] : 0.0f);
                out << csv::formatRecord({std::to_string(it.id), x.str(), y.str(), it.family, it.language, it.label}, ',');
            }
            file.commit();
        } catch (const Failure& f) {
            throw CliError{f.what(), 0, f.code()};
        }
        std::cout << "wrote " << idx.size() << " points to " << *mapOut << " (explained variance "
                  << (p.totalVariance > 0 ? (p.explainedVariance[0] + (p.explainedVariance.size() > 1 ? p.explainedVariance[1] : 0)) / p.totalVariance : 0)
                  << ")\n";
    });

    // search (top level)
    auto ta = std::make_shared<SearchArgs>();
    auto* top = root.add_subcommand("search", "Nearest neighbours of a query in an index (same as `index search`)");
    addSearchOptions(top, *ta, true);
    top->callback([ta] { runSearch(*ta); });

    // mine-negatives
    struct MineArgs {
        EncoderOptions enc;
        std::string input, output, corpus;
        search::MiningOptions o;
        bool force = false;
    };
    auto mi = std::make_shared<MineArgs>();
    auto* mine = root.add_subcommand("mine-negatives", "Add hard negatives to training pairs (JSONL export format)");
    mi->enc.add(mine);
    mine->add_option("--input", mi->input, "JSONL of {query, positive[, negative], instruction, family, language}")->required();
    mine->add_option("-o,--output", mi->output, "Output JSONL (one line per mined negative)")->required();
    mine->add_flag("--force", mi->force, "Replace the output file when it exists");
    mine->add_option("--corpus", mi->corpus, "JSONL of candidate documents {text[, title]} (default: all positives)");
    mine->add_option("--rank-from", mi->o.rankFrom, "First rank (0-based) to sample negatives from")->capture_default_str();
    mine->add_option("--rank-to", mi->o.rankTo, "One past the last rank")->capture_default_str();
    mine->add_option("--per-query", mi->o.perQuery, "Negatives per pair")->capture_default_str();
    mine->add_option("--margin", mi->o.margin, "Drop candidates scoring above positive - margin")->capture_default_str();
    mine->add_flag("--keep-existing", mi->o.keepExisting, "Also keep the input's own negatives");
    mine->add_option("--seed", mi->o.seed, "Sampling seed")->capture_default_str();
    mine->callback([mi] {
        checkOutputFile(mi->output, mi->force);
        auto pairs = search::readTrainingJsonl(mi->input);
        if (!pairs) throw CliError{pairs.error().message, 0, pairs.error().code};
        std::vector<std::string> corpus;
        if (!mi->corpus.empty())
            for (auto& it : readItems(mi->corpus, 0)) corpus.push_back(it.text);
        auto enc = mi->enc.open();
        auto cache = mi->enc.openCache();
        ProgressBar bar("mining");
        auto rep = search::mineHardNegatives(*enc, cache.get(), *pairs, corpus, mi->o, bar.hooks());
        bar.finish();
        if (!rep) throw CliError{rep.error().message, 0, rep.error().code};
        auto w = search::writeTrainingJsonl(mi->output, rep->examples);
        if (!w) throw CliError{w.error().message, 0, w.error().code};
        if (globals().json)
            printJson({{"pairs", rep->queries}, {"written", rep->examples.size()}, {"without_negative", rep->withoutNegative},
                       {"dropped_by_margin", rep->droppedByMargin}, {"seconds", rep->seconds}});
        else
            std::cout << "mined " << rep->examples.size() << " examples from " << rep->queries << " pairs ("
                      << rep->withoutNegative << " without a negative, " << rep->droppedByMargin
                      << " candidates dropped by the margin) -> " << mi->output << "\n";
    });
}

const Registrar reg(45, registerIndexCommands);

} // namespace
} // namespace synthembed::cli
