// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventfilterproxy.h"

#include "eventlogmodel.h"

#include <algorithm>

namespace mm {

EventFilterProxy::EventFilterProxy(QObject *parent)
    : QAbstractProxyModel(parent)
{
}

void EventFilterProxy::setSourceModel(QAbstractItemModel *source)
{
    auto *model = qobject_cast<EventLogModel *>(source);
    Q_ASSERT(model || !source); // built for EventLogModel's append-only rows
    beginResetModel();
    if (m_source)
        m_source->disconnect(this);
    QAbstractProxyModel::setSourceModel(model);
    m_source = model;
    if (m_source) {
        connect(m_source, &QAbstractItemModel::rowsInserted, this, &EventFilterProxy::onRowsInserted);
        connect(m_source, &QAbstractItemModel::modelAboutToBeReset, this, [this] { beginResetModel(); });
        connect(m_source, &QAbstractItemModel::modelReset, this, [this] {
            m_compiled.reset();
            refilter();
            endResetModel();
        });
        connect(m_source, &QAbstractItemModel::dataChanged, this, &EventFilterProxy::onDataChanged);
        connect(m_source, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                &EventFilterProxy::onRowsAboutToBeRemoved);
        connect(m_source, &QAbstractItemModel::rowsRemoved, this, &EventFilterProxy::onRowsRemoved);
        // Same rows, new string indexes: compile again when next needed.
        connect(m_source, &EventLogModel::stringsCompacted, this, [this] { m_compiled.reset(); });
    }
    m_compiled.reset();
    refilter();
    endResetModel();
}

void EventFilterProxy::setFilter(const EventFilter &filter)
{
    beginResetModel();
    m_filter = filter;
    m_compiled.reset();
    refilter();
    endResetModel();
}

void EventFilterProxy::setCompanyNames(const CompanyNames *names)
{
    m_names = names;
    if (m_filter.usesCompanyNames())
        setFilter(m_filter); // else the next setFilter() compiles with them
}

CompiledEventFilter &EventFilterProxy::compiled()
{
    if (!m_compiled)
        m_compiled = std::make_unique<CompiledEventFilter>(m_filter, m_source->log(), m_names);
    return *m_compiled;
}

void EventFilterProxy::refilter()
{
    m_rows.clear();
    if (!m_source)
        return;
    m_rows = compiled().matching(0, m_source->rowCount());
}

void EventFilterProxy::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const auto from = std::lower_bound(m_rows.begin(), m_rows.end(), quint32(first));
    const auto to = std::upper_bound(from, m_rows.end(), quint32(last));
    m_removing = {size_t(from - m_rows.begin()), size_t(to - m_rows.begin())};
    if (from != to)
        beginRemoveRows({}, int(m_removing.first), int(m_removing.second) - 1);
}

void EventFilterProxy::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const auto [from, to] = std::exchange(m_removing, {0, 0});
    m_rows.erase(m_rows.begin() + qsizetype(from), m_rows.begin() + qsizetype(to));
    const auto gone = quint32(last - first + 1);
    for (size_t i = from; i < m_rows.size(); ++i)
        m_rows[i] -= gone;
    if (from != to)
        endRemoveRows();
}

void EventFilterProxy::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    // Strings new to the log (a new type or migration) are not in the compiled tables;
    // CompiledEventFilter checks those directly, so no recompilation is needed here.
    std::vector<quint32> added = compiled().matching(first, last + 1);
    if (added.empty())
        return;
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at + int(added.size()) - 1);
    m_rows.insert(m_rows.end(), added.begin(), added.end());
    endInsertRows();
}

void EventFilterProxy::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                     const QList<int> &roles)
{
    // A changed attempt count can move a row in or out of an outcome filter: refilter
    // then (rare); otherwise forward the change.
    if (m_filter.outcome != EventFilter::Outcome::Any) {
        setFilter(m_filter);
        return;
    }
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        const QModelIndex proxy = mapFromSource(m_source->index(row, topLeft.column()));
        if (proxy.isValid())
            Q_EMIT dataChanged(proxy, index(proxy.row(), bottomRight.column()), roles);
    }
}

QModelIndex EventFilterProxy::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex EventFilterProxy::parent(const QModelIndex &) const
{
    return {};
}

int EventFilterProxy::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

bool EventFilterProxy::hasChildren(const QModelIndex &parent) const
{
    // A flat table: only the root has children, and only the matching rows count.
    return !parent.isValid() && !m_rows.empty();
}

int EventFilterProxy::columnCount(const QModelIndex &parent) const
{
    return (parent.isValid() || !m_source) ? 0 : m_source->columnCount();
}

QModelIndex EventFilterProxy::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !m_source || size_t(proxyIndex.row()) >= m_rows.size())
        return {};
    return m_source->index(int(m_rows[size_t(proxyIndex.row())]), proxyIndex.column());
}

QModelIndex EventFilterProxy::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid())
        return {};
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), quint32(sourceIndex.row()));
    if (it == m_rows.end() || *it != quint32(sourceIndex.row()))
        return {};
    return createIndex(int(it - m_rows.begin()), sourceIndex.column());
}

} // namespace mm
