// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers for tst_hostile: the real receiver process (with its resident memory and open
// sockets read from /proc) and non-blocking clients that many can run at once.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QProcess>
#include <QTcpSocket>
#include <memory>

namespace mm::test {

// `migration-monitor --headless` on a free loopback port, its stderr in a file.
class HeadlessProcess
{
public:
    HeadlessProcess(const QString &dataDir, const QString &logFile, const QString &secret);
    ~HeadlessProcess();

    quint16 port() const { return m_port; } // 0: it did not start
    bool running() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }
    qint64 residentKiB() const; // VmRSS, -1 when unreadable
    int openSockets() const; // sockets among /proc/PID/fd, -1 when unreadable
    int terminate(); // SIGTERM; the exit code, or -1 on a timeout or crash
    QString logTail() const;

private:
    QProcess m_process;
    QString m_logFile;
    quint16 m_port = 0;
};

// One client connection driven by the event loop; it records what it receives and when
// the receiver closed it.
class AsyncPeer
{
public:
    explicit AsyncPeer(quint16 port);

    QTcpSocket &socket() { return m_socket; }
    bool connected() const { return m_connectedMs >= 0; }
    bool closed() const { return m_closedMs >= 0; }
    qint64 connectedMs() const { return m_connectedMs; } // on the shared clock, -1 before
    qint64 closedMs() const { return m_closedMs; }
    qint64 firstByteMs() const { return m_firstByteMs; } // when the answer began to arrive, -1 before
    const QByteArray &received() const { return m_received; }
    int status() const; // of the first response, 0 if none yet
    bool hasCompleteResponse() const;
    void send(const QByteArray &bytes);

    static qint64 nowMs(); // the shared clock

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    qint64 m_connectedMs = -1;
    qint64 m_closedMs = -1;
    qint64 m_firstByteMs = -1;
};

} // namespace mm::test
