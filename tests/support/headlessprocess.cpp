// SPDX-License-Identifier: GPL-3.0-or-later
#include "headlessprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTimer>
#include <csignal>

namespace mm::test {

HeadlessProcess::HeadlessProcess(Options options)
    : m_options(std::move(options))
{
}

HeadlessProcess::~HeadlessProcess()
{
    stopNow();
}

QString HeadlessProcess::appPath()
{
    return QStringLiteral(MM_APP_PATH);
}

void HeadlessProcess::stopNow()
{
    if (running()) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

quint16 HeadlessProcess::start(int timeoutMs)
{
    stopNow();
    m_stdout.clear();
    m_port = 0;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (m_options.secret)
        env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), *m_options.secret);
    else
        env.remove(QStringLiteral("MIGRATION_MONITOR_SECRETS"));
    m_process.setProcessEnvironment(env);
    if (!m_options.logFile.isEmpty())
        m_process.setStandardErrorFile(m_options.logFile, QIODevice::Append);
    QStringList args {QStringLiteral("--headless")};
    // Unless the extra arguments name the store themselves.
    if (!m_options.extraArgs.contains(QStringLiteral("--store"))
        && !m_options.extraArgs.contains(QStringLiteral("--data-dir")))
        args << QStringLiteral("--data-dir") << m_options.dataDir;
    if (!m_options.extraArgs.contains(QStringLiteral("--listen")))
        args << QStringLiteral("--listen") << QStringLiteral("127.0.0.1:%1").arg(m_options.port);
    m_process.start(appPath(), args + m_options.extraArgs);

    static const QRegularExpression re(
        QStringLiteral("listening on https?://127\\.0\\.0\\.1:(\\d+)/webhooks"));
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        m_stdout += m_process.readAllStandardOutput();
        const QRegularExpressionMatch match = re.match(QString::fromUtf8(m_stdout));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return m_port;
        }
        if (!running() || deadline.hasExpired())
            return 0;
        // Waits for output or the end with the event loop running, so that servers in this
        // thread (a WebhookSink the app forwards to) keep answering meanwhile.
        QEventLoop loop;
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &loop, &QEventLoop::quit);
        QObject::connect(&m_process, &QProcess::finished, &loop, &QEventLoop::quit);
        QObject::connect(&m_process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
        QTimer::singleShot(int(deadline.remainingTime()), &loop, &QEventLoop::quit);
        loop.exec();
    }
}

bool HeadlessProcess::waitForExit(int timeoutMs)
{
    return !running() || m_process.waitForFinished(timeoutMs);
}

int HeadlessProcess::exitCode() const
{
    if (running() || m_process.exitStatus() != QProcess::NormalExit)
        return -1;
    return m_process.exitCode();
}

int HeadlessProcess::terminate(int timeoutMs)
{
    if (!running())
        return -1;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    return exitCode();
}

bool HeadlessProcess::sigkill()
{
    if (!running())
        return false;
    ::kill(pid_t(m_process.processId()), SIGKILL);
    return m_process.waitForFinished(10000) && m_process.exitStatus() == QProcess::CrashExit;
}

QString HeadlessProcess::stdoutText()
{
    m_stdout += m_process.readAllStandardOutput();
    return QString::fromUtf8(m_stdout);
}

QString HeadlessProcess::log()
{
    if (m_options.logFile.isEmpty()) {
        m_stderr += m_process.readAllStandardError();
        return QString::fromUtf8(m_stderr);
    }
    QFile f(m_options.logFile);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QString HeadlessProcess::logTail(qsizetype chars)
{
    const QString text = log();
    return text.size() > chars ? QStringLiteral("...") + text.right(chars) : text;
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

// While a receiver is down, a sender connects to its port thousands of times; were that port
// inside the ephemeral range, one of those connects could get it as its own source port (a TCP
// self-connect) and hold it, and the restarted receiver could not listen. Port 0 would always
// pick such a port.
quint16 HeadlessProcess::freePortBelowEphemeralRange()
{
    int ephemeralLow = 32768;
    QFile range(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (range.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const int low = range.readAll().simplified().split(' ').value(0).toInt(&ok);
        if (ok && low > 2048)
            ephemeralLow = low;
    }
    const int first = qMin(10000, ephemeralLow / 2);
    for (int i = 0; i < 200; ++i) {
        const auto candidate = quint16(QRandomGenerator::global()->bounded(first, ephemeralLow));
        QTcpServer probe;
        if (probe.listen(QHostAddress::LocalHost, candidate))
            return candidate; // closed again when probe goes
    }
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

} // namespace mm::test
