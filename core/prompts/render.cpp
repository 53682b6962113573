#include "core/prompts/render.h"

#include "core/prompts/lenient_json.h"
#include "core/prompts/text_util.h"

#include <algorithm>

namespace synthembed::prompts {

using detail::trim;

std::string RenderedPrompt::value(std::string_view placeholder) const {
    for (const auto& [k, v] : values)
        if (k == placeholder) return v;
    return {};
}

Result<RenderedPrompt> render(const Template& tpl, const PoolSet& pools, Rng& rng, const Inputs& inputs) {
    const auto& m = tpl.meta;
    const auto used = tpl.placeholdersUsed();
    auto isUsed = [&](std::string_view n) { return std::find(used.begin(), used.end(), n) != used.end(); };

    // Draw in header order so that editing the body text does not change which values a seed gives.
    std::vector<std::pair<std::string, std::string>> drawn;
    for (const auto& src : m.placeholders) {
        if (!isUsed(src.placeholder) || m.isInput(src.placeholder)) continue;
        const Pool* pool = pools.find(src.pool);
        if (!pool)
            return Error{"missing_pool", "template " + m.name + ": placeholder {" + src.placeholder +
                                             "} draws from pool '" + src.pool + "', which does not exist"};
        const bool distinct = std::find(m.distinct.begin(), m.distinct.end(), src.placeholder) != m.distinct.end();
        std::size_t idx = pool->values.size();
        for (int attempt = 0; attempt < 256; ++attempt) {
            idx = pool->pick(rng);
            if (idx >= pool->values.size())
                return Error{"empty_pool", "template " + m.name + ": pool '" + src.pool + "' has no values with a "
                                           "weight above 0"};
            if (!distinct) break;
            const auto& candidate = pool->values[idx].value;
            bool clash = std::any_of(drawn.begin(), drawn.end(), [&](const auto& d) {
                return d.second == candidate &&
                       std::find(m.distinct.begin(), m.distinct.end(), d.first) != m.distinct.end();
            });
            if (!clash) break;
            if (attempt == 255)
                return Error{"template", "template " + m.name + ": cannot draw a value for {" + src.placeholder +
                                             "} that differs from the other distinct placeholders"};
        }
        drawn.emplace_back(src.placeholder, pool->values[idx].value);
    }

    auto valueOf = [&](const std::string& name) -> const std::string* {
        for (const auto& [k, v] : drawn)
            if (k == name) return &v;
        if (m.isInput(name))
            for (const auto& [k, v] : inputs)
                if (k == name) return &v;
        return nullptr;
    };

    RenderedPrompt out;
    out.templateName = m.name;
    out.templateVersion = tpl.version;
    out.templateId = tpl.id;
    out.family = m.family;
    out.step = m.step;
    for (const auto& seg : tpl.segments) {
        if (seg.kind == Segment::Kind::Text) {
            out.text += seg.text;
            continue;
        }
        const std::string* v = valueOf(seg.text);
        if (!v) {
            if (m.isInput(seg.text))
                return Error{"missing_input", "template " + m.name + ": no value given for input {" + seg.text + "}"};
            return Error{"unknown_placeholder",
                         "template " + m.name + ": placeholder {" + seg.text + "} has no pool and is not an input"};
        }
        out.spans.push_back({seg.text, out.text.size(), v->size()});
        out.text += *v;
        if (std::none_of(out.values.begin(), out.values.end(), [&](auto& kv) { return kv.first == seg.text; }))
            out.values.emplace_back(seg.text, *v);
    }
    return out;
}

Result<RenderedPrompt> renderAt(const Template& tpl, const PoolSet& pools, std::uint64_t seed, std::uint64_t index,
                                const Inputs& inputs) {
    Rng rng = Rng::forStream(seed, index);
    return render(tpl, pools, rng, inputs);
}

Inputs exampleInputs(const Template& tpl) {
    Inputs in;
    if (tpl.meta.isInput("task") && !tpl.meta.exampleTask.empty()) in.emplace_back("task", tpl.meta.exampleTask);
    return in;
}

Result<std::vector<RenderedPrompt>> renderMany(const Template& tpl, const PoolSet& pools, std::uint64_t seed,
                                               std::size_t count, const Inputs& inputs, std::uint64_t firstIndex) {
    std::vector<RenderedPrompt> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto r = renderAt(tpl, pools, seed, firstIndex + i, inputs);
        if (!r) return r.error();
        out.push_back(std::move(r).value());
    }
    return out;
}

Result<std::vector<RenderedPrompt>> planGenerate(const Template& generate, const PoolSet& pools,
                                                 const std::vector<std::string>& tasks, std::uint64_t seed,
                                                 std::uint64_t firstIndex) {
    if (generate.meta.step != Step::Generate)
        return Error{"template", "template " + generate.meta.name + " is not a generate template"};
    std::vector<RenderedPrompt> out;
    out.reserve(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        auto r = renderAt(generate, pools, seed, firstIndex + i, {{"task", tasks[i]}});
        if (!r) return r.error();
        out.push_back(std::move(r).value());
    }
    return out;
}

namespace {

// Strips a list marker: "1.", "1)", "(1)", "12 -", "-", "*", "•", "Task 3:".
std::string_view stripMarker(std::string_view line, bool& hadMarker) {
    hadMarker = false;
    std::string_view t = trim(line);
    auto startsWith = [&](std::string_view p) { return t.substr(0, p.size()) == p; };
    for (std::string_view bullet : {"- ", "* ", "+ ", "\xE2\x80\xA2 ", "\xE2\x80\x93 "}) {
        if (startsWith(bullet)) {
            hadMarker = true;
            return trim(t.substr(bullet.size()));
        }
    }
    std::size_t i = 0;
    if (i < t.size() && t[i] == '(') ++i;
    std::size_t digits = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i > digits && i < t.size() && (t[i] == '.' || t[i] == ')' || t[i] == ':')) {
        ++i;
        if (i < t.size() && t[i] == ')') ++i;
        if (i == t.size() || t[i] == ' ' || t[i] == '\t') {
            hadMarker = true;
            return trim(t.substr(i));
        }
    }
    return t;
}

std::string cleanItem(std::string_view s) {
    s = trim(s);
    // Markdown emphasis and trailing commas from half-converted lists.
    while (!s.empty() && (s.back() == ',' || s.back() == ';')) s = trim(s.substr(0, s.size() - 1));
    auto stripPair = [&](std::string_view open, std::string_view close) {
        if (s.size() >= open.size() + close.size() && s.substr(0, open.size()) == open &&
            s.substr(s.size() - close.size()) == close) {
            s = trim(s.substr(open.size(), s.size() - open.size() - close.size()));
            return true;
        }
        return false;
    };
    for (bool again = true; again;)
        again = stripPair("**", "**") || stripPair("\"", "\"") || stripPair("'", "'") ||
                stripPair("\xE2\x80\x9C", "\xE2\x80\x9D") || stripPair("`", "`");
    return std::string(s);
}

std::vector<std::string> finish(const std::vector<std::string>& raw) {
    std::vector<std::string> out;
    for (const auto& r : raw) {
        std::string c = cleanItem(r);
        if (c.size() < 3) continue;
        if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
    }
    return out;
}

} // namespace

Result<std::vector<std::string>> parseTaskList(std::string_view answer) {
    // 1. A JSON / Python list anywhere (fenced blocks first) whose items are strings.
    for (const auto& found : findJsonValues(answer, JsonValue::Kind::Array)) {
        std::vector<std::string> raw;
        bool allScalars = !found.value.items.empty();
        for (const auto& item : found.value.items) {
            if (item.kind == JsonValue::Kind::String) raw.push_back(item.text);
            else if (item.kind == JsonValue::Kind::Object && item.members.size() == 1 &&
                     item.members[0].second.kind == JsonValue::Kind::String)
                raw.push_back(item.members[0].second.text); // [{"task": "..."}]
            else allScalars = false;
        }
        if (allScalars) {
            auto items = finish(raw);
            if (!items.empty()) return items;
        }
    }
    // A JSON object holding the list ({"tasks": [...]}) is covered by the array scan above.

    // 2. Numbered or bulleted lines (inside a fence if there is one).
    auto fences = fencedBlocks(answer);
    std::string_view body = fences.empty() ? answer : fences.front();
    std::vector<std::string> marked, plain;
    std::size_t pos = 0;
    while (pos <= body.size()) {
        auto eol = body.find('\n', pos);
        std::string_view line = body.substr(pos, (eol == std::string_view::npos ? body.size() : eol) - pos);
        bool hadMarker = false;
        std::string_view item = stripMarker(line, hadMarker);
        if (!item.empty() && item.substr(0, 3) != "```") {
            if (hadMarker) marked.emplace_back(item);
            else plain.emplace_back(item);
        }
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
    }
    if (marked.size() >= 2) {
        auto items = finish(marked);
        if (!items.empty()) return items;
    }
    // 3. Inside a fence, one task per line.
    if (!fences.empty() && plain.size() >= 2) {
        auto items = finish(plain);
        if (!items.empty()) return items;
    }
    return Error{"llm_answer", "the brainstorm answer holds no list of tasks (expected a JSON list, a Python list or "
                            "numbered lines)"};
}

} // namespace synthembed::prompts
