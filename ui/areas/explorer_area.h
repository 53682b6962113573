#pragma once
// Explorer: embed a set of texts (the project's accepted samples, a JSONL corpus, or a registered
// evaluation dataset) with a model, off the GUI thread and through the embedding cache; search
// it with a typed query (and instruction), click through neighbours of neighbours (one row per
// sample), and look at a map of every point coloured by family, language, label or role: PCA, or a
// UMAP-style neighbour-graph layout (core/search/layout) computed in the background, cancellable,
// and cached per embedding set. Points selected on the map are listed in a table (id, family,
// label, text) that copies as tab-separated text and opens a sample in the Samples area.

#include "ui/areas/area.h"

#include "core/eval/suite.h"

#include <QList>
#include <QPointF>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QCheckBox;
class QTableView;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTextBrowser;
class QToolButton;

namespace synthembed::ui {

class MapView;

class EmptyState;

class ExplorerArea : public Area {
    Q_OBJECT
public:
    explicit ExplorerArea(QWidget* parent = nullptr);
    ~ExplorerArea() override;

    QString title() const override { return tr("Explorer"); }
    QString description() const override { return tr("Nearest-neighbour search and maps of an embedding space."); }
    void setProject(store::Project* project) override;
    /// Datasets or models added in another window: the pickers follow, keeping the current choice.
    void projectDataChanged(const ProjectChange& change) override;

    enum class Source { Samples, Jsonl, Dataset };
    /// Picks the set to embed: for Jsonl a file path, for Dataset a registered dataset's name.
    bool setSource(Source source, const QString& pathOrName = {});
    void setModel(const QString& spec);
    /// At most this many texts (0 = all).
    void setLimit(int limit);
    void setColourBy(int field); ///< 0 family, 1 language, 2 label, 3 role (query/positive/negative)
    /// Which texts of the project's samples are embedded (queries and positives by default).
    void setSampleRoles(bool queries, bool positives, bool negatives);
    enum class MapLayout { Pca, Umap };
    /// Shows the map in that layout; the UMAP layout is computed in the background (or read from
    /// the cache) when the set has none yet, and then shown (layoutFinished).
    void setMapLayout(MapLayout layout);
    MapLayout mapLayout() const;
    bool isLayoutBusy() const { return m_layoutBusy; }
    /// The 2-D points of an item in the map's current layout.
    QPointF mapPoint(int index) const;

    bool isBusy() const { return m_busy; }
    int itemCount() const;
    /// Text of an item of the embedded set.
    QString itemText(int index) const;
    /// Items of the current result list, best first.
    const std::vector<int>& hits() const { return m_hits; }

    MapView* mapView() const { return m_map; }
    QTableWidget* resultsTable() const { return m_results; }
    QTableView* selectionTable() const { return m_selectionTable; }
    /// The sample id behind an item of the project's samples, or -1 (other sets).
    qint64 sampleIdOf(int index) const;
    /// The selection table's rows as tab-separated text with a header line (what Copy copies);
    /// only the selected rows of the table when some are selected, else all.
    QString selectionAsText() const;

public Q_SLOTS:
    void embed();
    void cancel();
    /// Searches the embedded set with a query (formatted with the instruction).
    void search(const QString& query, const QString& instruction, int k = 10);
    /// Searches with an item's own vector: its nearest neighbours, itself excluded.
    void neighboursOf(int index, int k = 10);
    /// Copies selectionAsText() to the clipboard.
    void copySelection();
    /// Asks to show the sample of the table's current row in the Samples area.
    void openSelectedInSamples();

Q_SIGNALS:
    void embedded(int count, const QString& error);
    void searched(int hits);
    /// A UMAP layout finished (error empty; fromCache when it was read from the layout cache),
    /// failed or was cancelled (error "Cancelled").
    void layoutFinished(const QString& error, bool fromCache);
    /// The user asked to see this sample in the Samples area (MainWindow switches areas).
    void openSampleRequested(qint64 sampleId);

public:
    /// Over the map while nothing is embedded (or there are no samples to map).
    EmptyState* emptyState() const { return m_empty; }
    /// Item data of the model picker's entries: the name shown in its list ("ft1 · run x · step 400").
    static constexpr int kModelNameRole = Qt::UserRole + 7;

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Space;
    void updateEmptyState();
    EmptyState* m_empty = nullptr;
    qint64 m_acceptedSamples = -1; ///< accepted samples of the project (-1: not counted)
    void countAcceptedSamples();
    void buildUi();
    void refreshSources();
    void refreshModels();
    void updateButtons();
    void updateColours();
    void onEmbedded(std::shared_ptr<const Space> space, const QString& error);
    void onSearched(std::vector<int> hits, std::vector<float> scores, int origin, QPointF pcaMarker, const QString& heading);
    /// Best-first hits with one row per sample (and per distinct text), at most k, origin left out.
    std::vector<std::pair<int, float>> distinctHits(const Space& space, const std::vector<std::pair<int, float>>& hits,
                                                    int origin, int k) const;
    void showLayout();
    void startUmap();
    void updateMapInfo();
    void updateSelectionButtons();
    void showItem(int index);
    void postProgress(int generation, qint64 done, qint64 total, const QString& stage);

    QComboBox* m_source;
    QLineEdit* m_path;
    QPushButton* m_browse;
    QComboBox* m_model;
    QSpinBox* m_limit;
    QPushButton* m_embedButton;
    QPushButton* m_cancelButton;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLineEdit* m_query;
    QLineEdit* m_instruction;
    QSpinBox* m_k;
    QPushButton* m_searchButton;
    QLabel* m_trail;
    QTableWidget* m_results;
    QTextBrowser* m_text;
    QPushButton* m_neighboursButton;
    QComboBox* m_colourBy;
    QToolButton* m_panMode;
    QToolButton* m_boxMode;
    QToolButton* m_lassoMode;
    QLabel* m_mapInfo;
    MapView* m_map;
    QLabel* m_selectionLabel;
    QTableView* m_selectionTable;
    class SelectionModel;
    SelectionModel* m_selectionModel;
    QPushButton* m_openInSamples;
    QPushButton* m_copySelection;
    QWidget* m_rolesBox;
    QCheckBox* m_roleQuery;
    QCheckBox* m_rolePositive;
    QCheckBox* m_roleNegative;
    QComboBox* m_layoutChoice;

    std::vector<eval::DatasetEntry> m_datasets;
    std::shared_ptr<const Space> m_space;
    std::vector<int> m_hits;
    int m_current = -1;
    QThreadPool m_pool;
    std::shared_ptr<std::atomic_bool> m_cancel;
    int m_generation = 0;
    bool m_busy = false;
    // The UMAP layout of m_umapSpace (empty until computed), and the job computing one.
    std::vector<float> m_umapXY;
    std::shared_ptr<const Space> m_umapSpace;
    QString m_umapInfo;
    QThreadPool m_layoutPool;
    std::shared_ptr<std::atomic_bool> m_layoutCancel;
    int m_layoutGeneration = 0;
    bool m_layoutBusy = false;
    const Space* m_mapSpace = nullptr; // what the map shows: this set, in the UMAP layout or PCA
    bool m_mapIsUmap = false;
    QPointF m_pcaMarker;
    int m_markerOrigin = -1;
};

} // namespace synthembed::ui
