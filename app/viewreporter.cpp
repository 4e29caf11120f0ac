// SPDX-License-Identifier: GPL-3.0-or-later
#include "viewreporter.h"

#include "mainwindow.h"
#include "model/monitormodel.h"
#include "receiver/receiverhost.h"

#include <QWidget>
#include <cstdio>

namespace mm {

ViewReporter::ViewReporter(const QWidget *window, MonitorModel *model, const ReceiverHost *receiver,
                           QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_model(model)
    , m_receiver(receiver)
{
    if (qEnvironmentVariable("MM_VIEW_REPORT") != QLatin1String("1"))
        return;
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &ViewReporter::report);
    m_timer.start();
}

QString ViewReporter::line() const
{
    const QString url = m_receiver->isRunning() ? m_receiver->url().toString() : QStringLiteral("-");
    const auto *main = qobject_cast<const MainWindow *>(m_window);
    const QString selected = main ? main->selectedMigration() : QString();
    return QStringLiteral(
               "view: window=%1 migrations=%2 events=%3 rejected=%4 listening=%5 selected=%6 receivers=%7")
        .arg(m_window->isVisible() ? QStringLiteral("shown") : QStringLiteral("hidden"))
        .arg(m_model->filteredMigrations()->rowCount())
        .arg(m_model->filteredEvents()->rowCount())
        .arg(m_model->filteredRejections()->rowCount())
        .arg(url, selected.isEmpty() ? QStringLiteral("-") : selected)
        .arg(m_model->receivers().size());
}

void ViewReporter::report()
{
    // stdout is a pipe under a test, so flush: the reader waits for whole lines.
    std::fprintf(stdout, "%s\n", qPrintable(line()));
    std::fflush(stdout);
}

} // namespace mm
