// SPDX-License-Identifier: GPL-3.0-or-later
// Desktop notifications end to end: the real window on its own Xvfb, a private D-Bus session
// and dunst, a real notification server. Deliveries go through the real receiver; the Notify
// calls are read off the bus with dbus-monitor, and a click on the notification's body makes dunst
// invoke its "default" action. The screenshot is left in BUILD_DIR/test-artifacts/notification.png.
#include "dbusmonitorlog.h"
#include "testhttp.h"
#include "testsecret.h"
#include "xvfb.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using namespace mm;
using namespace mm::test;

namespace {
const QString NotificationsService = QStringLiteral("org.freedesktop.Notifications");
constexpr int ScreenWidth = 1280;

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// An Anon event: a migration's, or (for migration_task.* types) one of its tasks'.
QByteArray delivery(const QString &id, const QString &type, const QString &migration, const QString &status,
                    const QString &error = {})
{
    const bool task = type.startsWith(QLatin1String("migration_task."));
    QJsonObject object {
        {QStringLiteral("id"), task ? QStringLiteral("tsk_") + id : migration},
        {QStringLiteral("object"), task ? QStringLiteral("migration_task") : QStringLiteral("migration")},
        {QStringLiteral("status"), status}};
    QJsonObject data {{QStringLiteral("migration_id"), migration}, {QStringLiteral("object"), object}};
    if (!error.isEmpty())
        data.insert(QStringLiteral("error_message"), error);
    const QJsonObject event {{QStringLiteral("id"), id},
                             {QStringLiteral("object"), QStringLiteral("event")},
                             {QStringLiteral("created"), QStringLiteral("2025-06-18T00:50:40.301173")},
                             {QStringLiteral("type"), type},
                             {QStringLiteral("data"), data}};
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}
} // namespace

class TestNotifications : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void failedMigrationNotifies();
    void taskFailureBurstIsCoalesced();
    void actionSelectsMigration();
    void cleanupTestCase();

private:
    std::unique_ptr<QProcess> start(const QString &program, const QStringList &args,
                                    const QProcessEnvironment &env);
    int send(const QList<QByteArray> &bodies, int connections = 1);
    QList<NotifyCall> notifiesAbout(const QString &migration) const;
    QString dunstctl(const QStringList &args);

    QTemporaryDir m_home;
    QString m_display;
    QString m_busAddress;
    quint16 m_port = 0;
    std::optional<SigningSecret> m_secret;
    QProcessEnvironment m_env;
    DBusMonitorLog m_bus;
    QString m_selected; // from the window's last view report
    QString m_appErrors;
    QByteArray m_appOut;
    // Started in this order, stopped in reverse.
    std::vector<std::unique_ptr<QProcess>> m_processes;
    QProcess *m_app = nullptr;
};

std::unique_ptr<QProcess> TestNotifications::start(const QString &program, const QStringList &args,
                                                   const QProcessEnvironment &env)
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(env);
    p->start(program, args);
    return p;
}

void TestNotifications::initTestCase()
{
    const QByteArray missing = mm::test::missingTools(
        {"Xvfb", "dbus-daemon", "dbus-monitor", "dunst", "dunstctl", "import", "xdotool"});
    if (!missing.isEmpty()) {
        // A developer's machine may lack them; CI must not silently skip the test.
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(missing.constData());
        QSKIP(missing.constData());
    }
    QVERIFY(m_home.isValid());
    m_secret = SigningSecret::parse(TestSecretText);
    QVERIFY(m_secret);
    m_env = QProcessEnvironment::systemEnvironment();
    for (const char *dir : {"config", "data", "cache", "runtime"})
        QVERIFY(QDir(m_home.path()).mkpath(QString::fromLatin1(dir)));
    m_env.insert(QStringLiteral("HOME"), m_home.path());
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
    m_env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
    m_env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
    m_env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home.filePath(QStringLiteral("runtime")));
    m_env.remove(QStringLiteral("WAYLAND_DISPLAY"));

    // A private X server on a display Xvfb picks itself.
    auto xvfb = std::make_unique<QProcess>();
    xvfb->setProcessEnvironment(m_env);
    m_display = mm::test::startXvfb(*xvfb, ScreenWidth, 800);
    m_processes.push_back(std::move(xvfb));
    QVERIFY2(!m_display.isEmpty(), "Xvfb did not start");
    m_env.insert(QStringLiteral("DISPLAY"), m_display);

    // A private session bus.
    auto bus = start(
        QStringLiteral("dbus-daemon"),
        {QStringLiteral("--session"), QStringLiteral("--print-address"), QStringLiteral("--nofork")}, m_env);
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (!out.contains('\n') && clock.elapsed() < 15000 && bus->state() != QProcess::NotRunning) {
        bus->waitForReadyRead(200);
        out += bus->readAllStandardOutput();
    }
    m_processes.push_back(std::move(bus));
    m_busAddress = QString::fromLatin1(out.trimmed());
    QVERIFY2(m_busAddress.startsWith(QLatin1String("unix:")), out.constData());
    m_env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_busAddress);

    // dunst, keeping every notification on screen until it is acted on or closed.
    const QString rc = m_home.filePath(QStringLiteral("dunstrc"));
    QFile rcFile(rc);
    QVERIFY(rcFile.open(QIODevice::WriteOnly));
    rcFile.write("[global]\n    font = DejaVu Sans 11\n    width = 460\n    origin = top-right\n"
                 "    offset = 16x16\n    mouse_left_click = do_action, close_current\n"
                 "[urgency_low]\n    timeout = 0\n[urgency_normal]\n    timeout = 0\n"
                 "[urgency_critical]\n    timeout = 0\n");
    rcFile.close();
    m_processes.push_back(start(QStringLiteral("dunst"), {QStringLiteral("-config"), rc}, m_env));
    QDBusConnection probe = QDBusConnection::connectToBus(m_busAddress, QStringLiteral("probe"));
    QVERIFY2(probe.isConnected(), qPrintable(probe.lastError().message()));
    QTRY_VERIFY_WITH_TIMEOUT(probe.interface()->isServiceRegistered(NotificationsService).value(), 15000);

    // Everything said to and by the notification server, from before the app starts.
    auto monitor = start(QStringLiteral("dbus-monitor"),
                         {QStringLiteral("--address"), m_busAddress,
                          QStringLiteral("interface='org.freedesktop.Notifications'")},
                         m_env);
    QProcess *m = monitor.get();
    connect(m, &QProcess::readyReadStandardOutput, this,
            [this, m] { m_bus.feed(m->readAllStandardOutput()); });
    m_processes.push_back(std::move(monitor));
    QTRY_VERIFY_WITH_TIMEOUT(m_bus.started(), 10000);

    m_port = freePort();
    QVERIFY(m_port > 0);
    QProcessEnvironment appEnv = m_env;
    appEnv.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    appEnv.insert(QStringLiteral("MM_VIEW_REPORT"), QStringLiteral("1"));
    appEnv.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), TestSecretText);
    const QString binary = qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/app/migration-monitor");
    auto app = start(binary,
                     {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(m_port),
                      QStringLiteral("--data-dir"), m_home.filePath(QStringLiteral("store"))},
                     appEnv);
    m_app = app.get();
    m_processes.push_back(std::move(app));
    static const QRegularExpression viewRe(
        QStringLiteral("^view: window=shown .* selected=(\\S+)( receivers=\\d+)?$"));
    connect(m_app, &QProcess::readyReadStandardOutput, this, [this] {
        m_appOut += m_app->readAllStandardOutput();
        qsizetype end;
        while ((end = m_appOut.indexOf('\n')) >= 0) {
            const auto match = viewRe.match(QString::fromUtf8(m_appOut.left(end)));
            m_appOut.remove(0, end + 1);
            if (match.hasMatch())
                m_selected = match.captured(1);
        }
    });
    connect(m_app, &QProcess::readyReadStandardError, this,
            [this] { m_appErrors += QString::fromLocal8Bit(m_app->readAllStandardError()); });
    QVERIFY2(m_app->waitForStarted(10000), qPrintable(binary));
    QTRY_VERIFY2_WITH_TIMEOUT(!m_selected.isEmpty() || m_app->state() != QProcess::Running,
                              qPrintable(QStringLiteral("no view report; stderr: ") + m_appErrors), 20000);
    QVERIFY2(m_app->state() == QProcess::Running, qPrintable(m_appErrors));
    // The app asks the server what it can do before it shows anything.
    QTRY_VERIFY_WITH_TIMEOUT(m_bus.headers().filter(QStringLiteral("member=GetCapabilities")).size() > 0,
                             10000);
}

int TestNotifications::send(const QList<QByteArray> &bodies, int connections)
{
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < connections; ++i)
        clients.push_back(std::make_unique<RawClient>(m_port));
    int accepted = 0;
    for (qsizetype next = 0; next < bodies.size();) {
        const qsizetype round = std::min<qsizetype>(connections, bodies.size() - next);
        for (qsizetype c = 0; c < round; ++c) {
            const QByteArray id = "msg_" + QByteArray::number(QDateTime::currentMSecsSinceEpoch()) + '_'
                + QByteArray::number(next + c);
            clients[c]->send(signedRequest(*m_secret, id, bodies[next + c]));
        }
        for (qsizetype c = 0; c < round; ++c)
            accepted += clients[c]->read().status / 100 == 2 ? 1 : 0;
        next += round;
    }
    return accepted;
}

QList<NotifyCall> TestNotifications::notifiesAbout(const QString &migration) const
{
    QList<NotifyCall> calls;
    for (const NotifyCall &c : m_bus.notifies()) {
        if (c.summary.contains(migration) || c.body.contains(migration))
            calls.append(c);
    }
    return calls;
}

QString TestNotifications::dunstctl(const QStringList &args)
{
    QProcess p;
    p.setProcessEnvironment(m_env);
    p.start(QStringLiteral("dunstctl"), args);
    if (!p.waitForFinished(10000) || p.exitCode() != 0)
        return QStringLiteral("failed: ") + QString::fromLocal8Bit(p.readAllStandardError());
    return QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed();
}

void TestNotifications::failedMigrationNotifies()
{
    const QString id = QStringLiteral("mig_nt_failed");
    QCOMPARE(send({delivery(QStringLiteral("evt_f1"), QStringLiteral("migration.started"), id,
                            QStringLiteral("WORKING")),
                   delivery(QStringLiteral("evt_f2"), QStringLiteral("migration.failed"), id,
                            QStringLiteral("FAILED"), QStringLiteral("disk full"))}),
             2);
    QTRY_VERIFY2_WITH_TIMEOUT(!notifiesAbout(id).isEmpty(), qPrintable(m_bus.raw()), 15000);
    const NotifyCall call = notifiesAbout(id).first();
    QCOMPARE(call.app, QStringLiteral("Migration Monitor"));
    QCOMPARE(call.summary, QStringLiteral("Migration failed"));
    QCOMPARE(call.body, QStringLiteral("mig_nt_failed failed: disk full"));
    QCOMPARE(call.urgency, 2);
    QCOMPARE(call.desktopEntry, QStringLiteral("io.github.anon.MigrationMonitor"));
    // The body's click ("default", whose label servers ignore) and the button open the migration.
    QCOMPARE(call.actions,
             (QStringList {QStringLiteral("default"), QStringLiteral("Open migration"),
                           QStringLiteral("open"), QStringLiteral("Open migration")}));
    QCOMPARE(call.replaces, 0u);
    // GetCapabilities came first.
    const QStringList headers = m_bus.headers();
    const qsizetype caps = headers.indexOf(QRegularExpression(QStringLiteral(".*member=GetCapabilities$")));
    const qsizetype notify = headers.indexOf(QRegularExpression(QStringLiteral(".*member=Notify$")));
    QVERIFY(caps >= 0 && caps < notify);
}

void TestNotifications::taskFailureBurstIsCoalesced()
{
    const QString id = QStringLiteral("mig_nt_burst");
    QList<QByteArray> bodies;
    for (int i = 0; i < 200; ++i)
        bodies.append(delivery(QStringLiteral("evt_b%1").arg(i), QStringLiteral("migration_task.failed"), id,
                               QStringLiteral("FAILED"), QStringLiteral("timeout")));
    QElapsedTimer sending;
    sending.start();
    QCOMPARE(send(bodies, 8), 200);
    QVERIFY2(sending.elapsed() < 5000,
             qPrintable(QStringLiteral("sending took %1 ms").arg(sending.elapsed())));
    // The first failure at once; the rest summed up once the migration's 30 s are over.
    const QString summary = QStringLiteral("200 task failures in mig_nt_burst");
    QTRY_VERIFY2_WITH_TIMEOUT(!notifiesAbout(summary).isEmpty(), qPrintable(m_bus.raw()), 60000);
    // A few more seconds to catch anything that should not come.
    QTest::qWait(3000);
    const QList<NotifyCall> calls = notifiesAbout(id);
    QVERIFY2(calls.size() <= 3, qPrintable(QStringLiteral("%1 notifications").arg(calls.size())));
    QCOMPARE(calls.first().summary, QStringLiteral("Task failed in mig_nt_burst"));
    QCOMPARE(calls.first().urgency, 1);
    QCOMPARE(calls.last().summary, summary);
    QCOMPARE(calls.last().urgency, 1);
    QVERIFY(calls.last().replaces != 0); // the update replaces the first, not stacks
}

void TestNotifications::actionSelectsMigration()
{
    QVERIFY(!dunstctl({QStringLiteral("close-all")}).startsWith(QLatin1String("failed")));
    QTRY_COMPARE_WITH_TIMEOUT(dunstctl({QStringLiteral("count"), QStringLiteral("displayed")}),
                              QStringLiteral("0"), 10000);
    const QString id = QStringLiteral("mig_nt_click");
    QCOMPARE(send({delivery(QStringLiteral("evt_c1"), QStringLiteral("migration.failed"), id,
                            QStringLiteral("FAILED"), QStringLiteral("quota exceeded"))}),
             1);
    QTRY_VERIFY2_WITH_TIMEOUT(!notifiesAbout(id).isEmpty(), qPrintable(m_bus.raw()), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(dunstctl({QStringLiteral("count"), QStringLiteral("displayed")}),
                              QStringLiteral("1"), 10000);

    // Photograph the notification once dunst has drawn it: its corner has text on red.
    const QString artifacts = qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/test-artifacts");
    QVERIFY(QDir().mkpath(artifacts));
    const QString shot = artifacts + QStringLiteral("/notification.png");
    auto drawn = [&] {
        QFile::remove(shot);
        QProcess grab;
        grab.start(
            QStringLiteral("import"),
            {QStringLiteral("-window"), QStringLiteral("root"), QStringLiteral("-display"), m_display, shot});
        if (!grab.waitForFinished(30000) || grab.exitCode() != 0)
            return false;
        const QImage image(shot);
        QSet<QRgb> colours;
        for (int y = 0; y < 140 && y < image.height(); y += 2) {
            for (int x = image.width() - 480; x >= 0 && x < image.width(); x += 2)
                colours.insert(image.pixel(x, y));
        }
        return colours.size() > 8;
    };
    QTRY_VERIFY_WITH_TIMEOUT(drawn(), 15000);
    qInfo("screenshot: %s", qPrintable(shot));

    // A click on the notification's body, not on a button, as a user does: dunst (mouse_left_click =
    // do_action) invokes the "default" action, which opens the migration.
    QVERIFY(m_selected != id);
    const qsizetype invokedBefore = m_bus.valuesOf(QStringLiteral("ActionInvoked")).size();
    QProcess click;
    click.setProcessEnvironment(m_env);
    click.start(QStringLiteral("xdotool"),
                {QStringLiteral("mousemove"), QString::number(ScreenWidth - 16 - 230), QStringLiteral("40"),
                 QStringLiteral("click"), QStringLiteral("1")});
    QVERIFY(click.waitForFinished(10000));
    QCOMPARE(click.exitCode(), 0);
    QTRY_VERIFY2_WITH_TIMEOUT(m_bus.valuesOf(QStringLiteral("ActionInvoked")).size() > invokedBefore,
                              qPrintable(m_bus.raw()), 10000);
    QVERIFY2(
        m_bus.valuesOf(QStringLiteral("ActionInvoked")).last().contains(QStringLiteral("string:default")),
        qPrintable(m_bus.valuesOf(QStringLiteral("ActionInvoked")).last().join(u' ')));
    QTRY_COMPARE_WITH_TIMEOUT(m_selected, id, 10000);
}

void TestNotifications::cleanupTestCase()
{
    if (m_app && m_app->state() == QProcess::Running) {
        ::kill(pid_t(m_app->processId()), SIGTERM);
        QVERIFY2(m_app->waitForFinished(10000), "no exit within 10 s of SIGTERM");
        QCOMPARE(m_app->exitCode(), 0);
    }
    while (!m_processes.empty()) {
        QProcess *p = m_processes.back().get();
        if (p->state() != QProcess::NotRunning) {
            p->terminate();
            if (!p->waitForFinished(5000))
                p->kill();
            p->waitForFinished(5000);
        }
        m_processes.pop_back();
    }
}

QTEST_GUILESS_MAIN(TestNotifications)
#include "tst_notifications.moc"
