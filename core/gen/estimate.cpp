#include "core/gen/estimate.h"

#include "core/prompts/render.h"
#include "core/store/sqlite.h"

#include <algorithm>
#include <cmath>

namespace synthembed::gen {

namespace {

constexpr std::size_t kRenderedForEstimate = 8;

struct History {
    double completionGenerate = 0, completionBrainstorm = 0, rejectRate = 0;
    bool hasGenerate = false, hasBrainstorm = false, hasRejects = false;
};

History familyHistory(const store::Project& project, const std::string& family) {
    History h;
    auto q = project.db().prepare("SELECT kind, avg(completion_tokens), count(*) FROM requests "
                                  "WHERE family = ? AND state = 'done' AND completion_tokens > 0 GROUP BY kind");
    q.bind(1, family);
    while (q.step()) {
        if (q.getText(0) == "brainstorm") {
            h.completionBrainstorm = q.getDouble(1);
            h.hasBrainstorm = true;
        } else {
            h.completionGenerate = q.getDouble(1);
            h.hasGenerate = true;
        }
    }
    auto s = project.db().prepare("SELECT COALESCE(sum(status = 'rejected'), 0), count(*) FROM samples "
                                  "WHERE family = ? AND source = 'generated'");
    s.bind(1, family);
    if (s.step() && s.getInt(1) >= 20) {
        h.rejectRate = static_cast<double>(s.getInt(0)) / static_cast<double>(s.getInt(1));
        h.hasRejects = true;
    }
    return h;
}

double meanPromptTokens(const prompts::Template& tpl, const prompts::PoolSet& pools, std::uint64_t seed,
                        std::vector<std::string>& warnings) {
    auto rendered = prompts::renderMany(tpl, pools, seed, kRenderedForEstimate, prompts::exampleInputs(tpl));
    if (!rendered || rendered->empty()) {
        warnings.push_back(tpl.meta.name + ": cannot render (" +
                           (rendered ? std::string("no prompt") : rendered.error().message) + ")");
        return 0;
    }
    double bytes = 0;
    for (auto& p : *rendered) bytes += static_cast<double>(p.text.size());
    // The client's limiter uses the same bytes/4 rule.
    return bytes / static_cast<double>(rendered->size()) / 4.0;
}

void addCoverage(JobEstimate& out, const std::string& family, const prompts::Template& tpl,
                 const prompts::PoolSet& pools, std::int64_t draws) {
    for (auto& src : tpl.meta.placeholders) {
        const prompts::Pool* pool = pools.find(src.pool);
        PoolCoverage c;
        c.family = family;
        c.templateName = tpl.meta.name;
        c.placeholder = src.placeholder;
        c.pool = src.pool;
        c.draws = draws;
        if (pool) {
            std::vector<double> w;
            double total = pool->totalWeight();
            double entropy = 0;
            for (auto& v : pool->values) {
                if (v.weight <= 0) continue;
                w.push_back(v.weight);
                double p = v.weight / total;
                entropy -= p * std::log(p);
            }
            c.values = static_cast<std::int64_t>(w.size());
            c.effectiveValues = w.empty() ? 0 : std::exp(entropy);
            c.expectedDistinct = expectedDistinct(w, draws);
        }
        out.coverage.push_back(std::move(c));
    }
}

} // namespace

double expectedDistinct(const std::vector<double>& weights, std::int64_t draws) {
    double total = 0;
    for (double w : weights) total += std::max(0.0, w);
    if (total <= 0 || draws <= 0) return 0;
    double sum = 0;
    for (double w : weights) {
        if (w <= 0) continue;
        double p = w / total;
        // 1 - (1-p)^n, computed stably for small p.
        sum += -std::expm1(static_cast<double>(draws) * std::log1p(-std::min(p, 1.0 - 1e-15)));
        if (p >= 1.0) sum = std::max(sum, 1.0);
    }
    return sum;
}

Result<JobEstimate> estimateJob(const JobSpec& spec, const prompts::Library& library,
                                const store::Project* project) {
    return guarded([&] {
        JobEstimate out;
        auto targets = splitTarget(spec.families, spec.target);
        for (auto& [family, weight] : spec.families) {
            (void)weight;
            FamilyEstimate fe;
            fe.family = family;
            fe.target = targets[family];
            const prompts::Template* gen = library.find(family, prompts::Step::Generate);
            if (!gen) {
                out.warnings.push_back("family " + family + ": no generate template");
                out.families.push_back(fe);
                continue;
            }
            fe.twoStep = prompts::hasBrainstormStep(family);
            const prompts::Template* brain = fe.twoStep ? library.find(family, prompts::Step::Brainstorm) : nullptr;
            if (fe.twoStep && !brain) out.warnings.push_back("family " + family + ": no brainstorm template");

            History h;
            if (project) h = familyHistory(*project, family);
            fe.fromHistory = h.hasGenerate || h.hasRejects;
            fe.rejectRate = std::min(h.rejectRate, 0.95);
            fe.generateRequests = fe.target == 0 ? 0
                                                 : static_cast<std::int64_t>(std::ceil(
                                                       static_cast<double>(fe.target) / (1.0 - fe.rejectRate)));
            if (brain)
                fe.brainstormRequests = static_cast<std::int64_t>(
                    std::ceil(static_cast<double>(fe.generateRequests) / kTasksPerBrainstorm));
            fe.promptTokensPerGenerate = meanPromptTokens(*gen, library.pools, spec.seed, out.warnings);
            fe.completionTokensPerGenerate = h.hasGenerate ? h.completionGenerate : kDefaultCompletionTokensGenerate;
            if (brain) {
                fe.promptTokensPerBrainstorm = meanPromptTokens(*brain, library.pools, spec.seed, out.warnings);
                fe.completionTokensPerBrainstorm =
                    h.hasBrainstorm ? h.completionBrainstorm : kDefaultCompletionTokensBrainstorm;
            }
            fe.usage.promptTokens = std::llround(fe.promptTokensPerGenerate * static_cast<double>(fe.generateRequests) +
                                                 fe.promptTokensPerBrainstorm * static_cast<double>(fe.brainstormRequests));
            fe.usage.completionTokens =
                std::llround(fe.completionTokensPerGenerate * static_cast<double>(fe.generateRequests) +
                             fe.completionTokensPerBrainstorm * static_cast<double>(fe.brainstormRequests));
            out.requests += fe.generateRequests + fe.brainstormRequests;
            out.usage += fe.usage;
            if (brain) addCoverage(out, family, *brain, library.pools, fe.brainstormRequests);
            addCoverage(out, family, *gen, library.pools, fe.generateRequests);
            out.families.push_back(std::move(fe));
        }
        if (project) {
            if (auto prices = project->setting(llm::kPricesSetting)) {
                auto p = llm::parsePrices(*prices);
                if (p)
                    out.costUsd = llm::estimateCost(*p, spec.client.model, out.usage);
                else
                    out.warnings.push_back(p.error().message);
            }
        }
        return out;
    }, "internal");
}

} // namespace synthembed::gen
