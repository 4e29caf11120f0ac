// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/rejectionsmodel.h"
#include "rejected/rejectedview.h"

#include <QTableView>
#include <QTest>

using namespace mm;

namespace {
RejectionRecord wrongSecret()
{
    RejectionRecord r;
    r.receivedUs = 1750207841LL * 1000000;
    r.remote = QStringLiteral("127.0.0.1");
    r.reasonCode = QStringLiteral("no_matching_signature");
    r.reason
        = QStringLiteral("No matching signature: the configured secret is probably not this endpoint's.");
    r.msgId = "msg_2ZkcXqCFqYy1T3pbU9d6A0nVqGz";
    r.timestampHeader = 1750207841;
    r.headers = {{"svix-id", r.msgId}, {"svix-signature", "v1,[masked]"}};
    r.bodyHead = R"({"type":"migration.failed"})";
    r.bodySize = r.bodyHead.size();
    return r;
}
} // namespace

class TestRejectedView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyStateSaysWhatGoesHere();
    void selectionShowsDiagnosisHeadersAndBody();
    void binaryBodyIsShownAsHex();
    void selectionSurvivesARefresh();
};

void TestRejectedView::emptyStateSaysWhatGoesHere()
{
    RejectionsModel model;
    RejectionFilterProxy proxy;
    proxy.setSourceModel(&model);
    RejectedView view(&model, &proxy);
    QVERIFY(view.detailText().contains(QStringLiteral("No rejected deliveries")));
}

void TestRejectedView::selectionShowsDiagnosisHeadersAndBody()
{
    RejectionsModel model;
    RejectionFilterProxy proxy;
    proxy.setSourceModel(&model);
    RejectedView view(&model, &proxy);
    model.setRejections({wrongSecret()});
    model.setSecretHints({QStringLiteral("k3Fz")});
    QVERIFY(view.detailText().contains(QStringLiteral("Select a rejected delivery")));
    view.table()->setCurrentIndex(proxy.index(0, 0));
    const QString text = view.detailText();
    QVERIFY2(text.contains(QStringLiteral("the configured secret (…k3Fz) is probably not this endpoint's")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("svix-signature")));
    QVERIFY(text.contains(QStringLiteral("v1,[masked]")));
    QVERIFY(text.contains(QStringLiteral("\"type\":\"migration.failed\"")));
    QVERIFY(text.contains(QStringLiteral("msg_2ZkcXqCFqYy1T3pbU9d6A0nVqGz")));
}

void TestRejectedView::binaryBodyIsShownAsHex()
{
    RejectionsModel model;
    RejectionFilterProxy proxy;
    proxy.setSourceModel(&model);
    RejectedView view(&model, &proxy);
    RejectionRecord r = wrongSecret();
    r.bodyHead = QByteArray("\xff\xfe\x00\x41", 4);
    model.setRejections({r});
    view.table()->setCurrentIndex(proxy.index(0, 0));
    QVERIFY2(view.detailText().contains(QStringLiteral("ff fe 00 41")), qPrintable(view.detailText()));
}

void TestRejectedView::selectionSurvivesARefresh()
{
    RejectionsModel model;
    RejectionFilterProxy proxy;
    proxy.setSourceModel(&model);
    RejectedView view(&model, &proxy);
    RejectionRecord older = wrongSecret();
    older.msgId = "msg_older";
    older.receivedUs -= 1000000;
    model.setRejections({older, wrongSecret()});
    // Sorted newest first: row 1 is the older one.
    view.table()->setCurrentIndex(proxy.index(1, 0));
    QVERIFY(view.detailText().contains(QStringLiteral("msg_older")));
    RejectionRecord newest = wrongSecret();
    newest.msgId = "msg_newest";
    newest.receivedUs += 1000000;
    model.setRejections({older, wrongSecret(), newest}); // the journal re-read with one more
    QVERIFY2(view.detailText().contains(QStringLiteral("msg_older")), qPrintable(view.detailText()));
    QCOMPARE(proxy.mapToSource(view.table()->currentIndex()).row(), 0);
}

QTEST_MAIN(TestRejectedView)
#include "tst_rejectedview.moc"
