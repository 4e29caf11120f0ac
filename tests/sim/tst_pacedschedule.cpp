// SPDX-License-Identifier: GPL-3.0-or-later
// The paced demo schedule on a fake clock: start spacing, lifecycle spans, every outcome, a busy
// first minute, held-back events, pings, finite runs and determinism apart from the start time.
#include "sim/pacedschedule.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <algorithm>

using namespace mm::sim;

namespace {
constexpr qint64 OriginUs = 1'750'207'840'000'000LL; // 2025-06-18T00:50:40
constexpr qint64 Second = 1'000'000;
constexpr qint64 Minute = 60 * Second;
constexpr qint64 Slack = 1000; // a millisecond for rounding

PacedSchedule::Options options(quint64 seed, bool outOfOrder = false, qint64 originUs = OriginUs)
{
    PacedSchedule::Options o;
    o.pacing.enabled = true;
    o.lifecycle.seed = seed;
    o.originUs = originUs;
    o.outOfOrder = outOfOrder;
    return o;
}

struct Sent
{
    qint64 atUs;
    GeneratedEvent event;
};

// A fake clock that jumps from one due time to the next, taking everything due at each.
QList<Sent> run(PacedSchedule &schedule, qint64 untilUs, qint64 originUs = OriginUs)
{
    QList<Sent> out;
    qint64 now = originUs;
    while (now <= untilUs) {
        while (std::optional<GeneratedEvent> event = schedule.takeDue(now))
            out.append(Sent {now, std::move(*event)});
        const qint64 next = schedule.nextDueUs();
        if (next == PacedSchedule::Never)
            break;
        now = qMax(next, now + 1);
    }
    return out;
}

qint64 parseUs(const QString &timestamp)
{
    const QDateTime seconds(QDate::fromString(timestamp.left(10), Qt::ISODate),
                            QTime::fromString(timestamp.mid(11, 8), Qt::ISODate), Qt::UTC);
    return seconds.toMSecsSinceEpoch() * 1000 + timestamp.mid(20, 6).toLongLong();
}

struct Lifecycle
{
    qint64 recordUs = 0; // data.object.created
    QList<Sent> sent; // in the order sent
    QList<GeneratedEvent> planned() const // in "created" order
    {
        QList<GeneratedEvent> out;
        for (const Sent &s : sent)
            out.append(s.event);
        std::sort(out.begin(), out.end(),
                  [](const GeneratedEvent &a, const GeneratedEvent &b) { return a.createdUs < b.createdUs; });
        return out;
    }
    const GeneratedEvent *terminal() const
    {
        for (const Sent &s : sent)
            if (s.event.type == "migration.completed" || s.event.type == "migration.failed")
                return &s.event;
        return nullptr;
    }
    qint64 sentAt(const GeneratedEvent &event) const
    {
        for (const Sent &s : sent)
            if (s.event.eventId == event.eventId)
                return s.atUs;
        return -1;
    }
};

// Migrations in the order they started (by their record's "created").
QList<Lifecycle> lifecycles(const QList<Sent> &sent)
{
    QHash<QByteArray, Lifecycle> byId;
    for (const Sent &s : sent) {
        if (s.event.migrationId.isEmpty())
            continue;
        Lifecycle &l = byId[s.event.migrationId];
        l.sent.append(s);
        if (s.event.type != "migration_task.failed") {
            const QJsonObject object = QJsonDocument::fromJson(s.event.body)
                                           .object()
                                           .value(u"data")
                                           .toObject()
                                           .value(u"object")
                                           .toObject();
            const qint64 record = parseUs(object.value(u"created").toString());
            if (l.recordUs != 0 && l.recordUs != record)
                qWarning("data.object.created differs within %s", s.event.migrationId.constData());
            l.recordUs = record;
        }
    }
    QList<Lifecycle> out = byId.values();
    std::sort(out.begin(), out.end(),
              [](const Lifecycle &a, const Lifecycle &b) { return a.recordUs < b.recordUs; });
    return out;
}
} // namespace

class TestPacedSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstMigrationStartsAtOnce();
    void startsAreSpacedAndOverlap();
    void lifecyclesUnfoldOverMinutes();
    void everyOutcomeAppears();
    void firstMinuteShowsLiveCompletedAndFailed();
    void outOfOrderHoldsSomeBack();
    void deterministicApartFromTheOrigin();
    void finiteRunWithPings();
    void timeScaleShrinksEverything();
};

void TestPacedSchedule::firstMigrationStartsAtOnce()
{
    PacedSchedule schedule(options(1));
    QVERIFY(!schedule.takeDue(OriginUs)); // its webhook follows the record by a moment
    QVERIFY(schedule.nextDueUs() > OriginUs && schedule.nextDueUs() <= OriginUs + Second / 2);
    const QList<Sent> sent = run(schedule, OriginUs + Second);
    QVERIFY(!sent.isEmpty());
    QCOMPARE(sent.first().event.type, QByteArrayLiteral("migration.created"));
    QCOMPARE(sent.first().atUs, sent.first().event.createdUs);
    QCOMPARE(lifecycles(sent).first().recordUs, OriginUs);
    QCOMPARE(schedule.migrationsStarted(), 1);
    QVERIFY(!schedule.exhausted());
}

void TestPacedSchedule::startsAreSpacedAndOverlap()
{
    const PacingOptions pacing;
    PacedSchedule schedule(options(2));
    const QList<Lifecycle> all = lifecycles(run(schedule, OriginUs + 10 * Minute));
    // A few a minute: every 10–25 s after the quicker warm-up.
    QVERIFY2(all.size() >= 24 && all.size() <= 62, qPrintable(QString::number(all.size())));
    for (qsizetype i = 1; i < all.size(); ++i) {
        const qint64 gap = all.at(i).recordUs - all.at(i - 1).recordUs;
        const bool warmup = i < pacing.warmup;
        const double minS = warmup ? pacing.warmupGapMinS : pacing.startGapMinS;
        const double maxS = warmup ? pacing.warmupGapMaxS : pacing.startGapMaxS;
        QVERIFY2(gap >= qint64(minS * Second) - Slack && gap <= qint64(maxS * Second) + Slack,
                 qPrintable(QStringLiteral("gap %1 before migration %2").arg(gap).arg(i)));
    }
    // Several run at once: count the migrations live every 10 s after the first three minutes.
    int samples = 0, liveTotal = 0, liveMax = 0;
    for (qint64 t = OriginUs + 3 * Minute; t <= OriginUs + 8 * Minute; t += 10 * Second) {
        int live = 0;
        for (const Lifecycle &l : all)
            live += l.recordUs <= t && l.terminal() && l.terminal()->createdUs > t;
        ++samples;
        liveTotal += live;
        liveMax = qMax(liveMax, live);
    }
    QVERIFY2(liveTotal >= 3 * samples, qPrintable(QString::number(double(liveTotal) / samples)));
    QVERIFY(liveMax >= 4);
}

void TestPacedSchedule::lifecyclesUnfoldOverMinutes()
{
    const PacingOptions pacing;
    PacedSchedule schedule(options(3));
    const QList<Lifecycle> all = lifecycles(run(schedule, OriginUs + 15 * Minute));
    int checked = 0;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Lifecycle &l = all.at(i);
        if (l.recordUs > OriginUs + 10 * Minute)
            break; // may still be running at the end of the run
        const QList<GeneratedEvent> events = l.planned();
        QVERIFY(events.size() >= 3);
        QCOMPARE(events.first().type, QByteArrayLiteral("migration.created"));
        QCOMPARE(events.at(1).type, QByteArrayLiteral("migration.started"));
        for (qsizetype k = 2; k + 1 < events.size(); ++k)
            QCOMPARE(events.at(k).type, QByteArrayLiteral("migration_task.failed"));
        QCOMPARE(l.terminal(), &l.sent.last().event); // in order: the terminal event comes last
        QCOMPARE(events.last().eventId, l.terminal()->eventId);
        for (qsizetype k = 1; k < events.size(); ++k)
            QVERIFY(events.at(k).createdUs > events.at(k - 1).createdUs);

        QVERIFY(events.first().createdUs > l.recordUs);
        QVERIFY(events.first().createdUs <= l.recordUs + Second / 2);
        const qint64 startDelay = events.at(1).createdUs - events.first().createdUs;
        QVERIFY2(startDelay >= qint64(pacing.startDelayMinS * Second) - Slack
                     && startDelay <= qint64(pacing.startDelayMaxS * Second) + Slack,
                 qPrintable(QString::number(startDelay)));
        const bool warmup = i < pacing.warmup;
        const qint64 span = events.last().createdUs - l.recordUs;
        const double minS = warmup ? pacing.warmupSpanMinS : pacing.spanMinS;
        const double maxS = warmup ? pacing.warmupSpanMaxS : pacing.spanMaxS;
        QVERIFY2(span >= qint64(minS * Second) - Slack && span <= qint64(maxS * Second) + Slack,
                 qPrintable(QStringLiteral("span %1 of migration %2").arg(span).arg(i)));
        // In order, each event is sent exactly when it is dated.
        for (const Sent &s : l.sent)
            QCOMPARE(s.atUs, s.event.createdUs);
        ++checked;
    }
    QVERIFY(checked >= 24);
}

void TestPacedSchedule::everyOutcomeAppears()
{
    const QSet<QByteArray> everyOutcome {"COMPLETE", "COMPLETED_WITH_FAILURES", "FAILED"};
    QSet<QByteArray> afterWarmup;
    int taskFailures = 0;
    for (quint64 seed = 1; seed <= 6; ++seed) {
        PacedSchedule schedule(options(seed, true));
        const QList<Lifecycle> all = lifecycles(run(schedule, OriginUs + 12 * Minute));
        QVERIFY(all.size() >= 20);
        QSet<QByteArray> outcomes;
        for (qsizetype i = 0; i < 20; ++i) {
            const GeneratedEvent *terminal = all.at(i).terminal();
            QVERIFY2(terminal, qPrintable(QStringLiteral("seed %1 migration %2").arg(seed).arg(i)));
            outcomes.insert(terminal->status);
            if (i >= 3)
                afterWarmup.insert(terminal->status);
            for (const Sent &s : all.at(i).sent)
                taskFailures += s.event.type == "migration_task.failed";
        }
        QCOMPARE(outcomes, everyOutcome);
        // The warm-up ends one of each way.
        QCOMPARE(all.at(0).terminal()->status, QByteArrayLiteral("COMPLETED_WITH_FAILURES"));
        QCOMPARE(all.at(1).terminal()->status, QByteArrayLiteral("FAILED"));
        QCOMPARE(all.at(2).terminal()->status, QByteArrayLiteral("COMPLETE"));
    }
    QCOMPARE(afterWarmup, everyOutcome); // drawn, not only forced
    QVERIFY(taskFailures >= 30);
}

void TestPacedSchedule::firstMinuteShowsLiveCompletedAndFailed()
{
    for (quint64 seed = 1; seed <= 10; ++seed) {
        PacedSchedule schedule(options(seed, true));
        const qint64 minute = OriginUs + Minute;
        const QList<Sent> sent = run(schedule, minute);
        qint64 firstOutcomeUs = -1;
        bool completed = false, failed = false, taskFailed = false;
        for (const Sent &s : sent) {
            const bool terminal = s.event.type == "migration.completed" || s.event.type == "migration.failed";
            if (terminal && firstOutcomeUs < 0)
                firstOutcomeUs = s.atUs;
            completed |= s.event.type == "migration.completed";
            failed |= s.event.type == "migration.failed";
            taskFailed |= s.event.type == "migration_task.failed";
        }
        const QString where = QStringLiteral("seed %1").arg(seed);
        QVERIFY2(firstOutcomeUs >= 0 && firstOutcomeUs - OriginUs <= Minute, qPrintable(where));
        QVERIFY2(completed && failed && taskFailed, qPrintable(where));
        int live = 0;
        for (const Lifecycle &l : lifecycles(sent))
            live += l.terminal() == nullptr;
        QVERIFY2(live >= 1, qPrintable(where));
    }
}

void TestPacedSchedule::outOfOrderHoldsSomeBack()
{
    const PacingOptions pacing;
    PacedSchedule schedule(options(4, true));
    const QList<Lifecycle> all = lifecycles(run(schedule, OriginUs + 45 * Minute));
    int held = 0, events = 0;
    for (const Lifecycle &l : all) {
        if (!l.terminal())
            continue;
        const QList<GeneratedEvent> planned = l.planned();
        for (qsizetype k = 0; k < planned.size(); ++k) {
            ++events;
            const qint64 at = l.sentAt(planned.at(k));
            if (at == planned.at(k).createdUs)
                continue;
            // Held back: sent after the next event was dated, and not long after.
            ++held;
            QVERIFY(k + 1 < planned.size()); // the terminal event is never held
            const qint64 next = planned.at(k + 1).createdUs;
            QVERIFY(at > next);
            QVERIFY(at <= next + 2 * Second + Slack);
        }
    }
    QVERIFY2(events >= 400, qPrintable(QString::number(events)));
    // About holdBack of the events that have a successor.
    QVERIFY2(held >= events * pacing.holdBack / 3 && held <= events * pacing.holdBack,
             qPrintable(QStringLiteral("%1 of %2").arg(held).arg(events)));
}

void TestPacedSchedule::deterministicApartFromTheOrigin()
{
    const qint64 laterUs = OriginUs + 12'345'678'901LL;
    PacedSchedule a(options(42, true)), b(options(42, true)), c(options(42, true, laterUs)),
        d(options(43, true));
    const QList<Sent> sentA = run(a, OriginUs + 10 * Minute);
    const QList<Sent> sentB = run(b, OriginUs + 10 * Minute);
    const QList<Sent> sentC = run(c, laterUs + 10 * Minute, laterUs);
    const QList<Sent> sentD = run(d, OriginUs + 10 * Minute);
    QVERIFY(sentA.size() > 100);
    QCOMPARE(sentB.size(), sentA.size());
    QCOMPARE(sentC.size(), sentA.size());
    bool differs = sentD.size() != sentA.size();
    for (qsizetype i = 0; i < sentA.size(); ++i) {
        QCOMPARE(sentB.at(i).atUs, sentA.at(i).atUs);
        QCOMPARE(sentB.at(i).event.msgId, sentA.at(i).event.msgId);
        QCOMPARE(sentB.at(i).event.body, sentA.at(i).event.body);
        QCOMPARE(sentC.at(i).atUs - laterUs, sentA.at(i).atUs - OriginUs);
        QCOMPARE(sentC.at(i).event.createdUs - laterUs, sentA.at(i).event.createdUs - OriginUs);
        QCOMPARE(sentC.at(i).event.type, sentA.at(i).event.type);
        QCOMPARE(sentC.at(i).event.status, sentA.at(i).event.status);
        if (i < sentD.size())
            differs |= sentD.at(i).atUs - OriginUs != sentA.at(i).atUs - OriginUs;
    }
    QVERIFY(differs);
}

void TestPacedSchedule::finiteRunWithPings()
{
    PacedSchedule::Options o = options(5, true);
    o.migrations = 4;
    o.pings = 2;
    PacedSchedule schedule(o);
    const QList<Sent> sent = run(schedule, OriginUs + 60 * Minute);
    QVERIFY(schedule.exhausted());
    QCOMPARE(schedule.nextDueUs(), PacedSchedule::Never);
    QVERIFY(!schedule.takeDue(OriginUs + 120 * Minute));
    QCOMPARE(schedule.migrationsStarted(), 4);
    const QList<Lifecycle> all = lifecycles(sent);
    QCOMPARE(all.size(), 4);
    for (const Lifecycle &l : all)
        QVERIFY(l.terminal());
    int pings = 0;
    for (const Sent &s : sent) {
        if (s.event.type != "svix.ping")
            continue;
        ++pings;
        QCOMPARE(s.atUs, s.event.createdUs);
        QVERIFY(s.atUs - OriginUs <= 2 * Minute);
    }
    QCOMPARE(pings, 2);
}

void TestPacedSchedule::timeScaleShrinksEverything()
{
    PacedSchedule::Options o = options(6, true);
    o.pacing.timeScale = 0.001;
    o.migrations = 10;
    PacedSchedule schedule(o);
    const QList<Sent> sent = run(schedule, OriginUs + Minute);
    QVERIFY(schedule.exhausted());
    const QList<Lifecycle> all = lifecycles(sent);
    QCOMPARE(all.size(), 10);
    for (const Lifecycle &l : all) {
        const qint64 span = l.terminal()->createdUs - l.recordUs;
        QVERIFY2(span >= 20'000 - Slack && span <= 180'000 + Slack, qPrintable(QString::number(span)));
        QVERIFY(l.planned().at(1).createdUs > l.planned().at(0).createdUs);
    }
    QVERIFY(all.last().recordUs - OriginUs <= 10 * 25'000);
}

QTEST_GUILESS_MAIN(TestPacedSchedule)
#include "tst_pacedschedule.moc"
