// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ui/settings/alertspage: the Alerts tab shows and returns the alert settings, and
// muting a migration from the keyboard works.
#include "settings/alertspage.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>
#include <QTimeEdit>

using namespace mm;

class TestAlertsPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void roundTrip();
    void muteAndUnmute();
};

void TestAlertsPage::defaults()
{
    AlertsPage page;
    QCOMPARE(page.settings(), AlertSettings());
    QVERIFY(!page.findChild<QTimeEdit *>(QStringLiteral("quietStart"))->isEnabled());
    // Quiet migrations alert only when asked (Anon sends no heartbeats); any other failure
    // type alerts unless turned off.
    auto *quiet = page.findChild<QCheckBox *>(QStringLiteral("alertQuiet"));
    auto *others = page.findChild<QCheckBox *>(QStringLiteral("alertOtherFailures"));
    QVERIFY(quiet && others);
    QVERIFY(!quiet->isChecked());
    QVERIFY(others->isChecked());
    QVERIFY2(quiet->text().contains(QStringLiteral("&quiet")), qPrintable(quiet->text()));
    QVERIFY2(others->text().contains(QStringLiteral(".failed or .rejected")), qPrintable(others->text()));
    quiet->setChecked(true);
    others->setChecked(false);
    QVERIFY(page.settings().quietMigrations);
    QVERIFY(!page.settings().otherFailures);
}

void TestAlertsPage::roundTrip()
{
    AlertSettings s;
    s.taskFailed = false;
    s.rejections = false;
    s.quietMigrations = true;
    s.otherFailures = false;
    s.quietHours = true;
    s.quietStartMinute = 21 * 60 + 30;
    s.quietEndMinute = 6 * 60 + 15;
    s.mutedMigrations = {QStringLiteral("mig_a"), QStringLiteral("mig_b")};
    AlertsPage page;
    page.setSettings(s);
    QCOMPARE(page.settings(), s);
    QVERIFY(!page.findChild<QCheckBox *>(QStringLiteral("alertTaskFailed"))->isChecked());
    QVERIFY(page.findChild<QTimeEdit *>(QStringLiteral("quietEnd"))->isEnabled());
    // Unticking quiet hours turns the times off, and the setting with them.
    page.findChild<QCheckBox *>(QStringLiteral("quietHours"))->setChecked(false);
    QVERIFY(!page.findChild<QTimeEdit *>(QStringLiteral("quietEnd"))->isEnabled());
    QVERIFY(!page.settings().quietHours);
}

void TestAlertsPage::muteAndUnmute()
{
    AlertsPage page;
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto *list = page.findChild<QListWidget *>(QStringLiteral("mutedMigrations"));
    auto *input = page.findChild<QLineEdit *>(QStringLiteral("muteInput"));
    auto *unmute = page.findChild<QPushButton *>(QStringLiteral("unmute"));
    QVERIFY(list && input && unmute);
    QVERIFY(list->isHidden()); // the empty state shows instead
    input->setFocus();
    QTest::keyClicks(input, QStringLiteral(" mig_noisy "));
    QTest::keyClick(input, Qt::Key_Return);
    QVERIFY(input->text().isEmpty());
    QCOMPARE(page.settings().mutedMigrations, QStringList {QStringLiteral("mig_noisy")});
    QVERIFY(!list->isHidden());
    // The same id twice is kept once.
    QTest::keyClicks(input, QStringLiteral("mig_noisy"));
    QTest::keyClick(input, Qt::Key_Enter);
    QCOMPARE(list->count(), 1);
    QVERIFY(!unmute->isEnabled());
    list->setCurrentRow(0);
    QVERIFY(unmute->isEnabled());
    unmute->click();
    QVERIFY(page.settings().mutedMigrations.isEmpty());
    QVERIFY(list->isHidden());
}

QTEST_MAIN(TestAlertsPage)
#include "tst_alertspage.moc"
