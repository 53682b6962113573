#pragma once
/// Core-internal: reading Hugging Face config.json fields with errors that name the file and field.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace synthembed::model {

class ConfigJson {
  public:
    /// Reads and parses `path` (Failure "config" naming the file when absent or invalid).
    static ConfigJson load(const std::filesystem::path& path);
    ConfigJson(nlohmann::json j, std::string source) : m_j(std::move(j)), m_source(std::move(source)) {}

    bool has(const std::string& field) const { return m_j.contains(field) && !m_j[field].is_null(); }
    std::int64_t requireInt(const std::string& field) const;
    std::int64_t getInt(const std::string& field, std::int64_t fallback) const;
    double getDouble(const std::string& field, double fallback) const;
    bool getBool(const std::string& field, bool fallback) const;
    std::string getString(const std::string& field, const std::string& fallback) const;
    /// An int or the first element of a list of ints (eos_token_id may be either); nullopt when absent.
    std::optional<std::int64_t> getIdOrFirst(const std::string& field) const;

    const nlohmann::json& json() const { return m_j; }
    const std::string& source() const { return m_source; }
    [[noreturn]] void fail(const std::string& field, const std::string& what) const;

  private:
    nlohmann::json m_j;
    std::string m_source;
};

} // namespace synthembed::model
