// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardlogmodel.h"

#include "modelroles.h"

#include <QDateTime>
#include <algorithm>

namespace mm {

namespace {
QString timeText(qint64 us)
{
    return us ? QDateTime::fromMSecsSinceEpoch(us / 1000).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
              : QString();
}
} // namespace

ForwardLogModel::ForwardLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    qRegisterMetaType<mm::ForwardEntry>();
    qRegisterMetaType<QList<mm::ForwardEntry>>();
    m_publish.setSingleShot(true);
    m_publish.setInterval(PublishIntervalMs);
    connect(&m_publish, &QTimer::timeout, this, &ForwardLogModel::publish);
}

int ForwardLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ForwardLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ForwardLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Queued");
    case MessageId:
        return tr("Message id");
    case Type:
        return tr("Type");
    case Migration:
        return tr("Migration");
    case Target:
        return tr("Target");
    case State:
        return tr("State");
    case Tries:
        return tr("Tries");
    case LastStatus:
        return tr("Last status");
    case Error:
        return tr("Error");
    default:
        return {};
    }
}

QVariant ForwardLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ForwardEntry &e = m_rows.at(index.row());
    const bool failing = e.state == QLatin1String("pending") && !e.lastError.isEmpty();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return timeText(e.enqueuedUs);
        case MessageId:
            return QString::fromLatin1(e.msgId);
        case Type:
            return e.type;
        case Migration:
            return e.migrationId;
        case Target:
            return e.target;
        case State:
            if (e.state == QLatin1String("pending"))
                return failing ? tr("retrying") : tr("pending");
            if (e.state == QLatin1String("delivered"))
                return tr("delivered");
            if (e.state == QLatin1String("failed"))
                return tr("gave up");
            return e.state;
        case Tries:
            return e.tries;
        case LastStatus:
            return e.lastStatus ? QVariant(e.lastStatus) : QVariant(e.tries ? tr("none") : QString());
        case Error:
            return e.lastError;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == State) {
            if (e.state == QLatin1String("pending"))
                return e.tries ? tr("Next try at %1").arg(timeText(e.nextUs))
                               : tr("Waiting for its first try");
            if (e.doneUs)
                return tr("Settled at %1").arg(timeText(e.doneUs));
        }
        if (index.column() == Error && !e.lastError.isEmpty())
            return e.lastError;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Tries || index.column() == LastStatus)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (index.column()) {
        case Time:
            return e.enqueuedUs;
        case Tries:
            return e.tries;
        case LastStatus:
            return e.lastStatus;
        default:
            return data(index, Qt::DisplayRole);
        }
    case RowIdRole:
        return e.deliveryId;
    case MigrationIdRole:
        return e.migrationId;
    default:
        return {};
    }
}

int ForwardLogModel::rowOf(qint64 id) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), id,
                                     [](const ForwardEntry &e, qint64 key) { return e.id < key; });
    return it != m_rows.cend() && it->id == id ? int(it - m_rows.cbegin()) : -1;
}

void ForwardLogModel::setEntries(const QList<ForwardEntry> &entries)
{
    m_publish.stop();
    beginResetModel();
    m_queued.clear();
    m_rows = entries;
    std::sort(m_rows.begin(), m_rows.end(),
              [](const ForwardEntry &a, const ForwardEntry &b) { return a.id < b.id; });
    if (m_rows.size() > MaxRows)
        m_rows.remove(0, m_rows.size() - MaxRows);
    endResetModel();
    recount();
}

void ForwardLogModel::update(const ForwardEntry &entry)
{
    m_queued[entry.id] = entry;
    if (!m_publish.isActive())
        m_publish.start();
}

void ForwardLogModel::publish()
{
    m_publish.stop();
    if (m_queued.empty())
        return;
    QList<ForwardEntry> tail; // newer than every row shown: appended together
    for (auto &[id, entry] : m_queued) {
        if (const int row = rowOf(id); row >= 0) {
            m_rows[row] = std::move(entry);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            continue;
        }
        if (m_rows.isEmpty() || id > m_rows.last().id) {
            tail.append(std::move(entry));
            continue;
        }
        // An older row not shown (a retry of one from before the latest MaxRows, say).
        if (m_rows.size() >= MaxRows && id < m_rows.first().id)
            continue;
        const auto at = std::lower_bound(m_rows.cbegin(), m_rows.cend(), id,
                                         [](const ForwardEntry &e, qint64 key) { return e.id < key; });
        const int row = int(at - m_rows.cbegin());
        beginInsertRows({}, row, row);
        m_rows.insert(row, std::move(entry));
        endInsertRows();
    }
    m_queued.clear();
    if (!tail.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + tail.size()) - 1);
        m_rows.append(std::move(tail));
        endInsertRows();
    }
    if (m_rows.size() > MaxRows) {
        const int excess = int(m_rows.size()) - MaxRows;
        beginRemoveRows({}, 0, excess - 1);
        m_rows.remove(0, excess);
        endRemoveRows();
    }
    recount();
}

void ForwardLogModel::recount()
{
    int pending = 0;
    int failing = 0;
    int failed = 0;
    for (const ForwardEntry &e : std::as_const(m_rows)) {
        if (e.state == QLatin1String("pending")) {
            ++pending;
            if (!e.lastError.isEmpty())
                ++failing;
        } else if (e.state == QLatin1String("failed")) {
            ++failed;
        }
    }
    if (pending == m_pending && failing == m_failing && failed == m_failed)
        return;
    m_pending = pending;
    m_failing = failing;
    m_failed = failed;
    Q_EMIT countsChanged();
}

} // namespace mm
