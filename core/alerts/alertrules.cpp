// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertrules.h"

#include "model/failureadvice.h"
#include "model/migrationstatus.h"

#include <QCoreApplication>
#include <QDateTime>

namespace mm {

namespace {
constexpr qsizetype RememberedEvents = 20000;

QString tr(const char *text)
{
    return QCoreApplication::translate("mm::AlertRules", text);
}
} // namespace

AlertRules::AlertRules(Clock clock)
    : m_clock(std::move(clock))
{
}

qint64 AlertRules::now() const
{
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

void AlertRules::setSettings(const AlertSettings &settings)
{
    m_settings = settings;
    m_muted = QSet<QString>(settings.mutedMigrations.cbegin(), settings.mutedMigrations.cend());
}

void AlertRules::setMuted(const QString &migrationId, bool muted)
{
    if (muted == m_muted.contains(migrationId))
        return;
    if (muted) {
        m_muted.insert(migrationId);
        m_settings.mutedMigrations.append(migrationId);
    } else {
        m_muted.remove(migrationId);
        m_settings.mutedMigrations.removeAll(migrationId);
    }
}

bool AlertRules::isMuted(const QString &migrationId) const
{
    return !migrationId.isEmpty() && m_muted.contains(migrationId);
}

bool AlertRules::inQuietHours(qint64 ms) const
{
    if (!m_settings.quietHours || m_settings.quietStartMinute == m_settings.quietEndMinute)
        return false;
    const QTime t = QDateTime::fromMSecsSinceEpoch(ms).time();
    const int minute = t.hour() * 60 + t.minute();
    const int start = m_settings.quietStartMinute;
    const int end = m_settings.quietEndMinute;
    return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

bool AlertRules::isSilenced() const
{
    const qint64 t = now();
    return t < m_pausedUntilMs || inQuietHours(t);
}

bool AlertRules::allowed(const QString &migrationId) const
{
    return !isMuted(migrationId) && !isSilenced();
}

bool AlertRules::firstSighting(const EventFacts &f)
{
    const QString key
        = f.eventId.isEmpty() ? QStringLiteral("msg:") + QString::fromLatin1(f.msgId) : f.eventId;
    if (m_seen.contains(key))
        return false;
    m_seen.insert(key);
    m_seenOrder.push_back(key);
    if (qsizetype(m_seenOrder.size()) > RememberedEvents) {
        m_seen.remove(m_seenOrder.front());
        m_seenOrder.pop_front();
    }
    return true;
}

QList<Alert> AlertRules::facts(const QList<EventFacts> &facts)
{
    QList<Alert> alerts;
    for (const EventFacts &f : facts) {
        // Every live fact is remembered, even while silenced, so a later attempt stays quiet.
        // A replayed one was fed back in on purpose: it alerts again, and is not remembered.
        if (!f.parsed || (!f.replayed && (f.attempts > 1 || !firstSighting(f))))
            continue;
        const qsizetype before = alerts.size();
        const EventKind kind = eventKindOf(f.type);
        const QString &id = f.migrationId;
        if (kind == EventKind::Failed && m_settings.migrationFailed) {
            Alert a {AlertKind::MigrationFailed, id, tr("Migration failed"), QString(),
                     AlertUrgency::Critical};
            a.body = f.errorMessage.isEmpty() ? tr("%1 failed.").arg(id)
                                              : tr("%1 failed: %2").arg(id, f.errorMessage);
            alerts.append(a);
        } else if (kind == EventKind::Completed && m_settings.completedWithFailures
                   && statusFromString(f.status) == MigrationStatus::CompletedWithFailures) {
            alerts.append({AlertKind::CompletedWithFailures, id, tr("Migration completed with failures"),
                           tr("%1 completed, but some of its tasks failed.").arg(id), AlertUrgency::Normal});
        } else if (kind == EventKind::TaskFailed && m_settings.taskFailed) {
            Alert a {AlertKind::TaskFailed, id, tr("Task failed in %1").arg(id), QString(),
                     AlertUrgency::Normal};
            const QString task = f.taskId.isEmpty() ? tr("A task") : tr("Task %1").arg(f.taskId);
            a.body = f.errorMessage.isEmpty() ? tr("%1 failed.").arg(task)
                                              : tr("%1 failed: %2").arg(task, f.errorMessage);
            // The vendor's advice, with the task id to copy into the files API call.
            a.body += u'\n' + partialExtractionAdvice(f.taskId);
            alerts.append(a);
        } else if (kind == EventKind::Other && m_settings.otherFailures && isFailureType(f.type)) {
            // Types with a rule of their own (migration.failed, migration_task.failed) never get
            // here, so turning their rule off is not undone by this one, and nothing alerts twice.
            Alert a {AlertKind::OtherFailure, id, id.isEmpty() ? f.type : tr("%1 in %2").arg(f.type, id),
                     QString(), AlertUrgency::Normal};
            a.body = f.errorMessage.isEmpty()
                ? tr("An event of a type this app has no rule for; see the event log.")
                : f.errorMessage;
            alerts.append(a);
        }
        if (f.replayed && alerts.size() > before) {
            alerts.last().replayed = true;
            alerts.last().title += tr(" (replayed)");
        }
    }
    if (isSilenced())
        return {};
    alerts.removeIf([this](const Alert &a) { return isMuted(a.migrationId); });
    return alerts;
}

QList<Alert> AlertRules::quiet(const QStringList &migrationIds)
{
    QList<Alert> alerts;
    if (!m_settings.quietMigrations)
        return alerts;
    for (const QString &id : migrationIds) {
        if (allowed(id))
            alerts.append({AlertKind::Quiet, id, tr("Migration quiet"),
                           tr("%1 has sent no event for longer than its quiet threshold. Anon sends no "
                              "progress events, so this is often normal.")
                               .arg(id),
                           AlertUrgency::Low});
    }
    return alerts;
}

QList<Alert> AlertRules::rejected(int count)
{
    if (count <= 0)
        return {};
    const qint64 t = now();
    m_rejections.emplace_back(t, count);
    int inWindow = 0;
    while (!m_rejections.empty() && m_rejections.front().first <= t - AlertSettings::RejectionWindowMs)
        m_rejections.pop_front();
    for (const auto &r : m_rejections)
        inWindow += r.second;
    if (inWindow < AlertSettings::RejectionThreshold)
        return {};
    // These refusals are told now; the next alert needs a fresh run of them.
    m_rejections.clear();
    if (!m_settings.rejections || !allowed(QString()))
        return {};
    Alert a {AlertKind::Rejections, QString(), tr("Deliveries rejected"), QString(),
             AlertUrgency::Normal,  inWindow};
    a.body = tr("%1 deliveries were refused within a minute. The signing secret is likely wrong: "
                "compare it with the endpoint's in the Anon dashboard.")
                 .arg(inWindow);
    return {a};
}

QList<Alert> AlertRules::listenerStopped(const QString &reason)
{
    if (!m_settings.listener || !allowed(QString()))
        return {};
    QString body = tr("Deliveries are not being received; Svix retries them for about a day.");
    if (!reason.isEmpty())
        body = reason + u'\n' + body;
    return {{AlertKind::ListenerDown, QString(), tr("The receiver is not listening"), body,
             AlertUrgency::Critical}};
}

QList<Alert> AlertRules::storageFull(const QString &reason)
{
    if (!allowed(QString()))
        return {};
    QString body = tr("Deliveries are refused (503) until space is freed; Svix retries them. Nothing "
                      "acknowledged is lost, and receiving resumes by itself.");
    if (!reason.isEmpty())
        body = tr("The store cannot write: %1.").arg(reason) + u'\n' + body;
    return {{AlertKind::StorageFull, QString(), tr("Storage full"), body, AlertUrgency::Critical}};
}

} // namespace mm
