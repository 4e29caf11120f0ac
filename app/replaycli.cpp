// SPDX-License-Identifier: GPL-3.0-or-later
#include "replaycli.h"

#include "event/envelope.h"
#include "headless.h"
#include "replay/forwarder.h"
#include "replay/replayer.h"
#include "replay/replaystore.h"
#include "signalwatcher.h"
#include "store/database.h"
#include "store/harexporter.h"
#include "store/jsonlimporter.h"
#include "store/storewriter.h"
#include "storehealth.h"

#include <QCoreApplication>
#include <QFile>
#include <QMap>
#include <cstdio>

namespace mm {

namespace {
void printError(const QString &message)
{
    std::fprintf(stderr, "migration-monitor: %s\n", qPrintable(message));
}

// "OK     200    12.3 ms  msg_… [→ msg_…]  type  migration" and, on failure, why.
QByteArray resultLine(const ReplayResult &r)
{
    QByteArray line = r.ok() ? QByteArrayLiteral("OK    ") : QByteArrayLiteral("FAILED");
    line += ' ' + (r.status ? QByteArray::number(r.status) : QByteArrayLiteral("---")).rightJustified(3);
    line += ' ' + QByteArray::number(double(r.latencyUs) / 1000.0, 'f', 1).rightJustified(8) + " ms  ";
    line += r.originalMsgId;
    if (!r.sentMsgId.isEmpty() && r.sentMsgId != r.originalMsgId)
        line += " -> " + r.sentMsgId;
    line += "  " + (r.type.isEmpty() ? QByteArrayLiteral("-") : r.type.toUtf8());
    line += "  " + (r.migrationId.isEmpty() ? QByteArrayLiteral("-") : r.migrationId.toUtf8());
    if (r.tries > 1)
        line += "  (" + QByteArray::number(r.tries) + " tries)";
    if (!r.ok())
        line += "  " + r.error.toUtf8();
    return line + '\n';
}
} // namespace

int runReplay(const AppOptions &options)
{
    const ReplayArgs &a = options.replay;
    ReplayOptions replay;
    replay.target = QUrl(a.target);
    replay.concurrency = a.concurrency;
    replay.ratePerSecond = a.ratePerSecond;
    replay.retries = a.retries;
    replay.retryOn = a.retryTransientOnly ? RetryOn::Transient : RetryOn::NonSuccess;
    replay.signing.newIds = a.newIds;
    if (!a.resignSecret.isEmpty()) {
        QString error;
        replay.signing.secret = SigningSecret::parse(a.resignSecret, &error);
        if (!replay.signing.secret) {
            printError(QStringLiteral("--resign-secret: %1").arg(error));
            return 2;
        }
    }
    const Store source(storeOptions(options));
    ReplayStore store(source);
    if (!store.isOpen()) {
        printError(store.error());
        return 1;
    }
    ReplaySelection selection;
    selection.migrationId = a.migrationId;
    selection.type = a.type;
    selection.sinceUs = a.sinceUs;
    auto deliveries = store.load(selection);
    if (!deliveries) {
        printError(QStringLiteral("Cannot read the store: %1").arg(store.error()));
        return 1;
    }
    if (deliveries->isEmpty()) {
        std::fprintf(stderr, "replay: no stored delivery matches; nothing sent\n");
        return 0;
    }
    const qint64 runId
        = store.beginRun(a.target, ReplayStore::modeName(replay.signing), int(deliveries->size()));
    if (runId < 0)
        printError(QStringLiteral("The replay history cannot be written (%1); replaying anyway.")
                       .arg(store.error()));

    Replayer replayer;
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &replayer, [&replayer](int) {
        std::fprintf(stderr, "replay: interrupted, cancelling what is left\n");
        replayer.cancel();
    });
    // Lines come out oldest first whatever the concurrency: each waits for those before it.
    QMap<int, ReplayResult> waiting;
    int nextToPrint = 0;
    QList<ReplayResult> unrecorded;
    QObject::connect(&replayer, &Replayer::resultReady, &replayer, [&](const ReplayResult &r) {
        waiting.insert(r.index, r);
        unrecorded.append(r);
        while (!waiting.isEmpty() && waiting.firstKey() == nextToPrint) {
            const QByteArray line = resultLine(waiting.take(nextToPrint++));
            std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
        }
        std::fflush(stdout);
        if (unrecorded.size() >= 100 && runId >= 0) {
            store.record(runId, unrecorded);
            unrecorded.clear();
        }
    });
    ReplaySummary summary;
    QObject::connect(&replayer, &Replayer::finished, &replayer, [&summary](const ReplaySummary &s) {
        summary = s;
        QCoreApplication::exit(0);
    });
    QString error;
    if (!replayer.start(*std::move(deliveries), replay, &error)) {
        printError(error);
        return 2;
    }
    QCoreApplication::exec();
    if (runId >= 0 && !(store.record(runId, unrecorded) && store.finishRun(runId, summary)))
        printError(QStringLiteral("The replay history was not fully written: %1").arg(store.error()));
    std::fprintf(stderr, "replay: %d succeeded, %d failed, %d cancelled (%s, history run %lld)\n",
                 summary.succeeded, summary.failed, summary.cancelled,
                 qPrintable(ReplayStore::modeName(replay.signing)), static_cast<long long>(runId));
    return summary.failed + summary.cancelled > 0 ? 1 : 0;
}

int runImport(const AppOptions &options)
{
    const QString source = options.replay.importSource;
    QFile in;
    if (source == QLatin1String("-") ? !in.open(stdin, QIODevice::ReadOnly)
                                     : (in.setFileName(source), !in.open(QIODevice::ReadOnly))) {
        printError(QStringLiteral("Cannot read %1: %2").arg(source, in.errorString()));
        return 1;
    }
    QString error;
    Store store(storeOptions(options));
    const auto result = JsonlImporter::importFrom(store, in, &error);
    if (!result) {
        printError(error);
        return 1;
    }
    for (const QString &e : result->errors)
        std::fprintf(stderr, "import: %s\n", qPrintable(e));
    if (result->invalid > result->errors.size())
        std::fprintf(stderr, "import: ... and %lld more unreadable lines\n",
                     static_cast<long long>(result->invalid - result->errors.size()));
    std::fprintf(stderr, "imported %lld deliveries, %lld already stored, %lld unreadable lines\n",
                 static_cast<long long>(result->imported), static_cast<long long>(result->duplicates),
                 static_cast<long long>(result->invalid));
    return result->invalid > 0 ? 1 : 0;
}

int runExportHar(const AppOptions &options)
{
    qint64 count = -1;
    const int rc = writeOutput(options.replay.harTarget, [&](QIODevice &out, QString *error) {
        count = HarExporter::exportStore(Store(storeOptions(options)), out, error);
        return count >= 0;
    });
    if (rc == 0)
        std::fprintf(stderr, "exported %lld deliveries as HAR\n", static_cast<long long>(count));
    return rc;
}

std::optional<ForwardChoice> forwardChoice(const AppOptions &options, QString *error)
{
    const ReplayArgs &a = options.replay;
    ForwardChoice choice;
    choice.target = a.forwardTarget;
    choice.fromCommandLine = true;
    if (!a.forwardTarget.isEmpty() && !a.forwardSecret.isEmpty()) {
        choice.secret = SigningSecret::parse(a.forwardSecret, error);
        if (!choice.secret) {
            *error = QStringLiteral("--forward-secret: %1").arg(*error);
            return std::nullopt;
        }
    }
    return choice;
}

} // namespace mm
