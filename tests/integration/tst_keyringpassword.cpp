// SPDX-License-Identifier: GPL-3.0-or-later
// A PostgreSQL store's password through a real keyring, end to end with the real binary: on a
// throwaway cluster whose role must give a password, with a private D-Bus session and an unlocked
// gnome-keyring, in a home without ~/.pgpass and without PGPASSWORD. `--store-password-stdin`
// saves it; the next command finds it there and connects; the password never shows in any output.
#include "headlessprocess.h"
#include "pgcluster.h"
#include "testsecret.h"

#include <QDir>
#include <QFile>
#include <QLibrary>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <vector>

using namespace mm::test;

namespace {
constexpr auto Password = "carol's store password";

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool leaked = false; // the password in the output
};
} // namespace

class TestKeyringPassword final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (const QString why = PgCluster::unavailableReason(); !why.isEmpty())
            skipOrFail(why.toUtf8());
        for (const char *tool : {"dbus-daemon", "gnome-keyring-daemon"}) {
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
                skipOrFail(QByteArray(tool) + " is not installed (scripts/bootstrap.sh installs it)");
        }
        if (!QLibrary(QStringLiteral("secret-1"), 0).load())
            skipOrFail("libsecret-1.so.0 is not installed (gnome-keyring brings it)");
        QVERIFY(m_home.isValid());

        // A role that must give a password over TCP (the first matching pg_hba.conf line wins).
        m_cluster = std::make_unique<PgCluster>();
        QString error;
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
        {
            QSqlDatabase admin = m_cluster->connect(QStringLiteral("keyring-admin"));
            QVERIFY(admin.isOpen());
            QSqlQuery q(admin);
            QVERIFY(q.exec(QStringLiteral("CREATE ROLE carol LOGIN PASSWORD '%1'")
                               .arg(QString::fromLatin1(Password).replace(u'\'', QLatin1String("''")))));
            QVERIFY(q.exec(QStringLiteral("GRANT ALL ON SCHEMA public TO carol")));
            QFile hba(m_cluster->dataDirectory() + QStringLiteral("/pg_hba.conf"));
            QVERIFY(hba.open(QIODevice::ReadOnly));
            const QByteArray rest = hba.readAll();
            hba.close();
            QVERIFY(hba.open(QIODevice::WriteOnly | QIODevice::Truncate));
            hba.write("host all carol 127.0.0.1/32 scram-sha-256\n" + rest);
            hba.close();
            QVERIFY(q.exec(QStringLiteral("SELECT pg_reload_conf()")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("keyring-admin"));

        // A private session bus and an unlocked gnome-keyring on it, in a throw-away home.
        for (const char *dir : {"data", "config", "runtime"})
            QVERIFY(QDir(m_home.path()).mkpath(QString::fromLatin1(dir)));
        QVERIFY(QFile::setPermissions(m_home.filePath(QStringLiteral("runtime")),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("HOME"), m_home.path());
        m_env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        m_env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home.filePath(QStringLiteral("runtime")));
        for (const char *name :
             {"PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "MM_SECRET_BACKEND"})
            m_env.remove(QString::fromLatin1(name));
        auto bus = std::make_unique<QProcess>();
        bus->setProcessEnvironment(m_env);
        bus->start(
            QStringLiteral("dbus-daemon"),
            {QStringLiteral("--session"), QStringLiteral("--print-address"), QStringLiteral("--nofork")});
        QByteArray address;
        QTRY_VERIFY_WITH_TIMEOUT((address += bus->readAllStandardOutput(), address.contains('\n')), 15000);
        m_daemons.push_back(std::move(bus));
        m_env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QString::fromLatin1(address.trimmed()));
        auto keyring = std::make_unique<QProcess>();
        keyring->setProcessEnvironment(m_env);
        keyring->setProcessChannelMode(QProcess::MergedChannels);
        keyring->start(QStringLiteral("gnome-keyring-daemon"),
                       {QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                        QStringLiteral("--components=secrets")});
        QVERIFY(keyring->waitForStarted(10000));
        keyring->write("test-keyring-password");
        keyring->closeWriteChannel();
        m_daemons.push_back(std::move(keyring));
        // Ready once it owns org.freedesktop.secrets on the bus.
        QTRY_VERIFY_WITH_TIMEOUT(secretServiceUp(), 15000);
    }

    void cleanupTestCase()
    {
        while (!m_daemons.empty()) {
            QProcess *p = m_daemons.back().get();
            if (p->state() != QProcess::NotRunning) {
                p->terminate();
                if (!p->waitForFinished(5000))
                    p->kill();
                p->waitForFinished(5000);
            }
            m_daemons.pop_back();
        }
        m_cluster.reset();
    }

    void savedInTheKeyringThenUsed()
    {
        const QStringList store {QStringLiteral("--store"),
                                 QStringLiteral("postgresql://carol@127.0.0.1:%1/mm").arg(m_cluster->port())};
        const QStringList report {QStringLiteral("--report-migrations"), QStringLiteral("-")};

        // Nothing anywhere yet: libpq has no password to give.
        Run r = run(store + report);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no password supplied"), r.err.constData());

        r = run(store + QStringList {QStringLiteral("--store-password-stdin")}, QByteArray(Password) + '\n');
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.leaked);
        QCOMPARE(r.out.trimmed(),
                 QByteArray("Saved the password of postgresql://carol@127.0.0.1:")
                     + QByteArray::number(m_cluster->port()) + "/mm in the keyring.");

        // Every command takes it from the keyring now: a one-shot, and a receiver.
        r = run(store + report);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.leaked);
        QProcess receiver;
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), TestSecretText);
        receiver.setProcessEnvironment(env);
        receiver.start(HeadlessProcess::appPath(),
                       store
                           + QStringList {QStringLiteral("--headless"), QStringLiteral("--listen"),
                                          QStringLiteral("127.0.0.1:0")});
        QByteArray out; // accumulated: QTRY evaluates its expression once more after it holds
        QTRY_VERIFY_WITH_TIMEOUT((out += receiver.readAllStandardOutput()).contains("listening on "), 15000);
        receiver.terminate();
        QVERIFY(receiver.waitForFinished(20000));
        QCOMPARE(receiver.exitCode(), 0);
        out += receiver.readAllStandardOutput();
        const QByteArray log = receiver.readAllStandardError();
        QVERIFY(!out.contains(Password) && !log.contains(Password));

        // PGPASSWORD comes first: a wrong one there is used, and fails, whatever the keyring holds.
        QProcessEnvironment wrong = m_env;
        wrong.insert(QStringLiteral("PGPASSWORD"), QStringLiteral("not it"));
        r = run(store + report, {}, wrong);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("password authentication failed"), r.err.constData());
        QVERIFY(!r.leaked);
    }

private:
    static void skipOrFail(const QByteArray &why)
    {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(why.constData());
        QSKIP(why.constData());
    }

    bool secretServiceUp() const
    {
        QProcess probe;
        probe.setProcessEnvironment(m_env);
        probe.start(QStringLiteral("dbus-send"),
                    {QStringLiteral("--session"), QStringLiteral("--print-reply"),
                     QStringLiteral("--dest=org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                     QStringLiteral("org.freedesktop.DBus.NameHasOwner"),
                     QStringLiteral("string:org.freedesktop.secrets")});
        return probe.waitForFinished(5000) && probe.readAllStandardOutput().contains("boolean true");
    }

    Run run(const QStringList &args, const QByteArray &input = {}, const QProcessEnvironment &env = {}) const
    {
        QProcess p;
        p.setProcessEnvironment(env.isEmpty() ? m_env : env);
        p.start(HeadlessProcess::appPath(), args);
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        Run r;
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished(5000);
            return r;
        }
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.leaked = r.out.contains(Password) || r.err.contains(Password);
        return r;
    }

    std::unique_ptr<PgCluster> m_cluster;
    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    std::vector<std::unique_ptr<QProcess>> m_daemons;
};

QTEST_GUILESS_MAIN(TestKeyringPassword)
#include "tst_keyringpassword.moc"
