// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertmonitor.h"

#include "model/monitormodel.h"

#include <QDateTime>
#include <algorithm>

namespace mm {

AlertMonitor::AlertMonitor(Clock clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
    , m_rules(m_clock)
    , m_coalescer(m_clock)
{
    qRegisterMetaType<mm::Notification>();
    qRegisterMetaType<mm::Alert>();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        emitAll(m_coalescer.poll());
        schedule();
    });
}

qint64 AlertMonitor::now() const
{
    return m_clock();
}

void AlertMonitor::pauseFor(qint64 ms)
{
    m_rules.setPausedUntil(ms > 0 ? now() + ms : 0);
}

void AlertMonitor::watchQuiet(MonitorModel *model)
{
    auto loaded = [this] {
        // MonitorModel checks for quiet migrations right after it reports the load, in the same call.
        m_storeLoaded = true;
        m_baselineCheck = true;
        QTimer::singleShot(0, this, [this] { m_baselineCheck = false; });
    };
    connect(model, &MonitorModel::loaded, this, loaded);
    connect(model, &MonitorModel::loadFailed, this, loaded);
    connect(model, &MonitorModel::newlyQuiet, this, [this](const QStringList &ids) {
        if (m_storeLoaded && !m_baselineCheck)
            quiet(ids);
    });
}

void AlertMonitor::ingest(const QList<EventFacts> &facts)
{
    take(m_rules.facts(facts));
}

void AlertMonitor::quiet(const QStringList &migrationIds)
{
    take(m_rules.quiet(migrationIds));
}

void AlertMonitor::handled(const QList<DeliveryLogEntry> &entries)
{
    const auto refused = std::count_if(entries.cbegin(), entries.cend(),
                                       [](const DeliveryLogEntry &e) { return e.status == 401; });
    if (refused > 0)
        take(m_rules.rejected(int(refused)));
}

void AlertMonitor::setListening(bool listening, const QString &reason)
{
    const bool stopped = !listening && m_listening.value_or(true);
    m_listening = listening;
    if (stopped)
        take(m_rules.listenerStopped(reason));
}

void AlertMonitor::setStorageFull(bool full, const QString &reason)
{
    const bool filled = full && !m_storageFull;
    m_storageFull = full;
    if (filled)
        take(m_rules.storageFull(reason));
}

void AlertMonitor::notificationClosed(quint32 id, bool byUser)
{
    m_coalescer.closed(id, byUser);
}

void AlertMonitor::take(const QList<Alert> &alerts)
{
    if (alerts.isEmpty())
        return;
    QList<Notification> out;
    for (const Alert &a : alerts) {
        Q_EMIT raised(a);
        out.append(m_coalescer.add(a));
    }
    emitAll(out);
    schedule();
}

void AlertMonitor::emitAll(const QList<Notification> &notifications)
{
    for (const Notification &n : notifications)
        Q_EMIT notify(n);
}

void AlertMonitor::schedule()
{
    const qint64 due = m_coalescer.nextDue();
    if (due < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::clamp<qint64>(due - now(), 0, 24LL * 3600 * 1000)));
}

} // namespace mm
