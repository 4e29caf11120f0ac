// SPDX-License-Identifier: GPL-3.0-or-later
// Shows the coalescer's notifications through org.freedesktop.Notifications on the session
// bus; without a server, through the tray's balloon; without a tray, as a banner in the window.
#pragma once

#include "alerts/coalescer.h"
#include "util/appid.h"

#include <QDBusConnection>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <functional>

class QDBusServiceWatcher;

namespace mm {

class Notifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Notifier)

public:
    // Shows n another way; false when it cannot (no tray, say), so the next way is tried.
    using Fallback = std::function<bool(const Notification &n)>;
    enum class Server { Unknown, Available, Missing };

    // The installed .desktop file's id, which is also the icon's name.
    static inline const QString DesktopEntry = QLatin1String(AppId);
    static inline const QString OpenAction = QStringLiteral("open");
    // The freedesktop key of a click on the body.
    static inline const QString DefaultAction = QStringLiteral("default");

    // Talks to the server on bus (the session bus by default) once it has answered
    // GetCapabilities; notifications shown before that wait for the answer.
    explicit Notifier(QObject *parent = nullptr);
    Notifier(const QDBusConnection &bus, QObject *parent);

    // QSystemTrayIcon::showMessage, provided by the tray when there is one.
    void setTrayFallback(Fallback fallback) { m_tray = std::move(fallback); }
    // The window's banner: the last resort.
    void setBannerFallback(Fallback fallback) { m_banner = std::move(fallback); }
    // An icon name from the theme, or a file URL.
    void setAppIcon(const QString &icon) { m_icon = icon; }

    Server server() const { return m_server; }
    QStringList capabilities() const { return m_capabilities; }

public Q_SLOTS:
    void show(const mm::Notification &n);

Q_SIGNALS:
    // The user chose "Open migration".
    void openMigration(const QString &migrationId);
    // A notification of ours went away (the coalescer's id); byUser when dismissed.
    void closed(quint32 id, bool byUser);
    // The server answered GetCapabilities, or turned out to be missing.
    void serverChanged(mm::Notifier::Server server);

private Q_SLOTS:
    void onActionInvoked(uint serverId, const QString &key);
    void onNotificationClosed(uint serverId, uint reason);

private:
    void queryCapabilities();
    void notify(const Notification &n);
    void fallBack(const Notification &n);

    QDBusConnection m_bus;
    QDBusServiceWatcher *m_watcher = nullptr;
    Server m_server = Server::Unknown;
    QStringList m_capabilities;
    QList<Notification> m_waiting; // shown before the server answered
    QHash<quint32, uint> m_serverIds; // our id -> the server's
    struct Shown
    {
        quint32 id = 0;
        QString migrationId;
    };
    QHash<uint, Shown> m_shown; // the server's id -> ours
    Fallback m_tray;
    Fallback m_banner;
    QString m_icon = DesktopEntry;
};

} // namespace mm
