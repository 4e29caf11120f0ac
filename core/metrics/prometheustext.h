// SPDX-License-Identifier: GPL-3.0-or-later
// Prometheus' text exposition format, version 0.0.4: metric families (counters, gauges,
// histograms) as plain values in, the exact text a scraper reads out. No I/O, no clocks.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace mm::prometheus {

// The Content-Type of a scrape's answer.
inline constexpr char ContentType[] = "text/plain; version=0.0.4; charset=utf-8";

using Labels = QList<QPair<QByteArray, QByteArray>>; // name, value (UTF-8, escaped on output)

struct Sample
{
    Labels labels;
    double value = 0;
};

// One histogram series: per-bucket counts (not cumulative), the last one past the largest bound
// (+Inf). Its _count is the sum of the buckets, so the +Inf bucket always equals it.
struct HistogramSample
{
    Labels labels;
    QList<double> upperBounds; // increasing, finite
    QList<quint64> bucketCounts; // upperBounds.size() + 1
    double sum = 0;
};

struct Family
{
    enum class Type { Counter, Gauge, Histogram };
    QByteArray name; // counters end in _total
    QByteArray help;
    Type type = Type::Gauge;
    QList<Sample> samples; // counters and gauges
    QList<HistogramSample> histograms; // histograms
};

// The families as one exposition: # HELP and # TYPE, then the samples, each line ending in \n.
// A family without samples is written with its HELP and TYPE alone.
QByteArray format(const QList<Family> &families);

// A sample value as the format writes it: integers without a fraction, the shortest decimal that
// reads back to the same double otherwise, and +Inf, -Inf, NaN.
QByteArray formatValue(double value);
// A label value with backslash, double quote and line feed escaped.
QByteArray escapeLabelValue(QByteArrayView value);
// HELP text with backslash and line feed escaped.
QByteArray escapeHelp(QByteArrayView help);

} // namespace mm::prometheus
