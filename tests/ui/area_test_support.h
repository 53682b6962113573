#pragma once
// Set-up shared by the Qt Test executables of the areas (header-only: tests/ui/*_test.cpp include
// it by its relative name, so nothing else is compiled or linked): test-mode settings, a private
// data dir, the core runtime, files the test writes, and screenshots on request.

#include "core/runtime/runtime.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

namespace synthembed::uitest {

/// For initTestCase: settings in Qt's test location (never the user's), SYNTHEMBED_DATA_DIR (the
/// embedding cache, default project) inside `dataDir`, and the core runtime initialised.
/// Usage: QVERIFY(uitest::initEnvironment(m_dataDir));
[[nodiscard]] inline bool initEnvironment(const QTemporaryDir& dataDir) {
    QCoreApplication::setOrganizationName(QStringLiteral("synthembed-test"));
    QStandardPaths::setTestModeEnabled(true);
    if (!dataDir.isValid()) return false;
    qputenv("SYNTHEMBED_DATA_DIR", dataDir.path().toUtf8());
    synthembed::initialize();
    return true;
}

/// Writes `text` to `path`, creating its folder. Usage: QVERIFY(uitest::writeText(path, text));
[[nodiscard]] inline bool writeText(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size() && f.flush();
}

/// With SYNTHEMBED_SCREENSHOT_DIR set, saves the widget there as `name` (after pending repaints);
/// otherwise does nothing. Usage: QVERIFY(uitest::screenshot(&area, "x.png"));
[[nodiscard]] inline bool screenshot(QWidget* w, const QString& name) {
    const QString dir = qEnvironmentVariable("SYNTHEMBED_SCREENSHOT_DIR");
    if (dir.isEmpty()) return true;
    QDir().mkpath(dir);
    QTest::qWait(200);
    return w->grab().save(dir + QLatin1Char('/') + name);
}

} // namespace synthembed::uitest
