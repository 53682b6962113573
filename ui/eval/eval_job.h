#pragma once
// Runs an evaluation suite (models x datasets) off the GUI thread: opens each model, runs each
// dataset through core's runEval with the embedding cache, stores every result in the project
// database through the job's own connection, and reports progress as signals (queued to the
// GUI). Cancel is a flag polled between units of work.

#include "core/eval/suite.h"

#include <QObject>
#include <QRunnable>
#include <QString>
#include <QStringList>

#include <atomic>
#include <filesystem>
#include <vector>

namespace synthembed::ui {

struct EvalJobParams {
    QStringList models;                     ///< model folders or hash:DIM
    std::vector<eval::DatasetEntry> datasets;
    eval::SuiteMode mode = eval::SuiteMode::Quick;
    std::size_t quickItems = eval::kQuickItems;
    std::uint64_t seed = 42;
    std::filesystem::path projectPath;      ///< results go here
    std::filesystem::path cachePath;        ///< empty: no embedding cache
};

class EvalJob : public QObject, public QRunnable {
    Q_OBJECT
public:
    explicit EvalJob(EvalJobParams params);
    void run() override;
    void cancel() { m_cancel = true; }
    bool cancelled() const { return m_cancel; }
    /// A core stage name ("embedding test texts", "scoring", ...) in the user's language.
    static QString stageName(const std::string& stage);

Q_SIGNALS:
    /// permille of the whole suite, and what runs now.
    void progress(int permille, const QString& stage);
    /// The running task: texts embedded / all it embeds, its stage (translated), and the
    /// estimated seconds left for the embedding (-1 when unknown).
    void counts(qint64 done, qint64 total, const QString& stage, double etaSeconds);
    /// A model's weights are loading: "Loading model NAME (14.2 GB)... 3.1 GB (22%)".
    void loadingModel(const QString& text, qint64 bytesDone, qint64 bytesTotal);
    void modelOpened(const QString& spec, const QString& fingerprint);
    void resultStored(qint64 id, const QString& summary);
    void taskFailed(const QString& message);
    void finished(int stored, int failed, bool cancelled);

private:
    EvalJobParams m_params;
    std::atomic_bool m_cancel{false};
};

} // namespace synthembed::ui
