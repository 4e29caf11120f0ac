// SPDX-License-Identifier: GPL-3.0-or-later
// The sender's response parser, fed whole and one byte at a time: framing, keep-alive and errors.
#include "sim/httpresponseparser.h"

#include <QTest>

using mm::sim::HttpResponseParser;

namespace {
struct Outcome
{
    bool done = false;
    bool error = false;
    int status = 0;
    bool keepAlive = false;
    qsizetype consumed = 0;
};

Outcome feedAll(const QByteArray &bytes, bool byteByByte, bool closeAtEnd)
{
    HttpResponseParser parser;
    parser.reset();
    Outcome out;
    if (byteByByte) {
        for (qsizetype i = 0; i < bytes.size() && !parser.isDone() && !parser.hasError(); ++i)
            out.consumed += parser.feed(bytes.constData() + i, 1);
    } else {
        out.consumed = parser.feed(bytes.constData(), bytes.size());
    }
    if (closeAtEnd && !parser.isDone() && !parser.hasError())
        parser.finishOnClose();
    out.done = parser.isDone();
    out.error = parser.hasError();
    out.status = parser.status();
    out.keepAlive = parser.keepAlive();
    return out;
}
} // namespace

class TestHttpResponseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void responses_data();
    void responses();
    void stopsAtTheEndOfOneResponse();
    void closeBeforeCompletionIsAnError();
    void retryAfter_data();
    void retryAfter();
};

void TestHttpResponseParser::responses_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("closeAtEnd");
    QTest::addColumn<bool>("done");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("keepAlive");

    QTest::addRow("204 no body") << QByteArray("HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n") << false << true
                                 << 204 << true;
    QTest::addRow("200 content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false << true << 200 << true;
    QTest::addRow("header case and spaces")
        << QByteArray("HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:   2  \r\n\r\nok") << false << true << 200 << true;
    QTest::addRow("bare LF lines") << QByteArray("HTTP/1.1 201 Created\nContent-Length: 0\n\n") << false
                                   << true << 201 << true;
    QTest::addRow("no reason phrase")
        << QByteArray("HTTP/1.1 202\r\nContent-Length: 0\r\n\r\n") << false << true << 202 << true;
    QTest::addRow("chunked with extension and trailer") << QByteArray(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\nA\r\n0123456789\r\n"
        "0\r\nX-Trailer: 1\r\n\r\n") << false << true << 200
                                                        << true;
    QTest::addRow("connection close")
        << QByteArray("HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx") << false << true
        << 500 << false;
    QTest::addRow("connection token list")
        << QByteArray("HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 0\r\n\r\n") << false
        << true << 200 << false;
    QTest::addRow("HTTP/1.0 closes by default")
        << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") << false << true << 200 << false;
    QTest::addRow("HTTP/1.0 keep-alive")
        << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n") << false
        << true << 200 << true;
    QTest::addRow("body until close")
        << QByteArray("HTTP/1.1 200 OK\r\n\r\nsome body") << true << true << 200 << false;
    QTest::addRow("100 continue first")
        << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << false
        << true << 200 << true;
    QTest::addRow("redirect") << QByteArray("HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n")
                              << false << true << 302 << true;
    QTest::addRow("garbage") << QByteArray("SSH-2.0-OpenSSH\r\n") << false << false << 0 << false;
    QTest::addRow("bad status") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n") << false << false << 0 << false;
    QTest::addRow("HTTP/2 text") << QByteArray("HTTP/2.0 200 OK\r\n\r\n") << false << false << 0 << false;
    QTest::addRow("bad content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << false << false << 200 << false;
    QTest::addRow("conflicting content-length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx") << false << false
        << 200 << false;
    QTest::addRow("bad chunk size") << QByteArray(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                    << false << false << 200 << false;
    QTest::addRow("header line too long")
        << (QByteArray("HTTP/1.1 200 OK\r\nX: ") + QByteArray(20000, 'a') + "\r\n\r\n") << false << false
        << 200 << false;
}

void TestHttpResponseParser::responses()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, closeAtEnd);
    QFETCH(bool, done);
    QFETCH(int, status);
    QFETCH(bool, keepAlive);
    for (const bool byteByByte : {false, true}) {
        const Outcome o = feedAll(bytes, byteByByte, closeAtEnd);
        QCOMPARE(o.done, done);
        QCOMPARE(o.error, !done);
        if (done || status != 0)
            QCOMPARE(o.status, status);
        if (done) {
            QCOMPARE(o.keepAlive, keepAlive);
            QCOMPARE(o.consumed, bytes.size());
        }
    }
}

void TestHttpResponseParser::stopsAtTheEndOfOneResponse()
{
    const QByteArray first("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    const QByteArray both = first + "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n";
    HttpResponseParser parser;
    QCOMPARE(parser.feed(both.constData(), both.size()), first.size());
    QVERIFY(parser.isDone());
    QCOMPARE(parser.status(), 200);
    parser.reset();
    QVERIFY(!parser.hasStarted());
    const qsizetype rest = both.size() - first.size();
    QCOMPARE(parser.feed(both.constData() + first.size(), rest), rest);
    QVERIFY(parser.isDone());
    QCOMPARE(parser.status(), 503);
}

void TestHttpResponseParser::closeBeforeCompletionIsAnError()
{
    HttpResponseParser parser;
    const QByteArray partial("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    parser.feed(partial.constData(), partial.size());
    QVERIFY(!parser.isDone() && !parser.hasError());
    QVERIFY(parser.hasStarted());
    parser.finishOnClose();
    QVERIFY(parser.hasError());
    QVERIFY(parser.errorText() != nullptr);
}

void TestHttpResponseParser::retryAfter_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qint64>("seconds");
    // "now" is Sun, 06 Nov 1994 08:49:37 GMT (784111777) for the date forms.
    QTest::addRow("delay-seconds") << QByteArray(
        "HTTP/1.1 503 Busy\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n")
                                   << qint64(120);
    QTest::addRow("any case, spaces")
        << QByteArray("HTTP/1.1 429 Slow\r\nretry-AFTER:   7 \r\nContent-Length: 0\r\n\r\n") << qint64(7);
    QTest::addRow("HTTP-date") << QByteArray(
        "HTTP/1.1 503 Busy\r\nRetry-After: Sun, 06 Nov 1994 08:51:37 GMT\r\n"
        "Content-Length: 0\r\n\r\n")
                               << qint64(120);
    QTest::addRow("HTTP-date past") << QByteArray(
        "HTTP/1.1 503 Busy\r\nRetry-After: Sun, 06 Nov 1994 08:00:00 GMT\r\n"
        "Content-Length: 0\r\n\r\n") << qint64(0);
    QTest::addRow("absent") << QByteArray("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n") << qint64(-1);
    QTest::addRow("unreadable") << QByteArray(
        "HTTP/1.1 503 Busy\r\nRetry-After: soon\r\nContent-Length: 0\r\n\r\n")
                                << qint64(-1);
    QTest::addRow("negative") << QByteArray(
        "HTTP/1.1 503 Busy\r\nRetry-After: -5\r\nContent-Length: 0\r\n\r\n")
                              << qint64(-1);
    // An interim answer's header is not the final answer's.
    QTest::addRow("only on the interim 100") << QByteArray(
        "HTTP/1.1 100 Continue\r\nRetry-After: 9\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")
                                             << qint64(-1);
}

void TestHttpResponseParser::retryAfter()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qint64, seconds);
    for (const bool byteByByte : {false, true}) {
        HttpResponseParser parser;
        parser.reset();
        if (byteByByte) {
            for (qsizetype i = 0; i < bytes.size() && !parser.isDone(); ++i)
                parser.feed(bytes.constData() + i, 1);
        } else {
            parser.feed(bytes.constData(), bytes.size());
        }
        QVERIFY(parser.isDone());
        QCOMPARE(parser.retryAfterSeconds(784111777), seconds);
        parser.reset(); // the next response starts without one
        QCOMPARE(parser.retryAfterSeconds(784111777), qint64(-1));
    }
}

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
