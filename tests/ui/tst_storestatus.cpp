// SPDX-License-Identifier: GPL-3.0-or-later
// ui/statusbar/storestatus.*: what the status bar says about the deliveries on show, from the
// load to the newest arrival; never "New store" once deliveries are there.
#include "statusbar/storestatus.h"

#include <QTest>
#include <QTimeZone>

using namespace mm;

Q_DECLARE_METATYPE(mm::StoreStatus)

class TestStoreStatus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void text_data();
    void text();
    void toolTipKeepsTheLoad();
};

void TestStoreStatus::text_data()
{
    QTest::addColumn<StoreStatus>("status");
    QTest::addColumn<QString>("expected");

    const qint64 today
        = QDateTime(QDate(2026, 12, 7), QTime(4, 23, 2), QTimeZone::utc()).toMSecsSinceEpoch() * 1000;
    const qint64 yesterday
        = QDateTime(QDate(2026, 12, 6), QTime(23, 59, 30), QTimeZone::utc()).toMSecsSinceEpoch() * 1000;

    QTest::addRow("loading") << StoreStatus {} << QStringLiteral("Loading stored deliveries…");
    QTest::addRow("empty store") << StoreStatus {true, 0, 3, 0, 0, false}
                                 << QStringLiteral("No deliveries yet: they appear here as they arrive");
    QTest::addRow("loaded") << StoreStatus {true, 12345, 80, 12345, today, false}
                            << QStringLiteral("12,345 stored deliveries loaded in 80 ms");
    QTest::addRow("first arrival in a new store")
        << StoreStatus {true, 0, 3, 1, today, true} << QStringLiteral("1 delivery · newest 04:23:02");
    QTest::addRow("arrivals after a load") << StoreStatus {true, 12345, 80, 12351, today, true}
                                           << QStringLiteral("12,351 deliveries · newest 04:23:02");
    QTest::addRow("newest from another day") << StoreStatus {true, 5, 1, 6, yesterday, true}
                                             << QStringLiteral("6 deliveries · newest 2026-12-06 23:59");
    QTest::addRow("loaded under a memory cap")
        << StoreStatus {true, 90000, 700, 90000, today, false, 4320000}
        << QStringLiteral("90,000 of 4,320,000 stored deliveries loaded in 700 ms");
    QTest::addRow("arrivals under a memory cap")
        << StoreStatus {true, 90000, 700, 90012, today, true, 4320012}
        << QStringLiteral("4,320,012 deliveries, 90,012 in memory · newest 04:23:02");
    QTest::addRow("everything back in memory")
        << StoreStatus {true, 5, 1, 6, today, true, 6} << QStringLiteral("6 deliveries · newest 04:23:02");
    QTest::addRow("all trimmed away") << StoreStatus {true, 5, 1, 0, 0, true}
                                      << QStringLiteral("No deliveries yet: they appear here as they arrive");
}

void TestStoreStatus::text()
{
    QFETCH(StoreStatus, status);
    QFETCH(QString, expected);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    const QDateTime now(QDate(2026, 12, 7), QTime(4, 30, 0), QTimeZone::utc());
    QCOMPARE(storeStatusText(status, now), expected);
}

void TestStoreStatus::toolTipKeepsTheLoad()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(storeStatusToolTip(StoreStatus {}).isEmpty());
    QCOMPARE(storeStatusToolTip(StoreStatus {true, 12345, 80, 12351, 1, true}),
             QStringLiteral("At start-up 12,345 stored deliveries were loaded in 80 ms"));
}

QTEST_GUILESS_MAIN(TestStoreStatus)
#include "tst_storestatus.moc"
