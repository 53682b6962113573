// Tokenizer: loading (tokenizer.json / tokenizer.model / vocab.txt + tokenizer_config.json), added
// tokens, the encode pipeline (split on added tokens -> normalize -> pre-tokenize -> model ->
// truncate -> post-process) and decode, with Hugging Face tokenizers' semantics.

#include "core/tok/tokenizer.h"

#include "core/tok/components.h"
#include "core/tok/unicode.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_set>

namespace synthembed::tok {

using namespace detail;
using nlohmann::json;

namespace {

std::string readText(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw Failure("not_found", p.string() + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

json parseJson(std::string_view text, const std::string& what) {
    try {
        return json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        throw Failure("tokenizer", what + ": invalid JSON: " + e.what());
    }
}

struct AddedToken {
    std::u32string content;
    std::string text;
    int32_t id = -1;
    bool special = false, lstrip = false, rstrip = false, singleWord = false, normalized = false;
};

/// One element of a post-processing template: a special token or a sequence (A = 0, B = 1).
struct TemplateItem {
    int seq = -1; // -1: special token
    std::vector<int32_t> ids;
    std::vector<std::string> tokens;
    int32_t typeId = 0;
};

struct Raw {
    std::vector<int32_t> ids;
    std::vector<std::string> tokens;
    std::vector<std::pair<uint32_t, uint32_t>> offsets;
    void truncate(size_t n, TruncationSide side) {
        if (ids.size() <= n) return;
        auto cut = [&](auto& v) {
            if (v.empty()) return;
            if (side == TruncationSide::Right)
                v.resize(n);
            else
                v.erase(v.begin(), v.end() - n);
        };
        cut(ids);
        cut(tokens);
        cut(offsets);
    }
};

struct Workspace {
    std::u32string orig;
    PreTokState st;
    CharVec tmp;
    std::vector<TokOut> toks;
};
Workspace& workspace() {
    thread_local Workspace ws;
    return ws;
}

bool isWordChar(char32_t c) {
    return c == '_' || ucd::isLetter(c) || ucd::isNumber(c);
}

} // namespace

struct Tokenizer::Impl {
    std::unique_ptr<Normalizer> normalizer;
    std::unique_ptr<PreTokenizer> preTokenizer;
    std::unique_ptr<Model> model;
    std::unique_ptr<Decoder> decoder;
    ModelKind kind = ModelKind::Bpe;

    std::vector<AddedToken> added;                 // all added tokens
    std::unordered_map<int32_t, size_t> addedById; // id -> index in added
    Vocab addedByContent;                          // content -> id
    /// Added tokens indexed by first char, longest first (HF's leftmost-longest trie).
    struct Matcher {
        std::vector<std::vector<size_t>> byFirstAscii = std::vector<std::vector<size_t>>(128);
        std::unordered_map<char32_t, std::vector<size_t>> byFirstOther;
        std::vector<std::u32string> content; // per index into `added`; matched form
        bool any = false;
    };
    Matcher rawMatcher;  // normalized = false: matched on the original text
    Matcher normMatcher; // normalized = true: matched on the normalized text, content normalized too

    std::vector<TemplateItem> single{{0, {}, {}, 0}};
    std::vector<TemplateItem> pair{{0, {}, {}, 0}, {1, {}, {}, 1}};
    bool trimOffsets = false, trimAddPrefixSpace = false;

    SpecialTokenIds specials;
    std::optional<size_t> maxLen;

    // ------------------------------------------------------------------ added tokens
    void addToken(AddedToken t) {
        if (t.id < 0) return;
        t.content = utf8::decode(t.text);
        if (t.content.empty()) return;
        addedByContent[t.text] = t.id;
        auto it = addedById.find(t.id);
        if (it != addedById.end()) {
            added[it->second] = std::move(t);
        } else {
            addedById[t.id] = added.size();
            added.push_back(std::move(t));
        }
    }
    void buildMatchers() {
        rawMatcher = Matcher{};
        normMatcher = Matcher{};
        rawMatcher.content.resize(added.size());
        normMatcher.content.resize(added.size());
        for (size_t i = 0; i < added.size(); ++i) {
            Matcher& m = added[i].normalized && normalizer ? normMatcher : rawMatcher;
            std::u32string c = added[i].content;
            if (&m == &normMatcher) {
                CharVec cv, tmp;
                for (char32_t x : c)
                    cv.push_back({x, 0, 1});
                normalizer->apply(cv, tmp);
                c.clear();
                for (const auto& ch : cv)
                    c.push_back(ch.c);
                if (c.empty()) continue;
            }
            m.content[i] = c;
            m.any = true;
            if (c[0] < 128)
                m.byFirstAscii[c[0]].push_back(i);
            else
                m.byFirstOther[c[0]].push_back(i);
        }
        for (Matcher* m : {&rawMatcher, &normMatcher}) {
            auto longestFirst = [&](std::vector<size_t>& v) {
                std::stable_sort(v.begin(), v.end(), [&](size_t a, size_t b) {
                    return m->content[a].size() > m->content[b].size();
                });
            };
            for (auto& v : m->byFirstAscii)
                longestFirst(v);
            for (auto& [k, v] : m->byFirstOther)
                longestFirst(v);
        }
    }

    struct Match {
        uint32_t b, e;
        int32_t id;
    };
    // HF AddedVocabulary::find_matches over code points: leftmost-longest, then single_word /
    // lstrip / rstrip adjustments. at(i) gives the i-th char of the text.
    template <class At> void findAdded(const Matcher& mt, uint32_t n, At at, std::vector<Match>& out) const {
        out.clear();
        if (!mt.any) return;
        uint32_t startOffset = 0;
        for (uint32_t i = 0; i < n; ++i) {
            char32_t c = at(i);
            const std::vector<size_t>* cands;
            if (c < 128) {
                cands = &mt.byFirstAscii[c];
                if (cands->empty()) continue;
            } else {
                if (mt.byFirstOther.empty()) continue;
                auto it = mt.byFirstOther.find(c);
                if (it == mt.byFirstOther.end()) continue;
                cands = &it->second;
            }
            const AddedToken* hit = nullptr;
            uint32_t len = 0;
            for (size_t idx : *cands) {
                const auto& content = mt.content[idx];
                if (content.size() > n - i) continue;
                bool eq = true;
                for (size_t k = 1; eq && k < content.size(); ++k)
                    eq = at(i + static_cast<uint32_t>(k)) == content[k];
                if (eq) {
                    hit = &added[idx];
                    len = static_cast<uint32_t>(content.size());
                    break;
                }
            }
            if (!hit) continue;
            uint32_t start = i, stop = i + len;
            if (hit->singleWord) {
                bool startOk = start == 0 || !isWordChar(at(start - 1));
                bool stopOk = stop == n || !isWordChar(at(stop));
                if (!startOk || !stopOk) continue;
            }
            if (hit->lstrip) {
                uint32_t ns = start;
                while (ns > 0 && ucd::isWhiteSpace(at(ns - 1)))
                    --ns;
                start = std::max(ns, startOffset);
            }
            if (hit->rstrip)
                while (stop < n && ucd::isWhiteSpace(at(stop)))
                    ++stop;
            out.push_back({start, stop, hit->id});
            startOffset = stop;
            i = stop - 1;
        }
    }

    // ------------------------------------------------------------------ encode
    // Pre-tokenizes and tokenizes ws.st.buf (normalized chars), appending to raw.
    void encodeNormalized(Workspace& ws, Raw& raw, bool wantTokens, bool wantOffsets) const {
        if (ws.st.buf.empty()) return;
        ws.st.pieces.assign(1, Piece{0, static_cast<uint32_t>(ws.st.buf.size())});
        if (preTokenizer) preTokenizer->apply(ws.st);
        const auto& pb = ws.st.buf; // the pre-tokenizer may have replaced the buffer
        for (const auto& p : ws.st.pieces) {
            if (p.e <= p.b) continue;
            ws.toks.clear();
            model->tokenize(pb.data() + p.b, p.e - p.b, ws.toks);
            for (const auto& t : ws.toks) {
                raw.ids.push_back(t.id);
                if (wantOffsets) raw.offsets.emplace_back(pb[p.b + t.b].s, pb[p.b + t.e - 1].e);
                if (wantTokens) {
                    const std::string* s = model->idToToken(t.id);
                    raw.tokens.push_back(s ? *s : std::string());
                }
            }
        }
    }

    void pushAdded(const Match& m, uint32_t s, uint32_t e, Raw& raw, bool wantTokens,
                   bool wantOffsets) const {
        raw.ids.push_back(m.id);
        if (wantOffsets) raw.offsets.emplace_back(s, e);
        if (wantTokens) raw.tokens.push_back(added[addedById.at(m.id)].text);
    }

    void encodeSection(Workspace& ws, uint32_t b, uint32_t e, Raw& raw, bool wantTokens,
                       bool wantOffsets) const {
        auto& buf = ws.st.buf;
        buf.resize(e - b);
        for (uint32_t i = b; i < e; ++i)
            buf[i - b] = {ws.orig[i], i, i + 1};
        if (normalizer) normalizer->apply(buf, ws.tmp);
        if (!normMatcher.any) {
            encodeNormalized(ws, raw, wantTokens, wantOffsets);
            return;
        }
        thread_local std::vector<Match> matches;
        CharVec norm = buf;
        findAdded(
            normMatcher, static_cast<uint32_t>(norm.size()), [&](uint32_t i) { return norm[i].c; }, matches);
        uint32_t pos = 0;
        auto gap = [&](uint32_t from, uint32_t to) {
            ws.st.buf.assign(norm.begin() + from, norm.begin() + to);
            encodeNormalized(ws, raw, wantTokens, wantOffsets);
        };
        for (const auto& m : matches) {
            if (pos < m.b) gap(pos, m.b);
            pushAdded(m, norm[m.b].s, norm[m.e - 1].e, raw, wantTokens, wantOffsets);
            pos = m.e;
        }
        if (pos < norm.size()) gap(pos, static_cast<uint32_t>(norm.size()));
    }

    void encodeRaw(std::string_view text, Raw& out, bool wantTokens, bool wantOffsets) const {
        Workspace& ws = workspace();
        ws.orig.clear();
        for (size_t i = 0; i < text.size();)
            ws.orig.push_back(utf8::next(text, i));
        thread_local std::vector<Match> matches;
        findAdded(
            rawMatcher, static_cast<uint32_t>(ws.orig.size()), [&](uint32_t i) { return ws.orig[i]; },
            matches);
        uint32_t pos = 0;
        for (const auto& m : matches) {
            if (pos < m.b) encodeSection(ws, pos, m.b, out, wantTokens, wantOffsets);
            pushAdded(m, m.b, m.e, out, wantTokens, wantOffsets);
            pos = m.e;
        }
        if (pos < ws.orig.size())
            encodeSection(ws, pos, static_cast<uint32_t>(ws.orig.size()), out, wantTokens, wantOffsets);
    }

    void trim(Raw& raw) const {
        // ByteLevel post-processor with trim_offsets: leading/trailing byte-level spaces leave the offsets.
        for (size_t i = 0; i < raw.ids.size(); ++i) {
            const std::string* tok = nullptr;
            std::string tmp;
            auto it = addedById.find(raw.ids[i]);
            if (it != addedById.end())
                tok = &added[it->second].text;
            else
                tok = model->idToToken(raw.ids[i]);
            if (!tok) continue;
            std::u32string cs = utf8::decode(*tok);
            auto sp = [](char32_t c) { return c == 0x120 || ucd::isWhiteSpace(c); };
            size_t lead = 0, trail = 0;
            while (lead < cs.size() && sp(cs[lead]))
                ++lead;
            while (trail < cs.size() && sp(cs[cs.size() - 1 - trail]))
                ++trail;
            auto& o = raw.offsets[i];
            if (lead > 0) {
                bool first = i == 0 || o.first == 0;
                if (first && trimAddPrefixSpace && lead == 1) lead = 0;
                o.first = std::min<uint32_t>(o.first + static_cast<uint32_t>(lead), o.second);
            }
            if (trail > 0 && o.second >= trail)
                o.second = std::max<uint32_t>(o.second - static_cast<uint32_t>(trail), o.first);
        }
    }

    size_t addedCount(bool isPair) const {
        size_t n = 0;
        for (const auto& t : isPair ? pair : single)
            if (t.seq < 0) n += t.ids.size();
        return n;
    }

    Encoding assemble(Raw* a, Raw* b, const EncodeOptions& o) const {
        bool isPair = b != nullptr;
        if (o.maxLength > 0) {
            size_t extra = o.addSpecialTokens ? addedCount(isPair) : 0;
            size_t maxLen = o.maxLength > extra ? o.maxLength - extra : 0;
            if (!isPair) {
                a->truncate(maxLen, o.truncationSide);
            } else if (a->ids.size() + b->ids.size() > maxLen) {
                size_t n1 = a->ids.size(), n2 = b->ids.size();
                bool swap = false;
                if (n1 > n2) {
                    swap = true;
                    std::swap(n1, n2);
                }
                if (n1 > maxLen)
                    n2 = n1;
                else
                    n2 = std::max(n1, maxLen - n1);
                if (n1 + n2 > maxLen) {
                    n1 = maxLen / 2;
                    n2 = n1 + maxLen % 2;
                }
                if (swap) std::swap(n1, n2);
                a->truncate(n1, o.truncationSide);
                b->truncate(n2, o.truncationSide);
            }
        }
        if (trimOffsets && o.withOffsets) {
            trim(*a);
            if (b) trim(*b);
        }
        Encoding e;
        auto appendSeq = [&](Raw& r, int seq, int32_t typeId) {
            e.ids.insert(e.ids.end(), r.ids.begin(), r.ids.end());
            e.typeIds.insert(e.typeIds.end(), r.ids.size(), typeId);
            if (o.withTokens) e.tokens.insert(e.tokens.end(), r.tokens.begin(), r.tokens.end());
            if (o.withOffsets) e.offsets.insert(e.offsets.end(), r.offsets.begin(), r.offsets.end());
            e.specialTokensMask.insert(e.specialTokensMask.end(), r.ids.size(), 0);
            e.sequenceIds.insert(e.sequenceIds.end(), r.ids.size(), static_cast<uint8_t>(seq));
        };
        if (!o.addSpecialTokens) {
            appendSeq(*a, 0, 0);
            if (b) appendSeq(*b, 1, 1);
            return e;
        }
        for (const auto& item : isPair ? pair : single) {
            if (item.seq == 0) {
                appendSeq(*a, 0, item.typeId);
            } else if (item.seq == 1) {
                if (b) appendSeq(*b, 1, item.typeId);
            } else {
                for (size_t k = 0; k < item.ids.size(); ++k) {
                    e.ids.push_back(item.ids[k]);
                    e.typeIds.push_back(item.typeId);
                    if (o.withTokens) e.tokens.push_back(item.tokens[k]);
                    if (o.withOffsets) e.offsets.emplace_back(0, 0);
                    e.specialTokensMask.push_back(1);
                    e.sequenceIds.push_back(255);
                }
            }
        }
        return e;
    }

    // ------------------------------------------------------------------ loading helpers
    TemplateItem special(const std::string& token, int32_t typeId) const {
        auto id = tokenToId(token);
        if (!id)
            throw Failure("tokenizer",
                          "post-processor: special token '" + token + "' is not in the vocabulary");
        return TemplateItem{-1, {*id}, {token}, typeId};
    }
    std::optional<int32_t> tokenToId(std::string_view t) const {
        auto it = addedByContent.find(t);
        if (it != addedByContent.end()) return it->second;
        return model->tokenToId(t);
    }

    void parsePostProcessor(const json& j) {
        if (j.is_null()) {
            single = {{0, {}, {}, 0}};
            pair = {{0, {}, {}, 0}, {1, {}, {}, 1}};
            return;
        }
        std::string type = j.value("type", "");
        if (type == "BertProcessing" || type == "RobertaProcessing") {
            std::string cls = j.at("cls").at(0).get<std::string>(),
                        sep = j.at("sep").at(0).get<std::string>();
            auto mk = [&](const std::string& t, int32_t id, int32_t typeId) {
                return TemplateItem{-1, {id}, {t}, typeId};
            };
            int32_t clsId = j["cls"][1].get<int32_t>(), sepId = j["sep"][1].get<int32_t>();
            if (type == "BertProcessing") {
                single = {mk(cls, clsId, 0), {0, {}, {}, 0}, mk(sep, sepId, 0)};
                pair = {
                    mk(cls, clsId, 0), {0, {}, {}, 0}, mk(sep, sepId, 0), {1, {}, {}, 1}, mk(sep, sepId, 1)};
            } else {
                single = {mk(cls, clsId, 0), {0, {}, {}, 0}, mk(sep, sepId, 0)};
                pair = {mk(cls, clsId, 0), {0, {}, {}, 0}, mk(sep, sepId, 0),
                        mk(sep, sepId, 0), {1, {}, {}, 0}, mk(sep, sepId, 0)};
                trimOffsets = j.value("trim_offsets", true);
                trimAddPrefixSpace = j.value("add_prefix_space", true);
            }
            if (!specials.cls) specials.cls = clsId;
            if (!specials.sep) specials.sep = sepId;
            return;
        }
        if (type == "ByteLevel") {
            trimOffsets = j.value("trim_offsets", true);
            trimAddPrefixSpace = j.value("add_prefix_space", true);
            return;
        }
        if (type == "TemplateProcessing") {
            std::unordered_map<std::string, TemplateItem> sp;
            if (j.contains("special_tokens"))
                for (auto it = j["special_tokens"].begin(); it != j["special_tokens"].end(); ++it) {
                    TemplateItem t;
                    for (const auto& id : it.value().at("ids"))
                        t.ids.push_back(id.get<int32_t>());
                    for (const auto& tk : it.value().at("tokens"))
                        t.tokens.push_back(tk.get<std::string>());
                    if (t.ids.size() != t.tokens.size())
                        throw Failure("tokenizer", "TemplateProcessing: special token '" + it.key() +
                                                               "' has ids and tokens of different lengths");
                    sp[it.key()] = t;
                }
            auto parse = [&](const json& items) {
                std::vector<TemplateItem> out;
                for (const auto& item : items) {
                    if (item.contains("Sequence")) {
                        std::string id = item["Sequence"].at("id").get<std::string>();
                        out.push_back({id == "B" ? 1 : 0, {}, {}, item["Sequence"].value("type_id", 0)});
                    } else {
                        std::string id = item.at("SpecialToken").at("id").get<std::string>();
                        auto it = sp.find(id);
                        if (it == sp.end())
                            throw Failure("tokenizer",
                                          "TemplateProcessing: special token '" + id + "' is not defined");
                        TemplateItem t = it->second;
                        t.seq = -1;
                        t.typeId = item["SpecialToken"].value("type_id", 0);
                        out.push_back(t);
                    }
                }
                return out;
            };
            single = parse(j.at("single"));
            pair = parse(j.at("pair"));
            return;
        }
        if (type == "Sequence") {
            for (const auto& p : j.at("processors"))
                parsePostProcessor(p);
            return;
        }
        throw Failure("tokenizer", "post-processor type '" + type + "' is not supported");
    }

    /// transformers' LlamaTokenizerFast.update_post_processor: BOS/EOS from add_bos_token/add_eos_token.
    void bosEosTemplate(bool addBos, bool addEos, const std::optional<std::string>& bos,
                        const std::optional<std::string>& eos) {
        if (addBos && !bos)
            throw Failure("tokenizer", "add_bos_token is true but bos_token is not set");
        if (addEos && !eos)
            throw Failure("tokenizer", "add_eos_token is true but eos_token is not set");
        single.clear();
        pair.clear();
        for (int seq = 0; seq < 2; ++seq) {
            std::vector<TemplateItem> part;
            if (addBos) part.push_back(special(*bos, seq));
            part.push_back({seq, {}, {}, seq});
            if (addEos) part.push_back(special(*eos, seq));
            if (seq == 0) single = part;
            pair.insert(pair.end(), part.begin(), part.end());
        }
    }

    void applyConfig(const json& cfg, bool fromJsonFile) {
        auto tokenString = [&](const char* key) -> std::optional<std::string> {
            if (!cfg.contains(key) || cfg[key].is_null()) return std::nullopt;
            const auto& v = cfg[key];
            if (v.is_string()) return v.get<std::string>();
            if (v.is_object() && v.contains("content")) return v["content"].get<std::string>();
            return std::nullopt;
        };
        // added_tokens_decoder entries not already known (tokenizer.json normally lists them all)
        if (cfg.contains("added_tokens_decoder") && cfg["added_tokens_decoder"].is_object()) {
            bool changed = false;
            for (auto it = cfg["added_tokens_decoder"].begin(); it != cfg["added_tokens_decoder"].end();
                 ++it) {
                int32_t id = std::stoi(it.key());
                if (addedById.count(id)) continue;
                const auto& v = it.value();
                AddedToken t;
                t.id = id;
                t.text = v.value("content", "");
                t.special = v.value("special", false);
                t.lstrip = v.value("lstrip", false);
                t.rstrip = v.value("rstrip", false);
                t.singleWord = v.value("single_word", false);
                t.normalized = v.value("normalized", !t.special);
                if (!fromJsonFile || !t.normalized) {
                    addToken(t);
                    changed = true;
                }
            }
            if (changed) buildMatchers();
        }
        auto bos = tokenString("bos_token"), eos = tokenString("eos_token");
        auto setId = [&](std::optional<int32_t>& slot, const char* key) {
            if (auto s = tokenString(key))
                if (auto id = tokenToId(*s)) slot = id;
        };
        setId(specials.bos, "bos_token");
        setId(specials.eos, "eos_token");
        setId(specials.pad, "pad_token");
        setId(specials.unk, "unk_token");
        setId(specials.cls, "cls_token");
        setId(specials.sep, "sep_token");
        setId(specials.mask, "mask_token");
        if (cfg.contains("add_eos_token") && cfg["add_eos_token"].is_boolean()) {
            bool addBos = cfg.value("add_bos_token", true);
            bool addEos = cfg["add_eos_token"].get<bool>();
            bosEosTemplate(addBos, addEos, bos, eos);
        }
        if (cfg.contains("model_max_length") && cfg["model_max_length"].is_number()) {
            double v = cfg["model_max_length"].get<double>();
            if (v > 0 && v < 1e9) maxLen = static_cast<size_t>(v);
        }
    }

    void finishSpecials() {
        if (!specials.unk) specials.unk = model->unkId();
        // Without a config, infer BOS/EOS from the single-sequence template.
        if (!single.empty() && single.front().seq < 0 && !single.front().ids.empty() && !specials.bos &&
            !specials.cls)
            specials.bos = single.front().ids.front();
        if (!single.empty() && single.back().seq < 0 && !single.back().ids.empty() && !specials.eos &&
            !specials.sep)
            specials.eos = single.back().ids.back();
    }
};

// ---------------------------------------------------------------------------------------------
Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

namespace {

std::unique_ptr<Tokenizer::Impl> implFromJson(const json& j, const json& cfg) {
    auto impl = std::make_unique<Tokenizer::Impl>();
    impl->model = makeModel(j.at("model"));
    std::string mtype = j["model"].value("type", "");
    impl->normalizer = makeNormalizer(j.value("normalizer", json()));
    impl->preTokenizer = makePreTokenizer(j.value("pre_tokenizer", json()));
    impl->decoder = makeDecoder(j.value("decoder", json()));
    if (j.contains("added_tokens"))
        for (const auto& a : j["added_tokens"]) {
            AddedToken t;
            t.id = a.at("id").get<int32_t>();
            t.text = a.at("content").get<std::string>();
            t.special = a.value("special", false);
            t.lstrip = a.value("lstrip", false);
            t.rstrip = a.value("rstrip", false);
            t.singleWord = a.value("single_word", false);
            t.normalized = a.value("normalized", false);
            impl->addToken(t);
        }
    impl->buildMatchers();
    impl->parsePostProcessor(j.value("post_processor", json()));
    bool byteLevel = false;
    auto scan = [&](const json& x, auto& self) -> void {
        if (x.is_object()) {
            if (x.value("type", "") == "ByteLevel") byteLevel = true;
            for (const auto& v : x)
                self(v, self);
        } else if (x.is_array()) {
            for (const auto& v : x)
                self(v, self);
        }
    };
    scan(j.value("pre_tokenizer", json()), scan);
    impl->kind = mtype == "WordPiece" ? ModelKind::WordPiece
                 : byteLevel          ? ModelKind::ByteLevelBpe
                                      : ModelKind::Bpe;
    if (!cfg.is_null()) impl->applyConfig(cfg, true);
    impl->finishSpecials();
    return impl;
}

std::unique_ptr<Tokenizer::Impl> implFromSentencePiece(const std::filesystem::path& path, const json& cfg) {
    SentencePieceModel sp = readSentencePieceModel(path.string());
    if (sp.modelType != 2)
        throw Failure("tokenizer",
                      path.string() + ": SentencePiece model type " + std::to_string(sp.modelType) +
                          " is not supported (only BPE, type 2; use a tokenizer.json)");
    auto impl = std::make_unique<Tokenizer::Impl>();
    Vocab vocab;
    std::vector<std::pair<std::string, float>> vocabScores;
    for (size_t i = 0; i < sp.pieces.size(); ++i) {
        vocab.emplace(sp.pieces[i].piece, static_cast<int32_t>(i));
        // transformers' LlamaConverter scores the first three pieces 0.
        vocabScores.emplace_back(sp.pieces[i].piece, i < 3 ? 0.0f : sp.pieces[i].score);
    }
    // Merges as transformers' SentencePieceExtractor builds them: every split of a piece into two
    // known pieces, ordered by the piece's score (stable), ties by the ids of the two halves.
    struct M {
        float score;
        int32_t l, r;
        std::string a, b;
    };
    std::vector<M> ms;
    for (const auto& [piece, score] : vocabScores) {
        std::u32string cs = utf8::decode(piece);
        std::vector<M> local;
        for (size_t k = 1; k < cs.size(); ++k) {
            std::string a = utf8::encode(std::u32string_view(cs).substr(0, k)),
                        b = utf8::encode(std::u32string_view(cs).substr(k));
            auto ia = vocab.find(a), ib = vocab.find(b);
            if (ia != vocab.end() && ib != vocab.end())
                local.push_back({score, ia->second, ib->second, a, b});
        }
        std::stable_sort(local.begin(), local.end(),
                         [](const M& x, const M& y) { return x.l != y.l ? x.l < y.l : x.r < y.r; });
        ms.insert(ms.end(), local.begin(), local.end());
    }
    std::stable_sort(ms.begin(), ms.end(), [](const M& x, const M& y) { return x.score > y.score; });
    std::vector<std::pair<std::string, std::string>> merges;
    merges.reserve(ms.size());
    for (auto& m : ms)
        merges.emplace_back(std::move(m.a), std::move(m.b));
    BpeOptions o;
    if (sp.unkId >= 0 && size_t(sp.unkId) < sp.pieces.size()) o.unkToken = sp.pieces[sp.unkId].piece;
    o.fuseUnk = true;
    o.byteFallback = sp.byteFallback;
    impl->model = makeBpe(std::move(vocab), merges, o);
    impl->normalizer = makeSentencePieceNormalizer(sp.addDummyPrefix, sp.removeExtraWhitespaces);
    impl->decoder = makeSentencePieceDecoder(sp.addDummyPrefix);
    impl->kind = ModelKind::Bpe;
    for (size_t i = 0; i < sp.pieces.size(); ++i) {
        int t = sp.pieces[i].type;
        if (t == 2 || t == 3 || t == 4) {
            AddedToken a;
            a.id = static_cast<int32_t>(i);
            a.text = sp.pieces[i].piece;
            a.special = t != 4;
            impl->addToken(a);
        }
    }
    impl->buildMatchers();
    json c = cfg.is_null() ? json::object() : cfg;
    auto pieceAt = [&](int id) -> std::optional<std::string> {
        if (id < 0 || size_t(id) >= sp.pieces.size()) return std::nullopt;
        return sp.pieces[id].piece;
    };
    if (!c.contains("bos_token") && pieceAt(sp.bosId)) c["bos_token"] = *pieceAt(sp.bosId);
    if (!c.contains("eos_token") && pieceAt(sp.eosId)) c["eos_token"] = *pieceAt(sp.eosId);
    if (!c.contains("unk_token") && pieceAt(sp.unkId)) c["unk_token"] = *pieceAt(sp.unkId);
    if (!c.contains("add_eos_token")) c["add_eos_token"] = false;
    if (!c.contains("add_bos_token")) c["add_bos_token"] = true;
    impl->applyConfig(c, false);
    impl->finishSpecials();
    return impl;
}

std::unique_ptr<Tokenizer::Impl> implFromVocabTxt(const std::filesystem::path& path, const json& cfgIn) {
    json cfg = cfgIn.is_null() ? json::object() : cfgIn;
    std::string text = readText(path);
    Vocab vocab;
    int32_t id = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        std::string tok = text.substr(pos, nl - pos);
        if (!tok.empty() && tok.back() == '\r') tok.pop_back();
        vocab.emplace(tok, id++);
        pos = nl + 1;
    }
    auto str = [&](const char* k, const char* def) {
        if (cfg.contains(k) && cfg[k].is_string()) return cfg[k].get<std::string>();
        if (cfg.contains(k) && cfg[k].is_object()) return cfg[k].value("content", std::string(def));
        return std::string(def);
    };
    std::string unk = str("unk_token", "[UNK]"), cls = str("cls_token", "[CLS]"),
                sep = str("sep_token", "[SEP]");
    std::string pad = str("pad_token", "[PAD]"), mask = str("mask_token", "[MASK]");
    auto impl = std::make_unique<Tokenizer::Impl>();
    std::optional<bool> strip;
    if (cfg.contains("strip_accents") && cfg["strip_accents"].is_boolean())
        strip = cfg["strip_accents"].get<bool>();
    impl->normalizer = makeBertNormalizer(true, cfg.value("tokenize_chinese_chars", true), strip,
                                          cfg.value("do_lower_case", true));
    impl->preTokenizer = makeBertPreTokenizer();
    impl->decoder = makeWordPieceDecoder("##", cfg.value("clean_up_tokenization_spaces", true));
    impl->kind = ModelKind::WordPiece;
    std::vector<std::string> specialNames{pad, unk, cls, sep, mask};
    std::vector<std::pair<std::string, int32_t>> specialIds;
    for (const auto& s : specialNames) {
        auto it = vocab.find(s);
        if (it != vocab.end()) specialIds.emplace_back(s, it->second);
    }
    impl->model = makeWordPiece(std::move(vocab), unk, "##", 100);
    std::sort(specialIds.begin(), specialIds.end(), [](auto& a, auto& b) { return a.second < b.second; });
    for (const auto& [s, i] : specialIds) {
        AddedToken a;
        a.id = i;
        a.text = s;
        a.special = true;
        impl->addToken(a);
    }
    impl->buildMatchers();
    json pp = {{"type", "BertProcessing"}};
    auto clsId = impl->tokenToId(cls), sepId = impl->tokenToId(sep);
    if (!clsId || !sepId)
        throw Failure("tokenizer",
                      path.string() + ": '" + cls + "' or '" + sep + "' is not in the vocabulary");
    pp["cls"] = {cls, *clsId};
    pp["sep"] = {sep, *sepId};
    impl->parsePostProcessor(pp);
    // BertTokenizer's defaults for the special tokens the config leaves out.
    for (const auto& [key, value] : {std::pair{"unk_token", unk},
                                     {"cls_token", cls},
                                     {"sep_token", sep},
                                     {"pad_token", pad},
                                     {"mask_token", mask}})
        if (!cfg.contains(key)) cfg[key] = value;
    impl->applyConfig(cfg, false);
    impl->finishSpecials();
    return impl;
}

json readConfig(const std::filesystem::path& dir) {
    json cfg;
    std::error_code ec;
    auto stm = dir / "special_tokens_map.json";
    if (std::filesystem::exists(stm, ec)) cfg = parseJson(readText(stm), stm.string());
    auto tc = dir / "tokenizer_config.json";
    if (std::filesystem::exists(tc, ec)) {
        json c = parseJson(readText(tc), tc.string());
        if (!c.is_object()) throw Failure("tokenizer", tc.string() + ": not a JSON object");
        if (cfg.is_object()) {
            for (auto it = c.begin(); it != c.end(); ++it)
                cfg[it.key()] = it.value();
        } else {
            cfg = std::move(c);
        }
    }
    return cfg;
}

} // namespace

Result<std::unique_ptr<Tokenizer>> Tokenizer::load(const std::filesystem::path& pathOrDir) {
    return guarded(
        [&]() -> std::unique_ptr<Tokenizer> {
            std::error_code ec;
            std::filesystem::path dir = pathOrDir, file;
            if (std::filesystem::is_directory(pathOrDir, ec)) {
                for (const char* name : {"tokenizer.json", "tokenizer.model", "vocab.txt"})
                    if (std::filesystem::exists(pathOrDir / name, ec)) {
                        file = pathOrDir / name;
                        break;
                    }
                if (file.empty())
                    throw Failure("not_found",
                                  pathOrDir.string() +
                                      ": no tokenizer.json, tokenizer.model or vocab.txt in this folder");
            } else if (std::filesystem::exists(pathOrDir, ec)) {
                file = pathOrDir;
                dir = pathOrDir.parent_path();
                if (dir.empty()) dir = ".";
            } else {
                throw Failure("not_found", pathOrDir.string() + ": no such file or folder");
            }
            json cfg = readConfig(dir);
            std::string ext = file.extension().string();
            std::unique_ptr<Impl> impl;
            try {
                if (ext == ".json") {
                    json j = parseJson(readText(file), file.string());
                    impl = implFromJson(j, cfg);
                } else if (ext == ".model") {
                    impl = implFromSentencePiece(file, cfg);
                } else {
                    impl = implFromVocabTxt(file, cfg);
                }
            } catch (const json::exception& e) {
                throw Failure("tokenizer", file.string() + ": " + e.what());
            } catch (const Failure& f) {
                if (f.code() == "not_found") throw;
                std::string msg = f.what();
                if (msg.find(file.string()) == std::string::npos) msg = file.string() + ": " + msg;
                throw Failure(f.code(), msg);
            }
            return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
        },
        "tokenizer");
}

Result<std::unique_ptr<Tokenizer>> Tokenizer::fromJson(std::string_view tokenizerJson,
                                                       std::string_view tokenizerConfigJson) {
    return guarded(
        [&]() -> std::unique_ptr<Tokenizer> {
            try {
                json j = parseJson(tokenizerJson, "tokenizer.json");
                json cfg = tokenizerConfigJson.empty()
                               ? json()
                               : parseJson(tokenizerConfigJson, "tokenizer_config.json");
                return std::unique_ptr<Tokenizer>(new Tokenizer(implFromJson(j, cfg)));
            } catch (const json::exception& e) {
                throw Failure("tokenizer", std::string("tokenizer.json: ") + e.what());
            }
        },
        "tokenizer");
}

Encoding Tokenizer::encode(std::string_view text, const EncodeOptions& o) const {
    Raw a;
    m_impl->encodeRaw(text, a, o.withTokens, o.withOffsets || m_impl->trimOffsets);
    return m_impl->assemble(&a, nullptr, o);
}

Encoding Tokenizer::encodePair(std::string_view textA, std::string_view textB, const EncodeOptions& o) const {
    Raw a, b;
    m_impl->encodeRaw(textA, a, o.withTokens, o.withOffsets || m_impl->trimOffsets);
    m_impl->encodeRaw(textB, b, o.withTokens, o.withOffsets || m_impl->trimOffsets);
    return m_impl->assemble(&a, &b, o);
}

std::vector<int32_t> Tokenizer::encodeIds(std::string_view text, bool addSpecialTokens,
                                          size_t maxLength) const {
    EncodeOptions o;
    o.addSpecialTokens = addSpecialTokens;
    o.maxLength = maxLength;
    o.withTokens = false;
    o.withOffsets = false;
    return encode(text, o).ids;
}

std::vector<Encoding> Tokenizer::encodeBatch(std::span<const std::string> texts, const EncodeOptions& o,
                                             unsigned threads) const {
    std::vector<Encoding> out(texts.size());
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<size_t>(threads, texts.size()));
    if (threads <= 1) {
        for (size_t i = 0; i < texts.size(); ++i)
            out[i] = encode(texts[i], o);
        return out;
    }
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (size_t i; (i = next.fetch_add(1)) < texts.size();)
                out[i] = encode(texts[i], o);
        });
    for (auto& th : pool)
        th.join();
    return out;
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool skipSpecialTokens) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
        auto it = m_impl->addedById.find(id);
        if (it != m_impl->addedById.end()) {
            const auto& a = m_impl->added[it->second];
            if (skipSpecialTokens && a.special) continue;
            tokens.push_back(a.text);
            continue;
        }
        if (const std::string* s = m_impl->model->idToToken(id)) tokens.push_back(*s);
    }
    if (!m_impl->decoder) {
        std::string out;
        for (size_t i = 0; i < tokens.size(); ++i) {
            if (i) out += ' ';
            out += tokens[i];
        }
        return out;
    }
    m_impl->decoder->decodeChain(tokens);
    std::string out;
    for (const auto& t : tokens)
        out += t;
    return out;
}

std::optional<int32_t> Tokenizer::tokenToId(std::string_view token) const {
    return m_impl->tokenToId(token);
}

std::string Tokenizer::idToToken(int32_t id) const {
    auto it = m_impl->addedById.find(id);
    if (it != m_impl->addedById.end()) return m_impl->added[it->second].text;
    const std::string* s = m_impl->model->idToToken(id);
    return s ? *s : std::string();
}

size_t Tokenizer::vocabSize() const {
    size_t n = m_impl->model->vocabSize();
    for (const auto& a : m_impl->added)
        if (static_cast<size_t>(a.id) + 1 > n) n = static_cast<size_t>(a.id) + 1;
    return n;
}

bool Tokenizer::isSpecial(int32_t id) const {
    auto it = m_impl->addedById.find(id);
    return it != m_impl->addedById.end() && m_impl->added[it->second].special;
}

const SpecialTokenIds& Tokenizer::specialTokenIds() const {
    return m_impl->specials;
}
size_t Tokenizer::numSpecialTokensToAdd(bool pair) const {
    return m_impl->addedCount(pair);
}

bool Tokenizer::addsEos() const {
    const auto& s = m_impl->single;
    if (s.empty() || s.back().seq >= 0 || s.back().ids.empty()) return false;
    auto eos = m_impl->specials.eos;
    return eos && s.back().ids.back() == *eos;
}

ModelKind Tokenizer::modelKind() const {
    return m_impl->kind;
}
std::optional<size_t> Tokenizer::modelMaxLength() const {
    return m_impl->maxLen;
}

} // namespace synthembed::tok
