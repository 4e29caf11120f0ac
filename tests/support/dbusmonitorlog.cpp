// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbusmonitorlog.h"

#include <QRegularExpression>

namespace mm::test {

void DBusMonitorLog::feed(const QByteArray &bytes)
{
    m_pending += bytes;
    qsizetype end;
    while ((end = m_pending.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_pending.left(end));
        m_pending.remove(0, end + 1);
        take(line);
    }
    m_raw += QString::fromUtf8(bytes);
}

QList<NotifyCall> DBusMonitorLog::notifies() const
{
    QList<NotifyCall> calls;
    for (const Message &m : m_messages) {
        if (m.header.startsWith(QLatin1String("method call"))
            && m.header.endsWith(QLatin1String("member=Notify")))
            calls.append(parseNotify(m.values));
    }
    return calls;
}

QStringList DBusMonitorLog::headers() const
{
    QStringList h;
    for (const Message &m : m_messages)
        h.append(m.header);
    return h;
}

QList<QStringList> DBusMonitorLog::valuesOf(const QString &member) const
{
    QList<QStringList> found;
    for (const Message &m : m_messages) {
        if (m.header.endsWith(QLatin1String("member=") + member))
            found.append(m.values);
    }
    return found;
}

void DBusMonitorLog::take(const QString &line)
{
    static const QRegularExpression headerRe(
        QStringLiteral("^(method call|signal|method return|error) time="));
    if (headerRe.match(line).hasMatch()) {
        m_messages.append({line.trimmed(), {}});
        return;
    }
    if (m_messages.isEmpty())
        return;
    QStringList &values = m_messages.last().values;
    if (m_inString) {
        m_string += u'\n' + line;
        if (line.endsWith(QLatin1Char('"'))) {
            m_inString = false;
            values.append(QStringLiteral("string:") + m_string.chopped(1));
        }
        return;
    }
    QString t = line.trimmed();
    if (t.startsWith(QLatin1String("variant")))
        t = t.mid(7).trimmed();
    if (t.startsWith(QLatin1String("string \""))) {
        const QString rest = t.mid(8);
        if (rest.endsWith(QLatin1Char('"'))) {
            values.append(QStringLiteral("string:") + rest.chopped(1));
        } else {
            m_inString = true;
            m_string = rest;
        }
    } else if (t.startsWith(QLatin1String("array ["))) {
        values.append(QStringLiteral("["));
    } else if (t == QLatin1String("]")) {
        values.append(QStringLiteral("]"));
    } else if (const qsizetype space = t.indexOf(u' '); space > 0 && !t.startsWith(QLatin1String("dict"))) {
        values.append(t.left(space) + u':' + t.mid(space + 1));
    }
}

NotifyCall DBusMonitorLog::parseNotify(const QStringList &v)
{
    // (app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout)
    NotifyCall c;
    auto text = [](const QString &value) { return value.mid(value.indexOf(u':') + 1); };
    if (v.size() < 8)
        return c;
    c.app = text(v[0]);
    c.replaces = text(v[1]).toUInt();
    c.summary = text(v[3]);
    c.body = text(v[4]);
    qsizetype i = 6; // v[5] opens the actions
    for (; i < v.size() && v[i] != QLatin1String("]"); ++i)
        c.actions.append(text(v[i]));
    for (i += 2; i + 1 < v.size() && v[i] != QLatin1String("]"); i += 2) {
        if (v[i] == QLatin1String("string:urgency"))
            c.urgency = text(v[i + 1]).toInt();
        else if (v[i] == QLatin1String("string:desktop-entry"))
            c.desktopEntry = text(v[i + 1]);
    }
    return c;
}

} // namespace mm::test
