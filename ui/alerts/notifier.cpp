// SPDX-License-Identifier: GPL-3.0-or-later
#include "notifier.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusServiceWatcher>
#include <QFileInfo>

namespace mm {

namespace {
const QString Service = QStringLiteral("org.freedesktop.Notifications");
const QString Path = QStringLiteral("/org/freedesktop/Notifications");
const QString Interface = QStringLiteral("org.freedesktop.Notifications");
constexpr int CallTimeoutMs = 5000;
constexpr uint ClosedByUser
    = 2; // NotificationClosed's reason codes: 1 expired, 2 dismissed, 3 closed by call

// The session bus when this session has one. Without an address libdbus would "autolaunch"
// a bus of its own (and leave it running), so then there is none and the fallbacks apply.
QDBusConnection sessionBusIfAny()
{
    const QString runtimeBus = qEnvironmentVariable("XDG_RUNTIME_DIR") + QStringLiteral("/bus");
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") && !QFileInfo::exists(runtimeBus))
        return QDBusConnection(QStringLiteral("mm-no-session-bus"));
    return QDBusConnection::sessionBus();
}
} // namespace

Notifier::Notifier(QObject *parent)
    : Notifier(sessionBusIfAny(), parent)
{
}

Notifier::Notifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    if (!m_bus.isConnected()) {
        m_server = Server::Missing;
        return;
    }
    m_bus.connect(Service, Path, Interface, QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(Service, Path, Interface, QStringLiteral("NotificationClosed"), this,
                  SLOT(onNotificationClosed(uint, uint)));
    // A server that starts (or restarts) later is asked again; its ids are new.
    m_watcher = new QDBusServiceWatcher(Service, m_bus, QDBusServiceWatcher::WatchForRegistration, this);
    connect(m_watcher, &QDBusServiceWatcher::serviceRegistered, this, [this] {
        m_serverIds.clear();
        m_shown.clear();
        queryCapabilities();
    });
    queryCapabilities();
}

void Notifier::queryCapabilities()
{
    const QDBusMessage call
        = QDBusMessage::createMethodCall(Service, Path, Interface, QStringLiteral("GetCapabilities"));
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call, CallTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<QStringList> reply = *w;
        if (reply.isError()) {
            m_server = Server::Missing;
            m_capabilities.clear();
        } else {
            m_server = Server::Available;
            m_capabilities = reply.value();
        }
        Q_EMIT serverChanged(m_server);
        for (const Notification &n : std::exchange(m_waiting, {}))
            show(n);
    });
}

void Notifier::show(const Notification &n)
{
    switch (m_server) {
    case Server::Unknown:
        // Only the latest version of each notification is worth showing.
        m_waiting.removeIf([&n](const Notification &w) { return w.id == n.id; });
        m_waiting.append(n);
        return;
    case Server::Available:
        notify(n);
        return;
    case Server::Missing:
        fallBack(n);
        return;
    }
}

void Notifier::notify(const Notification &n)
{
    QStringList actions;
    if (!n.migrationId.isEmpty() && m_capabilities.contains(QLatin1String("actions")))
        // "default" is a click on the notification's body (servers ignore its label); the
        // button opens the same migration.
        actions << DefaultAction << tr("Open migration") << OpenAction << tr("Open migration");
    QVariantMap hints;
    hints.insert(QStringLiteral("desktop-entry"), DesktopEntry);
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(uchar(n.urgency)));
    // Servers that read markup in the body would take an error message's <tags> as theirs.
    const QString body
        = m_capabilities.contains(QLatin1String("body-markup")) ? n.body.toHtmlEscaped() : n.body;
    const uint replaces = n.replaces ? m_serverIds.value(n.id, 0) : 0;
    QDBusMessage call = QDBusMessage::createMethodCall(Service, Path, Interface, QStringLiteral("Notify"));
    call << tr("Migration Monitor") << replaces << m_icon << n.title << body << actions << hints << int(-1);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call, CallTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, n](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<uint> reply = *w;
        if (reply.isError()) {
            // The server went away: this one goes another way; the next start is watched for.
            m_server = Server::Missing;
            Q_EMIT serverChanged(m_server);
            fallBack(n);
            return;
        }
        const uint serverId = reply.value();
        const uint previous = m_serverIds.value(n.id, 0);
        if (previous != 0 && previous != serverId)
            m_shown.remove(previous);
        m_serverIds.insert(n.id, serverId);
        m_shown.insert(serverId, {n.id, n.migrationId});
    });
}

void Notifier::fallBack(const Notification &n)
{
    if (m_tray && m_tray(n))
        return;
    if (m_banner)
        m_banner(n);
}

void Notifier::onActionInvoked(uint serverId, const QString &key)
{
    const auto it = m_shown.constFind(serverId);
    if (it == m_shown.cend() || it->migrationId.isEmpty())
        return; // another application's notification, or one without a migration
    if (key == OpenAction || key == DefaultAction)
        Q_EMIT openMigration(it->migrationId);
}

void Notifier::onNotificationClosed(uint serverId, uint reason)
{
    const auto it = m_shown.constFind(serverId);
    if (it == m_shown.cend())
        return;
    const quint32 id = it->id;
    m_shown.erase(it);
    m_serverIds.remove(id);
    Q_EMIT closed(id, reason == ClosedByUser);
}

} // namespace mm
