#pragma once
// Internal to core: JobSpec <-> the job's `config` JSON column.

#include "core/gen/job.h"

#include <nlohmann/json.hpp>

namespace synthembed::gen {

nlohmann::json specToJson(const JobSpec& spec);
JobSpec specFromJson(const nlohmann::json& cfg);

} // namespace synthembed::gen
