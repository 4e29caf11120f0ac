// SPDX-License-Identifier: GPL-3.0-or-later
#include "verify/headermask.h"

#include <QTest>

using namespace mm;

class TestHeaderMask final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void masks_data();
    void masks();
};

void TestHeaderMask::masks_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("one signature") << QByteArray("svix-signature")
                                   << QByteArray("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
                                   << QByteArray("v1,[masked]");
    QTest::addRow("several, any case")
        << QByteArray("Webhook-Signature") << QByteArray("v1,abc=  v1a,def= v2,ghi=")
        << QByteArray("v1,[masked] v1a,[masked] v2,[masked]");
    QTest::addRow("no comma") << QByteArray("svix-signature") << QByteArray("garbage")
                              << QByteArray("[masked]");
    QTest::addRow("already masked") << QByteArray("svix-signature") << QByteArray("v1,[masked]")
                                    << QByteArray("v1,[masked]");
    QTest::addRow("authorization") << QByteArray("Authorization") << QByteArray("Bearer sk_live_x")
                                   << QByteArray("[masked]");
    QTest::addRow("cookie") << QByteArray("cookie") << QByteArray("session=abc") << QByteArray("[masked]");
    QTest::addRow("other header kept") << QByteArray("svix-id") << QByteArray("msg_1") << QByteArray("msg_1");
    QTest::addRow("a look-alike name is kept")
        << QByteArray("x-svix-signature-note") << QByteArray("v1,abc") << QByteArray("v1,abc");
}

void TestHeaderMask::masks()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(maskedHeaderValue(name, value), expected);
}

QTEST_GUILESS_MAIN(TestHeaderMask)
#include "tst_headermask.moc"
