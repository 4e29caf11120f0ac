// SPDX-License-Identifier: GPL-3.0-or-later
// ConnectionCheck: what the receiver's log says about the connection from Svix.
#include "receiver/connectioncheck.h"

#include <QTest>

using namespace mm;

namespace {
DeliveryLogEntry entry(int status, const char *type, const char *remote = "203.0.113.7")
{
    DeliveryLogEntry e;
    e.atUs = 1'750'207'840'301'173LL;
    e.status = status;
    e.type = QString::fromLatin1(type);
    e.remote = QString::fromLatin1(remote);
    return e;
}
} // namespace

class TestConnectionCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aVerifiedPingSaysTheConnectionWorks()
    {
        const auto n
            = ConnectionCheck::noticeFor({entry(200, "migration.started"), entry(200, "svix.ping")}, true);
        QCOMPARE(n.kind, ConnectionCheck::Kind::PingAccepted);
        QVERIFY2(n.text.contains(QLatin1String("the connection works")), qPrintable(n.text));
        QVERIFY(n.text.contains(QLatin1String("203.0.113.7")));
    }

    void otherDeliveriesSayNothing()
    {
        QCOMPARE(ConnectionCheck::noticeFor({entry(200, "migration.started")}, true).kind,
                 ConnectionCheck::Kind::None);
        // A refused ping (a wrong secret) is the rejections view's business, not "works".
        QCOMPARE(ConnectionCheck::noticeFor({entry(401, "svix.ping")}, true).kind,
                 ConnectionCheck::Kind::None);
        QCOMPARE(ConnectionCheck::noticeFor({entry(503, "svix.ping")}, true).kind,
                 ConnectionCheck::Kind::None);
        QCOMPARE(ConnectionCheck::noticeFor({}, false).kind, ConnectionCheck::Kind::None);
    }

    // Before a secret is set every delivery is refused, but its arrival proves the tunnel.
    void anyDeliveryBeforeASecretProvesTheTunnel()
    {
        const auto n = ConnectionCheck::noticeFor({entry(401, "")}, false);
        QCOMPARE(n.kind, ConnectionCheck::Kind::ReachedWithoutSecret);
        QVERIFY2(n.text.contains(QLatin1String("tunnel works")), qPrintable(n.text));
        QVERIFY(n.text.contains(QLatin1String("signing secret")));
    }

    // The newest entry that says something wins.
    void theNewestSays()
    {
        QCOMPARE(ConnectionCheck::noticeFor({entry(200, "svix.ping"), entry(401, "")}, false).kind,
                 ConnectionCheck::Kind::ReachedWithoutSecret);
        QCOMPARE(ConnectionCheck::noticeFor({entry(401, ""), entry(200, "svix.ping")}, false).kind,
                 ConnectionCheck::Kind::PingAccepted);
    }
};

QTEST_GUILESS_MAIN(TestConnectionCheck)
#include "tst_connectioncheck.moc"
