// SPDX-License-Identifier: GPL-3.0-or-later
// The forwarding log: the latest forward_queue rows as a table, fed by Forwarder's
// recentLoaded() (a reset) and entryUpdated() (batched every 100 ms), keyed by queue id.
#pragma once

#include "replay/forwarder.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>
#include <map>

namespace mm {

class ForwardLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ForwardLogModel)

public:
    enum Column { Time, MessageId, Type, Migration, Target, State, Tries, LastStatus, Error, ColumnCount };
    static constexpr int MaxRows = 1000;
    static constexpr int PublishIntervalMs = 100;

    explicit ForwardLogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const ForwardEntry &entry(int row) const { return m_rows.at(row); }

    // Rows waiting for their first or next try, and those of them whose last try failed.
    int pendingCount() const { return m_pending; }
    int failingCount() const { return m_failing; }
    // Rows given up on.
    int failedCount() const { return m_failed; }

public Q_SLOTS:
    // Replaces every row (the latest MaxRows, oldest first).
    void setEntries(const QList<mm::ForwardEntry> &entries);
    // A row changed or is new; shown with the others of the next 100 ms.
    void update(const mm::ForwardEntry &entry);
    // Applies what update() holds now.
    void publish();
    void clear() { setEntries({}); }

Q_SIGNALS:
    void countsChanged();

private:
    void recount();
    int rowOf(qint64 id) const;

    QList<ForwardEntry> m_rows; // by queue id, rising
    std::map<qint64, ForwardEntry> m_queued; // updates not yet shown, by queue id
    QTimer m_publish;
    int m_pending = 0;
    int m_failing = 0;
    int m_failed = 0;
};

} // namespace mm
