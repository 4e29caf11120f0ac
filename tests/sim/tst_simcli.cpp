// SPDX-License-Identifier: GPL-3.0-or-later
// The migration-monitor-sim binary itself: argument validation, exit status, the summary,
// the ack log, secrets from the environment and a clean stop on SIGTERM.
#include "fakereceiver.h"
#include "testsecret.h"
#include "verify/verifier.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

namespace {
using mm::test::OtherTestSecretText;
using mm::test::TestSecretText;

QString binary()
{
    return qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/app/sim/migration-monitor-sim");
}

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the binary while this process's event loop serves the fake receiver.
Result run(const QStringList &arguments, const QString &envSecrets = {}, int timeoutMs = 30'000)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("MIGRATION_MONITOR_SECRETS"));
    if (!envSecrets.isEmpty())
        env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), envSecrets);
    process.setProcessEnvironment(env);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(binary(), arguments);
    Result r;
    if (!finished.wait(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return r;
    }
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

bool verifies(const ReceivedRequest &request)
{
    static const mm::Verifier verifier({*mm::SigningSecret::parse(TestSecretText)});
    return verifier
        .verify([&request](QByteArrayView name) { return request.headers.value(name.toByteArray()); },
                request.body)
        .accepted();
}
} // namespace

class TestSimCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badArguments_data();
    void badArguments();
    void deliversAndWritesTheAckLog();
    void failuresGiveExitStatusOne();
    void rotationAndUnbrandedFromTheCommandLine();
    void sigtermStopsWithASummary();
};

void TestSimCli::initTestCase()
{
    QVERIFY2(QFile::exists(binary()), qPrintable(binary()));
}

void TestSimCli::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("envSecrets");
    QTest::addColumn<QString>("message");
    const QString target = QStringLiteral("--target=http://127.0.0.1:9/hooks");
    const QString secret = QStringLiteral("--secret=") + TestSecretText;
    QTest::addRow("no target") << QStringList {secret} << QString() << QStringLiteral("--target is required");
    QTest::addRow("not a URL") << QStringList {QStringLiteral("--target=::nonsense"), secret} << QString()
                               << QStringLiteral("not a usable URL");
    QTest::addRow("wrong scheme") << QStringList {QStringLiteral("--target=ftp://127.0.0.1/"), secret}
                                  << QString() << QStringLiteral("http://");
    QTest::addRow("no secret") << QStringList {target} << QString() << QStringLiteral("No signing secret");
    QTest::addRow("invalid secret") << QStringList {target, QStringLiteral("--secret=whsec_!!!")} << QString()
                                    << QStringLiteral("not valid base64");
    QTest::addRow("invalid env secret")
        << QStringList {target} << QStringLiteral("whsec_") << QStringLiteral("Secret 1");
    QTest::addRow("ratio above one") << QStringList {target, secret, QStringLiteral("--duplicates=2")}
                                     << QString() << QStringLiteral("--duplicates expects");
    QTest::addRow("not a number") << QStringList {target, secret, QStringLiteral("--concurrency=many")}
                                  << QString() << QStringLiteral("--concurrency expects");
    QTest::addRow("unknown option") << QStringList {target, secret, QStringLiteral("--frobnicate")}
                                    << QString() << QStringLiteral("frobnicate");
    QTest::addRow("unbranded above one") << QStringList {target, secret, QStringLiteral("--unbranded=1.5")}
                                         << QString() << QStringLiteral("--unbranded expects");
    QTest::addRow("invalid rotation secret")
        << QStringList {target, secret, QStringLiteral("--rotate-secret=whsec_!!!")} << QString()
        << QStringLiteral("--rotate-secret: ");
}

void TestSimCli::badArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, envSecrets);
    QFETCH(QString, message);
    const Result r = run(arguments, envSecrets);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void TestSimCli::deliversAndWritesTheAckLog()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.respond = [](const ReceivedRequest &r) { return verifies(r) ? 200 : 401; };
    QTemporaryDir dir;
    const QString ackLog = dir.filePath(QStringLiteral("acks"));
    // The first of the environment's secrets signs; the second is only for the receiver.
    const Result r = run(
        {QStringLiteral("--target"), receiver.url().toString(), QStringLiteral("--migrations=12"),
         QStringLiteral("--pings=2"), QStringLiteral("--concurrency=3"), QStringLiteral("--wrong-secret=0.2"),
         QStringLiteral("--retry-scale=0.0001"), QStringLiteral("--max-attempts=2"),
         QStringLiteral("--ack-log"), ackLog, QStringLiteral("--seed=99"), QStringLiteral("--quiet")},
        TestSecretText + QStringLiteral("  \n ") + OtherTestSecretText);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.err.isEmpty()); // --quiet

    QSet<QByteArray> accepted;
    for (const ReceivedRequest &request : receiver.requests) {
        if (verifies(request))
            accepted.insert(request.header("svix-id"));
    }
    QVERIFY(accepted.size() >= 30);
    QVERIFY(accepted.size() < receiver.byId().size()); // some were signed wrong on purpose

    QFile file(ackLog);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(QSet<QByteArray>(lines.cbegin(), lines.cend()), accepted);
    QCOMPARE(lines.size(), accepted.size());

    QVERIFY2(r.out.contains(QStringLiteral("acknowledged:          %1\n").arg(accepted.size())),
             qPrintable(r.out));
    QVERIFY(r.out.contains(
        QStringLiteral("rejected as intended:  %1\n").arg(receiver.byId().size() - accepted.size())));
    QVERIFY(r.out.contains(u"result:                OK"));
    QVERIFY(r.out.contains(u"latency p99:"));

    // The same seed gives the same traffic.
    FakeReceiver again;
    QVERIFY(again.listen());
    QCOMPARE(run({QStringLiteral("--target"), again.url().toString(), QStringLiteral("--migrations=12"),
                  QStringLiteral("--pings=2"), QStringLiteral("--seed=99"), QStringLiteral("--quiet"),
                  QStringLiteral("--secret"), TestSecretText})
                 .exitCode,
             0);
    // Ids embed the wall clock (KSUIDs and ULIDs sort by time), so compare the traffic's
    // shape: one type/status per distinct delivery, whatever the retries and the order.
    auto shape = [](const FakeReceiver &fake) {
        QHash<QByteArray, QString> byId;
        for (const ReceivedRequest &request : fake.requests) {
            const QJsonObject o = QJsonDocument::fromJson(request.body).object();
            byId.insert(request.header("svix-id"),
                        o.value(QLatin1String("type")).toString() + u'/'
                            + o.value(QLatin1String("data"))
                                  .toObject()
                                  .value(QLatin1String("object"))
                                  .toObject()
                                  .value(QLatin1String("status"))
                                  .toString());
        }
        QStringList out = byId.values();
        out.sort();
        return out;
    };
    QCOMPARE(shape(again), shape(receiver));
}

void TestSimCli::failuresGiveExitStatusOne()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.respond = [](const ReceivedRequest &) { return 500; };
    const Result r
        = run({QStringLiteral("--target"), receiver.url().toString(), QStringLiteral("--migrations=2"),
               QStringLiteral("--max-attempts=1"), QStringLiteral("--secret"), TestSecretText});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.contains(u"result:                FAILED"));
    QVERIFY(r.out.contains(QStringLiteral("failed:                %1\n").arg(receiver.requests.size())));
    QVERIFY(r.err.contains(u"Sending 2 migrations")); // progress goes to stderr
}

void TestSimCli::sigtermStopsWithASummary()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(binary(),
                  {QStringLiteral("--target"), receiver.url().toString(), QStringLiteral("--continuous"),
                   QStringLiteral("--rate=500"), QStringLiteral("--quiet"), QStringLiteral("--secret"),
                   TestSecretText});
    QVERIFY(process.waitForStarted());
    // Serve until some traffic has arrived, then ask it to stop.
    QTRY_VERIFY_WITH_TIMEOUT(receiver.requests.size() >= 20, 20'000);
    ::kill(pid_t(process.processId()), SIGTERM);
    QVERIFY(finished.wait(10'000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    QVERIFY2(out.contains(u"acknowledged:"), qPrintable(out));
    QVERIFY(out.contains(u"sent:"));
}

void TestSimCli::rotationAndUnbrandedFromTheCommandLine()
{
    // --rotate-secret: both secrets sign (two v1 entries), so a receiver holding either accepts;
    // --unbranded: that share comes with webhook-* names.
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    const mm::Verifier newOnly({*mm::SigningSecret::parse(OtherTestSecretText)});
    receiver.respond = [&newOnly](const ReceivedRequest &r) {
        const bool ok
            = newOnly
                  .verify([&r](QByteArrayView name) { return r.headers.value(name.toByteArray()); }, r.body)
                  .accepted();
        return ok && verifies(r) ? 200 : 401;
    };
    const Result r = run(
        {QStringLiteral("--target"), receiver.url().toString(), QStringLiteral("--migrations=10"),
         QStringLiteral("--secret"), TestSecretText, QStringLiteral("--rotate-secret"), OtherTestSecretText,
         QStringLiteral("--unbranded=0.5"), QStringLiteral("--seed=5"), QStringLiteral("--quiet")});
    QCOMPARE(r.exitCode, 0);
    int unbranded = 0;
    for (const ReceivedRequest &request : receiver.requests) {
        const QByteArray signature = request.header("svix-signature") + request.header("webhook-signature");
        QCOMPARE(signature.count("v1,"), 2);
        unbranded += request.header("webhook-id").isEmpty() ? 0 : 1;
    }
    QVERIFY(receiver.requests.size() >= 30);
    QVERIFY2(unbranded > 0 && unbranded < receiver.requests.size(), qPrintable(QString::number(unbranded)));
}

QTEST_GUILESS_MAIN(TestSimCli)
#include "tst_simcli.moc"
