// SPDX-License-Identifier: GPL-3.0-or-later
// The event log as a flat, append-only table over the EventLog. New rows become
// visible in batches (publish()), never one by one.
#pragma once

#include "eventlog.h"

#include <QAbstractTableModel>

namespace mm {

class EventLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)

public:
    enum Column { Time, Type, Migration, Verdict, Attempts, ColumnCount };

    explicit EventLogModel(const EventLog &log, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const EventLog &log() const { return m_log; }

    // Makes rows appended to the log since the last call visible (one insert).
    void publish();
    // The log is replaced wholesale (a load from the store): one model reset around it.
    void beginReplace();
    void endReplace();
    // An existing row changed (a new attempt of a known delivery).
    void rowChanged(qsizetype logIndex);
    // Published rows first..last leave the log (retention deleted them): the caller erases them
    // from the log between the two calls.
    void beginDrop(qsizetype first, qsizetype last);
    void endDrop();
    // The log re-interned its strings (EventLog::compactStrings): filters compiled against the
    // old indexes must be compiled again. Rows and their order are unchanged.
    void noteStringsCompacted() { Q_EMIT stringsCompacted(); }

Q_SIGNALS:
    void stringsCompacted();

private:
    const EventLog &m_log;
    qsizetype m_published = 0;
    qsizetype m_dropping = 0; // rows between beginDrop() and endDrop()
};

} // namespace mm
