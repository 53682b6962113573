#include "core/eval/embedding_cache.h"

#include "core/store/sqlite.h"
#include "core/util/paths.h"
#include "core/util/result.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <unordered_map>

namespace synthembed::eval {

struct EmbeddingCache::Impl {
    db::Database db;
    db::Statement select, insert;
};

EmbeddingCache::EmbeddingCache(const std::filesystem::path& path) : m(std::make_unique<Impl>()) {
    try {
        if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
        m->db = db::Database(path, db::OpenMode::ReadWriteCreate);
        m->db.setBusyTimeout(10000);
        m->db.execute("PRAGMA journal_mode=WAL");
        m->db.execute("PRAGMA synchronous=NORMAL");
        m->db.executeScript(R"SQL(
CREATE TABLE IF NOT EXISTS embeddings (
  model       TEXT NOT NULL,
  pooling     TEXT NOT NULL,
  instruction TEXT NOT NULL,
  text_hash   TEXT NOT NULL,
  dim         INTEGER NOT NULL,
  vec         BLOB NOT NULL,
  PRIMARY KEY (model, pooling, instruction, text_hash)
) WITHOUT ROWID;
)SQL");
        m->select = m->db.prepare(
            "SELECT dim, vec FROM embeddings WHERE model=? AND pooling=? AND instruction=? AND text_hash=?");
        m->insert = m->db.prepare("INSERT OR REPLACE INTO embeddings(model, pooling, instruction, text_hash, dim, vec) "
                                  "VALUES (?,?,?,?,?,?)");
    } catch (const Failure& f) {
        throw Failure("cache", "embedding cache " + path.string() + ": " + f.what());
    }
}

EmbeddingCache::~EmbeddingCache() = default;
EmbeddingCache::EmbeddingCache(EmbeddingCache&&) noexcept = default;
EmbeddingCache& EmbeddingCache::operator=(EmbeddingCache&&) noexcept = default;

std::filesystem::path EmbeddingCache::defaultPath() { return paths::dataDir() / "embedding_cache.sqlite"; }
const std::filesystem::path& EmbeddingCache::path() const { return m->db.path(); }
std::int64_t EmbeddingCache::size() const { return m->db.queryInt("SELECT COUNT(*) FROM embeddings"); }

std::int64_t EmbeddingCache::purgeModel(const std::string& fingerprint) {
    auto st = m->db.prepare("DELETE FROM embeddings WHERE model=?");
    st.bind(1, fingerprint).run();
    return m->db.changes();
}

std::vector<std::optional<std::vector<float>>> EmbeddingCache::lookup(const std::string& fingerprint,
                                                                      const std::string& pooling,
                                                                      const std::string& instruction,
                                                                      const std::vector<std::string>& textHashes) {
    std::vector<std::optional<std::vector<float>>> out(textHashes.size());
    db::Transaction tx(m->db); // one read snapshot for the whole batch (and much faster)
    if (textHashes.size() > 256) {
        // Many keys: one range scan over this (model, pooling, instruction) beats point lookups.
        std::unordered_map<std::string, std::size_t> want;
        for (std::size_t i = 0; i < textHashes.size(); ++i) want.emplace(textHashes[i], i);
        auto st = m->db.prepare("SELECT text_hash, dim, vec FROM embeddings WHERE model=? AND pooling=? AND instruction=?");
        st.bindAll(fingerprint, pooling, instruction);
        while (st.step()) {
            auto it = want.find(st.getText(0));
            if (it == want.end()) continue;
            const auto dim = static_cast<std::size_t>(st.getInt(1));
            auto blob = st.getBlob(2);
            if (blob.size() != dim * sizeof(float)) continue;
            std::vector<float> v(dim);
            std::memcpy(v.data(), blob.data(), blob.size());
            out[it->second] = std::move(v);
        }
        for (std::size_t i = 0; i < textHashes.size(); ++i) {
            // duplicates of a hash share the first one's vector
            if (!out[i]) {
                auto it = want.find(textHashes[i]);
                if (it->second != i && out[it->second]) out[i] = out[it->second];
            }
            ++(out[i] ? m_stats.hits : m_stats.misses);
        }
        tx.commit();
        return out;
    }
    for (std::size_t i = 0; i < textHashes.size(); ++i) {
        auto& st = m->select;
        st.reset();
        st.bindAll(fingerprint, pooling, instruction, textHashes[i]);
        if (st.step()) {
            const auto dim = static_cast<std::size_t>(st.getInt(0));
            auto blob = st.getBlob(1);
            if (blob.size() == dim * sizeof(float)) {
                std::vector<float> v(dim);
                std::memcpy(v.data(), blob.data(), blob.size());
                out[i] = std::move(v);
            }
        }
        st.reset();
        ++(out[i] ? m_stats.hits : m_stats.misses);
    }
    tx.commit();
    return out;
}

void EmbeddingCache::store(const std::string& fingerprint, const std::string& pooling, const std::string& instruction,
                           const std::vector<std::string>& textHashes, const Matrix& vectors) {
    if (textHashes.size() != vectors.rows) throw Failure("internal", "EmbeddingCache::store: count mismatch");
    db::inTransaction(m->db, [&] {
        for (std::size_t i = 0; i < textHashes.size(); ++i) {
            auto& st = m->insert;
            st.reset();
            st.bindAll(fingerprint, pooling, instruction, textHashes[i], static_cast<std::int64_t>(vectors.cols));
            st.bindBlob(6, vectors.row(i), vectors.cols * sizeof(float));
            st.run();
        }
    });
}

namespace {

/// Embeds through the cache under `key` (an instruction, or a prompt's key); format(text) is what
/// the encoder gets.
Matrix embedCached(TextEncoder& encoder, EmbeddingCache* cache, const std::vector<std::string>& texts,
                   const std::string& key, const std::function<std::string(const std::string&)>& format,
                   const ProgressHooks& hooks) {
    const std::string fp = encoder.fingerprint(), pooling = encoder.pooling();
    std::vector<std::string> hashes;
    std::vector<std::optional<std::vector<float>>> cached(texts.size());
    if (cache) {
        hashes.reserve(texts.size());
        for (auto& t : texts) hashes.push_back(contentHash(t));
        cached = cache->lookup(fp, pooling, key, hashes);
    }
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < texts.size(); ++i)
        if (!cached[i]) missing.push_back(i);
    // Longest first across all misses, so each encoder call gets texts of similar length (less
    // padding in its batches); vectors go back to their rows through `missing`.
    std::stable_sort(missing.begin(), missing.end(),
                     [&](std::size_t a, std::size_t b) { return texts[a].size() > texts[b].size(); });

    Matrix out;
    std::size_t dim = 0;
    for (auto& c : cached)
        if (c) {
            dim = c->size();
            break;
        }
    auto ensureShape = [&](std::size_t d) {
        if (out.rows == 0 && out.data.empty()) {
            out = Matrix(texts.size(), d);
            dim = d;
        } else if (d != dim) {
            throw Failure("index", "encoder " + fp + " returned vectors of dimension " + std::to_string(d) +
                                           ", the cache holds dimension " + std::to_string(dim) +
                                           " (purge the cache for this model)");
        }
    };
    if (dim) ensureShape(dim);
    const std::size_t batch = std::max<std::size_t>(1, encoder.batchSize());
    for (std::size_t start = 0; start < missing.size(); start += batch) {
        if (hooks.stopRequested()) throw Failure("cancelled", "embedding cancelled");
        const std::size_t end = std::min(missing.size(), start + batch);
        std::vector<std::string> batchTexts;
        batchTexts.reserve(end - start);
        for (std::size_t j = start; j < end; ++j) batchTexts.push_back(format(texts[missing[j]]));
        Matrix emb = encoder.encode(batchTexts, {});
        if (emb.rows != batchTexts.size())
            throw Failure("internal", "encoder returned " + std::to_string(emb.rows) + " rows for " +
                                          std::to_string(batchTexts.size()) + " texts");
        ensureShape(emb.cols);
        for (std::size_t j = start; j < end; ++j)
            std::memcpy(out.row(missing[j]), emb.row(j - start), dim * sizeof(float));
        if (cache) {
            std::vector<std::string> h;
            for (std::size_t j = start; j < end; ++j) h.push_back(hashes[missing[j]]);
            cache->store(fp, pooling, key, h, emb);
        }
        hooks.report(static_cast<std::int64_t>(texts.size() - missing.size() + end), static_cast<std::int64_t>(texts.size()),
                     "embedding");
    }
    for (std::size_t i = 0; i < texts.size(); ++i)
        if (cached[i]) std::memcpy(out.row(i), cached[i]->data(), dim * sizeof(float));
    if (missing.empty()) // all from the cache: still say that every text is done
        hooks.report(static_cast<std::int64_t>(texts.size()), static_cast<std::int64_t>(texts.size()), "embedding");
    return out;
}

} // namespace

Matrix embedTexts(TextEncoder& encoder, EmbeddingCache* cache, const std::vector<std::string>& texts,
                  const std::string& instruction, const ProgressHooks& hooks) {
    return embedCached(
        encoder, cache, texts, instruction, [&](const std::string& t) { return formatQuery(instruction, t); }, hooks);
}

Matrix embedPrompted(TextEncoder& encoder, EmbeddingCache* cache, const std::vector<std::string>& texts,
                     const std::string& prompt, const ProgressHooks& hooks) {
    if (prompt.empty()) return embedTexts(encoder, cache, texts, "", hooks);
    // The cache's instruction column holds the prompt under a key no instruction is written as.
    return embedCached(
        encoder, cache, texts, "\x1fprompt:" + prompt, [&](const std::string& t) { return prompt + t; }, hooks);
}

} // namespace synthembed::eval
