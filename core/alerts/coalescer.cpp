// SPDX-License-Identifier: GPL-3.0-or-later
#include "coalescer.h"

#include <QCoreApplication>
#include <algorithm>
#include <tuple>

namespace mm {

namespace {
constexpr qsizetype NamedMigrations = 3; // a storm's body names this many

QString tr(const char *text)
{
    return QCoreApplication::translate("mm::Coalescer", text);
}

// Numbers are spelled out by hand: without a translation loaded, %n does not pluralise.
QString counted(int n, const char *one, const char *many)
{
    return (n == 1 ? tr(one) : tr(many)).arg(n);
}

QString groupKey(const Alert &alert)
{
    // Replayed alerts are summed up apart from live ones, so a summary never mixes them.
    if (alert.replayed)
        return QStringLiteral("replayed:") + alert.migrationId;
    if (!alert.migrationId.isEmpty())
        return alert.migrationId;
    return QStringLiteral("@%1").arg(int(alert.kind));
}

// "37 task failures", "2 quiet": one kind's share of a mixed burst.
QString share(AlertKind kind, int n)
{
    switch (kind) {
    case AlertKind::MigrationFailed:
        return counted(n, "%1 failed migration", "%1 failed migrations");
    case AlertKind::CompletedWithFailures:
        return counted(n, "%1 completed with failures", "%1 completed with failures");
    case AlertKind::TaskFailed:
        return counted(n, "%1 task failure", "%1 task failures");
    case AlertKind::Quiet:
        return counted(n, "%1 quiet", "%1 quiet");
    case AlertKind::OtherFailure:
        return counted(n, "%1 other failure", "%1 other failures");
    case AlertKind::Rejections:
        return counted(n, "%1 rejected delivery", "%1 rejected deliveries");
    case AlertKind::ListenerDown:
        return tr("receiver not listening");
    case AlertKind::StorageFull:
        return tr("storage full");
    }
    return QString();
}
} // namespace

void Coalescer::Tally::add(const Alert &alert)
{
    counts[alert.kind] += alert.count;
    if (!alert.migrationId.isEmpty() && !migrations.contains(alert.migrationId)) {
        migrations.insert(alert.migrationId);
        if (firstMigrations.size() < NamedMigrations)
            firstMigrations.append(alert.migrationId);
    }
    if (alerts == 0 || alert.urgency >= mostUrgent.urgency)
        mostUrgent = alert;
    latest = alert;
    ++alerts;
}

void Coalescer::Tally::merge(const Tally &other)
{
    if (other.alerts == 0)
        return;
    for (auto it = other.counts.cbegin(); it != other.counts.cend(); ++it)
        counts[it.key()] += it.value();
    for (const QString &id : other.firstMigrations) {
        if (firstMigrations.size() < NamedMigrations && !firstMigrations.contains(id))
            firstMigrations.append(id);
    }
    migrations.unite(other.migrations);
    if (alerts == 0 || other.mostUrgent.urgency >= mostUrgent.urgency)
        mostUrgent = other.mostUrgent;
    latest = other.latest;
    alerts += other.alerts;
}

std::pair<QString, QString> Coalescer::summary(const Tally &tally, const QString &migrationId)
{
    if (tally.alerts == 1)
        return {tally.latest.title, tally.latest.body};
    const int places = int(tally.migrations.size());
    QString names = tally.firstMigrations.join(QStringLiteral(", "));
    if (places > tally.firstMigrations.size())
        names = tr("%1 and %2 more").arg(names).arg(places - tally.firstMigrations.size());
    if (tally.counts.size() > 1) {
        QStringList parts;
        for (auto it = tally.counts.cbegin(); it != tally.counts.cend(); ++it)
            parts.append(share(it.key(), it.value()));
        const QString breakdown = parts.join(QStringLiteral(", "));
        if (!migrationId.isEmpty())
            return {tally.mostUrgent.title, tally.mostUrgent.body + u'\n' + breakdown};
        const QString title = places > 1 ? tr("%1 alerts in %2 migrations").arg(tally.alerts).arg(places)
                                         : tr("%1 alerts").arg(tally.alerts);
        return {title, names.isEmpty() ? breakdown : breakdown + u'\n' + names};
    }
    const AlertKind kind = tally.counts.firstKey();
    const int n = tally.counts.first();
    const QString latest = tr("Latest: %1").arg(tally.latest.body);
    switch (kind) {
    case AlertKind::TaskFailed:
        if (places <= 1) {
            const QString in = migrationId.isEmpty() ? tally.latest.migrationId : migrationId;
            return {counted(n, "%1 task failure in %2", "%1 task failures in %2").arg(in), latest};
        }
        return {counted(n, "%1 task failure", "%1 task failures") + tr(" in %1 migrations").arg(places),
                names + u'\n' + latest};
    case AlertKind::Rejections:
        return {counted(n, "%1 delivery rejected", "%1 deliveries rejected"),
                tr("The signing secret is likely wrong: compare it with the endpoint's in the Anon "
                   "dashboard.")};
    case AlertKind::ListenerDown:
    case AlertKind::StorageFull:
        return {tally.latest.title, tally.latest.body};
    case AlertKind::MigrationFailed:
    case AlertKind::CompletedWithFailures:
    case AlertKind::Quiet:
    case AlertKind::OtherFailure:
        break;
    }
    // One migration said the same thing twice (two distinct events): the latest says it all.
    if (!migrationId.isEmpty() || places <= 1)
        return {tally.latest.title, tally.latest.body};
    if (kind == AlertKind::MigrationFailed)
        return {counted(places, "%1 migration failed", "%1 migrations failed"), names};
    if (kind == AlertKind::CompletedWithFailures)
        return {
            counted(places, "%1 migration completed with failures", "%1 migrations completed with failures"),
            names};
    if (kind == AlertKind::OtherFailure)
        return {counted(places, "%1 migration reported a failure", "%1 migrations reported failures"),
                names + u'\n' + latest};
    return {counted(places, "%1 migration quiet", "%1 migrations quiet"), names};
}

void Coalescer::Group::take(const Alert &alert, qint64 now)
{
    if (burst.alerts > 0 && now - lastAlertMs > BurstGapMs)
        burst = Tally();
    burst.add(alert);
    pending.add(alert);
    lastAlertMs = now;
    if (!isPending) {
        isPending = true;
        firstPendingMs = now;
    }
}

Coalescer::Coalescer(Clock clock)
    : m_clock(std::move(clock))
{
    Q_ASSERT(m_clock);
}

QList<Notification> Coalescer::add(const Alert &alert)
{
    const qint64 now = m_clock();
    Group &g = m_groups[groupKey(alert)];
    g.migrationId = alert.migrationId;
    g.take(alert, now);
    return poll();
}

bool Coalescer::perKeyReady(const Group &g, qint64 now)
{
    return g.lastShownMs < 0 || now - g.lastShownMs >= PerMigrationMs;
}

void Coalescer::expire(qint64 now)
{
    while (!m_shown.empty() && m_shown.front().ms <= now - WindowMs)
        m_shown.pop_front();
    // Forget keys quiet for a whole burst gap: their next alert starts afresh anyway.
    m_groups.removeIf([now](const QHash<QString, Group>::iterator &it) {
        return !it->isPending && now - it->lastAlertMs > BurstGapMs;
    });
}

Notification Coalescer::show(Group &g, qint64 now)
{
    Notification n;
    n.replaces = g.shownId != 0;
    n.id = n.replaces ? g.shownId : m_nextId++;
    g.shownId = n.id;
    n.migrationId = g.migrationId;
    if (&g == &m_storm && g.burst.migrations.size() == 1)
        n.migrationId = *g.burst.migrations.cbegin();
    std::tie(n.title, n.body) = summary(g.burst, g.migrationId);
    const QString replayed = tr(" (replayed)");
    if (g.burst.latest.replayed && !n.title.endsWith(replayed))
        n.title += replayed;
    n.urgency = g.burst.mostUrgent.urgency;
    n.alerts = g.burst.alerts;
    // What this adds to the minute, for a storm summary that may follow.
    m_shown.push_back({now, g.pending});
    g.pending = Tally();
    g.isPending = false;
    g.lastShownMs = now;
    return n;
}

void Coalescer::absorbIntoStorm(Group &g, qint64 now)
{
    if (m_storm.burst.alerts > 0 && now - m_storm.lastAlertMs > BurstGapMs)
        m_storm.burst = Tally();
    // A new storm sums up the whole minute, including what was shown one by one.
    if (m_storm.burst.alerts == 0) {
        for (const Shown &s : m_shown)
            m_storm.burst.merge(s.tally);
    }
    m_storm.burst.merge(g.pending);
    m_storm.pending.merge(g.pending);
    m_storm.lastAlertMs = now;
    if (!m_storm.isPending) {
        m_storm.isPending = true;
        m_storm.firstPendingMs = now;
    }
    g.pending = Tally();
    g.isPending = false;
}

QList<Notification> Coalescer::poll()
{
    const qint64 now = m_clock();
    expire(now);
    QList<Group *> due;
    for (Group &g : m_groups) {
        if (g.isPending && perKeyReady(g, now))
            due.append(&g);
    }
    std::sort(due.begin(), due.end(),
              [](const Group *a, const Group *b) { return a->firstPendingMs < b->firstPendingMs; });
    QList<Notification> out;
    for (Group *g : std::as_const(due)) {
        // The last slot of the minute is kept for the storm's summary, and once a storm is
        // waiting, everything joins it rather than overtaking it.
        if (int(m_shown.size()) < PerWindow - 1 && !m_storm.isPending)
            out.append(show(*g, now));
        else
            absorbIntoStorm(*g, now);
    }
    if (m_storm.isPending && perKeyReady(m_storm, now) && int(m_shown.size()) < PerWindow)
        out.append(show(m_storm, now));
    return out;
}

qint64 Coalescer::nextDue() const
{
    qint64 next = -1;
    auto consider = [&next](qint64 at) { next = next < 0 ? at : std::min(next, at); };
    for (const Group &g : m_groups) {
        if (g.isPending)
            consider(g.lastShownMs < 0 ? g.firstPendingMs : g.lastShownMs + PerMigrationMs);
    }
    if (m_storm.isPending) {
        qint64 at = m_storm.lastShownMs < 0 ? m_storm.firstPendingMs : m_storm.lastShownMs + PerMigrationMs;
        if (int(m_shown.size()) >= PerWindow)
            at = std::max(at, m_shown.front().ms + WindowMs);
        consider(at);
    }
    return next;
}

void Coalescer::closed(quint32 id, bool byUser)
{
    auto forget = [id, byUser](Group &g) {
        if (g.shownId != id)
            return;
        g.shownId = 0;
        if (byUser)
            g.burst = g.pending; // seen and dismissed: only what is still held counts
    };
    for (Group &g : m_groups)
        forget(g);
    forget(m_storm);
}

int Coalescer::shownInWindow() const
{
    const qint64 now = m_clock();
    return int(std::count_if(m_shown.cbegin(), m_shown.cend(),
                             [now](const Shown &s) { return s.ms > now - WindowMs; }));
}

} // namespace mm
