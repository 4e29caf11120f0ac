// SPDX-License-Identifier: GPL-3.0-or-later
// The replay dialog against a loopback sink: what it sends (re-signed deliveries that the
// openssl command line verifies, or the stored headers as received), the results table and
// each answer, the history tab, the errors it shows for a bad URL or secret, and Cancel.
#include "model/replayresultsmodel.h"
#include "replay/replaydialog.h"
#include "replay/replayhistorypage.h"
#include "replay/replayresultsview.h"
#include "replay/secretpicker.h"
#include "replaytestdata.h"
#include "store/store.h"
#include "webhooksink.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDateTime>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;
using namespace mm::test;

namespace {
ReplaySessionFactory factory(const Store &store)
{
    return [&store](QObject *parent) { return new ReplaySession(store, parent); };
}

QList<ReplayScope> scopeOf(const QList<qint64> &rowIds)
{
    ReplayScope scope;
    scope.label = QStringLiteral("%1 deliveries").arg(rowIds.size());
    scope.selection.rowIds = rowIds;
    return {scope};
}

template<typename T> T *child(QObject *parent, const char *name)
{
    auto *found = parent->findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qFatal("no child %s", name);
    return found;
}
} // namespace

class TestReplayDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void resignedReplayIsVerifiedByOpenssl();
    void typedSecretSignsAndIsNeverShown();
    void asReceivedSendsTheStoredHeaders();
    void badTargetsAreRefused_data();
    void badTargetsAreRefused();
    void badTypedSecretIsRefused();
    void cancelStopsTheRest();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<WebhookSink> m_sink;
};

void TestReplayDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<Store>(Store::Options {m_dir->path()});
    QVERIFY(m_dir->isValid());
    QVERIFY(fillReplayStore(m_dir->path(), 6));
    m_sink = std::make_unique<WebhookSink>();
    QVERIFY(m_sink->listen());
}

void TestReplayDialog::resignedReplayIsVerifiedByOpenssl()
{
    m_sink->setAnswer([](const SinkRequest &) { return SinkAnswer {202, "accepted by the sink", 0}; });
    ReplayDialog dialog(factory(*m_store));
    QAbstractItemModelTester resultsTester(dialog.results());
    dialog.setScopes(scopeOf({1, 2, 3}), 0);
    dialog.setSecrets({*SigningSecret::parse(TestSecretText)});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *target = child<QLineEdit>(&dialog, "target");
    QTest::keyClicks(target, QString::fromLatin1(m_sink->url()));
    QVERIFY(child<QRadioButton>(&dialog, "resign")->isChecked()); // signing now is the default
    QSignalSpy used(&dialog, &ReplayDialog::targetUsed);
    QSignalSpy finished(&dialog, &ReplayDialog::replayFinished);
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    QTest::mouseClick(child<QPushButton>(&dialog, "start"), Qt::LeftButton);
    QVERIFY2(finished.wait(15000), qPrintable(dialog.errorText()));
    QCOMPARE(used.size(), 1);
    QCOMPARE(used.first().first().toString(), QString::fromLatin1(m_sink->url()));

    const auto summary = finished.first().first().value<ReplaySummary>();
    QCOMPARE(summary.succeeded, 3);
    QCOMPARE(m_sink->requests().size(), qsizetype(3));
    QSet<QByteArray> ids;
    for (const SinkRequest &request : m_sink->requests()) {
        const QByteArray timestamp = request.header("svix-timestamp");
        QVERIFY(timestamp.toLongLong() >= before); // signed now, not with the stored 2025 timestamp
        QString why;
        QVERIFY2(opensslVerifies(TestSecretText, request.header("svix-id"), timestamp, request.body,
                                 request.header("svix-signature"), &why),
                 qPrintable(why));
        ids.insert(request.header("svix-id"));
    }
    QCOMPARE(ids, (QSet<QByteArray> {"msg_1", "msg_2", "msg_3"})); // ids kept unless asked

    // The results table and the selected request's answer.
    QCOMPARE(dialog.results()->rowCount(), 3);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(dialog.results()->index(row, ReplayResultsModel::Status).data().toString(),
                 QStringLiteral("202"));
    dialog.resultsView()->selectSourceRow(1);
    QVERIFY2(dialog.resultsView()->detailsText().startsWith(QStringLiteral("HTTP 202")),
             qPrintable(dialog.resultsView()->detailsText()));
    QVERIFY(dialog.resultsView()->detailsText().contains(QStringLiteral("accepted by the sink")));
    QVERIFY2(dialog.statusText().contains(QStringLiteral("3 succeeded")), qPrintable(dialog.statusText()));

    // The history tab lists the run, and its requests.
    dialog.showPage(ReplayDialog::HistoryPage);
    QTableWidget *runs = dialog.history()->runsTable();
    QTRY_COMPARE(runs->rowCount(), 1);
    QCOMPARE(runs->item(0, ReplayHistoryPage::Target)->text(), QString::fromLatin1(m_sink->url()));
    QCOMPARE(runs->item(0, ReplayHistoryPage::Succeeded)->data(Qt::DisplayRole).toInt(), 3);
    runs->selectRow(0);
    QTRY_COMPARE(dialog.history()->requests()->rowCount(), 3);
    QVERIFY(dialog.history()->requestsView()->detailsText().contains(QStringLiteral("accepted by the sink")));
}

void TestReplayDialog::typedSecretSignsAndIsNeverShown()
{
    ReplayDialog dialog(factory(*m_store));
    QAbstractItemModelTester resultsTester(dialog.results());
    dialog.setScopes(scopeOf({2}), 0);
    dialog.setSecrets({*SigningSecret::parse(TestSecretText)});
    dialog.setTarget(QString::fromLatin1(m_sink->url()));
    auto *choice = child<QComboBox>(&dialog, "secretChoice");
    QCOMPARE(choice->count(), 2); // the configured one, then "Another secret:"
    QVERIFY(!choice->itemText(0).contains(TestSecretText.mid(6, 8)));
    choice->setCurrentIndex(1);
    auto *typed = child<QLineEdit>(&dialog, "typedSecret");
    QCOMPARE(typed->echoMode(), QLineEdit::Password);
    typed->setText(OtherTestSecretText);
    QSignalSpy finished(&dialog, &ReplayDialog::replayFinished);
    QVERIFY2(dialog.start(), qPrintable(dialog.errorText()));
    QVERIFY(finished.wait(15000));
    QCOMPARE(m_sink->requests().size(), qsizetype(1));
    const SinkRequest &request = m_sink->requests().first();
    QString why;
    QVERIFY2(opensslVerifies(OtherTestSecretText, request.header("svix-id"), request.header("svix-timestamp"),
                             request.body, request.header("svix-signature"), &why),
             qPrintable(why));
    QVERIFY(!opensslVerifies(TestSecretText, request.header("svix-id"), request.header("svix-timestamp"),
                             request.body, request.header("svix-signature")));
    QVERIFY(!dialog.statusText().contains(OtherTestSecretText));
    QVERIFY(!dialog.resultsView()->detailsText().contains(OtherTestSecretText));
}

void TestReplayDialog::asReceivedSendsTheStoredHeaders()
{
    ReplayDialog dialog(factory(*m_store));
    QAbstractItemModelTester resultsTester(dialog.results());
    dialog.setScopes(scopeOf({4}), 0);
    dialog.setTarget(QString::fromLatin1(m_sink->url()));
    child<QRadioButton>(&dialog, "asReceived")->setChecked(true);
    QVERIFY(!child<QWidget>(&dialog, "newIds")->isEnabled()); // new ids need a signature
    QSignalSpy finished(&dialog, &ReplayDialog::replayFinished);
    QVERIFY2(dialog.start(), qPrintable(dialog.errorText()));
    QVERIFY(finished.wait(15000));
    QCOMPARE(m_sink->requests().size(), qsizetype(1));
    const SinkRequest &request = m_sink->requests().first();
    const DeliveryRecord stored = replayRecord(4);
    QCOMPARE(request.header("svix-id"), stored.msgId);
    QCOMPARE(request.header("svix-timestamp"), QByteArray::number(stored.timestampHeader));
    QCOMPARE(request.header("svix-signature"), stored.signature);
    QCOMPARE(request.body, stored.body);
}

void TestReplayDialog::badTargetsAreRefused_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("says");
    QTest::addRow("empty") << QString() << QStringLiteral("Enter the URL");
    QTest::addRow("ftp") << QStringLiteral("ftp://127.0.0.1/hook") << QStringLiteral("http:// or https://");
    QTest::addRow("relative") << QStringLiteral("/webhooks") << QStringLiteral("absolute URL");
    QTest::addRow("no host") << QStringLiteral("http://") << QStringLiteral("names no host");
    QTest::addRow("file") << QStringLiteral("file:///etc/passwd") << QStringLiteral("not file://");
}

void TestReplayDialog::badTargetsAreRefused()
{
    QFETCH(QString, target);
    QFETCH(QString, says);
    ReplayDialog dialog(factory(*m_store));
    QAbstractItemModelTester resultsTester(dialog.results());
    dialog.setScopes(scopeOf({1}), 0);
    dialog.setSecrets({*SigningSecret::parse(TestSecretText)});
    dialog.setTarget(target);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy used(&dialog, &ReplayDialog::targetUsed);
    QTest::mouseClick(child<QPushButton>(&dialog, "start"), Qt::LeftButton);
    QVERIFY(!dialog.isRunning());
    QVERIFY2(dialog.errorText().contains(says), qPrintable(dialog.errorText()));
    QVERIFY(child<QWidget>(&dialog, "error")->isVisible());
    QTRY_VERIFY(child<QLineEdit>(&dialog, "target")->hasFocus());
    QVERIFY(used.isEmpty());
    QVERIFY(m_sink->requests().isEmpty()); // nothing was started, so nothing can be on its way
}

void TestReplayDialog::badTypedSecretIsRefused()
{
    ReplayDialog dialog(factory(*m_store));
    QAbstractItemModelTester resultsTester(dialog.results());
    dialog.setScopes(scopeOf({1}), 0);
    dialog.setTarget(QString::fromLatin1(m_sink->url()));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    // No configured secret: the typed one is the only choice.
    QCOMPARE(child<QComboBox>(&dialog, "secretChoice")->count(), 1);
    QVERIFY(!dialog.start());
    QVERIFY2(dialog.errorText().contains(QStringLiteral("Type the secret")), qPrintable(dialog.errorText()));
    QTRY_VERIFY(child<QLineEdit>(&dialog, "typedSecret")->hasFocus()); // the cursor is where to type it
    const QString garbage = QStringLiteral("whsec_!!not-base64!!");
    child<QLineEdit>(&dialog, "typedSecret")->setText(garbage);
    QVERIFY(!dialog.start());
    QVERIFY2(dialog.errorText().contains(QStringLiteral("cannot be used")), qPrintable(dialog.errorText()));
    QVERIFY(!dialog.errorText().contains(garbage));
    QVERIFY(!dialog.isRunning());
}

void TestReplayDialog::cancelStopsTheRest()
{
    // Every answer takes a while, so most deliveries are still waiting when Cancel comes.
    m_sink->setAnswer([](const SinkRequest &) { return SinkAnswer {200, "ok", 1500}; });
    ReplayDialog dialog(factory(*m_store));
    QAbstractItemModelTester resultsTester(dialog.results());
    dialog.setScopes(scopeOf({1, 2, 3, 4, 5, 6}), 0);
    dialog.setSecrets({*SigningSecret::parse(TestSecretText)});
    dialog.setTarget(QString::fromLatin1(m_sink->url()));
    child<QSpinBox>(&dialog, "concurrency")->setValue(1);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy received(m_sink.get(), &WebhookSink::received);
    QSignalSpy finished(&dialog, &ReplayDialog::replayFinished);
    QVERIFY(dialog.start());
    auto *cancel = child<QPushButton>(&dialog, "cancel");
    auto *start = child<QPushButton>(&dialog, "start");
    QVERIFY(received.wait(10000));
    QVERIFY(cancel->isEnabled());
    QVERIFY(!start->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    const auto summary = finished.first().first().value<ReplaySummary>();
    QCOMPARE(summary.succeeded + summary.failed + summary.cancelled, 6);
    QVERIFY2(summary.cancelled >= 5, qPrintable(QString::number(summary.cancelled)));
    QVERIFY(m_sink->requests().size() < 6);
    QCOMPARE(dialog.results()->rowCount(), 6);
    int shownCancelled = 0;
    for (int row = 0; row < 6; ++row)
        shownCancelled += dialog.results()->index(row, ReplayResultsModel::Status).data().toString()
            == QStringLiteral("cancelled");
    QCOMPARE(shownCancelled, summary.cancelled);
    QVERIFY(!dialog.isRunning());
    QVERIFY(start->isEnabled());
    QVERIFY(!cancel->isEnabled());
    QVERIFY2(dialog.statusText().contains(QStringLiteral("cancelled")), qPrintable(dialog.statusText()));
}

QTEST_MAIN(TestReplayDialog)
#include "tst_replaydialog.moc"
