// SPDX-License-Identifier: GPL-3.0-or-later
// A strict reader of Prometheus' text exposition format 0.0.4 for tests: every line is a
// # HELP, a # TYPE (before its family's samples, once) or `name{labels} value`; a family's lines
// are one group; no series twice; histograms have cumulative buckets in increasing le order,
// ending in +Inf equal to _count, and a _sum. The first violation is the error.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <optional>

namespace mm::test {

struct PromSample
{
    QByteArray name;
    QMap<QByteArray, QByteArray> labels;
    double value = 0;
};

class PromText final
{
public:
    static PromText parse(const QByteArray &text);

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; } // with the line number
    const QList<PromSample> &samples() const { return m_samples; }
    QByteArray type(const QByteArray &family) const { return m_types.value(family); }
    QByteArray help(const QByteArray &family) const { return m_helps.value(family); }
    QList<QByteArray> families() const { return m_familyOrder; }
    // The one sample with this name and exactly these labels; nullopt when there is none.
    std::optional<double> value(const QByteArray &name,
                                const QMap<QByteArray, QByteArray> &labels = {}) const;

private:
    QString m_error;
    QList<PromSample> m_samples;
    QMap<QByteArray, QByteArray> m_types;
    QMap<QByteArray, QByteArray> m_helps;
    QList<QByteArray> m_familyOrder;
};

} // namespace mm::test
