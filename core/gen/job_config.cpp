#include "core/gen/job_config.h"

namespace synthembed::gen {

using nlohmann::json;

json specToJson(const JobSpec& spec) {
    const auto& c = spec.client;
    json eps = json::array();
    for (auto& e : c.endpoints) {
        json ep = {{"url", e.baseUrl}, {"api_key_env", e.apiKeyEnv}, {"max_concurrency", e.maxConcurrency}};
        // Only an endpoint's own limits are stored; absent = the client's limits.
        if (e.requestsPerMinute) ep["requests_per_minute"] = *e.requestsPerMinute;
        if (e.tokensPerMinute) ep["tokens_per_minute"] = *e.tokensPerMinute;
        eps.push_back(std::move(ep));
    }
    json fam = json::array();
    for (auto& [f, w] : spec.families)
        fam.push_back({{"family", f}, {"weight", w}});
    json targets = json::object();
    for (auto& [f, n] : splitTarget(spec.families, spec.target))
        targets[f] = n;
    json tpins = json::object(), ppins = json::object();
    for (auto& [n, v] : spec.templatePins)
        tpins[n] = v;
    for (auto& [n, v] : spec.poolPins)
        ppins[n] = v;
    return {{"families", fam},
            {"template_versions", tpins},
            {"pool_versions", ppins},
            {"targets", targets},
            {"prompts_dir", spec.promptsDir},
            {"signature", specSignature(spec)},
            {"max_consecutive_failures", spec.maxConsecutiveFailures},
            {"max_empty_brainstorms", spec.maxEmptyBrainstorms},
            {"examples_per_task", spec.examplesPerTask},
            {"max_consecutive_rejects", spec.maxConsecutiveRejects},
            {"max_reject_ratio", spec.maxRejectRatio},
            {"reject_warmup", spec.rejectWarmup},
            {"max_requests", spec.maxRequests},
            {"max_cost_usd", spec.maxCostUsd},
            {"client",
             {{"endpoints", eps},
              {"model", c.model},
              {"temperature", c.temperature},
              {"top_p", c.topP},
              {"max_tokens", c.maxTokens},
              {"json_mode", c.jsonMode},
              {"system_prompt", c.systemPrompt},
              {"connect_timeout_ms", c.connectTimeoutMs},
              {"total_timeout_ms", c.totalTimeoutMs},
              {"stall_timeout_ms", c.stallTimeoutMs},
              {"max_response_bytes", c.maxResponseBytes},
              {"drain_timeout_ms", c.drainTimeoutMs},
              {"concurrency", c.concurrency},
              {"requests_per_minute", c.requestsPerMinute},
              {"tokens_per_minute", c.tokensPerMinute},
              {"max_attempts", c.maxAttempts},
              {"backoff_base_ms", c.backoffBaseMs},
              {"backoff_max_ms", c.backoffMaxMs},
              {"verify_tls", c.verifyTls}}}};
}

JobSpec specFromJson(const json& cfg) {
    JobSpec s;
    const json families = cfg.value("families", json::array());
    for (auto& f : families)
        s.families.emplace_back(f.value("family", std::string()), f.value("weight", 1.0));
    s.promptsDir = cfg.value("prompts_dir", std::string());
    // (value() returns a temporary: keep it alive while iterating.)
    const json tpins = cfg.value("template_versions", json::object());
    const json ppins = cfg.value("pool_versions", json::object());
    for (auto& [n, v] : tpins.items())
        s.templatePins.emplace_back(n, v.get<int>());
    for (auto& [n, v] : ppins.items())
        s.poolPins.emplace_back(n, v.get<int>());
    s.maxConsecutiveFailures = cfg.value("max_consecutive_failures", 20);
    s.maxEmptyBrainstorms = cfg.value("max_empty_brainstorms", 10);
    const JobSpec defaults;
    s.examplesPerTask = cfg.value("examples_per_task", defaults.examplesPerTask);
    s.maxConsecutiveRejects = cfg.value("max_consecutive_rejects", defaults.maxConsecutiveRejects);
    s.maxRejectRatio = cfg.value("max_reject_ratio", defaults.maxRejectRatio);
    s.rejectWarmup = cfg.value("reject_warmup", defaults.rejectWarmup);
    s.maxRequests = cfg.value("max_requests", defaults.maxRequests);
    s.maxCostUsd = cfg.value("max_cost_usd", defaults.maxCostUsd);
    const json c = cfg.value("client", json::object());
    auto& o = s.client;
    const json endpoints = c.value("endpoints", json::array());
    for (auto& e : endpoints) {
        llm::Endpoint ep{e.value("url", std::string()), e.value("api_key_env", std::string()),
                         e.value("max_concurrency", 0)};
        if (e.contains("requests_per_minute") && e["requests_per_minute"].is_number())
            ep.requestsPerMinute = e["requests_per_minute"].get<double>();
        if (e.contains("tokens_per_minute") && e["tokens_per_minute"].is_number())
            ep.tokensPerMinute = e["tokens_per_minute"].get<double>();
        o.endpoints.push_back(std::move(ep));
    }
    o.model = c.value("model", std::string());
    o.temperature = c.value("temperature", 1.0);
    o.topP = c.value("top_p", 1.0);
    o.maxTokens = c.value("max_tokens", 0);
    o.jsonMode = c.value("json_mode", false);
    o.systemPrompt = c.value("system_prompt", std::string());
    o.connectTimeoutMs = c.value("connect_timeout_ms", 10'000L);
    o.totalTimeoutMs = c.value("total_timeout_ms", 300'000L);
    o.stallTimeoutMs = c.value("stall_timeout_ms", defaults.client.stallTimeoutMs);
    o.maxResponseBytes = c.value("max_response_bytes", defaults.client.maxResponseBytes);
    o.drainTimeoutMs = c.value("drain_timeout_ms", defaults.client.drainTimeoutMs);
    o.concurrency = c.value("concurrency", 8);
    o.requestsPerMinute = c.value("requests_per_minute", 0.0);
    o.tokensPerMinute = c.value("tokens_per_minute", 0.0);
    o.maxAttempts = c.value("max_attempts", 6);
    o.backoffBaseMs = c.value("backoff_base_ms", 500L);
    o.backoffMaxMs = c.value("backoff_max_ms", 60'000L);
    o.verifyTls = c.value("verify_tls", true);
    return s;
}

} // namespace synthembed::gen
