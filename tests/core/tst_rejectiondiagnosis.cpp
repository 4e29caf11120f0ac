// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/rejectiondiagnosis.h"
#include "model/rejectionsmodel.h"
#include "testsecret.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace mm;

namespace {
constexpr qint64 ReceivedSec = 1750207841;

RejectionRecord rejection(const char *code,
                          QList<QByteArray> headerNames = {"svix-id", "svix-timestamp", "svix-signature"})
{
    RejectionRecord r;
    r.receivedUs = ReceivedSec * 1000000;
    r.reasonCode = QString::fromLatin1(code);
    r.reason = QStringLiteral("what the sender was told");
    r.timestampHeader = ReceivedSec;
    for (const QByteArray &name : headerNames)
        r.headers.append({name, "x"});
    return r;
}
} // namespace

class TestRejectionDiagnosis final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sentences_data();
    void sentences();
    void neverShowsMoreThanFourCharacters();
    void modelShowsDiagnosisAndUpdatesWithHints();
};

void TestRejectionDiagnosis::sentences_data()
{
    QTest::addColumn<RejectionRecord>("record");
    QTest::addColumn<QStringList>("hints");
    QTest::addColumn<QString>("expected");

    QTest::addRow("wrong secret") << rejection("no_matching_signature")
                                  << QStringList {QStringLiteral("k3Fz")}
                                  << QStringLiteral("No matching signature: the configured secret (…k3Fz) is "
                                                    "probably not this endpoint's.");
    QTest::addRow("hint with its ellipsis")
        << rejection("no_matching_signature") << QStringList {QStringLiteral("…k3Fz")}
        << QStringLiteral("the configured secret (…k3Fz) is");
    QTest::addRow("two wrong secrets")
        << rejection("no_matching_signature") << QStringList {QStringLiteral("k3Fz"), QStringLiteral("ab12")}
        << QStringLiteral("none of the configured secrets (…k3Fz, …ab12)");
    RejectionRecord old = rejection("timestamp_too_old");
    old.timestampHeader = ReceivedSec - 412;
    QTest::addRow("old") << old << QStringList()
                         << QStringLiteral("Timestamp 412 s old: check this computer's clock");
    RejectionRecord future = rejection("timestamp_too_new");
    future.timestampHeader = ReceivedSec + 900;
    QTest::addRow("future") << future << QStringList()
                            << QStringLiteral("Timestamp 900 s in the future: check this computer's clock.");
    QTest::addRow("no signature header")
        << rejection("missing_headers", {"svix-id", "svix-timestamp"}) << QStringList()
        << QStringLiteral("No svix-signature header: is this sender Svix?");
    QTest::addRow("webhook- prefix counts")
        << rejection("missing_headers", {"Webhook-Signature", "svix-id"}) << QStringList()
        << QStringLiteral("No svix-timestamp header: is this sender Svix?");
    QTest::addRow("no secret") << rejection("no_secret_configured") << QStringList()
                               << QStringLiteral("add this endpoint's secret in Settings");
    QTest::addRow("unknown code keeps the stored reason")
        << rejection("something_new") << QStringList() << QStringLiteral("what the sender was told");
}

void TestRejectionDiagnosis::sentences()
{
    QFETCH(RejectionRecord, record);
    QFETCH(QStringList, hints);
    QFETCH(QString, expected);
    const QString got = diagnoseRejection(record, hints);
    QVERIFY2(got.contains(expected), qPrintable(got));
}

void TestRejectionDiagnosis::neverShowsMoreThanFourCharacters()
{
    // Even handed a whole secret, the sentence quotes its last four characters only.
    const QString got = diagnoseRejection(rejection("no_matching_signature"), {mm::test::TestSecretText});
    QVERIFY2(got.contains(QStringLiteral("(…LaSw)")), qPrintable(got));
    QVERIFY(!got.contains(QStringLiteral("whsec_")));
    QVERIFY(!got.contains(QStringLiteral("aLaSw")));
}

void TestRejectionDiagnosis::modelShowsDiagnosisAndUpdatesWithHints()
{
    RejectionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRejections({rejection("no_matching_signature")});
    const QModelIndex reason = model.index(0, RejectionsModel::Reason);
    QVERIFY(reason.data().toString().contains(QStringLiteral("no secret is configured now")));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setSecretHints({QStringLiteral("k3Fz")});
    QCOMPARE(changed.size(), 1);
    QVERIFY(reason.data().toString().contains(QStringLiteral("(…k3Fz)")));
    QVERIFY(reason.data(Qt::ToolTipRole).toString().contains(QStringLiteral("what the sender was told")));
    model.setSecretHints({QStringLiteral("k3Fz")});
    QCOMPARE(changed.size(), 1); // same hints: no change signalled
}

QTEST_GUILESS_MAIN(TestRejectionDiagnosis)
#include "tst_rejectiondiagnosis.moc"
