// SPDX-License-Identifier: GPL-3.0-or-later
#include "filterbar/filterbar.h"

#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using namespace mm;

class TestFilterBar final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typingEmitsState();
    void combosEmitTypeAndStatus();
    void setStateRoundTripsWithOneSignal();
    void unknownSavedValuesFallBackToAll();
    void stateMapsToModelFilters();
};

void TestFilterBar::typingEmitsState()
{
    FilterBar bar;
    QSignalSpy changed(&bar, &FilterBar::changed);
    auto *text = bar.findChildren<QLineEdit *>().at(0);
    QTest::keyClicks(text, QStringLiteral("acme"));
    QCOMPARE(changed.size(), 4);
    QCOMPARE(changed.last().at(0).value<FilterState>().text, QStringLiteral("acme"));
}

void TestFilterBar::combosEmitTypeAndStatus()
{
    FilterBar bar;
    QSignalSpy changed(&bar, &FilterBar::changed);
    const QList<QComboBox *> combos = bar.findChildren<QComboBox *>();
    QCOMPARE(combos.size(), 2);
    combos[0]->setCurrentIndex(combos[0]->findData(QStringLiteral("migration_task.failed")));
    combos[1]->setCurrentIndex(combos[1]->findData(QStringLiteral("FAILED")));
    QCOMPARE(changed.size(), 2);
    const FilterState s = bar.state();
    QCOMPARE(s.type, QStringLiteral("migration_task.failed"));
    QCOMPARE(s.status, QStringLiteral("FAILED"));
}

void TestFilterBar::setStateRoundTripsWithOneSignal()
{
    FilterBar bar;
    QSignalSpy changed(&bar, &FilterBar::changed);
    const FilterState want {QStringLiteral("timeout"), QStringLiteral("migration.failed"),
                            QStringLiteral("COMPLETED_WITH_FAILURES"), QStringLiteral("mig_2")};
    bar.setState(want);
    QCOMPARE(changed.size(), 1);
    QVERIFY(bar.state() == want);
    bar.setState(want);
    QCOMPARE(changed.size(), 1); // nothing changed, nothing emitted
    bar.setState({});
    QVERIFY(bar.state() == FilterState {});
    QCOMPARE(changed.size(), 2);
}

void TestFilterBar::unknownSavedValuesFallBackToAll()
{
    FilterBar bar;
    bar.setState({QString(), QStringLiteral("no.such.type"), QStringLiteral("BOGUS"), QString()});
    QCOMPARE(bar.state().type, QString());
    QCOMPARE(bar.state().status, QString());
}

void TestFilterBar::stateMapsToModelFilters()
{
    const FilterState s {QStringLiteral("acme"), QStringLiteral("migration.failed"), QStringLiteral("FAILED"),
                         QStringLiteral(" mig_1 ")};
    const EventFilter e = s.eventFilter();
    QCOMPARE(e.text, QStringLiteral("acme"));
    QCOMPARE(e.types, QSet<QString> {QStringLiteral("migration.failed")});
    QCOMPARE(e.statuses, QSet<MigrationStatus> {MigrationStatus::Failed});
    QCOMPARE(e.migration, QStringLiteral("mig_1"));
    const MigrationFilter m = s.migrationFilter();
    QCOMPARE(m.text, QStringLiteral("mig_1"));
    QCOMPARE(m.statuses, QSet<MigrationStatus> {MigrationStatus::Failed});
    QVERIFY(FilterState {}.eventFilter().isEmpty());
    QVERIFY(FilterState {}.migrationFilter().isEmpty());
}

QTEST_MAIN(TestFilterBar)
#include "tst_filterbar.moc"
