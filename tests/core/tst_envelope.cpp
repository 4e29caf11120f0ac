// SPDX-License-Identifier: GPL-3.0-or-later
// Tolerant envelope parsing: the seed's unquoted "created", zone-less timestamps with
// microseconds, unknown types and fields, and hostile or broken bodies.
#include "event/envelope.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace mm;

namespace {

// 2025-06-18T00:50:40Z, from `date -u -d 2025-06-18T00:50:40Z +%s`.
constexpr qint64 SeedCreatedSecs = 1750207840;
constexpr qint64 SeedCreatedUs = SeedCreatedSecs * 1000000 + 301173;

// The seed document's envelope example, verbatim except that the `/* resource object */`
// placeholder holds the seed's own migration object and <event_type> is left as is.
const QByteArray SeedExample = QByteArrayLiteral(R"({
  "id": "evt_01HX4J1SQ93Y9F6VBQ4JPZW66S",
  "object": "event",
  "created": 2025-06-18T00:50:40.301173,
  "type": "<event_type>",
  "data": {
    "migration_id": "mig_01HX4J3SQ4QZZ9V9JMP8J2V7KZ",
    "object": {
      "company_id": "f7b2d4e9-3c8a-4f1b-9e6d-2a5c8b7f3e91",
      "created": "2025-06-18T04:06:42.453452",
      "id": "mig_01HX4J3SQ4QZZ9V9JMP8J2V7KZ",
      "created_by_user_id": "usr_01HX4J1SQ93Y9F6VBQ4JPZW66S",
      "object": "migration",
      "status": "NOT_STARTED"
    },
    "error_message": "Only present for *.failed events"
  }
}
)");

// The same example exactly as the seed prints it, comment placeholder included.
const QByteArray SeedExampleVerbatim = QByteArrayLiteral(R"({
  "id": "evt_01HX4J1SQ93Y9F6VBQ4JPZW66S",
  "object": "event",
  "created": 2025-06-18T00:50:40.301173,
  "type": "<event_type>",
  "data": {
    "migration_id": "mig_01HX4J3SQ4QZZ9V9JMP8J2V7KZ",
    "object": { /* resource object */ },
    "error_message": "Only present for *.failed events"
  }
})");

QString str(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

} // namespace

class TestEnvelope : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seedExampleParsesAfterRepair();
    void seedExampleVerbatimIsNotJsonButHarmless();

    void repairUnquotedTimestamps_data();
    void repairUnquotedTimestamps();

    void parseTimestampUs_data();
    void parseTimestampUs();
    void formatTimestampUs_data();
    void formatTimestampUs();
    void microsecondsSurviveRoundTrips_data();
    void microsecondsSurviveRoundTrips();
    void randomMicrosecondsSurviveRoundTrips();

    void parseEnvelope_data();
    void parseEnvelope();
    void unknownTypesAndFieldsAreKept();
    void createdInEveryForm_data();
    void createdInEveryForm();
    void barePingIsAPing();

    void badBodiesAreNotParsed_data();
    void badBodiesAreNotParsed();
};

void TestEnvelope::seedExampleParsesAfterRepair()
{
    // The example is not JSON as printed; the parser must still read it.
    QJsonParseError error {};
    QJsonDocument::fromJson(SeedExample, &error);
    QVERIFY(error.error != QJsonParseError::NoError);

    const Envelope e = mm::parseEnvelope(SeedExample);
    QVERIFY(e.parsed);
    QVERIFY(e.repaired);
    QCOMPARE(e.eventId, str("evt_01HX4J1SQ93Y9F6VBQ4JPZW66S"));
    QCOMPARE(e.type, str("<event_type>"));
    QCOMPARE(e.migrationId, str("mig_01HX4J3SQ4QZZ9V9JMP8J2V7KZ"));
    QCOMPARE(e.status, str("NOT_STARTED"));
    QCOMPARE(e.errorMessage, str("Only present for *.failed events"));
    QVERIFY(e.taskId.isEmpty());
    QVERIFY(!e.isPing());
    QVERIFY(e.createdUs.has_value());
    QCOMPARE(*e.createdUs, SeedCreatedUs);
    // The repaired value is the vendor's text, quoted, not a re-formatted one.
    QCOMPARE(e.json.value(QLatin1String("created")).toString(), str("2025-06-18T00:50:40.301173"));
    // Nothing else is lost on the way.
    const QJsonObject object
        = e.json.value(QLatin1String("data")).toObject().value(QLatin1String("object")).toObject();
    QCOMPARE(object.value(QLatin1String("company_id")).toString(),
             str("f7b2d4e9-3c8a-4f1b-9e6d-2a5c8b7f3e91"));
    QCOMPARE(object.value(QLatin1String("created")).toString(), str("2025-06-18T04:06:42.453452"));
    QCOMPARE(object.value(QLatin1String("created_by_user_id")).toString(),
             str("usr_01HX4J1SQ93Y9F6VBQ4JPZW66S"));
    QCOMPARE(e.json.value(QLatin1String("object")).toString(), str("event"));
    QCOMPARE(e.json.size(), qsizetype(5));
}

void TestEnvelope::seedExampleVerbatimIsNotJsonButHarmless()
{
    // The seed's `/* resource object */` is a documentation placeholder, not JSON even after
    // the timestamp repair. It must be refused cleanly, not half-read.
    const Envelope e = mm::parseEnvelope(SeedExampleVerbatim);
    QVERIFY(!e.parsed);
    QVERIFY(e.eventId.isEmpty());
    QVERIFY(e.json.isEmpty());
    QVERIFY(!e.createdUs);
}

void TestEnvelope::repairUnquotedTimestamps_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected"); // empty: nothing to repair

    QTest::addRow("seed style")
        << QByteArray(R"({"id":"e","created": 2025-06-18T00:50:40.301173,"type":"t"})")
        << QByteArray(R"({"id":"e","created": "2025-06-18T00:50:40.301173","type":"t"})");
    QTest::addRow("no space after the colon") << QByteArray(R"({"created":2025-06-18T00:50:40.301173})")
                                              << QByteArray(R"({"created":"2025-06-18T00:50:40.301173"})");
    QTest::addRow("spaces and a newline around it")
        << QByteArray("{\"created\" :\n  2025-06-18T00:50:40.301173\n}")
        << QByteArray("{\"created\" :\n  \"2025-06-18T00:50:40.301173\"\n}");
    QTest::addRow("Z zone") << QByteArray(R"({"created": 2025-06-18T00:50:40.301173Z})")
                            << QByteArray(R"({"created": "2025-06-18T00:50:40.301173Z"})");
    QTest::addRow("offset zone") << QByteArray(R"({"created": 2025-06-18T02:50:40.301173+02:00})")
                                 << QByteArray(R"({"created": "2025-06-18T02:50:40.301173+02:00"})");
    QTest::addRow("space separator, no fraction")
        << QByteArray(R"({"created": 2025-06-18 00:50:40,"x":1})")
        << QByteArray(R"({"created": "2025-06-18 00:50:40","x":1})");
    QTest::addRow("nested objects too")
        << QByteArray(
               R"({"created": 2025-06-18T00:50:40.1,"data":{"object":{"created": 2025-06-18T04:06:42.453452}}})")
        << QByteArray(
               R"({"created": "2025-06-18T00:50:40.1","data":{"object":{"created": "2025-06-18T04:06:42.453452"}}})");
    QTest::addRow("non-ASCII elsewhere is kept")
        << QByteArray("{\"created\": 2025-06-18T00:50:40,\"name\":\"Zo\xc3\xab \xe2\x9c\x93\"}")
        << QByteArray("{\"created\": \"2025-06-18T00:50:40\",\"name\":\"Zo\xc3\xab \xe2\x9c\x93\"}");
    QTest::addRow("already quoted") << QByteArray(R"({"created": "2025-06-18T00:50:40.301173"})")
                                    << QByteArray();
    QTest::addRow("no created field")
        << QByteArray(R"({"updated": 2025-06-18T00:50:40.301173})") << QByteArray();
    QTest::addRow("numeric created") << QByteArray(R"({"created": 1750207840})") << QByteArray();
    QTest::addRow("not followed by , or }")
        << QByteArray(R"({"created": 2025-06-18T00:50:40.301173abc})") << QByteArray();
    QTest::addRow("date only") << QByteArray(R"({"created": 2025-06-18})") << QByteArray();
    QTest::addRow("empty") << QByteArray() << QByteArray();
}

void TestEnvelope::repairUnquotedTimestamps()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    const QByteArray repaired = mm::repairUnquotedTimestamps(input);
    QCOMPARE(repaired, expected);
    if (!expected.isEmpty()) {
        QJsonParseError error {};
        QJsonDocument::fromJson(repaired, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
    }
}

void TestEnvelope::parseTimestampUs_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("expected");

    const qint64 seed = SeedCreatedUs;
    QTest::addRow("seed, no zone means UTC") << str("2025-06-18T00:50:40.301173") << true << seed;
    QTest::addRow("Z") << str("2025-06-18T00:50:40.301173Z") << true << seed;
    QTest::addRow("+02:00") << str("2025-06-18T02:50:40.301173+02:00") << true << seed;
    QTest::addRow("+0200") << str("2025-06-18T02:50:40.301173+0200") << true << seed;
    QTest::addRow("-05:30") << str("2025-06-17T19:20:40.301173-05:30") << true << seed;
    QTest::addRow("+00:00") << str("2025-06-18T00:50:40.301173+00:00") << true << seed;
    QTest::addRow("offset crossing a day") << str("2025-06-17T23:50:40.301173-01:00") << true << seed;
    QTest::addRow("space separator") << str("2025-06-18 00:50:40.301173") << true << seed;
    QTest::addRow("surrounding whitespace") << str("  2025-06-18T00:50:40.301173\n") << true << seed;
    QTest::addRow("no fraction") << str("2025-06-18T00:50:40") << true << SeedCreatedSecs * 1000000;
    QTest::addRow("milliseconds") << str("2025-06-18T00:50:40.301") << true
                                  << SeedCreatedSecs * 1000000 + 301000;
    QTest::addRow("one digit") << str("2025-06-18T00:50:40.3") << true << SeedCreatedSecs * 1000000 + 300000;
    QTest::addRow("one microsecond") << str("2025-06-18T00:50:40.000001") << true
                                     << SeedCreatedSecs * 1000000 + 1;
    QTest::addRow("nanoseconds are truncated to microseconds")
        << str("2025-06-18T00:50:40.301173999") << true << seed;
    // More digits than nanoseconds (some serialisers write them): still that instant.
    QTest::addRow("twelve fractional digits") << str("2025-06-18T00:50:40.301173999999Z") << true << seed;
    QTest::addRow("twenty fractional digits, an offset")
        << str("2025-06-18T02:50:40.30117300000000000001+02:00") << true << seed;
    QTest::addRow("epoch") << str("1970-01-01T00:00:00Z") << true << qint64(0);
    QTest::addRow("just before the epoch") << str("1969-12-31T23:59:59.999999Z") << true << qint64(-1);
    QTest::addRow("1900") << str("1900-01-01T00:00:00.5") << true << qint64(-2208988800) * 1000000 + 500000;
    QTest::addRow("leap day") << str("2024-02-29T23:59:59.999999") << true
                              << qint64(1709251199) * 1000000 + 999999;
    QTest::addRow("past 2038") << str("2038-01-19T03:14:08.000001Z") << true
                               << qint64(2147483648) * 1000000 + 1;
    QTest::addRow("year 9999") << str("9999-12-31T23:59:59.999999") << true
                               << qint64(253402300799) * 1000000 + 999999;

    QTest::addRow("empty") << QString() << false << qint64(0);
    QTest::addRow("garbage") << str("yesterday") << false << qint64(0);
    QTest::addRow("date only") << str("2025-06-18") << false << qint64(0);
    QTest::addRow("no seconds") << str("2025-06-18T00:50") << false << qint64(0);
    QTest::addRow("not a leap year") << str("2025-02-29T00:00:00") << false << qint64(0);
    QTest::addRow("month 13") << str("2025-13-01T00:00:00") << false << qint64(0);
    QTest::addRow("hour 24") << str("2025-06-18T24:00:00") << false << qint64(0);
    QTest::addRow("second 60") << str("2025-06-18T23:59:60") << false << qint64(0);
    QTest::addRow("dot without digits") << str("2025-06-18T00:50:40.") << false << qint64(0);
    QTest::addRow("one-digit offset") << str("2025-06-18T00:50:40+2") << false << qint64(0);
    QTest::addRow("zone name") << str("2025-06-18T00:50:40 UTC") << false << qint64(0);
    QTest::addRow("trailing text") << str("2025-06-18T00:50:40.301173x") << false << qint64(0);
    QTest::addRow("non-ASCII digits") << str("2025-06-18T00:50:\xd9\xa4\xd9\xa0") << false << qint64(0);
}

void TestEnvelope::parseTimestampUs()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, expected);
    const std::optional<qint64> us = mm::parseTimestampUs(text);
    QCOMPARE(us.has_value(), valid);
    if (valid)
        QCOMPARE(*us, expected);
}

void TestEnvelope::formatTimestampUs_data()
{
    QTest::addColumn<qint64>("us");
    QTest::addColumn<QString>("expected");

    QTest::addRow("seed") << SeedCreatedUs << str("2025-06-18T00:50:40.301173Z");
    QTest::addRow("epoch") << qint64(0) << str("1970-01-01T00:00:00.000000Z");
    QTest::addRow("one microsecond") << qint64(1) << str("1970-01-01T00:00:00.000001Z");
    QTest::addRow("minus one microsecond") << qint64(-1) << str("1969-12-31T23:59:59.999999Z");
    QTest::addRow("minus one second") << qint64(-1000000) << str("1969-12-31T23:59:59.000000Z");
    QTest::addRow("whole seconds keep six digits")
        << SeedCreatedSecs * 1000000 << str("2025-06-18T00:50:40.000000Z");
    QTest::addRow("leading zeros in the fraction")
        << SeedCreatedSecs * 1000000 + 1234 << str("2025-06-18T00:50:40.001234Z");
    QTest::addRow("leap day") << qint64(1709251199) * 1000000 + 999999 << str("2024-02-29T23:59:59.999999Z");
    QTest::addRow("1900") << qint64(-2208988800) * 1000000 + 500000 << str("1900-01-01T00:00:00.500000Z");
}

void TestEnvelope::formatTimestampUs()
{
    QFETCH(qint64, us);
    QFETCH(QString, expected);
    QCOMPARE(mm::formatTimestampUs(us), expected);
}

void TestEnvelope::microsecondsSurviveRoundTrips_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical"); // formatTimestampUs(parseTimestampUs(text))

    QTest::addRow("seed") << str("2025-06-18T00:50:40.301173") << str("2025-06-18T00:50:40.301173Z");
    QTest::addRow("offset") << str("2025-06-18T02:50:40.000007+02:00") << str("2025-06-18T00:50:40.000007Z");
    QTest::addRow("negative offset") << str("2025-06-17T21:50:40.999999-03:00")
                                     << str("2025-06-18T00:50:40.999999Z");
    QTest::addRow("short fraction") << str("2025-06-18T00:50:40.3") << str("2025-06-18T00:50:40.300000Z");
    QTest::addRow("before the epoch")
        << str("1969-07-20T20:17:40.123456Z") << str("1969-07-20T20:17:40.123456Z");
}

void TestEnvelope::microsecondsSurviveRoundTrips()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    const auto us = mm::parseTimestampUs(text);
    QVERIFY(us);
    const QString formatted = mm::formatTimestampUs(*us);
    QCOMPARE(formatted, canonical);
    const auto again = mm::parseTimestampUs(formatted);
    QVERIFY(again);
    QCOMPARE(*again, *us);
    QCOMPARE(mm::formatTimestampUs(*again), formatted);
}

void TestEnvelope::randomMicrosecondsSurviveRoundTrips()
{
    QRandomGenerator rng(20250618); // fixed seed: a failure is reproducible
    // From 1900 to 9999, with odd microsecond values.
    const qint64 lo = qint64(-2208988800) * 1000000;
    const qint64 hi = qint64(253402300799) * 1000000 + 999999;
    for (int i = 0; i < 5000; ++i) {
        const qint64 us = lo + qint64(rng.bounded(quint64(hi - lo)));
        const QString text = mm::formatTimestampUs(us);
        const auto back = mm::parseTimestampUs(text);
        QVERIFY2(back.has_value(), qPrintable(text));
        QVERIFY2(*back == us, qPrintable(QStringLiteral("%1: %2 became %3").arg(text).arg(us).arg(*back)));
    }
}

void TestEnvelope::parseEnvelope_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("repaired");
    QTest::addColumn<QString>("eventId");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("migrationId");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("errorMessage");
    QTest::addColumn<QString>("taskId");
    QTest::addColumn<bool>("hasCreated");
    QTest::addColumn<qint64>("createdUs");
    QTest::addColumn<bool>("ping");

    QTest::addRow("migration.created, id only on the migration object") << QByteArray(
        R"({"id":"evt_1","object":"event","created":"2025-06-18T04:06:42.453452","type":"migration.created",)"
        R"("data":{"object":{"id":"mig_1","object":"migration","status":"NOT_STARTED"}}})")
                                                                        << false << str("evt_1")
                                                                        << str("migration.created")
                                                                        << str("mig_1") << str("NOT_STARTED")
                                                                        << QString() << QString() << true
                                                                        << qint64(1750219602) * 1000000
            + 453452 << false;
    QTest::addRow("migration.started, Z") << QByteArray(
        R"({"id":"evt_2","created":"2025-06-18T00:50:40.301173Z","type":"migration.started",)"
        R"("data":{"migration_id":"mig_1","object":{"id":"mig_1","object":"migration","status":"WORKING"}}})")
                                          << false << str("evt_2") << str("migration.started") << str("mig_1")
                                          << str("WORKING") << QString() << QString() << true << SeedCreatedUs
                                          << false;
    QTest::addRow("migration.completed, +02:00") << QByteArray(
        R"({"id":"evt_3","created":"2025-06-18T02:50:40.301173+02:00","type":"migration.completed",)"
        R"("data":{"migration_id":"mig_1","object":{"object":"migration","status":"COMPLETED_WITH_FAILURES"}}})")
                                                 << false << str("evt_3") << str("migration.completed")
                                                 << str("mig_1") << str("COMPLETED_WITH_FAILURES")
                                                 << QString() << QString() << true << SeedCreatedUs << false;
    QTest::addRow("migration.failed, error_message")
        << QByteArray(R"({"id":"evt_4","created":"2025-06-18T00:50:40.301173","type":"migration.failed",)"
                      R"("data":{"migration_id":"mig_1","object":{"object":"migration","status":"FAILED"},)"
                      R"("error_message":"Login rejected: MFA timed out"}})")
        << false << str("evt_4") << str("migration.failed") << str("mig_1") << str("FAILED")
        << str("Login rejected: MFA timed out") << QString() << true << SeedCreatedUs << false;
    QTest::addRow("migration_task.failed, task id from data.object") << QByteArray(
        R"({"id":"evt_5","created":"2025-06-18T00:50:40.301173","type":"migration_task.failed",)"
        R"("data":{"migration_id":"mig_1","object":{"id":"task_7","object":"migration_task","status":"FAILED"},)"
        R"("error_message":"Export timed out"}})") << false << str("evt_5")
                                                                     << str("migration_task.failed")
                                                                     << str("mig_1") << str("FAILED")
                                                                     << str("Export timed out")
                                                                     << str("task_7") << true << SeedCreatedUs
                                                                     << false;
    QTest::addRow("migration_task.failed, message only on the task") << QByteArray(
        R"({"id":"evt_6","type":"migration_task.failed",)"
        R"("data":{"migration_id":"mig_1","object":{"id":"task_8","error_message":"Quota exceeded"}}})")
                                                                     << false << str("evt_6")
                                                                     << str("migration_task.failed")
                                                                     << str("mig_1") << QString()
                                                                     << str("Quota exceeded") << str("task_8")
                                                                     << false << qint64(0) << false;
    QTest::addRow("migration_task.failed, unquoted created")
        << QByteArray(
               R"({"id":"evt_7","created": 2025-06-18T00:50:40.301173,"type":"migration_task.failed",)"
               R"("data":{"migration_id":"mig_1","object":{"id":"task_9","object":"migration_task"}}})")
        << true << str("evt_7") << str("migration_task.failed") << str("mig_1") << QString() << QString()
        << str("task_9") << true << SeedCreatedUs << false;
    QTest::addRow("svix.ping") << QByteArray(R"({"data":{"success":true},"type":"svix.ping"})") << false
                               << QString() << str("svix.ping") << QString() << QString() << QString()
                               << QString() << false << qint64(0) << true;
    QTest::addRow("unknown type") << QByteArray(
        R"({"id":"evt_8","type":"login_workflow.rejected","created":"2025-06-18T00:50:40.301173",)"
        R"("data":{"migration_id":"mig_2","reason":"captcha"}})")
                                  << false << str("evt_8") << str("login_workflow.rejected") << str("mig_2")
                                  << QString() << QString() << QString() << true << SeedCreatedUs << false;
    QTest::addRow("unquoted created with an offset")
        << QByteArray(
               R"({"id":"evt_9","created": 2025-06-18T02:50:40.301173+02:00,"type":"migration.started"})")
        << true << str("evt_9") << str("migration.started") << QString() << QString() << QString()
        << QString() << true << SeedCreatedUs << false;
    QTest::addRow("unquoted created last in the object")
        << QByteArray(R"({"id":"evt_10","type":"migration.started","created": 2025-06-18T00:50:40.301173})")
        << true << str("evt_10") << str("migration.started") << QString() << QString() << QString()
        << QString() << true << SeedCreatedUs << false;
    QTest::addRow("no created") << QByteArray(R"({"id":"evt_11","type":"migration.started"})") << false
                                << str("evt_11") << str("migration.started") << QString() << QString()
                                << QString() << QString() << false << qint64(0) << false;
    QTest::addRow("created not a timestamp")
        << QByteArray(R"({"id":"evt_12","created":"yesterday"})") << false << str("evt_12") << QString()
        << QString() << QString() << QString() << QString() << false << qint64(0) << false;
    // Seconds since the epoch as a number (see createdInEveryForm for the other forms).
    QTest::addRow("created as epoch number")
        << QByteArray(R"({"id":"evt_13","created":1750207840})") << false << str("evt_13") << QString()
        << QString() << QString() << QString() << QString() << true << SeedCreatedSecs * 1000000 << false;
    QTest::addRow("fields of the wrong type are ignored")
        << QByteArray(R"({"id":5,"type":["x"],"data":{"migration_id":7,"error_message":{},"object":"mig"}})")
        << false << QString() << QString() << QString() << QString() << QString() << QString() << false
        << qint64(0) << false;
    QTest::addRow("data.migration_id wins over the object id") << QByteArray(
        R"({"type":"migration.started","data":{"migration_id":"mig_A","object":{"object":"migration","id":"mig_B"}}})")
                                                               << false << QString()
                                                               << str("migration.started") << str("mig_A")
                                                               << QString() << QString() << QString() << false
                                                               << qint64(0) << false;
    QTest::addRow("a non-migration object's id is not a migration id")
        << QByteArray(R"({"type":"company.updated","data":{"object":{"object":"company","id":"co_1"}}})")
        << false << QString() << str("company.updated") << QString() << QString() << QString() << QString()
        << false << qint64(0) << false;
    QTest::addRow("ping look-alike is not a ping")
        << QByteArray(R"({"type":"svix.ping.v2","event_type":"svix.ping"})") << false << QString()
        << str("svix.ping.v2") << QString() << QString() << QString() << QString() << false << qint64(0)
        << false;
    QTest::addRow("UTF-8 values") << QByteArray(
        "{\"id\":\"evt_\xc3\xa9\",\"type\":\"migration.failed\",\"data\":{\"error_message\":\"\xe2\x9c\x97 "
        "\xf0\x9f\x94\xa5\"}}") << false
                                  << str("evt_\xc3\xa9") << str("migration.failed") << QString() << QString()
                                  << str("\xe2\x9c\x97 \xf0\x9f\x94\xa5") << QString() << false << qint64(0)
                                  << false;
    QTest::addRow("empty object") << QByteArray("{}") << false << QString() << QString() << QString()
                                  << QString() << QString() << QString() << false << qint64(0) << false;
}

void TestEnvelope::parseEnvelope()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, repaired);
    QFETCH(QString, eventId);
    QFETCH(QString, type);
    QFETCH(QString, migrationId);
    QFETCH(QString, status);
    QFETCH(QString, errorMessage);
    QFETCH(QString, taskId);
    QFETCH(bool, hasCreated);
    QFETCH(qint64, createdUs);
    QFETCH(bool, ping);

    const Envelope e = mm::parseEnvelope(body);
    QVERIFY(e.parsed);
    QCOMPARE(e.repaired, repaired);
    QCOMPARE(e.eventId, eventId);
    QCOMPARE(e.type, type);
    QCOMPARE(e.migrationId, migrationId);
    QCOMPARE(e.status, status);
    QCOMPARE(e.errorMessage, errorMessage);
    QCOMPARE(e.taskId, taskId);
    QCOMPARE(e.createdUs.has_value(), hasCreated);
    if (hasCreated)
        QCOMPARE(*e.createdUs, createdUs);
    QCOMPARE(e.isPing(), ping);
}

void TestEnvelope::createdInEveryForm_data()
{
    QTest::addColumn<QByteArray>("created");
    QTest::addColumn<qint64>("expected"); // -1: no time
    const qint64 seed = SeedCreatedUs;
    const qint64 secs = SeedCreatedSecs;
    QTest::addRow("ISO string") << QByteArray("\"2025-06-18T00:50:40.301173Z\"") << seed;
    QTest::addRow("ISO, twelve digits") << QByteArray("\"2025-06-18T00:50:40.301173999999\"") << seed;
    QTest::addRow("seconds") << QByteArray::number(secs) << secs * 1000000;
    QTest::addRow("seconds with a fraction") << QByteArray::number(secs) + ".301173" << seed;
    QTest::addRow("milliseconds") << QByteArray::number(secs * 1000 + 301) << secs * 1000000 + 301000;
    QTest::addRow("microseconds") << QByteArray::number(seed) << seed;
    QTest::addRow("nanoseconds") << QByteArray::number(seed) + "000" << seed;
    QTest::addRow("seconds as a string") << "\"" + QByteArray::number(secs) + "\"" << secs * 1000000;
    QTest::addRow("milliseconds as a string")
        << "\"" + QByteArray::number(secs * 1000 + 301) + "\"" << secs * 1000000 + 301000;
    QTest::addRow("zero") << QByteArray("0") << qint64(-1);
    QTest::addRow("negative") << QByteArray("-5") << qint64(-1);
    QTest::addRow("true") << QByteArray("true") << qint64(-1);
    QTest::addRow("null") << QByteArray("null") << qint64(-1);
    QTest::addRow("an object") << QByteArray("{}") << qint64(-1);
    QTest::addRow("words") << QByteArray("\"last tuesday\"") << qint64(-1);
    // Found by fuzz_envelope: a count past year 9999 is no time (no ISO 8601 date can write it).
    QTest::addRow("past year 9999") << QByteArray("\"888888888888888882888\"") << qint64(-1);
    QTest::addRow("year 5000 in seconds") << QByteArray::number(95617584000LL) << 95617584000LL * 1000000;
}

// "created" as senders write it: an ISO string with any number of fractional digits, or a count
// since the epoch in seconds, milliseconds, microseconds or nanoseconds. Before, only an ISO
// string with at most nine digits was read, and the rest fell back to the arrival time.
void TestEnvelope::createdInEveryForm()
{
    QFETCH(QByteArray, created);
    QFETCH(qint64, expected);
    const QByteArray body = R"({"id":"evt_1","type":"migration.started","created":)" + created
        + R"(,"data":{"object":{"id":"mig_1","object":"migration","status":"WORKING","created":)" + created
        + "}}}";
    const Envelope e = mm::parseEnvelope(body);
    QVERIFY(e.parsed);
    if (expected < 0) {
        QVERIFY(!e.createdUs);
        QVERIFY(!e.objectCreatedUs);
    } else {
        QCOMPARE(e.createdUs, std::optional<qint64>(expected));
        QCOMPARE(e.objectCreatedUs, std::optional<qint64>(expected));
    }
}

// Svix's "Send example" from an endpoint's Testing tab posts {"success": true}: no type, no id.
void TestEnvelope::barePingIsAPing()
{
    for (const QByteArray &body : {QByteArray(R"({"success": true})"), QByteArray(R"({"success":false})")}) {
        const Envelope e = mm::parseEnvelope(body);
        QVERIFY(e.parsed);
        QVERIFY2(e.isPing(), body.constData());
        QCOMPARE(e.type, QStringLiteral("svix.ping"));
        QVERIFY(e.eventId.isEmpty());
        QVERIFY(e.migrationId.isEmpty());
    }
    // The enveloped form is a ping too; other bodies without a type are not.
    QVERIFY(mm::parseEnvelope(R"({"type":"svix.ping","data":{"success":true}})").isPing());
    QVERIFY(!mm::parseEnvelope(R"({"success": true, "id": "evt_1"})").isPing());
    QVERIFY(!mm::parseEnvelope(R"({"success": "yes"})").isPing());
    QVERIFY(!mm::parseEnvelope(R"({})").isPing());
    QCOMPARE(mm::parseEnvelope(R"({"success": true, "type": "migration.started"})").type,
             QStringLiteral("migration.started"));
}

void TestEnvelope::unknownTypesAndFieldsAreKept()
{
    const QByteArray body = QByteArrayLiteral(
        R"({"id":"evt_1","type":"login_workflow.step_completed","created": 2025-06-18T00:50:40.301173,)"
        R"("livemode":false,"future":{"nested":[1,2,{"deep":true}]},)"
        R"("data":{"migration_id":"mig_1","workflow":{"step":3,"name":"otp"},)"
        R"("object":{"object":"login_workflow","id":"lw_1","extra":null}}})");
    const Envelope e = mm::parseEnvelope(body);
    QVERIFY(e.parsed);
    QVERIFY(e.repaired);
    QCOMPARE(e.type, str("login_workflow.step_completed"));
    QCOMPARE(e.migrationId, str("mig_1"));
    QVERIFY(e.taskId.isEmpty());
    QCOMPARE(e.json.value(QLatin1String("livemode")), QJsonValue(false));
    const QJsonArray nested
        = e.json.value(QLatin1String("future")).toObject().value(QLatin1String("nested")).toArray();
    QCOMPARE(nested.size(), qsizetype(3));
    QCOMPARE(nested.at(2).toObject().value(QLatin1String("deep")), QJsonValue(true));
    const QJsonObject data = e.json.value(QLatin1String("data")).toObject();
    QCOMPARE(data.value(QLatin1String("workflow")).toObject().value(QLatin1String("name")).toString(),
             str("otp"));
    const QJsonObject object = data.value(QLatin1String("object")).toObject();
    QVERIFY(object.contains(QLatin1String("extra")));
    QVERIFY(object.value(QLatin1String("extra")).isNull());
    QCOMPARE(object.value(QLatin1String("id")).toString(), str("lw_1"));
}

void TestEnvelope::badBodiesAreNotParsed_data()
{
    QTest::addColumn<QByteArray>("body");

    QTest::addRow("empty") << QByteArray();
    QTest::addRow("whitespace") << QByteArray(" \r\n\t ");
    QTest::addRow("plain text") << QByteArray("not json");
    QTest::addRow("array") << QByteArray(R"([{"id":"evt_1","type":"migration.created"}])");
    QTest::addRow("string") << QByteArray(R"("evt_1")");
    QTest::addRow("number") << QByteArray("42");
    QTest::addRow("null") << QByteArray("null");
    QTest::addRow("true") << QByteArray("true");
    QTest::addRow("lone brace") << QByteArray("{");
    QTest::addRow("truncated") << QByteArray(R"({"id":"evt_1","type":"migr)");
    QTest::addRow("trailing comma") << QByteArray(R"({"id":"evt_1",})");
    QTest::addRow("two objects") << QByteArray(R"({"id":"a"}{"id":"b"})");
    QTest::addRow("NUL bytes") << QByteArray("\0\0\0{}", 5);
    QTest::addRow("invalid UTF-8 in a string")
        << QByteArray("{\"id\":\"evt_\xff\xfe\",\"type\":\"migration.created\"}");
    QTest::addRow("overlong UTF-8") << QByteArray("{\"id\":\"evt_\xc0\xaf\"}");
    QTest::addRow("UTF-8 encoded surrogate") << QByteArray("{\"id\":\"evt_\xed\xa0\x80\"}");
    QTest::addRow("truncated UTF-8 sequence") << QByteArray("{\"id\":\"evt_\xe2\x9c\"}");
    QTest::addRow("UTF-16LE") << QByteArray("{\0}\0", 4);
    QTest::addRow("unquoted created, otherwise broken")
        << QByteArray(R"({"created": 2025-06-18T00:50:40.301173, "type": migration.created})");
    QTest::addRow("unquoted created in an array")
        << QByteArray(R"([{"created": 2025-06-18T00:50:40.301173}])");
    QTest::addRow("unquoted created and invalid UTF-8") << QByteArray(
        "{\"id\":\"evt_\xff\",\"created\": 2025-06-18T00:50:40.301173,\"type\":\"migration.created\"}");
    QTest::addRow("deep nesting") << QByteArray(QByteArray(100000, '[') + QByteArray(100000, ']'));
    QTest::addRow("deep object nesting") << [] {
        QByteArray b;
        for (int i = 0; i < 20000; ++i)
            b += "{\"a\":";
        b += "1";
        b += QByteArray(20000, '}');
        return b;
    }();
}

void TestEnvelope::badBodiesAreNotParsed()
{
    QFETCH(QByteArray, body);
    const Envelope e = mm::parseEnvelope(body);
    QVERIFY(!e.parsed);
    QVERIFY(e.eventId.isEmpty());
    QVERIFY(e.type.isEmpty());
    QVERIFY(e.json.isEmpty());
}

QTEST_GUILESS_MAIN(TestEnvelope)
#include "tst_envelope.moc"
