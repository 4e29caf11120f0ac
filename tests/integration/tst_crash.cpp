// SPDX-License-Identifier: GPL-3.0-or-later
// Crash safety, end to end: the real `migration-monitor --headless` is killed with SIGKILL while
// the real `migration-monitor-sim` delivers a burst over 64 keep-alive connections, and restarted
// on the same port. A crash must lose nothing that was acknowledged: every svix-id the simulator
// saw answered 2xx (its --ack-log, appended unbuffered right after each 2xx) is in the store,
// exactly once. Checked twice: on a copy of the files the killed process left behind (before any
// retry could re-deliver), and on the final store after the simulator has finished.
#include "headlessprocess.h"
#include "testsecret.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <memory>

using namespace mm::test;

namespace {
// Svix retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; scaled, that is 1 ms, 60 ms,
// 360 ms, 1.44 s, 3.6 s, 7.2 s, 7.2 s: eight attempts span about 20 s, while the receiver is
// down for well under a second per kill. So every delivery refused during an outage is retried
// after the restart, and the simulator is expected to finish with every delivery acknowledged.
const QString RetryScale = QStringLiteral("0.0002");
constexpr int Concurrency = 64;
constexpr int MaxAttempts = 8;

// Calls `done` between short event-loop turns until it holds or `timeoutMs` has passed.
bool pollUntil(const std::function<bool()> &done, int timeoutMs, int stepMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(stepMs);
    }
    return true;
}

// The simulator's acknowledgement log, read incrementally as it grows.
class AckLog
{
public:
    explicit AckLog(QString path)
        : m_path(std::move(path))
    {
    }
    qsizetype count()
    {
        refresh();
        return m_ids.size();
    }
    QList<QByteArray> ids()
    {
        refresh();
        return m_ids;
    }

private:
    void refresh()
    {
        QFile f(m_path);
        if (!f.open(QIODevice::ReadOnly) || f.size() <= m_offset || !f.seek(m_offset))
            return;
        const QByteArray more = f.readAll();
        m_offset += more.size();
        m_partial += more;
        qsizetype start = 0;
        for (qsizetype nl = m_partial.indexOf('\n'); nl >= 0; nl = m_partial.indexOf('\n', start)) {
            m_ids.append(m_partial.mid(start, nl - start));
            start = nl + 1;
        }
        m_partial.remove(0, start);
    }

    QString m_path;
    qint64 m_offset = 0;
    QByteArray m_partial;
    QList<QByteArray> m_ids;
};

struct StoreExport
{
    bool ok = false;
    QString error;
    qsizetype rows = 0;
    qint64 totalAttempts = 0;
    QHash<QByteArray, qint64> attempts; // msg_id -> attempts
    QList<QByteArray> duplicates; // msg_ids seen on more than one row
    QList<QByteArray> withoutAttempts; // msg_ids whose attempts < 1
};

StoreExport exportStore(const QString &dataDir)
{
    StoreExport out;
    QProcess p;
    p.start(QStringLiteral(MM_APP_PATH),
            {QStringLiteral("--data-dir"), dataDir, QStringLiteral("--export"), QStringLiteral("-")});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        out.error = QStringLiteral("export of %1 failed: %2")
                        .arg(dataDir, QString::fromUtf8(p.readAllStandardError()));
        return out;
    }
    const QList<QByteArray> lines = p.readAllStandardOutput().split('\n');
    for (const QByteArray &line : lines) {
        if (line.isEmpty())
            continue;
        QJsonParseError parseError {};
        const QJsonObject row = QJsonDocument::fromJson(line, &parseError).object();
        if (parseError.error != QJsonParseError::NoError) {
            out.error = QStringLiteral("unreadable export line: %1").arg(QString::fromUtf8(line.left(200)));
            return out;
        }
        const QByteArray id = row.value(QLatin1String("msg_id")).toString().toUtf8();
        const qint64 attempts = row.value(QLatin1String("attempts")).toInteger(-1);
        ++out.rows;
        out.totalAttempts += attempts;
        if (out.attempts.contains(id))
            out.duplicates.append(id);
        if (attempts < 1)
            out.withoutAttempts.append(id);
        out.attempts.insert(id, attempts);
    }
    out.ok = true;
    return out;
}

// The ids in `acked` that `store` lacks.
QList<QByteArray> missingFrom(const StoreExport &store, const QList<QByteArray> &acked)
{
    QList<QByteArray> missing;
    for (const QByteArray &id : acked) {
        if (!store.attempts.contains(id))
            missing.append(id);
    }
    return missing;
}

QString describeIds(const QList<QByteArray> &ids)
{
    QStringList shown;
    for (qsizetype i = 0; i < qMin<qsizetype>(ids.size(), 10); ++i)
        shown << QString::fromLatin1(ids[i]);
    return QStringLiteral("%1 id(s), e.g. %2").arg(ids.size()).arg(shown.join(u' '));
}

// Copies the store's files as the killed process left them. Not -shm: SQLite rebuilds the
// WAL index from the WAL, as after a reboot.
bool copyCrashImage(const QString &dataDir, const QString &to)
{
    if (!QDir().mkpath(to))
        return false;
    for (const QString &name : {QStringLiteral("monitor.sqlite3"), QStringLiteral("monitor.sqlite3-wal")}) {
        const QString from = QDir(dataDir).filePath(name);
        if (QFile::exists(from) && !QFile::copy(from, QDir(to).filePath(name)))
            return false;
    }
    return true;
}
} // namespace

class TestCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void killDashNineDuringABurst();
    void sigkillWithAnswersInFlightLosesNothingAcknowledged();

private:
    QString dataDir() const { return m_dir->filePath(QStringLiteral("data")); }
    // The receiver on a fixed port, so that restarts come back where the simulator sends; its
    // stderr appended to one file, so the logs of every incarnation survive for diagnosis.
    HeadlessProcess::Options receiverOptions(quint16 port) const
    {
        HeadlessProcess::Options o {dataDir()};
        o.port = port;
        o.logFile = m_dir->filePath(QStringLiteral("receiver.log"));
        return o;
    }
    void startSim(quint16 port, int events);
    void killCheckAndRestart(HeadlessProcess &receiver, int kill);
    void finishAndVerify(HeadlessProcess &receiver, int events);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_sim;
    std::unique_ptr<AckLog> m_acks;
    quint64 m_seed = 0;
    QRandomGenerator m_rng;
};

void TestCrash::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // MM_CRASH_SEED replays a run: the same kill points and the same simulated traffic.
    bool fixed = false;
    m_seed = qEnvironmentVariable("MM_CRASH_SEED").toULongLong(&fixed);
    if (!fixed)
        m_seed = QRandomGenerator::system()->generate64();
    m_rng.seed(quint32(m_seed ^ (m_seed >> 32)));
    qInfo("seed %llu (MM_CRASH_SEED=%llu replays it)", static_cast<unsigned long long>(m_seed),
          static_cast<unsigned long long>(m_seed));
}

void TestCrash::cleanup()
{
    if (m_sim && m_sim->state() != QProcess::NotRunning) {
        m_sim->kill();
        m_sim->waitForFinished(5000);
    }
    m_sim.reset();
    m_acks.reset();
    if (QTest::currentTestFailed()) {
        m_dir->setAutoRemove(false);
        qWarning("kept %s (data/, crash-N/, acks.log, receiver.log) for inspection",
                 qPrintable(m_dir->path()));
    }
    m_dir.reset();
}

void TestCrash::startSim(quint16 port, int events)
{
    const QString ackPath = m_dir->filePath(QStringLiteral("acks.log"));
    m_acks = std::make_unique<AckLog>(ackPath);
    m_sim = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), TestSecretText);
    m_sim->setProcessEnvironment(env);
    m_sim->start(QStringLiteral(MM_SIM_PATH),
                 {QStringLiteral("--target"), QStringLiteral("http://127.0.0.1:%1/webhooks").arg(port),
                  QStringLiteral("--events"), QString::number(events), QStringLiteral("--concurrency"),
                  QString::number(Concurrency), QStringLiteral("--retry-scale"), RetryScale,
                  QStringLiteral("--max-attempts"), QString::number(MaxAttempts), QStringLiteral("--ack-log"),
                  ackPath, QStringLiteral("--seed"), QString::number(m_seed), QStringLiteral("--quiet")});
    QVERIFY2(m_sim->waitForStarted(10000), qPrintable(m_sim->errorString()));
}

// Kills the receiver, checks that the files it left hold everything acknowledged so far,
// and restarts it on the same port.
void TestCrash::killCheckAndRestart(HeadlessProcess &receiver, int kill)
{
    QVERIFY2(receiver.running(),
             qPrintable(QStringLiteral("the receiver died on its own before kill %1:\n%2")
                            .arg(kill)
                            .arg(receiver.logTail())));
    QVERIFY2(
        m_sim->state() == QProcess::Running,
        qPrintable(QStringLiteral("the burst ended before kill %1; the kill points are too late").arg(kill)));
    const quint16 port = receiver.port();
    QElapsedTimer down;
    down.start();
    QVERIFY2(receiver.sigkill(), "SIGKILL did not end the receiver");
    // Read only now: every id in the log was answered 2xx by the process that is now gone.
    const QList<QByteArray> acked = m_acks->ids();
    const QString image = m_dir->filePath(QStringLiteral("crash-%1").arg(kill));
    QVERIFY(copyCrashImage(dataDir(), image));
    QVERIFY2(receiver.start() == port,
             qPrintable(QStringLiteral("restart %1 failed:\n%2").arg(kill).arg(receiver.logTail())));
    const qint64 downMs = down.elapsed();

    const StoreExport crashed = exportStore(image);
    QVERIFY2(crashed.ok, qPrintable(crashed.error));
    const QList<QByteArray> missing = missingFrom(crashed, acked);
    QVERIFY2(
        missing.isEmpty(),
        qPrintable(QStringLiteral("kill %1: acknowledged but not in the store the killed process left: %2")
                       .arg(kill)
                       .arg(describeIds(missing))));
    QVERIFY2(crashed.duplicates.isEmpty(), qPrintable(describeIds(crashed.duplicates)));
    qInfo("kill %d: %lld acknowledged, %lld stored (%lld committed, answer not yet seen), down %lld ms", kill,
          static_cast<long long>(acked.size()), static_cast<long long>(crashed.rows),
          static_cast<long long>(crashed.rows - acked.size()), static_cast<long long>(downMs));
}

// Lets the simulator finish, stops the receiver cleanly, and checks the final store.
void TestCrash::finishAndVerify(HeadlessProcess &receiver, int events)
{
    QVERIFY2(m_sim->waitForFinished(120000), "the simulator did not finish within 120 s");
    const QString simOutput
        = QString::fromUtf8(m_sim->readAllStandardOutput() + m_sim->readAllStandardError());
    const int simExit = m_sim->exitStatus() == QProcess::NormalExit ? m_sim->exitCode() : -1;
    QVERIFY2(receiver.running(),
             qPrintable(QStringLiteral("the receiver died on its own:\n") + receiver.logTail()));
    QCOMPARE(receiver.terminate(), 0);

    const QList<QByteArray> acked = m_acks->ids();
    const QSet<QByteArray> ackedSet(acked.cbegin(), acked.cend());
    QVERIFY2(ackedSet.size() == acked.size(), "the simulator logged an id as acknowledged twice");

    const StoreExport store = exportStore(dataDir());
    QVERIFY2(store.ok, qPrintable(store.error));
    const QList<QByteArray> missing = missingFrom(store, acked);
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("acknowledged but not in the store: %1").arg(describeIds(missing))));
    QVERIFY2(store.duplicates.isEmpty(),
             qPrintable(QStringLiteral("exported twice: %1").arg(describeIds(store.duplicates))));
    QVERIFY2(store.withoutAttempts.isEmpty(),
             qPrintable(QStringLiteral("attempts < 1: %1").arg(describeIds(store.withoutAttempts))));
    QVERIFY2(store.totalAttempts >= acked.size(),
             qPrintable(QStringLiteral("%1 attempts recorded for %2 acknowledged ids")
                            .arg(store.totalAttempts)
                            .arg(acked.size())));
    // Every recorded attempt was a request the simulator sent.
    static const QRegularExpression sentRe(QStringLiteral("sent:\\s+(\\d+) attempts"));
    const auto sent = sentRe.match(simOutput);
    QVERIFY2(sent.hasMatch(), qPrintable(simOutput));
    QVERIFY2(store.totalAttempts <= sent.captured(1).toLongLong(),
             qPrintable(QStringLiteral("%1 attempts recorded, but the simulator sent only %2")
                            .arg(store.totalAttempts)
                            .arg(sent.captured(1))));

    {
        const QString connection
            = QStringLiteral("tst_crash-%1").arg(QString::fromLatin1(QTest::currentTestFunction()));
        QString integrity;
        qint64 attemptMismatches = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
            db.setDatabaseName(QDir(dataDir()).filePath(QStringLiteral("monitor.sqlite3")));
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next())
                    integrity = q.value(0).toString();
                else
                    integrity = q.lastError().text();
                // A retry's row in attempts and its delivery's counter are written in one transaction.
                if (q.exec(QStringLiteral("SELECT COUNT(*) FROM deliveries d WHERE d.attempts - 1 != "
                                          "(SELECT COUNT(*) FROM attempts a WHERE a.delivery_id = d.id)"))
                    && q.next())
                    attemptMismatches = q.value(0).toLongLong();
            } else {
                integrity = db.lastError().text();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(connection);
        QCOMPARE(integrity, QStringLiteral("ok"));
        QCOMPARE(attemptMismatches, 0);
    }

    qInfo("%lld acknowledged, %lld stored, %lld attempts recorded, %s sent; simulator exit %d",
          static_cast<long long>(acked.size()), static_cast<long long>(store.rows),
          static_cast<long long>(store.totalAttempts), qPrintable(sent.captured(1)), simExit);
    // The outages are far shorter than the ~20 s that eight scaled attempts span, so every
    // delivery must have been acknowledged in the end: the simulator reports success, and the
    // store holds exactly the acknowledged ids.
    QVERIFY2(simExit == 0, qPrintable(QStringLiteral("simulator exit %1:\n%2").arg(simExit).arg(simOutput)));
    QCOMPARE(acked.size(), qsizetype(events));
    QCOMPARE(store.rows, qsizetype(events));
}

void TestCrash::killDashNineDuringABurst()
{
    constexpr int Events = 20000;
    const quint16 port = HeadlessProcess::freePortBelowEphemeralRange();
    QVERIFY(port);
    HeadlessProcess receiver(receiverOptions(port));
    QVERIFY2(receiver.start() == port, qPrintable(receiver.logTail()));
    startSim(port, Events);
    if (QTest::currentTestFailed())
        return;

    // Each kill comes after the acknowledgement log has grown by a random 5 to 16 % of the
    // burst since the last restart, so all three land while the burst is still going.
    for (int kill = 1; kill <= 3; ++kill) {
        const qsizetype target = m_acks->count() + m_rng.bounded(Events / 20, Events / 6);
        QVERIFY2(
            pollUntil([&] { return m_acks->count() >= target || m_sim->state() == QProcess::NotRunning; },
                      30000, 2),
            qPrintable(QStringLiteral("the acknowledgement log stalled at %1 before kill %2")
                           .arg(m_acks->count())
                           .arg(kill)));
        killCheckAndRestart(receiver, kill);
        if (QTest::currentTestFailed())
            return;
    }
    finishAndVerify(receiver, Events);
}

void TestCrash::sigkillWithAnswersInFlightLosesNothingAcknowledged()
{
    constexpr int Events = 4000;
    const quint16 port = HeadlessProcess::freePortBelowEphemeralRange();
    QVERIFY(port);
    HeadlessProcess receiver(receiverOptions(port));
    QVERIFY2(receiver.start() == port, qPrintable(receiver.logTail()));
    startSim(port, Events);
    if (QTest::currentTestFailed())
        return;

    // The first acknowledgement: the other 63 connections have requests in the receiver's hands,
    // some queued for the store, some committed with the answer not yet written.
    QVERIFY2(
        pollUntil([&] { return m_acks->count() > 0 || m_sim->state() == QProcess::NotRunning; }, 30000, 1),
        "nothing was acknowledged within 30 s");
    killCheckAndRestart(receiver, 1);
    if (QTest::currentTestFailed())
        return;
    finishAndVerify(receiver, Events);
}

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
