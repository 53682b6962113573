#include "core/model/config_json.h"

#include "core/util/result.h"

#include <fstream>

namespace synthembed::model {

ConfigJson ConfigJson::load(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw Failure("model", path.string() + ": cannot read (a model folder needs config.json)");
    try {
        auto j = nlohmann::json::parse(in);
        if (!j.is_object()) throw Failure("model", path.string() + ": not a JSON object");
        return ConfigJson(std::move(j), path.string());
    } catch (const nlohmann::json::exception& e) {
        throw Failure("model", path.string() + ": invalid JSON: " + e.what());
    }
}

void ConfigJson::fail(const std::string& field, const std::string& what) const {
    throw Failure("model", m_source + ": field '" + field + "' " + what);
}

std::int64_t ConfigJson::requireInt(const std::string& field) const {
    if (!has(field)) fail(field, "is missing");
    if (!m_j[field].is_number_integer()) fail(field, "must be an integer, got " + m_j[field].dump());
    return m_j[field].get<std::int64_t>();
}

std::int64_t ConfigJson::getInt(const std::string& field, std::int64_t fallback) const {
    return has(field) ? requireInt(field) : fallback;
}

double ConfigJson::getDouble(const std::string& field, double fallback) const {
    if (!has(field)) return fallback;
    if (!m_j[field].is_number()) fail(field, "must be a number, got " + m_j[field].dump());
    return m_j[field].get<double>();
}

bool ConfigJson::getBool(const std::string& field, bool fallback) const {
    if (!has(field)) return fallback;
    if (!m_j[field].is_boolean()) fail(field, "must be true or false, got " + m_j[field].dump());
    return m_j[field].get<bool>();
}

std::string ConfigJson::getString(const std::string& field, const std::string& fallback) const {
    if (!has(field)) return fallback;
    if (!m_j[field].is_string()) fail(field, "must be a string, got " + m_j[field].dump());
    return m_j[field].get<std::string>();
}

std::optional<std::int64_t> ConfigJson::getIdOrFirst(const std::string& field) const {
    if (!has(field)) return std::nullopt;
    const auto& v = m_j[field];
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_array() && !v.empty() && v[0].is_number_integer()) return v[0].get<std::int64_t>();
    fail(field, "must be a token id or a list of ids, got " + v.dump());
}

} // namespace synthembed::model
