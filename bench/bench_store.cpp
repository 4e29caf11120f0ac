// SPDX-License-Identifier: GPL-3.0-or-later
// The store on its own: deliveries per second through StoreWriter's group commit,
// for a given number of deliveries in flight (the receiver's concurrency).
//
// Run: build/bench/bench_store [deliveries (default 100000)] [in flight (default 64)] [body bytes (default
// 1024)] [power|process (default power: each answer after a sync of the WAL)]
#include "store/store.h"
#include "store/storewriter.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>

using namespace mm;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 total = argc > 1 ? std::atoll(argv[1]) : 100000;
    const int inFlight = argc > 2 ? std::atoi(argv[2]) : 64;
    const int bodySize = argc > 3 ? std::atoi(argv[3]) : 1024;
    const Durability durability
        = parseDurability(QString::fromLocal8Bit(argc > 4 ? argv[4] : "power")).value_or(Durability::Power);

    QTemporaryDir dir;
    Store storeStore(Store::Options {dir.path(), durability, 10000});
    StoreWriter &store = storeStore.writer();
    QString error;
    if (!store.start(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::mutex mutex;
    std::condition_variable cv;
    qint64 completed = 0;
    store.setCompletionSink([&](QList<WriteOutcome> outcomes) {
        std::lock_guard lock(mutex);
        completed += outcomes.size();
        cv.notify_one();
    });

    const QByteArray body(bodySize, 'x');
    QElapsedTimer timer;
    timer.start();
    qint64 submitted = 0;
    while (submitted < total) {
        {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return submitted - completed < inFlight; });
        }
        // Message ids that sort by time, like Svix's KSUIDs.
        DeliveryRecord r;
        r.msgId = "msg_" + QByteArray::number(1000000000 + submitted);
        r.eventId = QStringLiteral("evt_%1").arg(submitted);
        r.type = QStringLiteral("migration.started");
        r.migrationId = QStringLiteral("mig_%1").arg(submitted / 8);
        r.createdUs = 1750000000000000 + submitted;
        r.parsed = true;
        r.body = body;
        r.receivedUs = 1750000000000000 + submitted;
        r.timestampHeader = 1750000000;
        r.remote = QStringLiteral("127.0.0.1");
        r.userAgent = QStringLiteral("Svix-Webhooks/1.66.0");
        r.secretIndex = 0;
        store.submit(quint64(submitted), std::move(r));
        ++submitted;
    }
    {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return completed == total; });
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    store.stop();
    const StoreWriter::Stats s = store.stats();
    std::printf("deliveries:            %lld (%d in flight, %d-byte bodies)\n", static_cast<long long>(total),
                inFlight, bodySize);
    std::printf("deliveries/s:          %.0f\n", double(total) / seconds);
    std::printf("transactions:          %lld (%.1f deliveries each)\n",
                static_cast<long long>(s.transactions), double(s.deliveries) / double(s.transactions));
    std::printf("time per transaction:  %.0f us\n", double(s.writeNs) / 1000.0 / double(s.transactions));
    if (s.syncs > 0)
        std::printf("syncs of the WAL:      %lld (%.1f deliveries each, %.0f us each)\n",
                    static_cast<long long>(s.syncs), double(s.syncedDeliveries) / double(s.syncs),
                    double(s.syncNs) / 1000.0 / double(s.syncs));
    std::printf("time per delivery:     %.1f us\n", double(s.writeNs) / 1000.0 / double(s.deliveries));
    return 0;
}
