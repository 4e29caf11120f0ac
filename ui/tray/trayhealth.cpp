// SPDX-License-Identifier: GPL-3.0-or-later
#include "trayhealth.h"

#include "model/migrationstatus.h"

#include <QLocale>

namespace mm {

TrayHealth::Failure TrayHealth::failureOf(const EventFacts &facts)
{
    switch (eventKindOf(facts.type)) {
    case EventKind::Failed:
        return Failure::MigrationFailed;
    case EventKind::TaskFailed:
        return Failure::TaskFailed;
    case EventKind::Completed:
        return statusFromString(facts.status) == MigrationStatus::CompletedWithFailures
            ? Failure::CompletedWithFailures
            : Failure::None;
    default:
        return Failure::None;
    }
}

bool TrayHealth::setListener(bool listening, const QUrl &url)
{
    const QUrl shown = listening ? url : QUrl();
    if (listening == m_listening && shown == m_url)
        return false;
    m_listening = listening;
    m_url = shown;
    return true;
}

bool TrayHealth::setAttended(bool attended)
{
    const bool changed = attended != m_attended;
    m_attended = attended;
    return (attended && clearUnseen()) || changed;
}

bool TrayHealth::noteDeliveries(const QList<EventFacts> &facts)
{
    if (m_attended)
        return false;
    const Counts before = m_unseen;
    for (const EventFacts &f : facts) {
        if (f.attempts > 1 || f.replayed)
            continue;
        switch (failureOf(f)) {
        case Failure::MigrationFailed:
            ++m_unseen.migrationsFailed;
            break;
        case Failure::CompletedWithFailures:
            ++m_unseen.completedWithFailures;
            break;
        case Failure::TaskFailed:
            ++m_unseen.taskFailures;
            break;
        case Failure::None:
            break;
        }
    }
    return !(m_unseen == before);
}

bool TrayHealth::clearUnseen()
{
    if (m_unseen.total() == 0)
        return false;
    m_unseen = Counts();
    return true;
}

bool TrayHealth::setAlertsPausedUntil(const QDateTime &until)
{
    const QDateTime next = until.isValid() ? until : QDateTime();
    if (next == m_pausedUntil)
        return false;
    m_pausedUntil = next;
    return true;
}

TrayHealth::State TrayHealth::state() const
{
    if (!m_listening)
        return State::ListenerDown;
    return m_unseen.total() > 0 ? State::UnseenFailures : State::Listening;
}

QString TrayHealth::toolTip(const QDateTime &now) const
{
    QStringList lines {tr("Migration Monitor")};
    lines.append(m_listening ? tr("Listening on %1").arg(m_url.toString())
                             : tr("Not listening: no webhooks are received"));
    if (m_unseen.total() == 0) {
        lines.append(tr("No unseen failures"));
    } else {
        // No translator is loaded for English, so plurals are spelled out rather than "%n (s)".
        QStringList parts;
        const Counts &u = m_unseen;
        if (u.migrationsFailed > 0)
            parts.append(u.migrationsFailed == 1 ? tr("1 migration failed")
                                                 : tr("%L1 migrations failed").arg(u.migrationsFailed));
        if (u.completedWithFailures > 0)
            parts.append(tr("%L1 completed with failures").arg(u.completedWithFailures));
        if (u.taskFailures > 0)
            parts.append(u.taskFailures == 1 ? tr("1 task failure")
                                             : tr("%L1 task failures").arg(u.taskFailures));
        lines.append(tr("Unseen: %1").arg(parts.join(QStringLiteral(", "))));
    }
    if (m_pausedUntil.isValid() && m_pausedUntil > now)
        lines.append(tr("Alerts paused until %1")
                         .arg(QLocale().toString(m_pausedUntil.toLocalTime().time(), QLocale::ShortFormat)));
    return lines.join(u'\n');
}

QString TrayHealth::badgeText(int count)
{
    if (count <= 0)
        return {};
    return count > 99 ? QStringLiteral("99+") : QString::number(count);
}

} // namespace mm
