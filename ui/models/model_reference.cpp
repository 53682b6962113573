#include "ui/models/model_reference.h"

#include "ui/models/download_dialog.h"
#include "ui/models/model_memory.h"

#include "core/hub/hub.h"
#include "core/model/footprint.h"

#include <QDir>
#include <QLabel>
#include <QRegularExpression>

namespace synthembed::ui {

QString ModelReference::displayName() const {
    if (!repo.isEmpty()) return repo;
    // A snapshot folder of the Hugging Face cache by its repo, not its commit hash.
    static const QRegularExpression snapshot(QStringLiteral("/models--([^/]+?)--([^/]+)/snapshots/[^/]+/?$"));
    if (const auto m = snapshot.match(QDir::fromNativeSeparators(folderOrText())); m.hasMatch())
        return m.captured(1) + QLatin1Char('/') + m.captured(2);
    const QString name = QDir(folderOrText()).dirName();
    return name.isEmpty() ? text : name;
}

ModelReference ModelReference::resolve(const QString& input) {
    ModelReference r;
    r.text = input.trimmed();
    if (r.text.isEmpty()) return r;
    if (r.text == QLatin1String("hash") || r.text.startsWith(QLatin1String("hash:"))) {
        r.kind = Kind::Hashing;
        return r;
    }
    const auto local = hub::locateModel(r.text.toStdString(), hub::HubSettings::fromEnvironment());
    if (local.repo) r.repo = QString::fromStdString(local.repo->text());
    switch (local.kind) {
    case hub::LocalModel::Kind::Folder:
        r.kind = Kind::Folder;
        r.folder = r.text;
        break;
    case hub::LocalModel::Kind::CachedRepo:
        r.kind = Kind::CachedRepo;
        r.folder = QString::fromStdString(local.path.string());
        r.commit = QString::fromStdString(local.commit);
        break;
    case hub::LocalModel::Kind::NotCached:
        r.kind = Kind::NotDownloaded;
        r.message = tr("%1 is not downloaded: it is not in the Hugging Face cache (%2).")
                        .arg(r.repo, QDir::toNativeSeparators(QString::fromStdString(
                                         hub::repoCacheDir(hub::HubSettings::fromEnvironment(), local.repo->repo).string())));
        break;
    case hub::LocalModel::Kind::Incomplete:
        r.kind = Kind::NotDownloaded;
        r.message = tr("%1 is only partly in the Hugging Face cache: %2").arg(r.repo, QString::fromStdString(local.message));
        break;
    case hub::LocalModel::Kind::Invalid:
        r.kind = Kind::Unknown;
        r.message = tr("%1 is neither a model folder nor a Hugging Face repo id (ORG/NAME[@revision]).").arg(r.text);
        break;
    }
    return r;
}

QString ModelReference::notDownloadedHtml() const {
    return QStringLiteral("%1 <a href=\"%2\">%3</a>")
        .arg(message.toHtmlEscaped(), downloadHref(repo).toHtmlEscaped(), tr("Download...").toHtmlEscaped());
}

QString ModelReference::cacheLine() const {
    if (kind != Kind::CachedRepo) return {};
    return tr("%1 from the Hugging Face cache (revision %2)").arg(repo, commit.left(8));
}

ModelReference showModelInfo(QLabel* label, const QString& text) {
    const auto ref = ModelReference::resolve(text);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    label->setOpenExternalLinks(false);
    if (ref.kind == ModelReference::Kind::NotDownloaded) {
        label->setText(ref.notDownloadedHtml());
        label->setToolTip(ref.message);
        label->setStyleSheet(QStringLiteral("color: #b02020;"));
        label->setVisible(true);
        return ref;
    }
    const auto info = ref.loadable() ? ModelMemory::forInference(ref.folder) : ModelMemoryInfo{};
    QStringList lines;
    if (!ref.cacheLine().isEmpty()) lines << ref.cacheLine().toHtmlEscaped();
    if (info.known) lines << info.text.toHtmlEscaped();
    if (!info.problem.isEmpty()) lines << info.problem.toHtmlEscaped();
    label->setText(lines.join(QStringLiteral("<br>")));
    label->setToolTip(ref.kind == ModelReference::Kind::CachedRepo ? QDir::toNativeSeparators(ref.folder) : QString());
    label->setStyleSheet(info.problem.isEmpty() ? QString() : QStringLiteral("color: #b02020;"));
    label->setVisible(info.known);
    return ref;
}

void connectDownloadLink(QLabel* label, QWidget* parent,
                         std::function<void(const QString& repo, const QString& snapshot)> onDone) {
    QObject::connect(label, &QLabel::linkActivated, parent, [parent, onDone](const QString& href) {
        if (!href.startsWith(QLatin1String("download:"))) return;
        const QString repo = href.mid(9);
        DownloadDialog::openFor(parent, [repo, onDone](const QString& snapshot) { onDone(repo, snapshot); }, repo);
    });
}

QString loadingModelText(const QString& name, qint64 done, qint64 total) {
    if (total <= 0) return ModelReference::tr("Loading model %1...").arg(name);
    const auto gb = [](qint64 b) { return QString::fromStdString(model::formatGigabytes(std::uint64_t(b))); };
    return ModelReference::tr("Loading model %1 (%2)... %3 (%4%)")
        .arg(name, gb(total), gb(done))
        .arg(int(100 * done / total));
}

} // namespace synthembed::ui
