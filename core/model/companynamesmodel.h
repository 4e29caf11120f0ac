// SPDX-License-Identifier: GPL-3.0-or-later
// The companies Settings lists: every company the board knows or the store names, its name
// (editable: an edit asks the CompanyDirectory, which writes through the store) and how many
// migrations it has.
#pragma once

#include "companydirectory.h"
#include "migrationbook.h"

#include <QAbstractTableModel>

namespace mm {

class CompanyNamesModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompanyNamesModel)

public:
    enum Column { Id, Name, Migrations, ColumnCount };

    // Both must outlive the model.
    CompanyNamesModel(CompanyDirectory *directory, const MigrationBook &book, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Editing a name writes it to the store; the row shows it once the store has it.
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    // Lists the companies again (the book may know new ones).
    void reload();

private:
    struct Row
    {
        QString id;
        int migrations = 0;
    };
    CompanyDirectory *m_directory;
    const MigrationBook &m_book;
    QList<Row> m_rows;
};

} // namespace mm
