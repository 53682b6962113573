// The GUI shows a core failure as the CLI does, "message [code]", with the vocabulary's meaning
// and remedy as tooltip or detail (ui/errors.h), so the code can be looked up in docs/guide.md:
// the helpers themselves, then real failures in the GUI: a base model folder that does not exist
// (Training's run form), an evaluation dataset folder that does not exist (Evaluation), a project
// file that is not a database (message box and log dock of the main window), a template that does
// not render (Templates' preview). And a scan of ui/: no failure shown or logged without the helpers.

#include "area_test_support.h"

#include "ui/areas/evaluation_area.h"
#include "ui/errors.h"
#include "ui/logdock.h"
#include "ui/mainwindow.h"
#include "ui/templates/preview_panel.h"
#include "ui/train/run_builder.h"

#include "core/prompts/template.h"
#include "core/store/project.h"
#include "core/util/error_codes.h"
#include "support/test_support.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTimer>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

using namespace synthembed;

namespace {

// The code in a shown text's trailing "[code]" (empty when there is none).
QString trailingCode(const QString& text) {
    static const QRegularExpression re(QStringLiteral("\\[([a-z_]+)\\]\\s*$"));
    const auto m = re.match(text);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString remedyOf(const QString& code) {
    const auto* info = errors::find(code.toStdString());
    return info ? QString::fromUtf8(info->remedy.data(), static_cast<qsizetype>(info->remedy.size())) : QString();
}

} // namespace

class ErrorCodesShownTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(uitest::initEnvironment(m_dataDir)); }

    void helpersFormatAsTheCli() {
        QCOMPARE(ui::formatFailure(Error{"io", "cannot write /x/y"}), QStringLiteral("cannot write /x/y [io]"));
        QCOMPARE(ui::formatFailure(Error{"", "no code"}), QStringLiteral("no code"));
        QCOMPARE(ui::formatFailure(Failure("parse", "bad.jsonl:3: not JSON")), QStringLiteral("bad.jsonl:3: not JSON [parse]"));
        const Failure thrown("model", "config.json: missing");
        QCOMPARE(ui::formatFailure(static_cast<const std::exception&>(thrown)), QStringLiteral("config.json: missing [model]"));
        QCOMPARE(ui::formatFailure(std::runtime_error("plain")), QStringLiteral("plain"));
        QCOMPARE(ui::failureLine(Error{"io", "m"}), std::string("m [io]"));
        QCOMPARE(ui::formatFailure(QStringLiteral("worded here"), QStringLiteral("network")), QStringLiteral("worded here [network]"));
        // The detail is the vocabulary's entry; nothing for a code it does not list.
        const QString detail = ui::failureDetail(std::string("io"));
        QVERIFY(detail.contains(remedyOf(QStringLiteral("io"))));
        QVERIFY(detail.contains(QStringLiteral("docs/guide.md")));
        QVERIFY(ui::failureDetail(std::string("no_such_code_here")).isEmpty());
        QVERIFY(ui::failureDetail(std::string()).isEmpty());
        // A rich-text label gets the text escaped, the detail as its tooltip.
        QLabel label;
        label.setTextFormat(Qt::RichText);
        ui::showFailure(&label, Error{"io", "a <b> c"}, QStringLiteral("Failed: %1"));
        QCOMPARE(label.text(), QStringLiteral("Failed: a &lt;b&gt; c [io]"));
        QCOMPARE(label.toolTip(), detail);
    }

    void trainingModelFolderThatDoesNotExist() {
        QTemporaryDir dir;
        ui::RunBuilder builder;
        auto* edit = builder.findChild<QLineEdit*>(QStringLiteral("modelEdit"));
        auto* info = builder.findChild<QLabel*>(QStringLiteral("modelInfo"));
        QVERIFY(edit && info);
        edit->setText(dir.filePath(QStringLiteral("nope")));
        Q_EMIT edit->editingFinished();
        QTRY_VERIFY(info->text().contains(QStringLiteral("not a folder")));
        const QString code = trailingCode(info->text());
        QVERIFY2(!code.isEmpty(), qPrintable(info->text()));
        QVERIFY2(errors::find(code.toStdString()), qPrintable(code));
        QVERIFY(info->toolTip().contains(remedyOf(code)));
        // A usable answer again clears the failure's tooltip.
        edit->setText(QString());
        Q_EMIT edit->editingFinished();
        QTRY_VERIFY(info->toolTip().isEmpty());
    }

    void evaluationDatasetFolderThatDoesNotExist() {
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        ui::EvaluationArea area;
        area.setProject(&*project);
        QSignalSpy status(&area, &ui::Area::statusMessage);
        const QString shown = area.addDataset(dir.filePath(QStringLiteral("nowhere")));
        const QString code = trailingCode(shown);
        QVERIFY2(!code.isEmpty() && errors::find(code.toStdString()), qPrintable(shown));
        QVERIFY(shown.contains(QStringLiteral("nowhere")));
        QCOMPARE(status.count(), 1);
        QCOMPARE(status.at(0).at(0).toString(), shown);
        area.setProject(nullptr);
    }

    void projectThatIsNotADatabase() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.synthembed"));
        QVERIFY(uitest::writeText(path, QByteArray(4096, 'x')));
        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QString text, detail;
        QTimer::singleShot(0, &window, [&] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box) return;
            text = box->text();
            detail = box->informativeText();
            box->accept();
        });
        QVERIFY(!window.openProject(path, false, false));
        const QString code = trailingCode(text);
        QVERIFY2(!code.isEmpty() && errors::find(code.toStdString()), qPrintable(text));
        QVERIFY(detail.contains(remedyOf(code)));
        // The log dock shows the same line.
        auto* dock = window.findChild<ui::LogDock*>();
        QVERIFY(dock);
        auto* log = dock->findChild<QPlainTextEdit*>();
        QVERIFY(log);
        QTRY_VERIFY2(log->toPlainText().contains(QStringLiteral("[%1]").arg(code)), qPrintable(log->toPlainText()));
    }

    void templateThatDoesNotRender() {
        ui::PreviewPanel panel;
        auto* status = panel.findChild<QLabel*>(QStringLiteral("previewStatus"));
        QVERIFY(status);
        panel.render(prompts::Template{}, prompts::PoolSet{}, false);
        QCOMPARE(trailingCode(status->text()), QStringLiteral("template"));
        QVERIFY(status->text().contains(QStringLiteral("not updated")));
        QVERIFY(status->toolTip().contains(remedyOf(QStringLiteral("template"))));
    }

    // A new place that shows or logs a core failure's message without its code fails here: it
    // should go through ui/errors.h. A bare message kept in a variable is fine where the file
    // passes that variable to formatFailure (with the code beside it, as a worker thread does).
    void everyShownFailureCarriesItsCode() {
        namespace fs = std::filesystem;
        const fs::path ui = fs::path(test::testsSourceDir()).parent_path() / "ui";
        QVERIFY(fs::is_directory(ui));
        const std::regex bare(R"re((fromStdString|fromUtf8|qs)\(\s*[\w.>-]+\.(error\(\)\.message|what\(\))\s*\))re");
        const std::regex logged(R"re(log::\w+\(.*[\w)]\.(error\(\)\.message|what\(\)))re");
        const std::regex assigned(R"re((\w+)\s*=\s*QString::fromStdString\()re");
        QStringList found;
        int files = 0;
        for (const auto& entry : fs::recursive_directory_iterator(ui)) {
            const auto ext = entry.path().extension();
            if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".h") || entry.path().filename() == "errors.cpp")
                continue;
            ++files;
            std::ifstream in(entry.path());
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::istringstream lines(text);
            std::string line;
            for (int n = 1; std::getline(lines, line); ++n) {
                if (!std::regex_search(line, bare) && !std::regex_search(line, logged)) continue;
                if (std::smatch m; std::regex_search(line, m, assigned) &&
                                   std::regex_search(text, std::regex("formatFailure\\([^;]*\\b" + m.str(1) + "\\b")))
                    continue;
                found << QStringLiteral("%1:%2: %3")
                             .arg(QString::fromStdString(fs::relative(entry.path(), ui).string()))
                             .arg(n)
                             .arg(QString::fromStdString(line).trimmed());
            }
        }
        QVERIFY(files > 50);
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }

private:
    QTemporaryDir m_dataDir;
};

QTEST_MAIN(ErrorCodesShownTest)
#include "error_codes_shown_test.moc"
