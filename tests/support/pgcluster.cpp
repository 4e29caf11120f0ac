// SPDX-License-Identifier: GPL-3.0-or-later
#include "pgcluster.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <pwd.h>
#include <unistd.h>

namespace mm::test {

namespace {

const QString ServerUser = QStringLiteral("postgres"); // the OS account the server runs as, as root
const QString Role = QStringLiteral("postgres"); // the cluster's superuser role
const QString Host = QStringLiteral("127.0.0.1");
constexpr int ProcessTimeoutMs = 120000;

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

bool hasServerTools(const QString &dir)
{
    if (dir.isEmpty())
        return false;
    for (const char *tool : {"initdb", "pg_ctl", "createdb", "postgres"}) {
        if (!QFileInfo(dir + QLatin1Char('/') + QLatin1String(tool)).isExecutable())
            return false;
    }
    return true;
}

// Runs `program args` to completion; its merged output goes to *output.
bool run(const QString &program, const QStringList &args, const QString &workingDir, QString *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(workingDir);
    process.start(program, args);
    const bool finished = process.waitForStarted() && process.waitForFinished(ProcessTimeoutMs);
    const QString text = QString::fromLocal8Bit(process.readAll());
    if (output) {
        *output = QStringLiteral("%1 %2: %3")
                      .arg(QFileInfo(program).fileName(), args.join(QLatin1Char(' ')),
                           finished ? text : process.errorString() + QLatin1Char('\n') + text);
    }
    if (!finished) {
        process.kill();
        process.waitForFinished();
        return false;
    }
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

// A server tool (initdb, pg_ctl): as root, run as the postgres user through runuser.
bool runServerTool(const QString &tool, const QStringList &args, const QString &workingDir, QString *output)
{
    const QString path = PgCluster::binDir() + QLatin1Char('/') + tool;
    if (!runningAsRoot())
        return run(path, args, workingDir, output);
    return run(QStringLiteral("runuser"),
               QStringList {QStringLiteral("-u"), ServerUser, QStringLiteral("--"), path} + args, workingDir,
               output);
}

quint16 freeLoopbackPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

} // namespace

PgCluster::PgCluster() = default;

PgCluster::~PgCluster()
{
    stop();
}

QString PgCluster::binDir()
{
    const QString pgConfig = QStandardPaths::findExecutable(QStringLiteral("pg_config"));
    if (!pgConfig.isEmpty()) {
        QProcess process;
        process.start(pgConfig, {QStringLiteral("--bindir")});
        if (process.waitForFinished(ProcessTimeoutMs) && process.exitCode() == 0) {
            const QString dir = QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed();
            if (hasServerTools(dir))
                return dir;
        }
    }
    const QString debian = QStringLiteral("/usr/lib/postgresql/15/bin");
    return hasServerTools(debian) ? debian : QString();
}

QString PgCluster::unavailableReason()
{
    QStringList missing;
    if (binDir().isEmpty())
        missing << QStringLiteral("the PostgreSQL server binaries (package postgresql)");
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        missing << QStringLiteral("Qt's QPSQL driver (package libqt6sql6-psql)");
    if (runningAsRoot()) {
        if (QStandardPaths::findExecutable(QStringLiteral("runuser")).isEmpty())
            missing << QStringLiteral("runuser (package util-linux)");
        if (!::getpwnam(ServerUser.toLocal8Bit().constData()))
            missing << QStringLiteral("the postgres user (package postgresql)");
    }
    if (missing.isEmpty())
        return {};
    return QStringLiteral("No PostgreSQL for tests: missing %1; scripts/bootstrap.sh installs them")
        .arg(missing.join(QStringLiteral(", ")));
}

QString PgCluster::user() const
{
    return Role;
}

QString PgCluster::directory() const
{
    return m_clusterDir;
}

QString PgCluster::dataDirectory() const
{
    return m_clusterDir.isEmpty() ? QString() : m_clusterDir + QStringLiteral("/data");
}

QString PgCluster::serverLog() const
{
    if (m_clusterDir.isEmpty())
        return {};
    QFile log(m_clusterDir + QStringLiteral("/server.log"));
    if (!log.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLocal8Bit(log.readAll());
}

QString PgCluster::url(const QString &db) const
{
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(Role, Host).arg(m_port).arg(db);
}

QSqlDatabase PgCluster::connect(const QString &connectionName, const QString &db) const
{
    QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    database.setHostName(Host);
    database.setPort(m_port);
    database.setUserName(Role);
    database.setDatabaseName(db);
    database.open();
    return database;
}

bool PgCluster::start(QString *error)
{
    if (m_tmp) {
        setError(error, QStringLiteral("PgCluster::start called twice"));
        return false;
    }
    if (const QString reason = unavailableReason(); !reason.isEmpty()) {
        setError(error, reason);
        return false;
    }
    m_tmp = std::make_unique<QTemporaryDir>();
    if (!m_tmp->isValid()) {
        setError(error, QStringLiteral("cannot create a temporary folder: %1").arg(m_tmp->errorString()));
        return false;
    }
    // The temporary folder is 0700: the postgres user must be able to traverse it.
    QFile::setPermissions(m_tmp->path(), QFile::permissions(m_tmp->path()) | QFile::ExeOther);
    m_clusterDir = m_tmp->path() + QStringLiteral("/cluster");
    if (!QDir().mkdir(m_clusterDir)) {
        setError(error, QStringLiteral("cannot create %1").arg(m_clusterDir));
        return false;
    }
    if (runningAsRoot()) {
        const passwd *account = ::getpwnam(ServerUser.toLocal8Bit().constData());
        if (!account
            || ::chown(QFile::encodeName(m_clusterDir).constData(), account->pw_uid, account->pw_gid) != 0) {
            setError(error, QStringLiteral("cannot give %1 to the postgres user").arg(m_clusterDir));
            return false;
        }
    }

    QString output;
    if (!runServerTool(QStringLiteral("initdb"),
                       {QStringLiteral("-D"), dataDirectory(), QStringLiteral("-A"), QStringLiteral("trust"),
                        QStringLiteral("-U"), Role, QStringLiteral("-E"), QStringLiteral("UTF8"),
                        QStringLiteral("--no-locale"), QStringLiteral("--no-sync")},
                       m_clusterDir, &output)) {
        setError(error, output);
        return false;
    }

    // The port is free when picked; another process may take it before the server binds it,
    // so a bind failure is retried with a new one.
    for (int attempt = 0;; ++attempt) {
        m_port = freeLoopbackPort();
        if (m_port == 0) {
            setError(error, QStringLiteral("no free loopback port"));
            return false;
        }
        if (startServer(&output))
            break;
        if (attempt == 4 || !serverLog().contains(QLatin1String("could not bind"))) {
            setError(error, output);
            return false;
        }
    }

    if (!run(binDir() + QStringLiteral("/createdb"),
             {QStringLiteral("-h"), Host, QStringLiteral("-p"), QString::number(m_port), QStringLiteral("-U"),
              Role, QStringLiteral("mm")},
             m_clusterDir, &output)) {
        setError(error, output);
        return false;
    }
    return true;
}

bool PgCluster::startServer(QString *error)
{
    QString output;
    // -k: the unix socket goes into the cluster folder, never into the shared /var/run/postgresql.
    const QString options
        = QStringLiteral("-p %1 -k '%2' -c listen_addresses=%3").arg(m_port).arg(m_clusterDir, Host);
    if (!pgCtl({QStringLiteral("-o"), options, QStringLiteral("-l"),
                m_clusterDir + QStringLiteral("/server.log"), QStringLiteral("-t"), QStringLiteral("60"),
                QStringLiteral("-w"), QStringLiteral("start")},
               &output)) {
        setError(error, output + QStringLiteral("\nserver log:\n") + serverLog());
        return false;
    }
    m_running = true;
    return true;
}

bool PgCluster::pgCtl(const QStringList &args, QString *output)
{
    return runServerTool(QStringLiteral("pg_ctl"), QStringList {QStringLiteral("-D"), dataDirectory()} + args,
                         m_clusterDir, output);
}

bool PgCluster::shutdown()
{
    if (!m_running)
        return false;
    m_running
        = !pgCtl({QStringLiteral("-m"), QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("stop")},
                 nullptr);
    return !m_running;
}

bool PgCluster::crash()
{
    if (!m_running)
        return false;
    m_running = !pgCtl(
        {QStringLiteral("-m"), QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")},
        nullptr);
    return !m_running;
}

bool PgCluster::restart(QString *error)
{
    if (m_running || m_clusterDir.isEmpty()) {
        setError(error, QStringLiteral("PgCluster::restart needs a stopped cluster"));
        return false;
    }
    return startServer(error);
}

void PgCluster::stop()
{
    if (m_running)
        shutdown();
    if (m_running) // a fast shutdown that failed: the folder must not outlive the server
        crash();
    m_tmp.reset(); // removes the folder
    m_clusterDir.clear();
}

} // namespace mm::test
