#include "ui/gen/connection_tester.h"

#include <QMetaObject>
#include <QStringList>
#include <QThreadPool>

namespace synthembed::ui {

ConnectionTester::ConnectionTester(QObject* parent) : QObject(parent), m_shared(std::make_shared<Shared>()) {
    m_shared->receiver = this;
}

ConnectionTester::~ConnectionTester() {
    std::lock_guard lk(m_shared->mutex);
    m_shared->receiver = nullptr;
    m_shared->cancel = true;
}

bool ConnectionTester::start(std::vector<ConnectionTarget> targets, const llm::ConnectionCheckOptions& options) {
    if (m_running || targets.empty()) return false;
    m_running = true;
    auto shared = m_shared;
    QThreadPool::globalInstance()->start([shared, targets = std::move(targets), options] {
        llm::ConnectionCheckOptions o = options;
        o.cancel = &shared->cancel;
        std::vector<llm::ConnectionCheck> checks;
        for (const auto& t : targets) {
            if (shared->cancel) break;
            checks.push_back(llm::testConnection(t.endpoint, t.model, o));
        }
        std::lock_guard lk(shared->mutex);
        if (ConnectionTester* r = shared->receiver)
            // Queued to the tester's thread; dropped with the event if the tester is deleted first.
            QMetaObject::invokeMethod(
                r, [r, targets, checks = std::move(checks)] { r->deliver(targets, checks); }, Qt::QueuedConnection);
    });
    return true;
}

void ConnectionTester::deliver(const std::vector<ConnectionTarget>& targets,
                               const std::vector<llm::ConnectionCheck>& checks) {
    m_running = false;
    bool ok = !checks.empty() && checks.size() == targets.size();
    QStringList parts;
    for (std::size_t i = 0; i < checks.size(); ++i) {
        ok = ok && checks[i].ok();
        parts << describe(targets[i].name, targets[i].model, checks[i]);
    }
    Q_EMIT finished(ok, parts.join(QStringLiteral("\n\n")));
}

QString ConnectionTester::describe(const QString& name, const std::string& model, const llm::ConnectionCheck& c) {
    const auto qs = [](const std::string& s) { return QString::fromStdString(s); };
    QStringList lines;
    if (c.chatOk)
        lines << tr("%1: connected; \"%2\" answered in %3 s.").arg(name, qs(model)).arg(c.chatSeconds, 0, 'f', 2);
    else
        lines << tr("%1: the test request failed: %2").arg(name, qs(c.chatError));
    if (c.modelsOk) {
        QStringList models;
        for (std::size_t i = 0; i < c.models.size() && i < 12; ++i) models << qs(c.models[i]);
        if (c.models.size() > 12) models << tr("… (%1 in all)").arg(c.models.size());
        lines << (c.models.empty() ? tr("The server lists no models.")
                                   : tr("Models the server lists: %1").arg(models.join(QStringLiteral(", "))));
        if (!model.empty() && !c.models.empty() && !c.modelListed)
            lines << tr("\"%1\" is not among them.").arg(qs(model));
    } else if (!c.modelsError.empty() && c.modelsError != c.chatError) {
        lines << tr("Listing the models failed: %1").arg(qs(c.modelsError));
    }
    // The answer last: the server's words matter less than whether it answered.
    if (c.chatOk) lines << tr("Its answer: \"%1\"").arg(qs(c.reply).simplified().left(80));
    return lines.join(QLatin1Char('\n'));
}

} // namespace synthembed::ui
