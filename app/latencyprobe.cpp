// SPDX-License-Identifier: GPL-3.0-or-later
#include "latencyprobe.h"

#include <QCoreApplication>
#include <QFile>
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mm {

namespace {
constexpr qint64 NsPerMs = 1000000;

QByteArray ms(qint64 ns)
{
    return QByteArray::number(double(ns) / NsPerMs, 'f', 3);
}
} // namespace

LatencyProbe::LatencyProbe(QObject *parent)
    : QObject(parent)
    , m_path(qEnvironmentVariable("MM_LATENCY_PROBE"))
{
    if (m_path.isEmpty())
        return;
    m_latenessNs.reserve(1 << 16);
    // Single shot, re-armed on each tick: every sample is measured from its own arming, so a
    // late tick does not shorten the next interval (as a repeating timer's catch-up would).
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LatencyProbe::tick);
    connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, this, &LatencyProbe::write);
    m_clock.start();
    // Armed once the event loop runs: start-up before it is not event-loop latency.
    QTimer::singleShot(0, this, [this] {
        m_armedAtNs = m_clock.nsecsElapsed();
        m_timer.start();
    });
}

void LatencyProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    // A timer may fire a little early (Qt rounds to its own clock); early counts as on time.
    m_latenessNs.append(std::max<qint64>(0, now - m_armedAtNs - IntervalMs * NsPerMs));
    m_armedAtNs = now;
    m_timer.start();
}

QByteArray LatencyProbe::summary(QList<qint64> latenessNs)
{
    std::sort(latenessNs.begin(), latenessNs.end());
    const auto rank = [&latenessNs](double p) -> qint64 {
        if (latenessNs.isEmpty())
            return 0;
        // Nearest rank: the smallest sample with at least p of the samples at or below it.
        const auto index = qsizetype(std::ceil(p * double(latenessNs.size()))) - 1;
        return latenessNs.at(std::clamp<qsizetype>(index, 0, latenessNs.size() - 1));
    };
    const auto over
        = std::count_if(latenessNs.cbegin(), latenessNs.cend(), [](qint64 ns) { return ns > 50 * NsPerMs; });
    return "samples: " + QByteArray::number(latenessNs.size()) + "\np50_ms: " + ms(rank(0.50))
        + "\np90_ms: " + ms(rank(0.90)) + "\np99_ms: " + ms(rank(0.99))
        + "\nmax_ms: " + ms(latenessNs.isEmpty() ? 0 : latenessNs.last())
        + "\nover_50ms: " + QByteArray::number(qint64(over)) + '\n';
}

void LatencyProbe::write()
{
    m_timer.stop();
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(summary(m_latenessNs)) < 0) {
        std::fprintf(stderr, "migration-monitor: cannot write the latency probe's file %s: %s\n",
                     qPrintable(m_path), qPrintable(file.errorString()));
    }
}

} // namespace mm
