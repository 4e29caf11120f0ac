// SPDX-License-Identifier: GPL-3.0-or-later
// The requests of one replay as a table: those of a run under way (appended in batches)
// or of a past run read from the history.
#pragma once

#include "replay/replayer.h"

#include <QAbstractTableModel>
#include <QTimer>

namespace mm {

class ReplayResultsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayResultsModel)

public:
    enum Column { Status, Latency, MessageIds, Type, Migration, Tries, Error, ColumnCount };
    static constexpr int PublishIntervalMs = 100;

    explicit ReplayResultsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Shown within PublishIntervalMs, with others that arrived meanwhile.
    void append(const ReplayResult &result);
    // Makes what append() holds visible now.
    void publish();
    // Replaces every row (one reset).
    void setResults(const QList<ReplayResult> &results);
    void clear() { setResults({}); }

    const ReplayResult &result(int row) const { return m_rows.at(row); }

    // "200", "no answer", "cancelled": what the Status column says.
    static QString statusText(const ReplayResult &result);

private:
    QList<ReplayResult> m_rows;
    QList<ReplayResult> m_pending;
    QTimer m_publish;
};

} // namespace mm
