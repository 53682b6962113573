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
#include "ui/models/model_reference.h"
#include "ui/eval/eval_job.h"
#include "ui/train/run_builder.h"
#include "ui/train/training_job.h"

#include "support/fake_hub_server.h"

#include "core/eval/suite.h"
#include "core/model/safetensors.h"
#include "core/store/project.h"

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
#include <fstream>
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


/// A model as huggingface_hub leaves it in HF_HOME/hub: blobs/<name> holding the bytes,
/// snapshots/<commit>/<file> relative symlinks into ../../blobs, refs/main naming the commit.
/// `source` is a model folder whose files are laid out so. Returns the snapshot folder.
fs::path layOutInCache(const fs::path& hubCache, const std::string& org, const std::string& name, const std::string& commit,
                       const fs::path& source) {
    const fs::path repoDir = hubCache / ("models--" + org + "--" + name);
    const fs::path snapshot = repoDir / "snapshots" / commit;
    fs::create_directories(repoDir / "blobs");
    fs::create_directories(snapshot);
    fs::create_directories(repoDir / "refs");
    int n = 0;
    for (const auto& e : fs::directory_iterator(source)) {
        if (!e.is_regular_file()) continue;
        const std::string blob = "blob" + std::to_string(n++) + "0123456789abcdef";
        fs::copy_file(e.path(), repoDir / "blobs" / blob);
        fs::create_symlink("../../blobs/" + blob, snapshot / e.path().filename());
    }
    std::ofstream(repoDir / "refs" / "main") << commit;
    return snapshot;
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
    const std::string m_offeredCommit = "fedcba9876543210fedcba9876543210fedcba98";

    nlohmann::json hubConfig(nlohmann::json faults = nlohmann::json::array()) const {
        nlohmann::json repos = {{"synth-org/small", {{"commit", m_commit}, {"refs", {"main"}}}},
                                {"synth-org/slow", {{"refs", {"main"}}}},
                                {"synth-org/offered", {{"commit", m_offeredCommit}, {"refs", {"main"}}}},
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
        for (const char* repo : {"synth-org/small", "synth-org/slow", "synth-org/gated", "synth-org/offered"}) writeModel(m_root / "server" / repo, seed++);
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


    // A repo id typed into any picker that the Hugging Face cache holds (HF_HOME/hub, laid out as
    // huggingface_hub does) resolves to its snapshot folder and shows size, dtype and memory like a
    // folder; Training trains from the snapshot. No request reaches the hub.
    void repoIdInTheCacheResolvesInEveryPicker() {
        const QByteArray oldCache = qgetenv("HF_HUB_CACHE");
        qunsetenv("HF_HUB_CACHE");
        const fs::path home = m_root / "hf-home";
        qputenv("HF_HOME", QByteArray::fromStdString(home.string()));
        const std::string commit = "0123abcd0123abcd0123abcd0123abcd0123abcd";
        const fs::path snapshot = layOutInCache(home / "hub", "cache-org", "local-model", commit, m_root / "models" / "local-bf16");
        const QString snap = QString::fromStdString(snapshot.string());
        m_server->reset();

        for (const QString& id : {QStringLiteral("cache-org/local-model"), QStringLiteral("cache-org/local-model@main"),
                                  QString::fromStdString("cache-org/local-model@" + commit)}) {
            const auto ref = ui::ModelReference::resolve(id);
            QCOMPARE(int(ref.kind), int(ui::ModelReference::Kind::CachedRepo));
            QCOMPARE(ref.folder, snap);
        }

        ui::RunBuilder builder;
        builder.resize(760, 900);
        builder.show();
        auto* edit = child<QLineEdit>(&builder, "modelEdit");
        auto* info = child<QLabel>(&builder, "modelInfo");
        edit->setText(QStringLiteral("cache-org/local-model"));
        Q_EMIT edit->editingFinished();
        QVERIFY2(info->text().contains(QStringLiteral("cache-org/local-model from the Hugging Face cache (revision 0123abcd)")),
                 qPrintable(info->text()));
        QVERIFY2(info->text().contains(QStringLiteral("1.00 M parameters, bfloat16 checkpoint; needs about")), qPrintable(info->text()));
        QVERIFY2(builder.problems().filter(QStringLiteral("model")).isEmpty(), qPrintable(builder.problems().join('\n')));
        QCOMPARE(QString::fromStdString(builder.config().modelDir), snap);
        QCOMPARE(edit->text(), QStringLiteral("cache-org/local-model")); // the field keeps what was typed
        QVERIFY(uitest::screenshot(&builder, QStringLiteral("training_repo_id_cached.png")));

        ui::EvaluationArea eval;
        eval.resize(1100, 800);
        eval.show();
        auto* refEdit = child<QLineEdit>(&eval, "evalModelRef");
        refEdit->setText(QStringLiteral("cache-org/local-model"));
        QTest::keyClick(refEdit, Qt::Key_Return);
        QVERIFY(refEdit->text().isEmpty());
        auto* models = child<QListWidget>(&eval, "evalModels");
        QVERIFY(models->currentItem());
        QCOMPARE(models->currentItem()->text(), QStringLiteral("cache-org/local-model"));
        QCOMPARE(models->currentItem()->data(Qt::UserRole + 1).toString(), QStringLiteral("cache-org/local-model"));
        auto* evalInfo = child<QLabel>(&eval, "evalModelInfo");
        QVERIFY(evalInfo->isVisible());
        QVERIFY2(evalInfo->text().contains(QStringLiteral("from the Hugging Face cache")) &&
                     evalInfo->text().contains(QStringLiteral("1.00 M parameters")),
                 qPrintable(evalInfo->text()));
        QVERIFY(uitest::screenshot(&eval, QStringLiteral("evaluation_repo_id_cached.png")));

        ui::ExplorerArea explorer;
        explorer.resize(1100, 800);
        explorer.show();
        explorer.setModel(QStringLiteral("cache-org/local-model"));
        auto* exInfo = child<QLabel>(&explorer, "explorerModelInfo");
        QVERIFY(exInfo->isVisible());
        QVERIFY2(exInfo->text().contains(QStringLiteral("1.00 M parameters")), qPrintable(exInfo->text()));
        QVERIFY(uitest::screenshot(&explorer, QStringLiteral("explorer_repo_id_cached.png")));

        QCOMPARE(m_server->requests().size(), std::size_t(0));
        qunsetenv("HF_HOME");
        qputenv("HF_HUB_CACHE", oldCache);
    }

    // A repo id that is not in the cache: every picker says so at once (no request, no failure
    // later), with a Download... link that opens the dialog prefilled; after the download the picker
    // shows the model, and Training starts from the snapshot.
    void repoIdNotInTheCacheOffersTheDownload() {
        m_server->setConfig(hubConfig());
        m_server->reset();
        const QString id = QStringLiteral("synth-org/offered");
        const QString href = QStringLiteral("download:synth-org/offered");

        ui::ExplorerArea explorer;
        explorer.resize(1100, 800);
        explorer.show();
        explorer.setModel(id);
        auto* exInfo = child<QLabel>(&explorer, "explorerModelInfo");
        QVERIFY(exInfo->isVisible());
        QVERIFY2(exInfo->text().contains(QStringLiteral("synth-org/offered is not downloaded")) && exInfo->text().contains(href),
                 qPrintable(exInfo->text()));
        QVERIFY(uitest::screenshot(&explorer, QStringLiteral("explorer_repo_id_not_downloaded.png")));
        Q_EMIT exInfo->linkActivated(href);
        auto* d1 = openedDialog(&explorer);
        QVERIFY(d1);
        QCOMPARE(d1->repoText(), id);
        QVERIFY(!d1->isRunning()); // prefilled, not started: the user presses Download
        d1->close();
        QTRY_VERIFY(!explorer.findChild<ui::DownloadDialog*>());
        child<QToolButton>(&explorer, "explorerDownloadModel")->click(); // the button prefills too
        auto* d1b = openedDialog(&explorer);
        QVERIFY(d1b);
        QCOMPARE(d1b->repoText(), id);
        d1b->close();

        ui::EvaluationArea eval;
        eval.resize(1100, 800);
        eval.show();
        eval.addModel(id);
        auto* evalInfo = child<QLabel>(&eval, "evalModelInfo");
        QVERIFY(evalInfo->isVisible());
        QVERIFY2(evalInfo->text().contains(QStringLiteral("is not downloaded")) && evalInfo->text().contains(href),
                 qPrintable(evalInfo->text()));
        QVERIFY(!child<QListWidget>(&eval, "evalModels")->currentItem()->icon().isNull()); // warning icon
        QVERIFY(uitest::screenshot(&eval, QStringLiteral("evaluation_repo_id_not_downloaded.png")));

        ui::RunBuilder builder;
        builder.resize(760, 900);
        builder.show();
        auto* edit = child<QLineEdit>(&builder, "modelEdit");
        auto* info = child<QLabel>(&builder, "modelInfo");
        edit->setText(id);
        Q_EMIT edit->editingFinished();
        QVERIFY2(info->text().contains(QStringLiteral("is not downloaded")) && info->text().contains(href), qPrintable(info->text()));
        QVERIFY2(!builder.problems().filter(QStringLiteral("Use Download... to fetch it")).isEmpty(),
                 qPrintable(builder.problems().join('\n')));
        QVERIFY(uitest::screenshot(&builder, QStringLiteral("training_repo_id_not_downloaded.png")));
        QCOMPARE(m_server->requests().size(), std::size_t(0)); // nothing asked of the hub yet

        // The Download... button opens prefilled with the field's repo id too.
        child<QPushButton>(&builder, "modelDownload")->click();
        auto* d2 = openedDialog(&builder);
        QVERIFY(d2);
        QCOMPARE(d2->repoText(), id);
        d2->close();
        QTRY_VERIFY(!builder.findChild<ui::DownloadDialog*>());

        // The link's dialog downloads it; the field keeps the repo id, which now resolves.
        Q_EMIT info->linkActivated(href);
        auto* d3 = openedDialog(&builder);
        QVERIFY(d3);
        QCOMPARE(d3->repoText(), id);
        QSignalSpy done(d3, &ui::DownloadDialog::downloaded);
        child<QPushButton>(d3, "downloadStart")->click();
        QVERIFY(done.wait(20000));
        QCOMPARE(edit->text(), id);
        QVERIFY2(info->text().contains(QStringLiteral("synth-org/offered from the Hugging Face cache (revision fedcba98)")),
                 qPrintable(info->text()));
        QVERIFY2(builder.problems().filter(QStringLiteral("Download")).isEmpty(), qPrintable(builder.problems().join('\n')));
        QCOMPARE(QString::fromStdString(builder.config().modelDir),
                 cacheDir() + QStringLiteral("/models--synth-org--offered/snapshots/") + QString::fromStdString(m_offeredCommit));

        // The other pickers show it once asked again (their text changed or the link's download ended).
        explorer.setModel(QString());
        explorer.setModel(id);
        QVERIFY2(exInfo->text().contains(QStringLiteral("1.00 M parameters")), qPrintable(exInfo->text()));
    }

    // Evaluation of a repo id from the cache: the job loads the snapshot, reports the load as
    // "Loading model ORG/NAME (size)... N%" with growing bytes, and stores a result under the repo id.
    void evalJobLoadsACachedRepoWithProgress() {
        const QString shared = qEnvironmentVariable("SYNTHEMBED_SHARED");
        const fs::path model = shared.toStdString() + "/oracles/models/stories260K";
        const QString data = shared + QStringLiteral("/data/stsbenchmark");
        if (shared.isEmpty() || !fs::exists(model / "config.json") || !QFileInfo::exists(data))
            QSKIP("shared test material not found: oracles/models/stories260K and data/stsbenchmark "
                  "(set SYNTHEMBED_SHARED to the shared/ folder)");
        const fs::path folder = m_root / "stories-files";
        fs::create_directories(folder);
        for (const char* f : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"})
            if (fs::exists(model / f)) fs::copy_file(model / f, folder / f, fs::copy_options::overwrite_existing);
        layOutInCache(cacheDir().toStdString(), "shared-org", "stories260K", "5555aaaa5555aaaa5555aaaa5555aaaa5555aaaa", folder);

        auto project = store::Project::create(m_data.filePath(QStringLiteral("eval.synthembed")).toStdString());
        QVERIFY(project);
        auto dataset = eval::detectDataset(data.toStdString());
        QVERIFY(dataset);
        ui::EvalJobParams p;
        p.models << QStringLiteral("shared-org/stories260K");
        p.datasets.push_back(*dataset);
        p.quickItems = 20;
        p.projectPath = m_data.filePath(QStringLiteral("eval.synthembed")).toStdString();
        ui::EvalJob job(p);
        QSignalSpy loading(&job, &ui::EvalJob::loadingModel);
        QSignalSpy stored(&job, &ui::EvalJob::resultStored);
        QSignalSpy failed(&job, &ui::EvalJob::taskFailed);
        job.run(); // on this thread: the signals arrive directly
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(stored.size(), 1);
        QVERIFY(loading.size() >= 2);
        const qint64 total = loading.last().at(2).toLongLong();
        QVERIFY(total > 0);
        QCOMPARE(loading.first().at(1).toLongLong(), 0);
        QCOMPARE(loading.last().at(1).toLongLong(), total);
        const QString last = loading.last().at(0).toString();
        QVERIFY2(last.startsWith(QStringLiteral("Loading model shared-org/stories260K (")) && last.endsWith(QStringLiteral("(100%)")),
                 qPrintable(last));
        QVERIFY2(stored.first().at(1).toString().startsWith(QStringLiteral("shared-org/stories260K on ")),
                 qPrintable(stored.first().at(1).toString()));
    }

    // Training from a repo id in the cache: the builder trains from the snapshot folder, and the job
    // reports the base model's load as its stage "Loading model ORG/NAME (size)... N%" before the
    // first step, up to all of its bytes.
    void trainingLoadsACachedRepoWithProgress() {
        const QString shared = qEnvironmentVariable("SYNTHEMBED_SHARED");
        const fs::path model = shared.toStdString() + "/oracles/models/stories260K";
        if (shared.isEmpty() || !fs::exists(model / "config.json"))
            QSKIP("shared test material not found: oracles/models/stories260K (set SYNTHEMBED_SHARED to the shared/ folder)");
        const fs::path folder = m_root / "stories-train-files";
        fs::create_directories(folder);
        for (const char* f : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"})
            if (fs::exists(model / f)) fs::copy_file(model / f, folder / f, fs::copy_options::overwrite_existing);
        const fs::path snapshot =
            layOutInCache(cacheDir().toStdString(), "train-org", "stories260K", "7777bbbb7777bbbb7777bbbb7777bbbb7777bbbb", folder);
        QString jsonl;
        for (int i = 0; i < 8; ++i) jsonl += QStringLiteral("{\"query\": \"question %1\", \"positive\": \"answer %1 here\"}\n").arg(i);
        QVERIFY(uitest::writeText(m_data.filePath(QStringLiteral("train.jsonl")), jsonl.toUtf8()));

        ui::RunBuilder builder;
        child<QLineEdit>(&builder, "modelEdit")->setText(QStringLiteral("train-org/stories260K"));
        Q_EMIT child<QLineEdit>(&builder, "modelEdit")->editingFinished();
        child<QRadioButton>(&builder, "sourceJsonl")->setChecked(true);
        child<QLineEdit>(&builder, "jsonlEdit")->setText(m_data.filePath(QStringLiteral("train.jsonl")));
        train::TrainConfig c = builder.config();
        QCOMPARE(c.modelDir, snapshot.string());
        c.dataJsonl = m_data.filePath(QStringLiteral("train.jsonl")).toStdString();
        c.outputDir = m_data.filePath(QStringLiteral("train-out")).toStdString();
        c.steps = 2;
        c.batchSize = 2;
        c.maxLength = 16;
        c.warmupSteps = 0;
        c.device = "cpu";
        ui::TrainingJob job(c);
        QSignalSpy progress(&job, &ui::TrainingJob::progress);
        QSignalSpy finished(&job, &ui::TrainingJob::finished);
        QSignalSpy failed(&job, &ui::TrainingJob::failed);
        job.run(); // on this thread: the signals arrive directly
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(finished.size(), 1);
        QList<QList<QVariant>> loads;
        for (const auto& args : progress)
            if (args.at(2).toString().startsWith(QStringLiteral("Loading model train-org/stories260K ("))) loads << args;
        QVERIFY2(loads.size() >= 2, qPrintable(QString::number(loads.size())));
        QCOMPARE(loads.first().at(0).toLongLong(), 0);
        QVERIFY(loads.last().at(1).toLongLong() > 0);
        QCOMPARE(loads.last().at(0).toLongLong(), loads.last().at(1).toLongLong());
        QVERIFY2(loads.last().at(2).toString().endsWith(QStringLiteral("(100%)")), qPrintable(loads.last().at(2).toString()));
    }

    void cleanupTestCase() { m_server.reset(); }
};

QTEST_MAIN(ModelPickersTest)
#include "model_pickers_test.moc"
