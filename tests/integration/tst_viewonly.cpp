// SPDX-License-Identifier: GPL-3.0-or-later
// Live desktops on a team's store: two real headless receivers (`--store URL --instance NAME`)
// write one PostgreSQL database, and two real `--view-only` windows on a private X server show
// every delivery either receiver takes, live (LISTEN/NOTIFY), with the receivers that are up (their
// heartbeats), and drop the deliveries a third process's retention deletes (the store's deletion
// journal). A viewer listens nowhere. The screenshot is left in
// BUILD_DIR/test-artifacts/view-only.png for people to look at.
#include "headlessprocess.h"
#include "pgcluster.h"
#include "store/retention.h"
#include "store/store.h"
#include "testhttp.h"
#include "testsecret.h"
#include "xvfb.h"

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using namespace mm;
using namespace mm::test;

namespace {
constexpr int ScreenWidth = 1280;
constexpr int ScreenHeight = 800;

// A `--view-only` window and the last line of its MM_VIEW_REPORT output (app/viewreporter.h).
class Viewer final
{
public:
    struct Report
    {
        int migrations = -1;
        int events = -1;
        QString listening;
        int receivers = -1;
    };

    Viewer(const QProcessEnvironment &env, const QString &storeUrl)
    {
        m_process.setProcessEnvironment(env);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] { read(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_errors += QString::fromLocal8Bit(m_process.readAllStandardError()); });
        m_process.start(HeadlessProcess::appPath(),
                        {QStringLiteral("--view-only"), QStringLiteral("--store"), storeUrl});
    }
    ~Viewer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    Q_DISABLE_COPY_MOVE(Viewer)

    const Report &last() const { return m_last; }
    int reports() const { return m_reports; }
    bool running() const { return m_process.state() == QProcess::Running; }
    QString errors() const { return m_errors; }
    // SIGTERM: the exit code, -1 when it did not end cleanly within 10 s.
    int terminate()
    {
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (!m_process.waitForFinished(10000) || m_process.exitStatus() != QProcess::NormalExit)
            return -1;
        return m_process.exitCode();
    }

private:
    void read()
    {
        static const QRegularExpression lineRe(QStringLiteral(
            "^view: window=\\w+ migrations=(\\d+) events=(\\d+) rejected=\\d+ listening=(\\S+) "
            "selected=\\S+ receivers=(\\d+)$"));
        m_pending += m_process.readAllStandardOutput();
        qsizetype end;
        while ((end = m_pending.indexOf('\n')) >= 0) {
            const auto m = lineRe.match(QString::fromUtf8(m_pending.left(end)));
            m_pending.remove(0, end + 1);
            if (!m.hasMatch())
                continue;
            m_last = {m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3), m.captured(4).toInt()};
            ++m_reports;
        }
    }

    QProcess m_process;
    QByteArray m_pending;
    QString m_errors;
    Report m_last;
    int m_reports = 0;
};
} // namespace

class TestViewOnly final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString why = PgCluster::unavailableReason();
        if (const QByteArray missing = missingTools({"Xvfb", "import"}); why.isEmpty() && !missing.isEmpty())
            why = QString::fromLatin1(missing);
        if (!why.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(qPrintable(why)); // CI installs both: it must run there
            QSKIP(qPrintable(why));
        }
        m_cluster = std::make_unique<PgCluster>();
        QString error;
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
        m_xvfb.setProcessChannelMode(QProcess::SeparateChannels);
        m_display = startXvfb(m_xvfb, ScreenWidth, ScreenHeight);
        QVERIFY2(!m_display.isEmpty(), "Xvfb did not start");
    }
    void cleanupTestCase()
    {
        if (m_xvfb.state() != QProcess::NotRunning) {
            m_xvfb.terminate();
            m_xvfb.waitForFinished(5000);
        }
        m_cluster.reset();
    }

    void twoViewersSeeBothReceiversLive()
    {
        QTemporaryDir dir;
        const QString url = m_cluster->url();
        auto receiver = [&](const char *name) {
            return std::make_unique<HeadlessProcess>(HeadlessProcess::Options(
                dir.path(),
                {QStringLiteral("--store"), url, QStringLiteral("--instance"), QLatin1String(name)}));
        };
        auto east = receiver("east");
        auto west = receiver("west");
        const quint16 portEast = east->start();
        const quint16 portWest = west->start();
        QVERIFY(portEast > 0 && portWest > 0);

        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DISPLAY"), m_display);
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.insert(QStringLiteral("MM_VIEW_REPORT"), QStringLiteral("1"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=") + home.filePath(QStringLiteral("no-bus")));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("MIGRATION_MONITOR_SECRETS")); // a viewer needs none
        // Two desktops: each has its own runtime folder (no session bus here), so the second
        // window is not taken for a second launch of the first (one window per store and desktop).
        auto desktop = [&env, &home](const char *name) {
            QProcessEnvironment own = env;
            const QString runtime = home.filePath(QLatin1String(name));
            QDir().mkpath(runtime);
            QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            own.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
            return own;
        };
        Viewer first(desktop("runtime-first"), url);
        Viewer second(desktop("runtime-second"), url);
        // Both are up and have loaded the (empty) store, with both receivers' heartbeats read.
        QTRY_VERIFY2_WITH_TIMEOUT(first.last().receivers == 2 && second.last().receivers == 2,
                                  qPrintable(first.errors() + second.errors()), 30000);
        QCOMPARE(first.last().events, 0);
        QCOMPARE(first.last().listening, QStringLiteral("-")); // listens nowhere

        // Deliveries to either receiver, one retried to the other, appear in both windows.
        const auto secret = SigningSecret::parse(TestSecretText);
        QVERIFY(secret);
        auto send = [&](quint16 port, const QByteArray &msgId, const QByteArray &body) {
            RawClient client(port);
            return client.roundTrip(signedRequest(*secret, msgId, body)).status;
        };
        QCOMPARE(send(portEast, "msg_v1", envelope("evt_v1", "migration.created", "mig_a", "NOT_STARTED")),
                 200);
        QCOMPARE(send(portWest, "msg_v2", envelope("evt_v2", "migration.created", "mig_b", "NOT_STARTED")),
                 200);
        QCOMPARE(send(portWest, "msg_v3", envelope("evt_v3", "migration.started", "mig_a", "WORKING")), 200);
        QCOMPARE(send(portEast, "msg_v3", envelope("evt_v3", "migration.started", "mig_a", "WORKING")), 200);
        QCOMPARE(send(portEast, "msg_v4", envelope("evt_v4", "migration.failed", "mig_b", "FAILED")), 200);
        QTRY_VERIFY2_WITH_TIMEOUT(
            first.last().events == 4 && second.last().events == 4,
            qPrintable(QStringLiteral("events %1 and %2").arg(first.last().events).arg(second.last().events)),
            15000);
        QCOMPARE(first.last().migrations, 2);
        QCOMPARE(second.last().migrations, 2);

        // A picture of the two windows, for people to look at.
        const int seen = first.reports();
        QTRY_VERIFY_WITH_TIMEOUT(first.reports() > seen, 5000); // painted since
        const QString artifacts = qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/test-artifacts");
        QVERIFY(QDir().mkpath(artifacts));
        const QString shot = artifacts + QStringLiteral("/view-only.png");
        QFile::remove(shot);
        QProcess grab;
        grab.start(
            QStringLiteral("import"),
            {QStringLiteral("-window"), QStringLiteral("root"), QStringLiteral("-display"), m_display, shot});
        QVERIFY(grab.waitForFinished(30000));
        QCOMPARE(grab.exitCode(), 0);
        QVERIFY(!QImage(shot).isNull());
        qInfo("screenshot: %s", qPrintable(shot));

        // One receiver stops: the viewers say so within a heartbeat refresh (10 s).
        QCOMPARE(west->terminate(), 0);
        QTRY_VERIFY2_WITH_TIMEOUT(first.last().receivers == 1 && second.last().receivers == 1,
                                  qPrintable(QString::number(first.last().receivers)), 30000);
        // The other still delivers to both windows.
        QCOMPARE(send(portEast, "msg_v5", envelope("evt_v5", "migration.completed", "mig_a", "COMPLETED")),
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(first.last().events, 5, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(second.last().events, 5, 15000);

        // Retention run elsewhere (here, a third connection) deletes mig_b's first event and mig_a's:
        // both windows drop them, and keep both migrations (each has events left).
        Store::Options storeOptions;
        storeOptions.location = *StoreLocation::parse(url);
        Store store(storeOptions);
        QString error;
        QList<qint64> deleted;
        {
            Store::Connection connection(store, u"test-retention", &error);
            QVERIFY2(connection.isOpen(), qPrintable(error));
            QSqlQuery age(connection.db());
            QVERIFY2(
                age.exec(QStringLiteral("UPDATE deliveries SET received_us = received_us - 30 * 86400000000 "
                                        "WHERE msg_id IN ('msg_v1', 'msg_v2')")),
                qPrintable(age.lastError().text()));
            QCOMPARE(age.numRowsAffected(), 2);
            Retention retention(connection.db().connectionName());
            retention.setPolicy({7, 0});
            const Retention::Pass pass
                = retention.run({}, [&deleted](const QList<qint64> &ids) { deleted += ids; });
            QVERIFY2(pass.complete, qPrintable(pass.error));
        }
        QCOMPARE(deleted.size(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(first.last().events, 3, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(second.last().events, 3, 15000);
        QCOMPARE(first.last().migrations, 2);
        QCOMPARE(second.last().migrations, 2);

        QCOMPARE(first.terminate(), 0);
        QCOMPARE(second.terminate(), 0);
        QCOMPARE(east->terminate(), 0);
    }

private:
    std::unique_ptr<PgCluster> m_cluster;
    QProcess m_xvfb;
    QString m_display;
};

QTEST_GUILESS_MAIN(TestViewOnly)
#include "tst_viewonly.moc"
