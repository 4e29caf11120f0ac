// SPDX-License-Identifier: GPL-3.0-or-later
// The board's "Name this company…": asks for a name for the current migration's company and
// hands it to the CompanyDirectory, which writes it through the store.
#pragma once

#include <QObject>

class QAction;
class QTableView;
class QWidget;

namespace mm {

class CompanyDirectory;

class CompanyActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompanyActions)

public:
    // board: the migrations board (its current row, its context menu); directory must outlive this.
    CompanyActions(QWidget *window, QTableView *board, CompanyDirectory *directory);

    QAction *nameAction() const { return m_name; }
    // The current row's company id, or empty.
    QString currentCompany() const;
    // Asks for the current company's name (an empty one removes it) and saves it.
    void nameCurrent();

Q_SIGNALS:
    void message(const QString &text);

private:
    void updateEnabled();

    QWidget *m_window;
    QTableView *m_board;
    CompanyDirectory *m_directory;
    QAction *m_name;
};

} // namespace mm
