#pragma once
/// Turning an LLM's generate-step answer into a training sample, or a reason to reject it.
/// Pure functions: lenient extraction of the JSON object, then strict checks of the template's keys.

#include "core/prompts/render.h"
#include "core/prompts/template.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthembed::prompts {

/// One training example as the generator stores it (samples table).
struct Sample {
    std::string family;
    std::string instruction; ///< the task (asymmetric) or the template's fixed instruction
    std::string language;    ///< {language}, or "SRC -> TGT" for bitext
    std::string query;
    std::string positive;
    std::optional<std::string> negative;
    /// The sampled placeholder values of the prompt that produced it.
    std::vector<std::pair<std::string, std::string>> values;
    std::string templateName;
    int templateVersion = 0;
    std::int64_t templateId = 0;
};

struct AnswerOutcome {
    std::optional<Sample> sample; ///< set when accepted
    /// Reject code: no_json, truncated, not_object, missing_key, wrong_type, empty_value,
    /// placeholder_echo, copied_query, same_documents.
    std::string rejectCode;
    std::string rejectReason; ///< a sentence for the sample browser
    /// What the lenient reader had to forgive (for statistics), e.g. "trailing comma".
    std::vector<std::string> repairs;

    bool accepted() const { return sample.has_value(); }
};

/// Parses `answer` for the generate template `meta`, given the prompt it answers (its values
/// give the task, language and the recorded placeholder values). Keys must match exactly; values
/// must be non-empty strings (numbers and booleans are taken as text, e.g. a numeric label);
/// extra keys are ignored. A sample whose positive repeats the query verbatim, or whose negative
/// equals its positive, is rejected.
AnswerOutcome parseAnswer(std::string_view answer, const TemplateMeta& meta, const RenderedPrompt& prompt);

/// The sample's language for a prompt: {language}, else "{src_lang} -> {tgt_lang}", else "".
std::string sampleLanguage(const RenderedPrompt& prompt);

} // namespace synthembed::prompts
