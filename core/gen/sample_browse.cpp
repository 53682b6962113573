#include "core/gen/sample_browse.h"

#include "core/store/sqlite.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>
#include <variant>

namespace synthembed::gen {

namespace {

using Param = std::variant<std::int64_t, std::string>;

std::string likeEscape(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 2);
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

struct KindRule {
    std::string_view kind;
    std::vector<std::string_view> prefixes;
};

// Reasons written by synthembed itself whose kind is not just the text before ": ".
const std::vector<KindRule>& kindRules() {
    static const std::vector<KindRule> rules{
        {"duplicate", {"duplicate: ", "duplicate of sample "}},
        {"near-duplicate", {"near-duplicate of sample "}},
        {"filter: family", {"filter: family "}},
        {"filter: language", {"filter: language "}},
        {"filter: query length", {"filter: query length "}},
        {"filter: positive length", {"filter: positive length "}},
    };
    return rules;
}

const KindRule* ruleOf(std::string_view reason) {
    for (const auto& r : kindRules()) {
        if (reason == r.kind) return &r;
        for (auto p : r.prefixes)
            if (reason.substr(0, p.size()) == p) return &r;
    }
    return nullptr;
}

// A label that reasons "LABEL: details" are grouped under.
bool isLabel(std::string_view k) { return !k.empty() && k.size() <= 40 && k.find(':') == std::string_view::npos; }

// " WHERE ..." (or "") for the filter; parameters are numbered ?N from `next` on (the text
// condition uses its one parameter four times) and appended to `params` in that order.
std::string whereClause(const SampleFilter& f, std::vector<Param>& params, int& next) {
    std::vector<std::string> parts;
    auto param = [&](Param value) {
        params.push_back(std::move(value));
        return "?" + std::to_string(next++);
    };
    auto add = [&](const char* column, Param value) { parts.push_back(std::string(column) + " = " + param(std::move(value))); };
    if (!f.family.empty()) add("family", f.family);
    if (!f.language.empty()) add("language", f.language);
    if (!f.status.empty()) add("status", f.status);
    if (!f.reason.empty()) add("reject_reason", f.reason);
    if (f.jobId) add("job_id", *f.jobId);
    if (!f.text.empty()) {
        const std::string n = param("%" + likeEscape(f.text) + "%");
        std::string cond = "(";
        const char* cols[] = {"query", "positive", "negative", "instruction"};
        for (int i = 0; i < 4; ++i) {
            if (i) cond += " OR ";
            cond += std::string(cols[i]) + " LIKE " + n + " ESCAPE '\\'";
        }
        parts.push_back(cond + ")");
    }
    if (f.reasonKind) {
        // The same rules as rejectReasonKind, in SQL: prefixes as byte ranges (BINARY collation),
        // so the kind never depends on LIKE's case folding or on character counts.
        const std::string e = "COALESCE(reject_reason,'')";
        auto prefix = [&](std::string_view p) {
            std::string upper(p);
            upper.back() = static_cast<char>(upper.back() + 1); // every prefix ends in ' '
            return "(" + e + " >= " + param(std::string(p)) + " AND " + e + " < " + param(upper) + ")";
        };
        auto ruleCond = [&](const KindRule& r) {
            std::string c = "(" + e + " = " + param(std::string(r.kind));
            for (auto p : r.prefixes) c += " OR " + prefix(p);
            return c + ")";
        };
        const std::string& k = *f.reasonKind;
        std::string cond;
        const KindRule* own = nullptr;
        for (const auto& r : kindRules())
            if (r.kind == k) own = &r;
        if (own) {
            cond = ruleCond(*own);
        } else {
            cond = "(" + e + " = " + param(k);
            if (isLabel(k)) cond += " OR " + prefix(k + ": ");
            cond += ")";
            for (const auto& r : kindRules()) cond += " AND NOT " + ruleCond(r);
        }
        parts.push_back("(status = 'rejected' AND " + cond + ")");
    }
    if (parts.empty()) return {};
    std::string sql;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) sql += " AND ";
        sql += parts[i];
    }
    if (!f.keepIds.empty()) {
        nlohmann::json ids = f.keepIds;
        sql = "(" + sql + ") OR id IN (SELECT value FROM json_each(" + param(ids.dump()) + "))";
    }
    return " WHERE (" + sql + ")";
}

void bindParams(db::Statement& st, const std::vector<Param>& params, int first = 1) {
    int i = first;
    for (auto& p : params) {
        if (auto* n = std::get_if<std::int64_t>(&p))
            st.bind(i++, *n);
        else
            st.bind(i++, std::get<std::string>(p));
    }
}

} // namespace

Result<std::int64_t> countSamples(const store::Project& project, const SampleFilter& filter) {
    return guarded([&] {
        std::vector<Param> params;
        int next = 1;
        auto st = project.db().prepare("SELECT count(*) FROM samples" + whereClause(filter, params, next));
        bindParams(st, params);
        return st.step() ? st.getInt(0) : std::int64_t{0};
    }, "db");
}

Result<std::vector<SampleRow>> fetchSamples(const store::Project& project, const SampleFilter& filter,
                                            const PageRequest& page) {
    return guarded([&] {
        // ?1 = snippet length; filter parameters from ?2 on; then keyset id, limit, offset.
        std::vector<Param> params{std::int64_t{page.snippetChars}};
        int next = 2;
        std::string where = whereClause(filter, params, next);
        const bool before = page.beforeId && !page.afterId;
        if (page.afterId || before) {
            where += (where.empty() ? " WHERE id " : " AND id ") + std::string(before ? "< ?" : "> ?") +
                     std::to_string(next++);
            params.emplace_back(before ? *page.beforeId : *page.afterId);
        }
        std::string sql = "SELECT id, COALESCE(job_id, 0), family, language, status, substr(COALESCE(query,''), 1, ?1), "
                          "substr(COALESCE(positive,''), 1, ?1), substr(COALESCE(negative,''), 1, ?1), "
                          "COALESCE(reject_reason,'') FROM samples" + where;
        // The offset counts from the keyset position when there is one (a jump near a known page).
        sql += before ? " ORDER BY id DESC" : " ORDER BY id";
        sql += " LIMIT ?" + std::to_string(next) + " OFFSET ?" + std::to_string(next + 1);
        params.emplace_back(page.limit);
        params.emplace_back(std::max<std::int64_t>(0, page.offset));
        auto st = project.db().prepare(sql);
        bindParams(st, params);
        std::vector<SampleRow> rows;
        rows.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, page.limit)));
        while (st.step()) {
            SampleRow r;
            r.id = st.getInt(0);
            r.jobId = st.getInt(1);
            r.family = st.getText(2);
            r.language = st.getText(3);
            r.status = st.getText(4);
            r.query = st.getText(5);
            r.positive = st.getText(6);
            r.negative = st.getText(7);
            r.rejectReason = st.getText(8);
            rows.push_back(std::move(r));
        }
        if (before) std::reverse(rows.begin(), rows.end());
        return rows;
    }, "db");
}

Result<SampleFacets> sampleFacets(const store::Project& project) {
    return guarded([&] {
        SampleFacets f;
        // The (status, family, language) index answers these without a table scan of the texts.
        auto fam = project.db().prepare("SELECT DISTINCT family FROM samples ORDER BY family");
        while (fam.step()) f.families.push_back(fam.getText(0));
        auto lang = project.db().prepare("SELECT DISTINCT language FROM samples WHERE language <> '' ORDER BY language");
        while (lang.step()) f.languages.push_back(lang.getText(0));
        return f;
    }, "db");
}

Result<std::vector<std::pair<std::string, std::int64_t>>> rejectReasons(const store::Project& project,
                                                                         std::optional<std::int64_t> jobId) {
    return guarded([&] {
        std::vector<std::pair<std::string, std::int64_t>> out;
        std::string sql = "SELECT COALESCE(reject_reason,''), count(*) FROM samples WHERE status = 'rejected'";
        if (jobId) sql += " AND job_id = ?";
        sql += " GROUP BY 1 ORDER BY 2 DESC, 1";
        auto st = project.db().prepare(sql);
        if (jobId) st.bind(1, *jobId);
        while (st.step()) out.emplace_back(st.getText(0), st.getInt(1));
        return out;
    }, "db");
}

std::string rejectReasonKind(std::string_view reason) {
    if (const KindRule* r = ruleOf(reason)) return std::string(r->kind);
    const auto c = reason.find(':');
    if (c != std::string_view::npos && c + 1 < reason.size() && reason[c + 1] == ' ' && isLabel(reason.substr(0, c)))
        return std::string(reason.substr(0, c));
    return std::string(reason);
}

Result<std::vector<RejectReasonGroup>> rejectReasonGroups(const store::Project& project,
                                                          std::optional<std::int64_t> jobId) {
    auto reasons = rejectReasons(project, jobId);
    if (!reasons) return reasons.error();
    std::vector<RejectReasonGroup> groups;
    std::unordered_map<std::string, std::size_t> at;
    for (auto& [reason, n] : *reasons) { // most frequent first, so each group's reasons are too
        std::string kind = rejectReasonKind(reason);
        auto [it, fresh] = at.emplace(kind, groups.size());
        if (fresh) groups.push_back({std::move(kind), 0, {}});
        auto& g = groups[it->second];
        g.count += n;
        g.reasons.emplace_back(reason, n);
    }
    std::stable_sort(groups.begin(), groups.end(), [](const RejectReasonGroup& a, const RejectReasonGroup& b) {
        return a.count != b.count ? a.count > b.count : a.kind < b.kind;
    });
    return groups;
}

Result<std::optional<std::int64_t>> rowOfSample(const store::Project& project, const SampleFilter& filter,
                                                std::int64_t id) {
    return guarded([&]() -> std::optional<std::int64_t> {
        std::vector<Param> params;
        int next = 1;
        std::string where = whereClause(filter, params, next);
        where += where.empty() ? " WHERE " : " AND ";
        const std::string n = "?" + std::to_string(next++);
        params.emplace_back(id);
        auto st = project.db().prepare("SELECT (SELECT count(*) FROM samples" + where + "id < " + n +
                                       "), EXISTS(SELECT 1 FROM samples" + where + "id = " + n + ")");
        bindParams(st, params);
        if (!st.step() || st.getInt(1) == 0) return std::nullopt;
        return st.getInt(0);
    }, "db");
}

Result<SampleDetail> loadSample(const store::Project& project, std::int64_t id) {
    return guarded([&] {
        auto st = project.db().prepare(
            "SELECT s.id, COALESCE(s.job_id,0), s.family, s.language, s.status, COALESCE(s.query,''), "
            "COALESCE(s.positive,''), COALESCE(s.negative,''), COALESCE(s.reject_reason,''), s.instruction, "
            "s.sampled_values, COALESCE(s.raw_output, r.raw_answer, ''), COALESCE(r.prompt,''), COALESCE(r.kind,''), "
            "COALESCE(r.task,''), COALESCE(r.template_name,''), s.source, COALESCE(s.original,''), s.flags, "
            "s.prompt_tokens, s.completion_tokens, s.created_at, s.updated_at "
            "FROM samples s LEFT JOIN requests r ON r.id = s.request_id WHERE s.id = ?");
        st.bind(1, id);
        if (!st.step()) throw Failure("not_found", "no sample with id " + std::to_string(id));
        SampleDetail d;
        d.row.id = st.getInt(0);
        d.row.jobId = st.getInt(1);
        d.row.family = st.getText(2);
        d.row.language = st.getText(3);
        d.row.status = st.getText(4);
        d.row.query = st.getText(5);
        d.row.positive = st.getText(6);
        d.row.negative = st.getText(7);
        d.row.rejectReason = st.getText(8);
        d.instruction = st.getText(9);
        auto values = nlohmann::ordered_json::parse(st.getText(10), nullptr, false);
        if (values.is_object()) {
            for (auto& [k, v] : values.items())
                d.sampledValues.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
        } else if (values.is_array()) {
            // [[name, value], ...] or [{"name":..,"value":..}]
            for (auto& e : values) {
                if (e.is_array() && e.size() == 2)
                    d.sampledValues.emplace_back(e[0].is_string() ? e[0].get<std::string>() : e[0].dump(),
                                                 e[1].is_string() ? e[1].get<std::string>() : e[1].dump());
                else if (e.is_object())
                    d.sampledValues.emplace_back(e.value("name", ""), e.value("value", ""));
            }
        }
        d.rawOutput = st.getText(11);
        d.prompt = st.getText(12);
        d.requestKind = st.getText(13);
        d.task = st.getText(14);
        d.templateName = st.getText(15);
        d.source = st.getText(16);
        d.original = st.getText(17);
        d.flags = st.getText(18);
        d.promptTokens = st.getInt(19);
        d.completionTokens = st.getInt(20);
        d.createdAt = st.getText(21);
        d.updatedAt = st.getText(22);
        return d;
    }, "db");
}

} // namespace synthembed::gen
