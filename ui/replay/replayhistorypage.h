// SPDX-License-Identifier: GPL-3.0-or-later
// The replay history: past runs, newest first, and the requests of the one selected, read
// from the store through a ReplaySession (never directly).
#pragma once

#include "replay/replaystore.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace mm {

class ReplayResultsModel;
class ReplayResultsView;
class ReplaySession;

class ReplayHistoryPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayHistoryPage)

public:
    enum Column { Started, Target, Headers, Requested, Succeeded, Failed, Cancelled, Took, ColumnCount };

    ReplayHistoryPage(ReplaySession *session, QWidget *parent = nullptr);

    // Reads the runs again; the selected one stays selected when it is still listed.
    void refresh();
    QTableWidget *runsTable() const { return m_runs; }
    ReplayResultsModel *requests() const { return m_requests; }
    ReplayResultsView *requestsView() const { return m_requestsView; }
    // The run shown below the list, or 0.
    qint64 shownRun() const { return m_shownRun; }

private:
    void showRuns(const QList<ReplayRunInfo> &runs);
    void showRequests(qint64 runId, const QList<ReplayResult> &requests);
    void onRunChosen();

    ReplaySession *m_session;
    QList<ReplayRunInfo> m_list;
    QLabel *m_empty;
    QTableWidget *m_runs;
    QLabel *m_runTitle;
    ReplayResultsModel *m_requests;
    ReplayResultsView *m_requestsView;
    qint64 m_shownRun = 0;
    qint64 m_wantedRun = 0; // the run whose requests were asked for last
};

} // namespace mm
