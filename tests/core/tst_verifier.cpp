// SPDX-License-Identifier: GPL-3.0-or-later
// The verifier against the official Svix / Standard Webhooks vectors and edge cases.
#include "verify/verifier.h"

#include <QTest>

using namespace mm;

namespace {
struct Vector
{
    const char *secret;
    const char *id;
    qint64 timestamp;
    QByteArray payload;
    const char *expected;
};

const Vector V1 {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                 QByteArrayLiteral(R"({"test": 2432232314})"),
                 "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="};
const Vector V2 {"whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", 1649367553,
                 QByteArrayLiteral(R"({"email":"test@example.com","username":"test_user"})"),
                 "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="};
const Vector V3 {"whsec_plJ3nmyCDGBKInavdOK15jsl", "msg_loFOjxBNrRLzqYUf", 1731705121,
                 QByteArrayLiteral(R"({"event_type":"ping","data":{"success":true}})"),
                 "v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0="};

SigningSecret secret(const char *text)
{
    QString error;
    auto s = SigningSecret::parse(QString::fromLatin1(text), &error);
    if (!s)
        qFatal("bad test secret: %s", qPrintable(error));
    return *s;
}

Verifier verifierAt(qint64 now, QList<SigningSecret> secrets)
{
    return Verifier(std::move(secrets), Verifier::DefaultTolerance, [now] { return now; });
}

WebhookHeaders headers(const char *id, QByteArray ts, QByteArray sig)
{
    return WebhookHeaders {QByteArray(id), std::move(ts), std::move(sig), 0};
}

QByteArray num(qint64 n)
{
    return QByteArray::number(n);
}
} // namespace

Q_DECLARE_METATYPE(VerifyOutcome)

class TestVerifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void officialVectors_data();
    void officialVectors();
    void signerReproducesVectors_data();
    void signerReproducesVectors();
    void mustFail_data();
    void mustFail();
    void tolerance_data();
    void tolerance();
    void secretParsing_data();
    void secretParsing();
    void rotationAcrossSecrets();
    void headerLookupIsCaseInsensitiveAndUnbranded_data();
    void headerLookupIsCaseInsensitiveAndUnbranded();
    void headersFallBackOneByOne_data();
    void headersFallBackOneByOne();
    void describeNeverLeaksSecretsOrSignatures();
};

void TestVerifier::officialVectors_data()
{
    QTest::addColumn<QByteArray>("secretText");
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<qint64>("timestamp");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("signatureHeader");

    for (const Vector *v : {&V1, &V2, &V3})
        QTest::addRow("%s", v->id) << QByteArray(v->secret) << QByteArray(v->id) << v->timestamp << v->payload
                                   << QByteArray(v->expected);
    QTest::addRow("1MiB of a") << QByteArray(V1.secret) << QByteArray(V1.id) << V1.timestamp
                               << QByteArray(1048576, 'a')
                               << QByteArray("v1,txpEUxqWZJ5nteTnymUVa+7C4NHpBeXJ6CsBAW0c3/A=");
    QTest::addRow("256KiB of a") << QByteArray(V1.secret) << QByteArray(V1.id) << V1.timestamp
                                 << QByteArray(262144, 'a')
                                 << QByteArray("v1,Mw4Pe2WgApuT7NSqnSq0PQPV9gbLdggCl9B865x5Xh0=");
    QTest::addRow("secret without whsec_ prefix") << QByteArray(V1.secret).mid(6) << QByteArray(V1.id)
                                                  << V1.timestamp << V1.payload << QByteArray(V1.expected);
    QTest::addRow("decoys around the valid entry")
        << QByteArray(V2.secret) << QByteArray(V2.id) << V2.timestamp << V2.payload
        << (QByteArray("v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ= "
                       "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ")
            + V2.expected + " v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ=");
    QTest::addRow("v1a and v2 entries are skipped")
        << QByteArray(V1.secret) << QByteArray(V1.id) << V1.timestamp << V1.payload
        << (QByteArray("v1a,abc v2,") + QByteArray(V1.expected).mid(3) + " " + V1.expected);
}

void TestVerifier::officialVectors()
{
    QFETCH(QByteArray, secretText);
    QFETCH(QByteArray, id);
    QFETCH(qint64, timestamp);
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, signatureHeader);

    const Verifier verifier = verifierAt(timestamp, {secret(secretText.constData())});
    const Verdict verdict = verifier.verify(WebhookHeaders {id, num(timestamp), signatureHeader, 0}, payload);
    QCOMPARE(verdict.outcome, VerifyOutcome::Accepted);
    QVERIFY(verdict.accepted());
    QCOMPARE(verdict.secretIndex, 0);
    QCOMPARE(verdict.timestamp, timestamp);
}

void TestVerifier::signerReproducesVectors_data()
{
    QTest::addColumn<int>("index");
    QTest::addRow("v1") << 0;
    QTest::addRow("v2") << 1;
    QTest::addRow("v3") << 2;
}

void TestVerifier::signerReproducesVectors()
{
    QFETCH(int, index);
    const Vector *v = std::array {&V1, &V2, &V3}[index];
    QCOMPARE(secret(v->secret).signature(v->id, num(v->timestamp), v->payload), QByteArray(v->expected));
}

void TestVerifier::mustFail_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QByteArray>("timestamp");
    QTest::addColumn<QByteArray>("signatureHeader");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<VerifyOutcome>("outcome");

    const QByteArray id(V1.id);
    const QByteArray ts = num(V1.timestamp);
    const QByteArray good(V1.expected);
    const QByteArray body = V1.payload;
    QTest::addRow("missing id") << QByteArray() << ts << good << body << VerifyOutcome::MissingHeaders;
    QTest::addRow("missing timestamp") << id << QByteArray() << good << body << VerifyOutcome::MissingHeaders;
    QTest::addRow("missing signature") << id << ts << QByteArray() << body << VerifyOutcome::MissingHeaders;
    QTest::addRow("timestamp hello") << id << QByteArray("hello") << good << body
                                     << VerifyOutcome::InvalidHeaders;
    QTest::addRow("negative timestamp")
        << id << QByteArray("-1614265330") << good << body << VerifyOutcome::InvalidHeaders;
    QTest::addRow("id over 256 bytes")
        << QByteArray(257, 'x') << ts << good << body << VerifyOutcome::InvalidHeaders;
    QTest::addRow("other message's signature")
        << id << ts << QByteArray("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=") << body
        << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("last character changed")
        << id << ts << QByteArray("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=") << body
        << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("bare v1,") << id << ts << QByteArray("v1,") << body << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("first 8 characters")
        << id << ts << good.left(8) << body << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("valid value under v2")
        << id << ts << (QByteArray("v2,") + good.mid(3)) << body << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("invalid_signature")
        << id << ts << QByteArray("invalid_signature") << body << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("timestamp +1 after signing")
        << id << num(V1.timestamp + 1) << good << body << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("body changed by one byte")
        << id << ts << good << QByteArray(R"({"test": 2432232315})") << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("body with trailing newline")
        << id << ts << good << (body + '\n') << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("id changed") << QByteArray("msg_p5jXN8AQM9LWM0D4loKWxJeK") << ts << good << body
                                << VerifyOutcome::NoMatchingSignature;
    QTest::addRow("signature without version")
        << id << ts << good.mid(3) << body << VerifyOutcome::NoMatchingSignature;
}

void TestVerifier::mustFail()
{
    QFETCH(QByteArray, id);
    QFETCH(QByteArray, timestamp);
    QFETCH(QByteArray, signatureHeader);
    QFETCH(QByteArray, payload);
    QFETCH(VerifyOutcome, outcome);

    // The clock sits one second after the timestamp, within tolerance.
    const Verifier verifier = verifierAt(V1.timestamp + 1, {secret(V1.secret)});
    const Verdict verdict = verifier.verify(WebhookHeaders {id, timestamp, signatureHeader, 0}, payload);
    QCOMPARE(verdict.outcome, outcome);
    QVERIFY(!verdict.accepted());
    QCOMPARE(verdict.secretIndex, -1);
}

void TestVerifier::tolerance_data()
{
    QTest::addColumn<qint64>("clockOffset"); // local clock minus the signed timestamp
    QTest::addColumn<VerifyOutcome>("outcome");
    QTest::addRow("now") << qint64(0) << VerifyOutcome::Accepted;
    QTest::addRow("299 s old") << qint64(299) << VerifyOutcome::Accepted;
    QTest::addRow("300 s old") << qint64(300) << VerifyOutcome::Accepted;
    QTest::addRow("301 s old") << qint64(301) << VerifyOutcome::TimestampTooOld;
    QTest::addRow("299 s ahead") << qint64(-299) << VerifyOutcome::Accepted;
    QTest::addRow("300 s ahead") << qint64(-300) << VerifyOutcome::Accepted;
    QTest::addRow("301 s ahead") << qint64(-301) << VerifyOutcome::TimestampTooNew;
    QTest::addRow("a day old") << qint64(86400) << VerifyOutcome::TimestampTooOld;
}

void TestVerifier::tolerance()
{
    QFETCH(qint64, clockOffset);
    QFETCH(VerifyOutcome, outcome);
    const Verifier verifier = verifierAt(V1.timestamp + clockOffset, {secret(V1.secret)});
    const Verdict verdict
        = verifier.verify(headers(V1.id, num(V1.timestamp), QByteArray(V1.expected)), V1.payload);
    QCOMPARE(verdict.outcome, outcome);
    QCOMPARE(verdict.skewSeconds, -clockOffset);
}

void TestVerifier::secretParsing_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addRow("whsec_ prefixed") << QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") << true;
    QTest::addRow("bare base64") << QStringLiteral("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") << true;
    QTest::addRow("padded") << QStringLiteral("whsec_dGVzdGtleQ==") << true;
    QTest::addRow("unpadded") << QStringLiteral("whsec_dGVzdGtleQ") << true;
    QTest::addRow("surrounding whitespace") << QStringLiteral("  whsec_dGVzdGtleQ==\n") << true;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("whsec_ alone") << QStringLiteral("whsec_") << false;
    QTest::addRow("padding only") << QStringLiteral("whsec_==") << false;
    QTest::addRow("not base64") << QStringLiteral("whsec_not*base64!") << false;
    QTest::addRow("impossible length") << QStringLiteral("whsec_abcde") << false;
    QTest::addRow("url-safe alphabet") << QStringLiteral("whsec_ab-_") << false;
}

void TestVerifier::secretParsing()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QString error;
    const auto parsed = SigningSecret::parse(text, &error);
    QCOMPARE(parsed.has_value(), valid);
    QCOMPARE(error.isEmpty(), valid);
    if (!valid && text.size() > 8)
        QVERIFY2(!error.contains(text.trimmed()), qPrintable(error));
}

void TestVerifier::rotationAcrossSecrets()
{
    // A delivery during rotation carries one v1 entry per active secret; the receiver may hold either.
    const SigningSecret oldSecret = secret(V1.secret);
    const SigningSecret newSecret = secret(V2.secret);
    const QByteArray ts = num(V1.timestamp);
    const QByteArray sigOld = oldSecret.signature(V1.id, ts, V1.payload);
    const QByteArray sigNew = newSecret.signature(V1.id, ts, V1.payload);
    QVERIFY(sigOld != sigNew);

    const Verifier both = verifierAt(V1.timestamp, {oldSecret, newSecret});
    QCOMPARE(both.verify(headers(V1.id, ts, sigOld), V1.payload).secretIndex, 0);
    QCOMPARE(both.verify(headers(V1.id, ts, sigNew), V1.payload).secretIndex, 1);
    QCOMPARE(both.verify(headers(V1.id, ts, sigNew + ' ' + sigOld), V1.payload).secretIndex, 0);

    const Verifier onlyNew = verifierAt(V1.timestamp, {newSecret});
    QCOMPARE(onlyNew.verify(headers(V1.id, ts, sigOld + ' ' + sigNew), V1.payload).secretIndex, 0);
    QCOMPARE(onlyNew.verify(headers(V1.id, ts, sigOld), V1.payload).outcome,
             VerifyOutcome::NoMatchingSignature);

    const Verifier none = verifierAt(V1.timestamp, {});
    QCOMPARE(none.verify(headers(V1.id, ts, sigOld), V1.payload).outcome, VerifyOutcome::NoSecretConfigured);
}

void TestVerifier::headerLookupIsCaseInsensitiveAndUnbranded_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addRow("svix-") << QByteArray("svix-");
    QTest::addRow("Svix-") << QByteArray("Svix-");
    QTest::addRow("SVIX-") << QByteArray("SVIX-");
    QTest::addRow("webhook-") << QByteArray("webhook-");
    QTest::addRow("Webhook-") << QByteArray("Webhook-");
}

void TestVerifier::headerLookupIsCaseInsensitiveAndUnbranded()
{
    QFETCH(QByteArray, prefix);
    // Headers as a sender wrote them; the lookup folds case the way QHttpServerRequest::value does.
    const QList<std::pair<QByteArray, QByteArray>> raw {
        {prefix + "Id", V1.id},
        {prefix + "TIMESTAMP", num(V1.timestamp)},
        {prefix + "Signature", V1.expected},
    };
    const HeaderLookup lookup = [&raw](QByteArrayView name) {
        for (const auto &[key, value] : raw) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return QByteArray();
    };
    const Verifier verifier = verifierAt(V1.timestamp, {secret(V1.secret)});
    const Verdict verdict = verifier.verify(lookup, V1.payload);
    QCOMPARE(verdict.outcome, VerifyOutcome::Accepted);
    QCOMPARE(WebhookHeaders::fromLookup(lookup).unbranded,
             prefix.toLower() == "webhook-" ? quint8(WebhookHeaders::AllUnbranded) : quint8(0));
}

void TestVerifier::headersFallBackOneByOne_data()
{
    // Each header on its own: svix-* when present, else webhook-*, as Svix's JavaScript, Python and
    // Rust libraries read them. Per row, the three names sent, the bits fromLookup reports, and the
    // outcome.
    QTest::addColumn<QByteArrayList>("names");
    QTest::addColumn<int>("bits");
    QTest::addColumn<VerifyOutcome>("outcome");
    QTest::addColumn<QByteArray>("missing");
    const auto accepted = VerifyOutcome::Accepted;
    QTest::addRow("svix-id, webhook-timestamp, webhook-signature")
        << QByteArrayList {"svix-id", "webhook-timestamp", "webhook-signature"} << 6 << accepted
        << QByteArray();
    QTest::addRow("webhook-id, svix-timestamp, svix-signature")
        << QByteArrayList {"webhook-id", "svix-timestamp", "svix-signature"} << 1 << accepted << QByteArray();
    QTest::addRow("Svix-Id, Webhook-Timestamp, SVIX-SIGNATURE")
        << QByteArrayList {"Svix-Id", "Webhook-Timestamp", "SVIX-SIGNATURE"} << 2 << accepted << QByteArray();
    QTest::addRow("webhook-id, webhook-timestamp, svix-signature")
        << QByteArrayList {"webhook-id", "webhook-timestamp", "svix-signature"} << 3 << accepted
        << QByteArray();
    // What is missing is named in the family of what came.
    QTest::addRow("webhook-id, webhook-timestamp, no signature")
        << QByteArrayList {"webhook-id", "webhook-timestamp", "x-signature"} << 3
        << VerifyOutcome::MissingHeaders << QByteArray("webhook-signature");
    QTest::addRow("svix-id, webhook-timestamp, no signature")
        << QByteArrayList {"svix-id", "webhook-timestamp", "x-signature"} << 2
        << VerifyOutcome::MissingHeaders << QByteArray("svix-signature");
    QTest::addRow("nothing") << QByteArrayList {"x-id", "x-timestamp", "x-signature"} << 0
                             << VerifyOutcome::MissingHeaders
                             << QByteArray("svix-id, svix-timestamp, svix-signature");
}

void TestVerifier::headersFallBackOneByOne()
{
    QFETCH(QByteArrayList, names);
    QFETCH(int, bits);
    QFETCH(VerifyOutcome, outcome);
    QFETCH(QByteArray, missing);
    const QList<std::pair<QByteArray, QByteArray>> raw {
        {names[0], V1.id},
        {names[1], num(V1.timestamp)},
        {names[2], V1.expected},
    };
    const HeaderLookup lookup = [&raw](QByteArrayView name) {
        for (const auto &[key, value] : raw) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return QByteArray();
    };
    const WebhookHeaders h = WebhookHeaders::fromLookup(lookup);
    QCOMPARE(int(h.unbranded), bits);
    const Verdict verdict = verifierAt(V1.timestamp, {secret(V1.secret)}).verify(h, V1.payload);
    QCOMPARE(verdict.outcome, outcome);
    QCOMPARE(verdict.missing, missing);
    // The names a replay sends again are the ones that came (a header that did not come keeps
    // its svix-* name).
    QCOMPARE(WebhookHeaders::name(h.unbranded, WebhookHeaders::IdUnbranded),
             bits & 1 ? QByteArray("webhook-id") : QByteArray("svix-id"));
    QCOMPARE(WebhookHeaders::name(h.unbranded, WebhookHeaders::TimestampUnbranded),
             bits & 2 ? QByteArray("webhook-timestamp") : QByteArray("svix-timestamp"));
    QCOMPARE(WebhookHeaders::name(h.unbranded, WebhookHeaders::SignatureUnbranded),
             bits & 4 ? QByteArray("webhook-signature") : QByteArray("svix-signature"));
}

void TestVerifier::describeNeverLeaksSecretsOrSignatures()
{
    const Verifier verifier = verifierAt(V1.timestamp + 412, {secret(V1.secret)});
    const QList<Verdict> verdicts {
        verifier.verify(headers(V1.id, num(V1.timestamp), V1.expected), V1.payload),
        verifierAt(V1.timestamp, {secret(V1.secret)})
            .verify(headers(V1.id, num(V1.timestamp), "v1,AAAA"), V1.payload),
        verifier.verify(headers("", "", ""), V1.payload),
    };
    QCOMPARE(verdicts[0].outcome, VerifyOutcome::TimestampTooOld);
    for (const Verdict &v : verdicts) {
        const QString sentence = Verifier::describe(v);
        QVERIFY(!sentence.isEmpty());
        QVERIFY(!sentence.contains(QLatin1String("MfKQ9r8G")));
        QVERIFY(!sentence.contains(QLatin1String("g0hM9SsE")));
        QVERIFY(!sentence.contains(QLatin1String("AAAA")));
    }
    QVERIFY(Verifier::describe(verdicts[0]).contains(QLatin1String("412 s old")));
    QVERIFY(Verifier::describe(verdicts[2]).contains(QLatin1String("svix-signature")));
}

QTEST_GUILESS_MAIN(TestVerifier)
#include "tst_verifier.moc"
