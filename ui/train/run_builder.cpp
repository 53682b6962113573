#include "ui/train/run_builder.h"

#include "ui/errors.h"

#include "core/runtime/runtime.h"
#include "core/store/project.h"
#include "core/train/data.h"
#include "core/train/settings.h"
#include "core/train/trainer.h"
#include "core/util/log.h"
#include "ui/models/download_dialog.h"
#include "ui/models/model_memory.h"
#include "ui/models/model_reference.h"


#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace synthembed::ui {

namespace {

/// A spin box for values that span decades (learning rates): shows 1e-04, 5e-05, 0.001.
class ScientificSpinBox : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;
    QString textFromValue(double v) const override { return QString::number(v, 'g', 4); }
    double valueFromText(const QString& text) const override { return text.trimmed().toDouble(); }
    QValidator::State validate(QString& text, int&) const override {
        const QString t = text.trimmed();
        if (t.isEmpty() || t.endsWith(QLatin1Char('e')) || t.endsWith(QLatin1Char('-')) || t.endsWith(QLatin1Char('.')))
            return QValidator::Intermediate;
        bool ok = false;
        const double v = t.toDouble(&ok);
        if (!ok) return QValidator::Invalid;
        return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    }
    void stepBy(int steps) override {
        // Steps by a factor of two: 1e-4 -> 2e-4 -> 4e-4 ...
        double v = value() * std::pow(2.0, steps);
        setValue(std::clamp(v, minimum(), maximum()));
    }
};

// The property naming the core setting (core/train/settings.h's table key) a field shows.
constexpr char kSettingKey[] = "runSetting";

// A setting's row in core's table (the values it accepts) and its default (TrainConfig's
// initializer), for the field that shows it.
struct SettingInfo {
    train::SettingRange range;
    double value = 0;
};
SettingInfo settingInfo(std::string_view key) {
    std::optional<SettingInfo> out;
    const train::TrainConfig d;
    train::visitRunSettings(d, [&](const train::RunSetting& s, const auto& field) {
        using T = std::decay_t<decltype(field)>;
        if constexpr (std::is_arithmetic_v<T>)
            if (key == s.key) out = SettingInfo{s.range, static_cast<double>(field)};
    });
    Q_ASSERT_X(out, "RunBuilder", "not a numeric or bool setting of core/train/settings.h");
    return out.value_or(SettingInfo{});
}

constexpr double kIntTop = std::numeric_limits<int>::max();

// A spin box for the integer setting `key`: range and default from the table (no range: 0 and up).
// Marked with the key, so config() and setConfig() read and write it.
QSpinBox* intBox(const char* key, const QString& tip) {
    const auto info = settingInfo(key);
    auto* b = new QSpinBox;
    b->setProperty(kSettingKey, QString::fromLatin1(key));
    b->setRange(info.range.any() ? 0 : static_cast<int>(info.range.min),
                info.range.any() ? static_cast<int>(kIntTop) : static_cast<int>(std::min(info.range.max, kIntTop)));
    b->setValue(static_cast<int>(std::min(info.value, kIntTop)));
    b->setToolTip(tip);
    b->setAccelerated(true);
    return b;
}

// The same for a floating-point setting (decimals and step are the field's).
void setUpDoubleBox(QDoubleSpinBox* b, const char* key, int decimals, double step, const QString& tip) {
    const auto info = settingInfo(key);
    b->setProperty(kSettingKey, QString::fromLatin1(key));
    b->setDecimals(decimals);
    if (!info.range.any()) b->setRange(info.range.min, info.range.max);
    b->setSingleStep(step);
    b->setValue(info.value);
    b->setToolTip(tip);
}

QDoubleSpinBox* doubleBox(const char* key, int decimals, double step, const QString& tip) {
    auto* b = new QDoubleSpinBox;
    setUpDoubleBox(b, key, decimals, step, tip);
    return b;
}

// A check box for the bool setting `key`, checked as its default.
QCheckBox* checkBox(const char* key, const QString& text, const QString& tip) {
    auto* b = new QCheckBox(text);
    b->setProperty(kSettingKey, QString::fromLatin1(key));
    b->setChecked(settingInfo(key).value != 0);
    b->setToolTip(tip);
    return b;
}

QListWidget* checkList(const QString& objectName, const QString& tip) {
    auto* l = new QListWidget;
    l->setObjectName(objectName);
    l->setToolTip(tip);
    l->setMaximumHeight(96);
    l->setUniformItemSizes(true);
    return l;
}

QWidget* withButton(QLineEdit* edit, QPushButton* button) {
    auto* w = new QWidget;
    auto* h = new QHBoxLayout(w);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(edit, 1);
    h->addWidget(button);
    return w;
}

QString humanCount(std::int64_t n) {
    if (n >= 1'000'000'000) return QStringLiteral("%1 B").arg(double(n) / 1e9, 0, 'f', 2);
    if (n >= 1'000'000) return QStringLiteral("%1 M").arg(double(n) / 1e6, 0, 'f', 2);
    if (n >= 1'000) return QStringLiteral("%1 k").arg(double(n) / 1e3, 0, 'f', 1);
    return QString::number(n);
}

} // namespace

RunBuilder::RunBuilder(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("runBuilder"));
    m_countPool.setMaxThreadCount(1);
    const train::TrainConfig d; // core's defaults (the paper's where it has one)
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);

    auto form = [&](const QString& title) {
        auto* box = new QGroupBox(title, this);
        auto* f = new QFormLayout(box);
        f->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        f->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
        outer->addWidget(box);
        return f;
    };

    // --- model
    auto* fm = form(tr("Base model"));
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("runName"));
    m_name->setPlaceholderText(tr("optional"));
    m_name->setToolTip(tr("A name for the run in the runs table."));
    fm->addRow(tr("Run name"), m_name);
    m_model = new QLineEdit;
    m_model->setObjectName(QStringLiteral("modelEdit"));
    m_model->setToolTip(tr("A Hugging Face model folder (config.json, safetensors weights and a tokenizer), or a "
                           "Hugging Face repo id ORG/NAME[@revision] from the Hugging Face cache. "
                           "Llama, Mistral and Qwen2 decoders and BERT encoders are supported."));
    auto* browseModelButton = new QPushButton(tr("Browse..."));
    connect(browseModelButton, &QPushButton::clicked, this, &RunBuilder::browseModel);
    auto* downloadModelButton = new QPushButton(tr("Download..."));
    downloadModelButton->setObjectName(QStringLiteral("modelDownload"));
    downloadModelButton->setToolTip(tr("Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the "
                                       "Hugging Face cache, and use it here."));
    connect(downloadModelButton, &QPushButton::clicked, this, [this] {
        // A repo id typed in the field that is not downloaded yet: the dialog opens with it.
        const auto ref = ModelReference::resolve(m_model->text());
        DownloadDialog::openFor(
            this,
            [this](const QString& path) {
                m_model->setText(path);
                checkModel();
            },
            ref.kind == ModelReference::Kind::NotDownloaded ? ref.repo : QString());
    });
    auto* modelRow = withButton(m_model, browseModelButton);
    modelRow->layout()->addWidget(downloadModelButton);
    fm->addRow(tr("Folder"), modelRow);
    m_modelInfo = new QLabel;
    m_modelInfo->setObjectName(QStringLiteral("modelInfo"));
    m_modelInfo->setWordWrap(true);
    m_modelInfo->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_modelInfo->setTextFormat(Qt::RichText);
    m_modelInfo->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    fm->addRow(QString(), m_modelInfo);
    // "ORG/NAME is not downloaded ... Download...": the dialog prefilled; the field keeps the repo id.
    connectDownloadLink(m_modelInfo, this, [this](const QString&, const QString&) { checkModel(); });
    connect(m_model, &QLineEdit::editingFinished, this, &RunBuilder::checkModel);

    // --- data
    auto* fd = form(tr("Data"));
    m_fromProject = new QRadioButton(tr("Project samples"));
    m_fromProject->setObjectName(QStringLiteral("sourceProject"));
    m_fromProject->setToolTip(tr("Train on the open project's samples that have a query and a positive."));
    m_fromJsonl = new QRadioButton(tr("JSONL file"));
    m_fromJsonl->setObjectName(QStringLiteral("sourceJsonl"));
    m_fromJsonl->setToolTip(tr("Train on a file of lines {\"query\", \"positive\"[, \"negative\"][, \"instruction\"]} "
                               "(the generation export format)."));
    m_fromProject->setChecked(true);
    auto* sourceRow = new QWidget;
    auto* sh = new QHBoxLayout(sourceRow);
    sh->setContentsMargins(0, 0, 0, 0);
    sh->addWidget(m_fromProject);
    sh->addWidget(m_fromJsonl);
    sh->addStretch();
    fd->addRow(tr("Source"), sourceRow);
    m_families = checkList(QStringLiteral("familyList"), tr("Task families to train on; the number is how many samples "
                                                            "each has under the other filters."));
    m_languages = checkList(QStringLiteral("languageList"), tr("Languages to train on."));
    m_statuses = checkList(QStringLiteral("statusList"), tr("Which curation states count: accepted and edited samples by default."));
    const std::pair<QString, QString> statuses[] = {{QStringLiteral("accepted"), tr("accepted")},
                                                    {QStringLiteral("edited"), tr("edited")},
                                                    {QStringLiteral("rejected"), tr("rejected")}};
    for (const auto& [s, label] : statuses) {
        auto* item = new QListWidgetItem(label, m_statuses);
        item->setData(Qt::UserRole, s);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        const bool byDefault = std::find(d.filter.statuses.begin(), d.filter.statuses.end(), s.toStdString()) !=
                               d.filter.statuses.end();
        item->setCheckState(byDefault ? Qt::Checked : Qt::Unchecked);
    }
    m_statuses->setMaximumHeight(64);
    fd->addRow(tr("Families"), m_families);
    fd->addRow(tr("Languages"), m_languages);
    fd->addRow(tr("Status"), m_statuses);
    m_jsonl = new QLineEdit;
    m_jsonl->setObjectName(QStringLiteral("jsonlEdit"));
    m_jsonl->setToolTip(m_fromJsonl->toolTip());
    auto* browseJsonlButton = new QPushButton(tr("Browse..."));
    connect(browseJsonlButton, &QPushButton::clicked, this, &RunBuilder::browseJsonl);
    fd->addRow(tr("File"), withButton(m_jsonl, browseJsonlButton));
    connect(m_jsonl, &QLineEdit::editingFinished, this, [this] {
        m_jsonlCount = -1;
        m_jsonlError.clear();
        updateCounts();
    });
    m_count = new QLabel;
    m_count->setObjectName(QStringLiteral("exampleCount"));
    fd->addRow(tr("Examples"), m_count);
    m_mix = new QComboBox;
    m_mix->setObjectName(QStringLiteral("batchMix"));
    m_mix->addItem(tr("Random"), int(train::BatchMix::Random));
    m_mix->addItem(tr("One family per batch"), int(train::BatchMix::SameFamily));
    m_mix->setCurrentIndex(m_mix->findData(int(d.mix)));
    m_mix->setToolTip(tr("Random: every batch draws from all data. One family per batch: in-batch negatives are of "
                         "the same kind (families weighted by their size), as e5 recipes do."));
    fd->addRow(tr("Batch mix"), m_mix);
    m_maxLength = intBox("max_length", tr("Tokens per sequence (query with its instruction, or document); "
                                          "longer texts are cut. The paper uses 512."));
    m_maxLength->setObjectName(QStringLiteral("maxLength"));
    fd->addRow(tr("Max length"), m_maxLength);

    // --- method
    auto* fl = form(tr("Method"));
    m_lora = new QRadioButton(tr("LoRA"));
    m_lora->setObjectName(QStringLiteral("methodLora"));
    m_lora->setToolTip(tr("Train small low-rank adapters on every linear projection; the base weights stay frozen "
                          "(e5-mistral: rank 16 on all linear layers)."));
    m_full = new QRadioButton(tr("Full fine-tune"));
    m_full->setObjectName(QStringLiteral("methodFull"));
    m_full->setToolTip(tr("Train every weight: best for small models, needs memory for optimiser state of all weights."));
    m_lora->setChecked(!d.fullFineTune);
    m_full->setChecked(d.fullFineTune);
    auto* methodRow = new QWidget;
    auto* mh = new QHBoxLayout(methodRow);
    mh->setContentsMargins(0, 0, 0, 0);
    mh->addWidget(m_lora);
    mh->addWidget(m_full);
    mh->addStretch();
    fl->addRow(tr("Train"), methodRow);
    m_rank = intBox("lora_rank", tr("LoRA rank r: size of the low-rank update (paper: 16)."));
    m_rank->setObjectName(QStringLiteral("loraRank"));
    m_alpha = doubleBox("lora_alpha", 1, 1, tr("LoRA alpha: the update is scaled by alpha / r (paper: 32)."));
    m_alpha->setObjectName(QStringLiteral("loraAlpha"));
    m_loraDropout = doubleBox("lora_dropout", 2, 0.01, tr("Dropout on the adapters' input, as PEFT applies it."));
    m_loraDropout->setObjectName(QStringLiteral("loraDropout"));
    fl->addRow(tr("Rank"), m_rank);
    fl->addRow(tr("Alpha"), m_alpha);
    fl->addRow(tr("Dropout"), m_loraDropout);
    m_pooling = new QComboBox;
    m_pooling->setObjectName(QStringLiteral("pooling"));
    m_pooling->addItem(tr("Last token"), int(train::Pooling::LastToken));
    m_pooling->addItem(tr("Mean"), int(train::Pooling::Mean));
    m_pooling->addItem(tr("CLS"), int(train::Pooling::Cls));
    m_pooling->setCurrentIndex(m_pooling->findData(int(d.pooling)));
    m_pooling->setToolTip(tr("How a text's hidden states become one vector: the last token's (with EOS appended; "
                             "decoders, as the paper), the mean over tokens, or the first token's (BERT's [CLS])."));
    fl->addRow(tr("Pooling"), m_pooling);

    // --- loss and optimiser
    auto* fo = form(tr("Loss and optimiser"));
    m_temperature = doubleBox("temperature", 3, 0.005,
                              tr("InfoNCE temperature: cosine similarities are divided by it (paper: 0.02). Lower "
                                 "values sharpen the contrast between positives and negatives."));
    m_temperature->setObjectName(QStringLiteral("temperature"));
    fo->addRow(tr("Temperature"), m_temperature);
    m_symmetric = checkBox("symmetric", tr("Also document to query"),
                           tr("Adds the symmetric InfoNCE term that scores each positive against all queries."));
    m_symmetric->setObjectName(QStringLiteral("symmetric"));
    fo->addRow(QString(), m_symmetric);
    auto* lr = new ScientificSpinBox;
    setUpDoubleBox(lr, "lr", 12, 1,
                   tr("Peak learning rate of AdamW (paper: 1e-4 for LoRA). Full fine-tunes of small models "
                      "often want more, e.g. 1e-3. Arrows double or halve it."));
    lr->setObjectName(QStringLiteral("learningRate"));
    m_lr = lr;
    fo->addRow(tr("Learning rate"), m_lr);
    m_warmup = intBox("warmup", tr("Steps of linear warm-up from 0 to the peak rate; it then decays "
                                   "linearly to 0 at the last step (paper: 100)."));
    m_warmup->setObjectName(QStringLiteral("warmup"));
    fo->addRow(tr("Warm-up steps"), m_warmup);
    m_weightDecay = doubleBox("weight_decay", 3, 0.01, tr("AdamW weight decay, not applied to norms and biases."));
    m_weightDecay->setObjectName(QStringLiteral("weightDecay"));
    fo->addRow(tr("Weight decay"), m_weightDecay);

    // --- batches and length
    auto* fb = form(tr("Batches and length"));
    m_batch = intBox("batch_size", tr("Queries per optimiser step. Every other positive (and every hard "
                                      "negative) in the batch is a negative for a query, so larger batches "
                                      "train better (paper: 2048)."));
    m_batch->setObjectName(QStringLiteral("batchSize"));
    fb->addRow(tr("Batch size"), m_batch);
    m_miniBatch = intBox("mini_batch", tr("GradCache sub-batch: sequences per forward pass. A large batch "
                                          "then needs only the memory of a sub-batch, with the same "
                                          "gradients. 0 = the whole batch in one pass."));
    m_miniBatch->setObjectName(QStringLiteral("miniBatch"));
    m_miniBatch->setSpecialValueText(tr("off"));
    fb->addRow(tr("GradCache sub-batch"), m_miniBatch);
    m_gradientCheckpointing = checkBox(
        "gradient_checkpointing", tr("Recompute activations in backward"),
        tr("Gradient checkpointing: each transformer layer keeps only its input during the forward pass and is run "
           "again in the backward pass. Activation memory drops to about one layer's worth, for roughly 30% more "
           "compute per step. Loss and gradients stay the same (dropout is replayed)."));
    m_gradientCheckpointing->setObjectName(QStringLiteral("gradientCheckpointing"));
    fb->addRow(tr("Gradient checkpointing"), m_gradientCheckpointing);
    m_bySteps = new QRadioButton(tr("Steps"));
    m_bySteps->setObjectName(QStringLiteral("bySteps"));
    m_byEpochs = new QRadioButton(tr("Epochs"));
    m_byEpochs->setObjectName(QStringLiteral("byEpochs"));
    m_byEpochs->setChecked(d.steps == 0);
    m_bySteps->setChecked(d.steps != 0);
    // Steps is set by its radio button (0 = by epochs), so config() and setConfig() handle it themselves.
    m_steps = intBox("steps", tr("Optimiser steps to train."));
    m_steps->setProperty(kSettingKey, QVariant());
    m_steps->setMinimum(1);
    m_steps->setValue(d.steps > 0 ? static_cast<int>(std::min<double>(double(d.steps), kIntTop)) : 1000);
    m_steps->setObjectName(QStringLiteral("steps"));
    m_epochs = doubleBox("epochs", 2, 0.5, tr("Passes over the data (the last partial batch of each epoch is dropped)."));
    m_epochs->setObjectName(QStringLiteral("epochs"));
    auto* lenRow = new QWidget;
    auto* lh = new QHBoxLayout(lenRow);
    lh->setContentsMargins(0, 0, 0, 0);
    lh->addWidget(m_bySteps);
    lh->addWidget(m_steps, 1);
    lh->addWidget(m_byEpochs);
    lh->addWidget(m_epochs, 1);
    fb->addRow(tr("Length"), lenRow);

    // --- run
    auto* fr = form(tr("Run"));
    m_seed = intBox("seed", tr("Seeds the data order, dropout and adapter "
                               "initialisation: the same seed repeats a run."));
    m_seed->setObjectName(QStringLiteral("seed"));
    fr->addRow(tr("Seed"), m_seed);
    m_device = new QComboBox;
    m_device->setObjectName(QStringLiteral("device"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    const int gpus = cudaDeviceCount();
    if (auto* model = qobject_cast<QStandardItemModel*>(m_device->model())) {
        auto* item = model->item(1);
        if (gpus <= 0) {
            item->setEnabled(false);
            item->setToolTip(tr("No CUDA device: this build of libtorch or this machine has no usable NVIDIA GPU."));
        } else {
            item->setToolTip(tr("%n CUDA device(s); bf16 autocast is used on the GPU.", nullptr, gpus));
        }
    }
    m_device->setToolTip(gpus > 0 ? tr("Where to train.") : tr("Where to train. CUDA is not available here."));
    setDevice(d.device);
    fr->addRow(tr("Device"), m_device);
    m_checkpointEvery = intBox("checkpoint_every", tr("Steps between checkpoints (a stop also writes one). "
                                                      "0 = only on stop and at the end."));
    m_checkpointEvery->setObjectName(QStringLiteral("checkpointEvery"));
    fr->addRow(tr("Checkpoint every"), m_checkpointEvery);
    m_devFraction = doubleBox("dev_fraction", 2, 0.01, tr("Share of the data held out to measure in-batch "
                                                          "retrieval accuracy during training."));
    m_devFraction->setObjectName(QStringLiteral("devFraction"));
    m_devEvery = intBox("dev_every", tr("Steps between dev evaluations (0 = none)."));
    m_devEvery->setObjectName(QStringLiteral("devEvery"));
    auto* devRow = new QWidget;
    auto* dh = new QHBoxLayout(devRow);
    dh->setContentsMargins(0, 0, 0, 0);
    dh->addWidget(m_devFraction, 1);
    dh->addWidget(new QLabel(tr("every")));
    dh->addWidget(m_devEvery, 1);
    fr->addRow(tr("Dev share"), devRow);
    m_output = new QLineEdit;
    m_output->setObjectName(QStringLiteral("outputEdit"));
    m_output->setToolTip(tr("Where the trained model goes (merged weights, the LoRA adapter, sentence-transformers "
                            "files); checkpoints are kept in its checkpoints/ folder."));
    auto* browseOutputButton = new QPushButton(tr("Browse..."));
    connect(browseOutputButton, &QPushButton::clicked, this, &RunBuilder::browseOutput);
    fr->addRow(tr("Output folder"), withButton(m_output, browseOutputButton));
    outer->addStretch();
    // The fields that show one setting each (marked by intBox, doubleBox, checkBox).
    for (auto* w : findChildren<QWidget*>())
        if (const QString key = w->property(kSettingKey).toString(); !key.isEmpty()) m_settingFields.insert(key, w);

    // Any edit re-validates (the area enables Start from problems()).
    auto emitChanged = [this] {
        if (!m_updating) Q_EMIT changed();
    };
    for (auto* e : {m_name, m_model, m_jsonl, m_output}) connect(e, &QLineEdit::textChanged, this, emitChanged);
    for (auto* s : findChildren<QSpinBox*>()) connect(s, &QSpinBox::valueChanged, this, emitChanged);
    for (auto* s : findChildren<QDoubleSpinBox*>()) connect(s, &QDoubleSpinBox::valueChanged, this, emitChanged);
    for (auto* c : findChildren<QComboBox*>()) connect(c, &QComboBox::currentIndexChanged, this, emitChanged);
    for (auto* r : {m_fromProject, m_fromJsonl, m_lora, m_full, m_bySteps, m_byEpochs})
        connect(r, &QRadioButton::toggled, this, [this] {
            updateEnabled();
            updateCounts();
        });
    for (auto* l : {m_families, m_languages, m_statuses})
        connect(l, &QListWidget::itemChanged, this, [this] {
            if (!m_updating) updateCounts();
        });
    // The dev hold-out changes how many examples the trainer trains on.
    connect(m_devFraction, &QDoubleSpinBox::valueChanged, this, [this] {
        if (!m_updating) updateCounts();
    });
    // The CPU training estimate depends on the method and the device.
    connect(m_full, &QRadioButton::toggled, this, &RunBuilder::checkModel);
    connect(m_device, &QComboBox::currentIndexChanged, this, &RunBuilder::checkModel);
    connect(m_symmetric, &QCheckBox::toggled, this, emitChanged);
    connect(m_gradientCheckpointing, &QCheckBox::toggled, this, emitChanged);
    updateEnabled();
    checkModel();
    updateCounts();
}

void RunBuilder::updateEnabled() {
    const bool lora = m_lora->isChecked();
    for (QWidget* w : {static_cast<QWidget*>(m_rank), static_cast<QWidget*>(m_alpha), static_cast<QWidget*>(m_loraDropout)})
        w->setEnabled(lora);
    const bool project = m_fromProject->isChecked();
    m_families->setEnabled(project);
    m_languages->setEnabled(project);
    m_statuses->setEnabled(project);
    m_jsonl->setEnabled(!project);
    m_steps->setEnabled(m_bySteps->isChecked());
    m_epochs->setEnabled(m_byEpochs->isChecked());
    if (!m_updating) Q_EMIT changed();
}

void RunBuilder::browseModel() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Base model folder"), m_model->text());
    if (dir.isEmpty()) return;
    m_model->setText(dir);
    checkModel();
}

void RunBuilder::browseOutput() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Output folder"), m_output->text());
    if (!dir.isEmpty()) m_output->setText(dir);
}

void RunBuilder::browseJsonl() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Training data"), m_jsonl->text(),
                                                      tr("JSON Lines (*.jsonl *.json);;All files (*)"));
    if (file.isEmpty()) return;
    m_jsonl->setText(file);
    m_fromJsonl->setChecked(true);
    m_jsonlCount = -1;
    m_jsonlError.clear();
    updateCounts();
}

void RunBuilder::checkModel() {
    // A folder, or a repo id: from the Hugging Face cache (its snapshot folder), else "not downloaded".
    const auto ref = ModelReference::resolve(m_model->text());
    const QString dir = ref.folderOrText();
    m_modelOk = false;
    m_memoryProblem.clear();
    m_modelInfo->setToolTip(QString());
    if (dir.isEmpty()) {
        m_modelInfo->setText(tr("<i>Choose a model folder.</i>"));
    } else if (ref.kind == ModelReference::Kind::NotDownloaded) {
        m_modelInfo->setText(ref.notDownloadedHtml());
        m_modelInfo->setStyleSheet(QStringLiteral("color: #b02020;"));
    } else if (auto mc = train::checkBaseModel(dir.toStdString()); mc) {
        m_modelOk = true;
        m_modelInfo->setText((ref.cacheLine().isEmpty() ? QString() : ref.cacheLine().toHtmlEscaped() + QStringLiteral("<br>")) +
                             tr("%1 %2, hidden size %3, %4 parameters, tokenizer %5")
                                 .arg(QString::fromStdString(mc->modelType),
                                      mc->decoder ? tr("decoder") : tr("encoder"))
                                 .arg(mc->hiddenSize)
                                 .arg(humanCount(mc->parameters),
                                      QFileInfo(QString::fromStdString(mc->tokenizerFile)).fileName()));
        m_modelInfo->setStyleSheet(QString());
        // Size, dtype and memory before anything is loaded; on CPU, whether training fits.
        QStringList memory;
        const auto run = ModelMemory::forInference(dir);
        if (run.known) memory << run.text.toHtmlEscaped();
        QStringList warnings;
        if (!run.problem.isEmpty()) warnings << run.problem;
        if (m_device->currentData().toString() == QLatin1String("cpu")) {
            const auto train = ModelMemory::forCpuTraining(dir, m_full->isChecked());
            if (train.known) memory << train.text.toHtmlEscaped();
            m_memoryProblem = train.problem;
            if (!train.problem.isEmpty()) warnings << train.problem;
        }
        for (const QString& w : warnings)
            memory << QStringLiteral("<span style=\"color: #b02020;\">%1</span>").arg(w.toHtmlEscaped());
        if (!memory.isEmpty()) m_modelInfo->setText(m_modelInfo->text() + QStringLiteral("<br>") + memory.join(QStringLiteral("<br>")));
        // A decoder pools its last token by default; an encoder its [CLS].
        if (!mc->decoder && m_pooling->currentData().toInt() == int(train::Pooling::LastToken))
            m_pooling->setCurrentIndex(m_pooling->findData(int(train::Pooling::Cls)));
    } else {
        showFailure(m_modelInfo, mc.error());
        m_modelInfo->setStyleSheet(QStringLiteral("color: #b02020;"));
    }
    if (!m_updating) Q_EMIT changed();
}

void RunBuilder::setProject(store::Project* project) {
    m_project = project;
    ++m_countGeneration;
    m_countBusy = m_countAgain = false;
    refreshCounts();
}

void RunBuilder::refreshCounts() {
    std::vector<train::SampleCount> counts;
    if (m_project) {
        if (auto c = train::countProjectSamples(*m_project); !c)
            log::warn("training data counts: ", failureLine(c.error()));
        else
            counts = std::move(*c);
    }
    applyCounts(counts);
}

void RunBuilder::refreshCountsInBackground() {
    if (!m_project) return;
    if (m_countBusy) {
        m_countAgain = true;
        return;
    }
    m_countBusy = true;
    const int generation = m_countGeneration;
    m_countPool.start([this, generation, path = m_project->path()] {
        Result<std::vector<train::SampleCount>> counts = Error{"db", ""};
        if (auto reader = store::Project::openReader(path); !reader)
            counts = reader.error();
        else
            counts = train::countProjectSamples(*reader);
        QMetaObject::invokeMethod(this, [this, generation, counts = std::move(counts)] {
            if (generation != m_countGeneration) return;
            m_countBusy = false;
            if (!counts)
                log::warn("training data counts: ", failureLine(counts.error()));
            else
                applyCounts(*counts);
            if (std::exchange(m_countAgain, false)) refreshCountsInBackground();
        }, Qt::QueuedConnection);
    });
}

void RunBuilder::applyCounts(const std::vector<train::SampleCount>& counts) {
    m_sampleCounts.clear();
    for (const auto& c : counts)
        m_sampleCounts.insert({QString::fromStdString(c.family), QString::fromStdString(c.language),
                               QString::fromStdString(c.status)},
                              c.count);
    // Rebuild the family and language lists only when their values changed, keeping what was
    // unchecked (new values come checked); otherwise only the counts in the items change.
    m_updating = true;
    for (auto* list : {m_families, m_languages}) {
        QSet<QString> values;
        for (auto it = m_sampleCounts.cbegin(); it != m_sampleCounts.cend(); ++it)
            values.insert(list == m_families ? std::get<0>(it.key()) : std::get<1>(it.key()));
        QStringList sorted(values.begin(), values.end());
        sorted.sort();
        QStringList shown;
        for (int i = 0; i < list->count(); ++i) shown << list->item(i)->data(Qt::UserRole).toString();
        if (shown == sorted) continue;
        QSet<QString> unchecked;
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->checkState() == Qt::Unchecked) unchecked.insert(list->item(i)->data(Qt::UserRole).toString());
        const int scroll = list->verticalScrollBar()->value();
        list->clear();
        for (const auto& v : sorted) {
            auto* item = new QListWidgetItem(v.isEmpty() ? tr("(none)") : v, list);
            item->setData(Qt::UserRole, v);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            item->setCheckState(unchecked.contains(v) ? Qt::Unchecked : Qt::Checked);
        }
        list->verticalScrollBar()->setValue(scroll);
    }
    m_updating = false;
    updateCounts();
    Q_EMIT countsRefreshed();
}

QStringList RunBuilder::checkedValues(QListWidget* list, bool emptyWhenAll) const {
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked) out << list->item(i)->data(Qt::UserRole).toString();
    if (emptyWhenAll && out.size() == list->count()) return {};
    return out;
}

void RunBuilder::setChecked(QListWidget* list, const std::vector<std::string>& values) {
    for (int i = 0; i < list->count(); ++i) {
        const auto v = list->item(i)->data(Qt::UserRole).toString().toStdString();
        const bool on = values.empty() || std::find(values.begin(), values.end(), v) != values.end();
        list->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
}

void RunBuilder::updateCounts() {
    if (m_fromJsonl->isChecked()) {
        const QString file = m_jsonl->text().trimmed();
        if (file.isEmpty()) {
            m_exampleCount = -1;
            m_count->setText(tr("<i>Choose a JSONL file.</i>"));
        } else {
            if (m_jsonlCount < 0 && m_jsonlError.isEmpty()) {
                train::TrainConfig c;
                c.dataJsonl = file.toStdString();
                if (auto n = train::countTrainingExamples(c); n) m_jsonlCount = *n;
                else m_jsonlError = formatFailure(n.error());
            }
            const auto dev = qint64(train::devExampleCount(std::size_t(std::max<qint64>(0, m_jsonlCount)), m_devFraction->value()));
            m_exampleCount = m_jsonlError.isEmpty() ? m_jsonlCount - dev : -1;
            m_count->setText(m_jsonlError.isEmpty()
                                 ? (dev > 0 ? tr("%n example(s): %1 to train on, %2 held out for the dev metric", nullptr,
                                                 int(m_jsonlCount))
                                                  .arg(m_jsonlCount - dev)
                                                  .arg(dev)
                                            : tr("%n example(s)", nullptr, int(m_jsonlCount)))
                                                    : QStringLiteral("<span style='color:#b02020'>%1</span>")
                                                          .arg(m_jsonlError.toHtmlEscaped()));
        }
        if (!m_updating) Q_EMIT changed();
        return;
    }
    // Project samples: each list shows what each value adds under the other two filters.
    const QStringList fams = checkedValues(m_families, false), langs = checkedValues(m_languages, false),
                      stats = checkedValues(m_statuses, false);
    QMap<QString, qint64> perFamily, perLanguage;
    qint64 total = 0;
    for (auto it = m_sampleCounts.cbegin(); it != m_sampleCounts.cend(); ++it) {
        const auto& [f, l, s] = it.key();
        if (!stats.contains(s)) continue;
        if (langs.contains(l)) perFamily[f] += it.value();
        if (fams.contains(f)) perLanguage[l] += it.value();
        if (langs.contains(l) && fams.contains(f)) total += it.value();
    }
    m_updating = true;
    for (auto* list : {m_families, m_languages}) {
        const auto& counts = list == m_families ? perFamily : perLanguage;
        for (int i = 0; i < list->count(); ++i) {
            const QString v = list->item(i)->data(Qt::UserRole).toString();
            list->item(i)->setText(QStringLiteral("%1 (%2)").arg(v.isEmpty() ? tr("(none)") : v).arg(counts.value(v)));
        }
    }
    m_updating = false;
    // What the trainer trains on: the selection less the dev hold-out (splitDev's own count).
    const auto dev = qint64(train::devExampleCount(std::size_t(total), m_devFraction->value()));
    m_exampleCount = m_project ? total - dev : -1;
    m_count->setText(!m_project ? tr("<i>No project open.</i>")
                     : dev > 0  ? tr("%n sample(s) selected: %1 to train on, %2 held out for the dev metric", nullptr,
                                     int(total))
                                      .arg(total - dev)
                                      .arg(dev)
                                : tr("%n sample(s) selected", nullptr, int(total)));
    if (!m_updating) Q_EMIT changed();
}

train::TrainConfig RunBuilder::config() const {
    train::TrainConfig c;
    c.name = m_name->text().trimmed().toStdString();
    // A repo id from the Hugging Face cache trains from its snapshot folder (as the CLI's does).
    c.modelDir = QDir::cleanPath(ModelReference::resolve(m_model->text()).folderOrText()).toStdString();
    if (m_model->text().trimmed().isEmpty()) c.modelDir.clear();
    if (m_fromJsonl->isChecked()) {
        c.dataJsonl = m_jsonl->text().trimmed().toStdString();
    } else {
        c.filter.families.clear();
        for (const auto& v : checkedValues(m_families, true)) c.filter.families.push_back(v.toStdString());
        for (const auto& v : checkedValues(m_languages, true)) c.filter.languages.push_back(v.toStdString());
        c.filter.statuses.clear();
        for (const auto& v : checkedValues(m_statuses, false)) c.filter.statuses.push_back(v.toStdString());
    }
    // Every field that shows one setting (numbers, switches), by the table's key.
    train::visitRunSettings(c, [&](const train::RunSetting& s, auto& field) {
        using T = std::decay_t<decltype(field)>;
        QWidget* w = m_settingFields.value(QLatin1String(s.key));
        if constexpr (std::is_same_v<T, bool>) {
            if (auto* b = qobject_cast<QCheckBox*>(w)) field = b->isChecked();
        } else if constexpr (std::is_arithmetic_v<T>) {
            if (auto* b = qobject_cast<QSpinBox*>(w)) field = static_cast<T>(b->value());
            else if (auto* b = qobject_cast<QDoubleSpinBox*>(w)) field = static_cast<T>(b->value());
        }
    });
    c.mix = train::BatchMix(m_mix->currentData().toInt());
    c.fullFineTune = m_full->isChecked();
    c.pooling = train::Pooling(m_pooling->currentData().toInt());
    c.steps = m_bySteps->isChecked() ? m_steps->value() : 0;
    c.device = m_device->currentData().toString().toStdString();
    if (m_devFraction->value() <= 0) c.devEvery = 0;
    c.outputDir = m_output->text().trimmed().isEmpty() ? std::string() : QDir::cleanPath(m_output->text().trimmed()).toStdString();
    return c;
}

void RunBuilder::setConfig(const train::TrainConfig& c) {
    m_updating = true;
    m_name->setText(QString::fromStdString(c.name));
    m_model->setText(QString::fromStdString(c.modelDir));
    if (c.dataJsonl.empty()) {
        m_fromProject->setChecked(true);
        setChecked(m_families, c.filter.families);
        setChecked(m_languages, c.filter.languages);
        setChecked(m_statuses, c.filter.statuses);
    } else {
        m_fromJsonl->setChecked(true);
        m_jsonl->setText(QString::fromStdString(c.dataJsonl));
        m_jsonlCount = -1;
        m_jsonlError.clear();
    }
    train::visitRunSettings(c, [&](const train::RunSetting& s, const auto& field) {
        using T = std::decay_t<decltype(field)>;
        QWidget* w = m_settingFields.value(QLatin1String(s.key));
        if constexpr (std::is_same_v<T, bool>) {
            if (auto* b = qobject_cast<QCheckBox*>(w)) b->setChecked(field);
        } else if constexpr (std::is_arithmetic_v<T>) {
            if (auto* b = qobject_cast<QSpinBox*>(w))
                b->setValue(static_cast<int>(std::clamp<double>(static_cast<double>(field), 0, kIntTop)));
            else if (auto* b = qobject_cast<QDoubleSpinBox*>(w))
                b->setValue(static_cast<double>(field));
        }
    });
    m_mix->setCurrentIndex(m_mix->findData(int(c.mix)));
    (c.fullFineTune ? m_full : m_lora)->setChecked(true);
    m_pooling->setCurrentIndex(m_pooling->findData(int(c.pooling)));
    (c.steps > 0 ? m_bySteps : m_byEpochs)->setChecked(true);
    if (c.steps > 0) m_steps->setValue(static_cast<int>(std::min<double>(double(c.steps), kIntTop)));
    setDevice(c.device);
    m_output->setText(QString::fromStdString(c.outputDir));
    m_updating = false;
    updateEnabled();
    checkModel();
    updateCounts();
}

void RunBuilder::setDevice(const std::string& device) {
    // "cuda:1" is the CUDA entry (the form trains on the first device; the CLI picks others).
    const bool cuda = QString::fromStdString(device).startsWith(QLatin1String("cuda"));
    const int i = m_device->findData(cuda ? QStringLiteral("cuda") : QStringLiteral("cpu"));
    m_device->setCurrentIndex(i >= 0 ? i : 0);
}

QStringList RunBuilder::problems() const {
    QStringList p;
    if (m_model->text().trimmed().isEmpty()) p << tr("Choose a base model folder.");
    else if (const auto ref = ModelReference::resolve(m_model->text()); !m_modelOk && ref.kind == ModelReference::Kind::NotDownloaded)
        p << tr("%1 Use Download... to fetch it.").arg(ref.message);
    else if (!m_modelOk) p << tr("The base model folder is not usable: %1").arg(m_modelInfo->text());
    else if (!m_memoryProblem.isEmpty()) p << m_memoryProblem;
    if (m_fromJsonl->isChecked()) {
        if (m_jsonl->text().trimmed().isEmpty()) p << tr("Choose a JSONL file.");
        else if (!m_jsonlError.isEmpty()) p << m_jsonlError;
    } else if (!m_project) {
        p << tr("Open a project or choose a JSONL file.");
    } else if (m_exampleCount <= 0) {
        p << tr("No samples match the data filters.");
    }
    if (m_exampleCount > 0 && m_exampleCount < m_batch->value())
        p << tr("The batch (%1) is larger than the data (%2 examples).").arg(m_batch->value()).arg(m_exampleCount);
    if (m_output->text().trimmed().isEmpty()) p << tr("Choose an output folder.");
    if (m_device->currentData().toString() == QLatin1String("cuda") && cudaDeviceCount() <= 0)
        p << tr("CUDA is not available on this machine.");
    return p;
}

train::TrainConfig RunBuilder::configFromJson(const QString& json, train::TrainConfig c) {
    // core's reader of training_runs.config: missing keys (older runs) keep `c`'s values.
    auto r = train::runSettingsFromJson(json.toStdString(), c);
    if (!r) {
        log::warn("run settings not readable: ", failureLine(r.error()));
        return c;
    }
    return *r;
}

} // namespace synthembed::ui
