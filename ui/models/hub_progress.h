#pragma once
// What the GUI's hub downloads (DownloadDialog for models, MtebTaskDialog for MTEB tasks) share:
// the progress hook a worker thread hands to core/hub, throttled and delivered on the GUI thread,
// and the words for bytes done.

#include "core/util/progress.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace synthembed::ui {

/// Hooks for hub::PullParams: shouldStop follows `stop`; progress calls `onGuiThread(done, total,
/// file)` queued to `receiver`'s thread while it lives, at most ~20 times a second plus every change
/// of file and the end. The hooks must not outlive the worker call they are made for.
ProgressHooks hubProgressHooks(QObject* receiver, std::shared_ptr<std::atomic<bool>> stop,
                               std::function<void(qint64 done, qint64 total, const QString& file)> onGuiThread);

/// "120 MB of 14.2 GB" (the size alone when the total is unknown).
QString downloadedBytesText(qint64 done, qint64 total);

} // namespace synthembed::ui
