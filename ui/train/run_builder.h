#pragma once
// The form that describes one training run: base model (validated: architecture, size,
// tokenizer), data (project samples filtered by family/language/status with live counts, or a
// JSONL file), LoRA or full fine-tune, loss, optimiser, batch, length, device and output. The
// defaults are the paper's (e5-mistral) where it has one; every field explains itself in a tooltip.

#include "core/train/config.h"
#include "core/train/data.h"

#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QWidget>

#include <string>
#include <tuple>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QRadioButton;
class QSpinBox;

namespace synthembed::store {
class Project;
}

namespace synthembed::ui {

class RunBuilder : public QWidget {
    Q_OBJECT
public:
    explicit RunBuilder(QWidget* parent = nullptr);

    /// Fills the family/language lists and counts from the project's samples (null: none).
    void setProject(store::Project* project);
    /// Re-reads the sample counts (after samples changed).
    void refreshCounts();
    /// The same on a pool thread with a read-only connection of its own (a large project's count
    /// takes a while): the GUI thread does not wait; countsRefreshed() follows. Checked families and
    /// languages stay checked, new ones come checked, the lists keep their scroll position.
    void refreshCountsInBackground();

    /// The run as configured (projectDb and resume are left for the caller).
    train::TrainConfig config() const;
    void setConfig(const train::TrainConfig& config);
    /// What stops the run from starting, one line each (empty: ready).
    QStringList problems() const;
    /// Examples the trainer trains on: the data selection less the dev hold-out, as its log line
    /// "training data: N examples" counts them (-1: unknown).
    qint64 exampleCount() const { return m_exampleCount; }
    /// Project samples that are not rejected, whatever the filters (0 without a project).
    qint64 usableSampleCount() const {
        qint64 n = 0;
        for (auto it = m_sampleCounts.cbegin(); it != m_sampleCounts.cend(); ++it)
            if (std::get<2>(it.key()) != QLatin1String("rejected")) n += it.value();
        return n;
    }

    /// Reads the `config` JSON of a training_runs row (as core's trainer writes it) over `base`.
    static train::TrainConfig configFromJson(const QString& json, train::TrainConfig base = {});

Q_SIGNALS:
    void changed();
    /// New sample counts were applied (refreshCounts or refreshCountsInBackground).
    void countsRefreshed();

private:
    void browseModel();
    void browseOutput();
    void browseJsonl();
    void checkModel();
    void updateCounts();
    void applyCounts(const std::vector<train::SampleCount>& counts);
    void updateEnabled();
    QStringList checkedValues(QListWidget* list, bool emptyWhenAll) const;
    void setDevice(const std::string& device);
    void setChecked(QListWidget* list, const std::vector<std::string>& values);

    store::Project* m_project = nullptr;
    QLineEdit* m_name;
    QLineEdit* m_model;
    QLabel* m_modelInfo;
    bool m_modelOk = false;
    QString m_memoryProblem; ///< CPU training would not fit this machine (core's one line)
    QRadioButton* m_fromProject;
    QRadioButton* m_fromJsonl;
    QListWidget* m_families;
    QListWidget* m_languages;
    QListWidget* m_statuses;
    QLineEdit* m_jsonl;
    QLabel* m_count;
    QComboBox* m_mix;
    QSpinBox* m_maxLength;
    QRadioButton* m_lora;
    QRadioButton* m_full;
    QSpinBox* m_rank;
    QDoubleSpinBox* m_alpha;
    QDoubleSpinBox* m_loraDropout;
    QComboBox* m_pooling;
    QDoubleSpinBox* m_temperature;
    QCheckBox* m_symmetric;
    QDoubleSpinBox* m_lr;
    QSpinBox* m_warmup;
    QDoubleSpinBox* m_weightDecay;
    QSpinBox* m_batch;
    QSpinBox* m_miniBatch;
    QCheckBox* m_gradientCheckpointing;
    QRadioButton* m_bySteps;
    QRadioButton* m_byEpochs;
    QSpinBox* m_steps;
    QDoubleSpinBox* m_epochs;
    QSpinBox* m_seed;
    QComboBox* m_device;
    QSpinBox* m_checkpointEvery;
    QDoubleSpinBox* m_devFraction;
    QSpinBox* m_devEvery;
    QLineEdit* m_output;
    /// The fields that show one setting each, by core/train/settings.h's key: their range and default
    /// come from its table, and config()/setConfig() copy them by key.
    QHash<QString, QWidget*> m_settingFields;

    /// (family, language, status) -> samples with a query and a positive.
    QMap<std::tuple<QString, QString, QString>, qint64> m_sampleCounts;
    qint64 m_jsonlCount = -1;
    QString m_jsonlError;
    qint64 m_exampleCount = -1;
    bool m_updating = false;
    QThreadPool m_countPool;   ///< one thread: background sample counts
    int m_countGeneration = 0; ///< results of older projects are dropped
    bool m_countBusy = false;
    bool m_countAgain = false; ///< samples changed again while counting
};

} // namespace synthembed::ui
