// SPDX-License-Identifier: GPL-3.0-or-later
// The copied command is run by a real shell and a real curl against a loopback socket,
// and what arrives is checked with the verifier.
#include "replay/curlcommand.h"
#include "testsecret.h"
#include "verify/signingsecret.h"
#include "verify/verifier.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace mm;

namespace {
using mm::test::TestSecretText;

struct Received
{
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[n, v] : headers)
            if (n.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

// Serves one request: reads it whole, answers 204, returns what came.
std::optional<Received> runAgainstLoopback(const CurlRequest &request, QString *why)
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost)) {
        *why = server.errorString();
        return std::nullopt;
    }
    CurlRequest r = request;
    r.target = QUrl(QStringLiteral("http://127.0.0.1:%1/webhooks").arg(server.serverPort()));
    QProcess shell;
    shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), curlCommand(r)});
    if (!server.waitForNewConnection(10000)) {
        *why
            = QStringLiteral("curl never connected: ") + QString::fromLocal8Bit(shell.readAllStandardError());
        return std::nullopt;
    }
    QTcpSocket *socket = server.nextPendingConnection();
    QByteArray data;
    Received got;
    qsizetype headerEnd = -1;
    qsizetype length = -1;
    while (length < 0 || data.size() < headerEnd + 4 + length) {
        if (!socket->waitForReadyRead(10000)) {
            *why = QStringLiteral("request incomplete");
            return std::nullopt;
        }
        data += socket->readAll();
        headerEnd = data.indexOf("\r\n\r\n");
        if (headerEnd >= 0 && length < 0) {
            const QList<QByteArray> lines = data.left(headerEnd).split('\n');
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                got.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
            }
            length = got.header("content-length").toLongLong();
        }
    }
    got.body = data.mid(headerEnd + 4, length);
    socket->write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    socket->waitForBytesWritten(5000);
    socket->disconnectFromHost();
    if (!shell.waitForFinished(10000) || shell.exitCode() != 0) {
        *why = QStringLiteral("curl failed: ") + QString::fromLocal8Bit(shell.readAllStandardError());
        return std::nullopt;
    }
    return got;
}
} // namespace

class TestCurlCommand final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void shellQuoteRoundTrips_data();
    void shellQuoteRoundTrips();
    void sentBodyIsByteExactAndVerifies_data();
    void sentBodyIsByteExactAndVerifies();
    void commandHoldsNoSecret();
};

void TestCurlCommand::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
        QFAIL("curl is not installed (scripts/bootstrap.sh installs it)");
}

void TestCurlCommand::shellQuoteRoundTrips_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("plain") << QStringLiteral("hello");
    QTest::addRow("single quotes") << QStringLiteral("it's 'quoted'");
    QTest::addRow("shell syntax") << QStringLiteral("$(rm -rf /) `x` \"$HOME\" ; | & \\n");
    QTest::addRow("unicode and newline") << QStringLiteral("café\nnaïve");
}

void TestCurlCommand::shellQuoteRoundTrips()
{
    QFETCH(QString, text);
    QProcess sh;
    sh.start(QStringLiteral("/bin/sh"),
             {QStringLiteral("-c"), QStringLiteral("printf %s ") + shellQuote(text)});
    QVERIFY(sh.waitForFinished(5000));
    QCOMPARE(QString::fromUtf8(sh.readAllStandardOutput()), text);
}

void TestCurlCommand::sentBodyIsByteExactAndVerifies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addRow("json with quotes")
        << QByteArray(R"({"type":"migration.failed","data":{"error_message":"can't connect; it's down"}})");
    QTest::addRow("multi-line") << QByteArray("{\n  \"a\": \"b\\tc\"\n}\n");
    QTest::addRow("not UTF-8") << QByteArray("\xff\xfe{\"a\":1}\x00\x01", 11);
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("starts with @ (curl would read a file)") << QByteArray("@/etc/passwd");
    QTest::addRow("UTF-8 byte-order mark") << QByteArray("\xEF\xBB\xBF{\"a\":1}");
}

void TestCurlCommand::sentBodyIsByteExactAndVerifies()
{
    QFETCH(QByteArray, body);
    const auto secret = SigningSecret::parse(TestSecretText);
    QVERIFY(secret);
    CurlRequest request;
    request.msgId = "msg_2ZkcXqCFqYy1T3pbU9d6A0nVqGz";
    request.body = body;
    request.timestamp = QDateTime::currentSecsSinceEpoch();
    request.secret = &*secret;
    QString why;
    const auto got = runAgainstLoopback(request, &why);
    QVERIFY2(got, qPrintable(why));
    QCOMPARE(got->body, body);
    QCOMPARE(got->header("svix-id"), request.msgId);
    const Verifier verifier({*secret});
    const Verdict verdict
        = verifier.verify([&](QByteArrayView name) { return got->header(name.toByteArray()); }, got->body);
    QVERIFY2(verdict.accepted(), qPrintable(Verifier::describe(verdict, std::chrono::seconds(300))));
}

void TestCurlCommand::commandHoldsNoSecret()
{
    const auto secret = SigningSecret::parse(TestSecretText);
    QVERIFY(secret);
    const QString command = curlCommand(
        {QUrl(QStringLiteral("http://127.0.0.1:8787/webhooks")), "msg_1", "{}", 1750207841, &*secret});
    QVERIFY(!command.contains(QStringLiteral("whsec_")));
    QVERIFY(!command.contains(QStringLiteral("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")));
    QVERIFY(command.contains(QStringLiteral("svix-signature: v1,")));
}

QTEST_GUILESS_MAIN(TestCurlCommand)
#include "tst_curlcommand.moc"
