#pragma once
/// A set of templates and pools (the shipped prompts/ folder, or a project's stored versions)
/// and the semantic validation of templates against pools.

#include "core/prompts/pool.h"
#include "core/prompts/template.h"
#include "core/util/result.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace synthembed::prompts {

/// A diagnostic with the file (or "db:NAME@vN") it belongs to.
struct SourceDiagnostic {
    std::string source;
    Diagnostic diagnostic;
    /// "SOURCE:LINE:COL: error: message [code]"
    std::string toString() const;
};

struct Library {
    std::vector<Template> templates;
    PoolSet pools;
    /// Parse and validation problems of everything in the library.
    std::vector<SourceDiagnostic> diagnostics;

    const Template* find(std::string_view family, Step step) const;
    const Template* byName(std::string_view name) const;
    bool hasErrors() const;
};

/// Semantic checks of a parsed template against pools: unknown placeholder, placeholder whose
/// pool does not exist, unused pool mapping, missing answer keys for the family's roles, missing
/// inputs, keys the body never mentions (warning). Positions as in the template's file text.
std::vector<Diagnostic> validateTemplate(const Template& tpl, const PoolSet& pools);

/// parseTemplateFile + validateTemplate: everything wrong with a template's text.
std::vector<Diagnostic> validateTemplateText(std::string_view fileText, const PoolSet& pools);

/// Loads DIR/pools/*.pool and DIR/templates/*.prompt (sorted by file name) and validates every
/// template, filling `diagnostics`; fails only when DIR is not a readable directory. Also checks
/// that each family has a generate template and each asymmetric family a brainstorm template.
Result<Library> loadLibrary(const std::filesystem::path& dir);

/// Library-level problems: a family without its generate template, an asymmetric family without
/// its brainstorm template, two templates with one name (source "library").
std::vector<SourceDiagnostic> checkCompleteness(const Library& library);

} // namespace synthembed::prompts
