// SPDX-License-Identifier: GPL-3.0-or-later
#include "storewatch.h"

#include "store.h"
#include "storefollower.h"
#include "storereader.h"

#include <QTimer>
#include <memory>

namespace mm {

namespace {
constexpr int RetryStartMs = 2000;
}

// Lives on the watch's thread: the follower, the reader and their connections.
class StoreWatchWorker final : public QObject
{
    Q_OBJECT

public:
    StoreWatchWorker(const Store &store, std::optional<qint64> afterRowId)
        : m_store(store)
        , m_follower(store, this)
        , m_afterRowId(afterRowId)
    {
        connect(&m_follower, &StoreFollower::appended, this, &StoreWatchWorker::read);
        connect(&m_follower, &StoreFollower::updated, this, &StoreWatchWorker::read);
        connect(&m_follower, &StoreFollower::problem, this, &StoreWatchWorker::report);
        connect(&m_follower, &StoreFollower::companyNamesChanged, this,
                &StoreWatchWorker::companyNamesChanged);
        // Queued to this thread's owner after the facts of rows named before them, in that order.
        connect(&m_follower, &StoreFollower::deleted, this, &StoreWatchWorker::deleted);
        connect(&m_follower, &StoreFollower::deletionsMissed, this, &StoreWatchWorker::deletionsMissed);
        m_retry.setSingleShot(true);
        m_retry.setInterval(RetryStartMs);
        connect(&m_retry, &QTimer::timeout, this, &StoreWatchWorker::begin);
    }

    void begin()
    {
        QString error;
        if (!m_started && !m_follower.start(&error, m_afterRowId)) {
            report(error);
            m_retry.start();
            return;
        }
        m_started = true;
        if (!m_unread.isEmpty())
            read({});
        else
            report(QString());
    }

Q_SIGNALS:
    void committed(const QList<mm::EventFacts> &facts);
    void problem(const QString &message);
    void companyNamesChanged();
    void deleted(const QList<qint64> &rowIds);
    void deletionsMissed();

private:
    void read(const QList<qint64> &rowIds)
    {
        // Rows that could not be read are kept and read with the next ones (the follower names
        // each row once), so a connection lost between the two queries loses nothing.
        m_unread.append(rowIds);
        if (!m_reader || !m_reader->isOpen())
            m_reader = std::make_unique<StoreReader>(m_store);
        std::optional<QList<EventFacts>> facts;
        if (m_reader->isOpen())
            facts = m_reader->factsOf(m_unread);
        if (!facts) {
            report(m_reader->error());
            m_reader.reset();
            m_retry.start();
            return;
        }
        report(QString());
        m_unread.clear();
        if (!facts->isEmpty())
            Q_EMIT committed(*facts);
    }

    // Says the store cannot be read once, and that it can again once.
    void report(const QString &error)
    {
        if (error.isEmpty() == !m_failing)
            return;
        m_failing = !error.isEmpty();
        Q_EMIT problem(error);
    }

    const Store &m_store;
    StoreFollower m_follower;
    const std::optional<qint64> m_afterRowId;
    std::unique_ptr<StoreReader> m_reader; // opened on first use, on this thread
    QList<qint64> m_unread;
    QTimer m_retry;
    bool m_started = false;
    bool m_failing = false;
};

StoreWatch::StoreWatch(const Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    qRegisterMetaType<QList<mm::EventFacts>>();
}

StoreWatch::~StoreWatch()
{
    stop();
}

void StoreWatch::start(std::optional<qint64> afterRowId)
{
    MM_ASSERT_THREAD(this);
    if (m_thread.isRunning())
        return;
    m_worker = m_thread.startWorker([this, afterRowId] { return new StoreWatchWorker(m_store, afterRowId); });
    connect(m_worker, &StoreWatchWorker::committed, this, &StoreWatch::committed);
    connect(m_worker, &StoreWatchWorker::problem, this, &StoreWatch::problem);
    connect(m_worker, &StoreWatchWorker::companyNamesChanged, this, &StoreWatch::companyNamesChanged);
    connect(m_worker, &StoreWatchWorker::deleted, this, &StoreWatch::deleted);
    connect(m_worker, &StoreWatchWorker::deletionsMissed, this, &StoreWatch::deletionsMissed);
    QMetaObject::invokeMethod(m_worker, &StoreWatchWorker::begin, Qt::QueuedConnection);
}

void StoreWatch::stop()
{
    MM_ASSERT_THREAD(this);
    if (!m_thread.isRunning())
        return;
    m_thread.stop();
    m_worker = nullptr;
}

} // namespace mm

#include "storewatch.moc"
