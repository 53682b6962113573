// Models: WordPiece (greedy longest match) and BPE (merge by rank, HF's priority-queue order,
// byte fallback, unknown fusing), with a word cache for BPE.

#include "core/tok/components.h"
#include "core/tok/unicode.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <mutex>
#include <queue>
#include <unordered_map>

namespace synthembed::tok::detail {
namespace {

using nlohmann::json;

/// id -> token. A vector indexed by id when the ids are (nearly) 0..n-1, as in every real
/// vocabulary; a hash map otherwise, so memory follows the number of entries (and so the file's
/// size), never the largest id: `"vocab": {"a": 2000000000}` costs one entry, not 16 GB.
class ReverseVocab {
  public:
    ReverseVocab() = default;
    explicit ReverseVocab(const Vocab& vocab) {
        std::int64_t maxId = -1;
        for (const auto& [k, v] : vocab)
            maxId = std::max<std::int64_t>(maxId, v);
        if (maxId < 2 * static_cast<std::int64_t>(vocab.size()) + 1024) {
            m_dense.assign(static_cast<size_t>(maxId + 1), nullptr);
            for (const auto& [k, v] : vocab)
                if (v >= 0) m_dense[static_cast<size_t>(v)] = &k;
        } else {
            m_sparse.reserve(vocab.size());
            for (const auto& [k, v] : vocab)
                if (v >= 0) m_sparse.emplace(v, &k);
        }
    }
    const std::string* find(int32_t id) const {
        if (id < 0) return nullptr;
        if (!m_sparse.empty()) {
            auto it = m_sparse.find(id);
            return it == m_sparse.end() ? nullptr : it->second;
        }
        return size_t(id) < m_dense.size() ? m_dense[size_t(id)] : nullptr;
    }

  private:
    std::vector<const std::string*> m_dense;
    std::unordered_map<int32_t, const std::string*> m_sparse;
};

// ---------------------------------------------------------------------------------------------
class WordPiece final : public Model {
  public:
    WordPiece(Vocab vocab, std::string unk, std::string prefix, size_t maxChars)
        : m_vocab(std::move(vocab)), m_prefix(std::move(prefix)), m_maxChars(maxChars) {
        m_rev = ReverseVocab(m_vocab);
        auto it = m_vocab.find(unk);
        if (it == m_vocab.end())
            throw Failure("tokenizer", "WordPiece: unk_token '" + unk + "' is not in the vocabulary");
        m_unk = it->second;
    }
    void tokenize(const Char* chars, size_t n, std::vector<TokOut>& out) const override {
        if (n > m_maxChars) {
            out.push_back({m_unk, 0, static_cast<uint32_t>(n)});
            return;
        }
        thread_local std::string word;
        thread_local std::vector<uint32_t> byteAt; // byte offset of char i in word
        thread_local std::string sub;
        word.clear();
        byteAt.clear();
        for (size_t i = 0; i < n; ++i) {
            byteAt.push_back(static_cast<uint32_t>(word.size()));
            utf8::append(word, chars[i].c);
        }
        byteAt.push_back(static_cast<uint32_t>(word.size()));
        size_t mark = out.size();
        size_t start = 0;
        while (start < n) {
            size_t end = n;
            int32_t found = -1;
            while (start < end) {
                std::string_view piece(word.data() + byteAt[start], byteAt[end] - byteAt[start]);
                Vocab::const_iterator it;
                if (start > 0) {
                    sub.assign(m_prefix);
                    sub.append(piece);
                    it = m_vocab.find(std::string_view(sub));
                } else {
                    it = m_vocab.find(piece);
                }
                if (it != m_vocab.end()) {
                    found = it->second;
                    break;
                }
                --end;
            }
            if (found < 0) {
                out.resize(mark);
                out.push_back({m_unk, 0, static_cast<uint32_t>(n)});
                return;
            }
            out.push_back({found, static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
            start = end;
        }
    }
    std::optional<int32_t> tokenToId(std::string_view t) const override {
        auto it = m_vocab.find(t);
        if (it == m_vocab.end()) return std::nullopt;
        return it->second;
    }
    const std::string* idToToken(int32_t id) const override { return m_rev.find(id); }
    size_t vocabSize() const override { return m_vocab.size(); }
    std::optional<int32_t> unkId() const override { return m_unk; }

  private:
    Vocab m_vocab;
    ReverseVocab m_rev;
    std::string m_prefix;
    size_t m_maxChars;
    int32_t m_unk = 0;
};

// ---------------------------------------------------------------------------------------------
// Open-addressing map from a pair of ids to (rank, new id).
class MergeMap {
  public:
    struct Value {
        int32_t rank = -1;
        int32_t id = -1;
    };
    void reserve(size_t n) {
        size_t cap = 16;
        while (cap < n * 2)
            cap <<= 1;
        m_keys.assign(cap, kEmpty);
        m_vals.assign(cap, {});
        m_mask = cap - 1;
    }
    void insert(int32_t a, int32_t b, Value v) {
        uint64_t k = key(a, b);
        size_t h = hash(k) & m_mask;
        while (m_keys[h] != kEmpty && m_keys[h] != k)
            h = (h + 1) & m_mask;
        m_keys[h] = k; // a repeated pair overwrites, as HF's HashMap collected from the merge list does

        m_vals[h] = v;
    }
    const Value* find(int32_t a, int32_t b) const {
        uint64_t k = key(a, b);
        size_t h = hash(k) & m_mask;
        while (true) {
            uint64_t x = m_keys[h];
            if (x == k) return &m_vals[h];
            if (x == kEmpty) return nullptr;
            h = (h + 1) & m_mask;
        }
    }

  private:
    static constexpr uint64_t kEmpty = ~uint64_t(0);
    static uint64_t key(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
    static size_t hash(uint64_t x) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        return static_cast<size_t>(x);
    }
    std::vector<uint64_t> m_keys;
    std::vector<Value> m_vals;
    size_t m_mask = 0;
};

class Bpe final : public Model {
  public:
    Bpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges, const BpeOptions& o)
        : m_vocab(std::move(vocab)), m_opt(o) {
        m_rev = ReverseVocab(m_vocab);
        if (o.unkToken) {
            auto it = m_vocab.find(*o.unkToken);
            if (it != m_vocab.end()) m_unk = it->second;
        }
        m_merges.reserve(merges.size());
        size_t prefixLen = o.continuingSubwordPrefix.size();
        for (size_t r = 0; r < merges.size(); ++r) {
            const auto& [a, b] = merges[r];
            auto ia = m_vocab.find(a), ib = m_vocab.find(b);
            if (ia == m_vocab.end() || ib == m_vocab.end())
                throw Failure("tokenizer", "BPE merge " + std::to_string(r) + " ('" + a + "' '" + b +
                                                       "') uses a token missing from the vocabulary");
            std::string merged = a + (prefixLen && b.compare(0, prefixLen, o.continuingSubwordPrefix) == 0
                                          ? b.substr(prefixLen)
                                          : b);
            auto im = m_vocab.find(merged);
            if (im == m_vocab.end())
                throw Failure("tokenizer", "BPE merge " + std::to_string(r) + ": merged token '" +
                                                       merged + "' is not in the vocabulary");
            m_merges.insert(ia->second, ib->second, {static_cast<int32_t>(r), im->second});
        }
        m_charIds.assign(0x10000, -1);
        if (o.continuingSubwordPrefix.empty() && o.endOfWordSuffix.empty()) {
            for (const auto& [k, v] : m_vocab) {
                size_t i = 0;
                if (k.empty()) continue;
                char32_t c = utf8::next(k, i);
                if (i == k.size() && c < 0x10000) m_charIds[c] = v;
            }
            m_simpleChars = true;
        }
        if (o.byteFallback) {
            for (int b = 0; b < 256; ++b) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", b);
                auto it = m_vocab.find(std::string_view(name));
                m_byteIds[b] = it == m_vocab.end() ? -1 : it->second;
            }
        }
    }

    void tokenize(const Char* chars, size_t n, std::vector<TokOut>& out) const override {
        if (n == 0) return;
        thread_local std::string key;
        key.clear();
        for (size_t i = 0; i < n; ++i)
            utf8::append(key, chars[i].c);
        if (m_opt.ignoreMerges) {
            auto it = m_vocab.find(std::string_view(key));
            if (it != m_vocab.end()) {
                out.push_back({it->second, 0, static_cast<uint32_t>(n)});
                return;
            }
        }
        const bool cacheable = n < kMaxCachedChars;
        if (cacheable) {
            std::shared_lock lock(m_cacheMutex);
            auto it = m_cache.find(std::string_view(key));
            if (it != m_cache.end()) {
                out.insert(out.end(), it->second.begin(), it->second.end());
                return;
            }
        }
        size_t mark = out.size();
        mergeWord(chars, n, key, out);
        if (cacheable) {
            std::unique_lock lock(m_cacheMutex, std::try_to_lock);
            if (lock.owns_lock() && m_cache.size() < kCacheCapacity)
                m_cache.emplace(key, std::vector<TokOut>(out.begin() + mark, out.end()));
        }
    }

    std::optional<int32_t> tokenToId(std::string_view t) const override {
        auto it = m_vocab.find(t);
        if (it == m_vocab.end()) return std::nullopt;
        return it->second;
    }
    const std::string* idToToken(int32_t id) const override { return m_rev.find(id); }
    size_t vocabSize() const override { return m_vocab.size(); }
    std::optional<int32_t> unkId() const override {
        if (m_unk >= 0) return m_unk;
        return std::nullopt;
    }

  private:
    static constexpr size_t kMaxCachedChars = 256;
    static constexpr size_t kCacheCapacity = 200000;

    struct Symbol {
        int32_t id;
        int32_t prev, next;
        uint32_t b, e; // char span within the word
        bool alive;
    };
    struct Merge {
        int32_t rank;
        uint32_t pos;
        int32_t id;
        bool operator<(const Merge& o) const { // priority_queue is a max-heap: invert
            if (rank != o.rank) return rank > o.rank;
            return pos > o.pos;
        }
    };

    int32_t charId(const Char* chars, size_t i, size_t n, std::string& tmp) const {
        char32_t c = chars[i].c;
        if (m_simpleChars && c < 0x10000) return m_charIds[c];
        tmp.clear();
        if (i > 0) tmp += m_opt.continuingSubwordPrefix;
        utf8::append(tmp, c);
        if (i + 1 == n) tmp += m_opt.endOfWordSuffix;
        auto it = m_vocab.find(std::string_view(tmp));
        return it == m_vocab.end() ? -1 : it->second;
    }

    void mergeWord(const Char* chars, size_t n, const std::string& utf8Word, std::vector<TokOut>& out) const {
        thread_local std::vector<Symbol> syms;
        thread_local std::string tmp;
        syms.clear();
        bool lastUnk = false;
        (void)utf8Word;
        for (size_t i = 0; i < n; ++i) {
            int32_t id = charId(chars, i, n, tmp);
            uint32_t b = static_cast<uint32_t>(i), e = static_cast<uint32_t>(i + 1);
            if (id >= 0) {
                syms.push_back({id, 0, 0, b, e, true});
                lastUnk = false;
                continue;
            }
            if (m_opt.byteFallback) {
                std::string s;
                utf8::append(s, chars[i].c);
                bool all = true;
                for (char ch : s)
                    if (m_byteIds[static_cast<unsigned char>(ch)] < 0) all = false;
                if (all) {
                    for (char ch : s)
                        syms.push_back({m_byteIds[static_cast<unsigned char>(ch)], 0, 0, b, e, true});
                    lastUnk = false;
                    continue;
                }
            }
            if (m_unk >= 0) {
                if (m_opt.fuseUnk && lastUnk) {
                    syms.back().e = e;
                } else {
                    syms.push_back({m_unk, 0, 0, b, e, true});
                }
                lastUnk = true;
            }
        }
        const int32_t ns = static_cast<int32_t>(syms.size());
        for (int32_t i = 0; i < ns; ++i) {
            syms[i].prev = i - 1;
            syms[i].next = i + 1 < ns ? i + 1 : -1;
        }
        if (ns > 1) {
            thread_local std::vector<Merge> heapStore;
            heapStore.clear();
            std::priority_queue<Merge, std::vector<Merge>> queue(std::less<Merge>(), std::move(heapStore));
            for (int32_t i = 0; i + 1 < ns; ++i)
                if (auto* m = m_merges.find(syms[i].id, syms[i + 1].id))
                    queue.push({m->rank, uint32_t(i), m->id});
            while (!queue.empty()) {
                Merge top = queue.top();
                queue.pop();
                Symbol& cur = syms[top.pos];
                if (!cur.alive || cur.next < 0) continue;
                Symbol& right = syms[cur.next];
                auto* m = m_merges.find(cur.id, right.id);
                if (!m || m->id != top.id) continue;
                cur.id = top.id;
                cur.e = right.e;
                right.alive = false;
                int32_t rn = right.next;
                cur.next = rn;
                if (rn >= 0) syms[rn].prev = static_cast<int32_t>(top.pos);
                if (cur.prev >= 0)
                    if (auto* pm = m_merges.find(syms[cur.prev].id, cur.id))
                        queue.push({pm->rank, uint32_t(cur.prev), pm->id});
                if (cur.next >= 0)
                    if (auto* nm = m_merges.find(cur.id, syms[cur.next].id))
                        queue.push({nm->rank, top.pos, nm->id});
            }
        }
        for (const auto& s : syms)
            if (s.alive) out.push_back({s.id, s.b, s.e});
    }

    Vocab m_vocab;
    ReverseVocab m_rev;
    BpeOptions m_opt;
    MergeMap m_merges;
    int32_t m_unk = -1;
    std::vector<int32_t> m_charIds;
    bool m_simpleChars = false;
    int32_t m_byteIds[256] = {};
    mutable std::shared_mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<TokOut>, StringHash, std::equal_to<>> m_cache;
};

Vocab readVocabObject(const json& v) {
    Vocab vocab;
    vocab.reserve(v.size());
    if (!v.is_object()) throw Failure("tokenizer", "model.vocab is not an object of token: id");
    for (auto it = v.begin(); it != v.end(); ++it) {
        // Ids are u32 in Hugging Face's tokenizers and int32 here: refuse what would wrap around.
        const auto& id = it.value();
        if (!id.is_number_integer() || id.get<std::int64_t>() < 0 ||
            id.get<std::int64_t>() > std::numeric_limits<int32_t>::max())
            throw Failure("tokenizer", "vocabulary token '" + it.key() + "' has id " + id.dump() +
                                                   " (ids must be integers from 0 to 2147483647)");
        vocab.emplace(it.key(), static_cast<int32_t>(id.get<std::int64_t>()));
    }
    return vocab;
}

} // namespace

std::unique_ptr<Model> makeWordPiece(Vocab vocab, std::string unkToken, std::string prefix, size_t maxChars) {
    return std::make_unique<WordPiece>(std::move(vocab), std::move(unkToken), std::move(prefix), maxChars);
}

std::unique_ptr<Model> makeBpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                               const BpeOptions& options) {
    return std::make_unique<Bpe>(std::move(vocab), merges, options);
}

std::unique_ptr<Model> makeModel(const json& j) {
    std::string type = j.value("type", "");
    if (type.empty()) {
        if (j.contains("merges"))
            type = "BPE";
        else if (j.contains("continuing_subword_prefix"))
            type = "WordPiece";
    }
    auto str = [&](const char* k) -> std::optional<std::string> {
        if (!j.contains(k) || j[k].is_null()) return std::nullopt;
        return j[k].get<std::string>();
    };
    if (type == "WordPiece")
        return makeWordPiece(readVocabObject(j.at("vocab")), str("unk_token").value_or("[UNK]"),
                             str("continuing_subword_prefix").value_or("##"),
                             j.value("max_input_chars_per_word", 100));
    if (type == "BPE") {
        BpeOptions o;
        o.unkToken = str("unk_token");
        o.continuingSubwordPrefix = str("continuing_subword_prefix").value_or("");
        o.endOfWordSuffix = str("end_of_word_suffix").value_or("");
        o.fuseUnk = j.value("fuse_unk", false);
        o.byteFallback = j.value("byte_fallback", false);
        o.ignoreMerges = j.value("ignore_merges", false);
        if (j.contains("dropout") && !j["dropout"].is_null() && j["dropout"].get<double>() > 0)
            throw Failure("tokenizer", "BPE dropout is not supported");
        std::vector<std::pair<std::string, std::string>> merges;
        const auto& m = j.at("merges");
        merges.reserve(m.size());
        for (const auto& e : m) {
            if (e.is_array()) {
                merges.emplace_back(e.at(0).get<std::string>(), e.at(1).get<std::string>());
            } else {
                const auto& s = e.get_ref<const std::string&>();
                auto sp = s.find(' ');
                if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
                    throw Failure("tokenizer",
                                  "BPE merge '" + s + "' is not two tokens separated by one space");
                merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
            }
        }
        return makeBpe(readVocabObject(j.at("vocab")), merges, o);
    }
    throw Failure("tokenizer",
                  "model type '" + type + "' is not supported (WordPiece and BPE are)");
}

} // namespace synthembed::tok::detail
