// SPDX-License-Identifier: GPL-3.0-or-later
// The headers a stored delivery goes out with again: the header names it came with (from its
// kept header lines), the endpoint secrets that verified it, and signing afresh with them.
#include "replay/outgoing.h"
#include "testsecret.h"
#include "verify/verifier.h"

#include <QTest>

using namespace mm;
using namespace mm::test;

namespace {
SigningSecret secretOf(const QString &text)
{
    return *SigningSecret::parse(text);
}

OutgoingDelivery signedBy(const QList<SigningSecret> &secrets, int secretIndex)
{
    OutgoingDelivery d;
    d.msgId = "msg_2ZkcXqCFqYy1T3pbU9d6A0nVqH2";
    d.body = R"({"id":"evt_1","type":"migration.created"})";
    d.timestampHeader = 1700000000;
    for (const SigningSecret &s : secrets) {
        if (!d.signature.isEmpty())
            d.signature += ' ';
        d.signature += s.signature(d.msgId, QByteArray::number(d.timestampHeader), d.body);
    }
    d.secretIndex = secretIndex;
    return d;
}

QByteArray value(const HeaderList &headers, const QByteArray &name)
{
    for (const auto &[n, v] : headers) {
        if (n == name)
            return v;
    }
    return {};
}
} // namespace

class TestOutgoing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headerFamilyFromKeptLines_data();
    void headerFamilyFromKeptLines();
    void verifyingSecretsAreFoundBySignature();
    void resignedHeadersKeepTheIdAndTheNames();
    void newIdsOnlyWithASecret();
};

void TestOutgoing::headerFamilyFromKeptLines_data()
{
    QTest::addColumn<QByteArray>("lines");
    QTest::addColumn<int>("bits");
    QTest::addRow("none kept (an import)") << QByteArray() << 0;
    QTest::addRow("svix-*") << QByteArray(
        "host: x\nsvix-id: msg_1\nsvix-timestamp: 1\nsvix-signature: v1,****\n")
                            << 0;
    QTest::addRow("webhook-*, as a sender cased them")
        << QByteArray("Webhook-Id: msg_1\nWEBHOOK-TIMESTAMP: 1\nwebhook-signature: v1,****\n") << 7;
    QTest::addRow("mixed") << QByteArray("svix-id: msg_1\nwebhook-timestamp: 1\nwebhook-signature: v1,****")
                           << 6;
    // Both names: the verifier read svix-*, so that is the one sent again.
    QTest::addRow("both for the id") << QByteArray("webhook-id: a\nsvix-id: b\nwebhook-timestamp: 1\n") << 2;
    QTest::addRow("a value naming a header is not a name")
        << QByteArray("x-note: webhook-id: no\nsvix-id: msg_1\n") << 0;
}

void TestOutgoing::headerFamilyFromKeptLines()
{
    QFETCH(QByteArray, lines);
    QFETCH(int, bits);
    QCOMPARE(int(headerFamilyOf(lines)), bits);
}

void TestOutgoing::verifyingSecretsAreFoundBySignature()
{
    const SigningSecret endpoint = secretOf(TestSecretText);
    const SigningSecret other = secretOf(OtherTestSecretText);
    const SigningSecret third = secretOf(secretFor("a third key, 32 bytes long......"));

    // Verified by the receiver's secret #1; the list still has it there.
    OutgoingDelivery d = signedBy({endpoint}, 0);
    QList<SigningSecret> found = verifyingSecrets(d, {endpoint, other});
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.at(0).hint(), endpoint.hint());
    // The list changed order since: found by its signature, not trusted by its index.
    found = verifyingSecrets(d, {other, endpoint});
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.at(0).hint(), endpoint.hint());
    // Removed since: none.
    QVERIFY(verifyingSecrets(d, {other, third}).isEmpty());
    QVERIFY(verifyingSecrets(d, {}).isEmpty());
    // No original signature kept (an import, an older store): none can be proved.
    d.signature.clear();
    QVERIFY(verifyingSecrets(d, {endpoint}).isEmpty());

    // Signed during a rotation by two secrets, both still held: both sign it again, the one
    // that verified it first.
    d = signedBy({other, endpoint}, 1);
    found = verifyingSecrets(d, {other, endpoint, third});
    QCOMPARE(found.size(), 2);
    QCOMPARE(found.at(0).hint(), endpoint.hint());
    QCOMPARE(found.at(1).hint(), other.hint());
}

void TestOutgoing::resignedHeadersKeepTheIdAndTheNames()
{
    const SigningSecret endpoint = secretOf(TestSecretText);
    const SigningSecret other = secretOf(OtherTestSecretText);
    OutgoingDelivery d = signedBy({endpoint}, 0);
    HeaderList h = resignedHeaders(d, {endpoint, other}, 1800000000, Sender::Forward);
    QCOMPARE(value(h, "svix-id"), d.msgId);
    QCOMPARE(value(h, "svix-timestamp"), QByteArray("1800000000"));
    QCOMPARE(value(h, "svix-signature"),
             QByteArray(endpoint.signature(d.msgId, "1800000000", d.body) + ' '
                        + other.signature(d.msgId, "1800000000", d.body)));
    QCOMPARE(value(h, "user-agent"), QByteArray("Migration-Monitor-Forward/" MM_VERSION));
    QCOMPARE(value(h, "accept"), QByteArray("*/*"));
    // Both verify with a receiver holding either secret.
    for (const SigningSecret &s : {endpoint, other}) {
        const Verifier verifier({s}, Verifier::DefaultTolerance, [] { return qint64(1800000000); });
        const Verdict v
            = verifier.verify([&h](QByteArrayView name) { return value(h, name.toByteArray()); }, d.body);
        QVERIFY(v.accepted());
    }

    d.unbranded = WebhookHeaders::IdUnbranded;
    h = resignedHeaders(d, {endpoint}, 1800000000, Sender::Replay);
    QCOMPARE(value(h, "webhook-id"), d.msgId);
    QVERIFY(value(h, "svix-id").isEmpty());
    QCOMPARE(value(h, "svix-timestamp"), QByteArray("1800000000"));
    QCOMPARE(value(h, "user-agent"), QByteArray("Migration-Monitor-Replay/" MM_VERSION));
}

void TestOutgoing::newIdsOnlyWithASecret()
{
    const OutgoingDelivery d = signedBy({secretOf(TestSecretText)}, 0);
    SigningChoice asReceived;
    asReceived.newIds = true; // ignored: the original signature covers the original id
    QCOMPARE(outgoingMsgId(d, asReceived), d.msgId);
    SigningChoice resigned;
    resigned.secret = secretOf(OtherTestSecretText);
    QCOMPARE(outgoingMsgId(d, resigned), d.msgId);
    resigned.newIds = true;
    const QByteArray a = outgoingMsgId(d, resigned);
    const QByteArray b = outgoingMsgId(d, resigned);
    QVERIFY(a.startsWith("msg_") && a != d.msgId);
    QVERIFY(a != b); // each call mints: callers call it once per delivery
}

QTEST_GUILESS_MAIN(TestOutgoing)
#include "tst_outgoing.moc"
