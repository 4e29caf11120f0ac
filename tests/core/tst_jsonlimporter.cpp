// SPDX-License-Identifier: GPL-3.0-or-later
// JsonlImporter::importFrom line by line on a real store: line numbers in the error sentences
// stay right across blank lines, CRLF and a line longer than the 64 MiB limit, which is
// reported as one unreadable line (not cut into pieces), and what was accepted is exported
// back byte for byte.
#include "store/jsonlexporter.h"
#include "store/jsonlimporter.h"
#include "store/store.h"

#include <QBuffer>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

namespace {
constexpr qint64 MaxLineBytes = 64 * 1024 * 1024; // JsonlImporter's limit

QByteArray exportLine(const char *msgId, const QByteArray &body)
{
    return JsonlExporter::line(QString::fromLatin1(msgId), QString(), QString(), QString(), QVariant(),
                               1750000000LL * 1000 * 1000, 1, false, body);
}
} // namespace

class TestJsonlImporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lineNumbersSurviveBlankAndCrlfLines();
    void overlongLineIsOneUnreadableLine();
};

void TestJsonlImporter::lineNumbersSurviveBlankAndCrlfLines()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Store store(Store::Options {dir.path()});
    const QByteArray a = exportLine("msg_a", "first");
    const QByteArray b = exportLine("msg_b", "second");
    QByteArray input = a + "\r\n\n   \n" + "not json\n" + a + '\n' + b; // no newline at the end
    QBuffer in(&input);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QString error;
    const auto result = JsonlImporter::importFrom(store, in, &error);
    QVERIFY2(result, qPrintable(error));
    QCOMPARE(result->lines, 4);
    QCOMPARE(result->imported, 2);
    QCOMPARE(result->duplicates, 1);
    QCOMPARE(result->invalid, 1);
    QCOMPARE(result->errors.size(), 1);
    QVERIFY2(result->errors.first().startsWith(QLatin1String("line 4: not JSON")),
             qPrintable(result->errors.first()));

    QByteArray exported;
    QBuffer out(&exported);
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(JsonlExporter::exportStore(store, out, &error), 2);
    QCOMPARE(exported, a + '\n' + b + '\n');
}

void TestJsonlImporter::overlongLineIsOneUnreadableLine()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Store store(Store::Options {dir.path()});
    const QByteArray a = exportLine("msg_a", "before");
    const QByteArray b = exportLine("msg_b", "after");
    // A well-formed export line just over the limit: it would import if it were not too long.
    const QByteArray big = R"({"msg_id":"msg_big","received_at":"2025-06-15T15:06:40Z","body":")"
        + QByteArray(MaxLineBytes, 'x') + R"("})";
    QVERIFY(big.size() > MaxLineBytes);
    QByteArray input = a + '\n' + big + '\n' + b + '\n';
    QBuffer in(&input);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QString error;
    const auto result = JsonlImporter::importFrom(store, in, &error);
    QVERIFY2(result, qPrintable(error));
    QCOMPARE(result->lines, 3);
    QCOMPARE(result->imported, 2);
    QCOMPARE(result->invalid, 1);
    QCOMPARE(result->errors, QStringList {QStringLiteral("line 2: longer than 64 MiB")});

    QByteArray exported;
    QBuffer out(&exported);
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(JsonlExporter::exportStore(store, out, &error), 2);
    QCOMPARE(exported, a + '\n' + b + '\n');
}

QTEST_GUILESS_MAIN(TestJsonlImporter)
#include "tst_jsonlimporter.moc"
