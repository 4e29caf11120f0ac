// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventlogmodel.h"

#include "event/envelope.h"
#include "modelroles.h"

#include <QDateTime>

namespace mm {

EventLogModel::EventLogModel(const EventLog &log, QObject *parent)
    : QAbstractTableModel(parent)
    , m_log(log)
    , m_published(log.size())
{
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_published);
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Type:
        return tr("Type");
    case Migration:
        return tr("Migration");
    case Verdict:
        return tr("Verdict");
    case Attempts:
        return tr("Attempts");
    default:
        return {};
    }
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventRow &row = m_log.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(row.when() / 1000)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case Type:
            return m_log.type(row);
        case Migration:
            return m_log.migrationId(row);
        case Verdict:
            if (row.replayed)
                return tr("replayed");
            return row.attempts > 1 ? tr("accepted, retried") : tr("accepted");
        case Attempts:
            return int(row.attempts);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == Time)
            return tr("Event created %1, received %2")
                .arg(row.hasCreated() ? formatTimestampUs(row.createdUs) : tr("(not given)"),
                     formatTimestampUs(row.receivedUs));
        if (row.error)
            return m_log.error(row);
        return {};
    case SortRole:
        switch (index.column()) {
        case Time:
            return row.when();
        case Attempts:
            return int(row.attempts);
        default:
            return data(index, Qt::DisplayRole);
        }
    case RowIdRole:
        return row.storeRowId(); // a fed-back copy inspects, exports and replays its stored delivery
    case MigrationIdRole:
        return m_log.migrationId(row);
    case LogIndexRole:
        return index.row();
    case StatusRole:
        return int(row.status);
    default:
        return {};
    }
}

void EventLogModel::publish()
{
    const qsizetype size = m_log.size();
    if (size <= m_published)
        return;
    beginInsertRows({}, int(m_published), int(size) - 1);
    m_published = size;
    endInsertRows();
}

void EventLogModel::beginReplace()
{
    beginResetModel();
}

void EventLogModel::endReplace()
{
    m_published = m_log.size();
    endResetModel();
}

void EventLogModel::rowChanged(qsizetype logIndex)
{
    if (logIndex < m_published)
        Q_EMIT dataChanged(index(int(logIndex), Verdict), index(int(logIndex), Attempts));
}

void EventLogModel::beginDrop(qsizetype first, qsizetype last)
{
    Q_ASSERT(first >= 0 && first <= last && last < m_published);
    beginRemoveRows({}, int(first), int(last));
    m_dropping = last - first + 1;
}

void EventLogModel::endDrop()
{
    m_published -= std::exchange(m_dropping, 0);
    endRemoveRows();
}

} // namespace mm
