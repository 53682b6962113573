#pragma once
// The Templates area's Placeholders tab: the template's placeholders with the pool each draws
// from, and below them the selected pool's values and weights, editable. Edits stay in the editor
// (the preview and validation use them at once) until Save pool stores the pool as a new version;
// templates and samples keep the versions they used.

#include "core/prompts/pool.h"
#include "core/prompts/template.h"

#include <QSplitter>

#include <set>
#include <string>

class QLabel;
class QTableWidget;
class QToolButton;

namespace synthembed::store {
class Project;
}

namespace synthembed::ui {

class PoolEditor : public QSplitter {
    Q_OBJECT
public:
    explicit PoolEditor(QWidget* parent = nullptr);

    void setProject(store::Project* project) { m_project = project; }
    /// The project's latest stored pools; unsaved edits are dropped.
    void setPools(prompts::PoolSet pools);
    /// Pools stored elsewhere: taken over (and the shown pool reloaded) unless edits are unsaved.
    void storedPoolsChanged(prompts::PoolSet pools);
    /// The stored pools with the unsaved edits applied (what validation and the preview use).
    const prompts::PoolSet& pools() const { return m_pools; }
    bool hasUnsavedEdits() const { return !m_dirty.empty(); }
    void clear();

    /// Lists `tpl`'s placeholders and inputs; the pool shown stays selected where the template
    /// uses it, else the first existing pool is.
    void showTemplate(const prompts::Template& tpl);
    /// Shows the pool `name` in the values table (empty: none).
    void showPool(const QString& name);
    QString currentPool() const { return m_currentPool; }

    /// Stores the shown pool as a new version (after the pool file's rules are checked).
    bool savePool();
    void revertPool();

Q_SIGNALS:
    /// A value or weight changed (not saved yet): validate and preview after the typing pause.
    void poolsEdited();
    /// The pools were saved or reverted: validate and preview now.
    void poolsReloaded();
    void statusMessage(const QString& text);
    void projectWritten();

private:
    void buildPlaceholderTable();
    QWidget* buildPoolBox();
    void addPlaceholderRow(const QString& placeholder, const QString& pool, const QString& poolLabel,
                           const QString& count, bool problem);
    void fillValues(const prompts::Pool* pool);
    void onCellChanged();
    void addValue();
    void removeValues();
    QStringList problemsOf(const prompts::Pool& pool) const;

    QTableWidget* m_placeholders = nullptr;
    QLabel* m_poolLabel = nullptr;
    QTableWidget* m_values = nullptr;
    QToolButton* m_save = nullptr;
    QToolButton* m_revert = nullptr;
    QToolButton* m_add = nullptr;
    QToolButton* m_remove = nullptr;

    store::Project* m_project = nullptr;
    prompts::PoolSet m_pools;      ///< latest stored pools, with unsaved edits applied
    std::set<std::string> m_dirty; ///< pools edited but not saved
    QString m_currentPool;         ///< pool in the values table
    bool m_loading = false;        ///< true while the editor itself changes the tables
};

} // namespace synthembed::ui
