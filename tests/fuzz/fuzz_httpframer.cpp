// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the HTTP/1.1 framer in front of QHttpServer: the same bytes fed whole and in
// random splits must frame the same requests; limits hold; normalized() reads back the same.
//
// Input: raw bytes from a client (tests/fuzz/corpus/fuzz_httpframer/* are real requests,
// pipelined, chunked, with 100-continue and the like).
#include "fuzzcommon.h"
#include "receiver/httpframer.h"

#include <QList>

using namespace mm;
using Step = HttpFramer::Step;

namespace {
constexpr qsizetype MaxChunkLine = 1024; // httpframer.cpp

QByteArray describe(const FramedRequest &r)
{
    QByteArray out
        = r.method + ' ' + r.target + ' ' + r.version + (r.keepAlive ? " keep-alive\n" : " close\n");
    for (const auto &[name, value] : r.headers)
        out += name + ": " + value + '\n';
    out += "body " + QByteArray::number(r.body.size()) + ' ' + r.body;
    return out;
}

struct Run
{
    QList<QByteArray> requests; // describe() of each Ready request
    int error = 0;
};

// Deterministic split points from the data itself, so a crash reproduces from the input alone.
quint64 splitSeed(QByteArrayView data)
{
    quint64 h = 1469598103934665603ull;
    for (char c : data.first(std::min<qsizetype>(data.size(), 64)))
        h = (h ^ quint8(c)) * 1099511628211ull;
    return h ^ quint64(data.size());
}

// normalized() is what QHttpServer gets: it must frame as exactly the same request.
void checkNormalized(const FramedRequest &r)
{
    HttpFramer again(FramerLimits {1 << 30, 1 << 30});
    again.append(r.normalized());
    MM_FUZZ_CHECK(again.next() == Step::Ready);
    const FramedRequest back = again.takeRequest();
    MM_FUZZ_CHECK(back.method == r.method && back.target == r.target && back.version == "HTTP/1.1");
    MM_FUZZ_CHECK(back.headers == r.headers);
    MM_FUZZ_CHECK(back.body == r.body);
    MM_FUZZ_CHECK(back.keepAlive);
    MM_FUZZ_CHECK(again.next() == Step::NeedMore);
    MM_FUZZ_CHECK(!again.inRequest());
}

Run feed(QByteArrayView data, FramerLimits limits, quint64 seed, bool whole)
{
    HttpFramer framer(limits);
    Run run;
    qsizetype pos = 0;
    while (pos < data.size() && run.error == 0) {
        qsizetype piece = data.size() - pos;
        if (!whole) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const int kind = int(seed >> 61);
            // Mostly tiny pieces (byte by byte is how slow clients and QHttpServer read), some large.
            piece = std::min(piece,
                             kind < 4 ? qsizetype(1 + (seed >> 33) % 4) : qsizetype(1 + (seed >> 33) % 512));
        }
        framer.append(data.sliced(pos, piece));
        pos += piece;
        for (int guard = 0;; ++guard) {
            MM_FUZZ_CHECK(guard < 100000); // no step may repeat forever without progress
            const Step step = framer.next();
            if (step == Step::Ready) {
                FramedRequest r = framer.takeRequest();
                MM_FUZZ_CHECK(r.body.size() <= limits.maxBodyBytes);
                MM_FUZZ_CHECK(!r.method.isEmpty() && !r.target.isEmpty());
                MM_FUZZ_CHECK(r.version == "HTTP/1.1" || r.version == "HTTP/1.0");
                qsizetype headerBytes = 0;
                for (const auto &[name, value] : r.headers)
                    headerBytes += name.size() + value.size();
                MM_FUZZ_CHECK(headerBytes <= limits.maxHeaderBytes);
                checkNormalized(r);
                run.requests.append(describe(r));
                continue;
            }
            if (step == Step::Continue100)
                continue;
            if (step == Step::Error) {
                run.error = framer.errorStatus();
                MM_FUZZ_CHECK(run.error >= 400 && run.error <= 599);
                MM_FUZZ_CHECK(framer.errorReason() && *framer.errorReason());
                MM_FUZZ_CHECK(framer.next() == Step::Error); // sticky
                break;
            }
            // NeedMore: what waits in the buffer is bounded by the limits, not by the input.
            MM_FUZZ_CHECK(framer.bufferedBytes() <= std::max(limits.maxHeaderBytes, MaxChunkLine)
                              + limits.maxHeaderBytes + piece + 4);
            break;
        }
    }
    return run;
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietMessages();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QByteArrayView data(reinterpret_cast<const char *>(bytes), qsizetype(size));
    const quint64 seed = splitSeed(data);

    const FramerLimits roomy {64 * 1024, 2 * 1024 * 1024};
    const Run whole = feed(data, roomy, seed, true);
    const Run split = feed(data, roomy, seed, false);
    if (whole.requests != split.requests || whole.error != split.error) {
        std::fprintf(stderr, "whole: %lld requests, error %d; split: %lld requests, error %d\n",
                     static_cast<long long>(whole.requests.size()), whole.error,
                     static_cast<long long>(split.requests.size()), split.error);
    }
    MM_FUZZ_CHECK(whole.requests == split.requests);
    MM_FUZZ_CHECK(whole.error == split.error);

    // Tight limits (so fuzzed inputs reach 413 and 431) frame a prefix of the same requests.
    const FramerLimits tight {qsizetype(64 + seed % 512), qsizetype(seed % 700)};
    const Run limited = feed(data, tight, seed >> 7, false);
    MM_FUZZ_CHECK(limited.requests.size() <= whole.requests.size());
    for (qsizetype i = 0; i < limited.requests.size(); ++i)
        MM_FUZZ_CHECK(limited.requests[i] == whole.requests[i]);
    if (limited.requests.size() < whole.requests.size())
        MM_FUZZ_CHECK(limited.error != 0);
    return 0;
}
