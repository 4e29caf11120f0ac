// SPDX-License-Identifier: GPL-3.0-or-later
// The store's side of replaying: which stored deliveries a replay sends (oldest first),
// and the replay history (one row per run, one per request). One connection per object,
// used from the thread that created it.
#pragma once

#include "outgoing.h"
#include "replayer.h"

#include <QList>
#include <QString>
#include <optional>

namespace mm {

class Store;

// What to replay: the listed rows, or (when rowIds is empty) every delivery matching all
// the given filters. No filter at all means every stored delivery.
struct ReplaySelection
{
    QList<qint64> rowIds;
    QString migrationId;
    QString type;
    std::optional<qint64> sinceUs; // received at or after
};

struct ReplayRunInfo
{
    qint64 id = 0;
    qint64 startedUs = 0;
    qint64 finishedUs = 0; // 0 while running, or when the app stopped mid-run
    QString target;
    QString mode;
    int requested = 0;
    ReplaySummary summary;
};

class ReplayStore final
{
public:
    explicit ReplayStore(const Store &store);
    ~ReplayStore();
    ReplayStore(const ReplayStore &) = delete;
    ReplayStore &operator=(const ReplayStore &) = delete;

    bool isOpen() const { return m_open; }
    QString error() const { return m_error; }

    std::optional<QList<OutgoingDelivery>> load(const ReplaySelection &selection);

    // "as received", "re-signed" or "re-signed, new ids", for the history.
    static QString modeName(const SigningChoice &signing);

    // Returns the run's id, or -1 (see error()).
    qint64 beginRun(const QString &target, const QString &mode, int requested);
    bool record(qint64 runId, const QList<ReplayResult> &results);
    bool finishRun(qint64 runId, const ReplaySummary &summary);
    QList<ReplayRunInfo> runs(int limit = 100);
    QList<ReplayResult> requests(qint64 runId);

private:
    QString m_connection;
    bool m_open = false;
    QString m_error;
};

} // namespace mm
