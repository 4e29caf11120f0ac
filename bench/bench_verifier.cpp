// SPDX-License-Identifier: GPL-3.0-or-later
// Verifications per second on one core for a 1 KiB body, against raw OpenSSL
// HMAC-SHA256 over the same signed content.
//
// Run: build/bench/bench_verifier [seconds-per-measure (default 3)] [body-bytes (default 1024)]
#include "verify/verifier.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <cstdio>
#include <cstdlib>
#include <openssl/evp.h>
#include <openssl/hmac.h>

using namespace mm;

namespace {
template<typename F> double measure(double seconds, F &&work)
{
    // Warm up, then run whole batches until the time is up.
    for (int i = 0; i < 2000; ++i)
        work();
    QElapsedTimer timer;
    timer.start();
    qint64 n = 0;
    const qint64 budgetNs = qint64(seconds * 1e9);
    while (timer.nsecsElapsed() < budgetNs) {
        for (int i = 0; i < 1000; ++i)
            work();
        n += 1000;
    }
    return double(n) / (double(timer.nsecsElapsed()) / 1e9);
}
} // namespace

int main(int argc, char **argv)
{
    const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    const int bodySize = argc > 2 ? std::atoi(argv[2]) : 1024;

    const QString secretText = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    const SigningSecret secret = *SigningSecret::parse(secretText);
    const QByteArray key = QByteArray::fromBase64("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    const QByteArray id("msg_p5jXN8AQM9LWM0D4loKWxJek");
    const qint64 now = 1614265330;
    const QByteArray ts = QByteArray::number(now);
    QByteArray body(bodySize, 'x');
    body.replace(0, 9, R"({"pad":")");
    const QByteArray signature = secret.signature(id, ts, body);
    const Verifier verifier({secret}, Verifier::DefaultTolerance, [now] { return now; });
    const WebhookHeaders headers {id, ts, signature, false};
    const QByteArray content = id + '.' + ts + '.' + body;

    volatile int sink = 0;
    const double verifyRate
        = measure(seconds, [&] { sink = sink + int(verifier.verify(headers, body).outcome); });
    const double rawRate = measure(seconds, [&] {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), key.constData(), int(key.size()),
             reinterpret_cast<const unsigned char *>(content.constData()), size_t(content.size()), out, &len);
        sink = sink + out[0];
    });
    if (verifier.verify(headers, body).outcome != VerifyOutcome::Accepted) {
        std::fprintf(stderr, "benchmark delivery did not verify\n");
        return 1;
    }
    std::printf("body bytes:                     %d\n", bodySize);
    std::printf("mm::Verifier verifications/s:   %.0f\n", verifyRate);
    std::printf("raw OpenSSL HMAC-SHA256/s:      %.0f\n", rawRate);
    std::printf("ratio verifier/raw:             %.2f (target >= 0.75)\n", verifyRate / rawRate);
    return 0;
}
