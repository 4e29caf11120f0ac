// SPDX-License-Identifier: GPL-3.0-or-later
// Reads the store for the model and the views: the facts of every delivery at start-up,
// and single bodies, attempts, rejections and listening intervals on demand. One
// connection per reader, used from the thread that created the reader.
#pragma once

#include "model/downtime.h"
#include "records.h"

#include <QString>
#include <functional>
#include <optional>

namespace mm {

struct AttemptInfo
{
    int seq = 1;
    qint64 receivedUs = 0;
    qint64 timestampHeader = 0;
    QString remote;
    QString userAgent;
    int secretIndex = -1;
    // The attempt's request headers as received, signature values masked. Empty for
    // attempts stored before schema version 2.
    QList<QPair<QByteArray, QByteArray>> headers;
};

// Everything the inspector shows for one stored delivery, read on demand.
struct DeliveryDetail
{
    qint64 rowId = 0;
    QByteArray msgId;
    QByteArray body; // byte-exact as received
    bool found = false; // false: no such delivery, or the store could not be read (see error)
    QString error;
    QList<AttemptInfo> attempts; // oldest first; attempts.first() is the first receipt
};

class StoreReader final
{
public:
    // Opens the store at dataDir (it must exist). On failure isOpen() is false and
    // error() says why.
    explicit StoreReader(const QString &dataDir);
    ~StoreReader();
    StoreReader(const StoreReader &) = delete;
    StoreReader &operator=(const StoreReader &) = delete;

    bool isOpen() const { return m_open; }
    QString error() const { return m_error; }

    // Every delivery with rowId > afterRowId, oldest first, in batches. Returns the number
    // read, or -1 on error.
    qint64 loadFacts(const std::function<void(QList<EventFacts> &&)> &batch, qint64 afterRowId = 0,
                     int batchSize = 4096);
    qint64 deliveryCount();

    std::optional<QByteArray> body(qint64 rowId);
    QList<AttemptInfo> attempts(qint64 rowId);
    DeliveryDetail detail(qint64 rowId);
    QList<RejectionRecord> rejections(int limit = 10000);
    QList<ListenInterval> listenIntervals();

private:
    QString m_connection;
    QString m_path;
    bool m_open = false;
    QString m_error;
};

} // namespace mm

Q_DECLARE_METATYPE(mm::DeliveryDetail)
