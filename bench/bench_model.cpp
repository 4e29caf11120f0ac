// SPDX-License-Identifier: GPL-3.0-or-later
// The migration model at a million events: ingest rate on one core, free-text filter
// time, resident memory, and start-up from a store holding a million deliveries.
//
// Run: build/bench/bench_model [events (default 1000000)] [store folder for the start-up
//      measure (default: none; created and filled on first use, ~30 s, then reused)]
#include "model/eventfilter.h"
#include "model/migrationbook.h"
#include "model/monitormodel.h"
#include "store/store.h"
#include "store/storewriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <condition_variable>
#include <cstdio>
#include <mutex>

using namespace mm;

namespace {
const char *const Types[] = {"migration.created", "migration.started", "migration_task.failed",
                             "migration.completed", "migration.failed"};

// A realistic mix: six events per migration on average, some task failures.
EventFacts syntheticFacts(qint64 i, QRandomGenerator &rng)
{
    const qint64 migration = i / 6;
    const int step = int(i % 6);
    EventFacts f;
    f.rowId = i + 1;
    f.msgId = "msg_3Mf" + QByteArray::number(100000000 + i) + "AbCdEfGhIjKlMnOp";
    f.eventId = QStringLiteral("evt_01J%1XYZ").arg(200000000 + i);
    f.migrationId = QStringLiteral("mig_01J%1QRS").arg(10000000 + migration);
    const int kind = step == 0 ? 0 : step == 1 ? 1 : step < 5 ? 2 : (rng.bounded(8) == 0 ? 4 : 3);
    f.type = QString::fromLatin1(Types[kind]);
    static const char *const Statuses[] = {"NOT_STARTED", "WORKING", "WORKING", "COMPLETE", "FAILED"};
    f.status = QString::fromLatin1(Statuses[kind]);
    if (kind == 2) {
        f.taskId = QStringLiteral("task_%1").arg(i);
        f.errorMessage = QStringLiteral("extraction timed out");
    } else if (kind == 4) {
        f.errorMessage = QStringLiteral("login workflow rejected");
    }
    f.createdUs = 1750000000000000 + i * 1000;
    f.receivedUs = f.createdUs.value() + 500;
    f.companyId = QStringLiteral("f7b2d4e9-3c8a-4f1b-9e6d-2a5c8b7f3e9%1").arg(migration % 10);
    f.attempts = rng.bounded(50) == 0 ? 2 : 1;
    f.parsed = true;
    return f;
}

long rssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

void fillStore(const QString &dir, qint64 events)
{
    Store storeStore(Store::Options {dir, Durability::Power, 10000});
    StoreWriter &store = storeStore.writer();
    QString error;
    if (!store.start(&error))
        qFatal("%s", qPrintable(error));
    std::mutex mutex;
    std::condition_variable cv;
    qint64 done = 0;
    store.setCompletionSink([&](QList<WriteOutcome> o) {
        std::lock_guard lock(mutex);
        done += o.size();
        cv.notify_one();
    });
    QRandomGenerator rng(7);
    const QByteArray body(700, 'x');
    for (qint64 i = 0; i < events; ++i) {
        {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return i - done < 512; });
        }
        const EventFacts f = syntheticFacts(i, rng);
        DeliveryRecord r;
        r.msgId = f.msgId;
        r.eventId = f.eventId;
        r.type = f.type;
        r.migrationId = f.migrationId;
        r.createdUs = f.createdUs;
        r.status = f.status;
        r.errorMessage = f.errorMessage;
        r.taskId = f.taskId;
        r.companyId = f.companyId;
        r.parsed = true;
        r.body = body;
        r.receivedUs = f.receivedUs;
        store.submit(quint64(i), std::move(r));
    }
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return done == events; });
    lock.unlock();
    store.stop();
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 n = argc > 1 ? std::atoll(argv[1]) : 1000000;
    const QString storeDir = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();

    const long rssStart = rssKiB();
    {
        EventLog log;
        MigrationBook book;
        // Facts are made a chunk at a time outside the timer, so only the model's work is
        // timed and no million-fact array inflates the memory figure.
        constexpr qint64 Chunk = 50000;
        QRandomGenerator rng(1);
        qint64 ingestNs = 0;
        log.reserve(n);
        for (qint64 first = 0; first < n; first += Chunk) {
            std::vector<EventFacts> facts;
            facts.reserve(size_t(Chunk));
            for (qint64 i = first; i < std::min(n, first + Chunk); ++i)
                facts.push_back(syntheticFacts(i, rng));
            QElapsedTimer t;
            t.start();
            for (const EventFacts &f : facts)
                log.upsert(f);
            ingestNs += t.nsecsElapsed();
        }
        QElapsedTimer t;
        t.start();
        book.applyBulk(log, 0);
        ingestNs += t.nsecsElapsed();
        std::printf("events:                          %lld (%lld migrations)\n", static_cast<long long>(n),
                    static_cast<long long>(book.size()));
        std::printf("ingest, bulk (load path):        %.0f events/s on one core (target >= 200000)\n",
                    double(n) / (double(ingestNs) / 1e9));
        std::printf("process RSS with the model:      %.0f MiB (%.0f MiB before; target < 400 MB)\n",
                    double(rssKiB()) / 1024.0, double(rssStart) / 1024.0);

        for (const char *text : {"mig_01J10012345", "timed out", "evt_01J2005", "zzz-no-match"}) {
            EventFilter filter;
            filter.text = QString::fromLatin1(text);
            QElapsedTimer ft;
            ft.start();
            const CompiledEventFilter compiled(filter, log);
            const std::vector<quint32> rows = compiled.matching(0, log.size());
            std::printf("free-text filter %-18s %6.1f ms, %zu rows (target < 150 ms)\n", text,
                        double(ft.nsecsElapsed()) / 1e6, rows.size());
        }
    }

    {
        // The live path: one event at a time, as committed batches arrive.
        QRandomGenerator rng2(2);
        const qint64 live = std::min<qint64>(n, 200000);
        std::vector<EventFacts> liveFacts;
        for (qint64 i = 0; i < live; ++i)
            liveFacts.push_back(syntheticFacts(i, rng2));
        EventLog log;
        MigrationBook book;
        QElapsedTimer t;
        t.start();
        for (const EventFacts &f : liveFacts)
            book.apply(log, log.upsert(f));
        std::printf("ingest, one at a time (live):    %.0f events/s\n",
                    double(live) / (double(t.nsecsElapsed()) / 1e9));
    }

    if (!storeDir.isEmpty()) {
        if (!QFile::exists(QDir(storeDir).filePath(QStringLiteral("monitor.sqlite3")))) {
            std::printf("filling %s with %lld deliveries...\n", qPrintable(storeDir),
                        static_cast<long long>(n));
            std::fflush(stdout);
            fillStore(storeDir, n);
        }
        QElapsedTimer t;
        t.start();
        Store store(Store::Options {storeDir});
        MonitorModel model(&store);
        qint64 firstTurnMs = -1;
        QMetaObject::invokeMethod(
            &model, [&] { firstTurnMs = t.elapsed(); }, Qt::QueuedConnection);
        QObject::connect(&model, &MonitorModel::loaded, &app, [&](qint64 count, qint64 ms) {
            std::printf(
                "start-up: event loop running after %lld ms; %lld deliveries loaded in the background "
                "after %lld ms (reading %lld ms)\n",
                static_cast<long long>(firstTurnMs), static_cast<long long>(count),
                static_cast<long long>(t.elapsed()), static_cast<long long>(ms));
            std::printf("process RSS after start-up:      %.0f MiB\n", double(rssKiB()) / 1024.0);
            app.quit();
        });
        QObject::connect(&model, &MonitorModel::loadFailed, &app, [&](const QString &e) {
            std::printf("load failed: %s\n", qPrintable(e));
            app.exit(1);
        });
        model.loadFromStore();
        return app.exec();
    }
    return 0;
}
