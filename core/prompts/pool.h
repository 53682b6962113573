#pragma once
/// Value pools for placeholders: named lists of values with editable weights.
///
/// A pool file is a header of `key: value` lines (name, description), a line `---`, then one
/// value per line, optionally followed by ` | weight` (default 1):
///
///     name: language
///     ---
///     English | 43.1
///     Polish | 3.0

#include "core/prompts/rng.h"
#include "core/prompts/template.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace synthembed::prompts {

struct PoolValue {
    std::string value;
    double weight = 1.0;
};

struct Pool {
    std::string name;
    std::string description;
    std::vector<PoolValue> values;
    int version = 0;       ///< DB version (0 = not stored)
    std::int64_t id = 0;   ///< DB row id (0 = not stored)

    /// Index drawn by weight (uniform when all weights are equal); values.size() if empty/all 0.
    std::size_t pick(Rng& rng) const;
    double totalWeight() const;
    /// The probability of value i.
    double share(std::size_t i) const;
};

/// The pools a template resolves its placeholders against (by name; later add() replaces).
class PoolSet {
public:
    void add(Pool pool);
    const Pool* find(std::string_view name) const;
    Pool* find(std::string_view name);
    const std::vector<Pool>& pools() const { return m_pools; }
    bool empty() const { return m_pools.empty(); }

private:
    std::vector<Pool> m_pools;
};

struct ParsedPool {
    Pool pool;
    std::vector<Diagnostic> diagnostics;
};

/// Parses a pool file; problems (bad weight, duplicate value, no values) are diagnostics.
ParsedPool parsePoolFile(std::string_view text);
/// Writes a pool back to its file form; weights are written in the shortest exact form.
std::string formatPoolFile(const Pool& pool);

} // namespace synthembed::prompts
