#include "core/prompts/pool.h"

#include "core/prompts/text_util.h"

#include <charconv>
#include <cmath>
#include <set>

namespace synthembed::prompts {

using detail::makeDiagnostic;
using detail::trim;

std::size_t Pool::pick(Rng& rng) const {
    std::vector<double> w;
    w.reserve(values.size());
    for (const auto& v : values) w.push_back(v.weight);
    return rng.weighted(w);
}

double Pool::totalWeight() const {
    std::uint64_t units = 0;
    for (const auto& v : values) units += weightUnits(v.weight);
    return static_cast<double>(units);
}

double Pool::share(std::size_t i) const {
    const double total = totalWeight();
    return (i < values.size() && total > 0) ? static_cast<double>(weightUnits(values[i].weight)) / total : 0.0;
}

void PoolSet::add(Pool pool) {
    if (auto* existing = find(pool.name)) {
        *existing = std::move(pool);
        return;
    }
    m_pools.push_back(std::move(pool));
}

const Pool* PoolSet::find(std::string_view name) const {
    for (const auto& p : m_pools)
        if (p.name == name) return &p;
    return nullptr;
}

Pool* PoolSet::find(std::string_view name) {
    for (auto& p : m_pools)
        if (p.name == name) return &p;
    return nullptr;
}

ParsedPool parsePoolFile(std::string_view text) {
    ParsedPool out;
    auto split = detail::splitFile(text, out.diagnostics);
    for (const auto& h : split.header) {
        if (h.key == "name")
            out.pool.name = h.value;
        else if (h.key == "description")
            out.pool.description = h.value;
        else
            out.diagnostics.push_back(makeDiagnostic(text, h.keyOffset, h.key.size(), "unknown_header",
                                                     "unknown header key '" + h.key + "'",
                                                     Diagnostic::Severity::Warning));
    }
    if (out.pool.name.empty())
        out.diagnostics.push_back(makeDiagnostic(text, 0, 0, "bad_header", "pool file has no `name:` line"));
    else if (!detail::isIdentifier(out.pool.name))
        out.diagnostics.push_back(makeDiagnostic(text, 0, 0, "bad_header",
                                                 "pool name '" + out.pool.name +
                                                     "' must be letters, digits and '_'"));
    std::set<std::string> seen;
    std::size_t pos = 0;
    const std::string_view body = split.body;
    while (pos <= body.size() && !body.empty()) {
        auto eol = body.find('\n', pos);
        auto end = eol == std::string_view::npos ? body.size() : eol;
        std::string_view line = body.substr(pos, end - pos);
        const std::size_t lineOffset = split.bodyOffset + pos;
        std::string_view t = trim(line);
        if (!t.empty() && t[0] != '#') {
            PoolValue v;
            std::string_view valueText = t;
            auto bar = t.rfind('|');
            if (bar != std::string_view::npos) {
                valueText = trim(t.substr(0, bar));
                std::string_view w = trim(t.substr(bar + 1));
                double weight = 0;
                auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
                if (ec != std::errc() || p != w.data() + w.size() || !std::isfinite(weight) || weight < 0) {
                    out.diagnostics.push_back(makeDiagnostic(text, lineOffset + line.find(t.front()) + bar + 1,
                                                             w.size() + 1, "bad_weight",
                                                             "weight '" + std::string(w) +
                                                                 "' is not a non-negative number"));
                    weight = 0;
                }
                v.weight = weight;
            }
            v.value = std::string(valueText);
            const std::size_t at = lineOffset + line.find(t.front());
            if (v.value.empty())
                out.diagnostics.push_back(makeDiagnostic(text, at, t.size(), "empty_value", "empty pool value"));
            else if (!seen.insert(v.value).second)
                out.diagnostics.push_back(makeDiagnostic(text, at, t.size(), "duplicate_value",
                                                         "value '" + v.value + "' appears twice"));
            else
                out.pool.values.push_back(std::move(v));
        }
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
    }
    if (out.pool.values.empty())
        out.diagnostics.push_back(makeDiagnostic(text, split.bodyOffset, 0, "empty_pool", "pool has no values"));
    else if (out.pool.totalWeight() == 0)
        out.diagnostics.push_back(makeDiagnostic(text, split.bodyOffset, 0, "empty_pool", "all weights are 0"));
    return out;
}

std::string formatPoolFile(const Pool& pool) {
    std::string s = "name: " + detail::oneLine(pool.name) + "\n";
    if (!pool.description.empty()) s += "description: " + detail::oneLine(pool.description) + "\n";
    s += "---\n";
    bool allOne = true;
    for (const auto& v : pool.values) allOne = allOne && v.weight == 1.0;
    for (const auto& v : pool.values) {
        s += detail::oneLine(v.value);
        if (!allOne) {
            char buf[64];
            auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.weight);
            s += " | " + std::string(buf, ec == std::errc() ? p : buf);
        }
        s += "\n";
    }
    return s;
}

} // namespace synthembed::prompts
