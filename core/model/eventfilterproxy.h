// SPDX-License-Identifier: GPL-3.0-or-later
// Filters the event log with an EventFilter. Keeps the matching source rows in a
// vector, so a million rows refilter in one tight loop, and appends stay appends.
#pragma once

#include "eventfilter.h"

#include <QAbstractProxyModel>
#include <memory>
#include <vector>

namespace mm {

class EventLogModel;

class EventFilterProxy final : public QAbstractProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventFilterProxy)

public:
    explicit EventFilterProxy(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *source) override;
    void setFilter(const EventFilter &filter);
    const EventFilter &filter() const { return m_filter; }
    // What companies are called (must outlive the proxy; null: ids only). Call again when they
    // changed: the rows are filtered again when the filter looks at them.
    void setCompanyNames(const CompanyNames *names);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;

private:
    void refilter();
    CompiledEventFilter &compiled();
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);

    EventLogModel *m_source = nullptr;
    EventFilter m_filter;
    const CompanyNames *m_names = nullptr;
    std::unique_ptr<CompiledEventFilter> m_compiled;
    std::vector<quint32> m_rows; // source rows, ascending
    // Between a source removal's two signals: the matching rows it takes, [first, last).
    std::pair<size_t, size_t> m_removing {0, 0};
};

} // namespace mm
