// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventlog/followview.h"

#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

using namespace mm;

namespace {
void appendRows(QStandardItemModel &model, int count)
{
    for (int i = 0; i < count; ++i)
        model.appendRow(new QStandardItem(QStringLiteral("row %1").arg(model.rowCount())));
}

QPushButton *pill(FollowView &view)
{
    return view.findChild<QPushButton *>();
}

bool atBottom(FollowView &view)
{
    return view.verticalScrollBar()->value() == view.verticalScrollBar()->maximum();
}
} // namespace

class TestFollowView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void followsNewRows();
    void scrollingAwayPausesAndCounts();
    void pillJumpsBackAndResumes();
    void spaceTogglesPause();
    void scrollingToBottomResumes();

private:
    QStandardItemModel *m_model = nullptr;
    FollowView *m_view = nullptr;
};

void TestFollowView::init()
{
    m_model = new QStandardItemModel(0, 1);
    m_view = new FollowView;
    m_view->setModel(m_model);
    m_view->resize(300, 200);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    appendRows(*m_model, 100);
}

void TestFollowView::cleanup()
{
    delete m_view;
    delete m_model;
}

void TestFollowView::followsNewRows()
{
    QVERIFY(m_view->isFollowing());
    QVERIFY(m_view->verticalScrollBar()->maximum() > 0);
    QVERIFY(atBottom(*m_view));
    appendRows(*m_model, 10);
    QVERIFY(atBottom(*m_view));
    QVERIFY(!pill(*m_view)->isVisible());
}

void TestFollowView::scrollingAwayPausesAndCounts()
{
    QSignalSpy following(m_view, &FollowView::followingChanged);
    m_view->verticalScrollBar()->setValue(0);
    QVERIFY(!m_view->isFollowing());
    QCOMPARE(following.size(), 1);
    QCOMPARE(following.at(0).at(0).toBool(), false);
    appendRows(*m_model, 5);
    QCOMPARE(m_view->verticalScrollBar()->value(), 0); // stays where the user is reading
    QCOMPARE(m_view->newRows(), 5);
    QVERIFY(pill(*m_view)->isVisible());
    QVERIFY2(pill(*m_view)->text().contains(QStringLiteral("5 new")), qPrintable(pill(*m_view)->text()));
}

void TestFollowView::pillJumpsBackAndResumes()
{
    m_view->verticalScrollBar()->setValue(0);
    appendRows(*m_model, 3);
    QTest::mouseClick(pill(*m_view), Qt::LeftButton);
    QVERIFY(m_view->isFollowing());
    QVERIFY(atBottom(*m_view));
    QCOMPARE(m_view->newRows(), 0);
    QVERIFY(!pill(*m_view)->isVisible());
    appendRows(*m_model, 3);
    QVERIFY(atBottom(*m_view));
}

void TestFollowView::spaceTogglesPause()
{
    m_view->setFocus();
    QTest::keyClick(m_view, Qt::Key_Space);
    QVERIFY(!m_view->isFollowing());
    const int before = m_view->verticalScrollBar()->value();
    appendRows(*m_model, 20);
    QCOMPARE(m_view->verticalScrollBar()->value(), before);
    QVERIFY(pill(*m_view)->text().contains(QStringLiteral("20 new")));
    QTest::keyClick(m_view, Qt::Key_Space);
    QVERIFY(m_view->isFollowing());
    QVERIFY(atBottom(*m_view));
}

void TestFollowView::scrollingToBottomResumes()
{
    m_view->verticalScrollBar()->setValue(0);
    appendRows(*m_model, 2);
    QVERIFY(!m_view->isFollowing());
    m_view->verticalScrollBar()->setValue(m_view->verticalScrollBar()->maximum());
    QVERIFY(m_view->isFollowing());
    QCOMPARE(m_view->newRows(), 0);
}

QTEST_MAIN(TestFollowView)
#include "tst_followview.moc"
