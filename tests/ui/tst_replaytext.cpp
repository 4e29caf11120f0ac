// SPDX-License-Identifier: GPL-3.0-or-later
// The replay windows' words: where JSON stops parsing (lines and characters, not bytes), one
// request's outcome with the head of its answer, and a run's tally.
#include "replay/replaytext.h"

#include <QTest>

using namespace mm;

class TestReplayText final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validJsonHasNoProblem();
    void problemLineAndColumn_data();
    void problemLineAndColumn();
    void resultDetailsSayWhatHappened();
    void binaryAnswerIsHexAndLongOneIsMarked();
    void tallies();
    void targets_data();
    void targets();
};

void TestReplayText::validJsonHasNoProblem()
{
    int line = -1;
    int column = -1;
    QVERIFY(replaytext::jsonProblem(R"({"type":"migration.failed","data":{"migration_id":"mig_1"}})", &line,
                                    &column)
                .isEmpty());
    QCOMPARE(line, 0);
    QCOMPARE(column, 0);
}

void TestReplayText::problemLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    // The column counts characters: "é" is two bytes but one column.
    QTest::addRow("utf-8 before the error") << QByteArray("{\"\xc3\xa9\": x}") << 1 << 7;
    QTest::addRow("third line") << QByteArray("{\n  \"a\": 1,\n  \"b\": }\n") << 3 << 9;
    QTest::addRow("unterminated") << QByteArray("{\"a\": 1") << 1 << 8;
}

void TestReplayText::problemLineAndColumn()
{
    QFETCH(QByteArray, body);
    QFETCH(int, line);
    QFETCH(int, column);
    int l = 0;
    int c = 0;
    const QString problem = replaytext::jsonProblem(body, &l, &c);
    QVERIFY(!problem.isEmpty());
    QCOMPARE(l, line);
    QCOMPARE(c, column);
    QVERIFY2(problem.startsWith(QStringLiteral("Line %1, column %2: ").arg(line).arg(column)),
             qPrintable(problem));
}

void TestReplayText::resultDetailsSayWhatHappened()
{
    ReplayResult r;
    r.status = 500;
    r.latencyUs = 12345;
    r.tries = 3;
    r.originalMsgId = "msg_old";
    r.sentMsgId = "msg_new";
    r.error = QStringLiteral("HTTP 500 Internal Server Error");
    r.responseHead = R"({"error":"database down"})";
    const QString text = replaytext::resultDetails(r);
    QVERIFY2(text.startsWith(QStringLiteral("HTTP 500 · 12.3 ms · 3 tries")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("Sent as msg_new (stored as msg_old)")));
    QVERIFY(text.contains(QStringLiteral("Error: HTTP 500 Internal Server Error")));
    QVERIFY(text.endsWith(QStringLiteral(R"({"error":"database down"})")));

    ReplayResult none;
    none.tries = 1;
    none.error = QStringLiteral("Connection refused");
    const QString noAnswer = replaytext::resultDetails(none);
    QVERIFY2(noAnswer.startsWith(QStringLiteral("No answer")), qPrintable(noAnswer));
    QVERIFY(noAnswer.contains(QStringLiteral("No answer was read.")));

    ReplayResult cancelled;
    cancelled.cancelled = true;
    QVERIFY(replaytext::resultDetails(cancelled).startsWith(QStringLiteral("Cancelled before sending")));
}

void TestReplayText::binaryAnswerIsHexAndLongOneIsMarked()
{
    ReplayResult r;
    r.status = 200;
    r.tries = 1;
    r.responseHead = QByteArray("\x00\x01\xff", 3);
    const QString hex = replaytext::resultDetails(r);
    QVERIFY2(hex.contains(QStringLiteral("00 01 ff")), qPrintable(hex));
    QVERIFY(!hex.contains(QStringLiteral("Only the first")));

    r.responseHead = QByteArray(Replayer::ResponseHeadBytes, 'a');
    QVERIFY(replaytext::resultDetails(r).contains(QStringLiteral("Only the first")));
}

void TestReplayText::tallies()
{
    ReplaySummary s;
    s.succeeded = 10;
    s.failed = 2;
    QCOMPARE(replaytext::progressText(12, 40, s), QStringLiteral("12 of 40 done · 10 succeeded · 2 failed"));
    s.cancelled = 28;
    QCOMPARE(replaytext::summaryText(s), QStringLiteral("Done: 10 succeeded, 2 failed, 28 cancelled."));
}

void TestReplayText::targets_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("says"); // empty: accepted
    QTest::addRow("http") << QStringLiteral("http://127.0.0.1:3000/webhooks") << QString();
    QTest::addRow("https, spaces around") << QStringLiteral("  https://dev.example/hook ") << QString();
    QTest::addRow("empty") << QStringLiteral("  ") << QStringLiteral("Enter the URL");
    QTest::addRow("ftp") << QStringLiteral("ftp://host/x") << QStringLiteral("not ftp://");
    QTest::addRow("relative") << QStringLiteral("/webhooks") << QStringLiteral("absolute URL");
    QTest::addRow("no host") << QStringLiteral("https://") << QStringLiteral("names no host");
    QTest::addRow("bad port") << QStringLiteral("http://127.0.0.1:99999/x") << QStringLiteral("is not a URL");
}

void TestReplayText::targets()
{
    QFETCH(QString, text);
    QFETCH(QString, says);
    QUrl url;
    const QString problem = replaytext::targetProblem(text, &url);
    if (says.isEmpty()) {
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(url.toString(), text.trimmed());
    } else {
        QVERIFY2(problem.contains(says), qPrintable(problem));
    }
}

QTEST_MAIN(TestReplayText)
#include "tst_replaytext.moc"
