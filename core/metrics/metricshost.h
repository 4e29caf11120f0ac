// SPDX-License-Identifier: GPL-3.0-or-later
// Owns the metrics thread ("mm-metrics") and the MetricsServer created inside it, so a scrape
// never waits for the receiver's or the window's thread. Used from the main thread.
#pragma once

#include "metricsserver.h"
#include "util/workerthread.h"

#include <QUrl>

namespace mm {

class MetricsHost final
{
    Q_DISABLE_COPY_MOVE(MetricsHost)

public:
    MetricsHost();
    ~MetricsHost(); // stop()

    // Returns once the port is bound, or has failed (false, with a sentence in error).
    bool start(const MetricsConfig &config, const MetricsSources &sources, QString *error);
    // Closes the port (health checks waiting are dropped) and joins the thread. Idempotent.
    void stop();

    bool isRunning() const { return m_thread.isRunning(); }
    QUrl url() const { return m_url; }

private:
    WorkerThread m_thread {QStringLiteral("mm-metrics")};
    QUrl m_url;
};

} // namespace mm
