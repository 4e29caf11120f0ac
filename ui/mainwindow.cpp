// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "board/companyactions.h"
#include "board/statusdelegate.h"
#include "eventlog/eventactions.h"
#include "eventlog/followview.h"
#include "eventlog/olderdeliveriesbar.h"
#include "filterbar/filterbar.h"
#include "inspector/inspectorwidget.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "model/stats.h"
#include "overview/overviewpane.h"
#include "overview/overviewwidget.h"
#include "receiver/requestlogmodel.h"
#include "rejected/rejectedview.h"
#include "stats/statsview.h"
#include "statusbar/listenurl.h"
#include "statusbar/sparkline.h"
#include "timeline/taskfailurenote.h"
#include "timeline/timelinewidget.h"

#include <QAction>
#include <QCoreApplication>
#include <QDateTime>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace mm {

namespace {
QLabel *banner(const QString &style, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setMargin(8);
    label->setStyleSheet(style);
    label->hide();
    return label;
}

template<typename View = QTableView> View *table(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new View(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setWordWrap(false);
    return view;
}

} // namespace

MainWindow::MainWindow(MonitorModel *model, RequestLogModel *requestLog, QWidget *parent)
    : QMainWindow(parent)
    , m_model(model)
    , m_requestLog(requestLog)
{
    setWindowTitle(tr("Migration Monitor"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_demoBanner = banner(QStringLiteral("background:#fff3cd; color:#664d03;"), central);
    m_demoBanner->setText(
        tr("<b>Demo data.</b> A built-in simulated sender is delivering signed events to this "
           "app's real receiver. Nothing here is stored in your real data folder."));
    m_problemBanner = banner(QStringLiteral("background:#f8d7da; color:#842029;"), central);

    m_filter = new FilterBar(central);
    m_filter->setMigrationCompletions(model->migrations(), MigrationListModel::Id);
    connect(m_filter, &FilterBar::changed, this, &MainWindow::applyFilter);

    m_board = table(model->filteredMigrations(), central);
    m_board->setObjectName(QStringLiteral("board")); // named widgets keep their layout between runs
    m_board->setSortingEnabled(true);
    m_board->sortByColumn(MigrationListModel::Started, Qt::DescendingOrder);
    m_board->setItemDelegateForColumn(MigrationListModel::Status, new StatusDelegate(m_board));
    // Widths from the font, so High-DPI and large fonts keep every column in view.
    const int ch = m_board->fontMetrics().horizontalAdvance(u'0');
    m_board->setColumnWidth(MigrationListModel::Status, 22 * ch);
    m_board->setColumnWidth(MigrationListModel::Id, 33 * ch);
    m_board->setColumnWidth(MigrationListModel::Company, 24 * ch);
    m_board->setColumnWidth(MigrationListModel::Started, 20 * ch);
    connect(m_board->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showMigration(current); });
    auto *companyActions = new CompanyActions(this, m_board, model->companies());
    connect(companyActions, &CompanyActions::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    // A renamed company is renamed in the timeline's title too.
    connect(model->companies(), &CompanyDirectory::changed, this,
            [this] { showMigration(m_board->currentIndex()); });

    m_tabs = new QTabWidget(central);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_events = table<FollowView>(model->filteredEvents(), m_tabs);
    m_events->setObjectName(QStringLiteral("events"));
    // Widths from the font and the longest text each column shows, so no column is cut off at
    // the default size, whatever the font.
    const QFontMetrics eventFont = m_events->fontMetrics();
    QFont headerFont = m_events->horizontalHeader()->font();
    headerFont.setBold(true); // sections of a selected row's columns are drawn bold
    const QFontMetrics headerMetrics(headerFont);
    const int pad = 3 * eventFont.horizontalAdvance(u'0');
    const auto fit = [&](int column, const QString &widest) {
        const QString header = m_events->model()->headerData(column, Qt::Horizontal).toString();
        m_events->setColumnWidth(
            column,
            std::max(eventFont.horizontalAdvance(widest), headerMetrics.horizontalAdvance(header) + pad)
                + pad);
    };
    fit(EventLogModel::Time, QStringLiteral("2026-12-07 04:22:40.341"));
    fit(EventLogModel::Type, QStringLiteral("migration_task.failed"));
    fit(EventLogModel::Migration, QStringLiteral("mig_01M97BTMP485FG984YJG4TAM2C"));
    fit(EventLogModel::Verdict, tr("accepted, retried"));
    fit(EventLogModel::Attempts, tr("Attempts"));
    m_eventActions = new EventActions(m_events, model);
    connect(m_eventActions, &EventActions::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });

    auto *timelinePage = new QWidget(m_tabs);
    auto *timelineLayout = new QVBoxLayout(timelinePage);
    timelineLayout->setContentsMargins(4, 4, 4, 4);
    m_timelineTitle = new QLabel(tr("Select a migration above to see its events in order."), timelinePage);
    m_timelineTitle->setWordWrap(true);
    m_timeline = table(model->filteredTimeline(), timelinePage);
    m_timeline->setColumnWidth(TimelineModel::Time, 230);
    m_timeline->setColumnWidth(TimelineModel::Type, 190);
    m_timeline->setColumnWidth(TimelineModel::Status, 200);
    m_timelineView = new TimelineWidget(model, timelinePage);
    m_timelineAnomalies = new QLabel(timelinePage);
    m_timelineAnomalies->setWordWrap(true);
    m_timelineAnomalies->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_timelineAnomalies->hide();
    m_taskFailureNote = new TaskFailureNote(timelinePage);
    addCopyTaskIdAction(m_timeline);
    timelineLayout->addWidget(m_timelineTitle);
    timelineLayout->addWidget(m_timelineView, 2);
    timelineLayout->addWidget(m_timelineAnomalies);
    timelineLayout->addWidget(m_taskFailureNote);
    timelineLayout->addWidget(m_timeline, 3);
    connect(m_timeline->selectionModel(), &QItemSelectionModel::currentRowChanged, m_timelineView,
            [this](const QModelIndex &current) {
                m_timelineView->setSelectedRowId(current.data(RowIdRole).toLongLong());
            });
    // A marker click shows its delivery in the event log.
    connect(m_timelineView, &TimelineWidget::eventClicked, this, [this](qint64 rowId) {
        const qsizetype logIndex = m_model->log().indexOfRowId(rowId);
        const QModelIndex row = m_model->filteredEvents()->mapFromSource(
            logIndex < 0 ? QModelIndex() : m_model->events()->index(int(logIndex), 0));
        if (!row.isValid()) {
            statusBar()->showMessage(tr("That event is not in the event log's list (check the filter)."),
                                     5000);
            return;
        }
        m_tabs->setCurrentWidget(m_eventsPage);
        m_events->setCurrentIndex(row);
        m_events->scrollTo(row, QAbstractItemView::PositionAtCenter);
    });

    m_requestView = table<FollowView>(requestLog, m_tabs);
    m_requestView->setObjectName(QStringLiteral("receiver"));
    m_requestView->setColumnWidth(RequestLogModel::Time, 110);
    m_requestView->setColumnWidth(RequestLogModel::Status, 50);
    m_requestView->setColumnWidth(RequestLogModel::Verdict, 170);
    m_requestView->setColumnWidth(RequestLogModel::MessageId, 280);
    m_requestView->setColumnWidth(RequestLogModel::Type, 190);

    m_rejected = new RejectedView(model->rejections(), model->filteredRejections(), m_tabs);

    // The event log, and under it (with a memory cap) what is in the store only.
    m_eventsPage = new QWidget(m_tabs);
    m_eventsPage->setObjectName(QStringLiteral("eventLog")); // the saved tab is by page name
    auto *eventsLayout = new QVBoxLayout(m_eventsPage);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    eventsLayout->setSpacing(0);
    m_events->setParent(m_eventsPage);
    eventsLayout->addWidget(m_events, 1);
    eventsLayout->addWidget(new OlderDeliveriesBar(model, m_eventsPage));
    m_tabs->addTab(m_eventsPage, tr("Event log"));
    timelinePage->setObjectName(QStringLiteral("timelinePage")); // the saved tab is by page name
    m_tabs->addTab(timelinePage, tr("Timeline"));
    // Every migration the filter shows on one time axis; a click selects it on the board.
    m_overview = new OverviewPane(model->filteredMigrations(), m_tabs);
    m_overview->setObjectName(QStringLiteral("overview"));
    m_tabs->addTab(m_overview, tr("Overview"));
    connect(m_overview->view(), &OverviewWidget::migrationClicked, this, [this](const QString &id) {
        selectMigration(id);
        m_tabs->setCurrentWidget(m_overview); // stay here: the Timeline tab is one click away
    });
    connect(m_board->selectionModel(), &QItemSelectionModel::currentRowChanged, m_overview,
            [this](const QModelIndex &current) {
                m_overview->view()->setSelectedMigration(current.data(MigrationIdRole).toString());
            });
    m_tabs->addTab(m_requestView, tr("Receiver"));
    m_tabs->addTab(m_rejected, tr("Rejected"));

    m_downtime = new QLabel(m_tabs);
    m_downtime->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_downtime->setWordWrap(true);
    m_downtime->setMargin(8);
    m_downtime->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_downtime->setObjectName(QStringLiteral("downtime"));
    m_tabs->addTab(m_downtime, tr("Downtime"));
    connect(model, &MonitorModel::downtimeChanged, this, &MainWindow::showDowntime);
    connect(model, &MonitorModel::downtimeChanged, this, &MainWindow::showReceivers);
    showDowntime();
    m_stats = new StatsView(model, m_tabs);
    m_stats->setObjectName(QStringLiteral("stats"));
    m_tabs->addTab(m_stats, tr("Stats"));

    // The selected event's payload sits beside the event log (and only with it).
    m_inspector = new InspectorWidget(central);
    auto *eventSplitter = new QSplitter(Qt::Horizontal, central);
    m_eventSplitter = eventSplitter;
    eventSplitter->setObjectName(QStringLiteral("eventSplitter"));
    eventSplitter->addWidget(m_tabs);
    eventSplitter->addWidget(m_inspector);
    eventSplitter->setStretchFactor(0, 1);
    eventSplitter->setStretchFactor(1, 0);
    eventSplitter->setCollapsible(0, false);
    // The event log gets what its columns need; the inspector the rest, and only once an event
    // is selected: until then it is hidden, not half the window of "Select an event".
    int logWidth = 2 * m_events->frameWidth() + m_events->verticalScrollBar()->sizeHint().width();
    for (int c = 0; c < EventLogModel::ColumnCount; ++c)
        logWidth += m_events->columnWidth(c);
    m_eventLogWidth = logWidth;
    eventSplitter->setSizes({logWidth, logWidth * 2 / 3});
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateInspectorVisibility);
    connect(m_events->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::inspectEvent);
    connect(m_events->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::updateInspectorVisibility);
    connect(model->filteredEvents(), &QAbstractItemModel::modelReset, this,
            &MainWindow::updateInspectorVisibility);
    connect(model->filteredEvents(), &QAbstractItemModel::rowsRemoved, this,
            &MainWindow::updateInspectorVisibility);
    updateInspectorVisibility();
    // A new attempt of the shown delivery changes its attempts: read it again.
    connect(model->filteredEvents(), &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                const int row = m_events->currentIndex().row();
                if (row >= topLeft.row() && row <= bottomRight.row()
                    && topLeft.column() <= EventLogModel::Attempts
                    && bottomRight.column() >= EventLogModel::Attempts)
                    inspectEvent(m_events->currentIndex());
            });
    connect(model, &MonitorModel::detailReady, this, [this](const DeliveryDetail &detail) {
        if (detail.request != m_detailRequest) // answers to earlier requests are dropped
            return;
        const EventLog &log = m_model->log();
        const qsizetype at = log.indexOfRowId(detail.rowId);
        const quint32 company = at >= 0 ? log.at(at).company : 0;
        m_inspector->showDetail(
            detail, company ? m_model->companies()->names().labelWithId(log.texts().at(company)) : QString());
    });

    auto *splitter = new QSplitter(Qt::Vertical, central);
    splitter->setObjectName(QStringLiteral("boardSplitter"));
    splitter->addWidget(m_board);
    splitter->addWidget(eventSplitter);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    layout->addWidget(m_demoBanner);
    layout->addWidget(m_problemBanner);
    layout->addWidget(m_filter);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    m_url = new ListenUrl(this);
    m_loadLabel = new QLabel(this);
    m_countsLabel = new QLabel(this);
    m_rate = new Sparkline(this);
    m_storeLabel = new QLabel(this);
    m_storeLabel->setToolTip(tr("Disk space used by the store's files in the data folder"));
    m_receiversLabel = new QLabel(this);
    m_receiversLabel->setVisible(false);
    m_receiversLabel->setObjectName(QStringLiteral("receivers"));
    statusBar()->addWidget(m_url, 1);
    statusBar()->addWidget(m_receiversLabel, 1);
    statusBar()->addPermanentWidget(m_loadLabel);
    statusBar()->addPermanentWidget(m_countsLabel);
    statusBar()->addPermanentWidget(m_rate);
    statusBar()->addPermanentWidget(m_storeLabel);
    updateCounts();
    m_loadLabel->setObjectName(QStringLiteral("storeStatus"));
    if (model->log().size() > 0) { // made after the load (tests): what is there was loaded
        m_storeStatus.loaded = true;
        m_storeStatus.loadedCount = model->log().size();
    }
    connect(model, &MonitorModel::loaded, this, [this](qint64 count, qint64 ms) {
        m_storeStatus.loaded = true;
        m_storeStatus.loadedCount = count;
        m_storeStatus.loadMs = ms;
        updateStoreStatus();
    });
    connect(model->events(), &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_storeStatus.loaded)
            m_storeStatus.arrivedSinceLoad = true;
        updateStoreStatus();
    });
    connect(model->events(), &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateStoreStatus);
    connect(model, &MonitorModel::memoryCounted, this, [this](qint64, qint64 stored) {
        m_storeStatus.storedCount = stored;
        updateStoreStatus();
    });
    connect(model->events(), &QAbstractItemModel::modelReset, this, &MainWindow::updateStoreStatus);
    updateStoreStatus();
    // The sparkline's minutes slide with the clock, so it redraws on a timer, not on events.
    auto *rateTimer = new QTimer(this);
    rateTimer->setInterval(5000);
    connect(rateTimer, &QTimer::timeout, this, &MainWindow::updateRate);
    connect(model, &MonitorModel::loaded, this, &MainWindow::updateRate);
    rateTimer->start();
    updateRate();
    connect(m_requestLog, &RequestLogModel::countsChanged, this, &MainWindow::updateCounts);
    connect(model, &MonitorModel::migrationUpdated, this, [this](const QString &id) {
        if (id == m_model->timeline()->migrationId())
            showMigration(m_board->currentIndex());
    });
    addReplay();
    addMenus();
    resize(1280, 800);
}

void MainWindow::setWelcomePage(QWidget *page)
{
    if (!m_pages) {
        m_pages = new QStackedWidget(this);
        m_pages->addWidget(takeCentralWidget());
        setCentralWidget(m_pages);
    }
    if (m_welcome && m_welcome != page) {
        m_pages->removeWidget(m_welcome);
        m_welcome->deleteLater();
    }
    m_welcome = page;
    if (page) {
        m_pages->addWidget(page);
        m_pages->setCurrentWidget(page);
    } else {
        m_pages->setCurrentIndex(0);
    }
}

FilterState MainWindow::filterState() const
{
    return m_filter->state();
}

void MainWindow::setFilterState(const FilterState &state)
{
    m_filter->setState(state);
}

void MainWindow::applyFilter()
{
    const FilterState state = m_filter->state();
    m_model->filteredEvents()->setFilter(state.eventFilter());
    // A migration named whole whose events left memory (a memory cap) is read back for the log.
    if (!state.migration.trimmed().isEmpty())
        m_model->bringBack(state.migration.trimmed());
    m_model->filteredMigrations()->setFilter(state.migrationFilter());
    RejectionFilter rejections;
    rejections.text = takeCompanyTerm(state.text).rest; // refused deliveries have no company
    m_model->filteredRejections()->setFilter(rejections);
}

void MainWindow::showMigration(const QModelIndex &proxyIndex)
{
    const QString id = proxyIndex.data(MigrationIdRole).toString();
    if (id != m_model->timeline()->migrationId())
        m_model->timeline()->setMigration(id);
    const Migration *m = m_model->timeline()->migration();
    m_timelineAnomalies->setVisible(m && m->anomalies);
    m_taskFailureNote->showFor(m, m_model->log());
    if (!m) {
        m_timelineTitle->setText(tr("Select a migration above to see its events in order."));
        return;
    }
    QStringList lines {tr("<b>%1</b> — %2").arg(m->id.toHtmlEscaped(), statusDisplayName(m->status))};
    if (!m->companyId.isEmpty())
        lines.append(
            tr("Company: %1").arg(m_model->companies()->names().labelWithId(m->companyId).toHtmlEscaped()));
    if (!m->failureMessage.isEmpty())
        lines.append(tr("Failure: %1").arg(m->failureMessage.toHtmlEscaped()));
    m_timelineTitle->setText(lines.join(QStringLiteral("<br>")));
    QStringList anomalies;
    for (const QString &sentence : m->anomalySentences())
        anomalies.append(tr("⚠ %1").arg(sentence.toHtmlEscaped()));
    m_timelineAnomalies->setText(anomalies.join(QStringLiteral("<br>")));
}

void MainWindow::showDowntime()
{
    const QList<DowntimeGap> &gaps = m_model->downtime();
    if (gaps.isEmpty()) {
        m_downtime->setText(tr("No gaps: the receiver has been listening whenever this store was in use."));
        return;
    }
    auto when = [](qint64 us) {
        return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    };
    QStringList lines {
        tr("<p>Svix retries failed deliveries for about a day. For a longer gap, open the endpoint "
           "in the Anon dashboard and use <b>Recover failed messages</b> from the time given.</p>")};
    for (auto it = gaps.crbegin(); it != gaps.crend(); ++it) {
        const qint64 minutes = (it->toUs - it->fromUs) / 60000000;
        lines.append(
            tr("<p>Not listening from %1 to %2 (%3 min%4).<br>Recover failed messages since <b>%5</b>.</p>")
                .arg(when(it->fromUs), when(it->toUs))
                .arg(minutes)
                .arg(it->afterCrash ? tr(", the app had stopped unexpectedly") : QString())
                .arg(when(it->recoverSinceUs)));
    }
    m_downtime->setText(lines.join(QString()));
}

void MainWindow::setStoreAvailable(bool available)
{
    m_storeAvailable = available;
    m_eventActions->setStoreAvailable(available);
    setReplayStoreAvailable(available);
    inspectEvent(m_events->currentIndex());
}

void MainWindow::setSecretHints(const QStringList &hints)
{
    m_inspector->setSecretHints(hints);
    m_model->rejections()->setSecretHints(hints);
}

void MainWindow::setCurlTarget(const QUrl &target, std::shared_ptr<const SigningSecret> secret,
                               int toleranceSeconds)
{
    m_eventActions->setCurlTarget(target, std::move(secret), toleranceSeconds);
}

void MainWindow::inspectEvent(const QModelIndex &proxyIndex)
{
    const qint64 rowId = proxyIndex.data(RowIdRole).toLongLong();
    if (rowId <= 0 || !m_storeAvailable) {
        m_inspectedRowId = 0;
        m_detailRequest = 0;
        m_inspector->clear();
        return;
    }
    if (rowId != m_inspectedRowId)
        m_inspector->showLoading(); // a re-read of the same delivery keeps it on screen
    m_inspectedRowId = rowId;
    m_detailRequest = m_model->requestDetail(rowId);
}

void MainWindow::setListenUrl(const QString &url)
{
    m_url->setUrl(url);
}

void MainWindow::setStoreSize(qint64 bytes)
{
    m_storeLabel->setText(tr("Store %1").arg(locale().formattedDataSize(bytes)));
}

void MainWindow::setStoreName(const QString &name)
{
    m_storeLabel->setToolTip(tr("Disk space used by the store's files in the data folder") + u'\n' + name);
}

void MainWindow::setSharedStore(const QString &name, bool ownReceiver)
{
    m_sharedStore = name;
    // The store's files are the server's, and a viewer's own receiver counts would stay at zero.
    m_storeLabel->setVisible(name.isEmpty());
    if (!ownReceiver) {
        m_countsLabel->setVisible(false);
        setWindowTitle(tr("Migration Monitor — view only"));
    }
    showReceivers();
}

void MainWindow::showReceivers()
{
    m_receiversLabel->setVisible(!m_sharedStore.isEmpty());
    if (m_sharedStore.isEmpty())
        return;
    const QList<ReceiverPresence> &up = m_model->receivers();
    QStringList names;
    QStringList lines {tr("Store: %1").arg(m_sharedStore)};
    for (const ReceiverPresence &r : up) {
        const QString name = r.instance.isEmpty() ? r.url : r.instance;
        names.append(name);
        lines.append(
            tr("%1 listening on %2, last heartbeat %3")
                .arg(name, r.url,
                     QDateTime::fromMSecsSinceEpoch(r.aliveUs / 1000).toString(QStringLiteral("HH:mm:ss"))));
    }
    // Shown as text, never as markup: names come from the store.
    m_receiversLabel->setTextFormat(Qt::PlainText);
    m_receiversLabel->setText(
        names.isEmpty() ? tr("No receiver is listening · %1").arg(m_sharedStore)
                        : tr("Receivers up: %1 · %2").arg(names.join(QStringLiteral(", ")), m_sharedStore));
    m_receiversLabel->setToolTip(lines.join(u'\n'));
}

void MainWindow::updateRate()
{
    const qint64 nowUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    m_rate->setValues(Stats(m_model->log(), m_model->book()).eventRate(nowUs, 30).counts);
}

void MainWindow::setDemo(bool demo)
{
    m_demoBanner->setVisible(demo);
    setWindowTitle(demo ? tr("Migration Monitor — demo") : tr("Migration Monitor"));
}

void MainWindow::setProblem(const QString &text)
{
    m_problemBanner->setText(text);
    m_problemBanner->setVisible(!text.isEmpty());
}

void MainWindow::updateStoreStatus()
{
    const EventLog &log = m_model->log();
    m_storeStatus.shownCount = log.size();
    m_storeStatus.newestReceivedUs = log.size() == 0 ? 0 : log.at(log.size() - 1).receivedUs;
    m_loadLabel->setText(storeStatusText(m_storeStatus, QDateTime::currentDateTime()));
    m_loadLabel->setToolTip(storeStatusToolTip(m_storeStatus));
}

void MainWindow::updateInspectorVisibility()
{
    const bool show = m_tabs->currentWidget() == m_eventsPage && m_events->currentIndex().isValid();
    if (show == !m_inspector->isHidden())
        return;
    m_inspector->setVisible(show);
    if (!show)
        return;
    // Shown for the first time (or after the user dragged it shut): the log keeps what its
    // columns need, the inspector gets the rest, and at least a third.
    const QList<int> sizes = m_eventSplitter->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (total > 0 && sizes.value(1) < m_inspector->minimumSizeHint().width()) {
        // The tab widget's own frame and margins around the log, as laid out now.
        const int margins = std::max(0, m_tabs->width() - m_events->width());
        const int inspector = std::max(total - m_eventLogWidth - margins, total / 4);
        m_eventSplitter->setSizes({total - inspector, inspector});
    }
}

void MainWindow::updateCounts()
{
    m_countsLabel->setText(tr("%1 accepted · %2 duplicates · %3 rejected")
                               .arg(m_requestLog->accepted())
                               .arg(m_requestLog->duplicates())
                               .arg(m_requestLog->rejected()));
}

} // namespace mm
