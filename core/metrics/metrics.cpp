// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics.h"

namespace mm {

namespace {
using prometheus::Family;

Family family(const char *name, const char *help, Family::Type type, double value)
{
    Family f {QByteArray(name), QByteArray(help), type, {}, {}};
    f.samples.append({{}, value});
    return f;
}
} // namespace

QList<prometheus::Family> metricsFamilies(const MetricsSnapshot &m)
{
    QList<Family> out;
    out.append(family("migration_monitor_deliveries_accepted_total",
                      "Deliveries verified and stored for the first time (answered 200 stored).",
                      Family::Type::Counter, double(m.receiver.accepted)));
    out.append(family("migration_monitor_deliveries_duplicate_total",
                      "Deliveries whose message id was stored already: a retry, counted as another attempt "
                      "(answered 200 duplicate).",
                      Family::Type::Counter, double(m.receiver.duplicate)));
    Family rejected {
        QByteArrayLiteral("migration_monitor_deliveries_rejected_total"),
        QByteArrayLiteral("Requests on the webhook port not stored, by reason: a failed "
                          "verification (401), a wrong method (405), a limit or malformed request "
                          "the guard refused, or a store that could not write (503)."),
        Family::Type::Counter,
        {},
        {}};
    for (size_t i = 0; i < m.receiver.rejected.size(); ++i) {
        const QLatin1String code = rejectReasonCode(RejectReason(i));
        rejected.samples.append({{{QByteArrayLiteral("reason"), QByteArray(code.data(), code.size())}},
                                 double(m.receiver.rejected[i])});
    }
    out.append(rejected);

    Family commit {
        QByteArrayLiteral("migration_monitor_store_commit_seconds"),
        QByteArrayLiteral("Time from BEGIN to COMMIT of each store transaction that committed (one "
                          "per group commit, holding every delivery verified meanwhile)."),
        Family::Type::Histogram,
        {},
        {m.commitSeconds}};
    out.append(commit);
    out.append(family("migration_monitor_store_failed_transactions_total",
                      "Store transactions that failed; their deliveries were answered 503.",
                      Family::Type::Counter, double(m.failedCommits)));
    out.append(family("migration_monitor_requests_in_flight",
                      "Verified deliveries whose answer waits for their transaction to commit.",
                      Family::Type::Gauge, double(m.receiver.inFlight)));
    Family depth {QByteArrayLiteral("migration_monitor_forward_queue_depth"),
                  QByteArrayLiteral("Deliveries waiting to be forwarded (pending in the forwarding queue, "
                                    "those being sent included); no sample while forwarding is off."),
                  Family::Type::Gauge,
                  {},
                  {}};
    if (m.forwardQueueDepth)
        depth.samples.append({{}, double(*m.forwardQueueDepth)});
    out.append(depth);
    out.append(family("migration_monitor_store_reachable",
                      "1 unless the last write found the store unreachable (a PostgreSQL server down or "
                      "refusing the connection).",
                      Family::Type::Gauge, m.storeReachable ? 1 : 0));
    out.append(family("migration_monitor_store_disk_full",
                      "1 while the last write failed for want of disk space.", Family::Type::Gauge,
                      m.storeFull ? 1 : 0));
    out.append(family("migration_monitor_receiver_listening", "1 while the webhook port is listening.",
                      Family::Type::Gauge, m.receiver.listening ? 1 : 0));
    return out;
}

QByteArray metricsText(const MetricsSnapshot &snapshot)
{
    return prometheus::format(metricsFamilies(snapshot));
}

Health health(bool listening, const QString &storeProblem)
{
    if (!listening)
        return {503, QByteArrayLiteral("not listening: the webhook port is closed\n")};
    if (!storeProblem.isEmpty())
        return {503, "store not writable: " + storeProblem.simplified().toUtf8() + '\n'};
    return {200, QByteArrayLiteral("ok\n")};
}

} // namespace mm
