// SPDX-License-Identifier: GPL-3.0-or-later
#include "replayhistorypage.h"

#include "inspector/inspectortext.h"
#include "model/replayresultsmodel.h"
#include "replay/replaysession.h"
#include "replayresultsview.h"
#include "replaytext.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mm {

namespace {
QTableWidgetItem *item(const QString &text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto *cell = new QTableWidgetItem(text);
    cell->setTextAlignment(align);
    cell->setToolTip(text);
    return cell;
}

QTableWidgetItem *number(int value)
{
    auto *cell = new QTableWidgetItem;
    cell->setData(Qt::DisplayRole, value); // sorts as a number
    cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return cell;
}

QString took(const ReplayRunInfo &run)
{
    if (run.finishedUs <= 0)
        return ReplayHistoryPage::tr("unfinished");
    const double seconds = double(run.finishedUs - run.startedUs) / 1e6;
    if (seconds < 1)
        return ReplayHistoryPage::tr("%1 ms").arg(qRound(seconds * 1000));
    return seconds < 60 ? ReplayHistoryPage::tr("%1 s").arg(seconds, 0, 'f', 1)
                        : ReplayHistoryPage::tr("%1 min").arg(seconds / 60, 0, 'f', 1);
}
} // namespace

ReplayHistoryPage::ReplayHistoryPage(ReplaySession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_empty(
          new QLabel(tr("No replays yet. Runs appear here once started, with every request's answer."), this))
    , m_runs(new QTableWidget(0, ColumnCount, this))
    , m_runTitle(new QLabel(this))
    , m_requests(new ReplayResultsModel(this))
    , m_requestsView(new ReplayResultsView(m_requests, this))
{
    m_empty->setObjectName(QStringLiteral("historyEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_runs->setObjectName(QStringLiteral("runs"));
    m_runs->setHorizontalHeaderLabels({tr("Started"), tr("Target"), tr("Headers"), tr("Requests"),
                                       tr("Succeeded"), tr("Failed"), tr("Cancelled"), tr("Took")});
    m_runs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runs->setSelectionMode(QAbstractItemView::SingleSelection);
    m_runs->setAlternatingRowColors(true);
    m_runs->setWordWrap(false);
    m_runs->verticalHeader()->hide();
    m_runs->verticalHeader()->setDefaultSectionSize(m_runs->fontMetrics().height() + 8);
    m_runs->horizontalHeader()->setSectionResizeMode(Target, QHeaderView::Stretch);
    const int ch = fontMetrics().horizontalAdvance(u'0');
    m_runs->setColumnWidth(Started, 25 * ch);
    m_runs->setColumnWidth(Headers, 18 * ch);
    for (int c : {Requested, Succeeded, Failed, Cancelled, Took})
        m_runs->setColumnWidth(c, 10 * ch);
    m_runTitle->setObjectName(QStringLiteral("runTitle"));
    m_runTitle->setWordWrap(true);
    m_runTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("refreshHistory"));
    connect(refreshButton, &QPushButton::clicked, this, &ReplayHistoryPage::refresh);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_empty, 1);
    bar->addStretch(); // keeps the button its own size while the hint is hidden
    bar->addWidget(refreshButton);

    auto *lower = new QWidget(this);
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_runTitle);
    lowerLayout->addWidget(m_requestsView, 1);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_runs);
    splitter->addWidget(lower);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(session, &ReplaySession::runsLoaded, this, &ReplayHistoryPage::showRuns);
    connect(session, &ReplaySession::requestsLoaded, this, &ReplayHistoryPage::showRequests);
    connect(m_runs, &QTableWidget::itemSelectionChanged, this, &ReplayHistoryPage::onRunChosen);
    showRuns({});
}

void ReplayHistoryPage::refresh()
{
    m_session->loadRuns();
}

void ReplayHistoryPage::showRuns(const QList<ReplayRunInfo> &runs)
{
    const qint64 selected = m_shownRun;
    m_list = runs;
    const QSignalBlocker block(m_runs);
    m_runs->setSortingEnabled(false);
    m_runs->setRowCount(int(runs.size()));
    int selectRow = -1;
    for (int row = 0; row < runs.size(); ++row) {
        const ReplayRunInfo &run = runs.at(row);
        auto *started = item(inspect::localTimeUs(run.startedUs));
        started->setData(Qt::UserRole, run.id);
        m_runs->setItem(row, Started, started);
        m_runs->setItem(row, Target, item(run.target));
        m_runs->setItem(row, Headers, item(run.mode));
        m_runs->setItem(row, Requested, number(run.requested));
        m_runs->setItem(row, Succeeded, number(run.summary.succeeded));
        m_runs->setItem(row, Failed, number(run.summary.failed));
        m_runs->setItem(row, Cancelled, number(run.summary.cancelled));
        m_runs->setItem(row, Took, item(took(run), Qt::AlignRight | Qt::AlignVCenter));
        if (run.id == selected)
            selectRow = row;
    }
    m_empty->setVisible(runs.isEmpty());
    if (selectRow < 0 && !runs.isEmpty())
        selectRow = 0; // the newest run, until another is chosen
    if (selectRow >= 0) {
        m_runs->selectRow(selectRow);
        onRunChosen(); // its counts may have changed since: read its requests again
    } else {
        m_shownRun = 0;
        m_requests->clear();
        m_runTitle->clear();
    }
}

void ReplayHistoryPage::onRunChosen()
{
    const QList<QTableWidgetItem *> chosen = m_runs->selectedItems();
    if (chosen.isEmpty())
        return;
    const int row = chosen.first()->row();
    m_wantedRun = m_runs->item(row, Started)->data(Qt::UserRole).toLongLong();
    m_runTitle->setText(tr("Loading run %1…").arg(m_wantedRun));
    m_session->loadRequests(m_wantedRun);
}

void ReplayHistoryPage::showRequests(qint64 runId, const QList<ReplayResult> &requests)
{
    if (runId != m_wantedRun)
        return; // the answer to an earlier choice
    m_shownRun = runId;
    m_requests->setResults(requests);
    for (const ReplayRunInfo &run : std::as_const(m_list)) {
        if (run.id != runId)
            continue;
        m_runTitle->setText(tr("Run %1 to %2, %3: %4")
                                .arg(run.id)
                                .arg(run.target, run.mode,
                                     run.finishedUs > 0
                                         ? replaytext::summaryText(run.summary)
                                         : tr("not finished: still running, or the app stopped during it.")));
        break;
    }
    if (!requests.isEmpty())
        m_requestsView->selectSourceRow(0);
}

} // namespace mm
