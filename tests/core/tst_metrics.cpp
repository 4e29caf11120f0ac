// SPDX-License-Identifier: GPL-3.0-or-later
// core/metrics/metrics and latencyhistogram, core/receiver/receivercounters: what /metrics says
// for a snapshot, read back strictly (tests/support/prometheusparse.h) and, where Debian's
// python3-prometheus-client is installed, by Prometheus' own Python parser; and /healthz's answer.
#include "metrics/latencyhistogram.h"
#include "metrics/metrics.h"
#include "prometheusparse.h"
#include "receiver/receivercounters.h"

#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTest>
#include <thread>
#include <vector>

using namespace mm;
using mm::test::PromText;

namespace {
constexpr qint64 Us = 1000;
constexpr qint64 Ms = 1000 * Us;

// Five commits: 50 us, 250 us (a bound: "le" includes it), 2 ms, 2 ms and 20 s.
MetricsSnapshot sampleSnapshot()
{
    MetricsSnapshot s;
    s.receiver.accepted = 5;
    s.receiver.duplicate = 2;
    s.receiver.rejected[size_t(RejectReason::NoMatchingSignature)] = 3;
    s.receiver.rejected[size_t(RejectReason::BodyTooLarge)] = 1;
    s.receiver.inFlight = 4;
    s.receiver.listening = true;
    LatencyHistogram h;
    for (qint64 ns : {50 * Us, 250 * Us, 2 * Ms, 2 * Ms, 20000 * Ms})
        h.observe(ns);
    s.commitSeconds = h.snapshot();
    s.failedCommits = 1;
    s.storeReachable = false;
    s.storeFull = false;
    s.forwardQueueDepth = 9;
    return s;
}

QMap<QByteArray, QByteArray> le(const char *bound)
{
    return {{"le", bound}};
}
} // namespace

class TestMetrics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void snapshotAsPrometheusText()
    {
        const PromText parsed = PromText::parse(metricsText(sampleSnapshot()));
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error()));
        QCOMPARE(parsed.value("migration_monitor_deliveries_accepted_total"), std::optional<double>(5));
        QCOMPARE(parsed.value("migration_monitor_deliveries_duplicate_total"), std::optional<double>(2));
        QCOMPARE(parsed.value("migration_monitor_deliveries_rejected_total",
                              {{"reason", "no_matching_signature"}}),
                 std::optional<double>(3));
        QCOMPARE(parsed.value("migration_monitor_deliveries_rejected_total", {{"reason", "body_too_large"}}),
                 std::optional<double>(1));
        QCOMPARE(parsed.value("migration_monitor_deliveries_rejected_total", {{"reason", "store_failed"}}),
                 std::optional<double>(0));
        QCOMPARE(parsed.value("migration_monitor_requests_in_flight"), std::optional<double>(4));
        QCOMPARE(parsed.value("migration_monitor_forward_queue_depth"), std::optional<double>(9));
        QCOMPARE(parsed.value("migration_monitor_store_reachable"), std::optional<double>(0));
        QCOMPARE(parsed.value("migration_monitor_store_disk_full"), std::optional<double>(0));
        QCOMPARE(parsed.value("migration_monitor_receiver_listening"), std::optional<double>(1));
        QCOMPARE(parsed.value("migration_monitor_store_failed_transactions_total"), std::optional<double>(1));
        for (const QByteArray &family : parsed.families()) {
            QVERIFY2(!parsed.help(family).isEmpty(), family.constData());
            QVERIFY2(!parsed.type(family).isEmpty(), family.constData());
            if (parsed.type(family) == "counter")
                QVERIFY2(family.endsWith("_total"), family.constData());
        }

        // The commit histogram: cumulative, le inclusive, the 20 s commit only in +Inf.
        const QByteArray bucket = "migration_monitor_store_commit_seconds_bucket";
        QCOMPARE(parsed.type("migration_monitor_store_commit_seconds"), QByteArray("histogram"));
        QCOMPARE(parsed.value(bucket, le("0.0001")), std::optional<double>(1));
        QCOMPARE(parsed.value(bucket, le("0.00025")), std::optional<double>(2));
        QCOMPARE(parsed.value(bucket, le("0.001")), std::optional<double>(2));
        QCOMPARE(parsed.value(bucket, le("0.0025")), std::optional<double>(4));
        QCOMPARE(parsed.value(bucket, le("10")), std::optional<double>(4));
        QCOMPARE(parsed.value(bucket, le("+Inf")), std::optional<double>(5));
        QCOMPARE(parsed.value("migration_monitor_store_commit_seconds_count"), std::optional<double>(5));
        const auto sum = parsed.value("migration_monitor_store_commit_seconds_sum");
        QVERIFY(sum);
        QVERIFY2(qAbs(*sum - 20.0043) < 1e-9, qPrintable(QString::number(*sum, 'g', 17)));
    }

    // One sample per reason, each named once: the label set is closed and stable.
    void everyReasonHasItsOwnSample()
    {
        const PromText parsed = PromText::parse(metricsText(MetricsSnapshot {}));
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error()));
        QSet<QByteArray> reasons;
        for (const auto &s : parsed.samples()) {
            if (s.name == "migration_monitor_deliveries_rejected_total") {
                QCOMPARE(s.value, 0.0);
                reasons.insert(s.labels.value("reason"));
            }
        }
        QCOMPARE(reasons.size(), qsizetype(RejectReason::Count));
        QVERIFY(reasons.contains("no_matching_signature"));
        QVERIFY(reasons.contains("method_not_allowed"));
        QVERIFY(reasons.contains("too_many_connections"));
    }

    void noForwardingNoDepthSample()
    {
        MetricsSnapshot s = sampleSnapshot();
        s.forwardQueueDepth.reset();
        const PromText parsed = PromText::parse(metricsText(s));
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error()));
        QVERIFY(parsed.families().contains("migration_monitor_forward_queue_depth"));
        QCOMPARE(parsed.value("migration_monitor_forward_queue_depth"), std::nullopt);
    }

    // Prometheus' own Python parser (Debian's python3-prometheus-client) reads the same text.
    void prometheusClientParsesIt()
    {
        // Debian's interpreter first: the package installs there, whatever else is on PATH.
        QString python;
        for (const QString &candidate : {QStringLiteral("/usr/bin/python3"),
                                         QStandardPaths::findExecutable(QStringLiteral("python3"))}) {
            QProcess probe;
            probe.start(candidate, {QStringLiteral("-c"), QStringLiteral("import prometheus_client.parser")});
            if (probe.waitForFinished(30000) && probe.exitStatus() == QProcess::NormalExit
                && probe.exitCode() == 0) {
                python = candidate;
                break;
            }
        }
        if (python.isEmpty()) {
            const char *why = "python3 with prometheus_client is not installed (python3-prometheus-client)";
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(why); // scripts/bootstrap.sh installs it
            QSKIP(why);
        }
        const char *script = R"(import sys
from prometheus_client.parser import text_string_to_metric_families
for f in text_string_to_metric_families(sys.stdin.read()):
    for s in f.samples:
        labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
        print("%s %s %s{%s} %r" % (f.name, f.type, s.name, labels, s.value))
)";
        QProcess parse;
        parse.start(python, {QStringLiteral("-c"), QString::fromLatin1(script)});
        QVERIFY(parse.waitForStarted());
        parse.write(metricsText(sampleSnapshot()));
        parse.closeWriteChannel();
        QVERIFY(parse.waitForFinished(30000));
        QVERIFY2(parse.exitCode() == 0, parse.readAllStandardError().constData());
        const QList<QByteArray> lines = parse.readAllStandardOutput().trimmed().split('\n');
        // The Python client names counters without _total and the histogram by its base name.
        QVERIFY(lines.contains("migration_monitor_deliveries_accepted counter "
                               "migration_monitor_deliveries_accepted_total{} 5.0"));
        QVERIFY(
            lines.contains("migration_monitor_deliveries_rejected counter "
                           "migration_monitor_deliveries_rejected_total{reason=no_matching_signature} 3.0"));
        QVERIFY(lines.contains("migration_monitor_store_commit_seconds histogram "
                               "migration_monitor_store_commit_seconds_bucket{le=+Inf} 5.0"));
        QVERIFY(lines.contains("migration_monitor_store_commit_seconds histogram "
                               "migration_monitor_store_commit_seconds_count{} 5.0"));
        QVERIFY(lines.contains("migration_monitor_forward_queue_depth gauge "
                               "migration_monitor_forward_queue_depth{} 9.0"));
        // Every sample we wrote, and no other.
        const PromText ours = PromText::parse(metricsText(sampleSnapshot()));
        QCOMPARE(lines.size(), ours.samples().size());
    }

    void histogramBoundsIncludeTheirValue()
    {
        LatencyHistogram h;
        h.observe(1 * Ms); // exactly le="0.001"
        h.observe(1 * Ms + 1);
        h.observe(-5); // a clock step back counts as zero
        const prometheus::HistogramSample s = h.snapshot();
        QCOMPARE(s.upperBounds.size() + 1, s.bucketCounts.size());
        const qsizetype at1ms = s.upperBounds.indexOf(0.001);
        QVERIFY(at1ms > 0);
        QCOMPARE(s.bucketCounts.at(0), quint64(1)); // the negative one
        QCOMPARE(s.bucketCounts.at(at1ms), quint64(1));
        QCOMPARE(s.bucketCounts.at(at1ms + 1), quint64(1));
        QVERIFY(qAbs(s.sum - 0.002000001) < 1e-12);
    }

    // Lock-free adds from several threads lose nothing.
    void histogramTakesConcurrentObservations()
    {
        LatencyHistogram h;
        constexpr int Threads = 4;
        constexpr int Each = 50000;
        std::vector<std::thread> threads;
        for (int t = 0; t < Threads; ++t)
            threads.emplace_back([&h, t] {
                for (int i = 0; i < Each; ++i)
                    h.observe(qint64(t + 1) * Ms);
            });
        for (std::thread &t : threads)
            t.join();
        const prometheus::HistogramSample s = h.snapshot();
        quint64 total = 0;
        for (quint64 c : s.bucketCounts)
            total += c;
        QCOMPARE(total, quint64(Threads * Each));
        QVERIFY(qAbs(s.sum - double(Each) * (1 + 2 + 3 + 4) / 1000.0) < 1e-6);
    }

    void reasons_data()
    {
        QTest::addColumn<int>("guardStatus");
        QTest::addColumn<QString>("code");
        QTest::addRow("400") << 400 << "bad_request";
        QTest::addRow("408") << 408 << "request_timeout";
        QTest::addRow("413") << 413 << "body_too_large";
        QTest::addRow("417") << 417 << "expectation_failed";
        QTest::addRow("431") << 431 << "headers_too_large";
        QTest::addRow("501") << 501 << "not_implemented";
        QTest::addRow("503") << 503 << "too_many_connections";
        QTest::addRow("505") << 505 << "http_version_not_supported";
        QTest::addRow("418") << 418 << "other";
    }

    void reasons()
    {
        QFETCH(int, guardStatus);
        QFETCH(QString, code);
        QCOMPARE(QString(rejectReasonCode(guardRejectReason(guardStatus))), code);
    }

    void verificationOutcomesKeepTheirCodes()
    {
        // The label is the code the logs, the store and exports already use for the outcome.
        for (VerifyOutcome o : {VerifyOutcome::MissingHeaders, VerifyOutcome::InvalidHeaders,
                                VerifyOutcome::TimestampTooOld, VerifyOutcome::TimestampTooNew,
                                VerifyOutcome::NoMatchingSignature, VerifyOutcome::NoSecretConfigured})
            QCOMPARE(QString(rejectReasonCode(rejectReasonOf(o))), outcomeCode(o));
        QSet<QString> codes;
        for (int i = 0; i < int(RejectReason::Count); ++i)
            codes.insert(rejectReasonCode(RejectReason(i)));
        QCOMPARE(codes.size(), int(RejectReason::Count));
    }

    void health_data()
    {
        QTest::addColumn<bool>("listening");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("line");
        QTest::addRow("healthy") << true << QString() << 200 << QByteArray("ok\n");
        QTest::addRow("not listening")
            << false << QString() << 503 << QByteArray("not listening: the webhook port is closed\n");
        QTest::addRow("not listening wins") << false << QStringLiteral("down") << 503
                                            << QByteArray("not listening: the webhook port is closed\n");
        QTest::addRow("store down, one line")
            << true << QStringLiteral("could not connect to server:\nConnection refused") << 503
            << QByteArray("store not writable: could not connect to server: Connection refused\n");
    }

    void health()
    {
        QFETCH(bool, listening);
        QFETCH(QString, problem);
        QFETCH(int, status);
        QFETCH(QByteArray, line);
        const Health h = mm::health(listening, problem);
        QCOMPARE(h.status, status);
        QCOMPARE(h.line, line);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
