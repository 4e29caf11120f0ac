// SPDX-License-Identifier: GPL-3.0-or-later
// The real `migration-monitor --headless` for integration tests: started on a loopback port
// with the test secret, waited for until it listens, stopped with SIGTERM or SIGKILL, and
// its logs and resources read back.
#pragma once

#include "testsecret.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <optional>

namespace mm::test {

class HeadlessProcess final
{
public:
    struct Options
    {
        explicit Options(QString dir, QStringList args = {})
            : dataDir(std::move(dir))
            , extraArgs(std::move(args))
        {
        }

        QString dataDir;
        // Appended to --headless --data-dir DIR [--listen 127.0.0.1:PORT]; with its own
        // --listen, no --listen is added.
        QStringList extraArgs;
        quint16 port = 0; // 0: an ephemeral port
        // In MIGRATION_MONITOR_SECRETS; std::nullopt takes the variable out of the environment.
        std::optional<QString> secret = TestSecretText;
        // stderr (one line per delivery) appended to this file; empty: read through a pipe,
        // which a test that blocks for long while thousands of lines are written could fill.
        QString logFile;
    };

    explicit HeadlessProcess(Options options);
    ~HeadlessProcess(); // kills a process still running
    Q_DISABLE_COPY_MOVE(HeadlessProcess)

    // Starts an incarnation (killing a running one) and waits until it listens, with this
    // thread's event loop running meanwhile. Returns the port, 0 if the process ended or
    // had not said "listening on" within timeoutMs.
    [[nodiscard]] quint16 start(int timeoutMs = 15000);

    quint16 port() const { return m_port; } // of the current incarnation, 0 before it listens
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    qint64 pid() const { return m_process.processId(); }
    // True once the process has ended (at once if it is not running).
    [[nodiscard]] bool waitForExit(int timeoutMs = 10000);
    // Of an ended process: its exit code, -1 after a crash or a signal.
    int exitCode() const;
    // SIGTERM, then waits: the exit code; -1 if it was not running, did not end in time or crashed.
    [[nodiscard]] int terminate(int timeoutMs = 20000);
    // SIGKILL: true once the process is gone and the signal ended it.
    [[nodiscard]] bool sigkill();

    QString stdoutText(); // everything the current incarnation wrote to stdout so far
    QString log(); // stderr so far, of every incarnation when it goes to a file
    QString logTail(qsizetype chars = 3000);
    qint64 residentKiB() const; // VmRSS, -1 when unreadable
    int openSockets() const; // sockets among /proc/PID/fd, -1 when unreadable

    static QString appPath();
    // A free loopback port below the kernel's ephemeral range, for a receiver that must come
    // back on the same port (see the .cpp); 0 if none was found.
    static quint16 freePortBelowEphemeralRange();

private:
    void stopNow();

    Options m_options;
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr; // when read through a pipe
    quint16 m_port = 0;
};

} // namespace mm::test
