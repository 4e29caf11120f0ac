// SPDX-License-Identifier: GPL-3.0-or-later
// A diagnostic for bench/bench_gui_latency.sh: with MM_LATENCY_PROBE=FILE it measures how late
// a 10 ms timer fires on the GUI thread and writes the percentiles to FILE when the app quits.
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

namespace mm {

class LatencyProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatencyProbe)

public:
    static constexpr int IntervalMs = 10;

    // Reads the environment; stays idle unless MM_LATENCY_PROBE names a file.
    explicit LatencyProbe(QObject *parent = nullptr);

    // Lines "samples: N", "p50_ms: X", "p90_ms", "p99_ms", "max_ms", "over_50ms: N" for the
    // lateness samples (nanoseconds).
    static QByteArray summary(QList<qint64> latenessNs);

private:
    void tick();
    void write();

    QString m_path;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_armedAtNs = 0;
    QList<qint64> m_latenessNs;
};

} // namespace mm
