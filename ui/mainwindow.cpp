// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "board/statusdelegate.h"
#include "eventlog/livelogmodel.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
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

QTableView *table(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
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

// Keeps a view at its newest row while the user has not scrolled away from it.
void followNewRows(QTableView *view)
{
    auto follow = std::make_shared<bool>(true);
    QObject::connect(view->model(), &QAbstractItemModel::rowsAboutToBeInserted, view, [view, follow] {
        const QScrollBar *bar = view->verticalScrollBar();
        *follow = bar->value() >= bar->maximum();
    });
    QObject::connect(view->model(), &QAbstractItemModel::rowsInserted, view, [view, follow] {
        if (*follow)
            view->scrollToBottom();
    });
}
} // namespace

MainWindow::MainWindow(MonitorModel *model, LiveLogModel *log, QWidget *parent)
    : QMainWindow(parent)
    , m_model(model)
    , m_log(log)
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

    m_filter = new QLineEdit(central);
    m_filter->setPlaceholderText(tr("Filter migrations and events: id, company, type, error… (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, &MainWindow::applyFilter);
    auto *find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, m_filter, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });

    m_board = table(model->filteredMigrations(), central);
    m_board->setSortingEnabled(true);
    m_board->sortByColumn(MigrationListModel::Started, Qt::DescendingOrder);
    m_board->setItemDelegateForColumn(MigrationListModel::Status, new StatusDelegate(m_board));
    m_board->setColumnWidth(MigrationListModel::Status, 190);
    m_board->setColumnWidth(MigrationListModel::Id, 280);
    m_board->setColumnWidth(MigrationListModel::Company, 290);
    m_board->setColumnWidth(MigrationListModel::Started, 150);
    connect(m_board->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showMigration(current); });

    m_tabs = new QTabWidget(central);
    m_events = table(model->filteredEvents(), m_tabs);
    m_events->setColumnWidth(EventLogModel::Time, 180);
    m_events->setColumnWidth(EventLogModel::Type, 190);
    m_events->setColumnWidth(EventLogModel::Migration, 280);
    m_events->setColumnWidth(EventLogModel::Verdict, 150);
    followNewRows(m_events);

    auto *timelinePage = new QWidget(m_tabs);
    auto *timelineLayout = new QVBoxLayout(timelinePage);
    timelineLayout->setContentsMargins(4, 4, 4, 4);
    m_timelineTitle = new QLabel(tr("Select a migration above to see its events in order."), timelinePage);
    m_timelineTitle->setWordWrap(true);
    m_timeline = table(model->filteredTimeline(), timelinePage);
    m_timeline->setColumnWidth(TimelineModel::Time, 230);
    m_timeline->setColumnWidth(TimelineModel::Type, 190);
    m_timeline->setColumnWidth(TimelineModel::Status, 200);
    timelineLayout->addWidget(m_timelineTitle);
    timelineLayout->addWidget(m_timeline);

    m_live = table(log, m_tabs);
    m_live->setColumnWidth(LiveLogModel::Time, 110);
    m_live->setColumnWidth(LiveLogModel::Status, 50);
    m_live->setColumnWidth(LiveLogModel::Verdict, 170);
    m_live->setColumnWidth(LiveLogModel::MessageId, 280);
    m_live->setColumnWidth(LiveLogModel::Type, 190);
    followNewRows(m_live);

    m_rejected = table(model->filteredRejections(), m_tabs);
    m_rejected->setSortingEnabled(true);
    m_rejected->sortByColumn(RejectionsModel::Time, Qt::AscendingOrder);
    m_rejected->setColumnWidth(RejectionsModel::Time, 150);
    m_rejected->setColumnWidth(RejectionsModel::Reason, 520);

    m_tabs->addTab(m_events, tr("Event log"));
    m_tabs->addTab(timelinePage, tr("Timeline"));
    m_tabs->addTab(m_live, tr("Receiver"));
    m_tabs->addTab(m_rejected, tr("Rejected"));

    m_downtime = new QLabel(m_tabs);
    m_downtime->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_downtime->setWordWrap(true);
    m_downtime->setMargin(8);
    m_downtime->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tabs->addTab(m_downtime, tr("Downtime"));
    connect(model, &MonitorModel::downtimeChanged, this, &MainWindow::showDowntime);
    showDowntime();

    auto *splitter = new QSplitter(Qt::Vertical, central);
    splitter->addWidget(m_board);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    layout->addWidget(m_demoBanner);
    layout->addWidget(m_problemBanner);
    layout->addWidget(m_filter);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    m_urlLabel = new QLabel(this);
    m_urlLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_loadLabel = new QLabel(this);
    m_countsLabel = new QLabel(this);
    statusBar()->addWidget(m_urlLabel, 1);
    statusBar()->addPermanentWidget(m_loadLabel);
    statusBar()->addPermanentWidget(m_countsLabel);
    updateCounts();
    connect(m_log, &LiveLogModel::countsChanged, this, &MainWindow::updateCounts);
    connect(model, &MonitorModel::migrationUpdated, this, [this](const QString &id) {
        if (id == m_model->timeline()->migrationId())
            showMigration(m_board->currentIndex());
    });
    resize(1280, 800);
}

void MainWindow::applyFilter()
{
    EventFilter events;
    events.text = m_filter->text();
    m_model->filteredEvents()->setFilter(events);
    MigrationFilter migrations;
    migrations.text = m_filter->text();
    m_model->filteredMigrations()->setFilter(migrations);
    RejectionFilter rejections;
    rejections.text = m_filter->text();
    m_model->filteredRejections()->setFilter(rejections);
}

void MainWindow::showMigration(const QModelIndex &proxyIndex)
{
    const QString id = proxyIndex.data(MigrationIdRole).toString();
    if (id != m_model->timeline()->migrationId())
        m_model->timeline()->setMigration(id);
    const Migration *m = m_model->timeline()->migration();
    if (!m) {
        m_timelineTitle->setText(tr("Select a migration above to see its events in order."));
        return;
    }
    QStringList lines {tr("<b>%1</b> — %2").arg(m->id.toHtmlEscaped(), statusDisplayName(m->status))};
    if (!m->failureMessage.isEmpty())
        lines.append(tr("Failure: %1").arg(m->failureMessage.toHtmlEscaped()));
    for (const QString &sentence : m->anomalySentences())
        lines.append(tr("⚠ %1").arg(sentence.toHtmlEscaped()));
    m_timelineTitle->setText(lines.join(QStringLiteral("<br>")));
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

void MainWindow::setListenUrl(const QString &url)
{
    m_urlLabel->setText(tr("Listening on %1").arg(url));
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

void MainWindow::setLoadStatus(const QString &text)
{
    m_loadLabel->setText(text);
}

void MainWindow::updateCounts()
{
    m_countsLabel->setText(tr("%1 accepted · %2 duplicates · %3 rejected")
                               .arg(m_log->accepted())
                               .arg(m_log->duplicates())
                               .arg(m_log->rejected()));
}

} // namespace mm
