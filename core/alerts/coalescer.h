// SPDX-License-Identifier: GPL-3.0-or-later
// Turns a stream of alerts into few notifications: at most one per migration per 30 s and
// five a minute overall; bursts become one summary that replaces the earlier notification.
#pragma once

#include "alertrules.h"

#include <QHash>
#include <QMap>
#include <deque>

namespace mm {

// One notification to show. Ids are the coalescer's own; the notifier maps them to the
// server's. A notification that replaces keeps the id of the one it replaces.
struct Notification
{
    quint32 id = 0;
    bool replaces = false; // update notification id in place rather than adding one
    QString migrationId; // what "Open migration" opens; empty when none applies
    QString title;
    QString body;
    AlertUrgency urgency = AlertUrgency::Normal;
    int alerts = 1; // how many alerts it sums up, over the whole burst

    bool operator==(const Notification &) const = default;
};

class Coalescer final
{
public:
    using Clock = std::function<qint64()>; // milliseconds, any epoch

    static constexpr qint64 PerMigrationMs = 30 * 1000;
    static constexpr qint64 WindowMs = 60 * 1000;
    static constexpr int PerWindow = 5;
    // A key quiet for this long starts a new burst: counts start again from one.
    static constexpr qint64 BurstGapMs = 5 * 60 * 1000;

    explicit Coalescer(Clock clock);

    // Takes an alert; returns what to show now (often nothing: it is held for a summary).
    QList<Notification> add(const Alert &alert);
    // What is due now from held alerts. Call it at nextDue().
    QList<Notification> poll();
    // When poll() may next have something (clock ms), or -1 when nothing is held.
    qint64 nextDue() const;
    // The server closed notification id; byUser: the user dismissed it, so the next alert
    // for its key starts a new burst.
    void closed(quint32 id, bool byUser);
    // Notifications shown within the last WindowMs (for tests and diagnostics).
    int shownInWindow() const;

    // What a burst holds: how many alerts of each kind, in which migrations.
    struct Tally
    {
        QMap<AlertKind, int> counts; // Alert::count summed per kind
        QSet<QString> migrations;
        QStringList firstMigrations; // the first few, in order of arrival
        Alert latest;
        Alert mostUrgent;
        int alerts = 0;
        void add(const Alert &alert);
        void merge(const Tally &other);
    };
    // The title and body that sum a tally up (exposed for tests): "37 task failures in mig_1",
    // "12 migrations failed". migrationId is the group's migration, empty for a storm.
    static std::pair<QString, QString> summary(const Tally &tally, const QString &migrationId);

private:
    struct Group
    {
        QString migrationId;
        Tally burst; // everything since the burst began, shown or not
        Tally pending; // not shown yet
        bool isPending = false;
        qint64 firstPendingMs = 0;
        qint64 lastAlertMs = 0;
        qint64 lastShownMs = -1;
        quint32 shownId = 0;
        void take(const Alert &alert, qint64 now);
    };
    struct Shown
    {
        qint64 ms = 0;
        Tally tally;
    };

    Notification show(Group &g, qint64 now);
    void absorbIntoStorm(Group &g, qint64 now);
    static bool perKeyReady(const Group &g, qint64 now);
    void expire(qint64 now);

    Clock m_clock;
    QHash<QString, Group> m_groups; // by migration id, or "@kind" for app alerts
    Group m_storm; // what did not fit in the minute's budget
    std::deque<Shown> m_shown; // notifications within the window, oldest first
    quint32 m_nextId = 1;
};

} // namespace mm

Q_DECLARE_METATYPE(mm::Notification)
