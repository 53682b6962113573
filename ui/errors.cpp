#include "ui/errors.h"

#include "core/util/error_codes.h"

#include <QCoreApplication>
#include <QLabel>
#include <QMessageBox>

namespace synthembed::ui {

// The context of this file's texts in the translations.
class Errors {
    Q_DECLARE_TR_FUNCTIONS(synthembed::ui::Errors)
};

namespace {

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

QString withCode(const QString& message, const std::string& code) {
    return code.empty() ? message : QStringLiteral("%1 [%2]").arg(message, QString::fromStdString(code));
}

void failureBox(QWidget* parent, QMessageBox::Icon icon, const QString& title, const Error& error,
                const QString& pattern) {
    QMessageBox box(icon, title, pattern.arg(formatFailure(error)), QMessageBox::Ok, parent);
    box.setInformativeText(failureDetail(error));
    box.exec();
}

} // namespace

QString formatFailure(const Error& error) { return withCode(QString::fromStdString(error.message), error.code); }

QString formatFailure(const Failure& failure) { return withCode(QString::fromUtf8(failure.what()), failure.code()); }

QString formatFailure(const QString& message, const QString& code) { return withCode(message, code.toStdString()); }

QString formatFailure(const std::exception& e) {
    if (const auto* failure = dynamic_cast<const Failure*>(&e)) return formatFailure(*failure);
    return QString::fromUtf8(e.what());
}

std::string failureLine(const Error& error) {
    return error.code.empty() ? error.message : error.message + " [" + error.code + "]";
}

std::string failureLine(const std::exception& e) { return formatFailure(e).toStdString(); }

QString failureDetail(const std::string& code) {
    const auto* info = errors::find(code);
    if (!info) return {};
    return Errors::tr("%1: %2\nWhat to do: %3\nThe codes are listed in the error table of docs/guide.md.")
        .arg(qs(info->code), qs(info->meaning), qs(info->remedy));
}

void showFailure(QLabel* label, const Error& error, const QString& pattern) {
    const QString text = pattern.arg(formatFailure(error));
    label->setText(label->textFormat() == Qt::RichText ? text.toHtmlEscaped() : text);
    label->setToolTip(failureDetail(error));
}

void warnFailure(QWidget* parent, const QString& title, const Error& error, const QString& pattern) {
    failureBox(parent, QMessageBox::Warning, title, error, pattern);
}

void criticalFailure(QWidget* parent, const QString& title, const Error& error, const QString& pattern) {
    failureBox(parent, QMessageBox::Critical, title, error, pattern);
}

} // namespace synthembed::ui
