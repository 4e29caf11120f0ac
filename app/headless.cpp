// SPDX-License-Identifier: GPL-3.0-or-later
#include "headless.h"

#include "receiver/receiverhost.h"
#include "signalwatcher.h"
#include "store/database.h"
#include "store/exporter.h"
#include "store/storewriter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QSaveFile>
#include <QTimeZone>

#include <cstdio>

namespace mm {

namespace {
void printError(const QString &message)
{
    std::fprintf(stderr, "migration-monitor: %s\n", qPrintable(message));
}

// One line per delivery: time, status, verdict, message id and event type. Never a
// secret or signature. Written once per batch to keep the receiving path cheap.
void writeLog(const QList<DeliveryLogEntry> &entries)
{
    QByteArray out;
    for (const DeliveryLogEntry &e : entries) {
        out += QDateTime::fromMSecsSinceEpoch(e.atUs / 1000, QTimeZone::utc())
                   .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"))
                   .toLatin1();
        out += ' ' + QByteArray::number(e.status) + ' ' + e.verdict.toLatin1() + ' '
            + (e.msgId.isEmpty() ? QByteArray("-") : e.msgId.toPercentEncoding("_-.~")) + ' '
            + (e.type.isEmpty() ? QByteArray("-") : e.type.toUtf8()) + ' ' + e.remote.toLatin1() + '\n';
    }
    std::fwrite(out.constData(), 1, size_t(out.size()), stderr);
    std::fflush(stderr);
}
} // namespace

int runHeadless(const AppOptions &options)
{
    QString error;
    const auto config = receiverConfig(options, &error);
    if (!config) {
        printError(error);
        return 2;
    }
    if (config->secrets.isEmpty()) {
        printError(QStringLiteral("No signing secret: set MIGRATION_MONITOR_SECRETS or pass --secret. "
                                  "Copy it from the endpoint's page in the Anon dashboard (whsec_...)."));
        return 2;
    }
    // Installed first: a SIGTERM during start-up must still end in an orderly stop.
    SignalWatcher signals;
    const QString dataDir = options.dataDir.value_or(Database::defaultDataDir());
    StoreWriter store(StoreWriter::Options {dataDir, Database::Sync::Normal, 10000,
                                            qEnvironmentVariableIntValue("MM_STORE_THREAD") == 0});
    if (!store.start(&error)) {
        printError(error);
        return 1;
    }
    ReceiverHost receiver;
    if (!receiver.start(*config, &store, &error)) {
        printError(error);
        store.stop();
        return 1;
    }
    QObject::connect(&receiver, &ReceiverHost::handled, &receiver, &writeLog);
    QObject::connect(&receiver, &ReceiverHost::guardRejected, &receiver,
                     [](int status, const QString &remote, const QByteArray &reason) {
                         std::fprintf(stderr, "%s %d refused %s %s\n",
                                      qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)),
                                      status, reason.constData(), qPrintable(remote));
                     });

    std::printf("listening on %s\n", qPrintable(receiver.url().toString()));
    std::printf("store: %s\n", qPrintable(Database::databasePath(dataDir)));
    std::fflush(stdout);

    QObject::connect(&signals, &SignalWatcher::terminationRequested, &signals, [&](int n) {
        std::fprintf(stderr, "migration-monitor: signal %d, finishing deliveries in flight\n", n);
        receiver.stop();
        store.stop();
        // Log lines the receiver sent while finishing are still queued for this thread.
        QCoreApplication::sendPostedEvents();
        QCoreApplication::exit(0);
    });
    const int rc = QCoreApplication::exec();
    receiver.stop();
    store.stop();
    const StoreWriter::Stats stats = store.stats();
    if (stats.transactions > 0) {
        std::fprintf(stderr, "store: %lld deliveries in %lld transactions (%.1f per transaction, %.0f us each)\n",
                     static_cast<long long>(stats.deliveries), static_cast<long long>(stats.transactions),
                     double(stats.deliveries) / double(stats.transactions),
                     double(stats.writeNs) / 1000.0 / double(stats.transactions));
    }
    return rc;
}

int runExport(const AppOptions &options)
{
    const QString dataDir = options.dataDir.value_or(Database::defaultDataDir());
    QString error;
    qint64 count = -1;
    if (options.exportTarget == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly)) {
            printError(QStringLiteral("Cannot write to standard output."));
            return 1;
        }
        count = JsonlExporter::exportStore(dataDir, out, &error);
    } else {
        // Written to a temporary file and renamed, so a failed export leaves no half file.
        QSaveFile out(options.exportTarget);
        if (!out.open(QIODevice::WriteOnly)) {
            printError(QStringLiteral("Cannot write %1: %2").arg(options.exportTarget, out.errorString()));
            return 1;
        }
        count = JsonlExporter::exportStore(dataDir, out, &error);
        if (count >= 0 && !out.commit()) {
            error = out.errorString();
            count = -1;
        }
    }
    if (count < 0) {
        printError(error);
        return 1;
    }
    std::fprintf(stderr, "exported %lld deliveries\n", static_cast<long long>(count));
    return 0;
}

} // namespace mm
