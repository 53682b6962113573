#pragma once
// Explorer: embed a set of texts (the project's accepted samples, a JSONL corpus, or a registered
// evaluation dataset) with a model, off the GUI thread and through the embedding cache; search
// it with a typed query (and instruction), click through neighbours of neighbours, and look at
// a PCA map of every point coloured by family, language or label.

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
class QListView;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTextBrowser;
class QToolButton;

namespace synthembed::ui {

class MapView;

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
    void setColourBy(int field); ///< 0 family, 1 language, 2 label

    bool isBusy() const { return m_busy; }
    int itemCount() const;
    /// Text of an item of the embedded set.
    QString itemText(int index) const;
    /// Items of the current result list, best first.
    const std::vector<int>& hits() const { return m_hits; }

    MapView* mapView() const { return m_map; }
    QTableWidget* resultsTable() const { return m_results; }

public Q_SLOTS:
    void embed();
    void cancel();
    /// Searches the embedded set with a query (formatted with the instruction).
    void search(const QString& query, const QString& instruction, int k = 10);
    /// Searches with an item's own vector: its nearest neighbours, itself excluded.
    void neighboursOf(int index, int k = 10);

Q_SIGNALS:
    void embedded(int count, const QString& error);
    void searched(int hits);

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Space;
    void buildUi();
    void refreshSources();
    void refreshModels();
    void updateButtons();
    void updateColours();
    void onEmbedded(std::shared_ptr<const Space> space, const QString& error);
    void onSearched(std::vector<int> hits, std::vector<float> scores, QPointF marker, const QString& heading);
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
    QListView* m_selectionList;
    class SelectionModel;
    SelectionModel* m_selectionModel;

    std::vector<eval::DatasetEntry> m_datasets;
    std::shared_ptr<const Space> m_space;
    std::vector<int> m_hits;
    int m_current = -1;
    QThreadPool m_pool;
    std::shared_ptr<std::atomic_bool> m_cancel;
    int m_generation = 0;
    bool m_busy = false;
};

} // namespace synthembed::ui
