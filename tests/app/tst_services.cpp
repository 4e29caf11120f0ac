// SPDX-License-Identifier: GPL-3.0-or-later
// Services: what the window and headless mode both run, built and stopped in one order.
#include "options.h"
#include "services.h"
#include "store/storereader.h"
#include "store/storewriter.h"
#include "testhttp.h"
#include "testsecret.h"
#include "webhooksink.h"

#include <QDateTime>
#include <QFile>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

namespace {
ReceiverConfig loopbackConfig()
{
    AppOptions o;
    o.address = QHostAddress(QHostAddress::LocalHost);
    o.port = 0;
    o.secretTexts = {test::TestSecretText};
    QString error;
    const auto config = receiverConfig(o, &error);
    if (!config)
        qFatal("receiverConfig: %s", qPrintable(error));
    return *config;
}
} // namespace

class TestServices final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retentionDeletionsAreReportedOnTheOwnersThread()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Services services(Store::Options {dir.path()}, RetentionPolicy {});
        QSignalSpy deleted(&services, &Services::retentionDeleted);
        QString error;
        QVERIFY2(services.startStore(&error), qPrintable(error));
        QVERIFY2(services.startReceiver(loopbackConfig(), &error), qPrintable(error));
        const auto secret = SigningSecret::parse(test::TestSecretText);
        QVERIFY(secret);
        test::RawClient client(quint16(services.receiver().url().port()));
        QVERIFY(client.connected());
        const test::HttpResponse answer = client.roundTrip(test::signedRequest(
            *secret, "msg_services_retention", test::envelope("evt_r", "migration.started", "mig_r")));
        QCOMPARE(answer.status, 200);
        qint64 stored = 0;
        {
            StoreReader reader(services.store());
            QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
            reader.loadFacts([&stored](QList<EventFacts> &&facts) { stored = facts.constLast().rowId; });
        }
        QVERIFY(stored > 0);

        // Anything older than a microsecond: the delivery goes at once, and the owner hears its id.
        RetentionPolicy policy;
        policy.maxAgeUs = 1;
        services.retention().setPolicy(policy);
        QVERIFY(deleted.wait(10000));
        QCOMPARE(deleted.first().first().value<QList<qint64>>(), QList<qint64> {stored});
        services.stop();
    }

    void aViewerHearsAnotherProcesssRetention()
    {
        // --view-only on SQLite: a headless receiver elsewhere writes the store and runs retention.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Store receiver(Store::Options {dir.path()});
        QString error;
        QVERIFY2(receiver.start(&error), qPrintable(error));
        Store::Connection writer(receiver, u"test-write", &error);
        QVERIFY2(writer.isOpen(), qPrintable(error));
        QSqlQuery q(writer.db());
        for (int i = 0; i < 4; ++i) {
            // Three from long ago, one now.
            QVERIFY2(q.exec(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body) "
                                           "VALUES('msg_viewer_%1', %2, 0, x'7b7d')")
                                .arg(i)
                                .arg(i < 3 ? 1 : QDateTime::currentMSecsSinceEpoch() * 1000)),
                     qPrintable(q.lastError().text()));
        }

        Services viewer(Store::Options {dir.path()}, RetentionPolicy {});
        QSignalSpy deleted(&viewer, &Services::retentionDeleted);
        QSignalSpy missed(&viewer, &Services::deletionsMissed);
        QVERIFY2(viewer.startStore(&error, nullptr, Services::Role::Viewer), qPrintable(error));
        viewer.startFeed();
        QVERIFY(viewer.watchesStore());
        viewer.watchAfter(4); // the window loaded the four

        Retention retention(writer.db().connectionName());
        retention.setPolicy({1, 0});
        QList<qint64> reported;
        QVERIFY(retention.run({}, [&reported](const QList<qint64> &ids) { reported += ids; }).complete);
        QCOMPARE(reported, (QList<qint64> {1, 2, 3}));
        auto named = [&deleted] {
            QList<qint64> out;
            for (const QList<QVariant> &call : std::as_const(deleted))
                out += call.first().value<QList<qint64>>();
            return out;
        };
        QTRY_COMPARE(named(), reported);
        QCOMPARE(missed.size(), 0);

        // Entries pruned before the watch read them (here in one transaction, as a day of
        // retention would): the owner is told to reload.
        QVERIFY(writer.db().transaction());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO deleted_deliveries(delivery_id, deleted_us) "
                                      "VALUES (1001, 0), (1002, 0), (1003, 0)")));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM deleted_deliveries WHERE seq < 6")));
        QVERIFY(writer.db().commit());
        QVERIFY(missed.wait(5000));
        QCOMPARE(named(), (QList<qint64> {1, 2, 3, 1003}));
        q = QSqlQuery();
        viewer.stop();
        receiver.stop();
    }

    void receivesStoresAndForwardsThenStopsInOrder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        test::WebhookSink sink;
        QVERIFY(sink.listen());
        Services services(Store::Options {dir.path()}, RetentionPolicy {});
        QSignalSpy forwarderChanged(&services, &Services::forwarderChanged);
        QString error;
        QVERIFY2(services.startStore(&error), qPrintable(error));
        services.applyForwarding({QString::fromLatin1(sink.url()), std::nullopt, false});
        QVERIFY(services.forwarder());
        QCOMPARE(forwarderChanged.size(), 1);
        QVERIFY2(services.startReceiver(loopbackConfig(), &error), qPrintable(error));
        QVERIFY(services.receiver().isRunning());

        const auto secret = SigningSecret::parse(test::TestSecretText);
        QVERIFY(secret);
        const QByteArray body = test::envelope("evt_1", "migration.started", "mig_1");
        test::RawClient client(quint16(services.receiver().url().port()));
        QVERIFY(client.connected());
        const test::HttpResponse answer
            = client.roundTrip(test::signedRequest(*secret, "msg_services_1", body));
        QCOMPARE(answer.status, 200);

        // Stored before the answer, and forwarded byte for byte from the store.
        {
            StoreReader reader(services.store());
            QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
            QCOMPARE(reader.deliveryCount(), qint64(1));
        }
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 1, 10000);
        QCOMPARE(sink.requests().first().body, body);

        // Forwarding off: the forwarder goes, and whoever showed its log is told.
        services.applyForwarding({});
        QVERIFY(!services.forwarder());
        QCOMPARE(forwarderChanged.size(), 2);
        QCOMPARE(forwarderChanged.last().first().value<Forwarder *>(), nullptr);

        services.stop();
        QVERIFY(!services.receiver().isRunning());
        services.stop(); // idempotent
    }

    void aStoreThatCannotOpenIsRefused()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("a-file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        Services services(Store::Options {file.fileName()}, RetentionPolicy {});
        QString error;
        QVERIFY(!services.startStore(&error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestServices)
#include "tst_services.moc"
