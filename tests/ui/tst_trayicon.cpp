// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ui/tray/trayicon.*: the drawn icons, the menu and the window toggling. The
// offscreen platform has no tray, so the icon is never docked here (tst_tray does that).
#include "tray/trayicon.h"

#include <QAction>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QWidget>

using mm::EventFacts;
using mm::TrayIcon;

namespace {
EventFacts failure(const QString &type = QStringLiteral("migration.failed"))
{
    EventFacts f;
    f.type = type;
    f.status = QStringLiteral("FAILED");
    f.migrationId = QStringLiteral("mig_1");
    return f;
}

struct Colours
{
    int red = 0;
    int blue = 0;
    int grey = 0;
};

Colours colours(const QPixmap &pixmap)
{
    Colours c;
    const QImage image = pixmap.toImage().convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor p = image.pixelColor(x, y);
            if (p.alpha() < 200)
                continue;
            if (p.red() > 170 && p.green() < 90 && p.blue() < 90)
                ++c.red;
            else if (p.blue() > 150 && p.red() < 100)
                ++c.blue;
            else if (qAbs(p.red() - p.blue()) < 20 && p.red() > 100 && p.red() < 180)
                ++c.grey;
        }
    }
    return c;
}
} // namespace

class TestTrayIcon : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void iconSizes();
    void iconShowsState_data();
    void iconShowsState();
    void pauseFromMenu();
    void toggleWindowAndClearOnShow();
    void failuresWhileHiddenChangeIcon();
};

void TestTrayIcon::iconSizes()
{
    const QIcon icon = TrayIcon::drawIcon(true, 3);
    const QList<QSize> sizes = icon.availableSizes();
    for (int s : {16, 22, 24, 32, 48, 64})
        QVERIFY2(sizes.contains(QSize(s, s)), qPrintable(QString::number(s)));
}

void TestTrayIcon::iconShowsState_data()
{
    QTest::addColumn<int>("size");
    for (int s : {16, 24, 64})
        QTest::addRow("%d px", s) << s;
}

void TestTrayIcon::iconShowsState()
{
    QFETCH(int, size);
    const Colours well = colours(TrayIcon::drawPixmap(size, true, QString()));
    QVERIFY(well.blue > size * size / 4);
    QCOMPARE(well.red, 0);

    const Colours failing = colours(TrayIcon::drawPixmap(size, true, QStringLiteral("12")));
    QVERIFY2(failing.red > size * size / 10, qPrintable(QString::number(failing.red)));
    QVERIFY(failing.blue > 0);

    const Colours down = colours(TrayIcon::drawPixmap(size, false, QString()));
    QCOMPARE(down.blue, 0);
    QCOMPARE(down.red, 0);
    QVERIFY(down.grey > size * size / 4);
}

void TestTrayIcon::pauseFromMenu()
{
    TrayIcon tray(nullptr);
    QSignalSpy requested(&tray, &TrayIcon::pauseAlertsRequested);
    QAction *pause = tray.pauseAction();
    QVERIFY(pause->isCheckable());
    QVERIFY(!pause->isChecked());
    QVERIFY(tray.menu()->actions().contains(pause));

    const QDateTime before = QDateTime::currentDateTime();
    pause->trigger();
    QCOMPARE(requested.size(), 1);
    const QDateTime until = requested.at(0).at(0).toDateTime();
    QVERIFY(until >= before.addSecs(TrayIcon::PauseSeconds));
    QVERIFY(until <= QDateTime::currentDateTime().addSecs(TrayIcon::PauseSeconds));
    QVERIFY(pause->isChecked());
    QVERIFY2(pause->text().contains(QLatin1String("paused until")), qPrintable(pause->text()));
    QVERIFY(tray.toolTip().contains(QLatin1String("Alerts paused until")));

    // Unchecking resumes: the signal carries an invalid time.
    pause->trigger();
    QCOMPARE(requested.size(), 2);
    QVERIFY(!requested.at(1).at(0).toDateTime().isValid());
    QVERIFY(!pause->isChecked());
    QVERIFY(!tray.toolTip().contains(QLatin1String("paused")));

    // A pause decided elsewhere is shown without being echoed back.
    tray.setAlertsPausedUntil(QDateTime::currentDateTime().addSecs(600));
    QVERIFY(pause->isChecked());
    QCOMPARE(requested.size(), 2);
    tray.setAlertsPausedUntil(QDateTime::currentDateTime().addSecs(-1)); // already over
    QVERIFY(!pause->isChecked());

    QVERIFY(!tray.openDataAction()->isEnabled());
    tray.setStoreLocation(QUrl::fromLocalFile(QStringLiteral("/tmp/mm")));
    QVERIFY(tray.openDataAction()->isEnabled());
}

void TestTrayIcon::toggleWindowAndClearOnShow()
{
    QWidget window;
    TrayIcon tray(&window);
    tray.setListener(true, QUrl(QStringLiteral("http://127.0.0.1:8787/webhooks")));
    QVERIFY(tray.toolTip().contains(QLatin1String("http://127.0.0.1:8787/webhooks")));

    tray.noteDeliveries({failure()});
    QCOMPARE(tray.health().unseen().total(), 1); // never shown, so unattended
    tray.toggleWindow();
    QVERIFY(window.isVisible());
    QCOMPARE(tray.health().unseen().total(), 0); // asking for the window is seeing it
    QTRY_VERIFY(window.isActiveWindow());
    QVERIFY(tray.health().isAttended());
    tray.noteDeliveries({failure()});
    QCOMPARE(tray.health().unseen().total(), 0); // seen as it arrives

    tray.toggleWindow();
    QVERIFY(!window.isVisible());
    QVERIFY(!tray.health().isAttended());
    tray.noteDeliveries({failure(QStringLiteral("migration_task.failed"))});
    QCOMPARE(tray.health().unseen().taskFailures, 1);

    window.showMinimized();
    QVERIFY(!tray.health().isAttended());
    tray.toggleWindow(); // a minimised window comes back rather than hiding
    QVERIFY(window.isVisible());
    QVERIFY(!window.isMinimized());
    QCOMPARE(tray.health().unseen().total(), 0);
}

void TestTrayIcon::failuresWhileHiddenChangeIcon()
{
    QWidget window;
    TrayIcon tray(&window);
    tray.setListener(true, QUrl(QStringLiteral("http://127.0.0.1:8787/webhooks")));
    const qint64 calm = tray.icon().pixmap(32).cacheKey();
    QSignalSpy changed(&tray, &TrayIcon::changed);
    tray.noteDeliveries({failure(), failure()});
    QCOMPARE(changed.size(), 1);
    QVERIFY(tray.icon().pixmap(32).cacheKey() != calm);
    QVERIFY(colours(tray.icon().pixmap(32)).red > 0);
    QVERIFY2(tray.toolTip().contains(QLatin1String("2 migrations failed")), qPrintable(tray.toolTip()));

    tray.setListener(false, {});
    QVERIFY(tray.toolTip().contains(QLatin1String("Not listening")));
    QCOMPARE(tray.health().state(), mm::TrayHealth::State::ListenerDown);
}

QTEST_MAIN(TestTrayIcon)
#include "tst_trayicon.moc"
