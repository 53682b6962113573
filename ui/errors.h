#pragma once
// The GUI's one way to show a core failure (an Error from a Result, or a thrown Failure): the
// message followed by its code in brackets, "message [code]", as synthembed-cli prints it after
// "error: ", so a user can look the code up in docs/guide.md's table (core/util/error_codes.h).
// The vocabulary's meaning and remedy for the code go where there is room for more: a tooltip or
// a message box's informative text. Message boxes, the status bar, log lines and the areas' error
// labels all use these helpers.

#include "core/util/result.h"

#include <QString>

#include <exception>
#include <string>

class QLabel;
class QWidget;

namespace synthembed::ui {

/// "message [code]"; the message alone when the code is empty.
QString formatFailure(const Error& error);
QString formatFailure(const Failure& failure);
/// The same for a message the GUI words itself about a failure with `code`.
QString formatFailure(const QString& message, const QString& code);
/// A caught exception: a Failure as above, anything else its what() alone.
QString formatFailure(const std::exception& e);
/// The same for a log line (the log dock and the log file show it).
std::string failureLine(const Error& error);
std::string failureLine(const std::exception& e);

/// What the vocabulary says about the code, for a tooltip or a message box's detail: its meaning,
/// what the user can do, and where the table is. Empty when the code is empty or not listed.
QString failureDetail(const std::string& code);
inline QString failureDetail(const Error& error) { return failureDetail(error.code); }

/// An error label: `pattern` with %1 replaced by the formatted failure (e.g. tr("Could not read
/// the file: %1")), the detail as its tooltip. A rich-text label gets the text HTML-escaped.
void showFailure(QLabel* label, const Error& error, const QString& pattern = QStringLiteral("%1"));
/// A warning message box titled `title`: `pattern` with %1 replaced by the formatted failure as
/// its text (e.g. tr("The template was not saved:\n%1")), the detail as its informative text.
void warnFailure(QWidget* parent, const QString& title, const Error& error,
                 const QString& pattern = QStringLiteral("%1"));
/// The same as a critical message box (the action could not be done at all).
void criticalFailure(QWidget* parent, const QString& title, const Error& error,
                     const QString& pattern = QStringLiteral("%1"));

} // namespace synthembed::ui
