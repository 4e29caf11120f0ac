// SPDX-License-Identifier: GPL-3.0-or-later
// The incremental HTTP/1.1 request framer: steps, limits, error statuses, keep-alive,
// chunked decoding, pipelining, 100-continue and the normalized form QHttpServer is given.
#include "receiver/httpframer.h"

#include <QTest>
#include <algorithm>

using namespace mm;
using Step = HttpFramer::Step;

namespace mm {
// Lets QCOMPARE print a Step on failure (found by argument-dependent lookup).
char *toString(HttpFramer::Step step)
{
    switch (step) {
    case HttpFramer::Step::NeedMore:
        return qstrdup("NeedMore");
    case HttpFramer::Step::Continue100:
        return qstrdup("Continue100");
    case HttpFramer::Step::Ready:
        return qstrdup("Ready");
    case HttpFramer::Step::Error:
        return qstrdup("Error");
    }
    return qstrdup("?");
}
} // namespace mm

namespace {

// What a connection would see after feeding `input` in pieces of `chunk` bytes and
// draining next() after every piece.
struct Run
{
    QList<FramedRequest> requests;
    int continues = 0;
    int error = 0;
    Step last = Step::NeedMore;
};

Run feed(const QByteArray &input, qsizetype chunk, FramerLimits limits = {})
{
    HttpFramer framer(limits);
    Run run;
    chunk = std::max<qsizetype>(chunk, 1);
    for (qsizetype pos = 0; pos < input.size() && run.error == 0; pos += chunk) {
        framer.append(QByteArrayView(input).sliced(pos, std::min(chunk, input.size() - pos)));
        // A framer that keeps answering Ready or Continue100 without progress would hang
        // a connection; bound the loop so such a bug fails instead of hanging the test.
        for (int guard = 0; guard < 10000; ++guard) {
            const Step step = framer.next();
            run.last = step;
            if (step == Step::Ready) {
                run.requests.append(framer.takeRequest());
                continue;
            }
            if (step == Step::Continue100) {
                ++run.continues;
                continue;
            }
            if (step == Step::Error)
                run.error = framer.errorStatus();
            break;
        }
    }
    return run;
}

// A printable, comparable rendering of a framed request.
QByteArray describe(const FramedRequest &r)
{
    QByteArray out
        = r.method + ' ' + r.target + ' ' + r.version + (r.keepAlive ? " keep-alive" : " close") + '\n';
    for (const auto &h : r.headers)
        out += h.first + ": " + h.second + '\n';
    out += "body(" + QByteArray::number(r.body.size()) + ")=" + r.body.toHex();
    return out;
}

QByteArrayList describeAll(const QList<FramedRequest> &requests)
{
    QByteArrayList out;
    for (const FramedRequest &r : requests)
        out.append(describe(r));
    return out;
}

QByteArrayList bodies(const QList<FramedRequest> &requests)
{
    QByteArrayList out;
    for (const FramedRequest &r : requests)
        out.append(r.body);
    return out;
}

FramedRequest frameOne(const QByteArray &input, FramerLimits limits = {})
{
    HttpFramer framer(limits);
    framer.append(input);
    const Step step = framer.next();
    if (step != Step::Ready)
        qWarning("frameOne: step %d, status %d", int(step), framer.errorStatus());
    return framer.takeRequest();
}

const QByteArray Post = QByteArrayLiteral("POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n");
const QByteArray Chunked = Post + QByteArrayLiteral("Transfer-Encoding: chunked\r\n\r\n");

QByteArray withLength(const QByteArray &body)
{
    return Post + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray withHeader(const QByteArray &headerLine)
{
    return Post + headerLine + "\r\nContent-Length: 3\r\n\r\nabc";
}

struct FramingCase
{
    const char *name;
    QByteArray input;
    QByteArrayList expectedBodies;
    int expectedError;
    FramerLimits limits;
};

QList<FramingCase> framingCases();

void addFramingColumns()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qsizetype>("maxHeader");
    QTest::addColumn<qsizetype>("maxBody");
    QTest::addColumn<QByteArrayList>("expectedBodies");
    QTest::addColumn<int>("expectedError");
}

void addFramingRow(const FramingCase &c)
{
    QTest::addRow("%s", c.name) << c.input << c.limits.maxHeaderBytes << c.limits.maxBodyBytes
                                << c.expectedBodies << c.expectedError;
}

} // namespace

class TestHttpFramer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void framing_data();
    void framing();
    void byteByByteMatchesOneChunk_data() { framing_data(); }
    void byteByByteMatchesOneChunk();
    void normalizedReframesToTheSameRequest_data();
    void normalizedReframesToTheSameRequest();

    void headerLimitBoundary_data();
    void headerLimitBoundary();
    void bodyLimitBoundary_data();
    void bodyLimitBoundary();
    void bodyLimitRefusedBeforeTheBodyArrives();

    void continue100_data();
    void continue100();
    void continue100OnlyOncePerRequest();

    void keepAlive_data();
    void keepAlive();

    void requestFieldsAsSent();
    void normalizedSimpleRequestIsExact();
    void normalizedDropsFramingAndHopByHopHeaders();

    void pipelinedRequestsComeOutOneByOne();
    void lyingSmallContentLengthMakesTheRestTheNextRequest();
    void readyRepeatsUntilTaken();
    void errorIsStickyAndDropsInput();
    void inRequestTracksPartialInput();
};

namespace {
QList<FramingCase> framingCases()
{
    QList<FramingCase> cases;
    auto addFraming
        = [&cases](const char *name, const QByteArray &input, const QByteArrayList &expectedBodies,
                   int expectedError, FramerLimits limits = {}) {
              cases.append({name, input, expectedBodies, expectedError, limits});
          };
    const QByteArray json = QByteArrayLiteral(R"({"a":1})");

    // Complete requests.
    addFraming("GET without body", QByteArrayLiteral("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"),
               {QByteArray()}, 0);
    addFraming("POST with Content-Length", withLength(json), {json}, 0);
    addFraming("POST with Content-Length 0", withLength({}), {QByteArray()}, 0);
    addFraming("HTTP/1.0 POST", QByteArrayLiteral("POST /hook HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"),
               {"abc"}, 0);
    addFraming("body containing CRLFCRLF", withLength(QByteArrayLiteral("a\r\n\r\nb")), {"a\r\n\r\nb"}, 0);
    addFraming("Content-Length with leading zeros",
               withHeader("X: y").replace("Content-Length: 3", "Content-Length: 003"), {"abc"}, 0);
    addFraming("Content-Length with OWS", Post + "Content-Length: \t 3 \t\r\n\r\nabc", {"abc"}, 0);
    addFraming("identical duplicate Content-Length",
               Post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", {"abc"}, 0);
    addFraming("chunked, one chunk", Chunked + "7\r\n" + json + "\r\n0\r\n\r\n", {json}, 0);
    addFraming("chunked, several chunks and upper-case hex",
               Chunked + "3\r\nabc\r\nA\r\n0123456789\r\n1\r\nZ\r\n0\r\n\r\n", {"abc0123456789Z"}, 0);
    addFraming("chunked, lower-case hex", Chunked + "a\r\n0123456789\r\n0\r\n\r\n", {"0123456789"}, 0);
    addFraming("chunked, extensions", Chunked + "3;name=value\r\nabc\r\n0;last\r\n\r\n", {"abc"}, 0);
    addFraming("chunked, trailers dropped", Chunked + "3\r\nabc\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n",
               {"abc"}, 0);
    addFraming("chunked, data holding CRLFs", Chunked + "4\r\n\r\n\r\n\r\n0\r\n\r\n", {"\r\n\r\n"}, 0);
    addFraming("Transfer-Encoding is case-insensitive",
               Post + "transfer-encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", {"abc"}, 0);
    addFraming("leading empty lines tolerated", QByteArrayLiteral("\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
               {QByteArray()}, 0);
    addFraming("empty line between pipelined requests", withLength("one") + "\r\n" + withLength("two"),
               {"one", "two"}, 0);
    addFraming("pipelined: length, chunked, no body",
               withLength("one") + Chunked + "3\r\ntwo\r\n0\r\n\r\n" + "GET /three HTTP/1.1\r\n\r\n",
               {"one", "two", QByteArray()}, 0);
    addFraming("tab and obs-text allowed in a value", withHeader("X-A: a\tb\r\nX-B: caf\xc3\xa9 \xff"),
               {"abc"}, 0);
    addFraming("empty header value", withHeader("X-Empty:"), {"abc"}, 0);

    // Incomplete input waits.
    addFraming("incomplete head waits", Post, {}, 0);
    addFraming("incomplete body waits", Post + "Content-Length: 10\r\n\r\nabc", {}, 0);
    addFraming("incomplete chunked body waits", Chunked + "3\r\nabc\r\n", {}, 0);
    addFraming("missing last CRLF after trailers waits", Chunked + "3\r\nabc\r\n0\r\nX-T: 1\r\n", {}, 0);

    // 400: malformed.
    addFraming("request line without version", QByteArrayLiteral("GET /\r\n\r\n"), {}, 400);
    addFraming("request line with double space", QByteArrayLiteral("GET  / HTTP/1.1\r\n\r\n"), {}, 400);
    addFraming("request line with extra token", QByteArrayLiteral("GET / HTTP/1.1 x\r\n\r\n"), {}, 400);
    addFraming("request line with leading space", QByteArrayLiteral(" GET / HTTP/1.1\r\n\r\n"), {}, 400);
    addFraming("lower-case protocol name", QByteArrayLiteral("GET / http/1.1\r\n\r\n"), {}, 400);
    addFraming("method not a token", QByteArrayLiteral("G(T / HTTP/1.1\r\n\r\n"), {}, 400);
    addFraming("control character in target",
               QByteArrayLiteral("GET /a\x01"
                                 "b HTTP/1.1\r\n\r\n"),
               {}, 400);
    addFraming("DEL in target", QByteArrayLiteral("GET /a\x7f HTTP/1.1\r\n\r\n"), {}, 400);
    addFraming("non-ASCII in target", QByteArrayLiteral("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n"), {}, 400);
    addFraming("Content-Length not a number", Post + "Content-Length: abc\r\n\r\n", {}, 400);
    addFraming("Content-Length negative", Post + "Content-Length: -1\r\n\r\n", {}, 400);
    addFraming("Content-Length with plus sign", Post + "Content-Length: +3\r\n\r\nabc", {}, 400);
    addFraming("Content-Length empty", Post + "Content-Length:\r\n\r\n", {}, 400);
    addFraming("Content-Length hex", Post + "Content-Length: 0x3\r\n\r\nabc", {}, 400);
    addFraming("Content-Length list", Post + "Content-Length: 3, 4\r\n\r\nabc", {}, 400);
    addFraming("Content-Length overflow", Post + "Content-Length: 99999999999999999999999\r\n\r\n", {}, 400);
    addFraming("conflicting Content-Length", Post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", {},
               400);
    addFraming("Content-Length then Transfer-Encoding",
               Post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", {},
               400);
    addFraming("Transfer-Encoding then Content-Length",
               Post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", {},
               400);
    addFraming("obs-fold with space", Post + "X-A: one\r\n two\r\nContent-Length: 0\r\n\r\n", {}, 400);
    addFraming("obs-fold with tab", Post + "X-A: one\r\n\ttwo\r\nContent-Length: 0\r\n\r\n", {}, 400);
    addFraming("header line without colon", withHeader("Host x"), {}, 400);
    addFraming("space before colon", withHeader("Host : x"), {}, 400);
    addFraming("empty header name", withHeader(": x"), {}, 400);
    addFraming("NUL in header value", withHeader(QByteArrayLiteral("X-A: a\0b")), {}, 400);
    addFraming("0x01 in header value",
               withHeader("X-A: a\x01"
                          "b"),
               {}, 400);
    addFraming("0x1f in header value",
               withHeader("X-A: a\x1f"
                          "b"),
               {}, 400);
    addFraming("DEL in header value",
               withHeader("X-A: a\x7f"
                          "b"),
               {}, 400);
    addFraming("bare CR in header value", withHeader("X-A: a\rb"), {}, 400);
    addFraming("bare LF in header value", withHeader("X-A: a\nb"), {}, 400);
    addFraming("invalid chunk size", Chunked + "zz\r\nabc\r\n0\r\n\r\n", {}, 400);
    addFraming("chunk size with 0x prefix", Chunked + "0x3\r\nabc\r\n0\r\n\r\n", {}, 400);
    addFraming("negative chunk size", Chunked + "-3\r\nabc\r\n0\r\n\r\n", {}, 400);
    addFraming("empty chunk size line", Chunked + "\r\nabc\r\n0\r\n\r\n", {}, 400);
    addFraming("chunk size overflowing 64 bits", Chunked + "FFFFFFFFFFFFFFFFF\r\n", {}, 400);
    addFraming("chunk data not terminated by CRLF", Chunked + "3\r\nabcX\r\n0\r\n\r\n", {}, 400);
    addFraming("chunk data followed by other bytes than CRLF", Chunked + "3\r\nabcXY3\r\ndef\r\n0\r\n\r\n",
               {}, 400);
    addFraming("chunk data followed by LF only", Chunked + "3\r\nabc\n3\r\ndef\r\n0\r\n\r\n", {}, 400);
    addFraming("chunk size line too long, unterminated", Chunked + "1;" + QByteArray(1100, 'e'), {}, 400);
    addFraming("chunk size line too long, terminated",
               Chunked + "1;" + QByteArray(1100, 'e') + "\r\na\r\n0\r\n\r\n", {}, 400);
    addFraming("valid request then malformed one", withLength("one") + "BROKEN\r\n\r\n", {"one"}, 400);

    // 413, 417, 501, 505.
    addFraming("Content-Length over the body limit", Post + "Content-Length: 17\r\n\r\n", {}, 413,
               {1024, 16});
    addFraming("chunk over the body limit", Chunked + "11\r\n", {}, 413, {1024, 16});
    addFraming("chunks adding up over the body limit",
               Chunked + "8\r\n12345678\r\n9\r\n123456789\r\n0\r\n\r\n", {}, 413, {1024, 16});
    addFraming("unknown Expect", withHeader("Expect: 200-ok"), {}, 417);
    addFraming("Expect list", withHeader("Expect: 100-continue, foo"), {}, 417);
    addFraming("Transfer-Encoding gzip", Post + "Transfer-Encoding: gzip\r\n\r\n", {}, 501);
    addFraming("Transfer-Encoding gzip, chunked", Post + "Transfer-Encoding: gzip, chunked\r\n\r\n", {}, 501);
    addFraming("Transfer-Encoding identity", Post + "Transfer-Encoding: identity\r\n\r\n", {}, 501);
    addFraming("Transfer-Encoding chunked twice",
               Post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {}, 501);
    addFraming("HTTP/2.0", QByteArrayLiteral("GET / HTTP/2.0\r\n\r\n"), {}, 505);
    addFraming("HTTP/1.2", QByteArrayLiteral("GET / HTTP/1.2\r\n\r\n"), {}, 505);
    addFraming("HTTP/0.9", QByteArrayLiteral("GET / HTTP/0.9\r\n\r\n"), {}, 505);

    // 431.
    addFraming("head over the header limit", Post + "X-Pad: " + QByteArray(100, 'p') + "\r\n\r\n", {}, 431,
               {64, 1024});
    addFraming("unterminated head over the header limit", Post + "X-Pad: " + QByteArray(100, 'p'), {}, 431,
               {64, 1024});
    // The head of these is under 128 bytes; only the trailer is too large.
    addFraming("trailers under the header limit",
               Chunked + "3\r\nabc\r\n0\r\nX-Trailer: " + QByteArray(90, 't') + "\r\n\r\n", {"abc"}, 0,
               {128, 1024});
    addFraming("trailers over the header limit",
               Chunked + "3\r\nabc\r\n0\r\nX-Trailer: " + QByteArray(200, 't') + "\r\n\r\n", {}, 431,
               {128, 1024});
    addFraming("many small trailers over the header limit",
               Chunked + "3\r\nabc\r\n0\r\n" + QByteArray("X-T: 1\r\n").repeated(20) + "\r\n", {}, 431,
               {128, 1024});
    addFraming("unterminated trailer over the header limit",
               Chunked + "3\r\nabc\r\n0\r\nX-Trailer: " + QByteArray(200, 't'), {}, 431, {128, 1024});
    return cases;
}
} // namespace

void TestHttpFramer::framing_data()
{
    addFramingColumns();
    for (const FramingCase &c : framingCases())
        addFramingRow(c);
}

void TestHttpFramer::normalizedReframesToTheSameRequest_data()
{
    addFramingColumns();
    for (const FramingCase &c : framingCases()) {
        if (!c.expectedBodies.isEmpty())
            addFramingRow(c);
    }
}

void TestHttpFramer::framing()
{
    QFETCH(QByteArray, input);
    QFETCH(qsizetype, maxHeader);
    QFETCH(qsizetype, maxBody);
    QFETCH(QByteArrayList, expectedBodies);
    QFETCH(int, expectedError);

    const Run run = feed(input, input.size(), {maxHeader, maxBody});
    QCOMPARE(run.error, expectedError);
    QCOMPARE(bodies(run.requests), expectedBodies);
    QCOMPARE(run.last, expectedError ? Step::Error : Step::NeedMore);
    QCOMPARE(run.continues, 0);
}

void TestHttpFramer::byteByByteMatchesOneChunk()
{
    QFETCH(QByteArray, input);
    QFETCH(qsizetype, maxHeader);
    QFETCH(qsizetype, maxBody);
    QFETCH(QByteArrayList, expectedBodies);
    QFETCH(int, expectedError);
    const FramerLimits limits {maxHeader, maxBody};

    const Run whole = feed(input, input.size(), limits);
    QCOMPARE(whole.error, expectedError);
    QCOMPARE(bodies(whole.requests), expectedBodies);
    for (const qsizetype chunk : {1, 2, 3, 7}) {
        const Run pieces = feed(input, chunk, limits);
        QVERIFY2(
            pieces.error == whole.error,
            qPrintable(
                QStringLiteral("chunk %1: status %2 vs %3").arg(chunk).arg(pieces.error).arg(whole.error)));
        QCOMPARE(describeAll(pieces.requests), describeAll(whole.requests));
        QCOMPARE(pieces.last, whole.last);
    }
}

void TestHttpFramer::normalizedReframesToTheSameRequest()
{
    QFETCH(QByteArray, input);
    QFETCH(qsizetype, maxHeader);
    QFETCH(qsizetype, maxBody);
    const Run run = feed(input, input.size(), {maxHeader, maxBody});
    QVERIFY(!run.requests.isEmpty());
    for (const FramedRequest &original : run.requests) {
        const QByteArray normalized = original.normalized();
        const Run again = feed(normalized, normalized.size(), {maxHeader * 2, maxBody});
        QCOMPARE(again.error, 0);
        QCOMPARE(again.requests.size(), qsizetype(1));
        const FramedRequest &r = again.requests.constFirst();
        QCOMPARE(r.method, original.method);
        QCOMPARE(r.target, original.target);
        QCOMPARE(r.version, QByteArray("HTTP/1.1"));
        QCOMPARE(r.headers, original.headers);
        QCOMPARE(r.body, original.body);
        // Exactly one framing header, and it is Content-Length.
        QCOMPARE(normalized.count("Content-Length: "), qsizetype(1));
        QVERIFY(!normalized.contains("Transfer-Encoding"));
        QVERIFY(!normalized.contains("transfer-encoding"));
    }
}

void TestHttpFramer::headerLimitBoundary_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Step>("expected");
    QTest::addColumn<int>("expectedError");

    constexpr qsizetype Limit = 128;
    const QByteArray prefix = QByteArrayLiteral("GET / HTTP/1.1\r\nX-Pad: ");
    const QByteArray bodyPrefix = QByteArrayLiteral("POST / HTTP/1.1\r\nContent-Length: 3\r\nX-Pad: ");
    auto head = [](const QByteArray &start, qsizetype size) -> QByteArray {
        return start + QByteArray(size - start.size() - 4, 'p') + "\r\n\r\n";
    };
    auto unterminated
        = [&](qsizetype size) -> QByteArray { return prefix + QByteArray(size - prefix.size(), 'p'); };
    QCOMPARE(head(prefix, Limit).size(), Limit);
    QCOMPARE(head(bodyPrefix, Limit).size(), Limit);
    QCOMPARE(unterminated(Limit).size(), Limit);

    QTest::addRow("complete head at the limit") << head(prefix, Limit) << Step::Ready << 0;
    QTest::addRow("complete head one byte over") << head(prefix, Limit + 1) << Step::Error << 431;
    QTest::addRow("complete head one byte under") << head(prefix, Limit - 1) << Step::Ready << 0;
    QTest::addRow("unterminated head at the limit") << unterminated(Limit) << Step::NeedMore << 0;
    QTest::addRow("unterminated head one byte over") << unterminated(Limit + 1) << Step::Error << 431;
    QTest::addRow("head at the limit, body follows")
        << QByteArray(head(bodyPrefix, Limit) + "abc") << Step::Ready << 0;
    QTest::addRow("head one over, body follows")
        << QByteArray(head(bodyPrefix, Limit + 1) + "abc") << Step::Error << 431;
    QTest::addRow("leading empty lines are not part of the head")
        << QByteArray("\r\n\r\n" + head(prefix, Limit)) << Step::Ready << 0;
}

void TestHttpFramer::headerLimitBoundary()
{
    QFETCH(QByteArray, input);
    QFETCH(Step, expected);
    QFETCH(int, expectedError);
    const FramerLimits limits {128, 1024};

    HttpFramer framer(limits);
    framer.append(input);
    QCOMPARE(framer.next(), expected);
    QCOMPARE(framer.errorStatus(), expectedError);

    // The same boundary holds when the head trickles in.
    const Run pieces = feed(input, 1, limits);
    QCOMPARE(pieces.error, expectedError);
    QCOMPARE(pieces.requests.size(), qsizetype(expected == Step::Ready ? 1 : 0));
}

void TestHttpFramer::bodyLimitBoundary_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("expectedError");
    QTest::addColumn<qsizetype>("expectedBodySize");

    constexpr qsizetype Limit = 1024;
    const QByteArray at(Limit, 'b');
    const QByteArray over(Limit + 1, 'b');
    auto chunk = [](const QByteArray &data) -> QByteArray {
        return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
    };

    QTest::addRow("Content-Length at the limit") << withLength(at) << 0 << Limit;
    QTest::addRow("Content-Length one over") << withLength(over) << 413 << qsizetype(0);
    QTest::addRow("chunked, one chunk at the limit")
        << QByteArray(Chunked + chunk(at) + "0\r\n\r\n") << 0 << Limit;
    QTest::addRow("chunked, one chunk one over")
        << QByteArray(Chunked + chunk(over) + "0\r\n\r\n") << 413 << qsizetype(0);
    QTest::addRow("chunked, chunks adding up to the limit")
        << QByteArray(Chunked + chunk(at.first(1000)) + chunk(at.first(24)) + "0\r\n\r\n") << 0 << Limit;
    QTest::addRow("chunked, chunks adding up to one over")
        << QByteArray(Chunked + chunk(at.first(1000)) + chunk(over.first(25)) + "0\r\n\r\n") << 413
        << qsizetype(0);
    QByteArray manyChunks = Chunked;
    for (qsizetype i = 0; i <= Limit; ++i)
        manyChunks += "1\r\nb\r\n";
    manyChunks += "0\r\n\r\n";
    QTest::addRow("chunked, many one-byte chunks one over") << manyChunks << 413 << qsizetype(0);
}

void TestHttpFramer::bodyLimitBoundary()
{
    QFETCH(QByteArray, input);
    QFETCH(int, expectedError);
    QFETCH(qsizetype, expectedBodySize);
    const FramerLimits limits {1024, 1024};

    for (const qsizetype chunk : {input.size(), qsizetype(1)}) {
        const Run run = feed(input, chunk, limits);
        QCOMPARE(run.error, expectedError);
        if (expectedError == 0) {
            QCOMPARE(run.requests.size(), qsizetype(1));
            QCOMPARE(run.requests.constFirst().body.size(), expectedBodySize);
        } else {
            QVERIFY(run.requests.isEmpty());
        }
    }
}

void TestHttpFramer::bodyLimitRefusedBeforeTheBodyArrives()
{
    // A client announcing too much is refused from its head alone: no need to read the body.
    HttpFramer framer({1024, 100});
    framer.append(QByteArray(Post + "Content-Length: 101\r\n\r\n"));
    QCOMPARE(framer.next(), Step::Error);
    QCOMPARE(framer.errorStatus(), 413);

    HttpFramer chunked({1024, 100});
    chunked.append(QByteArray(Chunked + "65\r\n")); // 0x65 = 101
    QCOMPARE(chunked.next(), Step::Error);
    QCOMPARE(chunked.errorStatus(), 413);
}

void TestHttpFramer::continue100_data()
{
    QTest::addColumn<QByteArray>("first"); // appended before the first next()
    QTest::addColumn<Step>("firstStep"); // what next() answers then
    QTest::addColumn<QByteArray>("rest"); // appended afterwards
    QTest::addColumn<QByteArray>("expectedBody");

    const QByteArray expect = Post + "Expect: 100-continue\r\n";
    QTest::addRow("head only, Content-Length")
        << QByteArray(expect + "Content-Length: 5\r\n\r\n") << Step::Continue100 << QByteArray("hello")
        << QByteArray("hello");
    QTest::addRow("head only, chunked")
        << QByteArray(expect + "Transfer-Encoding: chunked\r\n\r\n") << Step::Continue100
        << QByteArray("5\r\nhello\r\n0\r\n\r\n") << QByteArray("hello");
    QTest::addRow("value is case-insensitive")
        << QByteArray(Post + "Expect: 100-Continue\r\nContent-Length: 5\r\n\r\n") << Step::Continue100
        << QByteArray("hello") << QByteArray("hello");
    QTest::addRow("head and whole body together") << QByteArray(expect + "Content-Length: 5\r\n\r\nhello")
                                                  << Step::Ready << QByteArray() << QByteArray("hello");
    QTest::addRow("head and one body byte") << QByteArray(expect + "Content-Length: 5\r\n\r\nh")
                                            << Step::NeedMore << QByteArray("ello") << QByteArray("hello");
    QTest::addRow("head and first chunk byte")
        << QByteArray(expect + "Transfer-Encoding: chunked\r\n\r\n5") << Step::NeedMore
        << QByteArray("\r\nhello\r\n0\r\n\r\n") << QByteArray("hello");
    QTest::addRow("Content-Length 0: nothing to wait for")
        << QByteArray(expect + "Content-Length: 0\r\n\r\n") << Step::Ready << QByteArray() << QByteArray();
    QTest::addRow("no body at all") << QByteArray(expect + "\r\n") << Step::Ready << QByteArray()
                                    << QByteArray();
    QTest::addRow("HTTP/1.0 ignores Expect")
        << QByteArrayLiteral("POST /hook HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        << Step::NeedMore << QByteArray("hello") << QByteArray("hello");
    QTest::addRow("body over the limit is refused, not invited")
        << QByteArray(expect + "Content-Length: 999999999\r\n\r\n") << Step::Error << QByteArray()
        << QByteArray();
}

void TestHttpFramer::continue100()
{
    QFETCH(QByteArray, first);
    QFETCH(Step, firstStep);
    QFETCH(QByteArray, rest);
    QFETCH(QByteArray, expectedBody);

    HttpFramer framer;
    framer.append(first);
    QCOMPARE(framer.next(), firstStep);
    if (firstStep == Step::Error) {
        QCOMPARE(framer.errorStatus(), 413);
        return;
    }
    if (firstStep == Step::Continue100)
        QCOMPARE(framer.next(), Step::NeedMore); // "100 Continue" is sent once, then the body is awaited
    if (firstStep != Step::Ready) {
        framer.append(rest);
        QCOMPARE(framer.next(), Step::Ready);
    }
    const FramedRequest r = framer.takeRequest();
    QCOMPARE(r.body, expectedBody);
    for (const auto &h : r.headers)
        QVERIFY2(h.first.compare("expect", Qt::CaseInsensitive) != 0, "Expect must not reach QHttpServer");
    QCOMPARE(framer.next(), Step::NeedMore);
}

void TestHttpFramer::continue100OnlyOncePerRequest()
{
    // Two pipelined requests that both expect 100-continue: each gets its own Continue100,
    // and the second only once its head is complete and no body byte is there yet.
    const QByteArray head = Post + "Expect: 100-continue\r\nContent-Length: 3\r\n\r\n";
    HttpFramer framer;
    framer.append(head);
    QCOMPARE(framer.next(), Step::Continue100);
    QCOMPARE(framer.next(), Step::NeedMore);
    framer.append(QByteArray(QByteArrayLiteral("one") + head));
    QCOMPARE(framer.next(), Step::Ready);
    QCOMPARE(framer.takeRequest().body, QByteArray("one"));
    QCOMPARE(framer.next(), Step::Continue100);
    QCOMPARE(framer.next(), Step::NeedMore);
    framer.append(QByteArrayLiteral("two"));
    QCOMPARE(framer.next(), Step::Ready);
    QCOMPARE(framer.takeRequest().body, QByteArray("two"));
    QCOMPARE(framer.next(), Step::NeedMore);
}

void TestHttpFramer::keepAlive_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("connection"); // empty: no Connection header
    QTest::addColumn<bool>("keepAlive");

    QTest::addRow("1.1 default") << QByteArray("HTTP/1.1") << QByteArray() << true;
    QTest::addRow("1.1 close") << QByteArray("HTTP/1.1") << QByteArray("close") << false;
    QTest::addRow("1.1 Close") << QByteArray("HTTP/1.1") << QByteArray("Close") << false;
    QTest::addRow("1.1 keep-alive") << QByteArray("HTTP/1.1") << QByteArray("keep-alive") << true;
    QTest::addRow("1.1 list with close")
        << QByteArray("HTTP/1.1") << QByteArray("keep-alive, close") << false;
    QTest::addRow("1.1 list with spaces") << QByteArray("HTTP/1.1") << QByteArray(" foo ,  close ") << false;
    QTest::addRow("1.1 Upgrade only") << QByteArray("HTTP/1.1") << QByteArray("Upgrade") << true;
    QTest::addRow("1.1 'closed' is not 'close'") << QByteArray("HTTP/1.1") << QByteArray("closed") << true;
    QTest::addRow("1.0 default") << QByteArray("HTTP/1.0") << QByteArray() << false;
    // HTTP/1.0 clients get one request per connection: the answer would need 1.0-style
    // "Connection: keep-alive", which QHttpServer (given HTTP/1.1) does not write.
    QTest::addRow("1.0 keep-alive") << QByteArray("HTTP/1.0") << QByteArray("keep-alive") << false;
    QTest::addRow("1.0 Keep-Alive") << QByteArray("HTTP/1.0") << QByteArray("Keep-Alive") << false;
    QTest::addRow("1.0 close") << QByteArray("HTTP/1.0") << QByteArray("close") << false;
    QTest::addRow("1.0 'keep-alives' is not 'keep-alive'")
        << QByteArray("HTTP/1.0") << QByteArray("keep-alives") << false;
}

void TestHttpFramer::keepAlive()
{
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, connection);
    QFETCH(bool, keepAlive);

    QByteArray input = "POST /hook " + version + "\r\nHost: x\r\n";
    if (!connection.isEmpty())
        input += "Connection: " + connection + "\r\n";
    input += "Content-Length: 2\r\n\r\nok";
    const FramedRequest r = frameOne(input);
    QCOMPARE(r.version, version);
    QCOMPARE(r.body, QByteArray("ok"));
    QCOMPARE(r.keepAlive, keepAlive);
    for (const auto &h : r.headers)
        QVERIFY2(h.first.compare("connection", Qt::CaseInsensitive) != 0, "Connection is hop-by-hop");
}

void TestHttpFramer::requestFieldsAsSent()
{
    const FramedRequest r = frameOne(QByteArrayLiteral("POST /hook?a=1&b=%20 HTTP/1.1\r\n"
                                                       "Host: 127.0.0.1:8080\r\n"
                                                       "svix-id:   msg_1  \r\n"
                                                       "X-Dup: one\r\n"
                                                       "Content-Length: 2\r\n"
                                                       "x-dup: two\r\n"
                                                       "Keep-Alive: timeout=5\r\n"
                                                       "\r\n"
                                                       "{}"));
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.target, QByteArray("/hook?a=1&b=%20"));
    QCOMPARE(r.version, QByteArray("HTTP/1.1"));
    QCOMPARE(r.body, QByteArray("{}"));
    const QList<QPair<QByteArray, QByteArray>> expected {
        {"Host", "127.0.0.1:8080"},
        {"svix-id", "msg_1"},
        {"X-Dup", "one"},
        {"x-dup", "two"},
    };
    QCOMPARE(r.headers, expected);
}

void TestHttpFramer::normalizedSimpleRequestIsExact()
{
    const FramedRequest r = frameOne(QByteArrayLiteral("POST /hook HTTP/1.1\r\n"
                                                       "Host: 127.0.0.1:8080\r\n"
                                                       "Content-Type: application/json\r\n"
                                                       "Content-Length: 7\r\n"
                                                       "svix-id: msg_1\r\n"
                                                       "\r\n"
                                                       R"({"a":1})"));
    QCOMPARE(r.normalized(),
             QByteArrayLiteral("POST /hook HTTP/1.1\r\n"
                               "Host: 127.0.0.1:8080\r\n"
                               "Content-Type: application/json\r\n"
                               "svix-id: msg_1\r\n"
                               "Content-Length: 7\r\n"
                               "\r\n"
                               R"({"a":1})"));

    const FramedRequest get = frameOne(QByteArrayLiteral("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    QCOMPARE(get.normalized(),
             QByteArrayLiteral("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
}

void TestHttpFramer::normalizedDropsFramingAndHopByHopHeaders()
{
    const FramedRequest r
        = frameOne(QByteArrayLiteral("POST /hook HTTP/1.1\r\n"
                                     "Host: x\r\n"
                                     "Transfer-Encoding: chunked\r\n"
                                     "Connection: keep-alive\r\n"
                                     "Keep-Alive: timeout=5\r\n"
                                     "Expect: 100-continue\r\n"
                                     "TE: trailers\r\n"
                                     "Trailer: X-Checksum\r\n"
                                     "Upgrade: h2c\r\n"
                                     "Proxy-Connection: keep-alive\r\n"
                                     "Content-Type: application/json\r\n"
                                     "\r\n"
                                     "2\r\n{\"\r\n5\r\na\":1}\r\n0\r\nX-Checksum: 1\r\n\r\n"));
    QCOMPARE(r.body, QByteArrayLiteral(R"({"a":1})"));
    QCOMPARE(r.normalized(),
             QByteArrayLiteral("POST /hook HTTP/1.1\r\n"
                               "Host: x\r\n"
                               "Content-Type: application/json\r\n"
                               "Content-Length: 7\r\n"
                               "\r\n"
                               R"({"a":1})"));
}

void TestHttpFramer::pipelinedRequestsComeOutOneByOne()
{
    HttpFramer framer;
    framer.append(
        QByteArrayLiteral("POST /1 HTTP/1.1\r\nContent-Length: 3\r\n\r\none"
                          "POST /2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
                          "GET /3 HTTP/1.1\r\nConnection: close\r\n\r\n"
                          "POST /4 HTTP/1.1\r\nContent-Length: 4\r\n\r\nfo"));
    const QByteArrayList targets {"/1", "/2", "/3"};
    const QByteArrayList expectedBodies {"one", "two", ""};
    for (qsizetype i = 0; i < targets.size(); ++i) {
        QCOMPARE(framer.next(), Step::Ready);
        const FramedRequest r = framer.takeRequest();
        QCOMPARE(r.target, targets.at(i));
        QCOMPARE(r.body, expectedBodies.at(i));
    }
    // The fourth is incomplete: it waits, and nothing consumed stays buffered.
    QCOMPARE(framer.next(), Step::NeedMore);
    QVERIFY(framer.inRequest());
    framer.append(QByteArrayLiteral("ur"));
    QCOMPARE(framer.next(), Step::Ready);
    const FramedRequest fourth = framer.takeRequest();
    QCOMPARE(fourth.target, QByteArray("/4"));
    QCOMPARE(fourth.body, QByteArray("four"));
    QCOMPARE(framer.next(), Step::NeedMore);
    QCOMPARE(framer.bufferedBytes(), qsizetype(0));
    QVERIFY(!framer.inRequest());
}

void TestHttpFramer::lyingSmallContentLengthMakesTheRestTheNextRequest()
{
    // The sender claims 5 bytes but sends a whole JSON body and then a second request.
    // The framer must take exactly 5 bytes; the rest is parsed as the next request, which
    // is malformed, so the connection fails instead of smuggling anything through.
    HttpFramer framer;
    framer.append(QByteArrayLiteral("POST /hook HTTP/1.1\r\nContent-Length: 5\r\n\r\n"
                                    "{\"event\":1}"
                                    "POST /admin HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
    QCOMPARE(framer.next(), Step::Ready);
    const FramedRequest first = framer.takeRequest();
    QCOMPARE(first.target, QByteArray("/hook"));
    QCOMPARE(first.body, QByteArray("{\"eve"));
    QCOMPARE(framer.next(), Step::Error);
    QCOMPARE(framer.errorStatus(), 400);
}

void TestHttpFramer::readyRepeatsUntilTaken()
{
    HttpFramer framer;
    framer.append(QByteArray(withLength("abc") + withLength("def")));
    QCOMPARE(framer.next(), Step::Ready);
    QCOMPARE(framer.next(), Step::Ready);
    QCOMPARE(framer.takeRequest().body, QByteArray("abc"));
    QCOMPARE(framer.next(), Step::Ready);
    QCOMPARE(framer.takeRequest().body, QByteArray("def"));
    QCOMPARE(framer.next(), Step::NeedMore);
}

void TestHttpFramer::errorIsStickyAndDropsInput()
{
    HttpFramer framer;
    framer.append(QByteArrayLiteral("GET / HTTP/3\r\n\r\n"));
    QCOMPARE(framer.next(), Step::Error);
    QCOMPARE(framer.errorStatus(), 505);
    QVERIFY(qstrlen(framer.errorReason()) > 0);
    QCOMPARE(framer.bufferedBytes(), qsizetype(0));
    // Nothing after an error is framed: the connection is to be closed.
    framer.append(withLength("abc"));
    QCOMPARE(framer.next(), Step::Error);
    QCOMPARE(framer.errorStatus(), 505);
}

void TestHttpFramer::inRequestTracksPartialInput()
{
    HttpFramer framer;
    QVERIFY(!framer.inRequest());
    QCOMPARE(framer.next(), Step::NeedMore);
    QVERIFY(!framer.inRequest());

    framer.append(QByteArrayLiteral("\r\n"));
    QCOMPARE(framer.next(), Step::NeedMore);
    QVERIFY2(!framer.inRequest(), "an empty line before a request is not a request");

    framer.append(QByteArrayLiteral("POST /hook HTTP/1.1\r\n"));
    QCOMPARE(framer.next(), Step::NeedMore);
    QVERIFY(framer.inRequest());

    framer.append(QByteArrayLiteral("Content-Length: 3\r\n\r\nab"));
    QCOMPARE(framer.next(), Step::NeedMore);
    QVERIFY(framer.inRequest());

    framer.append(QByteArrayLiteral("c"));
    QCOMPARE(framer.next(), Step::Ready);
    QCOMPARE(framer.takeRequest().body, QByteArray("abc"));
    QVERIFY(!framer.inRequest());
}

QTEST_GUILESS_MAIN(TestHttpFramer)
#include "tst_httpframer.moc"
