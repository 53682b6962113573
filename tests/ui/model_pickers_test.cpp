// The GUI's model pickers (Training, Evaluation, Explorer): the size, checkpoint dtype and memory a
// model folder needs, read from its safetensors headers before anything is loaded (and the one-line
// "does not fit" message when the machine is pretended small), and the Download... dialog against a
// real loopback server speaking the Hugging Face Hub's API (tests/support/fake_hub_server.py):
// progress to 100% and the snapshot folder in the picker, Cancel mid-file (the partial blob stays
// for a resume), a gated repo without HF_TOKEN explained in plain words.

#include "area_test_support.h"

#include "ui/areas/evaluation_area.h"
#include "ui/areas/explorer_area.h"
#include "ui/models/download_dialog.h"
#include "ui/models/model_memory.h"
#include "ui/train/run_builder.h"

#include "support/fake_hub_server.h"

#include "core/model/safetensors.h"

#include <QComboBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QToolButton>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

using namespace synthembed;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kGiB = 1ull << 30;
constexpr std::int64_t kRows = 1000, kCols = 1000; // one bfloat16 matrix: 1.00 M parameters, 2 MB

/// A llama-shaped model folder: config.json, tokenizer.json and a bfloat16 model.safetensors whose
/// bytes vary (so its sha256 is its own).
void writeModel(const fs::path& dir, int seed) {
    fs::create_directories(dir);
    std::vector<std::uint16_t> bf16(std::size_t(kRows * kCols));
    for (std::size_t i = 0; i < bf16.size(); ++i) bf16[i] = std::uint16_t(0x3c00 + (i * 7919 + std::size_t(seed)) % 512);
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(bf16.data()), bf16.size() * 2);
    QVERIFY(model::writeSafetensors(dir / "model.safetensors",
                                    {model::TensorData{"model.embed_tokens.weight", model::DType::BF16, {kRows, kCols}, bytes}})
                .ok());
    QVERIFY(uitest::writeText(QString::fromStdString((dir / "config.json").string()),
                              R"({"model_type": "llama", "hidden_size": 1000, "num_hidden_layers": 0})"));
    QVERIFY(uitest::writeText(QString::fromStdString((dir / "tokenizer.json").string()),
                              R"({"version": "1.0", "model": {"type": "BPE", "vocab": {}, "merges": []}})"));
}

template <class T>
T* child(QObject* w, const char* name) {
    auto* c = w->findChild<T*>(QString::fromLatin1(name));
    if (!c) qFatal("no child %s", name);
    return c;
}

/// The DownloadDialog a picker's Download... button opened (window-modal, not exec'd).
ui::DownloadDialog* openedDialog(QWidget* picker) {
    ui::DownloadDialog* d = nullptr;
    for (int i = 0; i < 100 && !d; ++i) {
        d = picker->findChild<ui::DownloadDialog*>();
        if (!d) QTest::qWait(10);
    }
    return d;
}

} // namespace

class ModelPickersTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    fs::path m_root;
    std::unique_ptr<test::FakeHubServer> m_server;
    const std::string m_commit = "89abcdef0123456789abcdef0123456789abcdef";

    nlohmann::json hubConfig(nlohmann::json faults = nlohmann::json::array()) const {
        nlohmann::json repos = {{"synth-org/small", {{"commit", m_commit}, {"refs", {"main"}}}},
                                {"synth-org/slow", {{"refs", {"main"}}}},
                                {"synth-org/gated", {{"refs", {"main"}}, {"gated_token", "let-me-in"}}}};
        return {{"repos", repos}, {"faults", faults}};
    }
    QString cacheDir() const { return m_data.filePath(QStringLiteral("hf-cache")); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(uitest::initEnvironment(m_data));
        m_root = fs::path(m_data.path().toStdString());
        writeModel(m_root / "models" / "local-bf16", 1);
        int seed = 2;
        for (const char* repo : {"synth-org/small", "synth-org/slow", "synth-org/gated"}) writeModel(m_root / "server" / repo, seed++);
        m_server = std::make_unique<test::FakeHubServer>(m_root / "server", hubConfig());
        qputenv("HF_ENDPOINT", QByteArray::fromStdString(m_server->endpoint()));
        qputenv("HF_HUB_CACHE", cacheDir().toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_HUB_OFFLINE");
        qputenv("HF_TOKEN_PATH", m_data.filePath(QStringLiteral("no-token")).toUtf8());
    }
    void cleanup() { ui::ModelMemory::overrideMachineBytes(0); }

    void trainingPickerShowsSizeDtypeAndMemory() {
        const QString dir = QString::fromStdString((m_root / "models" / "local-bf16").string());
        ui::RunBuilder builder;
        builder.resize(760, 900);
        builder.show();
        auto* edit = child<QLineEdit>(&builder, "modelEdit");
        auto* info = child<QLabel>(&builder, "modelInfo");
        edit->setText(dir);
        Q_EMIT edit->editingFinished();
        // This machine has gigabytes: float32 fits, and LoRA on the CPU too.
        QVERIFY2(info->text().contains(QStringLiteral("1.00 M parameters, bfloat16 checkpoint")), qPrintable(info->text()));
        QVERIFY2(info->text().contains(QStringLiteral("as float32 on CPU")), qPrintable(info->text()));
        QVERIFY2(info->text().contains(QStringLiteral("LoRA training on CPU needs about 4.0 MB")), qPrintable(info->text()));
        QVERIFY2(builder.problems().filter(QStringLiteral("training on the CPU")).isEmpty(), qPrintable(builder.problems().join('\n')));

        // A machine where float32 (4 MB + 1 GiB) does not fit but bfloat16 (2 MB + 1 GiB) does:
        // auto runs bfloat16; LoRA training (4 MB of float32 base weights + 1 GiB) does not fit.
        ui::ModelMemory::overrideMachineBytes(kGiB + 3'000'000);
        Q_EMIT edit->editingFinished();
        QVERIFY2(info->text().contains(QStringLiteral("as bfloat16 on CPU")), qPrintable(info->text()));
        QVERIFY2(info->text().contains(QStringLiteral("training on the CPU needs about")), qPrintable(info->text()));
        QVERIFY2(!builder.problems().filter(QStringLiteral("a model this size trains on a GPU")).isEmpty(),
                 qPrintable(builder.problems().join('\n')));
        // Full fine-tuning needs 16 bytes a parameter.
        child<QRadioButton>(&builder, "methodFull")->setChecked(true);
        QVERIFY2(info->text().contains(QStringLiteral("Full fine-tuning on CPU needs about 16.0 MB")), qPrintable(info->text()));
        QVERIFY(uitest::screenshot(&builder, QStringLiteral("training_model_info.png")));

        // Nothing fits: the one line says so.
        ui::ModelMemory::overrideMachineBytes(kGiB + 1'000'000);
        Q_EMIT edit->editingFinished();
        QVERIFY2(info->text().contains(QStringLiteral("does not fit this machine")), qPrintable(info->text()));
        QVERIFY2(info->text().contains(QStringLiteral("no dtype fits here")), qPrintable(info->text()));
    }

    void evaluationAndExplorerPickersShowMemory() {
        const QString dir = QString::fromStdString((m_root / "models" / "local-bf16").string());
        ui::EvaluationArea eval;
        eval.resize(1100, 800);
        eval.show();
        eval.addModel(dir);
        auto* evalInfo = child<QLabel>(&eval, "evalModelInfo");
        QVERIFY2(evalInfo->text().contains(QStringLiteral("1.00 M parameters, bfloat16 checkpoint; needs about")),
                 qPrintable(evalInfo->text()));
        QVERIFY(evalInfo->isVisible());
        QVERIFY(uitest::screenshot(&eval, QStringLiteral("evaluation_model_info.png")));
        eval.addModel(QStringLiteral("hash:256"));
        QVERIFY(!evalInfo->isVisible()); // no weights, nothing to say

        ui::ModelMemory::overrideMachineBytes(kGiB + 1'000'000);
        ui::ExplorerArea explorer;
        explorer.resize(1100, 800);
        explorer.show();
        explorer.setModel(dir);
        auto* exInfo = child<QLabel>(&explorer, "explorerModelInfo");
        QVERIFY2(exInfo->text().contains(QStringLiteral("does not fit")) && exInfo->text().contains(QStringLiteral("bfloat16 would need")),
                 qPrintable(exInfo->text()));
        QVERIFY(exInfo->isVisible());
        QVERIFY(uitest::screenshot(&explorer, QStringLiteral("explorer_model_info.png")));
    }

    void downloadFillsThePicker() {
        m_server->setConfig(hubConfig());
        ui::RunBuilder builder;
        builder.show();
        child<QPushButton>(&builder, "modelDownload")->click();
        auto* dialog = openedDialog(&builder);
        QVERIFY(dialog);
        auto* bar = child<QProgressBar>(dialog, "downloadProgress");
        int highest = 0;
        connect(bar, &QProgressBar::valueChanged, bar, [&highest](int v) { highest = std::max(highest, v); });
        QSignalSpy done(dialog, &ui::DownloadDialog::downloaded);
        child<QLineEdit>(dialog, "downloadRepo")->setText(QStringLiteral("synth-org/small"));
        child<QPushButton>(dialog, "downloadStart")->click();
        QVERIFY(done.wait(20000));
        QCOMPARE(highest, 1000);
        const QString snapshot = done.first().first().toString();
        QCOMPARE(QFileInfo(snapshot).fileName(), QString::fromStdString(m_commit));
        QVERIFY(snapshot.startsWith(cacheDir() + QStringLiteral("/models--synth-org--small/snapshots/")));
        QVERIFY(QFileInfo::exists(snapshot + QStringLiteral("/model.safetensors")));
        QCOMPARE(child<QLineEdit>(&builder, "modelEdit")->text(), snapshot);
        QVERIFY2(child<QLabel>(&builder, "modelInfo")->text().contains(QStringLiteral("1.00 M parameters")),
                 qPrintable(child<QLabel>(&builder, "modelInfo")->text()));
        // The dialog closed itself (deleted on close).
        QTRY_VERIFY(!builder.findChild<ui::DownloadDialog*>());

        // Evaluation's and Explorer's Download... put the snapshot into their pickers too (a second
        // pull of the same repo finds it in the cache).
        ui::EvaluationArea eval;
        eval.show();
        child<QPushButton>(&eval, "evalDownloadModel")->click();
        auto* d2 = openedDialog(&eval);
        QVERIFY(d2);
        QSignalSpy done2(d2, &ui::DownloadDialog::downloaded);
        d2->start(QStringLiteral("synth-org/small"));
        QVERIFY(done2.wait(20000));
        auto* models = child<QListWidget>(&eval, "evalModels");
        QVERIFY(models->currentItem());
        QCOMPARE(models->currentItem()->data(Qt::UserRole + 1).toString(), snapshot);

        ui::ExplorerArea explorer;
        explorer.show();
        child<QToolButton>(&explorer, "explorerDownloadModel")->click();
        auto* d3 = openedDialog(&explorer);
        QVERIFY(d3);
        QSignalSpy done3(d3, &ui::DownloadDialog::downloaded);
        d3->start(QStringLiteral("synth-org/small"));
        QVERIFY(done3.wait(20000));
        QCOMPARE(child<QComboBox>(&explorer, "explorerModel")->currentText(), snapshot);
    }

    void cancelStopsAndKeepsThePart() {
        // 2 MB in 8 KB pieces 20 ms apart: about 5 s, long enough to cancel in the middle.
        m_server->setConfig(hubConfig({{{"file", "model.safetensors"}, {"mode", "slow"}, {"chunk", 8192}, {"delay", 0.02}}}));
        ui::RunBuilder builder;
        builder.show();
        child<QPushButton>(&builder, "modelDownload")->click();
        auto* dialog = openedDialog(&builder);
        QVERIFY(dialog);
        dialog->resize(dialog->sizeHint());
        auto* bar = child<QProgressBar>(dialog, "downloadProgress");
        QSignalSpy failed(dialog, &ui::DownloadDialog::failed);
        dialog->start(QStringLiteral("synth-org/slow"));
        QVERIFY(dialog->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(bar->value() > 100 && dialog->statusText().contains(QStringLiteral("model.safetensors")), 15000);
        QVERIFY2(dialog->statusText().contains(QStringLiteral(" of ")), qPrintable(dialog->statusText()));
        QVERIFY(uitest::screenshot(dialog, QStringLiteral("download_dialog_progress.png")));
        const int at = bar->value();
        QVERIFY2(at < 900, "the download finished before it could be cancelled");
        child<QPushButton>(dialog, "downloadCancel")->click();
        QVERIFY(failed.wait(5000));
        QVERIFY(!dialog->isRunning());
        QVERIFY2(dialog->statusText().contains(QStringLiteral("Cancelled")), qPrintable(dialog->statusText()));
        QVERIFY(dialog->snapshotPath().isEmpty());
        QVERIFY(child<QLineEdit>(&builder, "modelEdit")->text().isEmpty());
        // The partial blob stays for the next download to resume.
        bool partial = false;
        for (QDirIterator it(cacheDir() + QStringLiteral("/models--synth-org--slow/blobs"), QDir::Files); it.hasNext();)
            if (it.next().endsWith(QStringLiteral(".incomplete"))) partial = true;
        QVERIFY(partial);
        QVERIFY(uitest::screenshot(dialog, QStringLiteral("download_dialog_cancelled.png")));
        dialog->close();
    }

    void gatedRepoAsksForAToken() {
        m_server->setConfig(hubConfig());
        ui::DownloadDialog dialog;
        dialog.show();
        QSignalSpy failed(&dialog, &ui::DownloadDialog::failed);
        dialog.start(QStringLiteral("synth-org/gated"));
        QVERIFY(failed.wait(10000));
        QVERIFY2(dialog.statusText().contains(QStringLiteral("set HF_TOKEN")), qPrintable(dialog.statusText()));
        QVERIFY2(dialog.statusText().contains(QStringLiteral("synth-org/gated is gated or private")), qPrintable(dialog.statusText()));
        QVERIFY(uitest::screenshot(&dialog, QStringLiteral("download_dialog_gated.png")));

        // Not a repo id: said at once, nothing started.
        dialog.start(QStringLiteral("not a repo"));
        QVERIFY(!dialog.isRunning());
        QVERIFY2(dialog.statusText().contains(QStringLiteral("is not a repo id")), qPrintable(dialog.statusText()));
    }

    void offlineSaysSoAndUsesTheCache() {
        qputenv("HF_HUB_OFFLINE", "1");
        ui::DownloadDialog dialog;
        QSignalSpy failed(&dialog, &ui::DownloadDialog::failed);
        QSignalSpy done(&dialog, &ui::DownloadDialog::downloaded);
        dialog.start(QStringLiteral("synth-org/never-downloaded"));
        QVERIFY(failed.wait(10000));
        QVERIFY2(dialog.statusText().contains(QStringLiteral("HF_HUB_OFFLINE")), qPrintable(dialog.statusText()));
        // A repo in the cache (downloadFillsThePicker) resolves offline, without the server.
        m_server->reset();
        dialog.start(QStringLiteral("synth-org/small"));
        QVERIFY(done.wait(10000));
        QVERIFY(dialog.snapshotPath().endsWith(QString::fromStdString(m_commit)));
        QCOMPARE(m_server->requests().size(), std::size_t(0));
        qunsetenv("HF_HUB_OFFLINE");
    }

    void cleanupTestCase() { m_server.reset(); }
};

QTEST_MAIN(ModelPickersTest)
#include "model_pickers_test.moc"
