// SPDX-License-Identifier: GPL-3.0-or-later
// One migration's events in the order they happened, for the timeline and its list.
#pragma once

#include "eventfilter.h"
#include "migrationbook.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <memory>

namespace mm {

class TimelineModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineModel)

public:
    enum Column { Time, Type, Status, Detail, Attempts, ColumnCount };

    TimelineModel(const MigrationBook &book, const EventLog &log, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setMigration(const QString &id);
    QString migrationId() const { return m_id; }
    const Migration *migration() const;
    // The book changed this migration: rebuild the rows.
    void refresh();

Q_SIGNALS:
    // setMigration() chose another migration (MonitorModel thaws a frozen one).
    void migrationChosen(const QString &id);

private:
    const MigrationBook &m_book;
    const EventLog &m_log;
    QString m_id;
    std::vector<Migration::Event> m_events;
};

// Filters one migration's timeline with the event log's rules (EventFilter).
class TimelineFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineFilterProxy)

public:
    TimelineFilterProxy(const EventLog &log, QObject *parent = nullptr);
    void setFilter(const EventFilter &filter);
    const EventFilter &filter() const { return m_filter; }
    // As EventFilterProxy::setCompanyNames.
    void setCompanyNames(const CompanyNames *names);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    const EventLog &m_log;
    EventFilter m_filter;
    const CompanyNames *m_names = nullptr;
    std::unique_ptr<CompiledEventFilter> m_compiled;
};

} // namespace mm
