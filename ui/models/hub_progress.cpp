#include "ui/models/hub_progress.h"

#include <QCoreApplication>
#include <QLocale>
#include <QMetaObject>

#include <chrono>
#include <string>

namespace synthembed::ui {

ProgressHooks hubProgressHooks(QObject* receiverObject, std::shared_ptr<std::atomic<bool>> stop,
                               std::function<void(qint64, qint64, const QString&)> onGuiThread) {
    struct Throttle {
        std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        std::string file;
    };
    auto state = std::make_shared<Throttle>();
    QPointer<QObject> receiver(receiverObject);
    ProgressHooks hooks;
    hooks.shouldStop = [stop] { return stop->load(); };
    hooks.progress = [receiver, state, onGuiThread](std::int64_t done, std::int64_t total, const std::string& file) {
        const auto now = std::chrono::steady_clock::now();
        if (file == state->file && done != total && now - state->last < std::chrono::milliseconds(50)) return;
        state->last = now;
        state->file = file;
        const QString name = QString::fromStdString(file);
        QMetaObject::invokeMethod(receiver.data(), [receiver, onGuiThread, done, total, name] {
            if (receiver) onGuiThread(done, total, name);
        }, Qt::QueuedConnection);
    };
    return hooks;
}

QString downloadedBytesText(qint64 done, qint64 total) {
    const QLocale loc;
    return total > 0 ? QCoreApplication::translate("synthembed::ui::DownloadDialog", "%1 of %2")
                           .arg(loc.formattedDataSize(done), loc.formattedDataSize(total))
                     : loc.formattedDataSize(done);
}

} // namespace synthembed::ui
