// SPDX-License-Identifier: GPL-3.0-or-later
#include "services.h"

#include "store/storewriter.h"
#include "storehealth.h"

namespace mm {

Services::Services(Store::Options store, RetentionPolicy retention, QObject *parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_retention(m_store, retention)
{
    // From the retention thread to this one; dropped if this object is gone.
    m_retention.setDeletedSink([this](QList<qint64> ids) {
        QMetaObject::invokeMethod(
            this, [this, ids = std::move(ids)] { Q_EMIT retentionDeleted(ids); }, Qt::QueuedConnection);
    });
}

Services::~Services()
{
    stop();
}

bool Services::startStore(QString *error, QString *warning, Role role)
{
    m_role = role;
    if (role == Role::Receiver) {
        if (const QString problem = prepareStoreForRetention(m_store); !problem.isEmpty() && warning)
            *warning = problem;
    }
    if (!m_store.start(error))
        return false;
    if (role == Role::Viewer) // the receivers keep the store
        return true;
    // Deletes what is past the retention limits, on its own thread and connection (on a shared
    // PostgreSQL store, safely beside the other receivers' retention).
    m_retention.start();
    return true;
}

void Services::startFeed()
{
    m_watching = m_role == Role::Viewer || m_store.isPostgres();
    if (m_watching) {
        connect(&m_watch, &StoreWatch::committed, this, &Services::committed);
        connect(&m_watch, &StoreWatch::problem, this, &Services::watchProblem);
        connect(&m_watch, &StoreWatch::companyNamesChanged, this, &Services::companyNamesChanged);
        // Every process's retention, this one's too (a second forget of an id is a no-op).
        connect(&m_watch, &StoreWatch::deleted, this, &Services::retentionDeleted);
        connect(&m_watch, &StoreWatch::deletionsMissed, this, &Services::deletionsMissed);
    } else {
        connect(&m_store.writer(), &StoreWriter::committed, this, &Services::committed);
    }
}

void Services::watchAfter(std::optional<qint64> rowId)
{
    if (m_watching)
        m_watch.start(rowId);
}

void Services::applyForwarding(const ForwardChoice &choice)
{
    m_forwarding = choice;
    if (choice.target.isEmpty()) {
        // Queued rows stay in the store, pending: they go out when forwarding is on again.
        m_store.writer().setForwarding({});
        if (m_forwarder) {
            m_forwarder.reset();
            m_forwardQueueDepth.store(-1, std::memory_order_relaxed);
            Q_EMIT forwarderChanged(nullptr);
        }
        return;
    }
    m_store.writer().setForwarding({choice.target, choice.secret.has_value()});
    if (m_forwarder) {
        m_forwarder->setSecret(choice.secret); // each row keeps the target it was queued for
        return;
    }
    Forwarder::Options options;
    options.store = &m_store;
    options.secret = choice.secret;
    // Rows kept with their original headers are signed afresh with the secret that verified
    // them, so the forwarder follows the receiver's secrets (known once it starts).
    options.endpointSecrets = m_receiver.secrets();
    options.queueDepth = &m_forwardQueueDepth;
    m_forwarder = std::make_unique<Forwarder>(std::move(options));
    connect(&m_store.writer(), &StoreWriter::deliveriesCommitted, m_forwarder.get(), &Forwarder::wake);
    connect(&m_receiver, &ReceiverHost::secretsChanged, m_forwarder.get(), &Forwarder::setEndpointSecrets);
    Q_EMIT forwarderChanged(m_forwarder.get()); // before start(), so no update is missed
    m_forwarder->start();
}

bool Services::startReceiver(const ReceiverConfig &config, QString *error)
{
    return m_receiver.start(config, &m_store.writer(), error);
}

bool Services::startMetrics(const MetricsConfig &config, QString *error)
{
    return m_metrics.start(config, {&m_receiver.counters(), &m_store.writer(), &m_forwardQueueDepth}, error);
}

bool Services::startDemoSender(const sim::SimOptions &options, QString *error)
{
    return m_demoSender.start(options, error);
}

void Services::stop()
{
    m_metrics.stop();
    m_demoSender.stop();
    m_receiver.stop();
    if (m_forwarder) {
        m_store.writer().setForwarding({});
        m_forwarder.reset();
        m_forwardQueueDepth.store(-1, std::memory_order_relaxed);
    }
    m_retention.stop();
    m_watch.stop();
    m_store.stop();
}

} // namespace mm
