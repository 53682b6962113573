// synthembed: the GUI workbench. Wiring only: runtime set-up, the main window, the default project.

#include "ui/mainwindow.h"
#include "ui/translations.h"
#include "ui/wheel_guard.h"

#include "core/runtime/runtime.h"
#include "core/util/paths.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>

#include <cstdio>
#include <cstdlib>

namespace {
// Without a display Qt aborts with a cryptic message; say what to do instead.
bool displayAvailable() {
#if defined(__linux__) || defined(__FreeBSD__)
    auto set = [](const char* v) { const char* s = std::getenv(v); return s && *s; };
    return set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM");
#else
    return true;
#endif
}
} // namespace

int main(int argc, char** argv) {
    if (!displayAvailable()) {
        std::fprintf(stderr,
                     "synthembed: no display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                     "  - run the headless command-line tool instead:  synthembed-cli --help\n"
                     "    (e.g. synthembed-cli init, synthembed-cli info, synthembed-cli prompts render ...)\n"
                     "  - or start the GUI on a virtual display:        xvfb-run -a synthembed\n");
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("synthembed"));
    QApplication::setOrganizationName(QStringLiteral("synthembed"));
    QApplication::setApplicationVersion(QStringLiteral(SYNTHEMBED_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.synthembed.Synthembed"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/synthembed-256.png")));

    synthembed::ui::installTranslations(app, synthembed::ui::interfaceLocale());
    synthembed::ui::installWheelGuard(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("synthembed workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("Project file to open (default: the default project)"));
    parser.process(app);

    synthembed::RuntimeOptions rt;
    rt.threads = QSettings().value(QStringLiteral("compute/threads"), 0).toInt();
    synthembed::initialize(rt);

    synthembed::ui::MainWindow window;
    const QString path = parser.positionalArguments().value(
        0, QString::fromStdString(synthembed::paths::defaultProjectPath().string()));
    window.openProject(path, /*create=*/parser.positionalArguments().isEmpty());
    window.show();
    return app.exec();
}
