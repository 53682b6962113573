#pragma once
// What the Evaluation and Explorer areas remember per project (project settings table): the
// model list, the registered datasets, and a readable name per model fingerprint.

#include "core/eval/suite.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <vector>

namespace synthembed::store {
class Project;
}

namespace synthembed::ui::evalsettings {

/// Model folders (or "hash:DIM") the user added, in order.
QStringList models(const store::Project* project);
void setModels(const store::Project* project, const QStringList& models);

/// Registered datasets; a damaged setting reads as empty (and is logged).
std::vector<eval::DatasetEntry> datasets(const store::Project* project);
void setDatasets(const store::Project* project, const std::vector<eval::DatasetEntry>& datasets);

/// Fingerprint -> model spec (folder or hash:DIM) seen when evaluating.
QMap<QString, QString> modelSpecs(const store::Project* project);
void rememberModel(const store::Project* project, const QString& fingerprint, const QString& spec);
/// Short name of a model spec: the folder name, the spec itself for hash:DIM and a repo id, ORG/NAME
/// for a snapshot folder in the Hugging Face cache.
QString modelLabel(const QString& spec);
/// modelLabel, and for a folder written by `train` the run and step its manifest names
/// (train::readTrainedModelInfo): "ft1 · run stsb-lora · step 400". For model lists and pickers.
QString modelDisplayName(const QString& spec);
/// The run and step part alone ("run stsb-lora · step 400"), empty for other models.
QString trainedModelSuffix(const QString& spec);

/// Quick suite size and mode ("quick" or "full").
int quickItems(const store::Project* project);
QString suiteMode(const store::Project* project);
void setSuite(const store::Project* project, const QString& mode, int quickItems);

} // namespace synthembed::ui::evalsettings
