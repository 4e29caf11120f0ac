// SPDX-License-Identifier: GPL-3.0-or-later
#include "companynamesmodel.h"

#include "modelroles.h"

#include <QMap>

namespace mm {

CompanyNamesModel::CompanyNamesModel(CompanyDirectory *directory, const MigrationBook &book, QObject *parent)
    : QAbstractTableModel(parent)
    , m_directory(directory)
    , m_book(book)
{
    reload();
    connect(m_directory, &CompanyDirectory::changed, this, &CompanyNamesModel::reload);
}

void CompanyNamesModel::reload()
{
    QMap<QString, int> counts; // sorted by id
    for (qsizetype i = 0; i < m_book.size(); ++i) {
        const QString &id = m_book.at(i).companyId;
        if (!id.isEmpty())
            ++counts[id];
    }
    for (const CompanyName &n : m_directory->names().list())
        counts.insert(n.companyId, counts.value(n.companyId));
    beginResetModel();
    m_rows.clear();
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        m_rows.append(Row {it.key(), it.value()});
    endResetModel();
}

int CompanyNamesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CompanyNamesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CompanyNamesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return tr("Company id");
    case Name:
        return tr("Name");
    case Migrations:
        return tr("Migrations");
    default:
        return {};
    }
}

Qt::ItemFlags CompanyNamesModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == Name)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant CompanyNamesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case Id:
            return row.id;
        case Name:
            return m_directory->names().name(row.id);
        case Migrations:
            return row.migrations;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == Name ? tr("Double-click to name this company; clear the name to remove it.")
                                      : QVariant();
    case CompanyIdRole:
        return row.id;
    default:
        return {};
    }
}

bool CompanyNamesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid) || index.column() != Name)
        return false;
    const QString id = m_rows.at(index.row()).id;
    const QString name = value.toString().simplified();
    if (name == m_directory->names().name(id))
        return false;
    m_directory->setName(id, name); // changed() follows once the store has it
    return true;
}

} // namespace mm
