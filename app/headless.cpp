// SPDX-License-Identifier: GPL-3.0-or-later
#include "headless.h"

#include "event/envelope.h"
#include "model/migrationbook.h"
#include "receiver/receiverhost.h"
#include "replay/forwarder.h"
#include "replaycli.h"
#include "services.h"
#include "signalwatcher.h"
#include "store/database.h"
#include "store/jsonlexporter.h"
#include "store/store.h"
#include "store/storefollower.h"
#include "store/storereader.h"
#include "store/storewriter.h"
#include "storehealth.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimeZone>
#include <cstdio>
#include <unistd.h>

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
    // The store, retention, forwarding and the receiver, as the window builds them.
    Services services(storeOptions(options), retentionPolicy(options));
    QString warning;
    if (!services.startStore(&error, &warning)) {
        printError(error);
        return 1;
    }
    if (!warning.isEmpty())
        printError(warning);
    Store &store = services.store();
    ReceiverHost &receiver = services.receiver();
    // Queues new deliveries from the first one on: set up before the receiver listens.
    const std::optional<ForwardChoice> forwarding = forwardChoice(options, &error);
    if (!forwarding) {
        printError(error);
        return 2;
    }
    services.applyForwarding(*forwarding);
    if (Forwarder *forwarder = services.forwarder()) {
        QObject::connect(forwarder, &Forwarder::entryUpdated, forwarder, [](const ForwardEntry &e) {
            std::fprintf(stderr, "forward %s %s %d %s%s%s\n", qPrintable(e.state), e.msgId.constData(),
                         e.lastStatus, qPrintable(e.type), e.lastError.isEmpty() ? "" : " ",
                         qPrintable(e.lastError));
        });
        std::printf("forwarding to %s (%s)\n", qPrintable(options.replay.forwardTarget),
                    options.replay.forwardSecret.isEmpty() ? "own ids, endpoint secret" : "re-signed");
    }
    if (!metricsOffWebhookPort(options, *config, &error)) {
        printError(error);
        return 2;
    }
    if (!services.startReceiver(*config, &error)) {
        printError(error);
        return 1;
    }
    if (options.metrics) {
        if (!services.startMetrics(*options.metrics, &error)) {
            printError(error);
            return 1;
        }
        // Before "listening on", which tells a supervisor (and the tests) that start-up is over.
        const QUrl metrics = services.metrics().url();
        std::printf("metrics on %s/metrics, health on %s/healthz\n", qPrintable(metrics.toString()),
                    qPrintable(metrics.toString()));
    }
    QObject::connect(&receiver, &ReceiverHost::handled, &receiver, &writeLog);
    // One line when the disk fills and when it is writable again; one when the clock is off.
    HeadlessHealth health(&store, &receiver, int(config->tolerance.count()));
    QObject::connect(&receiver, &ReceiverHost::guardRejected, &receiver,
                     [](int status, const QString &remote, const QByteArray &reason) {
                         std::fprintf(stderr, "%s %d refused %s %s\n",
                                      qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)),
                                      status, reason.constData(), qPrintable(remote));
                     });

    std::printf("listening on %s\n", qPrintable(receiver.url().toString()));
    std::printf("store: %s\n", qPrintable(store.displayName()));
    std::fflush(stdout);

    QObject::connect(&signals, &SignalWatcher::terminationRequested, &signals, [&](int n) {
        std::fprintf(stderr, "migration-monitor: signal %d, finishing deliveries in flight\n", n);
        services.stop();
        // Log lines the receiver sent while finishing are still queued for this thread.
        QCoreApplication::sendPostedEvents();
        QCoreApplication::exit(0);
    });
    const int rc = QCoreApplication::exec();
    services.stop();
    const StoreWriter::Stats stats = store.writer().stats();
    if (stats.transactions > 0) {
        std::fprintf(stderr,
                     "store: %lld deliveries in %lld transactions (%.1f per transaction, %.0f us each)\n",
                     static_cast<long long>(stats.deliveries), static_cast<long long>(stats.transactions),
                     double(stats.deliveries) / double(stats.transactions),
                     double(stats.writeNs) / 1000.0 / double(stats.transactions));
    }
    if (stats.syncs > 0) {
        std::fprintf(stderr, "store: %lld syncs of the WAL (%.1f deliveries per sync, %.0f us each)\n",
                     static_cast<long long>(stats.syncs),
                     double(stats.syncedDeliveries) / double(stats.syncs),
                     double(stats.syncNs) / 1000.0 / double(stats.syncs));
    }
    return rc;
}

int writeOutput(const QString &target, const std::function<bool(QIODevice &, QString *)> &write)
{
    QString error;
    bool ok = false;
    if (target == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly)) {
            printError(QStringLiteral("Cannot write to standard output."));
            return 1;
        }
        ok = write(out, &error);
    } else {
        QSaveFile out(target);
        // Owner-only before a byte is written: exports hold every body.
        if (!out.open(QIODevice::WriteOnly)
            || !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
            printError(QStringLiteral("Cannot write %1: %2").arg(target, out.errorString()));
            return 1;
        }
        ok = write(out, &error) && out.commit();
        if (!ok && error.isEmpty())
            error = out.errorString();
    }
    if (!ok) {
        printError(error);
        return 1;
    }
    return 0;
}

namespace {
QJsonValue timeOrNull(const std::optional<qint64> &us)
{
    return us ? QJsonValue(formatTimestampUs(*us)) : QJsonValue(QJsonValue::Null);
}
} // namespace

int runReportMigrations(const AppOptions &options)
{
    const Store store(storeOptions(options));
    StoreReader reader(store);
    if (!reader.isOpen()) {
        printError(reader.error());
        return 1;
    }
    EventLog log;
    MigrationBook book;
    const qint64 read = reader.loadFacts([&log](QList<EventFacts> &&batch) {
        for (const EventFacts &f : batch)
            log.upsert(f);
    });
    if (read < 0) {
        printError(reader.error());
        return 1;
    }
    book.applyBulk(log, 0);
    const qint64 nowUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    const QuietThresholds thresholds;
    return writeOutput(options.reportTarget, [&](QIODevice &out, QString *error) {
        for (qsizetype i = 0; i < book.size(); ++i) {
            const Migration &m = book.at(i);
            QJsonArray anomalies;
            for (Anomaly a : anomaliesIn(m.anomalies))
                anomalies.append(anomalyCode(a));
            QJsonObject o;
            o.insert(QLatin1String("id"), m.id);
            o.insert(QLatin1String("status"), statusToString(m.status));
            o.insert(QLatin1String("created"), timeOrNull(m.createdUs));
            o.insert(QLatin1String("started_at"), timeOrNull(m.startedUs));
            o.insert(QLatin1String("finished_at"), timeOrNull(m.finishedUs));
            o.insert(QLatin1String("event_count"), m.eventCount);
            o.insert(QLatin1String("task_failures"), m.taskFailureCount);
            o.insert(QLatin1String("anomalies"), anomalies);
            const bool quiet = m.isQuiet(nowUs, thresholds.workingUs, thresholds.notStartedUs);
            o.insert(QLatin1String("quiet"), quiet);
            o.insert(QLatin1String("stalled"), quiet); // its former name, kept for scripts
            const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
            if (out.write(line) != line.size()) {
                *error = QStringLiteral("Cannot write the report: %1").arg(out.errorString());
                return false;
            }
        }
        return true;
    });
}

int runExport(const AppOptions &options)
{
    const Store store(storeOptions(options));
    qint64 count = -1;
    const int rc = writeOutput(options.exportTarget, [&](QIODevice &out, QString *error) {
        count = JsonlExporter::exportStore(store, out, error);
        return count >= 0;
    });
    if (rc == 0)
        std::fprintf(stderr, "exported %lld deliveries\n", static_cast<long long>(count));
    return rc;
}

int runFollow(const AppOptions &options)
{
    SignalWatcher signals;
    const Store store(storeOptions(options));
    StoreFollower follower(store);
    QString error;
    if (!follower.start(&error)) {
        printError(error);
        return 1;
    }
    QFile out;
    // The descriptor, not stdio's FILE: a pipe would otherwise see lines only when stdio's buffer
    // fills or the process ends.
    if (!out.open(STDOUT_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
        printError(QStringLiteral("cannot write to stdout: %1").arg(out.errorString()));
        return 1;
    }
    // Each delivery is written as it comes (unbuffered), so a pipe sees it at once.
    QObject::connect(&follower, &StoreFollower::appended, &follower,
                     [&follower, &out](const QList<qint64> &rows) {
                         QString why;
                         if (JsonlExporter::exportRows(follower.database(), rows, out, &why) < 0)
                             printError(QStringLiteral("cannot print deliveries: %1").arg(why));
                     });
    QObject::connect(&follower, &StoreFollower::problem, &follower, [](const QString &message) {
        if (message.isEmpty())
            std::fprintf(stderr, "migration-monitor: the store can be read again\n");
        else
            printError(QStringLiteral("cannot read the store (%1); trying again").arg(message.simplified()));
    });
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &signals,
                     [](int) { QCoreApplication::exit(0); });
    std::fprintf(stderr, "following %s\n", qPrintable(store.displayName()));
    return QCoreApplication::exec();
}

} // namespace mm
