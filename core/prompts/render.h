#pragma once
/// Rendering templates with sampled placeholder values, and the two-step plan
/// (brainstorm prompt -> list of tasks -> one generate prompt per task).

#include "core/prompts/pool.h"
#include "core/prompts/rng.h"
#include "core/prompts/template.h"
#include "core/util/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthembed::prompts {

/// Values for input placeholders (e.g. {"task", "..."}), in any order.
using Inputs = std::vector<std::pair<std::string, std::string>>;

/// Where a placeholder's value landed in the rendered text (one span per occurrence).
struct ValueSpan {
    std::string placeholder;
    std::size_t offset = 0; ///< byte offset in RenderedPrompt::text
    std::size_t length = 0; ///< bytes
};

struct RenderedPrompt {
    std::string templateName;
    int templateVersion = 0;
    std::int64_t templateId = 0;
    std::string family;
    Step step = Step::Generate;
    std::string text;
    /// Every placeholder the body uses -> its value (inputs included), in first-appearance order.
    std::vector<std::pair<std::string, std::string>> values;
    std::vector<ValueSpan> spans;

    /// The value of a placeholder, or "" when it was not used.
    std::string value(std::string_view placeholder) const;
};

/// Renders `tpl`, drawing each pool placeholder once (by weight) in the order of the header's
/// `placeholders:` list; `distinct` placeholders are redrawn until they differ. Fails when a
/// placeholder has no pool/input value or the template has syntax errors.
Result<RenderedPrompt> render(const Template& tpl, const PoolSet& pools, Rng& rng, const Inputs& inputs = {});

/// render() with Rng::forStream(seed, index): item `index` of a job is reproducible on its own.
Result<RenderedPrompt> renderAt(const Template& tpl, const PoolSet& pools, std::uint64_t seed, std::uint64_t index,
                                const Inputs& inputs = {});

/// The inputs a preview uses when none are given: {task: example_task}.
Inputs exampleInputs(const Template& tpl);

/// `count` prompts, item i rendered with renderAt(seed, firstIndex + i).
Result<std::vector<RenderedPrompt>> renderMany(const Template& tpl, const PoolSet& pools, std::uint64_t seed,
                                               std::size_t count, const Inputs& inputs = {},
                                               std::uint64_t firstIndex = 0);

/// Second step of the plan: one generate prompt per task (task i rendered at index firstIndex+i).
Result<std::vector<RenderedPrompt>> planGenerate(const Template& generate, const PoolSet& pools,
                                                 const std::vector<std::string>& tasks, std::uint64_t seed,
                                                 std::uint64_t firstIndex = 0);

/// Reads the task list out of a brainstorm answer, leniently: a JSON list, a Python list with
/// single quotes, either inside a fenced code block or after prose, or numbered / bulleted lines.
/// Items are trimmed, unquoted and de-duplicated (first wins). Fails (code "llm_answer") when no
/// list can be found.
Result<std::vector<std::string>> parseTaskList(std::string_view answer);

} // namespace synthembed::prompts
