// SPDX-License-Identifier: GPL-3.0-or-later
// migration-monitor-sim: Svix-faithful webhook traffic for the receiver, for hands-on tests,
// benchmarks and crash tests. Progress goes to stderr, the summary to stdout.
#include "commandline.h"
#include "sim/simulator.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>
#include <csignal>
#include <cstdio>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

using namespace mm::sim;

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    // Only async-signal-safe work here; the event loop picks the byte up.
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

// Ctrl-C and SIGTERM stop the run cleanly, so the summary still says what was acknowledged.
void installStopOnSignal(Simulator *simulator)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, simulator);
    QObject::connect(notifier, &QSocketNotifier::activated, simulator, [simulator, notifier] {
        char byte;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        notifier->setEnabled(false);
        simulator->stop();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

void printErr(const QString &text)
{
    std::fputs(qPrintable(text), stderr);
    std::fflush(stderr);
}

QString describeRun(const SimCommandLine &cl)
{
    const SimOptions &o = cl.options;
    QString what;
    if (o.continuous)
        what = QStringLiteral("migrations continuously");
    else if (o.events > 0)
        what = QStringLiteral("%1 events").arg(o.events);
    else
        what = QStringLiteral("%1 migrations").arg(o.migrations);
    if (o.pings > 0)
        what += QStringLiteral(" and %1 pings").arg(o.pings);
    return QStringLiteral("Sending %1 to %2 over %3 connection(s)%4, seed %5\n")
        .arg(what, o.target.toDisplayString(), QString::number(o.concurrency),
             o.rate > 0 ? QStringLiteral(" at %1/s").arg(o.rate) : QString(), QString::number(o.seed));
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("migration-monitor-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MM_VERSION));

    const SimCommandLine cl = parseSimCommandLine(QCoreApplication::arguments(),
                                                  qEnvironmentVariable("MIGRATION_MONITOR_SECRETS"));
    if (cl.exitNow)
        return 0;
    if (!cl.error.isEmpty()) {
        printErr(QStringLiteral("migration-monitor-sim: %1\nTry --help.\n").arg(cl.error));
        return 2;
    }

    Simulator simulator(cl.options);
    if (!cl.quiet)
        printErr(describeRun(cl));
    if (cl.verbose) {
        QObject::connect(&simulator, &Simulator::delivered, &app, [](const QByteArray &msgId, int status) {
            std::fprintf(stderr, "%s %d\n", msgId.constData(), status);
        });
    }
    if (cl.verbose || !cl.quiet) {
        // Without --verbose only the first one: enough to explain a run where nothing connects.
        auto reported = std::make_shared<bool>(false);
        QObject::connect(
            &simulator, &Simulator::transportError, &app,
            [reported, verbose = cl.verbose](const QByteArray &msgId, const QString &error) {
                if (*reported && !verbose)
                    return;
                *reported = true;
                printErr(QStringLiteral("%1: no answer: %2\n").arg(QString::fromLatin1(msgId), error));
            });
    }
    QTimer progress;
    if (!cl.quiet) {
        QObject::connect(&progress, &QTimer::timeout, &app, [&simulator] {
            const SimSummary s = simulator.summary();
            printErr(QStringLiteral("  %1 s: sent %2, acknowledged %3, retried %4, failed %5, rejected %6\n")
                         .arg(QString::number(s.elapsedSeconds, 'f', 0), QString::number(s.sent),
                              QString::number(s.acknowledged), QString::number(s.retried),
                              QString::number(s.failed), QString::number(s.rejectedAsIntended)));
        });
        progress.start(1000);
    }
    QObject::connect(&simulator, &Simulator::finished, &app, [&app, &progress] {
        progress.stop();
        app.quit();
    });
    installStopOnSignal(&simulator);
    if (!simulator.start()) {
        printErr(QStringLiteral("migration-monitor-sim: %1\n").arg(simulator.errorString()));
        return 2;
    }
    app.exec();

    const SimSummary summary = simulator.summary();
    std::fputs(qPrintable(summary.toText()), stdout);
    std::fflush(stdout);
    return summary.success() ? 0 : 1;
}
