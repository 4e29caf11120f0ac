// SPDX-License-Identifier: GPL-3.0-or-later
// `migration-monitor --report-migrations`, end to end with the real binaries: the same 60
// simulated migrations (--seed 42 --epoch fixed, so both runs send the same events) are
// delivered once in order (store A) and once out of order with duplicates (store B) to a real
// `migration-monitor --headless` over loopback. The migrations rebuilt from each store must be
// the same, and must say what the delivered events say (read back from --export, not from the
// model). Also: the report to a file, and clear failures for a missing store or an unwritable
// target.
#include "headlessprocess.h"
#include "testsecret.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <map>
#include <memory>

namespace {

constexpr int Migrations = 60;

QProcessEnvironment environment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), mm::test::TestSecretText);
    return env;
}

struct Run
{
    int exitCode = -1; // -1: did not finish or crashed
    QByteArray out;
    QByteArray err;
};

Run runApp(const QStringList &args, int timeoutMs = 60000)
{
    QProcess p;
    p.setProcessEnvironment(environment());
    p.start(QStringLiteral(MM_APP_PATH), args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "timed out";
        return r;
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

// Lines of JSON objects; false (and `error`) on anything that is not one.
bool parseLines(const QByteArray &text, QList<QJsonObject> *objects, QString *error)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError parseError {};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            *error = QStringLiteral("not a JSON object: %1").arg(QString::fromUtf8(line.left(300)));
            return false;
        }
        objects->append(doc.object());
    }
    return true;
}

// "2025-06-18T00:50:40.301173" or "…Z" (UTC either way) to microseconds; this file's own reading.
std::optional<qint64> microseconds(const QString &text)
{
    QString t = text;
    if (t.endsWith(QLatin1Char('Z')))
        t.chop(1);
    const qsizetype dot = t.indexOf(QLatin1Char('.'));
    const QString whole = dot < 0 ? t : t.left(dot);
    QString fraction = dot < 0 ? QString() : t.mid(dot + 1);
    if (fraction.size() > 6)
        return std::nullopt;
    fraction = fraction.leftJustified(6, QLatin1Char('0'));
    QDateTime dt = QDateTime::fromString(whole, QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    if (!dt.isValid())
        return std::nullopt;
    dt.setTimeZone(QTimeZone::utc());
    bool ok = false;
    const qint64 micros = fraction.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return dt.toMSecsSinceEpoch() * 1000 + micros;
}

QString canonical(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// One delivered event, as the export shows it.
struct Exported
{
    QString msgId;
    QString migrationId;
    QString type;
    QString created; // the envelope's, as exported
    qint64 attempts = 0;
    QJsonObject body;
    QString bodyText;
};

// What a migration's delivered events say; the expectation for its report line.
struct Expected
{
    QString status;
    std::optional<qint64> createdUs;
    std::optional<qint64> startedUs;
    std::optional<qint64> finishedUs;
    int events = 0;
    int taskFailures = 0;
};

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void reportsAreTheSameWhateverTheDeliveryOrder();
    void reportSaysWhatTheEventsSay();
    void bothRunsSentTheSameEvents();
    void storeBReallyHadDuplicatesAndDisorder();
    void storeAWasDeliveredInOrder();
    void reportToAFile();
    void failuresAreClear_data();
    void failuresAreClear();

private:
    void deliver(const QString &dataDir, const QStringList &extraSimArgs);
    static QList<Exported> exportOf(const QString &dataDir, QString *error);

    QTemporaryDir m_dir;
    QString m_a;
    QString m_b;
    QByteArray m_reportA;
    QList<QJsonObject> m_linesA;
    QList<QJsonObject> m_linesB;
    QList<Exported> m_exportA;
    QList<Exported> m_exportB;
};

void TestReport::deliver(const QString &dataDir, const QStringList &extraSimArgs)
{
    mm::test::HeadlessProcess receiver {mm::test::HeadlessProcess::Options(dataDir)};
    const quint16 port = receiver.start();
    QVERIFY2(port, qPrintable(receiver.logTail()));

    QProcess sim;
    sim.setProcessEnvironment(environment());
    sim.start(
        QStringLiteral(MM_SIM_PATH),
        QStringList {QStringLiteral("--target"), QStringLiteral("http://127.0.0.1:%1/webhooks").arg(port),
                     QStringLiteral("--migrations"), QString::number(Migrations), QStringLiteral("--seed"),
                     QStringLiteral("42"), QStringLiteral("--epoch"), QStringLiteral("1750000000000000"),
                     QStringLiteral("--concurrency"), QStringLiteral("4"), QStringLiteral("--quiet")}
            + extraSimArgs);
    QVERIFY2(sim.waitForFinished(120000), "the simulator did not finish in 120 s");
    const QString simOutput = QString::fromUtf8(sim.readAllStandardOutput() + sim.readAllStandardError());
    QVERIFY2(sim.exitStatus() == QProcess::NormalExit && sim.exitCode() == 0,
             qPrintable(QStringLiteral("simulator exit %1:\n%2").arg(sim.exitCode()).arg(simOutput)));
    QCOMPARE(receiver.terminate(), 0);
}

QList<Exported> TestReport::exportOf(const QString &dataDir, QString *error)
{
    const Run run
        = runApp({QStringLiteral("--data-dir"), dataDir, QStringLiteral("--export"), QStringLiteral("-")});
    if (run.exitCode != 0) {
        *error = QStringLiteral("export of %1 failed: %2").arg(dataDir, QString::fromUtf8(run.err));
        return {};
    }
    QList<QJsonObject> rows;
    if (!parseLines(run.out, &rows, error))
        return {};
    QList<Exported> out;
    for (const QJsonObject &row : rows) {
        Exported e;
        e.msgId = row.value(QLatin1String("msg_id")).toString();
        e.migrationId = row.value(QLatin1String("migration_id")).toString();
        e.type = row.value(QLatin1String("type")).toString();
        e.created = row.value(QLatin1String("created")).toString();
        e.attempts = row.value(QLatin1String("attempts")).toInteger(-1);
        e.bodyText = row.value(QLatin1String("body")).toString();
        e.body = QJsonDocument::fromJson(e.bodyText.toUtf8()).object();
        out.append(e);
    }
    return out;
}

void TestReport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_a = m_dir.filePath(QStringLiteral("a"));
    m_b = m_dir.filePath(QStringLiteral("b"));

    deliver(m_a, {});
    if (QTest::currentTestFailed())
        return;
    deliver(m_b,
            {QStringLiteral("--out-of-order"), QStringLiteral("--duplicates"), QStringLiteral("0.3"),
             QStringLiteral("--reorder-window"), QStringLiteral("40")});
    if (QTest::currentTestFailed())
        return;

    QString error;
    const Run a = runApp(
        {QStringLiteral("--data-dir"), m_a, QStringLiteral("--report-migrations"), QStringLiteral("-")});
    QVERIFY2(a.exitCode == 0, a.err.constData());
    const Run b = runApp(
        {QStringLiteral("--data-dir"), m_b, QStringLiteral("--report-migrations"), QStringLiteral("-")});
    QVERIFY2(b.exitCode == 0, b.err.constData());
    m_reportA = a.out;
    QVERIFY2(parseLines(a.out, &m_linesA, &error), qPrintable(error));
    QVERIFY2(parseLines(b.out, &m_linesB, &error), qPrintable(error));
    m_exportA = exportOf(m_a, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_exportB = exportOf(m_b, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestReport::reportsAreTheSameWhateverTheDeliveryOrder()
{
    QCOMPARE(m_linesA.size(), qsizetype(Migrations));
    QCOMPARE(m_linesB.size(), qsizetype(Migrations));
    QCOMPARE(m_reportA.count('\n'), qsizetype(Migrations)); // one line each, newline-terminated
    QStringList a;
    QStringList b;
    QSet<QString> ids;
    for (const QJsonObject &o : std::as_const(m_linesA)) {
        a << canonical(o);
        ids.insert(o.value(QLatin1String("id")).toString());
    }
    for (const QJsonObject &o : std::as_const(m_linesB))
        b << canonical(o);
    QCOMPARE(ids.size(), qsizetype(Migrations)); // one line per migration
    a.sort();
    b.sort();
    for (qsizetype i = 0; i < a.size(); ++i)
        QVERIFY2(a[i] == b[i],
                 qPrintable(QStringLiteral("in order:     %1\nout of order: %2").arg(a[i], b[i])));
    QCOMPARE(a, b);
}

void TestReport::reportSaysWhatTheEventsSay()
{
    std::map<QString, Expected> expected;
    for (const Exported &e : std::as_const(m_exportA)) {
        if (e.migrationId.isEmpty())
            continue;
        Expected &x = expected[e.migrationId];
        ++x.events;
        const QJsonObject object
            = e.body.value(QLatin1String("data")).toObject().value(QLatin1String("object")).toObject();
        const std::optional<qint64> when = microseconds(e.body.value(QLatin1String("created")).toString());
        QVERIFY2(when, qPrintable(e.bodyText));
        if (e.type == QLatin1String("migration_task.failed")) {
            ++x.taskFailures;
            continue;
        }
        x.createdUs = microseconds(object.value(QLatin1String("created")).toString());
        if (e.type == QLatin1String("migration.created") && x.status.isEmpty())
            x.status = QStringLiteral("NOT_STARTED");
        if (e.type == QLatin1String("migration.started")) {
            x.startedUs = when;
            if (x.finishedUs == std::nullopt)
                x.status = QStringLiteral("WORKING");
        }
        if (e.type == QLatin1String("migration.completed") || e.type == QLatin1String("migration.failed")) {
            x.finishedUs = when;
            x.status = object.value(QLatin1String("status")).toString();
        }
    }
    QCOMPARE(qsizetype(expected.size()), qsizetype(Migrations));

    QSet<QString> statuses;
    int withTaskFailures = 0;
    auto timeOf = [](const QJsonValue &v) { return v.isNull() ? std::nullopt : microseconds(v.toString()); };
    for (const QJsonObject &line : std::as_const(m_linesA)) {
        const QString id = line.value(QLatin1String("id")).toString();
        const auto it = expected.find(id);
        QVERIFY2(it != expected.end(), qPrintable(id));
        const Expected &x = it->second;
        const QString where = id + QLatin1String(": ") + canonical(line);
        QVERIFY2(line.value(QLatin1String("status")).toString() == x.status, qPrintable(where));
        QVERIFY2(timeOf(line.value(QLatin1String("created"))) == x.createdUs, qPrintable(where));
        QVERIFY2(timeOf(line.value(QLatin1String("started_at"))) == x.startedUs, qPrintable(where));
        QVERIFY2(timeOf(line.value(QLatin1String("finished_at"))) == x.finishedUs, qPrintable(where));
        QVERIFY2(line.value(QLatin1String("event_count")).toInt(-1) == x.events, qPrintable(where));
        QVERIFY2(line.value(QLatin1String("task_failures")).toInt(-1) == x.taskFailures, qPrintable(where));
        // Every lifecycle is complete and orderly in what it says, whatever the arrival.
        QVERIFY2(line.value(QLatin1String("anomalies")).toArray().isEmpty(), qPrintable(where));
        QVERIFY2(line.value(QLatin1String("quiet")).isBool() && !line.value(QLatin1String("quiet")).toBool(),
                 qPrintable(where));
        // The former name, kept for scripts, says the same.
        QVERIFY2(line.value(QLatin1String("stalled")) == line.value(QLatin1String("quiet")),
                 qPrintable(where));
        statuses.insert(x.status);
        withTaskFailures += x.taskFailures > 0;
    }
    qInfo("statuses in the run: %s; %d migrations with task failures",
          qPrintable(QStringList(statuses.cbegin(), statuses.cend()).join(QLatin1Char(' '))),
          withTaskFailures);
    QVERIFY2(statuses.contains(QStringLiteral("COMPLETE")) && statuses.size() >= 3,
             "the run should cover several outcomes");
    QVERIFY(withTaskFailures > 0);
}

void TestReport::bothRunsSentTheSameEvents()
{
    QHash<QString, QString> bodiesA;
    for (const Exported &e : std::as_const(m_exportA))
        bodiesA.insert(e.msgId, e.bodyText);
    QCOMPARE(m_exportB.size(), m_exportA.size());
    for (const Exported &e : std::as_const(m_exportB)) {
        QVERIFY2(bodiesA.contains(e.msgId), qPrintable(e.msgId));
        QCOMPARE(e.bodyText, bodiesA.value(e.msgId));
    }
}

void TestReport::storeBReallyHadDuplicatesAndDisorder()
{
    int retried = 0;
    std::map<QString, QStringList> createdInArrivalOrder;
    std::map<QString, QStringList> typesInArrivalOrder;
    for (const Exported &e : std::as_const(m_exportB)) {
        retried += e.attempts > 1;
        createdInArrivalOrder[e.migrationId] << e.created;
        typesInArrivalOrder[e.migrationId] << e.type;
    }
    QVERIFY2(retried > 0, "no delivery in store B was received more than once");
    int disordered = 0;
    QString example;
    for (const auto &[id, created] : createdInArrivalOrder) {
        QStringList sorted = created; // same format and zone throughout: sorts as text
        sorted.sort();
        if (sorted != created) {
            ++disordered;
            if (example.isEmpty())
                example = id + QLatin1String(": ") + typesInArrivalOrder[id].join(QLatin1Char(' '));
        }
    }
    qInfo("store B: %d deliveries received more than once; %d of %d migrations arrived out of order, e.g. %s",
          retried, disordered, Migrations, qPrintable(example));
    QVERIFY2(disordered > 0, "every migration's events arrived in the order they were created");
}

void TestReport::storeAWasDeliveredInOrder()
{
    // The baseline is what it claims: in order, and each message delivered once.
    std::map<QString, QStringList> createdInArrivalOrder;
    for (const Exported &e : std::as_const(m_exportA)) {
        QCOMPARE(e.attempts, qint64(1));
        createdInArrivalOrder[e.migrationId] << e.created;
    }
    for (const auto &[id, created] : createdInArrivalOrder) {
        QStringList sorted = created;
        sorted.sort();
        QVERIFY2(sorted == created, qPrintable(id));
    }
}

void TestReport::reportToAFile()
{
    const QString file = m_dir.filePath(QStringLiteral("report-a.jsonl"));
    const Run run = runApp({QStringLiteral("--data-dir"), m_a, QStringLiteral("--report-migrations"), file});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.out.isEmpty());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), m_reportA);

    // The same with the --option=value spelling, over an existing file.
    const Run again
        = runApp({QStringLiteral("--data-dir"), m_b, QStringLiteral("--report-migrations=") + file});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QFile g(file);
    QVERIFY(g.open(QIODevice::ReadOnly));
    QList<QJsonObject> lines;
    QString error;
    QVERIFY2(parseLines(g.readAll(), &lines, &error), qPrintable(error));
    QCOMPARE(lines.size(), qsizetype(Migrations));
}

void TestReport::failuresAreClear_data()
{
    QTest::addColumn<QString>("dataDir"); // relative to the temporary folder
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::addRow("a missing store") << QStringLiteral(
        "nothing-here") << QStringList {QStringLiteral("--report-migrations"), QStringLiteral("-")}
                                     << QStringLiteral("No store at");
    QTest::addRow("a folder that is not a store")
        << QStringLiteral("empty-folder")
        << QStringList {QStringLiteral("--report-migrations"), QStringLiteral("-")}
        << QStringLiteral("No store at");
    QTest::addRow("an unwritable target") << QStringLiteral("a")
                                          << QStringList {QStringLiteral("--report-migrations"),
                                                          QStringLiteral("%TMP%/no/such/folder/report.jsonl")}
                                          << QStringLiteral("Cannot write");
    QTest::addRow("report and export together")
        << QStringLiteral("a")
        << QStringList {QStringLiteral("--report-migrations"), QStringLiteral("-"),
                        QStringLiteral("--export"), QStringLiteral("-")}
        << QStringLiteral("separate commands");
}

void TestReport::failuresAreClear()
{
    QFETCH(QString, dataDir);
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const QString dir = m_dir.filePath(dataDir);
    if (dataDir == QLatin1String("empty-folder"))
        QVERIFY(QDir().mkpath(dir));
    for (QString &a : args)
        a.replace(QLatin1String("%TMP%"), m_dir.path());
    const bool existedBefore = QFileInfo::exists(dir);
    const Run run = runApp(QStringList {QStringLiteral("--data-dir"), dir} + args);
    QVERIFY2(run.exitCode > 0, qPrintable(QStringLiteral("exit %1").arg(run.exitCode)));
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY2(err.startsWith(QLatin1String("migration-monitor: ")), qPrintable(err));
    QVERIFY(run.out.isEmpty());
    // Asking for a report never creates a store.
    QCOMPARE(QFileInfo::exists(dir), existedBefore);
    if (dataDir != QLatin1String("a"))
        QVERIFY(!QFileInfo::exists(QDir(dir).filePath(QStringLiteral("monitor.sqlite3"))));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("no"))));
}

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
