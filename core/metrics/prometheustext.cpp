// SPDX-License-Identifier: GPL-3.0-or-later
#include "prometheustext.h"

#include <charconv>
#include <cmath>

namespace mm::prometheus {

namespace {
QByteArray typeName(Family::Type type)
{
    switch (type) {
    case Family::Type::Counter:
        return QByteArrayLiteral("counter");
    case Family::Type::Gauge:
        return QByteArrayLiteral("gauge");
    case Family::Type::Histogram:
        return QByteArrayLiteral("histogram");
    }
    return QByteArrayLiteral("untyped");
}

void appendLabels(QByteArray &out, const Labels &labels, const QByteArray &extraName = {},
                  const QByteArray &extraValue = {})
{
    if (labels.isEmpty() && extraName.isEmpty())
        return;
    out += '{';
    bool first = true;
    auto one = [&](const QByteArray &name, const QByteArray &value) {
        if (!first)
            out += ',';
        first = false;
        out += name + "=\"" + escapeLabelValue(value) + '"';
    };
    for (const auto &[name, value] : labels)
        one(name, value);
    if (!extraName.isEmpty())
        one(extraName, extraValue);
    out += '}';
}

void appendLine(QByteArray &out, const QByteArray &name, const Labels &labels, double value,
                const QByteArray &extraName = {}, const QByteArray &extraValue = {})
{
    out += name;
    appendLabels(out, labels, extraName, extraValue);
    out += ' ' + formatValue(value) + '\n';
}
} // namespace

QByteArray formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    // Whole numbers (counts) exactly as integers, while a double holds them exactly.
    if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0)
        return QByteArray::number(qint64(value));
    char buffer[64];
    const double magnitude = std::fabs(value);
    // Plain decimals (0.0005, 2.5) where they stay short; exponents for the very small or large.
    const auto format
        = magnitude >= 1e-6 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::general;
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, format);
    return QByteArray(buffer, int(result.ptr - buffer));
}

QByteArray escapeLabelValue(QByteArrayView value)
{
    QByteArray out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray escapeHelp(QByteArrayView help)
{
    QByteArray out;
    out.reserve(help.size());
    for (const char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray format(const QList<Family> &families)
{
    QByteArray out;
    for (const Family &f : families) {
        out += "# HELP " + f.name + ' ' + escapeHelp(f.help) + '\n';
        out += "# TYPE " + f.name + ' ' + typeName(f.type) + '\n';
        if (f.type != Family::Type::Histogram) {
            for (const Sample &s : f.samples)
                appendLine(out, f.name, s.labels, s.value);
            continue;
        }
        for (const HistogramSample &h : f.histograms) {
            // A histogram nothing was observed in may come without counts: every bucket at 0.
            const QList<quint64> counts
                = h.bucketCounts.isEmpty() ? QList<quint64>(h.upperBounds.size() + 1, 0) : h.bucketCounts;
            Q_ASSERT(counts.size() == h.upperBounds.size() + 1);
            quint64 cumulative = 0;
            for (qsizetype i = 0; i < counts.size(); ++i) {
                cumulative += counts.at(i);
                const QByteArray le
                    = i < h.upperBounds.size() ? formatValue(h.upperBounds.at(i)) : QByteArrayLiteral("+Inf");
                appendLine(out, f.name + "_bucket", h.labels, double(cumulative), "le", le);
            }
            appendLine(out, f.name + "_sum", h.labels, h.sum);
            appendLine(out, f.name + "_count", h.labels, double(cumulative));
        }
    }
    return out;
}

} // namespace mm::prometheus
