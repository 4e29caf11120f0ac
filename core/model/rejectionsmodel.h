// SPDX-License-Identifier: GPL-3.0-or-later
// Refused deliveries from the store's journal, newest last.
#pragma once

#include "rejectionfilter.h"
#include "store/records.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QStringList>

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
    // The last four characters of each configured secret, for the diagnoses.
    void setSecretHints(const QStringList &hints);
    const RejectionRecord &at(int row) const { return m_rows.at(row); }

private:
    QList<RejectionRecord> m_rows;
    QStringList m_secretHints;
};

// Filters and sorts the rejections with a RejectionFilter.
class RejectionFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RejectionFilterProxy)

public:
    explicit RejectionFilterProxy(QObject *parent = nullptr);
    void setFilter(const RejectionFilter &filter);
    const RejectionFilter &filter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    RejectionFilter m_filter;
};

} // namespace mm
