// SPDX-License-Identifier: GPL-3.0-or-later
// TimelineWidget (ui/timeline/timelinewidget.*, drawn by timelinepainter.*) over a real
// MonitorModel: it follows the timeline model, reports clicks on markers by rowId, zooms
// around the cursor, pans on a drag, refits, and explains a marker in its tooltip.
#include "helperverify.h"
#include "model/monitormodel.h"
#include "store/records.h"
#include "timeline/timelinewidget.h"

#include <QApplication>
#include <QHelpEvent>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>
#include <memory>
#include <optional>

using namespace mm;

namespace {
constexpr qint64 Sec = 1'000'000;
// 2025-06-18T00:50:40.301173Z
constexpr qint64 T0 = 1'750'207'840'301'173LL;
const QString MigrationId = QStringLiteral("mig_c");
const QString TaskError = QStringLiteral("Timed out downloading the payroll register");

EventFacts fact(qint64 rowId, const char *type, qint64 createdUs, const char *status)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = QByteArrayLiteral("msg_2ZkcXq") + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = QString::fromLatin1(type);
    f.migrationId = MigrationId;
    f.createdUs = createdUs;
    f.status = QString::fromLatin1(status);
    f.receivedUs = createdUs + Sec / 4;
    f.companyId = QStringLiteral("acme-co");
    f.parsed = true;
    return f;
}

QList<EventFacts> lifecycle()
{
    QList<EventFacts> out;
    out << fact(107, "migration.created", T0, "NOT_STARTED");
    EventFacts started = fact(108, "migration.started", T0 + 10 * Sec, "WORKING");
    started.attempts = 3; // retried twice: ticks above the marker
    out << started;
    EventFacts task = fact(109, "migration_task.failed", T0 + 20 * Sec, "FAILED");
    task.taskId = QStringLiteral("task_c1");
    task.errorMessage = TaskError;
    out << task;
    EventFacts resend = task; // the same event under a second message id
    resend.rowId = 111;
    resend.msgId = QByteArrayLiteral("msg_2ZkcXq111");
    out << resend;
    out << fact(110, "migration.completed", T0 + 40 * Sec, "COMPLETED_WITH_FAILURES");
    return out;
}

QPoint at(const TimelineWidget &w, qint64 us)
{
    return QPoint(qRound(w.mapping().xForTime(us)), qRound(w.eventLane().center().y()));
}

void wheel(TimelineWidget &w, const QPoint &pos, int angle)
{
    QWheelEvent event(QPointF(pos), QPointF(w.mapToGlobal(pos)), QPoint(), QPoint(0, angle), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&w, &event);
}
} // namespace

class TestTimelineWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom)); }
    void init();
    void cleanup();
    void emptyState();
    void followsTheModel();
    void clickOnMarker_data();
    void clickOnMarker();
    void clickOnEmptySpace();
    void wheelZoomsAroundCursor();
    void dragPansWithoutClicking();
    void keysZoomAndFit();
    void toolTipOfTaskFailure();

private:
    [[nodiscard]] bool ingestAndSelect();

    std::unique_ptr<MonitorModel> m_monitor;
    std::unique_ptr<TimelineWidget> m_widget;
};

void TestTimelineWidget::init()
{
    m_monitor = std::make_unique<MonitorModel>();
    m_widget = std::make_unique<TimelineWidget>(m_monitor.get());
    m_widget->resize(800, 200);
    m_widget->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_widget.get()));
}

void TestTimelineWidget::cleanup()
{
    m_widget.reset();
    m_monitor.reset();
}

bool TestTimelineWidget::ingestAndSelect()
{
    QSignalSpy updated(m_monitor.get(), &MonitorModel::migrationUpdated);
    m_monitor->timeline()->setMigration(MigrationId); // selected before its events arrive
    m_monitor->ingest(lifecycle());
    MM_HELPER_VERIFY(updated.wait(5000));
    MM_HELPER_VERIFY(m_monitor->timeline()->migration());
    return true;
}

void TestTimelineWidget::emptyState()
{
    QSignalSpy clicked(m_widget.get(), &TimelineWidget::eventClicked);
    QTest::mouseClick(m_widget.get(), Qt::LeftButton, {}, m_widget->rect().center());
    QCOMPARE(clicked.count(), 0);
    QCOMPARE(m_widget->rowIdAt(m_widget->rect().center()), 0);
    QVERIFY(m_widget->toolTipAt(m_widget->rect().center()).isEmpty());
    QVERIFY(!m_widget->grab().isNull()); // paints the empty state without a migration
}

void TestTimelineWidget::followsTheModel()
{
    QVERIFY(ingestAndSelect());
    // Fitted to the migration when its events arrived: all of them in view, with padding.
    const TimeMapping &m = m_widget->mapping();
    QVERIFY(m.isFitted());
    QVERIFY(m.fromUs() < T0);
    QVERIFY(m.toUs() > T0 + 40 * Sec);
    QVERIFY(m.xForTime(T0) > m.plotLeft());
    QVERIFY(m.xForTime(T0 + 40 * Sec) < m.plotRight());
    QVERIFY(!m_widget->grab().isNull());

    // A later event widens the fitted view (the user has not zoomed).
    QSignalSpy updated(m_monitor.get(), &MonitorModel::migrationUpdated);
    m_monitor->ingest({fact(112, "custom.audit", T0 + 100 * Sec, "")});
    QVERIFY(updated.wait(5000));
    QVERIFY(m.toUs() > T0 + 100 * Sec);
    QCOMPARE(m_widget->rowIdAt(at(*m_widget, T0 + 100 * Sec)), 112);

    // Another migration, or none, clears the selection.
    m_widget->setSelectedRowId(109);
    m_monitor->timeline()->setMigration(QString());
    QCOMPARE(m_widget->selectedRowId(), 0);
    QCOMPARE(m_widget->rowIdAt(at(*m_widget, T0 + 20 * Sec)), 0);
}

void TestTimelineWidget::clickOnMarker_data()
{
    QTest::addColumn<qint64>("when");
    QTest::addColumn<qint64>("rowId");
    QTest::addRow("created") << T0 << qint64(107);
    QTest::addRow("started, retried") << T0 + 10 * Sec << qint64(108);
    QTest::addRow("task failure, first delivery") << T0 + 20 * Sec << qint64(109);
    QTest::addRow("completed") << T0 + 40 * Sec << qint64(110);
}

void TestTimelineWidget::clickOnMarker()
{
    QFETCH(qint64, when);
    QFETCH(qint64, rowId);
    QVERIFY(ingestAndSelect());
    QSignalSpy clicked(m_widget.get(), &TimelineWidget::eventClicked);
    QTest::mouseClick(m_widget.get(), Qt::LeftButton, {}, at(*m_widget, when));
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toLongLong(), rowId);
    QCOMPARE(m_widget->selectedRowId(), rowId);
}

void TestTimelineWidget::clickOnEmptySpace()
{
    QVERIFY(ingestAndSelect());
    m_widget->setSelectedRowId(108);
    QSignalSpy clicked(m_widget.get(), &TimelineWidget::eventClicked);
    // Between two events on the lane, on the phase band above an event, and in the margin.
    QTest::mouseClick(m_widget.get(), Qt::LeftButton, {}, at(*m_widget, T0 + 30 * Sec));
    const QPoint abovePhase(at(*m_widget, T0 + 20 * Sec).x(), m_widget->fontMetrics().height());
    QTest::mouseClick(m_widget.get(), Qt::LeftButton, {}, abovePhase);
    QTest::mouseClick(m_widget.get(), Qt::LeftButton, {}, QPoint(2, at(*m_widget, T0).y()));
    QCOMPARE(clicked.count(), 0);
    QCOMPARE(m_widget->selectedRowId(), 108); // unchanged
}

void TestTimelineWidget::wheelZoomsAroundCursor()
{
    QVERIFY(ingestAndSelect());
    const TimeMapping &m = m_widget->mapping();
    const QPoint cursor = at(*m_widget, T0 + 20 * Sec) + QPoint(37, 0);
    const qint64 under = m.timeAtX(cursor.x());
    const double span = m.spanUs();
    const double usPerPx = span / m.plotWidth();

    wheel(*m_widget, cursor, 120);
    QVERIFY(m.spanUs() < span * 0.9);
    QVERIFY(!m.isFitted());
    // The same time is under the cursor, to well within a pixel of the old scale.
    QVERIFY2(std::abs(m.timeAtX(cursor.x()) - under) <= qint64(usPerPx / 100) + 1,
             qPrintable(QString::number(m.timeAtX(cursor.x()) - under)));

    wheel(*m_widget, cursor, -240);
    QVERIFY(m.spanUs() > span * 1.1);
    QVERIFY(std::abs(m.timeAtX(cursor.x()) - under) <= qint64(usPerPx / 100) + 1);

    // A double-click on empty space fits again.
    QTest::mouseDClick(m_widget.get(), Qt::LeftButton, {}, QPoint(2, cursor.y()));
    QVERIFY(m.isFitted());
    QCOMPARE(m.spanUs(), span);
}

void TestTimelineWidget::dragPansWithoutClicking()
{
    QVERIFY(ingestAndSelect());
    const TimeMapping &m = m_widget->mapping();
    QSignalSpy clicked(m_widget.get(), &TimelineWidget::eventClicked);
    const QPoint start = at(*m_widget, T0 + 20 * Sec); // starts on a marker
    const double xBefore = m.xForTime(T0 + 20 * Sec);
    QTest::mousePress(m_widget.get(), Qt::LeftButton, {}, start);
    QMouseEvent move(QEvent::MouseMove, QPointF(start + QPoint(60, 0)),
                     QPointF(m_widget->mapToGlobal(start + QPoint(60, 0))), Qt::NoButton, Qt::LeftButton,
                     Qt::NoModifier);
    QApplication::sendEvent(m_widget.get(), &move);
    QTest::mouseRelease(m_widget.get(), Qt::LeftButton, {}, start + QPoint(60, 0));
    QCOMPARE(clicked.count(), 0);
    QVERIFY(!m.isFitted());
    QVERIFY(std::abs(m.xForTime(T0 + 20 * Sec) - (xBefore + 60)) < 0.01);
}

void TestTimelineWidget::keysZoomAndFit()
{
    QVERIFY(ingestAndSelect());
    const TimeMapping &m = m_widget->mapping();
    const double span = m.spanUs();
    QTest::keyClick(m_widget.get(), Qt::Key_Plus);
    QVERIFY(std::abs(m.spanUs() - span / 1.5) < 1);
    QTest::keyClick(m_widget.get(), Qt::Key_Minus);
    QTest::keyClick(m_widget.get(), Qt::Key_Minus);
    QVERIFY(std::abs(m.spanUs() - span * 1.5) < 1);
    QTest::keyClick(m_widget.get(), Qt::Key_0);
    QVERIFY(m.isFitted());
    QCOMPARE(m.spanUs(), span);
}

void TestTimelineWidget::toolTipOfTaskFailure()
{
    QVERIFY(ingestAndSelect());
    const QPoint pos = at(*m_widget, T0 + 20 * Sec);
    const QString text = m_widget->toolTipAt(pos);
    QVERIFY2(text.contains(TaskError), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("migration_task.failed")));
    QVERIFY(text.contains(QStringLiteral("task_c1")));
    QVERIFY(text.contains(QStringLiteral("Attempts: 1")));
    // The vendor's advice: the task's files may still be there.
    QVERIFY2(text.contains(QStringLiteral("Files may still be available for task task_c1: poll Anon's files "
                                          "API for its partial extractions.")),
             qPrintable(text));
    QVERIFY(m_widget->toolTipAt(at(*m_widget, T0 + 10 * Sec)).contains(QStringLiteral("Attempts: 3")));
    QVERIFY(!m_widget->toolTipAt(at(*m_widget, T0 + 10 * Sec)).contains(QStringLiteral("files API")));
    QVERIFY(m_widget->toolTipAt(at(*m_widget, T0 + 30 * Sec)).isEmpty());

    // The same text through a real tooltip event.
    QHelpEvent help(QEvent::ToolTip, pos, m_widget->mapToGlobal(pos));
    QApplication::sendEvent(m_widget.get(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY(QToolTip::text().contains(TaskError));
}

QTEST_MAIN(TestTimelineWidget)
#include "tst_timelinewidget.moc"
