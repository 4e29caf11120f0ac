// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostilepeers.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <csignal>

namespace mm::test {

HeadlessProcess::HeadlessProcess(const QString &dataDir, const QString &logFile, const QString &secret)
    : m_logFile(logFile)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), secret);
    m_process.setProcessEnvironment(env);
    // Thousands of log lines: a pipe nobody drains while the test blocks would stall the receiver.
    m_process.setStandardErrorFile(logFile);
    m_process.start(QStringLiteral(MM_APP_PATH),
                    {QStringLiteral("--headless"), QStringLiteral("--data-dir"), dataDir,
                     QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    static const QRegularExpression re(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)/webhooks"));
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15000 && m_process.state() != QProcess::NotRunning) {
        m_process.waitForReadyRead(100);
        out += m_process.readAllStandardOutput();
        const auto match = re.match(QString::fromUtf8(out));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            break;
        }
    }
}

HeadlessProcess::~HeadlessProcess()
{
    if (running()) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

qint64 HeadlessProcess::residentKiB() const
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid()));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

int HeadlessProcess::openSockets() const
{
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid()));
    if (!fds.exists())
        return -1;
    int sockets = 0;
    for (const QString &name : fds.entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)) {
        if (QFileInfo(fds.filePath(name)).symLinkTarget().contains(QLatin1String("socket:")))
            ++sockets;
    }
    return sockets;
}

int HeadlessProcess::terminate()
{
    if (!running())
        return -1;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(20000) || m_process.exitStatus() != QProcess::NormalExit)
        return -1;
    return m_process.exitCode();
}

QString HeadlessProcess::logTail() const
{
    QFile f(m_logFile);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(f.readAll().right(3000));
}

AsyncPeer::AsyncPeer(quint16 port)
{
    QObject::connect(&m_socket, &QTcpSocket::connected, &m_socket, [this] { m_connectedMs = nowMs(); });
    QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
        if (m_firstByteMs < 0)
            m_firstByteMs = nowMs();
        m_received += m_socket.readAll();
    });
    QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] {
        if (m_closedMs < 0)
            m_closedMs = nowMs();
    });
    QObject::connect(&m_socket, &QTcpSocket::errorOccurred, &m_socket, [this](QAbstractSocket::SocketError) {
        const QByteArray rest = m_socket.readAll();
        if (!rest.isEmpty() && m_firstByteMs < 0)
            m_firstByteMs = nowMs();
        m_received += rest;
        if (m_closedMs < 0)
            m_closedMs = nowMs();
    });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

int AsyncPeer::status() const
{
    if (!m_received.startsWith("HTTP/1.1 ") || m_received.size() < 12)
        return 0;
    return m_received.mid(9, 3).toInt();
}

bool AsyncPeer::hasCompleteResponse() const
{
    const qsizetype headEnd = m_received.indexOf("\r\n\r\n");
    if (status() == 0 || headEnd < 0)
        return false;
    static const QRegularExpression lengthRe(QStringLiteral("\r\ncontent-length:\\s*(\\d+)"),
                                             QRegularExpression::CaseInsensitiveOption);
    const auto match = lengthRe.match(QString::fromLatin1(m_received.left(headEnd)));
    const qint64 length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
    return m_received.size() >= headEnd + 4 + length;
}

void AsyncPeer::send(const QByteArray &bytes)
{
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.write(bytes);
}

qint64 AsyncPeer::nowMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

} // namespace mm::test
