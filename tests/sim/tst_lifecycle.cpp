// SPDX-License-Identifier: GPL-3.0-or-later
// The lifecycle generator: envelopes as WEBHOOKS.md describes them, Anon's status rules,
// id formats, increasing times, determinism and the vendor's unquoted-"created" quirk.
#include "sim/lifecyclegenerator.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace mm::sim;

namespace {
constexpr qint64 FixedNowUs = 1'750'207'840'301'173LL; // 2025-06-18T00:50:40.301173

LifecycleOptions fixedOptions(quint64 seed, double quirk = 0.0)
{
    LifecycleOptions o;
    o.seed = seed;
    o.seedQuirk = quirk;
    o.clockUs = [] { return FixedNowUs; };
    return o;
}

QList<QList<GeneratedEvent>> migrations(LifecycleGenerator &generator, int count)
{
    QList<QList<GeneratedEvent>> out;
    for (int i = 0; i < count; ++i)
        out.append(generator.nextMigration());
    return out;
}

QJsonObject parse(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qWarning("not a JSON object (%s): %s", qPrintable(error.errorString()), body.constData());
    return doc.object();
}

const QRegularExpression UlidId(QStringLiteral("^(evt|mig|usr|task)_[0-9A-HJKMNP-TV-Z]{26}$"));
const QRegularExpression MsgId(QStringLiteral("^msg_[0-9A-Za-z]{27}$"));
const QRegularExpression
    Uuid4(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
const QRegularExpression Timestamp(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}$"));

bool matches(const QRegularExpression &re, const QString &text)
{
    return re.match(text).hasMatch();
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

class TestLifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void envelopesMatchTheSchema();
    void lifecycleOrderAndTerminalRules();
    void idFormatsAndUniqueness();
    void createdIncreasesWithinAMigration();
    void deterministicForASeed();
    void quirkWritesCreatedUnquoted();
    void pingIsSvixsExampleBody();
    void formatTimestamp_data();
    void formatTimestamp();
};

void TestLifecycle::envelopesMatchTheSchema()
{
    LifecycleGenerator generator(fixedOptions(7));
    const auto all = migrations(generator, 200);
    int checked = 0;
    for (const QList<GeneratedEvent> &events : all) {
        for (const GeneratedEvent &event : events) {
            const QJsonObject root = parse(event.body);
            QVERIFY2(!root.isEmpty(), event.body.constData());
            QCOMPARE(root.keys().size(), 5);
            QCOMPARE(str(root, "object"), QStringLiteral("event"));
            QCOMPARE(str(root, "id").toLatin1(), event.eventId);
            QCOMPARE(str(root, "type").toLatin1(), event.type);
            QVERIFY(matches(Timestamp, str(root, "created")));
            QCOMPARE(str(root, "created").toLatin1(), LifecycleGenerator::formatTimestamp(event.createdUs));

            const QJsonObject data = root.value(u"data").toObject();
            QCOMPARE(str(data, "migration_id").toLatin1(), event.migrationId);
            const QJsonObject object = data.value(u"object").toObject();
            const bool failedType = event.type.endsWith(".failed");
            QCOMPARE(data.contains(u"error_message"), failedType);
            if (failedType)
                QVERIFY(!str(data, "error_message").isEmpty());

            if (event.type == "migration_task.failed") {
                QCOMPARE(str(object, "object"), QStringLiteral("migration_task"));
                QVERIFY(str(object, "id").startsWith(u"task_"));
                QCOMPARE(str(object, "migration_id").toLatin1(), event.migrationId);
                QCOMPARE(str(object, "status"), QStringLiteral("FAILED"));
                QCOMPARE(str(object, "error_message"), str(data, "error_message"));
                ++checked;
                continue;
            }
            const QStringList keys {
                QStringLiteral("company_id"), QStringLiteral("created"), QStringLiteral("created_by_user_id"),
                QStringLiteral("id"),         QStringLiteral("object"),  QStringLiteral("status")};
            QCOMPARE(object.keys(), keys); // QJsonObject keys are sorted
            QCOMPARE(str(object, "object"), QStringLiteral("migration"));
            QCOMPARE(str(object, "id").toLatin1(), event.migrationId);
            QCOMPARE(str(object, "status").toLatin1(), event.status);
            QVERIFY(matches(Timestamp, str(object, "created")));

            const QByteArray &type = event.type;
            const QString status = str(object, "status");
            if (type == "migration.created")
                QCOMPARE(status, QStringLiteral("NOT_STARTED"));
            else if (type == "migration.started")
                QCOMPARE(status, QStringLiteral("WORKING"));
            else if (type == "migration.completed")
                QVERIFY(status == u"COMPLETE" || status == u"COMPLETED_WITH_FAILURES");
            else if (type == "migration.failed")
                QCOMPARE(status, QStringLiteral("FAILED"));
            else
                QFAIL(type.constData());
            ++checked;
        }
    }
    QVERIFY(checked >= 600);
}

void TestLifecycle::lifecycleOrderAndTerminalRules()
{
    LifecycleGenerator generator(fixedOptions(11));
    QSet<QByteArray> terminalStatuses;
    int withTaskFailures = 0;
    for (const QList<GeneratedEvent> &events : migrations(generator, 500)) {
        QVERIFY(events.size() >= 3);
        QCOMPARE(events.at(0).type, QByteArrayLiteral("migration.created"));
        QCOMPARE(events.at(1).type, QByteArrayLiteral("migration.started"));
        int taskFailures = 0;
        for (qsizetype i = 2; i + 1 < events.size(); ++i) {
            QCOMPARE(events.at(i).type, QByteArrayLiteral("migration_task.failed"));
            ++taskFailures;
        }
        const GeneratedEvent &last = events.constLast();
        if (last.type == "migration.completed")
            QCOMPARE(last.status,
                     taskFailures > 0 ? QByteArrayLiteral("COMPLETED_WITH_FAILURES")
                                      : QByteArrayLiteral("COMPLETE"));
        else
            QCOMPARE(last.type, QByteArrayLiteral("migration.failed"));
        for (const GeneratedEvent &event : events)
            QCOMPARE(event.migrationId, events.at(0).migrationId);
        terminalStatuses.insert(last.status);
        withTaskFailures += taskFailures > 0;
    }
    const QSet<QByteArray> expected {"COMPLETE", "COMPLETED_WITH_FAILURES", "FAILED"};
    QCOMPARE(terminalStatuses, expected);
    QVERIFY(withTaskFailures > 50);
    QCOMPARE(generator.migrationsGenerated(), 500);
}

void TestLifecycle::idFormatsAndUniqueness()
{
    LifecycleGenerator generator(fixedOptions(3));
    QSet<QByteArray> eventIds, msgIds, migrationIds;
    int events = 0;
    for (const QList<GeneratedEvent> &lifecycle : migrations(generator, 300)) {
        QVERIFY(!migrationIds.contains(lifecycle.at(0).migrationId));
        migrationIds.insert(lifecycle.at(0).migrationId);
        for (const GeneratedEvent &event : lifecycle) {
            ++events;
            eventIds.insert(event.eventId);
            msgIds.insert(event.msgId);
            QVERIFY2(matches(UlidId, QString::fromLatin1(event.eventId)), event.eventId.constData());
            QVERIFY(event.eventId.startsWith("evt_"));
            QVERIFY2(matches(MsgId, QString::fromLatin1(event.msgId)), event.msgId.constData());
            QVERIFY(matches(UlidId, QString::fromLatin1(event.migrationId)));
            QVERIFY(event.migrationId.startsWith("mig_"));
            if (event.type == "migration_task.failed") {
                const QJsonObject task
                    = parse(event.body).value(u"data").toObject().value(u"object").toObject();
                QVERIFY(matches(UlidId, str(task, "id")));
                continue;
            }
            const QJsonObject object
                = parse(event.body).value(u"data").toObject().value(u"object").toObject();
            QVERIFY2(matches(Uuid4, str(object, "company_id")), qPrintable(str(object, "company_id")));
            QVERIFY(matches(UlidId, str(object, "created_by_user_id")));
            QVERIFY(str(object, "created_by_user_id").startsWith(u"usr_"));
        }
    }
    QCOMPARE(eventIds.size(), events);
    QCOMPARE(msgIds.size(), events);
}

void TestLifecycle::createdIncreasesWithinAMigration()
{
    // The real clock here: times must increase even when the clock does not move between events.
    LifecycleGenerator generator(LifecycleOptions {});
    for (const QList<GeneratedEvent> &events : migrations(generator, 200)) {
        const QJsonObject first
            = parse(events.at(0).body).value(u"data").toObject().value(u"object").toObject();
        const QString migrationCreated = str(first, "created");
        QByteArray previous;
        for (const GeneratedEvent &event : events) {
            const QByteArray created = LifecycleGenerator::formatTimestamp(event.createdUs);
            // Fixed width, so text order is time order.
            QVERIFY2(created > previous, created.constData());
            QVERIFY(QString::fromLatin1(created) > migrationCreated);
            previous = created;
            if (event.type != "migration_task.failed") {
                const QJsonObject object
                    = parse(event.body).value(u"data").toObject().value(u"object").toObject();
                QCOMPARE(str(object, "created"), migrationCreated);
                QCOMPARE(str(object, "company_id"), str(first, "company_id"));
                QCOMPARE(str(object, "created_by_user_id"), str(first, "created_by_user_id"));
            }
        }
        // Close to the wall clock: generated now, a couple of seconds ahead at most.
        const qint64 nowUs = QDateTime::currentMSecsSinceEpoch() * 1000;
        QVERIFY(qAbs(events.constLast().createdUs - nowUs) < 10'000'000);
    }
}

void TestLifecycle::deterministicForASeed()
{
    LifecycleGenerator a(fixedOptions(42)), b(fixedOptions(42)), c(fixedOptions(43));
    QByteArray allA, allB, allC;
    for (int i = 0; i < 50; ++i) {
        for (const GeneratedEvent &e : a.nextMigration())
            allA += e.msgId + e.body;
        for (const GeneratedEvent &e : b.nextMigration())
            allB += e.msgId + e.body;
        for (const GeneratedEvent &e : c.nextMigration())
            allC += e.msgId + e.body;
    }
    allA += a.ping().msgId;
    allB += b.ping().msgId;
    QCOMPARE(allA, allB);
    QVERIFY(allA != allC);
}

void TestLifecycle::quirkWritesCreatedUnquoted()
{
    const QRegularExpression unquoted(
        QStringLiteral("^\\{\"id\": \"evt_[0-9A-Z]{26}\", \"object\": \"event\", \"created\": "
                       "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}, \"type\": "));
    LifecycleGenerator always(fixedOptions(5, 1.0));
    for (const GeneratedEvent &event : always.nextMigration()) {
        QVERIFY(event.quirk);
        QVERIFY2(matches(unquoted, QString::fromLatin1(event.body)), event.body.constData());
        QJsonParseError error;
        QJsonDocument::fromJson(event.body, &error);
        QVERIFY(error.error != QJsonParseError::NoError);
        // Quoting the value is all it takes to make it the normal envelope.
        const QByteArray ts = LifecycleGenerator::formatTimestamp(event.createdUs);
        QByteArray fixed = event.body;
        fixed.replace(QByteArray("\"created\": " + ts + ','), QByteArray("\"created\": \"" + ts + "\","));
        QCOMPARE(str(parse(fixed), "created").toLatin1(), ts);
    }

    LifecycleGenerator never(fixedOptions(5, 0.0));
    LifecycleGenerator half(fixedOptions(5, 0.5));
    int quirks = 0, total = 0;
    for (int i = 0; i < 100; ++i) {
        for (const GeneratedEvent &event : never.nextMigration())
            QVERIFY(!event.quirk && !matches(unquoted, QString::fromLatin1(event.body)));
        for (const GeneratedEvent &event : half.nextMigration()) {
            ++total;
            quirks += matches(unquoted, QString::fromLatin1(event.body)) ? 1 : 0;
            QCOMPARE(event.quirk, matches(unquoted, QString::fromLatin1(event.body)));
        }
    }
    QVERIFY(quirks > total / 4 && quirks < total * 3 / 4);
}

void TestLifecycle::pingIsSvixsExampleBody()
{
    // Svix's "send example" (an endpoint's Testing tab) posts its own example payload, these
    // bytes exactly: no envelope, no type, no id. Only the svix-id header names the message.
    for (const double quirk : {0.0, 1.0}) { // no "created" for the seed quirk to unquote
        LifecycleGenerator generator(fixedOptions(9, quirk));
        const GeneratedEvent ping = generator.ping();
        QCOMPARE(ping.body, QByteArrayLiteral("{\"success\": true}"));
        QCOMPARE(ping.type, QByteArrayLiteral("svix.ping")); // what the simulator sent, for its counts
        QVERIFY(ping.eventId.isEmpty());
        QVERIFY(ping.migrationId.isEmpty());
        QVERIFY(!ping.quirk);
        QVERIFY(matches(MsgId, QString::fromLatin1(ping.msgId)));
        const QJsonObject root = parse(ping.body);
        QCOMPARE(root.keys(), QStringList {QStringLiteral("success")});
        QCOMPARE(root.value(u"success").toBool(false), true);
    }
}

void TestLifecycle::formatTimestamp_data()
{
    QTest::addColumn<qint64>("us");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("epoch") << qint64(0) << QByteArrayLiteral("1970-01-01T00:00:00.000000");
    QTest::addRow("seed example") << FixedNowUs << QByteArrayLiteral("2025-06-18T00:50:40.301173");
    QTest::addRow("leap day") << qint64(1'709'251'199'999'999LL)
                              << QByteArrayLiteral("2024-02-29T23:59:59.999999");
    QTest::addRow("before epoch") << qint64(-1) << QByteArrayLiteral("1969-12-31T23:59:59.999999");
    QTest::addRow("year 2100") << qint64(4'107'542'400'000'000LL)
                               << QByteArrayLiteral("2100-03-01T00:00:00.000000");
}

void TestLifecycle::formatTimestamp()
{
    QFETCH(qint64, us);
    QFETCH(QByteArray, expected);
    QCOMPARE(LifecycleGenerator::formatTimestamp(us), expected);
    // Agrees with QDateTime to the millisecond.
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(us >= 0 ? us / 1000 : (us - 999) / 1000, Qt::UTC);
    QCOMPARE(LifecycleGenerator::formatTimestamp(us).left(23),
             dt.toString(Qt::ISODateWithMs).left(23).toLatin1());
}

QTEST_GUILESS_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"
