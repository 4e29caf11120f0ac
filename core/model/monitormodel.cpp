// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitormodel.h"

#include "store/storereader.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QPointer>
#include <QThread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace mm {

namespace {
constexpr int PublishIntervalMs = 100;
constexpr int StallCheckIntervalMs = 60 * 1000;
} // namespace

MonitorModel::MonitorModel(QObject *parent)
    : QObject(parent)
    , m_events(m_log)
    , m_migrations(m_book, m_log)
    , m_timeline(m_book, m_log)
    , m_filteredTimeline(m_log)
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
    m_stallTimer.setInterval(StallCheckIntervalMs);
    connect(&m_stallTimer, &QTimer::timeout, this, &MonitorModel::checkStalls);
    m_stallTimer.start();
}

MonitorModel::~MonitorModel()
{
    for (QThread *reader : std::as_const(m_readers)) {
        reader->wait();
        delete reader;
    }
    if (m_loader) {
        m_loader->requestInterruption();
        m_loader->wait();
        delete m_loader;
    }
}

void MonitorModel::ingest(const QList<EventFacts> &facts)
{
    if (m_loader) {
        m_heldDuringLoad.append(facts);
        return;
    }
    for (const EventFacts &f : facts) {
        bool isNew = false;
        const quint32 index = m_log.upsert(f, &isNew);
        if (!isNew)
            m_events.rowChanged(index);
        const qsizetype migration = m_book.apply(m_log, index);
        if (migration >= 0)
            m_changedMigrations.insert(migration);
    }
    if (!m_publishTimer.isActive())
        m_publishTimer.start();
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
}

void MonitorModel::loadFromStore(const QString &dataDir)
{
    Q_ASSERT(!m_loader);
    QPointer<MonitorModel> self(this);
    m_loader = QThread::create([self, dataDir] {
        QElapsedTimer timer;
        timer.start();
        auto log = std::make_unique<EventLog>();
        auto book = std::make_unique<MigrationBook>();
        StoreReader reader(dataDir);
        if (!reader.isOpen()) {
            const QString error = reader.error();
            QMetaObject::invokeMethod(self.data(), [self, error] {
                if (self) {
                    self->applyLoaded(nullptr, nullptr, 0);
                    Q_EMIT self->loadFailed(error);
                }
            });
            return;
        }
        const qint64 total = reader.deliveryCount();
        if (total > 0)
            log->reserve(total);
        reader.loadFacts([&log](QList<EventFacts> &&batch) {
            for (const EventFacts &f : batch)
                log->upsert(f);
        });
        book->applyBulk(*log, 0);
        const qint64 ms = timer.elapsed();
        QMetaObject::invokeMethod(self.data(), [self, l = log.release(), b = book.release(), ms] {
            if (self)
                self->applyLoaded(l, b, ms);
            else {
                delete l;
                delete b;
            }
        });
    });
    m_loader->setObjectName(QStringLiteral("mm-load"));
    m_loader->start();
}

void MonitorModel::applyLoaded(EventLog *log, MigrationBook *book, qint64 ms)
{
    std::unique_ptr<EventLog> loadedLog(log);
    std::unique_ptr<MigrationBook> loadedBook(book);
    if (m_loader) {
        m_loader->wait();
        delete m_loader;
        m_loader = nullptr;
    }
    if (loadedLog && loadedBook) {
        m_events.beginReplace();
        m_migrations.beginReplace();
        m_log = std::move(*loadedLog);
        m_book = std::move(*loadedBook);
        // Indexes noted before the swap point into the old book; the reset covers them.
        m_changedMigrations.clear();
        m_events.endReplace();
        m_migrations.endReplace();
        m_timeline.refresh();
    }
#ifdef __GLIBC__
    // The loader's temporary batches were freed in its own malloc arena; give the pages back.
    malloc_trim(0);
#endif
    const qint64 count = m_log.size();
    const QList<EventFacts> held = std::exchange(m_heldDuringLoad, {});
    if (!held.isEmpty())
        ingest(held);
    if (loadedLog)
        Q_EMIT loaded(count, ms);
    checkStalls();
}

void MonitorModel::runInBackground(std::function<std::function<void()>()> work)
{
    QPointer<MonitorModel> self(this);
    QThread *thread = QThread::create([self, work = std::move(work)] {
        std::function<void()> then = work();
        QMetaObject::invokeMethod(self.data(), [self, then = std::move(then)] {
            if (self && then)
                then();
        });
    });
    thread->setObjectName(QStringLiteral("mm-read"));
    m_readers.append(thread);
    connect(thread, &QThread::finished, this, [this, thread] {
        m_readers.removeOne(thread);
        thread->deleteLater();
    });
    thread->start();
}

void MonitorModel::refreshRejections(const QString &dataDir)
{
    using Read = std::optional<QList<RejectionRecord>>;
    readInBackground<Read>(
        [dataDir]() -> Read {
            StoreReader reader(dataDir);
            return reader.isOpen() ? Read(reader.rejections()) : std::nullopt;
        },
        [this](Read rejections) {
            if (rejections)
                m_rejections.setRejections(*rejections);
            Q_EMIT rejectionsRefreshed(rejections.has_value());
        });
}

void MonitorModel::refreshDowntime(const QString &dataDir)
{
    using Read = std::optional<QList<ListenInterval>>;
    readInBackground<Read>(
        [dataDir]() -> Read {
            StoreReader reader(dataDir);
            return reader.isOpen() ? Read(reader.listenIntervals()) : std::nullopt;
        },
        [this](Read intervals) {
            if (!intervals)
                return;
            m_downtime = downtimeGaps(*intervals);
            Q_EMIT downtimeChanged();
        });
}

quint64 MonitorModel::requestDetail(const QString &dataDir, qint64 rowId)
{
    const quint64 request = ++m_lastDetailRequest;
    readInBackground<DeliveryDetail>(
        [dataDir, rowId, request] {
            StoreReader reader(dataDir);
            DeliveryDetail detail = reader.detail(rowId);
            detail.request = request;
            return detail;
        },
        [this](DeliveryDetail detail) { Q_EMIT detailReady(detail); });
    return request;
}

void MonitorModel::setStallThresholds(const StallThresholds &thresholds)
{
    m_thresholds = thresholds;
    m_migrations.setStallThresholds(thresholds);
    checkStalls();
}

void MonitorModel::checkStalls()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    m_migrations.setNow(now);
    QSet<QString> stalled;
    for (qsizetype i : m_book.stalled(now, m_thresholds))
        stalled.insert(m_book.at(i).id);
    QStringList fresh;
    for (const QString &id : std::as_const(stalled)) {
        if (!m_stalled.contains(id))
            fresh.append(id);
    }
    m_stalled = std::move(stalled);
    if (!fresh.isEmpty())
        Q_EMIT newlyStalled(fresh);
}

} // namespace mm
