// SPDX-License-Identifier: GPL-3.0-or-later
#include "migrationlistmodel.h"

#include "modelroles.h"

#include <QDateTime>
#include <algorithm>

namespace mm {

namespace {
QString formatDuration(qint64 us)
{
    const qint64 s = us / 1000000;
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

} // namespace

MigrationListModel::MigrationListModel(const MigrationBook &book, const EventLog &log, QObject *parent)
    : QAbstractTableModel(parent)
    , m_book(book)
    , m_log(log)
    , m_published(book.size())
    , m_nowUs(QDateTime::currentMSecsSinceEpoch() * 1000)
{
}

int MigrationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_published);
}

int MigrationListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MigrationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Status:
        return tr("Status");
    case Id:
        return tr("Migration");
    case Company:
        return tr("Company");
    case Started:
        return tr("Started");
    case Duration:
        return tr("Duration");
    case TaskFailures:
        return tr("Task failures");
    case Events:
        return tr("Events");
    case Flags:
        return tr("Attention");
    default:
        return {};
    }
}

QString MigrationListModel::quietSentence(const Migration &m) const
{
    const QString silence = formatDuration(std::max<qint64>(0, m_nowUs - m.lastReceivedUs));
    if (m.status == MigrationStatus::NotStarted)
        return tr("Quiet: not started, and no event for %1. It may be waiting for the customer's login.")
            .arg(silence);
    return tr("Quiet: no event for %1 while working. Anon sends no progress events, so a long "
              "migration is often quiet; a task failure or its outcome is the next thing to expect.")
        .arg(silence);
}

bool MigrationListModel::isQuiet(const Migration &m) const
{
    return m.isQuiet(m_nowUs, m_thresholds.workingUs, m_thresholds.notStartedUs);
}

QVariant MigrationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Migration &m = m_book.at(index.row());
    const bool quiet = isQuiet(m);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Status:
            return statusDisplayName(m.status);
        case Id:
            return m.id;
        case Company:
            return m_names ? m_names->display(m.companyId) : m.companyId;
        case Started:
            return m.startedUs ? QDateTime::fromMSecsSinceEpoch(*m.startedUs / 1000)
                                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                               : QString();
        case Duration: {
            const auto d = m.durationUs(m_nowUs);
            return d ? formatDuration(*d) : QString();
        }
        case TaskFailures:
            return m.taskFailureCount;
        case Events:
            return m.eventCount;
        case Flags: {
            QStringList flags;
            if (quiet)
                flags.append(tr("quiet"));
            if (m.anomalies) {
                // Spelled out: no translation catalogue is loaded to pick the plural.
                const auto n = anomaliesIn(m.anomalies).size();
                flags.append(n == 1 ? tr("1 anomaly") : tr("%1 anomalies").arg(n));
            }
            return flags.join(QStringLiteral(", "));
        }
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == Company)
            return m.companyId.isEmpty()
                ? QVariant()
                : QVariant(m_names ? m_names->labelWithId(m.companyId) : m.companyId);
        if (index.column() == Flags || index.column() == Status) {
            QStringList lines = m.anomalySentences();
            if (quiet)
                lines.prepend(quietSentence(m));
            if (!m.failureMessage.isEmpty())
                lines.prepend(m.failureMessage);
            return lines.join(QLatin1Char('\n'));
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case Status:
            return int(m.status);
        case Started:
            return m.startedUs.value_or(0);
        case Duration:
            return m.durationUs(m_nowUs).value_or(-1);
        case TaskFailures:
            return m.taskFailureCount;
        case Events:
            return m.eventCount;
        case Flags:
            return (quiet ? 100 : 0) + int(anomaliesIn(m.anomalies).size());
        default:
            return data(index, Qt::DisplayRole);
        }
    case MigrationIdRole:
        return m.id;
    case CompanyIdRole:
        return m.companyId;
    case StatusRole:
        return int(m.status);
    case QuietRole:
        return quiet;
    case AnomalyCountRole:
        return int(anomaliesIn(m.anomalies).size());
    default:
        return {};
    }
}

void MigrationListModel::setQuietThresholds(const QuietThresholds &t)
{
    m_thresholds = t;
    if (m_published > 0)
        Q_EMIT dataChanged(index(0, 0), index(int(m_published) - 1, ColumnCount - 1));
}

void MigrationListModel::setNow(qint64 nowUs)
{
    m_nowUs = nowUs;
    if (m_published > 0)
        Q_EMIT dataChanged(index(0, Duration), index(int(m_published) - 1, Flags));
}

void MigrationListModel::setCompanyNames(const CompanyNames *names)
{
    m_names = names;
    if (m_published > 0)
        Q_EMIT dataChanged(index(0, Company), index(int(m_published) - 1, Company));
}

void MigrationListModel::publish()
{
    const qsizetype size = m_book.size();
    if (size <= m_published)
        return;
    beginInsertRows({}, int(m_published), int(size) - 1);
    m_published = size;
    endInsertRows();
}

void MigrationListModel::migrationChanged(qsizetype i)
{
    if (i >= 0 && i < m_published)
        Q_EMIT dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
}

void MigrationListModel::beginReplace()
{
    beginResetModel();
}

void MigrationListModel::endReplace()
{
    m_published = m_book.size();
    endResetModel();
}

void MigrationListModel::beginDrop(qsizetype first, qsizetype last)
{
    Q_ASSERT(first >= 0 && first <= last && last < m_published);
    beginRemoveRows({}, int(first), int(last));
    m_dropping = last - first + 1;
}

void MigrationListModel::endDrop()
{
    m_published -= std::exchange(m_dropping, 0);
    endRemoveRows();
}

MigrationFilterProxy::MigrationFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setDynamicSortFilter(true);
}

void MigrationFilterProxy::setFilter(const MigrationFilter &filter)
{
    m_filter = filter;
    invalidateFilter();
}

void MigrationFilterProxy::companyNamesChanged()
{
    if (m_filter.usesCompanyNames())
        invalidateFilter();
}

bool MigrationFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    const auto *model = qobject_cast<const MigrationListModel *>(sourceModel());
    if (!model || m_filter.isEmpty())
        return true;
    const Migration &m = model->book().at(sourceRow);
    return m_filter.matches(m, model->isQuiet(m), model->companyNames());
}

} // namespace mm
