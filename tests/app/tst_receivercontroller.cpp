// SPDX-License-Identifier: GPL-3.0-or-later
// app/receivercontroller: re-binding the real receiver on loopback, back to the previous
// settings when the new ones cannot be bound.
#include "receiver/receiverhost.h"
#include "receivercontroller.h"
#include "store/store.h"
#include "store/storewriter.h"
#include "testhttp.h"

#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

namespace {
// A port nothing listens on just now.
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        qFatal("no free loopback port");
    return probe.serverPort();
}

AppOptions on(quint16 port)
{
    AppOptions o;
    o.address = QHostAddress(QHostAddress::LocalHost);
    o.port = port;
    return o;
}

// Whether the receiver answers a GET on its webhook path (with 405: only POST is taken).
bool answers(quint16 port)
{
    test::RawClient client(port);
    if (!client.connected())
        return false;
    client.send("GET /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    return client.read().status != 0;
}
} // namespace

class TestReceiverController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rebindRollsBackWhenThePortIsTaken()
    {
        QTemporaryDir dir;
        Store stored(Store::Options {dir.path(), Durability::Power, 10000, false});
        StoreWriter &store = stored.writer();
        QString error;
        QVERIFY2(store.start(&error), qPrintable(error));
        ReceiverHost receiver;
        const quint16 first = freePort();
        const auto config = receiverConfig(on(first), &error);
        QVERIFY2(config, qPrintable(error));
        QVERIFY2(receiver.start(*config, &store, &error), qPrintable(error));
        ReceiverController controller(&receiver, &store, on(first));
        QVERIFY(answers(first));
        QVERIFY(!controller.needsRebind(on(first)));

        // Another program holds the new port: the receiver goes back to the old one.
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        QVERIFY(controller.needsRebind(on(taken.serverPort())));
        const QString problem = controller.rebind(on(taken.serverPort()));
        QVERIFY2(problem.contains(QLatin1String("Still listening")), qPrintable(problem));
        QVERIFY(receiver.isRunning());
        QCOMPARE(receiver.url().port(), int(first));
        QCOMPARE(controller.current().port, std::optional<quint16>(first));
        QVERIFY(answers(first));

        // A free one works.
        const quint16 second = freePort();
        QCOMPARE(controller.rebind(on(second)), QString());
        QCOMPARE(receiver.url().port(), int(second));
        QCOMPARE(controller.current().port, std::optional<quint16>(second));
        QVERIFY(answers(second));
        QVERIFY(!answers(first));
        receiver.stop();
        store.stop();
    }

    void settingsThatCannotBeUsedLeaveItListening()
    {
        QTemporaryDir dir;
        Store stored(Store::Options {dir.path(), Durability::Power, 10000, false});
        StoreWriter &store = stored.writer();
        QString error;
        QVERIFY2(store.start(&error), qPrintable(error));
        ReceiverHost receiver;
        AppOptions start = on(0); // the system picks the port
        QVERIFY(receiver.start(*receiverConfig(start, &error), &store, &error));
        const int port = receiver.url().port();
        ReceiverController controller(&receiver, &store, start);
        AppOptions broken = on(freePort());
        broken.tlsCert = dir.filePath(QStringLiteral("missing-cert.pem"));
        broken.tlsKey = dir.filePath(QStringLiteral("missing-key.pem"));
        const QString problem = controller.rebind(broken);
        QVERIFY2(problem.contains(QLatin1String("cannot be used")), qPrintable(problem));
        QCOMPARE(receiver.url().port(), port);
        QVERIFY(answers(quint16(port)));
        receiver.stop();
        store.stop();
    }
};

QTEST_GUILESS_MAIN(TestReceiverController)
#include "tst_receivercontroller.moc"
