// SPDX-License-Identifier: GPL-3.0-or-later
// Reads the store for the model and the views: the facts of every delivery at start-up,
// and single bodies, attempts, rejections and listening intervals on demand. One
// connection per reader, used from the thread that created the reader.
#pragma once

#include "records.h"

#include <QString>
#include <functional>
#include <optional>

namespace mm {

class Store;

class StoreReader final
{
public:
    // Opens a connection to the store (it must exist) for the calling thread. On failure
    // isOpen() is false and error() says why.
    explicit StoreReader(const Store &store);
    ~StoreReader();
    StoreReader(const StoreReader &) = delete;
    StoreReader &operator=(const StoreReader &) = delete;

    bool isOpen() const { return m_open; }
    QString error() const { return m_error; }

    // Every delivery with rowId > afterRowId, oldest first, in batches. Returns the number
    // read, or -1 on error.
    qint64 loadFacts(const std::function<void(QList<EventFacts> &&)> &batch, qint64 afterRowId = 0,
                     int batchSize = 4096);
    // The facts of these deliveries (those still stored), oldest first; nullopt on error (error()
    // says why).
    std::optional<QList<EventFacts>> factsOf(QList<qint64> rowIds);
    // The newest `limit` deliveries with rowId < beforeRowId, newest first; nullopt on error.
    std::optional<QList<EventFacts>> factsBefore(qint64 beforeRowId, int limit);
    qint64 deliveryCount();
    // How many deliveries are stored and the highest row id among them, read at one instant
    // ({-1, 0} on error).
    std::pair<qint64, qint64> deliveryCountAndHighest();

    std::optional<QByteArray> body(qint64 rowId);
    QList<AttemptInfo> attempts(qint64 rowId);
    DeliveryDetail detail(qint64 rowId);
    QList<RejectionRecord> rejections(int limit = 10000);
    QList<ListenInterval> listenIntervals();
    // Every company name (CompanyNameStore); nullopt with error() when they cannot be read.
    std::optional<QList<CompanyName>> companyNames();

private:
    // Which rows: id > after, and, when set, id in only, or the newest `newest` below `before`.
    struct Range
    {
        qint64 after = 0;
        const QList<qint64> *only = nullptr;
        qint64 before = 0; // 0: no upper bound
        int newest = 0; // > 0: newest first, at most this many
    };
    static QByteArray rangeSql(const Range &range);
    qint64 loadFactsWhere(const std::function<void(QList<EventFacts> &&)> &batch, const Range &range,
                          int batchSize);
    qint64 loadFactsWithQtSql(const std::function<void(QList<EventFacts> &&)> &batch, const Range &range,
                              int batchSize);

    QString m_connection;
    QString m_path;
    bool m_postgres = false;
    bool m_open = false;
    QString m_error;
};

} // namespace mm
