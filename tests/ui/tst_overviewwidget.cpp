// SPDX-License-Identifier: GPL-3.0-or-later
// OverviewWidget (ui/overview/overviewwidget.*) over a real MonitorModel's filtered board:
// a click on a lane reports its migration, the filter reduces the lanes, grouping adds the
// companies' headers from the model, selecting a far lane scrolls to it, the repaint timer runs
// only while something grows in view, a drag pans without selecting, and with 10,000
// migrations a paint draws only the rows in view.
#include "model/monitormodel.h"
#include "overview/overviewpane.h"
#include "overview/overviewwidget.h"
#include "store/records.h"

#include <QApplication>
#include <QCheckBox>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>
#include <memory>

using namespace mm;

namespace {
constexpr qint64 Sec = 1'000'000;
constexpr qint64 T0 = 1'750'207'840'301'173LL; // 2025-06-18T00:50:40.301173Z

EventFacts fact(qint64 rowId, const QString &migration, const char *type, qint64 createdUs,
                const char *status, const QString &company)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = QByteArrayLiteral("msg_ov") + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = QString::fromLatin1(type);
    f.migrationId = migration;
    f.createdUs = createdUs;
    f.status = QString::fromLatin1(status);
    f.receivedUs = createdUs + Sec / 4;
    f.companyId = company;
    f.parsed = true;
    return f;
}

// Migration i of a company: created at T0 + i min, started a minute later, then per `end`.
QList<EventFacts> migration(qint64 i, const QString &company, const char *end)
{
    const QString id = QStringLiteral("mig_%1").arg(i, 5, 10, QLatin1Char('0'));
    const qint64 at = T0 + i * 60 * Sec;
    QList<EventFacts> out {fact(i * 10 + 1, id, "migration.created", at, "NOT_STARTED", company),
                           fact(i * 10 + 2, id, "migration.started", at + 30 * Sec, "WORKING", company)};
    if (qstrcmp(end, "completed") == 0)
        out << fact(i * 10 + 3, id, "migration.completed", at + 50 * Sec, "COMPLETE", company);
    else if (qstrcmp(end, "failed") == 0)
        out << fact(i * 10 + 3, id, "migration.failed", at + 50 * Sec, "FAILED", company);
    return out;
}

QPoint laneCentre(const OverviewWidget &w, const QString &id)
{
    const OverviewLayout &l = w.layout();
    const int row = l.rowOf(id);
    if (row < 0)
        return {-1, -1};
    return QPoint(qRound((w.mapping().plotLeft() + w.mapping().plotRight()) / 2),
                  qRound(l.rowTop(row) + l.rowHeight() / 2));
}
} // namespace

class TestOverviewWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void clickOnLaneEmitsItsMigration();
    void clickOffLanesEmitsNothing();
    void filterReducesTheLanes();
    void groupingShowsCompaniesFromTheModel();
    void selectingScrollsTheLaneIntoView();
    void growsOnlyWhileSomethingWorksInView();
    void wheelZoomsAndDragPans();
    void tenThousandPaintOnlyVisibleRows();
    void paneIsNoWiderThanItsView();

private:
    void ingest(const QList<EventFacts> &facts, int migrations);

    std::unique_ptr<MonitorModel> m_monitor;
    std::unique_ptr<OverviewPane> m_pane;
    OverviewWidget *m_view = nullptr;
    qint64 m_now = T0 + 3600 * Sec;
};

void TestOverviewWidget::init()
{
    m_monitor = std::make_unique<MonitorModel>();
    m_pane = std::make_unique<OverviewPane>(m_monitor->filteredMigrations());
    m_view = m_pane->view();
    m_now = T0 + 3600 * Sec;
    m_view->setClock([this] { return m_now; });
    m_pane->resize(900, 320);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
}

void TestOverviewWidget::cleanup()
{
    m_pane.reset();
    m_monitor.reset();
}

void TestOverviewWidget::ingest(const QList<EventFacts> &facts, int migrations)
{
    m_monitor->ingest(facts);
    QTRY_COMPARE(m_monitor->filteredMigrations()->rowCount(), migrations);
}

void TestOverviewWidget::clickOnLaneEmitsItsMigration()
{
    ingest(migration(1, QStringLiteral("acme"), "completed") + migration(2, QStringLiteral("beta"), "failed")
               + migration(3, QStringLiteral("acme"), "working"),
           3);
    QCOMPARE(int(m_view->layout().lanes().size()), 3);
    QSignalSpy clicked(m_view, &OverviewWidget::migrationClicked);
    for (const QString &id :
         {QStringLiteral("mig_00002"), QStringLiteral("mig_00003"), QStringLiteral("mig_00001")}) {
        const QPoint at = laneCentre(*m_view, id);
        QVERIFY(m_view->rect().contains(at));
        QTest::mouseClick(m_view, Qt::LeftButton, {}, at);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.takeFirst().at(0).toString(), id);
        QCOMPARE(m_view->selectedMigration(), id);
        QVERIFY(m_view->toolTipAt(at).contains(id));
    }
}

void TestOverviewWidget::clickOffLanesEmitsNothing()
{
    ingest(migration(1, QStringLiteral("acme"), "completed"), 1);
    QSignalSpy clicked(m_view, &OverviewWidget::migrationClicked);
    QTest::mouseClick(m_view, Qt::LeftButton, {},
                      QPoint(m_view->width() / 2, m_view->height() - 3)); // the axis
    m_view->setGrouped(true);
    QTest::mouseClick(m_view, Qt::LeftButton, {},
                      QPoint(m_view->width() / 2, qRound(m_view->layout().rowTop(0) + 2))); // a header
    QCOMPARE(clicked.count(), 0);
    QVERIFY(m_view->toolTipAt(QPoint(m_view->width() / 2, m_view->height() - 3)).isEmpty());
}

void TestOverviewWidget::filterReducesTheLanes()
{
    ingest(migration(1, QStringLiteral("acme"), "completed") + migration(2, QStringLiteral("beta"), "failed")
               + migration(3, QStringLiteral("acme"), "working")
               + migration(4, QStringLiteral("acme"), "failed"),
           4);
    QCOMPARE(int(m_view->layout().lanes().size()), 4);
    MigrationFilter filter;
    filter.statuses = {MigrationStatus::Failed};
    m_monitor->filteredMigrations()->setFilter(filter);
    QStringList shown;
    for (const OverviewLane &lane : m_view->layout().lanes())
        shown << lane.id;
    QCOMPARE(shown, (QStringList {QStringLiteral("mig_00004"), QStringLiteral("mig_00002")}));
    QCOMPARE(laneCentre(*m_view, QStringLiteral("mig_00001")), QPoint(-1, -1));
    filter = {};
    filter.text = QStringLiteral("beta");
    m_monitor->filteredMigrations()->setFilter(filter);
    QCOMPARE(int(m_view->layout().lanes().size()), 1);
    filter.text = QStringLiteral("nothing like it");
    m_monitor->filteredMigrations()->setFilter(filter);
    QVERIFY(m_view->layout().lanes().empty());
    QVERIFY(!m_view->grab().isNull()); // the empty state paints
    QCOMPARE(m_view->paintedRows(), 0);
}

void TestOverviewWidget::groupingShowsCompaniesFromTheModel()
{
    ingest(migration(1, QStringLiteral("beta"), "completed") + migration(2, QStringLiteral("acme"), "failed")
               + migration(3, QStringLiteral("acme"), "working"),
           3);
    m_pane->groupByCompany()->setChecked(true);
    QVERIFY(m_view->isGrouped());
    const OverviewLayout &l = m_view->layout();
    // The labels are what the board's Company column displays.
    const QModelIndex company = m_monitor->migrations()->index(0, MigrationListModel::Company);
    QVERIFY(l.groups().contains(company.data().toString()));
    QCOMPARE(l.groups(), (QStringList {QStringLiteral("acme"), QStringLiteral("beta")}));
    QCOMPARE(l.rowCount(), 5);
    QVERIFY(l.row(0).isHeader());
    QCOMPARE(l.lanes()[size_t(l.row(1).lane)].id, QStringLiteral("mig_00003"));
    QCOMPARE(l.lanes()[size_t(l.row(2).lane)].id, QStringLiteral("mig_00002"));
    QVERIFY(l.row(3).isHeader());
    m_view->setGrouped(false);
    QVERIFY(!m_pane->groupByCompany()->isChecked());
    QCOMPARE(m_view->layout().rowCount(), 3);
}

void TestOverviewWidget::selectingScrollsTheLaneIntoView()
{
    QList<EventFacts> facts;
    for (int i = 0; i < 100; ++i)
        facts += migration(i, QStringLiteral("acme"), "completed");
    ingest(facts, 100);
    QCOMPARE(m_view->layout().scroll(), 0.0);
    m_view->setSelectedMigration(QStringLiteral("mig_00000")); // the oldest: the last lane
    const OverviewLayout &l = m_view->layout();
    QCOMPARE(l.scroll(), l.maxScroll());
    QCOMPARE(m_view->verticalScrollBar()->value(), qRound(l.maxScroll()));
    const QPoint at = laneCentre(*m_view, QStringLiteral("mig_00000"));
    QCOMPARE(m_view->migrationAt(at), QStringLiteral("mig_00000"));
    m_view->verticalScrollBar()->setValue(0);
    QCOMPARE(m_view->layout().scroll(), 0.0);
}

void TestOverviewWidget::growsOnlyWhileSomethingWorksInView()
{
    ingest(migration(1, QStringLiteral("acme"), "completed"), 1);
    (void)m_view->grab();
    QVERIFY(!m_view->isGrowing()); // nothing grows: no repaint timer
    ingest(migration(2, QStringLiteral("acme"), "working"), 2);
    (void)m_view->grab();
    QVERIFY(m_view->isGrowing());
    // The fitted view follows the clock: the working lane ends at the new now.
    const qint64 before = m_view->mapping().toUs();
    m_now += 600 * Sec;
    m_view->fit();
    QVERIFY(m_view->mapping().toUs() > before);
    // Panned so that now is out of view, nothing visible grows.
    for (int i = 0; i < 10; ++i)
        QTest::keyClick(m_view, Qt::Key_Left);
    (void)m_view->grab();
    QVERIFY(m_view->mapping().toUs() < m_now);
    QVERIFY(!m_view->isGrowing());
    m_pane->hide();
    QVERIFY(!m_view->isGrowing());
}

void TestOverviewWidget::wheelZoomsAndDragPans()
{
    ingest(migration(1, QStringLiteral("acme"), "completed") + migration(2, QStringLiteral("acme"), "failed"),
           2);
    const double span = m_view->mapping().spanUs();
    const QPoint at = laneCentre(*m_view, QStringLiteral("mig_00001"));
    QWheelEvent wheel(QPointF(at), QPointF(m_view->mapToGlobal(at)), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view, &wheel);
    QVERIFY(m_view->mapping().spanUs() < span);
    QVERIFY(!m_view->mapping().isFitted());

    QSignalSpy clicked(m_view, &OverviewWidget::migrationClicked);
    const qint64 from = m_view->mapping().fromUs();
    QTest::mousePress(m_view, Qt::LeftButton, {}, at);
    QTest::mouseMove(m_view, at + QPoint(60, 0));
    QTest::mouseRelease(m_view, Qt::LeftButton, {}, at + QPoint(60, 0));
    QVERIFY(m_view->mapping().fromUs() < from); // dragged right: earlier times come in
    QCOMPARE(clicked.count(), 0);
    QTest::keyClick(m_view, Qt::Key_0);
    QVERIFY(m_view->mapping().isFitted());
}

void TestOverviewWidget::tenThousandPaintOnlyVisibleRows()
{
    QList<EventFacts> facts;
    facts.reserve(30000);
    for (int i = 0; i < 10000; ++i)
        facts += migration(i, QStringLiteral("company-%1").arg(i % 7), i % 3 == 0 ? "working" : "completed");
    ingest(facts, 10000);
    QCOMPARE(int(m_view->layout().lanes().size()), 10000);
    QVERIFY(!m_view->grab().isNull());
    const OverviewLayout &l = m_view->layout();
    const int fits = int(std::ceil(l.viewportHeight() / l.rowHeight())) + 1;
    QCOMPARE(m_view->paintedRows(), l.visibleRows().size());
    QVERIFY(m_view->paintedRows() > 0);
    QVERIFY(m_view->paintedRows() <= fits);
    m_view->setGrouped(true);
    QTest::keyClick(m_view, Qt::Key_End);
    QVERIFY(!m_view->grab().isNull());
    QCOMPARE(m_view->layout().visibleRows().last, 10007); // 10,000 lanes and 7 headers
    QVERIFY(m_view->paintedRows() <= fits);
}

void TestOverviewWidget::paneIsNoWiderThanItsView()
{
    // The tab shares the lower pane with the inspector: its key and hint must not set its width.
    QVERIFY(m_pane->minimumSizeHint().width() <= m_view->minimumSizeHint().width() + 20);
}

QTEST_MAIN(TestOverviewWidget)
#include "tst_overviewwidget.moc"
