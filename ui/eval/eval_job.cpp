#include "ui/eval/eval_job.h"

#include "ui/errors.h"

#include "ui/models/model_reference.h"

#include "core/eval/embedding_cache.h"
#include "core/eval/encoder_factory.h"
#include "core/eval/results.h"
#include "core/store/project.h"
#include "core/util/log.h"

#include <chrono>
#include <memory>

namespace synthembed::ui {

QString EvalJob::stageName(const std::string& stage) {
    if (stage == "embedding texts") return tr("embedding texts");
    if (stage == "embedding train texts") return tr("embedding train texts");
    if (stage == "embedding test texts") return tr("embedding test texts");
    if (stage == "embedding queries") return tr("embedding queries");
    if (stage == "embedding documents") return tr("embedding documents");
    if (stage == "scoring") return tr("scoring");
    if (stage == "searching") return tr("searching");
    if (stage == "clustering") return tr("clustering");
    return QString::fromStdString(stage);
}

EvalJob::EvalJob(EvalJobParams params) : m_params(std::move(params)) { setAutoDelete(false); }

void EvalJob::run() {
    int stored = 0, failed = 0;
    try {
        auto project = store::Project::open(m_params.projectPath);
        if (!project) {
            Q_EMIT taskFailed(formatFailure(project.error()));
            Q_EMIT finished(0, 1, false);
            return;
        }
        std::unique_ptr<eval::EmbeddingCache> cache;
        if (!m_params.cachePath.empty()) {
            try {
                cache = std::make_unique<eval::EmbeddingCache>(m_params.cachePath);
            } catch (const Failure& f) {
                log::warn("embedding cache unavailable, embedding everything: ", failureLine(f.error()));
            }
        }
        const int steps = int(m_params.models.size() * m_params.datasets.size());
        int step = 0;
        auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        for (const QString& model : m_params.models) {
            if (m_cancel) break;
            Q_EMIT progress(steps ? 1000 * step / steps : 0, tr("%1: loading model").arg(model));
            eval::EncoderSpec spec;
            spec.model = model.toStdString(); // a folder, hash:DIM, or a repo id in the Hugging Face cache
            // A 7B model's load takes about a minute: its bytes as they load, at most ~10 times a second.
            const QString name = ModelReference::resolve(model).displayName();
            auto lastLoad = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            spec.loadHooks.shouldStop = [this] { return m_cancel.load(); };
            spec.loadHooks.progress = [&](std::int64_t done, std::int64_t total, const std::string&) {
                const auto now = std::chrono::steady_clock::now();
                if (now - lastLoad < std::chrono::milliseconds(100) && done != total && done != 0) return;
                lastLoad = now;
                const QString text = loadingModelText(name, done, total);
                Q_EMIT loadingModel(text, qint64(done), qint64(total));
                Q_EMIT progress(steps ? 1000 * step / steps : 0, text);
            };
            auto encoder = eval::openEncoder(spec);
            if (!encoder && m_cancel) break;
            if (!encoder) {
                Q_EMIT taskFailed(tr("%1: %2").arg(model, formatFailure(encoder.error())));
                failed += int(m_params.datasets.size());
                step += int(m_params.datasets.size());
                continue;
            }
            const QString fingerprint = QString::fromStdString((*encoder)->fingerprint());
            Q_EMIT modelOpened(model, fingerprint);
            for (const auto& d : m_params.datasets) {
                if (m_cancel) break;
                const QString where = tr("%1 on %2").arg(name, QString::fromStdString(d.name));
                ProgressHooks hooks;
                hooks.shouldStop = [this] { return m_cancel.load(); };
                const auto taskStart = std::chrono::steady_clock::now();
                hooks.progress = [&](std::int64_t done, std::int64_t total, const std::string& stage) {
                    const auto now = std::chrono::steady_clock::now();
                    if (now - last < std::chrono::milliseconds(50) && done != total) return;
                    last = now;
                    const double part = total > 0 ? std::min(1.0, double(done) / double(total)) : 0.0;
                    const QString name = stageName(stage);
                    Q_EMIT progress(int(1000.0 * (step + part) / steps), tr("%1: %2").arg(where, name));
                    // Rate so far of this task (model load excluded: it ended before runEval).
                    const double elapsed = std::chrono::duration<double>(now - taskStart).count();
                    const double eta = done > 0 && done < total ? elapsed * double(total - done) / double(done) : -1.0;
                    Q_EMIT counts(qint64(done), qint64(total), name, eta);
                };
                Q_EMIT progress(1000 * step / steps, where);
                log::info("evaluating ", model.toStdString(), " on ", d.name, " (", eval::toString(d.type), ")");
                auto r = eval::runEval(**encoder, cache.get(),
                                       eval::suiteOptions(d, m_params.mode, m_params.quickItems, m_params.seed), hooks);
                ++step;
                if (!r) {
                    if (m_cancel) break;
                    ++failed;
                    log::error(d.name, ": ", failureLine(r.error()));
                    Q_EMIT taskFailed(tr("%1: %2").arg(where, formatFailure(r.error())));
                    continue;
                }
                auto id = eval::storeResult(*project, *r);
                if (!id) {
                    ++failed;
                    Q_EMIT taskFailed(tr("%1: %2").arg(where, formatFailure(id.error())));
                    continue;
                }
                ++stored;
                log::info(d.name, ": ", r->mainMetric, " = ", r->mainScore);
                Q_EMIT resultStored(*id, tr("%1: %2 = %3").arg(where, QString::fromStdString(r->mainMetric))
                                             .arg(r->mainScore, 0, 'f', 4));
            }
        }
        Q_EMIT progress(m_cancel ? 1000 * step / std::max(1, steps) : 1000, QString());
    } catch (const std::exception& e) {
        // One catch at the bottom: anything unexpected ends the job with a message, never a crash.
        ++failed;
        Q_EMIT taskFailed(formatFailure(e));
    }
    Q_EMIT finished(stored, failed, m_cancel);
}

} // namespace synthembed::ui
