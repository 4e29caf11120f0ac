// SPDX-License-Identifier: GPL-3.0-or-later
// Team mode under failure and across engines, with the real binaries on a throwaway PostgreSQL 15
// cluster:
// - two `--headless` receivers share one store; a burst of signed deliveries is spread over both,
//   some ids re-sent to the other receiver (a load balancer moving Svix's retry), and one
//   receiver is SIGKILLed mid-burst. Every id answered 2xx is exported exactly once, and an id
//   acknowledged twice counts at least two attempts;
// - `--report-migrations` (and `--export`, but for the receipt time) say the same of the same
//   simulated traffic whether it was stored in SQLite (`--data-dir`) or PostgreSQL (`--store`).
#include "headlessprocess.h"
#include "pgcluster.h"
#include "testhttp.h"
#include "testsecret.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <functional>
#include <memory>

using namespace mm;
using namespace mm::test;

namespace {

// Signed deliveries sent concurrently, one connection each, at most inFlight at a time. The status
// line is the answer (a receiver sends its 2xx only once the delivery is committed); a connection
// refused, reset or closed before it leaves 0.
class Burst final : public QObject
{
public:
    struct Send
    {
        QByteArray msgId;
        QByteArray body;
        int receiver = 0; // index into ports
    };

    Burst(QList<Send> plan, QList<quint16> ports, SigningSecret secret, int inFlight)
        : m_plan(std::move(plan))
        , m_ports(std::move(ports))
        , m_secret(std::move(secret))
        , m_inFlight(inFlight)
        , m_status(m_plan.size(), -1)
    {
    }

    // Called after each answer (or failure) with the number finished so far.
    std::function<void(qsizetype)> progress;

    void start()
    {
        for (int i = 0; i < m_inFlight; ++i)
            next();
    }
    bool finished() const { return m_done == m_plan.size(); }
    const QList<Send> &plan() const { return m_plan; }
    int status(qsizetype i) const { return m_status.at(i); }

private:
    void next()
    {
        if (m_started == m_plan.size())
            return;
        const qsizetype i = m_started++;
        auto *socket = new QTcpSocket(this);
        auto buffer = std::make_shared<QByteArray>();
        auto finish = [this, i, socket](int status) {
            if (m_status[i] != -1)
                return;
            m_status[i] = status;
            ++m_done;
            socket->disconnect(this);
            socket->abort();
            socket->deleteLater();
            if (progress)
                progress(m_done);
            next();
        };
        connect(socket, &QTcpSocket::connected, this, [this, i, socket] {
            socket->write(signedRequest(m_secret, m_plan[i].msgId, m_plan[i].body));
        });
        connect(socket, &QTcpSocket::readyRead, this, [socket, buffer, finish] {
            *buffer += socket->readAll();
            const qsizetype end = buffer->indexOf("\r\n");
            if (end < 0)
                return;
            // "HTTP/1.1 200 OK"
            const QList<QByteArray> parts = buffer->left(end).split(' ');
            finish(parts.size() >= 2 ? parts[1].toInt() : 0);
        });
        connect(socket, &QTcpSocket::errorOccurred, this, [finish] { finish(0); });
        socket->connectToHost(QHostAddress::LocalHost, m_ports[m_plan[i].receiver]);
    }

    const QList<Send> m_plan;
    const QList<quint16> m_ports;
    const SigningSecret m_secret;
    const int m_inFlight;
    QList<int> m_status; // -1: not answered yet
    qsizetype m_started = 0;
    qsizetype m_done = 0;
};

struct Run
{
    int exitCode = -1; // -1: did not finish, or crashed
    QByteArray out;
    QByteArray err;
};

Run runApp(const QStringList &args)
{
    QProcess p;
    p.start(HeadlessProcess::appPath(), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished(5000);
        return r;
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.trimmed().isEmpty())
            objects.append(QJsonDocument::fromJson(line).object());
    }
    return objects;
}

QString canonical(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

class TestTeamFailover final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        MM_START_PG_CLUSTER(m_cluster);
        QVERIFY(m_dir.isValid());
    }
    void cleanupTestCase() { m_cluster.reset(); }

    void aReceiverKilledMidBurstLosesNothingAcknowledged()
    {
        const QString url = m_cluster->url();
        auto receiver = [&](const char *name) {
            return std::make_unique<HeadlessProcess>([&] {
                HeadlessProcess::Options o(m_dir.path(), {QStringLiteral("--store"), url});
                o.logFile = m_dir.filePath(QLatin1String(name) + QLatin1String(".log"));
                return o;
            }());
        };
        auto a = receiver("a");
        auto b = receiver("b");
        const quint16 portA = a->start();
        const quint16 portB = b->start();
        QVERIFY2(portA && portB, qPrintable(a->logTail() + b->logTail()));

        // 600 ids spread over both receivers; every third is sent again to the other one.
        constexpr int Ids = 600;
        QList<Burst::Send> plan;
        QHash<QByteArray, int> sends;
        for (int i = 0; i < Ids; ++i) {
            const QByteArray id = "msg_failover_" + QByteArray::number(i);
            const QByteArray body = envelope("evt_failover_" + QByteArray::number(i), "migration.started",
                                             "mig_failover_" + QByteArray::number(i / 10), "WORKING");
            plan.append({id, body, i % 2});
            ++sends[id];
            if (i % 3 == 0) {
                plan.append({id, body, 1 - i % 2});
                ++sends[id];
            }
        }
        const auto secret = SigningSecret::parse(TestSecretText);
        QVERIFY(secret);
        Burst burst(plan, {portA, portB}, *secret, 16);
        // Half-way through, receiver A dies with requests in flight.
        QObject context;
        bool killRequested = false;
        bool killed = false;
        qsizetype doneAtKill = 0;
        burst.progress = [&](qsizetype done) {
            if (killRequested || done < plan.size() / 2)
                return;
            killRequested = true;
            doneAtKill = done;
            QTimer::singleShot(0, &context, [&] { killed = a->sigkill(); });
        };
        burst.start();
        QTRY_VERIFY_WITH_TIMEOUT(burst.finished(), 120000);
        QVERIFY(killed);

        // What each receiver acknowledged, before and after the kill.
        QHash<QByteArray, int> acknowledged; // id -> 2xx answers
        int ackedByABeforeKill = 0;
        int failedOnA = 0;
        int ackedByB = 0;
        int sentToB = 0;
        for (qsizetype i = 0; i < plan.size(); ++i) {
            const int status = burst.status(i);
            QVERIFY2(
                status == 0 || status == 200 || status == 503,
                qPrintable(QStringLiteral("%1: %2").arg(QString::fromLatin1(plan[i].msgId)).arg(status)));
            sentToB += plan[i].receiver == 1;
            if (status / 100 == 2) {
                ++acknowledged[plan[i].msgId];
                ackedByABeforeKill += plan[i].receiver == 0;
                ackedByB += plan[i].receiver == 1;
            } else if (plan[i].receiver == 0) {
                ++failedOnA;
            }
        }
        qInfo("%lld sends, A killed after %lld answers; %d acknowledged by A, %d by B, %d failed on A",
              static_cast<long long>(plan.size()), static_cast<long long>(doneAtKill), ackedByABeforeKill,
              ackedByB, failedOnA);
        QVERIFY(ackedByABeforeKill > 0); // the kill came mid-burst: A had answered some,
        QVERIFY(failedOnA > 0); // and some sent to it were left unanswered
        QCOMPARE(ackedByB, sentToB); // while B answered every one, to the end
        QCOMPARE(b->terminate(), 0);

        const Run exported
            = runApp({QStringLiteral("--store"), url, QStringLiteral("--export"), QStringLiteral("-")});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QHash<QByteArray, int> stored; // id -> rows
        QHash<QByteArray, qint64> attempts;
        for (const QJsonObject &row : jsonLines(exported.out)) {
            const QByteArray id = row.value(QLatin1String("msg_id")).toString().toUtf8();
            ++stored[id];
            attempts[id] = row.value(QLatin1String("attempts")).toInteger();
        }
        int twice = 0;
        for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it) {
            QVERIFY2(stored.value(it.key()) == 1,
                     qPrintable(QStringLiteral("%1 acknowledged, stored %2 times")
                                    .arg(QString::fromLatin1(it.key()))
                                    .arg(stored.value(it.key()))));
            if (it.value() >= 2) {
                ++twice;
                QVERIFY2(attempts.value(it.key()) >= 2,
                         qPrintable(QStringLiteral("%1 acknowledged twice, %2 attempts")
                                        .arg(QString::fromLatin1(it.key()))
                                        .arg(attempts.value(it.key()))));
            }
        }
        QVERIFY(twice > 0);
        // Nothing else is there twice or uninvited; no id counts more attempts than it was sent.
        // (An id A committed but could not answer before it died is there, unacknowledged.)
        for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
            QCOMPARE(it.value(), 1);
            QVERIFY2(sends.contains(it.key()), it.key().constData());
            QVERIFY(attempts.value(it.key()) >= 1 && attempts.value(it.key()) <= sends.value(it.key()));
        }
        QVERIFY(stored.size() >= acknowledged.size());
        qInfo("%lld ids stored, %lld acknowledged, %d of them twice", static_cast<long long>(stored.size()),
              static_cast<long long>(acknowledged.size()), twice);
    }

    void reportIsTheSameOnBothEngines()
    {
        {
            QSqlDatabase admin = m_cluster->connect(QStringLiteral("failover-admin"));
            QVERIFY(admin.isOpen());
            QSqlQuery q(admin);
            QVERIFY(q.exec(QStringLiteral("CREATE DATABASE report")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("failover-admin"));
        const QStringList sqlite {QStringLiteral("--data-dir"),
                                  m_dir.filePath(QStringLiteral("report-sqlite"))};
        const QStringList postgres {QStringLiteral("--store"), m_cluster->url(QStringLiteral("report"))};

        // The same simulated traffic to one receiver of each kind: the same seed and epoch send
        // the same deliveries, out of order, with duplicates, pings and unparsable bodies.
        constexpr int Migrations = 30;
        for (const QStringList &store : {sqlite, postgres}) {
            HeadlessProcess::Options o(m_dir.path(), store);
            o.logFile = m_dir.filePath(QStringLiteral("report.log"));
            HeadlessProcess receiver(o);
            const quint16 port = receiver.start();
            QVERIFY2(port, qPrintable(receiver.logTail()));
            QProcess sim;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), TestSecretText);
            sim.setProcessEnvironment(env);
            sim.start(QStringLiteral(MM_SIM_PATH),
                      {QStringLiteral("--target"), QStringLiteral("http://127.0.0.1:%1/webhooks").arg(port),
                       QStringLiteral("--migrations"), QString::number(Migrations), QStringLiteral("--seed"),
                       QStringLiteral("7"), QStringLiteral("--epoch"), QStringLiteral("1750000000000000"),
                       QStringLiteral("--concurrency"), QStringLiteral("4"), QStringLiteral("--out-of-order"),
                       QStringLiteral("--duplicates"), QStringLiteral("0.2"), QStringLiteral("--seed-quirk"),
                       QStringLiteral("0.1"), QStringLiteral("--pings"), QStringLiteral("3"),
                       QStringLiteral("--quiet")});
            QVERIFY2(sim.waitForFinished(120000), "the simulator did not finish in 120 s");
            QVERIFY2(sim.exitStatus() == QProcess::NormalExit && sim.exitCode() == 0,
                     QByteArray(sim.readAllStandardOutput() + sim.readAllStandardError()).constData());
            QCOMPARE(receiver.terminate(), 0);
        }

        auto report = [](const QStringList &store) {
            const Run r
                = runApp(store + QStringList {QStringLiteral("--report-migrations"), QStringLiteral("-")});
            QStringList lines;
            for (const QJsonObject &o : jsonLines(r.out))
                lines.append(canonical(o));
            lines.sort();
            return std::pair(r, lines);
        };
        const auto [sqliteRun, sqliteReport] = report(sqlite);
        const auto [postgresRun, postgresReport] = report(postgres);
        QVERIFY2(sqliteRun.exitCode == 0, sqliteRun.err.constData());
        QVERIFY2(postgresRun.exitCode == 0, postgresRun.err.constData());
        QCOMPARE(sqliteReport.size(), qsizetype(Migrations));
        QSet<QString> statuses;
        for (const QString &line : sqliteReport)
            statuses.insert(
                QJsonDocument::fromJson(line.toUtf8()).object().value(QLatin1String("status")).toString());
        QVERIFY2(statuses.size() >= 2, "the traffic should end in several outcomes");
        for (qsizetype i = 0; i < sqliteReport.size() && i < postgresReport.size(); ++i)
            QVERIFY2(sqliteReport[i] == postgresReport[i],
                     qPrintable(QStringLiteral("SQLite:     %1\nPostgreSQL: %2")
                                    .arg(sqliteReport[i], postgresReport[i])));
        QCOMPARE(postgresReport, sqliteReport);

        // The deliveries behind it, too: everything but when each was received.
        auto exported = [](const QStringList &store) {
            const Run r = runApp(store + QStringList {QStringLiteral("--export"), QStringLiteral("-")});
            QStringList lines;
            for (QJsonObject o : jsonLines(r.out)) {
                o.remove(QLatin1String("received_at"));
                lines.append(canonical(o));
            }
            lines.sort();
            return lines;
        };
        const QStringList sqliteExport = exported(sqlite);
        QVERIFY(sqliteExport.size() > Migrations);
        // The traffic had retries (the duplicates) and pings (no migration) in it.
        QVERIFY(!sqliteExport.filter(QStringLiteral("\"attempts\":2")).isEmpty());
        // A ping is Svix's "send example" body, {"success": true}: counted by its body, whatever
        // type the store gives it.
        QCOMPARE(sqliteExport.filter(QStringLiteral("\"body\":\"{\\\"success\\\": true}\"")).size(), 3);
        QCOMPARE(exported(postgres), sqliteExport);
    }

private:
    std::unique_ptr<PgCluster> m_cluster;
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestTeamFailover)
#include "tst_teamfailover.moc"
