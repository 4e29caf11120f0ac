// SPDX-License-Identifier: GPL-3.0-or-later
#include "replaysession.h"

#include <QPointer>
#include <memory>

namespace mm {

// Lives on the history thread; everything in it is touched from there only.
struct ReplaySession::Worker final : QObject
{
    const Store *source = nullptr;
    std::unique_ptr<ReplayStore> store;
    qint64 runId = -1;
    bool historyFailed = false;

    ReplayStore *open(QString *error)
    {
        if (!store || !store->isOpen())
            store = std::make_unique<ReplayStore>(*source);
        if (!store->isOpen()) {
            *error = store->error();
            return nullptr;
        }
        return store.get();
    }
};

ReplaySession::ReplaySession(const Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    qRegisterMetaType<mm::ReplayRunInfo>();
    qRegisterMetaType<QList<mm::ReplayRunInfo>>();
    qRegisterMetaType<QList<mm::ReplayResult>>();
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(RecordIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &ReplaySession::flushHistory);
    connect(&m_replayer, &Replayer::resultReady, this, &ReplaySession::onResult);
    connect(&m_replayer, &Replayer::progress, this, &ReplaySession::progress);
    connect(&m_replayer, &Replayer::finished, this, &ReplaySession::onFinished);
}

ReplaySession::~ReplaySession()
{
    MM_ASSERT_THREAD(this);
    // Whoever listened may be half destroyed by now: record the cancelled rest quietly.
    blockSignals(true);
    if (m_replayer.isRunning())
        m_replayer.cancel(); // results and finished() arrive at once, and are recorded
    // Every write already asked for runs first; the store closes with the worker, on its thread.
    m_thread.stop();
}

void ReplaySession::onHistoryThread(HistoryWork work)
{
    MM_ASSERT_THREAD(this);
    if (!m_thread.isRunning())
        m_worker = m_thread.startWorker([source = &m_store] {
            auto *worker = new Worker;
            worker->source = source;
            return worker;
        });
    QPointer<ReplaySession> self(this);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, self, work = std::move(work)] {
        MM_ASSERT_THREAD(w);
        QString error;
        ReplayStore *store = w->open(&error);
        std::function<void()> then = work(w, store, error);
        if (then)
            QMetaObject::invokeMethod(self.data(), [self, then = std::move(then)] {
                if (self) {
                    MM_ASSERT_THREAD(self.data());
                    then();
                }
            });
    });
}

bool ReplaySession::start(const ReplaySelection &selection, const ReplayOptions &options, QString *error)
{
    MM_ASSERT_THREAD(this);
    if (m_running) {
        *error = tr("A replay is already running.");
        return false;
    }
    if (const QString why = options.validate(); !why.isEmpty()) {
        *error = why;
        return false;
    }
    m_running = true;
    m_cancelledEarly = false;
    m_options = options;
    QPointer<ReplaySession> self(this);
    onHistoryThread([self, selection](Worker *, ReplayStore *store, const QString &openError) {
        std::optional<QList<OutgoingDelivery>> loaded;
        QString why = openError;
        if (store) {
            loaded = store->load(selection);
            if (!loaded)
                why = store->error();
        }
        return std::function<void()>([self, loaded = std::move(loaded), why] {
            ReplaySession *s = self.data();
            if (s->m_cancelledEarly || !loaded || loaded->isEmpty()) {
                s->m_running = false;
                Q_EMIT s->failed(s->m_cancelledEarly ? tr("Cancelled before anything was sent.")
                                     : !loaded
                                     ? tr("The stored deliveries could not be read: %1").arg(why)
                                     : tr("Nothing to replay: none of these deliveries is stored."));
                return;
            }
            s->begin(*loaded);
        });
    });
    return true;
}

bool ReplaySession::start(QList<OutgoingDelivery> deliveries, const ReplayOptions &options, QString *error)
{
    MM_ASSERT_THREAD(this);
    if (m_running) {
        *error = tr("A replay is already running.");
        return false;
    }
    if (const QString why = options.validate(); !why.isEmpty()) {
        *error = why;
        return false;
    }
    if (deliveries.isEmpty()) {
        *error = tr("Nothing to replay.");
        return false;
    }
    m_running = true;
    m_cancelledEarly = false;
    m_options = options;
    begin(std::move(deliveries));
    return true;
}

void ReplaySession::begin(QList<OutgoingDelivery> deliveries)
{
    const int total = int(deliveries.size());
    QPointer<ReplaySession> self(this);
    const QString target = m_options.target.toString(QUrl::RemoveUserInfo);
    const QString mode = ReplayStore::modeName(m_options.signing);
    // The run's id stays with the worker: record() and finishRun() are queued after this.
    onHistoryThread([self, target, mode, total](Worker *w, ReplayStore *store, const QString &openError) {
        QString why = openError;
        w->historyFailed = false;
        w->runId = store ? store->beginRun(target, mode, total) : -1;
        if (store && w->runId < 0)
            why = store->error();
        return std::function<void()>([self, runId = w->runId, why] {
            if (runId >= 0)
                Q_EMIT self->runRecorded(runId);
            else
                Q_EMIT self->historyProblem(why);
        });
    });
    m_unrecorded.clear();
    QString error;
    if (!m_replayer.start(std::move(deliveries), m_options, &error)) {
        // validate() passed and nothing else runs: should not happen, but never hang.
        m_running = false;
        Q_EMIT failed(error);
        return;
    }
    Q_EMIT started(total);
}

void ReplaySession::cancel()
{
    MM_ASSERT_THREAD(this);
    if (!m_running)
        return;
    if (m_replayer.isRunning())
        m_replayer.cancel();
    else
        m_cancelledEarly = true; // still reading what to send
}

void ReplaySession::onResult(const ReplayResult &result)
{
    m_unrecorded.append(result);
    if (m_unrecorded.size() >= RecordBatch)
        flushHistory();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start();
    Q_EMIT resultReady(result);
}

void ReplaySession::flushHistory()
{
    m_flushTimer.stop();
    if (m_unrecorded.isEmpty())
        return;
    QPointer<ReplaySession> self(this);
    onHistoryThread([self, results = std::exchange(m_unrecorded, {})](
                        Worker *w, ReplayStore *store, const QString &) -> std::function<void()> {
        if (!store || w->runId < 0 || w->historyFailed || store->record(w->runId, results))
            return {};
        w->historyFailed = true; // said once per run
        return [self, why = store->error()] { Q_EMIT self->historyProblem(why); };
    });
}

void ReplaySession::onFinished(const ReplaySummary &summary)
{
    flushHistory();
    onHistoryThread([summary](Worker *w, ReplayStore *store, const QString &) {
        if (store && w->runId >= 0)
            store->finishRun(w->runId, summary);
        return std::function<void()>();
    });
    m_running = false;
    Q_EMIT finished(summary);
}

void ReplaySession::loadRuns(int limit)
{
    MM_ASSERT_THREAD(this);
    QPointer<ReplaySession> self(this);
    onHistoryThread([self, limit](Worker *, ReplayStore *store, const QString &) {
        QList<ReplayRunInfo> runs = store ? store->runs(limit) : QList<ReplayRunInfo>();
        return std::function<void()>([self, runs] { Q_EMIT self->runsLoaded(runs); });
    });
}

void ReplaySession::loadRequests(qint64 runId)
{
    MM_ASSERT_THREAD(this);
    QPointer<ReplaySession> self(this);
    onHistoryThread([self, runId](Worker *, ReplayStore *store, const QString &) {
        QList<ReplayResult> requests = store ? store->requests(runId) : QList<ReplayResult>();
        return std::function<void()>(
            [self, runId, requests] { Q_EMIT self->requestsLoaded(runId, requests); });
    });
}

} // namespace mm
