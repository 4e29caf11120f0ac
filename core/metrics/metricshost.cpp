// SPDX-License-Identifier: GPL-3.0-or-later
#include "metricshost.h"

namespace mm {

MetricsHost::MetricsHost()
{
    // QHttpServer sets up Qt's TLS backend on the thread it is made on, as on the receiver's.
    m_thread.releaseOpenSslStateWhenThreadFinishes();
}

MetricsHost::~MetricsHost()
{
    stop();
}

bool MetricsHost::start(const MetricsConfig &config, const MetricsSources &sources, QString *error)
{
    Q_ASSERT(!m_thread.isRunning());
    QString why;
    // The server and its QHttpServer are created inside the thread that runs them.
    MetricsServer *server = m_thread.startWorker([&]() -> MetricsServer * {
        MM_ASSERT_THREAD(&m_thread);
        auto *made = new MetricsServer(config, sources);
        if (made->listen(&why))
            return made;
        delete made;
        return nullptr;
    });
    if (!server) {
        if (error)
            *error = why;
        return false;
    }
    m_url = server->url(); // set before the thread serves anything that could change it
    return true;
}

void MetricsHost::stop()
{
    m_thread.stop(); // deletes the server on its thread, then joins
    m_url.clear();
}

} // namespace mm
