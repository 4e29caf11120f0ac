// SPDX-License-Identifier: GPL-3.0-or-later
#include "rejectionsmodel.h"

#include "modelroles.h"
#include "rejectiondiagnosis.h"

#include <QDateTime>

namespace mm {

RejectionsModel::RejectionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int RejectionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RejectionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RejectionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Reason:
        return tr("Why it was refused");
    case MessageId:
        return tr("Message");
    case From:
        return tr("From");
    case BodySize:
        return tr("Body bytes");
    default:
        return {};
    }
}

QVariant RejectionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RejectionRecord &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(r.receivedUs / 1000)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Reason:
            return diagnoseRejection(r, m_secretHints);
        case MessageId:
            return QString::fromLatin1(r.msgId);
        case From:
            return r.remote;
        case BodySize:
            return r.bodySize;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == Reason)
            return tr("The sender was told: %1").arg(r.reason);
        return {};
    case SortRole:
        switch (index.column()) {
        case Time:
            return r.receivedUs;
        case BodySize:
            return r.bodySize;
        default:
            return data(index, Qt::DisplayRole);
        }
    default:
        return {};
    }
}

void RejectionsModel::setRejections(QList<RejectionRecord> rejections)
{
    beginResetModel();
    m_rows = std::move(rejections);
    endResetModel();
}

void RejectionsModel::setSecretHints(const QStringList &hints)
{
    if (hints == m_secretHints)
        return;
    m_secretHints = hints;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, Reason), index(int(m_rows.size()) - 1, Reason));
}

RejectionFilterProxy::RejectionFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
}

void RejectionFilterProxy::setFilter(const RejectionFilter &filter)
{
    m_filter = filter;
    invalidateFilter();
}

bool RejectionFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *model = qobject_cast<const RejectionsModel *>(sourceModel());
    if (sourceParent.isValid() || !model)
        return false;
    return m_filter.isEmpty() || m_filter.matches(model->at(sourceRow));
}

} // namespace mm
