#pragma once
// A virtualised table over the samples table: rowCount is the filtered count, rows are read in
// pages of kPageSize on demand (keyset from a neighbouring cached page, else by offset) and only
// kMaxPages pages are kept, so 100k+ rows scroll without ever being loaded at once.

#include "core/gen/sample_browse.h"

#include <QAbstractTableModel>

#include <list>
#include <map>
#include <unordered_map>
#include <vector>

namespace synthembed::ui {

class SampleTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Family, Language, Status, Reason, Query, Positive, Negative, ColumnCount };
    static constexpr int kPageSize = 200;
    static constexpr int kMaxPages = 40;
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit SampleTableModel(QObject* parent = nullptr);

    void setProject(const store::Project* project);
    void setFilter(const gen::SampleFilter& filter);
    const gen::SampleFilter& filter() const { return m_filter; }
    /// Recounts and drops the cache (after an edit, or rows added elsewhere).
    void reload();
    /// Cheap check for rows appended since the last count (a running job): appends them without
    /// dropping the cache. Returns true when the count changed.
    bool appendNewRows();

    /// What a refresh read off the GUI thread: the count under a filter and some pages of it.
    struct Snapshot {
        qint64 count = 0;
        std::map<int, std::vector<gen::SampleRow>> pages; ///< page index -> rows
    };
    /// Reads a snapshot on `reader` (a connection of the calling thread; never the GUI's): the
    /// count under `filter` and the pages `pages` (those on screen, so the GUI thread reads none).
    static Result<Snapshot> readSnapshot(const store::Project& reader, const gen::SampleFilter& filter,
                                         const std::vector<int>& pages);
    /// Applies a snapshot read under the current filter without resetting the model: rows
    /// appended or removed at the end, the cache replaced by its pages, every other row kept (and
    /// with them the view's selection and scroll position). No database read.
    void applySnapshot(Snapshot snapshot);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The curation status as shown to the user ("accepted" -> "angenommen"); unknown ones unchanged.
    static QString statusLabel(const std::string& status);

    /// The row's sample id, or -1 (reads its page if needed).
    qint64 sampleId(int row) const;
    /// Row of a sample among the loaded pages, or -1.
    int loadedRowOf(qint64 id) const;

    /// For tests and diagnostics: pages read from the database so far, and pages held now.
    int pagesFetched() const { return m_fetches; }
    int pagesCached() const { return static_cast<int>(m_pages.size()); }
    int offsetFetches() const { return m_offsetFetches; }

private:
    struct Page {
        std::vector<gen::SampleRow> rows;
        std::list<int>::iterator lru;
    };
    const gen::SampleRow* rowAt(int row) const;
    const Page* page(int index) const;

    const store::Project* m_project = nullptr;
    gen::SampleFilter m_filter;
    qint64 m_count = 0;
    // Pages are read lazily from const data(): the cache is an implementation detail.
    mutable std::unordered_map<int, Page> m_pages;
    mutable std::list<int> m_lru; // most recent first
    // First id of every page read since the last reload (kept after the page is evicted): a jump
    // reads from the nearest known page instead of skipping rows from the start.
    mutable std::map<int, std::int64_t> m_anchors;
    mutable int m_fetches = 0;
    mutable int m_offsetFetches = 0;
};

} // namespace synthembed::ui
