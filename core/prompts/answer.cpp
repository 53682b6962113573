#include "core/prompts/answer.h"

#include "core/prompts/lenient_json.h"
#include "core/prompts/text_util.h"

#include <algorithm>

namespace synthembed::prompts {

using detail::trim;

std::string sampleLanguage(const RenderedPrompt& prompt) {
    if (auto l = prompt.value("language"); !l.empty()) return l;
    auto s = prompt.value("src_lang"), t = prompt.value("tgt_lang");
    if (!s.empty() && !t.empty()) return s + " -> " + t;
    return {};
}

namespace {

AnswerOutcome reject(std::string code, std::string reason, std::vector<std::string> repairs = {}) {
    AnswerOutcome o;
    o.rejectCode = std::move(code);
    o.rejectReason = std::move(reason);
    o.repairs = std::move(repairs);
    return o;
}

bool hasAllKeys(const JsonValue& obj, const TemplateMeta& meta) {
    return std::all_of(meta.keys.begin(), meta.keys.end(), [&](const AnswerKey& k) { return obj.member(k.name); });
}

// Collapsed whitespace, for "the positive copies the query" checks.
std::string normalized(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : trim(s)) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

// The object to read: the first one holding every key; else the first object at all.
std::optional<LenientJson> pickObject(std::string_view answer, const TemplateMeta& meta, std::string& error) {
    auto objects = findJsonValues(answer, JsonValue::Kind::Object, &error);
    // A list of objects ([{...}]) is covered: the scan also finds the '{' inside it.
    for (auto& o : objects)
        if (hasAllKeys(o.value, meta)) return std::move(o);
    // An answer that is a JSON string holding the JSON ("{\"user_query\": ...}").
    for (std::size_t p = answer.find('"'); p != std::string_view::npos && p < 4096; p = answer.find('"', p + 1)) {
        std::string err;
        auto s = parseLenientJsonAt(answer, p, err);
        if (s && s->value.kind == JsonValue::Kind::String && s->value.text.find('{') != std::string::npos) {
            auto inner = findJsonValues(s->value.text, JsonValue::Kind::Object);
            for (auto& o : inner)
                if (hasAllKeys(o.value, meta)) {
                    o.repairs.emplace_back("JSON encoded as a string");
                    return std::move(o);
                }
        }
        break; // only the first quoted string is a candidate
    }
    // Members without the surrounding braces.
    if (objects.empty()) {
        std::string_view t = trim(answer);
        if (!t.empty() && t.front() != '{' && t.find(':') != std::string_view::npos) {
            std::string wrapped = "{" + std::string(t) + "\n}";
            std::string err;
            auto o = parseLenientJsonAt(wrapped, 0, err);
            if (o && o->value.kind == JsonValue::Kind::Object && hasAllKeys(o->value, meta)) {
                o->repairs.emplace_back("missing braces");
                return o;
            }
        }
    }
    if (!objects.empty()) return std::move(objects.front());
    return std::nullopt;
}

} // namespace

AnswerOutcome parseAnswer(std::string_view answer, const TemplateMeta& meta, const RenderedPrompt& prompt) {
    if (trim(answer).empty()) return reject("no_json", "the answer is empty");
    std::string error;
    auto found = pickObject(answer, meta, error);
    if (!found) {
        if (error.find("truncated") != std::string::npos)
            return reject("truncated", "the JSON object is cut off: " + error);
        if (answer.find('{') == std::string_view::npos)
            return reject("no_json", "the answer contains no JSON object");
        return reject("no_json", "no JSON object could be read: " + (error.empty() ? "unknown error" : error));
    }
    const JsonValue& obj = found->value;
    auto repairs = found->repairs;

    Sample s;
    s.family = meta.family;
    s.templateName = prompt.templateName;
    s.templateVersion = prompt.templateVersion;
    s.templateId = prompt.templateId;
    s.values = prompt.values;
    s.language = sampleLanguage(prompt);
    s.instruction = !meta.instruction.empty() ? meta.instruction : prompt.value("task");

    for (const auto& key : meta.keys) {
        const JsonValue* v = obj.member(key.name);
        if (!v) {
            std::string have;
            for (const auto& [k, _] : obj.members) have += (have.empty() ? "" : ", ") + ("\"" + k + "\"");
            return reject("missing_key", "the answer lacks the key \"" + key.name + "\" (it has " +
                                             (have.empty() ? std::string("no keys") : have) + ")",
                          repairs);
        }
        if (!v->isScalar() || v->kind == JsonValue::Kind::Null)
            return reject("wrong_type", "the value of \"" + key.name + "\" is " +
                                            (v->kind == JsonValue::Kind::Null     ? "null"
                                             : v->kind == JsonValue::Kind::Array ? "a list"
                                                                                  : "an object") +
                                            ", not text",
                          repairs);
        std::string text(trim(v->text));
        if (text.empty()) return reject("empty_value", "the value of \"" + key.name + "\" is empty", repairs);
        // The model echoed the template instead of filling it in.
        if (text.size() > 2 && text.front() == '{' && text.back() == '}' &&
            detail::isIdentifier(std::string_view(text).substr(1, text.size() - 2)))
            return reject("placeholder_echo", "the value of \"" + key.name + "\" is the unfilled placeholder " + text,
                          repairs);
        switch (key.role) {
        case Role::Query: s.query = std::move(text); break;
        case Role::Positive: s.positive = std::move(text); break;
        case Role::Negative: s.negative = std::move(text); break;
        }
    }
    if (normalized(s.query) == normalized(s.positive))
        return reject("copied_query", "the positive repeats the query verbatim", repairs);
    if (s.negative && normalized(*s.negative) == normalized(s.positive))
        return reject("same_documents", "the hard negative is identical to the positive", repairs);

    AnswerOutcome o;
    o.sample = std::move(s);
    o.repairs = std::move(repairs);
    return o;
}

} // namespace synthembed::prompts
