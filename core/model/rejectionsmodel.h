// SPDX-License-Identifier: GPL-3.0-or-later
// Refused deliveries from the store's journal, newest last.
#pragma once

#include "store/records.h"

#include <QAbstractTableModel>

namespace mm {

class RejectionsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RejectionsModel)

public:
    enum Column { Time, Reason, MessageId, From, BodySize, ColumnCount };

    explicit RejectionsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRejections(QList<RejectionRecord> rejections);
    const RejectionRecord &at(int row) const { return m_rows.at(row); }

private:
    QList<RejectionRecord> m_rows;
};

} // namespace mm
