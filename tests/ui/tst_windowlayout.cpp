// SPDX-License-Identifier: GPL-3.0-or-later
#include "windowlayout.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QMainWindow>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace mm;

namespace {
// A window shaped like the real one: a named splitter holding a named table and named tabs.
struct Window
{
    QMainWindow window;
    QSplitter *splitter = new QSplitter(Qt::Vertical);
    QTableView *table = new QTableView;
    QTabWidget *tabs = new QTabWidget;
    QStandardItemModel model {3, 4};
    QCheckBox *remembered = new QCheckBox(QStringLiteral("Group"));
    QCheckBox *other = new QCheckBox(QStringLiteral("Other"));

    Window()
    {
        remembered->setObjectName(QStringLiteral("groupByCompany"));
        remembered->setProperty(RememberedSwitch, true);
        other->setObjectName(QStringLiteral("other"));
        tabs->setCornerWidget(remembered, Qt::TopRightCorner);
        tabs->setCornerWidget(other, Qt::TopLeftCorner);
        splitter->setObjectName(QStringLiteral("mainSplitter"));
        table->setObjectName(QStringLiteral("board"));
        tabs->setObjectName(QStringLiteral("tabs"));
        table->setModel(&model);
        table->setSortingEnabled(true);
        tabs->addTab(new QWidget, QStringLiteral("one"));
        tabs->addTab(new QWidget, QStringLiteral("two"));
        tabs->addTab(new QWidget, QStringLiteral("three"));
        splitter->addWidget(table);
        splitter->addWidget(tabs);
        window.setCentralWidget(splitter);
        window.resize(800, 600);
        window.show();
    }
};
} // namespace

class TestWindowLayout final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void otherVersionIsIgnored();
    void damagedDataIsIgnored();
    void tabsAreRestoredByPageName();
    void rememberedSwitchesOnly();
};

void TestWindowLayout::rememberedSwitchesOnly()
{
    QByteArray saved;
    {
        Window w;
        QVERIFY(QTest::qWaitForWindowExposed(&w.window));
        w.remembered->setChecked(true);
        w.other->setChecked(true);
        saved = saveWindowLayout(&w.window, 1);
    }
    Window restored;
    QVERIFY(restoreWindowLayout(&restored.window, saved, 1));
    QVERIFY(restored.remembered->isChecked());
    QVERIFY(!restored.other->isChecked()); // not marked: left as the window made it
}

void TestWindowLayout::roundTrip()
{
    QByteArray saved;
    QList<int> sizes;
    {
        Window w;
        QVERIFY(QTest::qWaitForWindowExposed(&w.window));
        w.splitter->setSizes({150, 450});
        sizes = w.splitter->sizes();
        w.table->setColumnWidth(2, 233);
        w.table->sortByColumn(1, Qt::DescendingOrder);
        w.tabs->setCurrentIndex(2);
        saved = saveWindowLayout(&w.window, 3);
    }
    Window restored;
    QVERIFY(QTest::qWaitForWindowExposed(&restored.window));
    QVERIFY(restored.splitter->sizes() != sizes);
    QVERIFY(restoreWindowLayout(&restored.window, saved, 3));
    QCOMPARE(restored.splitter->sizes(), sizes);
    QCOMPARE(restored.table->columnWidth(2), 233);
    QCOMPARE(restored.table->horizontalHeader()->sortIndicatorSection(), 1);
    QCOMPARE(restored.table->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(restored.tabs->currentIndex(), 2);
}

void TestWindowLayout::otherVersionIsIgnored()
{
    Window w;
    w.tabs->setCurrentIndex(1);
    const QByteArray saved = saveWindowLayout(&w.window, 3);
    w.tabs->setCurrentIndex(0);
    QVERIFY(!restoreWindowLayout(&w.window, saved, 4));
    QCOMPARE(w.tabs->currentIndex(), 0);
}

void TestWindowLayout::damagedDataIsIgnored()
{
    Window w;
    QVERIFY(!restoreWindowLayout(&w.window, QByteArray(), 3));
    QVERIFY(!restoreWindowLayout(&w.window, QByteArray("garbage that is not a layout"), 3));
    QByteArray truncated = saveWindowLayout(&w.window, 3);
    truncated.chop(5);
    QVERIFY(!restoreWindowLayout(&w.window, truncated, 3));
}

void TestWindowLayout::tabsAreRestoredByPageName()
{
    QByteArray saved;
    {
        Window w;
        w.tabs->widget(2)->setObjectName(QStringLiteral("three"));
        w.tabs->setCurrentIndex(2);
        saved = saveWindowLayout(&w.window, 3);
    }
    // A later version adds a tab before it: the same page comes back, not the same index.
    Window next;
    next.tabs->widget(2)->setObjectName(QStringLiteral("three"));
    auto *added = new QWidget;
    added->setObjectName(QStringLiteral("added"));
    next.tabs->insertTab(1, added, QStringLiteral("added"));
    QVERIFY(restoreWindowLayout(&next.window, saved, 3));
    QCOMPARE(next.tabs->currentWidget()->objectName(), QStringLiteral("three"));
    QCOMPARE(next.tabs->currentIndex(), 3);
}

QTEST_MAIN(TestWindowLayout)
#include "tst_windowlayout.moc"
