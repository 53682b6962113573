#pragma once
// Interface language: the system locale, or the override chosen in Settings (ui/language).

#include <QLocale>
#include <QString>

class QCoreApplication;

namespace synthembed::ui {

/// The locale the interface should use: Settings' override if set, else the system locale.
QLocale interfaceLocale();

/// Loads synthembed's, Qt's and QScintilla's translations for the locale, installs them and makes the
/// locale the default one (number formatting). Returns the
/// name of the loaded synthembed translation ("de", "zh_CN") or an empty string for English.
QString installTranslations(QCoreApplication& app, const QLocale& locale);

} // namespace synthembed::ui
