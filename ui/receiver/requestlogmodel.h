// SPDX-License-Identifier: GPL-3.0-or-later
// The Receiver tab's request log: every request the receiver handled (DeliveryLogEntry) with
// its verdict as it happens (accepted, duplicate, rejected, refused), newest last. Rows
// arrive in batches from the receiver thread. Not the event log (EventLog, EventLogModel).
#pragma once

#include "receiver/receiver.h"

#include <QAbstractTableModel>

namespace mm {

class RequestLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestLogModel)

public:
    enum Column { Time, Status, Verdict, MessageId, Type, Remote, ColumnCount };
    static constexpr int MaxRows = 100000; // oldest rows drop out beyond this

    explicit RequestLogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void append(const QList<DeliveryLogEntry> &entries);

    qint64 accepted() const { return m_accepted; }
    qint64 duplicates() const { return m_duplicates; }
    qint64 rejected() const { return m_rejected; }

Q_SIGNALS:
    void countsChanged();

private:
    QList<DeliveryLogEntry> m_rows;
    qint64 m_accepted = 0;
    qint64 m_duplicates = 0;
    qint64 m_rejected = 0;
};

} // namespace mm
