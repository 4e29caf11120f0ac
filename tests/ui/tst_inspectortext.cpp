// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ui/inspector/inspectortext: UTF-8 detection, hex dumps, skew, secret labels,
// header masking and the verification sentence.
#include "inspector/inspectortext.h"

#include <QDateTime>
#include <QLocale>
#include <QTest>

using namespace mm;

class TestInspectorText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodeUtf8_data();
    void decodeUtf8();
    void hexDump();
    void hexDumpLimit();
    void localTime();
    void skew_data();
    void skew();
    void secretLabel_data();
    void secretLabel();
    void headerMasking_data();
    void headerMasking();
    void verification();
};

void TestInspectorText::decodeUtf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("text");
    QTest::addRow("ascii") << QByteArray("{\"a\":1}") << true;
    QTest::addRow("multibyte") << QByteArray("caf\xc3\xa9 \xe2\x9c\x93") << true;
    QTest::addRow("empty") << QByteArray() << true;
    QTest::addRow("bom") << QByteArray("\xef\xbb\xbf{}") << true;
    QTest::addRow("latin1") << QByteArray("caf\xe9") << false;
    QTest::addRow("truncated sequence") << QByteArray("ok \xe2\x9c") << false;
    QTest::addRow("overlong") << QByteArray("\xc0\xaf") << false;
    QTest::addRow("nul") << QByteArray("a\0b", 3) << false;
}

void TestInspectorText::decodeUtf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, text);
    const std::optional<QString> decoded = inspect::decodeUtf8(bytes);
    QCOMPARE(decoded.has_value(), text);
    if (text)
        QCOMPARE(decoded->toUtf8(), bytes); // byte-exact, a BOM included
}

void TestInspectorText::hexDump()
{
    const QByteArray bytes = QByteArray("{\"a\":\xff}\x00", 8) + QByteArray("0123456789ABCDEFxyz");
    const QString expected
        = QStringLiteral("00000000  7b 22 61 22 3a ff 7d 00  30 31 32 33 34 35 36 37  |{\"a\":.}.01234567|\n"
                         "00000010  38 39 41 42 43 44 45 46  78 79 7a                 |89ABCDEFxyz|\n");
    QCOMPARE(inspect::hexDump(bytes), expected);
    QCOMPARE(inspect::hexDump(QByteArray()), QString());
}

void TestInspectorText::hexDumpLimit()
{
    const QByteArray bytes(100, 'x');
    const QStringList lines = inspect::hexDump(bytes, 20).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines.last().startsWith(QStringLiteral("00000010  78 78 78 78  ")));
    QVERIFY(lines.last().endsWith(QStringLiteral("|xxxx|")));
}

void TestInspectorText::localTime()
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(1714572187412);
    QCOMPARE(inspect::localTimeUs(1714572187412345),
             when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.412")));
}

void TestInspectorText::skew_data()
{
    QTest::addColumn<qint64>("receivedUs");
    QTest::addColumn<qint64>("timestamp");
    QTest::addColumn<QString>("expected");
    const QLocale locale;
    QTest::addRow("late") << qint64(1714572188500000) << qint64(1714572187)
                          << QStringLiteral("+%1 s").arg(locale.toString(1.5, 'f', 1));
    QTest::addRow("early") << qint64(1714572185000000) << qint64(1714572187)
                           << QStringLiteral("%1 s").arg(locale.toString(-2.0, 'f', 1));
    QTest::addRow("retry an hour later") << qint64(1714575787000000) << qint64(1714572187)
                                         << QStringLiteral("+%1 s").arg(locale.toString(3600.0, 'f', 1));
    QTest::addRow("no timestamp") << qint64(1714572188500000) << qint64(0) << QString();
}

void TestInspectorText::skew()
{
    QFETCH(qint64, receivedUs);
    QFETCH(qint64, timestamp);
    QFETCH(QString, expected);
    QCOMPARE(inspect::skewText(receivedUs, timestamp), expected);
}

void TestInspectorText::secretLabel_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<QStringList>("hints");
    QTest::addColumn<QString>("expected");
    const QStringList hints {QStringLiteral("abcd"), QStringLiteral("k3Fz")};
    QTest::addRow("second") << 1 << hints << QStringLiteral("#2 (…k3Fz)");
    QTest::addRow("first") << 0 << hints << QStringLiteral("#1 (…abcd)");
    QTest::addRow("hint with ellipsis")
        << 0 << QStringList {QStringLiteral("…wxyz")} << QStringLiteral("#1 (…wxyz)");
    QTest::addRow("no longer configured") << 2 << hints << QStringLiteral("#3 (not configured now)");
    QTest::addRow("none") << -1 << hints << QStringLiteral("—");
}

void TestInspectorText::secretLabel()
{
    QFETCH(int, index);
    QFETCH(QStringList, hints);
    QFETCH(QString, expected);
    QCOMPARE(inspect::secretLabel(index, hints), expected);
}

void TestInspectorText::headerMasking_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("already masked") << QByteArray("svix-signature") << QByteArray("v1,[masked] v1,[masked]")
                                    << QByteArray("v1,[masked] v1,[masked]");
    QTest::addRow("leaked signature")
        << QByteArray("Svix-Signature") << QByteArray("v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=")
        << QByteArray("v1,[masked]");
    QTest::addRow("webhook-signature") << QByteArray("webhook-signature") << QByteArray("v1a,abc v1,def")
                                       << QByteArray("v1a,[masked] v1,[masked]");
    QTest::addRow("authorization") << QByteArray("Authorization") << QByteArray("Bearer xyz")
                                   << QByteArray("[masked]");
    QTest::addRow("plain header") << QByteArray("svix-id") << QByteArray("msg_2Lh9")
                                  << QByteArray("msg_2Lh9");
}

void TestInspectorText::headerMasking()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(inspect::displayedHeaderValue(name, value), expected);
}

void TestInspectorText::verification()
{
    const QStringList hints {QStringLiteral("abcd"), QStringLiteral("k3Fz")};
    DeliveryDetail detail;
    detail.found = true;
    QCOMPARE(inspect::verificationText(detail, hints),
             QStringLiteral("No attempts were recorded for this delivery."));

    AttemptInfo first;
    first.seq = 1;
    first.receivedUs = 1714572187412000;
    first.secretIndex = 1;
    detail.attempts = {first};
    const QString at1 = inspect::localTimeUs(first.receivedUs);
    QCOMPARE(inspect::verificationText(detail, hints),
             QStringLiteral("Signature verified with secret #2 (…k3Fz). Received once, at %1.").arg(at1));

    AttemptInfo second = first;
    second.seq = 2;
    second.receivedUs = first.receivedUs + 5000000;
    detail.attempts.append(second);
    const QString at2 = inspect::localTimeUs(second.receivedUs);
    QCOMPARE(inspect::verificationText(detail, hints),
             QStringLiteral(
                 "Signature verified with secret #2 (…k3Fz). Received 2 times; first at %1, last at %2.")
                 .arg(at1, at2));

    // A rotation between retries names both secrets.
    detail.attempts[1].secretIndex = 0;
    QVERIFY(inspect::verificationText(detail, hints)
                .startsWith(QStringLiteral("Signatures verified with secrets #2 (…k3Fz), #1 (…abcd).")));

    for (AttemptInfo &a : detail.attempts)
        a.secretIndex = -1;
    QVERIFY(inspect::verificationText(detail, hints)
                .contains(QStringLiteral("which secret matched was not recorded")));
}

QTEST_GUILESS_MAIN(TestInspectorText)
#include "tst_inspectortext.moc"
