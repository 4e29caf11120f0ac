// SPDX-License-Identifier: GPL-3.0-or-later
// The migrations board: one row per migration, in order of first appearance.
#pragma once

#include "migrationbook.h"
#include "migrationfilter.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace mm {

class MigrationListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MigrationListModel)

public:
    enum Column { Status, Id, Company, Started, Duration, TaskFailures, Events, Flags, ColumnCount };

    MigrationListModel(const MigrationBook &book, const EventLog &log, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const MigrationBook &book() const { return m_book; }
    bool isQuiet(const Migration &m) const;
    // Why a quiet migration is flagged, in a sentence for its tooltip.
    QString quietSentence(const Migration &m) const;
    void setQuietThresholds(const QuietThresholds &t);
    void setNow(qint64 nowUs); // the clock for durations and quiet (a test can fix it)
    // What companies are called (must outlive the model; null: ids only). Call again when
    // they changed: the Company column is redrawn.
    void setCompanyNames(const CompanyNames *names);
    const CompanyNames *companyNames() const { return m_names; }

    void publish(); // migrations added to the book since the last call
    void migrationChanged(qsizetype index); // a known migration changed
    // The book is replaced wholesale (a load from the store): one model reset around it.
    void beginReplace();
    void endReplace();
    // Published migrations first..last leave the book (retention deleted all their events): the
    // caller erases them between the two calls.
    void beginDrop(qsizetype first, qsizetype last);
    void endDrop();

private:
    const MigrationBook &m_book;
    const EventLog &m_log;
    qsizetype m_published = 0;
    qsizetype m_dropping = 0; // rows between beginDrop() and endDrop()
    QuietThresholds m_thresholds;
    qint64 m_nowUs = 0;
    const CompanyNames *m_names = nullptr;
};

class MigrationFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MigrationFilterProxy)

public:
    explicit MigrationFilterProxy(QObject *parent = nullptr);
    void setFilter(const MigrationFilter &filter);
    const MigrationFilter &filter() const { return m_filter; }
    // The company names changed: filter again when the filter looks at them.
    void companyNamesChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    MigrationFilter m_filter;
};

} // namespace mm
