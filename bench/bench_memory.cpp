// SPDX-License-Identifier: GPL-3.0-or-later
// Does memory stay bounded? 24 hours of traffic at 50 deliveries a second (4,320,000) go
// through the real store and the real MonitorModel, compressed into one run by a fake clock,
// with retention on (6 hours by default, so the store and the model hold about 1,080,000 at
// steady state). Prints the process's resident memory every simulated hour; from hour 6 on it
// should stay in a narrow band.
//
// What runs: a SQLite Store (writer, checkpoint thread), deliveries written through the
// store's bulk path (StoreWriter::writeImported, 250 per transaction: the live ingest path of
// the model, not its bulk reset), committed() -> MonitorModel::ingest as in the window, and a
// retention pass (Retention, the code RetentionWorker runs, here on this thread with the fake
// clock) every simulated minute whose deleted ids go to MonitorModel::forget as the window's
// Services pass them on. Bodies are small (~300 bytes) and the store runs with --durability
// process (no sync per commit): the store's size and speed are not what is measured.
//
// Run: build/bench/bench_memory [--hours 24] [--rate 50] [--retention-hours 6] [--trim]
//      [--memory-cap N (MonitorModel::setMemoryCap; default 0: none)]
//      [--dir FOLDER (default: a temporary folder, removed afterwards)]
// With a cap, "in model" stays at or under it and "frozen" counts the migrations kept on the board
// as summaries only.
// --trim calls malloc_trim(0) before each reading (the figure then shows what the heap holds,
// not what glibc kept cached); without it the figures are VmRSS as the process has it.
#include "model/monitormodel.h"
#include "store/records.h"
#include "store/retention.h"
#include "store/store.h"
#include "store/storewriter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <cstdio>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace mm;

namespace {
constexpr qint64 Sec = 1'000'000;
constexpr qint64 Hour = 3600 * Sec;
constexpr qint64 Start = 1'780'000'000LL * Sec; // the fake clock's first instant
constexpr int BatchSize = 250; // deliveries per transaction
const char *const Types[] = {"migration.created", "migration.started", "migration_task.failed",
                             "migration.completed", "migration.failed"};

long statusKiB(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLong();
    }
    return -1;
}

// Delivery i of the day. Migrations run for about 72 s: 600 at a time, six events each, the
// next 600 begin when they end; some tasks fail, one outcome in eight is a failure.
ImportedDelivery delivery(qint64 i, qint64 receivedUs)
{
    const qint64 migration = (i / 3600) * 600 + i % 600;
    const int step = int((i % 3600) / 600);
    const int kind = step == 0 ? 0 : step == 1 ? 1 : step < 5 ? (i % 7 == 0 ? 2 : 1) : (i % 8 == 0 ? 4 : 3);
    static const char *const Statuses[] = {"NOT_STARTED", "WORKING", "WORKING", "COMPLETE", "FAILED"};
    ImportedDelivery d;
    DeliveryRecord &r = d.record;
    r.msgId = "msg_2Zk" + QByteArray::number(100000000 + i) + "QbCdEfGh";
    r.eventId = QStringLiteral("evt_01J%1XYZ").arg(200000000 + i);
    r.type = QString::fromLatin1(Types[kind]);
    r.migrationId = QStringLiteral("mig_01J%1QRS").arg(10000000 + migration);
    r.status = QString::fromLatin1(Statuses[kind]);
    if (kind == 2) {
        r.taskId = QStringLiteral("task_%1").arg(i);
        r.errorMessage = QStringLiteral("extraction timed out");
    } else if (kind == 4) {
        r.errorMessage = QStringLiteral("login workflow rejected");
    }
    r.companyId = QStringLiteral("f7b2d4e9-3c8a-4f1b-9e6d-2a5c8b7f3e9%1").arg(migration % 10);
    r.createdUs = receivedUs - 300'000;
    r.receivedUs = receivedUs;
    r.timestampHeader = receivedUs / Sec;
    r.parsed = true;
    r.body = R"({"type":")" + r.type.toUtf8() + R"(","timestamp":")" + QByteArray::number(receivedUs)
        + R"(","data":{"object":{"id":")" + r.migrationId.toUtf8() + R"(","status":")" + r.status.toUtf8()
        + R"(","company_id":")" + r.companyId.toUtf8() + R"("}}})";
    return d;
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("default.info=false")); // retention's line a pass
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption hoursOption(QStringLiteral("hours"), QStringLiteral("Simulated hours."),
                                         QStringLiteral("n"), QStringLiteral("24"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("Deliveries per second."),
                                        QStringLiteral("n"), QStringLiteral("50"));
    const QCommandLineOption retentionOption(QStringLiteral("retention-hours"),
                                             QStringLiteral("Retention age."), QStringLiteral("n"),
                                             QStringLiteral("6"));
    const QCommandLineOption trimOption(QStringLiteral("trim"),
                                        QStringLiteral("malloc_trim(0) before each reading."));
    const QCommandLineOption dirOption(QStringLiteral("dir"), QStringLiteral("Store folder."),
                                       QStringLiteral("folder"));
    const QCommandLineOption capOption(QStringLiteral("memory-cap"),
                                       QStringLiteral("Deliveries the model keeps in memory (0: all)."),
                                       QStringLiteral("n"), QStringLiteral("0"));
    parser.addOptions({hoursOption, rateOption, retentionOption, trimOption, dirOption, capOption});
    parser.process(app);
    const int hours = parser.value(hoursOption).toInt();
    const int rate = parser.value(rateOption).toInt();
    const qint64 retentionUs = parser.value(retentionOption).toLongLong() * Hour;
    const bool trim = parser.isSet(trimOption);

    QTemporaryDir temporary;
    const QString folder = parser.isSet(dirOption) ? parser.value(dirOption) : temporary.path();
    Store::Options options {folder};
    // --durability process: commits do not wait for the disk. Memory is what is measured here,
    // and a sync per transaction would make the run an hour of fdatasync on a shared disk.
    options.durability = Durability::Process;
    Store store(std::move(options));
    QString error;
    if (!Retention::prepareStore(store, &error) || !store.start(&error)) {
        std::fprintf(stderr, "store: %s\n", qPrintable(error));
        return 1;
    }
    MonitorModel model(&store);
    const qint64 cap = parser.value(capOption).toLongLong();
    model.setMemoryCap(cap);
    QObject::connect(&store.writer(), &StoreWriter::committed, &model, &MonitorModel::ingest);

    qint64 nowUs = Start;
    auto importing = store.openConnection(u"import", &error);
    auto deleting = store.openConnection(u"retention", &error);
    if (!importing || !deleting) {
        std::fprintf(stderr, "store: %s\n", qPrintable(error));
        return 1;
    }
    Retention retention(deleting->connectionName(), [&nowUs] { return nowUs; });
    RetentionPolicy policy;
    policy.maxAgeUs = retentionUs;
    retention.setPolicy(policy);

    std::printf("bench_memory: %d h at %d/s (%lld deliveries), retention %lld h, memory cap %lld, RSS %s\n",
                hours, rate, static_cast<long long>(qint64(hours) * 3600 * rate),
                static_cast<long long>(retentionUs / Hour), static_cast<long long>(cap),
                trim ? "after malloc_trim(0)" : "as is (no malloc_trim)");
    std::printf("%5s %10s %10s %10s %8s %10s %10s %9s %8s\n", "hour", "delivered", "in model", "migrations",
                "frozen", "VmRSS MiB", "VmHWM MiB", "store MiB", "wall s");
    std::fflush(stdout);

    QElapsedTimer wall;
    wall.start();
    const qint64 stepUs = Sec / rate;
    const qint64 perMinute = qint64(rate) * 60;
    qint64 delivered = 0;
    QList<ImportedDelivery> batch;
    batch.reserve(BatchSize);
    for (int hour = 1; hour <= hours; ++hour) {
        for (int minute = 0; minute < 60; ++minute) {
            for (qint64 n = 0; n < perMinute; ++n) {
                batch.append(delivery(delivered, nowUs));
                ++delivered;
                nowUs += stepUs;
                if (batch.size() == BatchSize) {
                    if (!store.writer().writeImported(*importing, batch, &error)) {
                        std::fprintf(stderr, "write: %s\n", qPrintable(error));
                        return 1;
                    }
                    batch.clear();
                    QCoreApplication::processEvents(); // the model's publish timer
                }
            }
            // RetentionWorker's pass (every minute in the app), with what it deleted handed on.
            QList<qint64> deleted;
            const Retention::Pass pass
                = retention.run({}, [&deleted](const QList<qint64> &ids) { deleted.append(ids); });
            if (!pass.complete) {
                std::fprintf(stderr, "retention: %s\n", qPrintable(pass.error));
                return 1;
            }
            if (!deleted.isEmpty())
                model.forget(deleted);
        }
        QCoreApplication::processEvents();
#ifdef __GLIBC__
        if (trim)
            malloc_trim(0);
#endif
        const qint64 storeBytes = store.sizeOnDisk();
        std::printf("%5d %10lld %10lld %10lld %8lld %10.1f %10.1f %9.1f %8.1f\n", hour,
                    static_cast<long long>(delivered), static_cast<long long>(model.log().size()),
                    static_cast<long long>(model.book().size()),
                    static_cast<long long>(model.book().frozenCount()), double(statusKiB("VmRSS")) / 1024,
                    double(statusKiB("VmHWM")) / 1024, double(storeBytes) / (1024 * 1024),
                    double(wall.elapsed()) / 1000);
        std::fflush(stdout);
    }
    const QString names[] = {importing->connectionName(), deleting->connectionName()};
    importing.reset();
    deleting.reset();
    for (const QString &name : names)
        Store::closeConnection(name);
    store.stop();
    return 0;
}
