// SPDX-License-Identifier: GPL-3.0-or-later
// Settings → Companies: the companies known, their names (edited in place, saved to the store at
// once and shared with everyone who uses it), and CSV import and export for bulk.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace mm {

class CompanyDirectory;
class CompanyNamesModel;
class MigrationBook;

class CompaniesPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompaniesPage)

public:
    // directory and book must outlive the page.
    CompaniesPage(CompanyDirectory *directory, const MigrationBook &book, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    CompanyNamesModel *model() const { return m_model; }
    // What the last save, import or export said.
    QString status() const;
    // Imports or exports this file (the buttons ask for one first).
    void importFrom(const QString &path);
    void exportTo(const QString &path);

private:
    CompanyDirectory *m_directory;
    CompanyNamesModel *m_model;
    QTableView *m_table;
    QLabel *m_status;
};

} // namespace mm
