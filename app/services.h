// SPDX-License-Identifier: GPL-3.0-or-later
// What the window and headless mode both run, built and stopped in one order: the store, its
// retention, live forwarding, the receiver, the metrics endpoint and, in the demo, the simulated
// sender. The demo is a
// configuration of these services (its own folder, secret and port), not a branch inside them.
#pragma once

#include "metrics/metricshost.h"
#include "receiver/receiverhost.h"
#include "replay/forwarder.h"
#include "sim/simulatorhost.h"
#include "store/retention.h"
#include "store/store.h"
#include "store/storewatch.h"
#include "verify/signingsecret.h"

#include <QObject>
#include <atomic>
#include <memory>
#include <optional>

namespace mm {

// Where new deliveries are forwarded; an empty target means nowhere.
struct ForwardChoice
{
    QString target;
    // nullopt: each delivery's own id, signed afresh with the endpoint secret that verified it
    std::optional<SigningSecret> secret;
    bool fromCommandLine = false;
};

class Services final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Services)

public:
    explicit Services(Store::Options store, RetentionPolicy retention, QObject *parent = nullptr);
    ~Services() override; // stop()

    // A receiver's services keep the store (retention); a viewer's (--view-only) only read it.
    enum class Role { Receiver, Viewer };
    // Opens the store (switching it to incremental vacuum first, a warning when that fails) and,
    // for a receiver, starts retention. Returns false with a sentence when it cannot be opened.
    bool startStore(QString *error, QString *warning = nullptr, Role role = Role::Receiver);
    // Feeds committed(): this process's own commits when it is the store's only writer (a
    // receiver on SQLite), else every receiver's, watched (StoreWatch: NOTIFY on PostgreSQL, a
    // poll on SQLite) — a team's store, or a viewer. Call once, after startStore() and before the
    // model loads the store; when watching, watchAfter() then starts the watch after the newest
    // row loaded (nullopt: after the store's newest).
    void startFeed();
    bool watchesStore() const { return m_watching; }
    void watchAfter(std::optional<qint64> rowId);
    // Starts, re-points or stops forwarding (set it before the receiver listens, so every delivery
    // from the first one on is queued). The forwarder is woken after each commit through this
    // object's thread, so it can be stopped at any time. forwarderChanged() follows a new one.
    void applyForwarding(const ForwardChoice &choice);
    bool startReceiver(const ReceiverConfig &config, QString *error);
    // /metrics and /healthz (--metrics-listen) on their own thread and port, reading the
    // receiver's, the store's and forwarding's counters.
    bool startMetrics(const MetricsConfig &config, QString *error);
    // The demo's sender, aimed at the receiver.
    bool startDemoSender(const sim::SimOptions &options, QString *error);
    // The metrics endpoint, the sender, the receiver, the forwarder, retention, then the store.
    // Idempotent.
    void stop();

    Store &store() { return m_store; }
    RetentionWorker &retention() { return m_retention; }
    ReceiverHost &receiver() { return m_receiver; }
    MetricsHost &metrics() { return m_metrics; }
    Forwarder *forwarder() const { return m_forwarder.get(); }
    const ForwardChoice &forwarding() const { return m_forwarding; }
    // Pending forwarding rows, as the forwarder last counted them; -1 while not forwarding.
    qint64 forwardQueueDepth() const { return m_forwardQueueDepth.load(std::memory_order_relaxed); }

Q_SIGNALS:
    // The facts of every delivery committed to the store, new ones and new attempts (startFeed()).
    void committed(const QList<mm::EventFacts> &facts);
    // Retention deleted these deliveries (row ids, in the order deleted), for the model to drop;
    // on this object's thread, after the deleting transactions committed. This process's
    // retention, and, when watching the store, any process's (read from the store's deletion
    // journal), so a receiver on a shared store may hear of its own deletions twice.
    void retentionDeleted(const QList<qint64> &rowIds);
    // The watched store pruned deletions from its journal before the watch read them (it could not
    // be read for longer than the journal keeps them): what the model holds may include deleted
    // rows, so reload it.
    void deletionsMissed();
    // The watched store cannot be read (once), or can be again (empty).
    void watchProblem(const QString &message);
    // Another process set or removed a company name in the watched store.
    void companyNamesChanged();
    // A forwarder was started (null: forwarding stopped), for whoever shows its log.
    void forwarderChanged(mm::Forwarder *forwarder);

private:
    Store m_store;
    Role m_role = Role::Receiver;
    StoreWatch m_watch {m_store};
    bool m_watching = false;
    RetentionWorker m_retention;
    ReceiverHost m_receiver;
    std::atomic<qint64> m_forwardQueueDepth {-1}; // written by the forwarding thread
    std::unique_ptr<Forwarder> m_forwarder;
    ForwardChoice m_forwarding;
    sim::SimulatorHost m_demoSender;
    MetricsHost m_metrics; // last: it reads the others until it is stopped
};

} // namespace mm
