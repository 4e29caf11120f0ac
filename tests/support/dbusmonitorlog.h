// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper: reads dbus-monitor's text output and picks out the freedesktop Notify calls,
// so a test can check what an app asked the notification server to show.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace mm::test {

// One org.freedesktop.Notifications.Notify call.
struct NotifyCall
{
    QString app;
    uint replaces = 0;
    QString summary;
    QString body;
    QStringList actions; // key, label, key, label…
    int urgency = -1; // the "urgency" hint, -1 when not given
    QString desktopEntry;
};

// A message starts with "method call time=" (or signal, method return, error) and its values
// follow, one per line; strings may run over several lines.
class DBusMonitorLog
{
public:
    // More of dbus-monitor's standard output.
    void feed(const QByteArray &bytes);
    QList<NotifyCall> notifies() const;
    // Header lines of all messages so far, in order ("… member=GetCapabilities").
    QStringList headers() const;
    // The values of each message whose header ends with "member=<member>" (a call or signal).
    QList<QStringList> valuesOf(const QString &member) const;
    bool started() const { return !m_messages.isEmpty(); }
    // The last few thousand characters, for failure messages.
    QString raw() const { return m_raw.right(4000); }

private:
    struct Message
    {
        QString header;
        QStringList values; // "string:…", "uint32:…", "byte:…", "[", "]"
    };
    void take(const QString &line);
    static NotifyCall parseNotify(const QStringList &values);

    QByteArray m_pending;
    QList<Message> m_messages;
    bool m_inString = false;
    QString m_string;
    QString m_raw;
};

} // namespace mm::test
