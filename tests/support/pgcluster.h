// SPDX-License-Identifier: GPL-3.0-or-later
// A throwaway PostgreSQL cluster for tests: initdb into a temporary folder, trust authentication
// on loopback, a free loopback port, its unix socket inside the cluster folder, started with
// `pg_ctl -w` (which returns once the server accepts connections). As root the server runs as
// the `postgres` user (the server refuses to run as root). See /work/shared/docs/POSTGRES.md.
#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace mm::test {

class PgCluster final
{
public:
    PgCluster();
    // Stops the server (fast) and removes the whole folder.
    ~PgCluster();

    PgCluster(const PgCluster &) = delete;
    PgCluster &operator=(const PgCluster &) = delete;

    // Why no cluster can be started on this machine (the PostgreSQL binaries, the QPSQL driver,
    // runuser or the postgres user missing), as one sentence; empty when everything is there.
    static QString unavailableReason();
    // The folder holding initdb, pg_ctl and createdb (`pg_config --bindir`, else
    // /usr/lib/postgresql/15/bin); empty when neither has them.
    static QString binDir();

    // initdb, pg_ctl -w start, createdb `mm`. False with the reason in *error on failure.
    bool start(QString *error = nullptr);
    // A fast shutdown that keeps the data: restart() can follow.
    bool shutdown();
    // `pg_ctl -m immediate`: every server process exits without a checkpoint, as in a crash.
    bool crash();
    // Starts the server again on the same port and data (after shutdown() or crash()).
    bool restart(QString *error = nullptr);
    // A fast shutdown, then the folder is removed. The cluster cannot be started again.
    void stop();

    bool isRunning() const { return m_running; }
    quint16 port() const { return m_port; }
    // The superuser role (trust authentication: no password).
    QString user() const;
    // The cluster folder (data directory, server log, unix socket); empty once stopped.
    QString directory() const;
    QString dataDirectory() const;
    // The server's log so far.
    QString serverLog() const;
    // postgresql://USER@127.0.0.1:PORT/DB
    QString url(const QString &db = QStringLiteral("mm")) const;
    // A QPSQL connection to `db` on this cluster, opened; check isOpen() and lastError().
    // The caller removes it with QSqlDatabase::removeDatabase(connectionName).
    QSqlDatabase connect(const QString &connectionName, const QString &db = QStringLiteral("mm")) const;

private:
    bool startServer(QString *error);
    bool pgCtl(const QStringList &args, QString *output);

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_clusterDir;
    quint16 m_port = 0;
    bool m_running = false;
};

} // namespace mm::test

// In a test's initTestCase: skips the test without PostgreSQL (fails instead on CI, which installs
// it), else starts a throwaway cluster into member (a std::unique_ptr<PgCluster>) or fails.
#define MM_START_PG_CLUSTER(member)                                                                          \
    do {                                                                                                     \
        if (const QString mmPgWhy = mm::test::PgCluster::unavailableReason(); !mmPgWhy.isEmpty()) {          \
            if (qEnvironmentVariableIsSet("CI"))                                                             \
                QFAIL(qPrintable(mmPgWhy));                                                                  \
            QSKIP(qPrintable(mmPgWhy));                                                                      \
        }                                                                                                    \
        member = std::make_unique<mm::test::PgCluster>();                                                    \
        QString mmPgError;                                                                                   \
        QVERIFY2(member->start(&mmPgError), qPrintable(mmPgError));                                          \
    } while (false)
