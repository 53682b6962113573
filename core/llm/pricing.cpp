#include "core/llm/pricing.h"

#include <nlohmann/json.hpp>

namespace synthembed::llm {

Result<std::map<std::string, Price>> parsePrices(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return Error{"invalid", std::string(kPricesSetting) + ": not a JSON object of model -> {prompt, completion}"};
    std::map<std::string, Price> out;
    for (auto& [model, v] : j.items()) {
        if (!v.is_object() || !v.contains("prompt") || !v.contains("completion") || !v["prompt"].is_number() ||
            !v["completion"].is_number())
            return Error{"invalid", std::string(kPricesSetting) + ": model " + model +
                                         " needs numeric \"prompt\" and \"completion\" (USD per million tokens)"};
        out[model] = Price{v["prompt"].get<double>(), v["completion"].get<double>()};
    }
    return out;
}

std::optional<double> estimateCost(const std::map<std::string, Price>& prices, const std::string& model,
                                   const Usage& usage) {
    auto it = prices.find(model);
    if (it == prices.end()) return std::nullopt;
    return (static_cast<double>(usage.promptTokens) * it->second.promptPerMillion +
            static_cast<double>(usage.completionTokens) * it->second.completionPerMillion) /
           1e6;
}

} // namespace synthembed::llm
