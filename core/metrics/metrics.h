// SPDX-License-Identifier: GPL-3.0-or-later
// What --metrics-listen serves, as plain values: the snapshot MetricsServer gathers from the
// receiver, the store and forwarding at each scrape, its Prometheus text, and the /healthz
// answer. Pure: tested without a socket (tests/core/tst_metrics.cpp).
#pragma once

#include "prometheustext.h"
#include "receiver/receivercounters.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace mm {

struct MetricsSnapshot
{
    ReceiverCounters::Values receiver;
    prometheus::HistogramSample commitSeconds; // the store's transactions, BEGIN to COMMIT
    quint64 failedCommits = 0;
    bool storeReachable = true;
    bool storeFull = false;
    std::optional<qint64> forwardQueueDepth; // nullopt while not forwarding
};

// The families, in the order they are written; every rejection reason has a sample (0 until one
// happens), so a rate() over any of them works from the first scrape.
QList<prometheus::Family> metricsFamilies(const MetricsSnapshot &snapshot);
QByteArray metricsText(const MetricsSnapshot &snapshot);

// /healthz: 200 while the webhook port listens and the store took a write; else 503 with the
// first reason. The body is one line.
struct Health
{
    int status = 503;
    QByteArray line;
};
// storeProblem: empty when the last write (a probe or a delivery) committed.
Health health(bool listening, const QString &storeProblem);

} // namespace mm
