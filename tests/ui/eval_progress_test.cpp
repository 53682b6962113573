// Evaluation progress in the GUI: the job reports texts embedded / total of the running task with
// its stage (translated names) and an ETA, and the area's progress bar text shows all three.

#include "ui/areas/evaluation_area.h"
#include "ui/eval/eval_job.h"

#include "core/eval/suite.h"
#include "core/store/project.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace synthembed;

class EvalProgressTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void barTextShowsStageCountsAndTimeLeft() {
        const QString t = ui::EvaluationArea::progressText(1200, 7739, QStringLiteral("embedding test texts"), 75.2);
        QVERIFY2(t.contains(QStringLiteral("embedding test texts")), qPrintable(t));
        QVERIFY2(t.contains(QStringLiteral("1200 / 7739")), qPrintable(t));
        QVERIFY2(t.contains(QStringLiteral("1 min 15 s")), qPrintable(t));
        const QString noEta = ui::EvaluationArea::progressText(0, 10, QStringLiteral("scoring"), -1);
        QVERIFY2(noEta.contains(QStringLiteral("0 / 10")), qPrintable(noEta));
        QVERIFY2(!noEta.contains(QStringLiteral("left")), qPrintable(noEta));
        QCOMPARE(ui::EvalJob::stageName("embedding train texts"), QStringLiteral("embedding train texts"));
    }

    void jobReportsCountsOfTheWholeTask() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString folder = dir.filePath(QStringLiteral("cls"));
        QVERIFY(QDir().mkpath(folder));
        auto write = [](const QString& path, const QByteArray& data) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(data);
        };
        QByteArray train = "text,label\n", test = "text,label\n";
        for (int i = 0; i < 60; ++i)
            train += "word" + QByteArray::number(i % 7) + " thing " + QByteArray::number(i) + "," + (i % 2 ? "a" : "b") + "\n";
        for (int i = 0; i < 20; ++i)
            test += "word" + QByteArray::number(i % 7) + " test " + QByteArray::number(i) + "," + (i % 2 ? "a" : "b") + "\n";
        write(folder + QStringLiteral("/train.csv"), train);
        write(folder + QStringLiteral("/test.csv"), test);
        auto d = eval::detectDataset(folder.toStdString());
        QVERIFY2(d.ok(), d.ok() ? "" : d.error().message.c_str());
        const QString projectPath = dir.filePath(QStringLiteral("p.synthembed"));
        QVERIFY(store::Project::create(projectPath.toStdString()).ok());

        ui::EvalJobParams p;
        p.models << QStringLiteral("hash:64");
        p.datasets.push_back(*d);
        p.mode = eval::SuiteMode::Full;
        p.projectPath = projectPath.toStdString();
        ui::EvalJob job(std::move(p));
        QSignalSpy counts(&job, &ui::EvalJob::counts);
        QSignalSpy finished(&job, &ui::EvalJob::finished);
        job.run(); // on this thread: direct signals
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toInt(), 1); // one result stored
        QVERIFY(counts.count() > 0);
        QStringList stages;
        qint64 total = -1;
        for (const auto& args : counts) {
            if (total < 0) total = args.at(1).toLongLong();
            QCOMPARE(args.at(1).toLongLong(), total); // one total for the task
            const QString stage = args.at(2).toString();
            if (stages.isEmpty() || stages.last() != stage) stages << stage;
        }
        QVERIFY2(stages.contains(QStringLiteral("embedding train texts")), qPrintable(stages.join(QLatin1Char('|'))));
        QVERIFY2(stages.contains(QStringLiteral("scoring")), qPrintable(stages.join(QLatin1Char('|'))));
        QCOMPARE(counts.last().at(0).toLongLong(), total);
        QVERIFY(total >= 20);
    }
};

QTEST_MAIN(EvalProgressTest)
#include "eval_progress_test.moc"
