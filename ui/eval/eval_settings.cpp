#include "ui/eval/eval_settings.h"

#include "ui/errors.h"

#include "core/hub/hub.h"
#include "core/store/project.h"
#include "core/train/model_manifest.h"
#include "core/util/log.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace synthembed::ui::evalsettings {
namespace {
const std::string kModels = "eval.models";
const std::string kDatasets = "eval.datasets";
const std::string kModelSpecs = "eval.model_specs";
const std::string kSuite = "eval.suite";
const std::string kQuick = "eval.quick_items";

QJsonDocument readJson(const store::Project* p, const std::string& key) {
    if (!p) return {};
    auto v = p->setting(key);
    if (!v) return {};
    return QJsonDocument::fromJson(QByteArray::fromStdString(*v));
}
void writeJson(const store::Project* p, const std::string& key, const QJsonDocument& doc) {
    if (p) p->setSetting(key, doc.toJson(QJsonDocument::Compact).toStdString());
}
} // namespace

QStringList models(const store::Project* project) {
    QStringList out;
    for (const auto& v : readJson(project, kModels).array())
        if (!v.toString().isEmpty()) out << v.toString();
    return out;
}

void setModels(const store::Project* project, const QStringList& list) {
    writeJson(project, kModels, QJsonDocument(QJsonArray::fromStringList(list)));
}

std::vector<eval::DatasetEntry> datasets(const store::Project* project) {
    if (!project) return {};
    auto v = project->setting(kDatasets);
    if (!v) return {};
    auto r = eval::datasetsFromJson(*v);
    if (!r) {
        log::warn("project setting ", kDatasets, ": ", failureLine(r.error()));
        return {};
    }
    return *r;
}

void setDatasets(const store::Project* project, const std::vector<eval::DatasetEntry>& list) {
    if (project) project->setSetting(kDatasets, eval::datasetsToJson(list));
}

QMap<QString, QString> modelSpecs(const store::Project* project) {
    QMap<QString, QString> out;
    const auto obj = readJson(project, kModelSpecs).object();
    for (auto it = obj.begin(); it != obj.end(); ++it) out.insert(it.key(), it.value().toString());
    return out;
}

void rememberModel(const store::Project* project, const QString& fingerprint, const QString& spec) {
    auto obj = readJson(project, kModelSpecs).object();
    if (obj.value(fingerprint).toString() == spec) return;
    obj.insert(fingerprint, spec);
    writeJson(project, kModelSpecs, QJsonDocument(obj));
}

QString modelLabel(const QString& spec) {
    if (spec.startsWith(QLatin1String("hash"))) return spec;
    // A repo id as typed; a snapshot in the Hugging Face cache by its repo (not its commit hash).
    if (!QFileInfo::exists(spec) && hub::parseRepoRef(spec.toStdString())) return spec;
    static const QRegularExpression snapshot(QStringLiteral("/models--([^/]+?)--([^/]+)/snapshots/[^/]+/?$"));
    if (const auto m = snapshot.match(QDir::fromNativeSeparators(spec)); m.hasMatch())
        return m.captured(1) + QLatin1Char('/') + m.captured(2);
    const QString name = QFileInfo(QDir::cleanPath(spec)).fileName();
    return name.isEmpty() ? spec : name;
}

QString trainedModelSuffix(const QString& spec) {
    if (spec.isEmpty() || spec.startsWith(QLatin1String("hash"))) return {};
    auto info = train::readTrainedModelInfo(spec.toStdString());
    if (!info) {
        log::warn("model ", spec.toStdString(), ": ", failureLine(info.error()));
        return {};
    }
    if (!*info) return {};
    const auto& t = **info;
    const QString run = QString::fromStdString(t.runName.empty() ? t.runId : t.runName);
    QStringList parts;
    if (!run.isEmpty()) parts << QCoreApplication::translate("synthembed::ui::evalsettings", "run %1").arg(run);
    if (t.step >= 0) parts << QCoreApplication::translate("synthembed::ui::evalsettings", "step %1").arg(t.step);
    return parts.join(QStringLiteral(" · "));
}

QString modelDisplayName(const QString& spec) {
    const QString label = modelLabel(spec);
    const QString suffix = trainedModelSuffix(spec);
    return suffix.isEmpty() ? label : label + QStringLiteral(" · ") + suffix;
}

int quickItems(const store::Project* project) {
    if (project)
        if (auto v = project->setting(kQuick)) {
            bool ok = false;
            const int n = QString::fromStdString(*v).toInt(&ok);
            if (ok && n > 0) return n;
        }
    return int(eval::kQuickItems);
}

QString suiteMode(const store::Project* project) {
    if (project)
        if (auto v = project->setting(kSuite)) return QString::fromStdString(*v) == QLatin1String("full") ? QStringLiteral("full") : QStringLiteral("quick");
    return QStringLiteral("quick");
}

void setSuite(const store::Project* project, const QString& mode, int n) {
    if (!project) return;
    project->setSetting(kSuite, mode.toStdString());
    project->setSetting(kQuick, std::to_string(n));
}

} // namespace synthembed::ui::evalsettings
