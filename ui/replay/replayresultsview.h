// SPDX-License-Identifier: GPL-3.0-or-later
// A replay's requests as a sortable table above the selected one's details: status,
// latency, tries, the error, and the first 4 KiB of the answer.
#pragma once

#include <QWidget>

class QPlainTextEdit;
class QSortFilterProxyModel;
class QTableView;

namespace mm {

class ReplayResultsModel;

class ReplayResultsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayResultsView)

public:
    explicit ReplayResultsView(ReplayResultsModel *model, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    // What the details pane shows now.
    QString detailsText() const;
    // Selects the row of the model (not the sorted view) and shows its details.
    void selectSourceRow(int row);

private:
    void showCurrent();

    ReplayResultsModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QTableView *m_table;
    QPlainTextEdit *m_details;
};

} // namespace mm
