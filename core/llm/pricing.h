#pragma once
/// Optional cost estimate from per-model prices kept in the project's settings (key "llm.prices"):
///     {"gpt-4o-mini": {"prompt": 0.15, "completion": 0.60}, ...}   (USD per million tokens)

#include "core/llm/client.h"

#include <map>
#include <optional>
#include <string>

namespace synthembed::llm {

struct Price {
    double promptPerMillion = 0;
    double completionPerMillion = 0;
};

inline constexpr const char* kPricesSetting = "llm.prices";

/// Parses the settings JSON; Error naming the model/field on bad input.
Result<std::map<std::string, Price>> parsePrices(const std::string& json);

/// Cost in USD, or nullopt when the model has no price.
std::optional<double> estimateCost(const std::map<std::string, Price>& prices, const std::string& model,
                                   const Usage& usage);

} // namespace synthembed::llm
