// SPDX-License-Identifier: GPL-3.0-or-later
#include "prometheusparse.h"

#include <QSet>
#include <cmath>
#include <cstdlib>

namespace mm::test {

namespace {
bool isNameStart(char c, bool colonAllowed)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colonAllowed && c == ':');
}

bool isNameChar(char c, bool colonAllowed)
{
    return isNameStart(c, colonAllowed) || (c >= '0' && c <= '9');
}

bool isMetricName(QByteArrayView name)
{
    if (name.isEmpty() || !isNameStart(name.front(), true))
        return false;
    for (const char c : name)
        if (!isNameChar(c, true))
            return false;
    return true;
}

// Go's strconv.ParseFloat as Prometheus uses it: decimals, exponents, +Inf, -Inf, NaN.
std::optional<double> parseValue(const QByteArray &text)
{
    if (text == "+Inf" || text == "Inf")
        return HUGE_VAL;
    if (text == "-Inf")
        return -HUGE_VAL;
    if (text == "NaN")
        return std::nan("");
    if (text.isEmpty())
        return std::nullopt;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
            return std::nullopt;
    char *end = nullptr;
    const double v = std::strtod(text.constData(), &end);
    if (end != text.constData() + text.size())
        return std::nullopt;
    return v;
}

QByteArray seriesKey(const QByteArray &name, const QMap<QByteArray, QByteArray> &labels)
{
    QByteArray key = name + '{';
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        key += it.key() + "=\"" + it.value() + "\",";
    return key + '}';
}
} // namespace

std::optional<double> PromText::value(const QByteArray &name,
                                      const QMap<QByteArray, QByteArray> &labels) const
{
    for (const PromSample &s : m_samples)
        if (s.name == name && s.labels == labels)
            return s.value;
    return std::nullopt;
}

PromText PromText::parse(const QByteArray &text)
{
    PromText out;
    int lineNo = 0;
    auto fail = [&out, &lineNo](const QString &why) {
        if (out.m_error.isEmpty())
            out.m_error = QStringLiteral("line %1: %2").arg(lineNo).arg(why);
        return out;
    };
    if (!text.isEmpty() && !text.endsWith('\n'))
        return fail(QStringLiteral("the text does not end with a line feed"));

    QByteArray currentFamily; // the group being read
    QSet<QByteArray> closedFamilies; // groups already left: their lines may not come back
    QSet<QByteArray> sampled; // families with a sample already
    QSet<QByteArray> series;
    auto enterFamily = [&](const QByteArray &family) -> bool {
        if (family == currentFamily)
            return true;
        if (closedFamilies.contains(family))
            return false;
        if (!currentFamily.isEmpty())
            closedFamilies.insert(currentFamily);
        currentFamily = family;
        if (!out.m_familyOrder.contains(family))
            out.m_familyOrder.append(family);
        return true;
    };
    // The family a sample name belongs to: a histogram's _bucket, _sum and _count are its own.
    auto familyOf = [&out](const QByteArray &name) {
        for (const char *suffix : {"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                const QByteArray base = name.chopped(qsizetype(qstrlen(suffix)));
                if (out.m_types.value(base) == "histogram" || out.m_types.value(base) == "summary")
                    return base;
            }
        }
        return name;
    };

    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        lineNo = int(i + 1);
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            const QList<QByteArray> parts = line.split(' ');
            if (parts.size() < 3 || parts.at(0) != "#" || (parts.at(1) != "HELP" && parts.at(1) != "TYPE"))
                continue; // a plain comment
            const QByteArray &name = parts.at(2);
            if (!isMetricName(name))
                return fail(QStringLiteral("'%1' is not a metric name").arg(QString::fromUtf8(name)));
            if (!enterFamily(name))
                return fail(QStringLiteral("%1's lines are not one group").arg(QString::fromUtf8(name)));
            if (parts.at(1) == "TYPE") {
                if (parts.size() != 4)
                    return fail(QStringLiteral("TYPE needs a name and one type"));
                const QByteArray &type = parts.at(3);
                if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary"
                    && type != "untyped")
                    return fail(QStringLiteral("unknown type '%1'").arg(QString::fromUtf8(type)));
                if (out.m_types.contains(name))
                    return fail(QStringLiteral("a second TYPE for %1").arg(QString::fromUtf8(name)));
                if (sampled.contains(name))
                    return fail(QStringLiteral("TYPE after %1's samples").arg(QString::fromUtf8(name)));
                out.m_types.insert(name, type);
            } else {
                if (out.m_helps.contains(name))
                    return fail(QStringLiteral("a second HELP for %1").arg(QString::fromUtf8(name)));
                const qsizetype start = qsizetype(qstrlen("# HELP ")) + name.size() + 1;
                const QByteArray raw = start <= line.size() ? line.mid(start) : QByteArray();
                QByteArray help;
                for (qsizetype k = 0; k < raw.size(); ++k) {
                    if (raw.at(k) != '\\') {
                        help += raw.at(k);
                        continue;
                    }
                    if (++k >= raw.size() || (raw.at(k) != '\\' && raw.at(k) != 'n'))
                        return fail(QStringLiteral("a bad escape in HELP"));
                    help += raw.at(k) == 'n' ? '\n' : '\\';
                }
                out.m_helps.insert(name, help);
            }
            continue;
        }

        // name{labels} value [timestamp]
        PromSample s;
        qsizetype pos = 0;
        while (pos < line.size() && isNameChar(line.at(pos), true))
            ++pos;
        s.name = line.left(pos);
        if (!isMetricName(s.name))
            return fail(QStringLiteral("a sample without a metric name"));
        if (pos < line.size() && line.at(pos) == '{') {
            ++pos;
            for (;;) {
                if (pos < line.size() && line.at(pos) == '}') {
                    ++pos;
                    break;
                }
                const qsizetype nameStart = pos;
                while (pos < line.size() && isNameChar(line.at(pos), false))
                    ++pos;
                const QByteArray label = line.mid(nameStart, pos - nameStart);
                if (label.isEmpty() || !isNameStart(label.front(), false) || label.startsWith("__"))
                    return fail(QStringLiteral("a bad label name"));
                if (pos + 1 >= line.size() || line.at(pos) != '=' || line.at(pos + 1) != '"')
                    return fail(QStringLiteral("expected =\" after label %1").arg(QString::fromUtf8(label)));
                pos += 2;
                QByteArray value;
                for (;;) {
                    if (pos >= line.size())
                        return fail(QStringLiteral("an unterminated label value"));
                    const char c = line.at(pos++);
                    if (c == '"')
                        break;
                    if (c != '\\') {
                        value += c;
                        continue;
                    }
                    if (pos >= line.size())
                        return fail(QStringLiteral("an unterminated escape"));
                    const char e = line.at(pos++);
                    if (e == '\\' || e == '"')
                        value += e;
                    else if (e == 'n')
                        value += '\n';
                    else
                        return fail(QStringLiteral("a bad escape in a label value"));
                }
                if (s.labels.contains(label))
                    return fail(QStringLiteral("label %1 twice").arg(QString::fromUtf8(label)));
                s.labels.insert(label, value);
                if (pos < line.size() && line.at(pos) == ',')
                    ++pos;
                else if (pos >= line.size() || line.at(pos) != '}')
                    return fail(QStringLiteral("expected , or } after a label"));
            }
        }
        if (pos >= line.size() || line.at(pos) != ' ')
            return fail(QStringLiteral("expected one space before the value"));
        const QList<QByteArray> rest = line.mid(pos + 1).split(' ');
        if (rest.isEmpty() || rest.size() > 2)
            return fail(QStringLiteral("expected a value and at most a timestamp"));
        const auto value = parseValue(rest.at(0));
        if (!value)
            return fail(QStringLiteral("'%1' is not a value").arg(QString::fromUtf8(rest.at(0))));
        s.value = *value;
        const QByteArray family = familyOf(s.name);
        if (!enterFamily(family))
            return fail(QStringLiteral("%1's lines are not one group").arg(QString::fromUtf8(family)));
        sampled.insert(family);
        if (out.m_types.value(family) == "counter" && !(s.value >= 0))
            return fail(QStringLiteral("counter %1 is negative").arg(QString::fromUtf8(s.name)));
        if (out.m_types.value(family) == "histogram" && s.name == family)
            return fail(QStringLiteral("histogram %1 has a bare sample").arg(QString::fromUtf8(s.name)));
        const QByteArray key = seriesKey(s.name, s.labels);
        if (series.contains(key))
            return fail(QStringLiteral("series %1 twice").arg(QString::fromUtf8(key)));
        series.insert(key);
        out.m_samples.append(s);
    }

    // Histograms: per label set, buckets in increasing le, cumulative, +Inf last and equal to
    // _count, and a _sum.
    lineNo = 0;
    for (auto it = out.m_types.cbegin(); it != out.m_types.cend(); ++it) {
        if (it.value() != "histogram")
            continue;
        const QByteArray &family = it.key();
        QMap<QByteArray, QList<PromSample>> buckets; // by label set without le
        for (const PromSample &s : std::as_const(out.m_samples)) {
            if (s.name != family + "_bucket")
                continue;
            if (!s.labels.contains("le"))
                return fail(QStringLiteral("%1_bucket without le").arg(QString::fromUtf8(family)));
            QMap<QByteArray, QByteArray> rest = s.labels;
            rest.remove("le");
            buckets[seriesKey(family, rest)].append(s);
        }
        if (buckets.isEmpty())
            continue;
        for (auto b = buckets.cbegin(); b != buckets.cend(); ++b) {
            double lastLe = -HUGE_VAL;
            double lastCount = 0;
            for (const PromSample &s : b.value()) {
                const auto le = parseValue(s.labels.value("le"));
                if (!le || std::isnan(*le))
                    return fail(QStringLiteral("le '%1' is not a number")
                                    .arg(QString::fromUtf8(s.labels.value("le"))));
                if (!(*le > lastLe))
                    return fail(QStringLiteral("%1: le not increasing").arg(QString::fromUtf8(b.key())));
                if (s.value < lastCount)
                    return fail(QStringLiteral("%1: buckets not cumulative").arg(QString::fromUtf8(b.key())));
                lastLe = *le;
                lastCount = s.value;
            }
            if (!std::isinf(lastLe))
                return fail(QStringLiteral("%1: no +Inf bucket last").arg(QString::fromUtf8(b.key())));
            QMap<QByteArray, QByteArray> labels = b.value().constFirst().labels;
            labels.remove("le");
            const auto count = out.value(family + "_count", labels);
            if (!count || *count != lastCount)
                return fail(
                    QStringLiteral("%1: _count is not the +Inf bucket").arg(QString::fromUtf8(b.key())));
            if (!out.value(family + "_sum", labels))
                return fail(QStringLiteral("%1: no _sum").arg(QString::fromUtf8(b.key())));
        }
    }
    return out;
}

} // namespace mm::test
