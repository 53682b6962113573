#pragma once
/// Templates and pools in the project database, versioned: saving a changed template or pool
/// inserts a new row with version+1 (rows are never updated, so samples keep pointing at the
/// exact template version they came from). Imported from prompts/ when a project is created,
/// exportable back to the same file layout.

#include "core/prompts/library.h"
#include "core/store/project.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace synthembed::prompts {

struct TemplateVersion {
    std::int64_t id = 0;
    std::string name;
    int version = 0;
    std::string family;
    Step step = Step::Generate;
    std::string description;
    std::string createdAt; ///< UTC ISO-8601
};

struct PoolVersion {
    std::int64_t id = 0;
    std::string name;
    int version = 0;
    std::string description;
    std::size_t valueCount = 0;
    std::string createdAt;
};

struct ImportReport {
    int templatesAdded = 0;     ///< new templates or new versions
    int templatesUnchanged = 0; ///< identical to the latest stored version
    int poolsAdded = 0;
    int poolsUnchanged = 0;
    std::vector<SourceDiagnostic> diagnostics; ///< problems found in the imported files
};

class PromptStore {
public:
    explicit PromptStore(const store::Project& project) : m_db(project.db()) {}
    explicit PromptStore(const db::Database& db) : m_db(db) {}

    /// Imports DIR/templates/*.prompt and DIR/pools/*.pool in one transaction; a file identical
    /// to the latest stored version adds nothing. Invalid templates are imported too (and listed
    /// in the report): the editor is where they get fixed.
    Result<ImportReport> importDirectory(const std::filesystem::path& dir) const;

    /// Saves a template given as file text (header + `---` + body). Returns the latest version
    /// unchanged when the text is identical to it. Fails when the header has no valid
    /// family/step/name (rows would be unusable); other problems are left to validation.
    Result<TemplateVersion> saveTemplate(std::string_view fileText) const;
    Result<TemplateVersion> saveTemplate(const TemplateMeta& meta, std::string_view body) const;
    Result<PoolVersion> savePool(const Pool& pool) const;

    /// Every version of one template (oldest first), or of all templates when `name` is empty
    /// (by name, then version).
    Result<std::vector<TemplateVersion>> templateVersions(std::string_view name = {}) const;
    /// A template version (0 = latest), parsed; positions refer to its file form
    /// (formatTemplateFile), which is also what `text` export writes.
    Result<Template> templateAt(std::string_view name, int version = 0) const;
    Result<Template> templateById(std::int64_t id) const;
    /// The file text of a template version (0 = latest): what a diff of two versions compares.
    Result<std::string> templateText(std::string_view name, int version = 0) const;

    Result<std::vector<PoolVersion>> poolVersions(std::string_view name = {}) const;
    Result<Pool> poolAt(std::string_view name, int version = 0) const;

    /// The latest version of every template and pool, validated (diagnostic sources
    /// "db:NAME@vN"), plus completeness checks.
    Result<Library> loadLatest() const;

    /// Writes the latest versions to DIR/templates/NAME.prompt and DIR/pools/NAME.pool (each file
    /// durably: temporary name, fsync, rename). A name that is not a plain file name is refused
    /// before anything is written (no file may land outside DIR), and so are existing files unless
    /// `overwrite`. Returns the number of files written.
    Result<int> exportDirectory(const std::filesystem::path& dir, bool overwrite = false) const;

private:
    const db::Database& m_db;
};

/// Registers the project seeder that imports the shipped prompts/ into every new project.
/// Idempotent; called by synthembed::initialize().
void registerProjectSeeder();

/// The seeder itself: imports paths::shippedPromptsDir() into `project` (warns when absent).
void seedProject(const store::Project& project);

} // namespace synthembed::prompts
