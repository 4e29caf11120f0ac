// SPDX-License-Identifier: GPL-3.0-or-later
#include "requestlogmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace mm {

RequestLogModel::RequestLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Status:
        return tr("HTTP");
    case Verdict:
        return tr("Verdict");
    case MessageId:
        return tr("Message");
    case Type:
        return tr("Event type");
    case Remote:
        return tr("From");
    default:
        return {};
    }
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const DeliveryLogEntry &e = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(e.atUs / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
        case Status:
            return e.status;
        case Verdict:
            return e.verdict;
        case MessageId:
            return QString::fromLatin1(e.msgId);
        case Type:
            return e.type;
        case Remote:
            return e.remote;
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Verdict) {
        if (e.status >= 400)
            return QBrush(QColor(0xc0, 0x39, 0x2b));
        if (e.verdict == QLatin1String("duplicate"))
            return QBrush(QColor(0x7f, 0x8c, 0x8d));
    }
    return {};
}

void RequestLogModel::append(const QList<DeliveryLogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    for (const DeliveryLogEntry &e : entries) {
        if (e.verdict == QLatin1String("accepted"))
            ++m_accepted;
        else if (e.verdict == QLatin1String("duplicate"))
            ++m_duplicates;
        else if (e.status == 401)
            ++m_rejected;
    }
    const int overflow = int(m_rows.size() + entries.size()) - MaxRows;
    if (overflow > 0) {
        const int drop = std::min(overflow, int(m_rows.size()));
        beginRemoveRows({}, 0, drop - 1);
        m_rows.remove(0, drop);
        endRemoveRows();
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + entries.size()) - 1);
    m_rows.append(entries);
    endInsertRows();
    Q_EMIT countsChanged();
}

} // namespace mm
