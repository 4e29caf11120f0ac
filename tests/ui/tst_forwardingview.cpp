// SPDX-License-Identifier: GPL-3.0-or-later
// The Forwarding tab over a real forwarder: deliveries stored while forwarding is on reach a
// loopback sink re-signed (the openssl command line verifies them) and show up as rows with
// their state; a failing downstream shows as failing, and "Retry now" sends them again.
#include "eventlog/followview.h"
#include "forwarding/forwardingview.h"
#include "model/forwardlogmodel.h"
#include "replay/forwarder.h"
#include "replaytestdata.h"
#include "store/store.h"
#include "webhooksink.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;
using namespace mm::test;

namespace {
// The store, the forwarder and the view wired as app/guiforwarding.cpp wires them.
struct Rig
{
    QTemporaryDir dir;
    WebhookSink sink;
    std::unique_ptr<Store> store;
    std::unique_ptr<Forwarder> forwarder;
    ForwardLogModel log;
    ForwardingView view;

    bool start(QString *error, std::chrono::milliseconds retryBase = std::chrono::milliseconds(200))
    {
        if (!dir.isValid() || !sink.listen())
            return false;
        store = std::make_unique<Store>(Store::Options {dir.path(), Durability::Power, 10000, false});
        if (!store->start(error))
            return false;
        store->writer().setForwarding({QString::fromLatin1(sink.url()), true});
        Forwarder::Options options;
        options.store = store.get();
        options.secret = SigningSecret::parse(TestSecretText);
        options.retryBase = retryBase;
        options.retryCap = std::chrono::minutes(5);
        forwarder = std::make_unique<Forwarder>(options);
        QObject::connect(forwarder.get(), &Forwarder::entryUpdated, &log, &ForwardLogModel::update);
        QObject::connect(forwarder.get(), &Forwarder::recentLoaded, &log, &ForwardLogModel::setEntries);
        QObject::connect(&store->writer(), &StoreWriter::deliveriesCommitted, forwarder.get(),
                         &Forwarder::wake);
        QObject::connect(&view, &ForwardingView::retryRequested, forwarder.get(), &Forwarder::retryNow);
        forwarder->start();
        forwarder->loadRecent(ForwardLogModel::MaxRows);
        view.setModel(&log);
        view.setState(
            QStringLiteral("Forwarding every new delivery to %1").arg(QString::fromLatin1(sink.url())));
        return true;
    }
    ~Rig()
    {
        if (forwarder)
            forwarder->stop();
        if (store)
            store->stop();
    }
};

QString stateOf(const ForwardLogModel &log, int row)
{
    return log.index(row, ForwardLogModel::State).data().toString();
}
} // namespace

class TestForwardingView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void offSaysHowToTurnItOn();
    void forwardedDeliveriesShowAsRows();
    void failingDownstreamShowsAndRetries();
};

void TestForwardingView::offSaysHowToTurnItOn()
{
    ForwardingView view;
    ForwardLogModel log;
    view.setModel(&log);
    QVERIFY2(view.stateText().contains(QStringLiteral("Forwarding is off")), qPrintable(view.stateText()));
    QVERIFY(view.stateText().contains(QStringLiteral("--forward-to")));
    QVERIFY(!view.findChild<QPushButton *>(QStringLiteral("retryNow"))->isEnabled());
    QSignalSpy settings(&view, &ForwardingView::settingsRequested);
    Q_EMIT view.findChild<QLabel *>(QStringLiteral("forwardState"))
        ->linkActivated(QStringLiteral("settings"));
    QCOMPARE(settings.size(), 1);
}

void TestForwardingView::forwardedDeliveriesShowAsRows()
{
    Rig rig;
    QString error;
    QVERIFY2(rig.start(&error), qPrintable(error));
    QAbstractItemModelTester tester(&rig.log);
    rig.view.resize(1000, 400);
    rig.view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&rig.view));
    for (int n = 1; n <= 3; ++n)
        rig.store->writer().submit(quint64(n), replayRecord(n));

    QTRY_COMPARE_WITH_TIMEOUT(rig.sink.requests().size(), qsizetype(3), 15000);
    for (const SinkRequest &request : rig.sink.requests()) {
        QString why;
        QVERIFY2(opensslVerifies(TestSecretText, request.header("svix-id"), request.header("svix-timestamp"),
                                 request.body, request.header("svix-signature"), &why),
                 qPrintable(why));
    }
    QTRY_COMPARE_WITH_TIMEOUT(rig.view.table()->model()->rowCount(), 3, 10000);
    for (int row = 0; row < 3; ++row)
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(rig.log, row), QStringLiteral("delivered"), 10000);
    QCOMPARE(rig.log.index(0, ForwardLogModel::MessageId).data().toString(), QStringLiteral("msg_1"));
    QCOMPARE(rig.log.index(2, ForwardLogModel::LastStatus).data().toInt(), 200);
    QCOMPARE(rig.view.countsText(), QStringLiteral("0 pending (0 failing) · 0 failed"));
    QVERIFY(rig.view.stateText().contains(QString::fromLatin1(rig.sink.url())));
}

void TestForwardingView::failingDownstreamShowsAndRetries()
{
    Rig rig;
    bool down = true;
    rig.sink.setAnswer([&down](const SinkRequest &) {
        return down ? SinkAnswer {503, "maintenance", 0} : SinkAnswer {200, "ok", 0};
    });
    QString error;
    // The next try is a minute away: only "Retry now" can deliver it within this test.
    QVERIFY2(rig.start(&error, std::chrono::minutes(1)), qPrintable(error));
    rig.store->writer().submit(1, replayRecord(1));
    QTRY_COMPARE_WITH_TIMEOUT(rig.log.rowCount(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(rig.log, 0), QStringLiteral("retrying"), 10000);
    QCOMPARE(rig.log.index(0, ForwardLogModel::LastStatus).data().toInt(), 503);
    QCOMPARE(rig.view.countsText(), QStringLiteral("1 pending (1 failing) · 0 failed"));
    auto *retry = rig.view.findChild<QPushButton *>(QStringLiteral("retryNow"));
    QVERIFY(retry->isEnabled());

    // The downstream is back: "Retry now" delivers it without waiting for the backoff.
    down = false;
    const qsizetype triesSoFar = rig.sink.requests().size();
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(rig.log, 0), QStringLiteral("delivered"), 10000);
    QVERIFY(rig.sink.requests().size() > triesSoFar);
    QCOMPARE(rig.view.countsText(), QStringLiteral("0 pending (0 failing) · 0 failed"));
    QVERIFY(!retry->isEnabled());
}

QTEST_MAIN(TestForwardingView)
#include "tst_forwardingview.moc"
