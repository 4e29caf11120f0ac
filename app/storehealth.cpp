// SPDX-License-Identifier: GPL-3.0-or-later
#include "storehealth.h"

#include "alerts/alertmonitor.h"
#include "mainwindow.h"
#include "receiver/receiverhost.h"
#include "store/store.h"
#include "store/storewriter.h"

#include <QDateTime>
#include <QSysInfo>
#include <cstdio>

namespace mm {

namespace {
void say(const QString &line)
{
    std::fprintf(stderr, "%s migration-monitor: %s\n",
                 qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)), qPrintable(line));
    std::fflush(stderr);
}
} // namespace

RetentionPolicy retentionPolicy(const AppOptions &options)
{
    RetentionPolicy p;
    p.maxAgeDays = options.retentionDays.value_or(0);
    p.maxBytes = qint64(options.retentionMaxMb.value_or(0)) * 1024 * 1024;
    return p;
}

Store::Options storeOptions(const AppOptions &options)
{
    Store::Options o;
    if (options.store)
        o.location = *options.store;
    else
        o.folder = options.dataDir.value_or(Database::defaultDataDir());
    o.commitOnCallerThread = qEnvironmentVariableIntValue("MM_STORE_THREAD") == 0;
    o.durability = options.durability.value_or(Durability::Power);
    // The receiver's name in a shared store: host:port (port 0, the system's choice, stays 0).
    o.instance = !options.instance.isEmpty()
        ? options.instance
        : QSysInfo::machineHostName() + u':' + QString::number(options.port.value_or(options.settings.port));
    return o;
}

QString prepareStoreForRetention(const Store &store)
{
    QString error;
    if (Retention::prepareStore(store, &error))
        return {};
    return QStringLiteral("store: cannot switch to incremental vacuum, so retention frees space without "
                          "shrinking the file: %1")
        .arg(error);
}

HeadlessHealth::HeadlessHealth(Store *store, ReceiverHost *receiver, int toleranceSeconds, QObject *parent)
    : QObject(parent)
    , m_location(store->displayName())
    , m_toleranceSeconds(toleranceSeconds)
{
    connect(&store->writer(), &StoreWriter::storageFull, this, &HeadlessHealth::storageFull);
    connect(&store->writer(), &StoreWriter::reachabilityChanged, this, &HeadlessHealth::reachabilityChanged);
    connect(&store->writer(), &StoreWriter::syncFailed, this, [location = m_location](const QString &why) {
        say(QStringLiteral("%1 (%2)").arg(why, location));
    });
    connect(receiver, &ReceiverHost::handled, this, &HeadlessHealth::handled);
}

void HeadlessHealth::reachabilityChanged(bool reachable, const QString &reason)
{
    if (!reachable)
        say(QStringLiteral("store unreachable: %1 (%2). Deliveries are answered 503 with Retry-After; "
                           "Svix retries them, and the receiver reconnects by itself.")
                .arg(reason.simplified(), m_location));
    else
        say(QStringLiteral("store reachable again: deliveries are accepted."));
}

void HeadlessHealth::storageFull(bool full, const QString &reason)
{
    // The writer tells changes only, so this is one line when the disk fills, one when it is back.
    if (full)
        say(QStringLiteral("storage full: %1 (%2). Deliveries are refused with 503 until space is freed; "
                           "Svix retries them, and receiving resumes by itself.")
                .arg(reason, m_location));
    else
        say(QStringLiteral("storage writable again: deliveries are accepted."));
}

void HeadlessHealth::handled(const QList<DeliveryLogEntry> &entries)
{
    bool added = false;
    for (const DeliveryLogEntry &e : entries) {
        if (e.status >= 200 && e.status < 300 && e.timestampHeader > 0) {
            m_skew.add(e.atUs, e.timestampHeader);
            added = true;
        }
    }
    if (!added || m_skew.isSkewed() == m_skewReported)
        return;
    m_skewReported = m_skew.isSkewed();
    if (m_skewReported)
        say(QStringLiteral("clock skew: %1").arg(m_skew.warning(m_toleranceSeconds)));
    else
        say(QStringLiteral("clock skew: this computer's clock agrees with the sender's again."));
}

GuiHealth::GuiHealth(Store *store, MainWindow *window, AlertMonitor *alerts, int toleranceSeconds,
                     QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_alerts(alerts)
    , m_location(store->displayName())
    , m_toleranceSeconds(toleranceSeconds)
{
    connect(&store->writer(), &StoreWriter::storageFull, this, &GuiHealth::storageFull);
    connect(&store->writer(), &StoreWriter::committed, this, &GuiHealth::committed);
    connect(&store->writer(), &StoreWriter::reachabilityChanged, this,
            [this](bool reachable, const QString &why) {
                m_window->setWarning(
                    QStringLiteral("reachable"),
                    reachable ? QString()
                              : tr("The store %1 cannot be reached (%2). Deliveries are answered 503 "
                                   "and Svix retries them; the receiver reconnects by itself.")
                                    .arg(m_location, why.simplified()));
            });
    connect(&store->writer(), &StoreWriter::syncFailed, this, [this](const QString &why) {
        m_window->setWarning(QStringLiteral("sync"), tr("%1 (%2)").arg(why, m_location));
    });
}

void GuiHealth::setToleranceSeconds(int seconds)
{
    m_toleranceSeconds = seconds;
    showSkew();
}

void GuiHealth::storageFull(bool full, const QString &reason)
{
    m_alerts->setStorageFull(full, reason);
    m_window->setWarning(
        QStringLiteral("storage"),
        full ? tr("Storage full: the store in %1 cannot write (%2). Deliveries are refused "
                  "with 503 until space is freed; Svix retries them, and receiving resumes by "
                  "itself.")
                   .arg(m_location, reason)
             : QString());
}

void GuiHealth::committed(const QList<EventFacts> &facts)
{
    for (const EventFacts &f : facts) {
        if (!f.replayed)
            m_skew.add(f.receivedUs, f.timestampHeader);
    }
    showSkew();
}

void GuiHealth::showSkew()
{
    m_window->setWarning(QStringLiteral("clock"), m_skew.warning(m_toleranceSeconds));
}

} // namespace mm
