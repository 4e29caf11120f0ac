// SPDX-License-Identifier: GPL-3.0-or-later
#include "timelinemodel.h"

#include "event/envelope.h"
#include "failureadvice.h"
#include "modelroles.h"

#include <QDateTime>

namespace mm {

TimelineModel::TimelineModel(const MigrationBook &book, const EventLog &log, QObject *parent)
    : QAbstractTableModel(parent)
    , m_book(book)
    , m_log(log)
{
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Type:
        return tr("Event");
    case Status:
        return tr("Status");
    case Detail:
        return tr("Detail");
    case Attempts:
        return tr("Attempts");
    default:
        return {};
    }
}

const Migration *TimelineModel::migration() const
{
    const qsizetype i = m_book.indexOf(m_id);
    return i < 0 ? nullptr : &m_book.at(i);
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Migration::Event &e = m_events[size_t(index.row())];
    const EventRow &row = m_log.at(e.logIndex);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return formatTimestampUs(e.when);
        case Type:
            return m_log.type(row);
        case Status:
            return row.status == MigrationStatus::Unknown ? QString() : statusToString(row.status);
        case Detail: {
            QString detail = m_log.error(row);
            if (!row.taskId().isEmpty())
                detail = tr("task %1: %2").arg(EventLog::taskId(row), detail);
            return detail;
        }
        case Attempts:
            return int(row.attempts);
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        // The vendor's advice after a task failure, on every cell of its row.
        if (e.kind != EventKind::TaskFailed)
            return {};
        const QString detail = data(index.siblingAtColumn(Detail), Qt::DisplayRole).toString();
        const QString advice = partialExtractionAdvice(EventLog::taskId(row));
        return detail.isEmpty() ? advice : detail + u'\n' + advice;
    }
    case TaskIdRole:
        return e.kind == EventKind::TaskFailed ? EventLog::taskId(row) : QString();
    case SortRole:
        return index.column() == Time ? QVariant(e.when) : data(index, Qt::DisplayRole);
    case RowIdRole:
        return row.rowId;
    case LogIndexRole:
        return int(e.logIndex);
    case MigrationIdRole:
        return m_id;
    case StatusRole:
        return int(row.status);
    default:
        return {};
    }
}

void TimelineModel::setMigration(const QString &id)
{
    m_id = id;
    refresh();
    Q_EMIT migrationChosen(id);
}

void TimelineModel::refresh()
{
    beginResetModel();
    const Migration *m = migration();
    m_events = m ? m->events : std::vector<Migration::Event>();
    endResetModel();
}

TimelineFilterProxy::TimelineFilterProxy(const EventLog &log, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_log(log)
{
    setSortRole(SortRole);
    // A reset may mean a new log (a load from the store): recompile against it.
    connect(this, &QAbstractItemModel::modelAboutToBeReset, this, [this] { m_compiled.reset(); });
}

void TimelineFilterProxy::setFilter(const EventFilter &filter)
{
    m_filter = filter;
    m_compiled.reset();
    invalidateFilter();
}

void TimelineFilterProxy::setCompanyNames(const CompanyNames *names)
{
    m_names = names;
    m_compiled.reset();
    if (m_filter.usesCompanyNames())
        invalidateFilter();
}

bool TimelineFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || !sourceModel())
        return false;
    if (m_filter.isEmpty())
        return true;
    const QVariant logIndex = sourceModel()->index(sourceRow, 0).data(LogIndexRole);
    if (!logIndex.isValid())
        return false;
    // Compiled on first use after a change, against the log as it is then; strings the log
    // learns later are looked up directly (see CompiledEventFilter).
    if (!m_compiled)
        const_cast<TimelineFilterProxy *>(this)->m_compiled
            = std::make_unique<CompiledEventFilter>(m_filter, m_log, m_names);
    return m_compiled->matches(m_log.at(logIndex.toInt()));
}

} // namespace mm
