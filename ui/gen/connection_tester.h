#pragma once
// "Test connection" for the GUI: runs core's llm::testConnection for one or more endpoints on a
// pool thread (never on the GUI thread) and hands the findings back as a queued signal. Deleting
// the tester cancels the test in flight (its HTTP calls end within ~0.1 s) and drops its result.

#include "core/llm/client.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace synthembed::ui {

struct ConnectionTarget {
    QString name; ///< shown in the report (the endpoint's name in Settings, or its URL)
    llm::Endpoint endpoint;
    std::string model;
};

class ConnectionTester : public QObject {
    Q_OBJECT
public:
    explicit ConnectionTester(QObject* parent = nullptr);
    ~ConnectionTester() override;

    /// Starts testing the targets one after the other; false (nothing started) while a test runs.
    bool start(std::vector<ConnectionTarget> targets, const llm::ConnectionCheckOptions& options = {});
    bool isRunning() const { return m_running; }

    /// One check in plain words, as the report shows it (HTML-free, several lines).
    static QString describe(const QString& name, const std::string& model, const llm::ConnectionCheck& check);

Q_SIGNALS:
    /// ok: every target answered the tiny request; report: describe() of each, one paragraph each.
    void finished(bool ok, const QString& report);

private:
    struct Shared {
        std::mutex mutex;
        ConnectionTester* receiver = nullptr; // null once the tester is gone
        std::atomic<bool> cancel{false};
    };
    void deliver(const std::vector<ConnectionTarget>& targets, const std::vector<llm::ConnectionCheck>& checks);

    std::shared_ptr<Shared> m_shared;
    bool m_running = false;
};

} // namespace synthembed::ui
