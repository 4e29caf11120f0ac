// SPDX-License-Identifier: GPL-3.0-or-later
// core/metrics/prometheustext: the exposition format's values, escapes, families and histograms,
// read back with the strict reader of tests/support/prometheusparse.h (whose own refusals are
// tested here too, so that "it parses" means something).
#include "metrics/prometheustext.h"
#include "prometheusparse.h"

#include <QTest>
#include <cmath>
#include <limits>

using namespace mm;
using namespace mm::prometheus;
using mm::test::PromText;

class TestPrometheusText final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void values_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("zero") << 0.0 << QByteArray("0");
        QTest::addRow("count") << 42.0 << QByteArray("42");
        QTest::addRow("negative") << -3.0 << QByteArray("-3");
        QTest::addRow("large count") << 123456789012.0 << QByteArray("123456789012");
        QTest::addRow("bucket bound") << 0.0005 << QByteArray("0.0005");
        QTest::addRow("fraction") << 2.5 << QByteArray("2.5");
        QTest::addRow("shortest round trip") << 0.1 << QByteArray("0.1");
        QTest::addRow("tiny") << 1e-9 << QByteArray("1e-09");
        QTest::addRow("huge") << 1e20 << QByteArray("1e+20");
        QTest::addRow("+Inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
        QTest::addRow("-Inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
        QTest::addRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
    }

    void values()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, text);
        QCOMPARE(formatValue(value), text);
    }

    void countersAndGauges()
    {
        Family requests {"requests_total", "Requests.", Family::Type::Counter, {}, {}};
        requests.samples.append({{{"code", "200"}}, 7});
        requests.samples.append({{{"code", "401"}}, 1});
        Family up {"up", "1 while up.", Family::Type::Gauge, {{{}, 1}}, {}};
        const QByteArray text = format({requests, up});
        QCOMPARE(text,
                 QByteArray("# HELP requests_total Requests.\n"
                            "# TYPE requests_total counter\n"
                            "requests_total{code=\"200\"} 7\n"
                            "requests_total{code=\"401\"} 1\n"
                            "# HELP up 1 while up.\n"
                            "# TYPE up gauge\n"
                            "up 1\n"));
        const PromText parsed = PromText::parse(text);
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error()));
        QCOMPARE(parsed.type("requests_total"), QByteArray("counter"));
        QCOMPARE(parsed.value("requests_total", {{"code", "401"}}), std::optional<double>(1));
        QCOMPARE(parsed.value("up"), std::optional<double>(1));
    }

    // Label values and HELP text carry backslashes, quotes and line feeds escaped, and read back whole.
    void escapes()
    {
        const QByteArray nasty = "a\\b \"quoted\"\nnext line";
        Family f {
            "x_total", "Help with \\ and\na line feed.", Family::Type::Counter, {{{{"v", nasty}}, 1}}, {}};
        const QByteArray text = format({f});
        QVERIFY(text.contains("# HELP x_total Help with \\\\ and\\na line feed.\n"));
        QVERIFY(text.contains("x_total{v=\"a\\\\b \\\"quoted\\\"\\nnext line\"} 1\n"));
        QCOMPARE(text.count('\n'), 3); // no raw line feed slipped through
        const PromText parsed = PromText::parse(text);
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error()));
        QCOMPARE(parsed.value("x_total", {{"v", nasty}}), std::optional<double>(1));
        QCOMPARE(parsed.help("x_total"), QByteArray("Help with \\ and\na line feed."));
    }

    void histogramsAreCumulativeAndEndInInf()
    {
        HistogramSample h;
        h.labels = {{"op", "commit"}};
        h.upperBounds = {0.1, 1, 10};
        h.bucketCounts = {1, 0, 2, 3}; // the last past 10 s
        h.sum = 42.5;
        const QByteArray text = format({{"latency_seconds", "Latency.", Family::Type::Histogram, {}, {h}}});
        QCOMPARE(text,
                 QByteArray("# HELP latency_seconds Latency.\n"
                            "# TYPE latency_seconds histogram\n"
                            "latency_seconds_bucket{op=\"commit\",le=\"0.1\"} 1\n"
                            "latency_seconds_bucket{op=\"commit\",le=\"1\"} 1\n"
                            "latency_seconds_bucket{op=\"commit\",le=\"10\"} 3\n"
                            "latency_seconds_bucket{op=\"commit\",le=\"+Inf\"} 6\n"
                            "latency_seconds_sum{op=\"commit\"} 42.5\n"
                            "latency_seconds_count{op=\"commit\"} 6\n"));
        const PromText parsed = PromText::parse(text);
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error()));
        QCOMPARE(parsed.value("latency_seconds_count", {{"op", "commit"}}), std::optional<double>(6));
    }

    void aFamilyWithoutSamplesKeepsItsHeader()
    {
        const QByteArray text = format({{"depth", "Depth.", Family::Type::Gauge, {}, {}}});
        QCOMPARE(text, QByteArray("# HELP depth Depth.\n# TYPE depth gauge\n"));
        QVERIFY(PromText::parse(text).isValid());
    }

    // The reader refuses what Prometheus would refuse, so a valid parse above is a real check.
    void theReaderRefusesBrokenText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("no final line feed") << QByteArray("up 1");
        QTest::addRow("no value") << QByteArray("up\n");
        QTest::addRow("not a number") << QByteArray("up one\n");
        QTest::addRow("bad name") << QByteArray("1up 1\n");
        QTest::addRow("unquoted label") << QByteArray("up{a=b} 1\n");
        QTest::addRow("bad escape") << QByteArray("up{a=\"\\t\"} 1\n");
        QTest::addRow("unknown type") << QByteArray("# TYPE up meter\nup 1\n");
        QTest::addRow("type after sample") << QByteArray("up 1\n# TYPE up gauge\n");
        QTest::addRow("two types") << QByteArray("# TYPE up gauge\n# TYPE up gauge\nup 1\n");
        QTest::addRow("same series twice") << QByteArray("up 1\nup 2\n");
        QTest::addRow("split group") << QByteArray("a 1\nb 1\na{x=\"1\"} 1\n");
        QTest::addRow("negative counter") << QByteArray("# TYPE c_total counter\nc_total -1\n");
        QTest::addRow("buckets not cumulative")
            << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
                          "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n");
        QTest::addRow("no +Inf bucket")
            << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n");
        QTest::addRow("count is not +Inf") << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
                                                         "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n");
        QTest::addRow("le not increasing") << QByteArray("# TYPE h histogram\nh_bucket{le=\"2\"} 1\n"
                                                         "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
                                                         "h_sum 1\nh_count 1\n");
        QTest::addRow("no sum") << QByteArray("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n");
    }

    void theReaderRefusesBrokenText()
    {
        QFETCH(QByteArray, text);
        QVERIFY(!PromText::parse(text).isValid());
    }
};

QTEST_GUILESS_MAIN(TestPrometheusText)
#include "tst_prometheustext.moc"
