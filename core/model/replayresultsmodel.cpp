// SPDX-License-Identifier: GPL-3.0-or-later
#include "replayresultsmodel.h"

#include "modelroles.h"

namespace mm {

ReplayResultsModel::ReplayResultsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_publish.setSingleShot(true);
    m_publish.setInterval(PublishIntervalMs);
    connect(&m_publish, &QTimer::timeout, this, &ReplayResultsModel::publish);
}

int ReplayResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ReplayResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReplayResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Status:
        return tr("Status");
    case Latency:
        return tr("Latency");
    case MessageIds:
        return tr("Message id");
    case Type:
        return tr("Type");
    case Migration:
        return tr("Migration");
    case Tries:
        return tr("Tries");
    case Error:
        return tr("Error");
    default:
        return {};
    }
}

QString ReplayResultsModel::statusText(const ReplayResult &r)
{
    if (r.cancelled)
        return tr("cancelled");
    if (r.status == 0)
        return r.tries == 0 ? tr("not sent") : tr("no answer");
    return QString::number(r.status);
}

QVariant ReplayResultsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReplayResult &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Status:
            return statusText(r);
        case Latency:
            return r.tries == 0 || r.cancelled ? QString()
                                               : tr("%1 ms").arg(double(r.latencyUs) / 1000.0, 0, 'f', 1);
        case MessageIds: {
            const QString original = QString::fromLatin1(r.originalMsgId);
            const QString sent = QString::fromLatin1(r.sentMsgId);
            if (sent.isEmpty() || sent == original)
                return original.isEmpty() ? sent : original;
            return original.isEmpty() ? sent : tr("%1 → %2").arg(original, sent);
        }
        case Type:
            return r.type;
        case Migration:
            return r.migrationId;
        case Tries:
            return r.tries;
        case Error:
            return r.error;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == Error && !r.error.isEmpty())
            return r.error;
        if (index.column() == MessageIds && !r.sentMsgId.isEmpty() && r.sentMsgId != r.originalMsgId)
            return tr("Sent as %1").arg(QString::fromLatin1(r.sentMsgId));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Latency || index.column() == Tries)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (index.column()) {
        case Status:
            return r.cancelled ? -1 : r.status;
        case Latency:
            return r.latencyUs;
        case Tries:
            return r.tries;
        default:
            return data(index, Qt::DisplayRole);
        }
    case RowIdRole:
        return r.rowId;
    case MigrationIdRole:
        return r.migrationId;
    default:
        return {};
    }
}

void ReplayResultsModel::append(const ReplayResult &result)
{
    m_pending.append(result);
    if (!m_publish.isActive())
        m_publish.start();
}

void ReplayResultsModel::publish()
{
    m_publish.stop();
    if (m_pending.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + m_pending.size()) - 1);
    m_rows.append(std::exchange(m_pending, {}));
    endInsertRows();
}

void ReplayResultsModel::setResults(const QList<ReplayResult> &results)
{
    m_publish.stop();
    beginResetModel();
    m_pending.clear();
    m_rows = results;
    endResetModel();
}

} // namespace mm
