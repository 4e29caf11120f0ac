// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitormodel.h"

#include "store/store.h"
#include "store/storereader.h"

#include <QDateTime>
#include <QElapsedTimer>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace mm {

namespace {
constexpr int PublishIntervalMs = 100;
// A batch larger than this (an import's transaction, never a pass of the receiver, which holds
// at most 256 connections) is applied with one model reset instead of row by row.
constexpr qsizetype BulkIngestThreshold = 500;
constexpr int QuietCheckIntervalMs = 60 * 1000;
} // namespace

MonitorModel::MonitorModel(Store *store, QObject *parent)
    : QObject(parent)
    , m_events(m_log)
    , m_migrations(m_book, m_log)
    , m_timeline(m_book, m_log)
    , m_filteredTimeline(m_log)
    , m_store(store)
    , m_companies(store)
{
    qRegisterMetaType<QList<mm::EventFacts>>();
    qRegisterMetaType<mm::DeliveryDetail>();
    qRegisterMetaType<mm::ImportReport>();
    m_filteredEvents.setSourceModel(&m_events);
    m_filteredMigrations.setSourceModel(&m_migrations);
    m_filteredTimeline.setSourceModel(&m_timeline);
    m_filteredRejections.setSourceModel(&m_rejections);
    m_publishTimer.setSingleShot(true);
    m_publishTimer.setInterval(PublishIntervalMs);
    connect(&m_publishTimer, &QTimer::timeout, this, &MonitorModel::publish);
    m_quietTimer.setInterval(QuietCheckIntervalMs);
    connect(&m_quietTimer, &QTimer::timeout, this, &MonitorModel::checkQuiet);
    m_quietTimer.start();
    auto namesChanged = [this] {
        const CompanyNames *names = &m_companies.names();
        m_migrations.setCompanyNames(names);
        m_filteredMigrations.companyNamesChanged();
        m_filteredEvents.setCompanyNames(names);
        m_filteredTimeline.setCompanyNames(names);
    };
    namesChanged();
    connect(&m_companies, &CompanyDirectory::changed, this, namesChanged);
    connect(&m_timeline, &TimelineModel::migrationChosen, this, &MonitorModel::bringBack);
}

MonitorModel::~MonitorModel() = default;

QString MonitorModel::noStore()
{
    return tr("No store is open.");
}

void MonitorModel::ingest(const QList<EventFacts> &facts)
{
    if (m_loading) {
        m_heldDuringLoad.append(facts);
        return;
    }
    if (facts.size() > BulkIngestThreshold) {
        applyNewRows(facts);
        return;
    }
    QList<qsizetype> frozen;
    for (const EventFacts &f : facts) {
        bool isNew = false;
        const quint32 index = m_log.upsert(f, &isNew);
        if (!isNew)
            m_events.rowChanged(index);
        else if (m_storedCount >= 0 && !f.replayed)
            ++m_storedCount;
        const qsizetype migration = m_book.apply(m_log, index);
        if (migration < 0)
            continue;
        if (m_book.at(migration).frozen) // the row shows in the log at once, the migration once read back
            frozen.append(migration);
        else
            m_changedMigrations.insert(migration);
    }
    if (!frozen.isEmpty())
        thaw(frozen);
    if (!m_publishTimer.isActive())
        m_publishTimer.start();
}

void MonitorModel::forget(const QList<qint64> &rowIds)
{
    if (m_loading) {
        m_forgottenDuringLoad.append(rowIds);
        return;
    }
    if (m_storedCount >= 0)
        countMemory(); // the store shrank by what retention deleted, held in memory or not
    // Everything noted so far becomes visible first: removals then only meet published rows,
    // and no migration index is held across them.
    publish();
    std::vector<quint32> doomed;
    doomed.reserve(size_t(rowIds.size()));
    for (const qint64 id : rowIds) {
        m_touchedUs.remove(id);
        for (const qint64 rowId : {id, -id}) { // the stored delivery, and a copy fed back in
            const qsizetype index = m_log.indexOfRowId(rowId);
            if (index >= 0)
                doomed.push_back(quint32(index));
        }
    }
    // Frozen migrations (memory cap) hold no rows, only their deliveries' ids.
    QList<qsizetype> frozenEmptied;
    QList<qsizetype> frozenShrunk;
    if (m_book.frozenCount()) {
        std::vector<qint64> ids(rowIds.cbegin(), rowIds.cend());
        std::sort(ids.begin(), ids.end());
        m_book.forgetFrozen(ids, &frozenEmptied, &frozenShrunk);
    }
    if (doomed.empty() && frozenEmptied.isEmpty()) {
        if (!frozenShrunk.isEmpty())
            thaw(frozenShrunk); // what is left decides its state
        return;
    }
    std::sort(doomed.begin(), doomed.end());
    doomed.erase(std::unique(doomed.begin(), doomed.end()), doomed.end());

    forgetLogRows(doomed);
    QList<qsizetype> changed;
    QList<qsizetype> emptied;
    m_book.forgetRows(m_log, doomed, &changed, &emptied);
    for (const qsizetype index : std::as_const(changed)) {
        m_migrations.migrationChanged(index);
        Q_EMIT migrationUpdated(m_book.at(index).id);
    }
    // A frozen migration whose deliveries are all deleted leaves too, unless rows of its own
    // arrived since (they are in the log, and a thaw is under way).
    for (const qsizetype index : std::as_const(frozenEmptied)) {
        if (!m_thawing.contains(m_book.at(index).id))
            emptied.append(index);
    }
    std::sort(emptied.begin(), emptied.end());
    QStringList shrunk;
    for (const qsizetype index : std::as_const(frozenShrunk))
        shrunk.append(m_book.at(index).id);
    for (const qsizetype index : std::as_const(emptied))
        m_quiet.remove(m_book.at(index).id);
    forgetMigrations(emptied);
    // The timeline's rows hold log indexes: rebuild them (an emptied migration shows none).
    m_timeline.refresh();
    compactStringsIfWorthIt();
    if (!shrunk.isEmpty()) { // indexes moved with the removals: find them again
        QList<qsizetype> again;
        for (const QString &id : std::as_const(shrunk))
            again.append(m_book.indexOf(id));
        thaw(again);
    }
    Q_EMIT forgotten(qint64(doomed.size()), emptied.size());
}

void MonitorModel::compactStringsIfWorthIt()
{
    // Interned strings of forgotten migrations would otherwise stay for ever: re-intern once
    // the tables have doubled since the last time, so the pass is paid rarely.
    if (m_log.internedCount() > 2 * std::max<qsizetype>(m_internedAfterCompaction, 4096)) {
        m_log.compactStrings();
        m_internedAfterCompaction = m_log.internedCount();
        m_events.noteStringsCompacted();
        m_timeline.refresh(); // its filter recompiles on the reset
    }
}

namespace {
// Runs of consecutive values in an ascending list, as [first, last] pairs.
template<typename List> std::vector<std::pair<qsizetype, qsizetype>> runsOf(const List &sorted)
{
    std::vector<std::pair<qsizetype, qsizetype>> runs;
    for (const auto value : sorted) {
        if (!runs.empty() && runs.back().second + 1 == qsizetype(value))
            runs.back().second = qsizetype(value);
        else
            runs.emplace_back(qsizetype(value), qsizetype(value));
    }
    return runs;
}
// More runs than this and one reset is cheaper than that many removals (each moves the rows after it).
constexpr size_t MaxRemovalRuns = 32;
} // namespace

void MonitorModel::forgetLogRows(const std::vector<quint32> &doomed)
{
    const auto runs = runsOf(doomed);
    if (runs.size() > MaxRemovalRuns) {
        m_events.beginReplace();
        m_log.erase(doomed);
        m_events.endReplace();
        return;
    }
    // From the last run back, so the earlier ones keep their indexes.
    for (auto run = runs.rbegin(); run != runs.rend(); ++run) {
        std::vector<quint32> indexes;
        indexes.reserve(size_t(run->second - run->first + 1));
        for (qsizetype i = run->first; i <= run->second; ++i)
            indexes.push_back(quint32(i));
        m_events.beginDrop(run->first, run->second);
        m_log.erase(indexes);
        m_events.endDrop();
    }
}

void MonitorModel::forgetMigrations(const QList<qsizetype> &doomed)
{
    if (doomed.isEmpty())
        return;
    const auto runs = runsOf(doomed);
    if (runs.size() > MaxRemovalRuns) {
        m_migrations.beginReplace();
        m_book.erase(doomed);
        m_migrations.endReplace();
        return;
    }
    for (auto run = runs.rbegin(); run != runs.rend(); ++run) {
        QList<qsizetype> indexes;
        for (qsizetype i = run->first; i <= run->second; ++i)
            indexes.append(i);
        m_migrations.beginDrop(run->first, run->second);
        m_book.erase(indexes);
        m_migrations.endDrop();
    }
}

void MonitorModel::publish()
{
    m_events.publish();
    m_migrations.publish();
    m_migrations.setNow(QDateTime::currentMSecsSinceEpoch() * 1000);
    const QString current = m_timeline.migrationId();
    for (qsizetype index : std::as_const(m_changedMigrations)) {
        m_migrations.migrationChanged(index);
        const QString &id = m_book.at(index).id;
        if (id == current)
            m_timeline.refresh();
        Q_EMIT migrationUpdated(id);
    }
    m_changedMigrations.clear();
    if (m_cap.isExceeded(m_log))
        enforceCap();
    else if (m_cap.isOn() && m_storedCount >= 0)
        Q_EMIT memoryCounted(m_log.size(), m_storedCount);
}

void MonitorModel::loadFromStore()
{
    Q_ASSERT(!m_loading);
    if (!m_store) {
        Q_EMIT loadFailed(noStore());
        return;
    }
    m_loading = true;
    m_companies.refresh();
    struct Loaded
    {
        std::shared_ptr<EventLog> log;
        std::shared_ptr<MigrationBook> book;
        QString error;
        qint64 ms = 0;
        qint64 pageBefore = 0; // the highest stored delivery the cap left out, plus one
    };
    m_store->read<Loaded>(
        this,
        [cap = m_cap](StoreReader &reader) {
            QElapsedTimer timer;
            timer.start();
            Loaded loaded;
            if (!reader.isOpen()) {
                loaded.error = reader.error();
                return loaded;
            }
            loaded.log = std::make_shared<EventLog>();
            loaded.book = std::make_shared<MigrationBook>();
            EventLog &log = *loaded.log;
            MigrationBook &book = *loaded.book;
            const qint64 total = reader.deliveryCount();
            if (total > 0)
                log.reserve(cap.isOn() ? std::min<qint64>(total, cap.rows() + 4096) : total);
            if (!cap.isOn()) {
                reader.loadFacts([&log](QList<EventFacts> &&batch) {
                    for (const EventFacts &f : batch)
                        log.upsert(f);
                });
                book.applyBulk(log, 0);
            } else {
                // Under a cap, memory stays bounded while loading too: each batch is applied and
                // the least recently used migrations are frozen as the cap is passed.
                QList<qsizetype> touched; // frozen migrations that rows arrived for later
                reader.loadFacts([&](QList<EventFacts> &&batch) {
                    const qsizetype first = log.size();
                    for (const EventFacts &f : batch)
                        log.upsert(f);
                    book.applyBulk(log, first);
                    for (const qsizetype index : book.frozenAmong(log, first))
                        touched.append(index);
                    if (cap.isExceeded(log))
                        loaded.pageBefore = std::max(loaded.pageBefore, evictLoaded(log, book, cap) + 1);
                });
                // Frozen migrations with later rows are read back whole (indexes do not move: a
                // load removes no migration).
                QList<qsizetype> thaw;
                QList<qint64> rowIds;
                for (const qsizetype index : std::as_const(touched)) {
                    if (book.at(index).frozen && !thaw.contains(index)) {
                        thaw.append(index);
                        rowIds.append(QList<qint64>(book.at(index).frozenRowIds.cbegin(),
                                                    book.at(index).frozenRowIds.cend()));
                    }
                }
                if (!thaw.isEmpty()) {
                    if (std::optional<QList<EventFacts>> facts = reader.factsOf(rowIds)) {
                        book.noteInserted(log.insertStored(std::move(*facts)));
                        std::sort(thaw.begin(), thaw.end());
                        book.thaw(log, thaw);
                    }
                }
            }
            loaded.ms = timer.elapsed();
            return loaded;
        },
        [this](Loaded loaded) {
            applyLoaded(loaded.log.get(), loaded.book.get(), loaded.ms, loaded.pageBefore);
            if (!loaded.log)
                Q_EMIT loadFailed(loaded.error);
        });
}

void MonitorModel::applyLoaded(EventLog *log, MigrationBook *book, qint64 ms, qint64 pageBefore)
{
    m_loading = false;
    if (log && book) {
        ++m_generation;
        m_thawing.clear();
        m_touchedUs.clear();
        m_pageBefore = pageBefore;
    }
    if (log && book) {
        m_events.beginReplace();
        m_migrations.beginReplace();
        m_log = std::move(*log);
        m_book = std::move(*book);
        // Indexes noted before the swap point into the old book; the reset covers them.
        m_changedMigrations.clear();
        m_events.endReplace();
        m_migrations.endReplace();
        m_timeline.refresh();
    }
#ifdef __GLIBC__
    // The loader's temporary batches were freed in the reader thread's malloc arena; give the pages back.
    malloc_trim(0);
#endif
    const qint64 count = m_log.size();
    const QList<EventFacts> held = std::exchange(m_heldDuringLoad, {});
    if (!held.isEmpty())
        ingest(held);
    // The reader may have read rows that retention deleted meanwhile.
    if (const QList<qint64> deleted = std::exchange(m_forgottenDuringLoad, {}); !deleted.isEmpty())
        forget(deleted);
    if (log)
        Q_EMIT loaded(count, ms);
    if (m_cap.isExceeded(m_log)) // a cap set (or lowered) while the store was being read
        enforceCap();
    if (log && m_cap.isOn())
        countMemory(); // how many the cap left in the store
    checkQuiet();
}

void MonitorModel::refreshRejections()
{
    if (!m_store) {
        Q_EMIT rejectionsRefreshed(false);
        return;
    }
    using Read = std::optional<QList<RejectionRecord>>;
    m_store->read<Read>(
        this,
        [](StoreReader &reader) -> Read {
            return reader.isOpen() ? Read(reader.rejections()) : std::nullopt;
        },
        [this](Read rejections) {
            if (rejections)
                m_rejections.setRejections(*rejections);
            Q_EMIT rejectionsRefreshed(rejections.has_value());
        });
}

void MonitorModel::refreshDowntime()
{
    if (!m_store)
        return;
    using Read = std::optional<QList<ListenInterval>>;
    m_store->read<Read>(
        this,
        [](StoreReader &reader) -> Read {
            return reader.isOpen() ? Read(reader.listenIntervals()) : std::nullopt;
        },
        [this](Read intervals) {
            if (!intervals)
                return;
            m_downtime = downtimeGaps(*intervals);
            m_receivers = receiversUp(*intervals, QDateTime::currentMSecsSinceEpoch() * 1000);
            Q_EMIT downtimeChanged();
        });
}

quint64 MonitorModel::requestDetail(qint64 rowId)
{
    const quint64 request = ++m_lastDetailRequest;
    if (!m_store) {
        DeliveryDetail detail;
        detail.rowId = rowId;
        detail.request = request;
        detail.error = noStore();
        QMetaObject::invokeMethod(
            this, [this, detail] { Q_EMIT detailReady(detail); }, Qt::QueuedConnection);
        return request;
    }
    m_store->read<DeliveryDetail>(
        this,
        [rowId, request](StoreReader &reader) {
            DeliveryDetail detail = reader.detail(rowId);
            detail.request = request;
            return detail;
        },
        [this](DeliveryDetail detail) { Q_EMIT detailReady(detail); });
    return request;
}

void MonitorModel::setQuietThresholds(const QuietThresholds &thresholds)
{
    m_thresholds = thresholds;
    m_migrations.setQuietThresholds(thresholds);
    checkQuiet();
}

void MonitorModel::checkQuiet()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    m_migrations.setNow(now);
    QSet<QString> quiet;
    for (qsizetype i : m_book.quiet(now, m_thresholds))
        quiet.insert(m_book.at(i).id);
    QStringList fresh;
    for (const QString &id : std::as_const(quiet)) {
        if (!m_quiet.contains(id))
            fresh.append(id);
    }
    m_quiet = std::move(quiet);
    if (!fresh.isEmpty())
        Q_EMIT newlyQuiet(fresh);
}

} // namespace mm
