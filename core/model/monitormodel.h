// SPDX-License-Identifier: GPL-3.0-or-later
// The migration model on the GUI thread: the event log and the migrations built from
// it, the item models over them, live ingestion (published every 100 ms at most), the
// load from the store (on the store's reader thread) and quiet checks on a timer. The
// store is injected; without one, every read reports that there is no store.
#pragma once

#include "companydirectory.h"
#include "downtime.h"
#include "eventfilterproxy.h"
#include "eventlogmodel.h"
#include "memorycap.h"
#include "migrationbook.h"
#include "migrationlistmodel.h"
#include "rejectionsmodel.h"
#include "store/jsonlimporter.h"
#include "store/records.h"
#include "timelinemodel.h"

#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>
#include <optional>

namespace mm {

class Store;

// How a JSON Lines import went, for MonitorModel::importFinished().
struct ImportReport
{
    QString path;
    std::optional<JsonlImporter::Result> result; // nullopt: the file or the store could not be used
    QString error; // why, when result is nullopt
    // "Imported 12, 3 already stored, 1 unreadable line (first: line 3: …)" or the error.
    QString summary() const;
};

class MonitorModel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitorModel)

public:
    // store must outlive the model.
    explicit MonitorModel(Store *store = nullptr, QObject *parent = nullptr);
    ~MonitorModel() override;

    const EventLog &log() const { return m_log; }
    const MigrationBook &book() const { return m_book; }
    EventLogModel *events() { return &m_events; }
    EventFilterProxy *filteredEvents() { return &m_filteredEvents; }
    MigrationListModel *migrations() { return &m_migrations; }
    MigrationFilterProxy *filteredMigrations() { return &m_filteredMigrations; }
    TimelineModel *timeline() { return &m_timeline; }
    TimelineFilterProxy *filteredTimeline() { return &m_filteredTimeline; }
    RejectionsModel *rejections() { return &m_rejections; }
    RejectionFilterProxy *filteredRejections() { return &m_filteredRejections; }
    // Company names (read with the store, re-read when the store says they changed): the board
    // shows them and the filters match them.
    CompanyDirectory *companies() { return &m_companies; }

    // Reads every stored delivery on the store's reader thread; the models fill in one reset
    // when it is done. Deliveries ingested meanwhile are kept and applied after it.
    void loadFromStore();
    bool isLoading() const { return m_loading; }

    // Re-reads the rejection journal (at most the last 10,000) on the reader thread;
    // rejectionsRefreshed() follows.
    void refreshRejections();
    // Re-reads the receiver's listening intervals on the reader thread and works out the
    // gaps between them; downtimeChanged() follows.
    void refreshDowntime();
    const QList<DowntimeGap> &downtime() const { return m_downtime; }
    // The receivers writing to the store that were listening when the intervals were last read.
    const QList<ReceiverPresence> &receivers() const { return m_receivers; }

    // Reads one delivery's body, headers and attempts on the reader thread;
    // detailReady() follows (also when it was not found).
    // Returns the request's number, carried back in DeliveryDetail::request so a caller can
    // keep only the answer to its latest request.
    quint64 requestDetail(qint64 rowId);
    // Writes these deliveries as JSON Lines (the --export format) or HAR to path on the
    // reader thread, owner-only, replacing the file only when all is written;
    // exportFinished() follows. monitormodeljobs.cpp, as are the jobs below.
    enum class ExportFormat { JsonLines, Har };
    void exportRows(const QList<qint64> &rowIds, const QString &path,
                    ExportFormat format = ExportFormat::JsonLines);
    // Every stored delivery, the same way.
    void exportAll(const QString &path, ExportFormat format);
    // Imports a JSON Lines file (the --export format) through the store's writer, on the
    // reader thread; importFinished() follows. The deliveries it adds arrive like live ones,
    // through the writer's committed() signal and ingest().
    void importJsonl(const QString &path);
    // Feeds these stored deliveries back in as if they had just arrived, marked replayed:
    // migrations are rebuilt and reinjected() lets the alert rules look at them again.
    // reinjectFinished() follows.
    void reinject(const QList<qint64> &rowIds);
    // The stored deliveries (row ids, oldest first) of a migration, fed-back copies left out.
    QList<qint64> rowIdsOfMigration(const QString &migrationId) const;

    // At most this many event-log rows in memory (0: no cap). Above it the least recently used
    // migrations are frozen (MemoryCap): they stay on the board with their state, their rows
    // leave memory, and the timeline, a late event or loadOlder() read them back on demand.
    void setMemoryCap(qsizetype rows);
    const MemoryCap &memoryCap() const { return m_cap; }
    // Reads up to count of the newest stored deliveries not in memory (below the last page read)
    // into the event log, in their place; olderLoaded() follows.
    void loadOlder(int count);
    // Reads a frozen migration's deliveries back (memory cap) so the event log can show them, as
    // when the filter names it; migrationUpdated() follows. Nothing to do for one in memory.
    void bringBack(const QString &migrationId);
    // Whether an eviction left stored deliveries that loadOlder() can bring back.
    bool canLoadOlder() const { return m_pageBefore > 1; }
    // Deliveries in the store, once a memory cap made the model count them (-1: not counted).
    // Kept up to date with arrivals between counts.
    qint64 storedCount() const { return m_storedCount; }

    void setQuietThresholds(const QuietThresholds &thresholds);
    // Checks for quiet migrations now (the timer does it every minute).
    void checkQuiet();

public Q_SLOTS:
    // Facts from StoreWriter::committed. Applied at once; made visible in batches. A large
    // batch (an import's transaction) is applied with one model reset instead.
    void ingest(const QList<mm::EventFacts> &facts);
    // Retention deleted these stored deliveries (row ids, RetentionWorker's report): their rows
    // leave the event log (with any copies fed back in), a migration left with no event leaves
    // the board, and one that lost only some is recomputed from what is left. Removed with
    // row removals where they form a few runs (the usual case: the oldest rows), else with one
    // reset. Ids the model does not hold are ignored.
    void forget(const QList<qint64> &rowIds);

Q_SIGNALS:
    void loaded(qint64 deliveries, qint64 milliseconds);
    void loadFailed(const QString &error);
    void migrationUpdated(const QString &id);
    // Migrations that became quiet (no event for longer than the thresholds) since the last check.
    void newlyQuiet(const QStringList &ids);
    void downtimeChanged();
    void rejectionsRefreshed(bool storeOpened);
    void detailReady(const mm::DeliveryDetail &detail);
    // count is -1 on failure, with a sentence in error.
    void exportFinished(qint64 count, const QString &path, const QString &error);
    void importFinished(const mm::ImportReport &report);
    // Rows left the log and migrations the board after forget(): how many of each.
    void forgotten(qint64 rows, qint64 migrations);
    // Facts just fed back in (replayed set), for the alert rules.
    void reinjected(const QList<mm::EventFacts> &facts);
    // count is -1 when the store could not be read, with a sentence in error.
    void reinjectFinished(qint64 count, const QString &error);
    // The memory cap froze these many migrations and took these many rows out of memory.
    void evicted(qint64 rows, qint64 migrations);
    // loadOlder() brought rows back (-1 with a sentence in error when the store could not be read).
    void olderLoaded(qint64 rows, const QString &error);
    // Rows in memory and deliveries in the store (storedCount()): after a count (at each eviction
    // and page read) and, under a cap, with each batch of arrivals.
    void memoryCounted(qint64 inMemory, qint64 stored);

private:
    void publish();
    static QString noStore();
    void applyLoaded(EventLog *log, MigrationBook *book, qint64 ms, qint64 pageBefore);
    // Many rows at once (an import): one reset instead of a row-by-row ingest.
    void applyNewRows(const QList<EventFacts> &facts);

    void forgetLogRows(const std::vector<quint32> &doomed);
    void forgetMigrations(const QList<qsizetype> &doomed);
    void compactStringsIfWorthIt();
    // The memory cap (monitormodelmemory.cpp).
    void enforceCap();
    void thaw(const QList<qsizetype> &indexes);
    void thawAmong(qsizetype firstRow); // frozen migrations of log rows from firstRow on
    void insertStored(QList<EventFacts> facts);
    void countMemory();
    // The loader's eviction, on the reader thread: no views yet. Returns the highest stored
    // delivery it took out of memory (0: none).
    static qint64 evictLoaded(EventLog &log, MigrationBook &book, const MemoryCap &cap);

    EventLog m_log;
    MigrationBook m_book;
    EventLogModel m_events;
    EventFilterProxy m_filteredEvents;
    MigrationListModel m_migrations;
    MigrationFilterProxy m_filteredMigrations;
    TimelineModel m_timeline;
    TimelineFilterProxy m_filteredTimeline;
    RejectionsModel m_rejections;
    RejectionFilterProxy m_filteredRejections;

    QTimer m_publishTimer;
    QTimer m_quietTimer;
    QSet<qsizetype> m_changedMigrations;
    QSet<QString> m_quiet;
    QuietThresholds m_thresholds;
    Store *m_store;
    CompanyDirectory m_companies;
    bool m_loading = false;
    QList<EventFacts> m_heldDuringLoad;
    QList<qint64> m_forgottenDuringLoad; // deleted while the store was being read
    qsizetype m_internedAfterCompaction = 0;
    QList<DowntimeGap> m_downtime;
    QList<ReceiverPresence> m_receivers;
    quint64 m_lastDetailRequest = 0;
    MemoryCap m_cap;
    QSet<QString> m_thawing; // frozen migrations whose rows are being read back
    QHash<qint64, qint64> m_touchedUs; // rows read back: row id -> when (for MemoryCap)
    qint64 m_pageBefore = 0; // loadOlder() reads below this row id; 0: nothing evicted
    quint64 m_generation = 0; // a load from the store bumps it: reads started before are stale
    bool m_countPending = false;
    qint64 m_storedCount = -1;
};

} // namespace mm

Q_DECLARE_METATYPE(mm::ImportReport)
