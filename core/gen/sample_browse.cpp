#include "core/gen/sample_browse.h"

#include "core/store/sqlite.h"

#include <nlohmann/json.hpp>

#include <algorithm>
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

// " WHERE ..." (or "") for the filter; parameters are numbered ?N from `next` on (the text
// condition uses its one parameter four times) and appended to `params` in that order.
std::string whereClause(const SampleFilter& f, std::vector<Param>& params, int& next) {
    std::vector<std::string> parts;
    auto add = [&](const char* column, Param value) {
        parts.push_back(std::string(column) + " = ?" + std::to_string(next++));
        params.push_back(std::move(value));
    };
    if (!f.family.empty()) add("family", f.family);
    if (!f.language.empty()) add("language", f.language);
    if (!f.status.empty()) add("status", f.status);
    if (!f.reason.empty()) add("reject_reason", f.reason);
    if (f.jobId) add("job_id", *f.jobId);
    if (!f.text.empty()) {
        const std::string n = "?" + std::to_string(next++);
        std::string cond = "(";
        const char* cols[] = {"query", "positive", "negative", "instruction"};
        for (int i = 0; i < 4; ++i) {
            if (i) cond += " OR ";
            cond += std::string(cols[i]) + " LIKE " + n + " ESCAPE '\\'";
        }
        parts.push_back(cond + ")");
        params.emplace_back("%" + likeEscape(f.text) + "%");
    }
    if (parts.empty()) return {};
    std::string sql = " WHERE ";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) sql += " AND ";
        sql += parts[i];
    }
    return sql;
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
