// SPDX-License-Identifier: GPL-3.0-or-later
// One window per store (app/singleinstance.*), with the real binary on a private Xvfb with a tray
// (trayer, so a window can wait hidden in it): a second launch on the same store brings the first
// window forward from the tray and exits 0, on a private session bus and, with no session bus, over
// the local socket in the runtime folder; a launch on another store runs beside it; a socket left by
// a killed window is taken over; D-Bus activation through the installed service file starts the
// app, which then claims its name.
#include "testsecret.h"
#include "util/appid.h"
#include "xvfb.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using namespace mm::test;

namespace {
const QString AppId = QLatin1String(mm::AppId);
const QString ObjectPath = QStringLiteral("/io/github/anon/MigrationMonitor");

QString binary()
{
    return qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/app/migration-monitor");
}

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// A window of the real app, and what its MM_VIEW_REPORT lines say.
class Window final
{
public:
    Window(const QProcessEnvironment &env, const QStringList &args)
    {
        m_process.setProcessEnvironment(env);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] { read(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_errors += QString::fromLocal8Bit(m_process.readAllStandardError()); });
        m_process.start(binary(), args);
        m_process.waitForStarted(10000);
    }
    ~Window()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    Q_DISABLE_COPY_MOVE(Window)

    QString window() const { return m_window; } // "shown" or "hidden", from the last report
    int reports() const { return m_reports; }
    bool running() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }
    QString errors() const { return m_errors; }
    int terminate()
    {
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (!m_process.waitForFinished(10000) || m_process.exitStatus() != QProcess::NormalExit)
            return -1;
        return m_process.exitCode();
    }
    void killHard()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }

private:
    void read()
    {
        static const QRegularExpression re(QStringLiteral("^view: window=(\\w+) "));
        m_pending += m_process.readAllStandardOutput();
        qsizetype end;
        while ((end = m_pending.indexOf('\n')) >= 0) {
            const auto m = re.match(QString::fromUtf8(m_pending.left(end)));
            m_pending.remove(0, end + 1);
            if (m.hasMatch()) {
                m_window = m.captured(1);
                ++m_reports;
            }
        }
    }

    QProcess m_process;
    QByteArray m_pending;
    QString m_errors;
    QString m_window;
    int m_reports = 0;
};

// A launch that is expected to end by itself.
struct Launch
{
    int exitCode = -1;
    QString errors;
};
} // namespace

class TestSingleInstance final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void secondLaunchBringsTheFirstForward_data();
    void secondLaunchBringsTheFirstForward();
    void socketOfAKilledWindowIsTakenOver();
    void dbusActivationStartsTheApp();

private:
    // A home of its own (settings, data, runtime folder) and either a private session bus or none.
    QProcessEnvironment environment(const QTemporaryDir &home, const QString &busAddress) const;
    // A private session bus: its address, or empty. configFile: dbus-daemon's, else --session.
    QString startBus(QProcess &bus, const QString &configFile = {});
    Launch launch(const QProcessEnvironment &env, const QStringList &args);
    // org.freedesktop.Application.ActivateAction(action) on the app id.
    static QDBusMessage callAction(QDBusConnection &connection, const QString &action, int timeoutMs = 25000);
    // The running window's Demo property, nullopt when it does not answer.
    static std::optional<bool> isDemo(QDBusConnection &connection);
    std::optional<QByteArray> run(const QString &program, const QStringList &args);
    // The ids of the visible windows titled "Migration Monitor" (or matching title, a regular expression).
    QStringList windows(const QString &title = QStringLiteral("^Migration Monitor$"));
    // The window with the keyboard focus (xdotool getwindowfocus), empty when none.
    QString focusedWindow();

    QProcess m_xvfb;
    QProcess m_trayer;
    QString m_display;
};

void TestSingleInstance::initTestCase()
{
    const QByteArray missing = missingTools({"Xvfb", "dbus-daemon", "trayer", "xdotool"});
    if (!missing.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(missing.constData()); // CI installs them: it must run there
        QSKIP(missing.constData());
    }
    m_display = startXvfb(m_xvfb, 1280, 800);
    QVERIFY2(!m_display.isEmpty(), "Xvfb did not start");
    // A tray to hide a window in (--minimized): the XEmbed one, as no bus here has a tray watcher.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DISPLAY"), m_display);
    m_trayer.setProcessEnvironment(env);
    m_trayer.start(QStringLiteral("trayer"),
                   {QStringLiteral("--edge"), QStringLiteral("top"), QStringLiteral("--SetDockType"),
                    QStringLiteral("false")});
    QVERIFY2(m_trayer.waitForStarted(10000), qPrintable(m_trayer.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(
        run(QStringLiteral("xdotool"),
            {QStringLiteral("search"), QStringLiteral("--class"), QStringLiteral("trayer")})
            .has_value(),
        30000);
}

void TestSingleInstance::cleanupTestCase()
{
    for (QProcess *p : {&m_trayer, &m_xvfb}) {
        if (p->state() != QProcess::NotRunning) {
            p->terminate();
            if (!p->waitForFinished(5000))
                p->kill();
            p->waitForFinished(5000);
        }
    }
}

QProcessEnvironment TestSingleInstance::environment(const QTemporaryDir &home,
                                                    const QString &busAddress) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *dir : {"config", "data", "cache", "runtime"})
        QDir(home.path()).mkpath(QString::fromLatin1(dir));
    QFile::setPermissions(home.filePath(QStringLiteral("runtime")),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    env.insert(QStringLiteral("DISPLAY"), m_display);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    env.insert(QStringLiteral("MM_VIEW_REPORT"), QStringLiteral("1"));
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.filePath(QStringLiteral("runtime")));
    env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), TestSecretText);
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("XDG_CURRENT_DESKTOP"));
    env.remove(QStringLiteral("MIGRATION_MONITOR_STORE"));
    // No bus: a path nothing listens on (without one, libdbus would autolaunch a bus for the display).
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               busAddress.isEmpty() ? QStringLiteral("unix:path=") + home.filePath(QStringLiteral("no-bus"))
                                    : busAddress);
    return env;
}

QString TestSingleInstance::startBus(QProcess &bus, const QString &configFile)
{
    bus.start(
        QStringLiteral("dbus-daemon"),
        {configFile.isEmpty() ? QStringLiteral("--session") : QStringLiteral("--config-file=") + configFile,
         QStringLiteral("--print-address"), QStringLiteral("--nofork")});
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (!out.contains('\n') && clock.elapsed() < 15000 && bus.state() != QProcess::NotRunning) {
        bus.waitForReadyRead(200);
        out += bus.readAllStandardOutput();
    }
    const QString address = QString::fromLatin1(out.trimmed());
    return address.startsWith(QLatin1String("unix:")) ? address : QString();
}

QDBusMessage TestSingleInstance::callAction(QDBusConnection &connection, const QString &action, int timeoutMs)
{
    QDBusMessage call = QDBusMessage::createMethodCall(
        AppId, ObjectPath, QStringLiteral("org.freedesktop.Application"), QStringLiteral("ActivateAction"));
    call << action << QVariantList() << QVariantMap();
    return connection.call(call, QDBus::Block, timeoutMs);
}

std::optional<bool> TestSingleInstance::isDemo(QDBusConnection &connection)
{
    QDBusMessage get = QDBusMessage::createMethodCall(
        AppId, ObjectPath, QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    get << QStringLiteral("io.github.anon.MigrationMonitor.Instance") << QStringLiteral("Demo");
    const QDBusMessage reply = connection.call(get, QDBus::Block, 10000);
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return std::nullopt;
    return qvariant_cast<QDBusVariant>(reply.arguments().constFirst()).variant().toBool();
}

Launch TestSingleInstance::launch(const QProcessEnvironment &env, const QStringList &args)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(binary(), args);
    Launch l;
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished(5000);
        l.errors = QStringLiteral("still running after 20 s");
        return l;
    }
    l.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    l.errors = QString::fromLocal8Bit(p.readAllStandardError());
    return l;
}

std::optional<QByteArray> TestSingleInstance::run(const QString &program, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DISPLAY"), m_display);
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(15000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return std::nullopt;
    return p.readAllStandardOutput();
}

QStringList TestSingleInstance::windows(const QString &title)
{
    const auto out
        = run(QStringLiteral("xdotool"),
              {QStringLiteral("search"), QStringLiteral("--onlyvisible"), QStringLiteral("--name"), title});
    return QString::fromLatin1(out.value_or(QByteArray())).split(u'\n', Qt::SkipEmptyParts);
}

QString TestSingleInstance::focusedWindow()
{
    return QString::fromLatin1(
        run(QStringLiteral("xdotool"), {QStringLiteral("getwindowfocus")}).value_or(QByteArray()).trimmed());
}

void TestSingleInstance::secondLaunchBringsTheFirstForward_data()
{
    QTest::addColumn<bool>("sessionBus");
    QTest::addRow("D-Bus") << true;
    QTest::addRow("local socket, no session bus") << false;
}

void TestSingleInstance::secondLaunchBringsTheFirstForward()
{
    QFETCH(bool, sessionBus);
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcess bus;
    const auto stopBus = qScopeGuard([&bus] {
        bus.terminate();
        bus.waitForFinished(5000);
    });
    QString address;
    if (sessionBus) {
        address = startBus(bus);
        QVERIFY2(!address.isEmpty(), "dbus-daemon did not start");
    }
    const QProcessEnvironment env = environment(home, address);
    const quint16 port = freePort();
    QVERIFY(port > 0);
    const QString listen = QStringLiteral("127.0.0.1:%1").arg(port);

    // The first window starts hidden in the tray, as at login.
    Window first(env, {QStringLiteral("--listen"), listen, QStringLiteral("--minimized")});
    QTRY_VERIFY2_WITH_TIMEOUT((first.reports() >= 2 && first.window() == QLatin1String("hidden"))
                                  || !first.running(),
                              qPrintable(first.errors()), 30000);
    QVERIFY2(first.running(), qPrintable(first.errors()));
    QVERIFY(windows().isEmpty());

    std::optional<QDBusConnection> connection;
    if (sessionBus) {
        connection = QDBusConnection::connectToBus(address, QStringLiteral("single-instance"));
        QVERIFY(connection->isConnected());
        // The configured store's window holds the app id itself (DBusActivatable needs that).
        QVERIFY(connection->interface()->isServiceRegistered(AppId).value());
        QCOMPARE(qint64(connection->interface()->servicePid(AppId).value()), first.pid());
        // The spec's other methods answer, with errors: no files, no actions.
        const QDBusMessage refused = callAction(*connection, QStringLiteral("nothing"));
        QCOMPARE(refused.type(), QDBusMessage::ErrorMessage);
        QCOMPARE(refused.errorName(), QStringLiteral("org.freedesktop.DBus.Error.InvalidArgs"));
        QVERIFY(first.window() == QLatin1String("hidden"));
    } else {
        const QFileInfo socket(home.filePath(QStringLiteral("runtime/") + AppId));
        QVERIFY2(socket.exists(), qPrintable(socket.filePath()));
        QCOMPARE(socket.permissions() & (QFile::ReadOther | QFile::WriteOther | QFile::ReadGroup),
                 QFile::Permissions());
    }

    // The same store again, on the same port: the first window comes forward from the tray, the
    // second launch exits 0 at once, and nobody says the port is in use.
    QElapsedTimer clock;
    clock.start();
    const Launch second = launch(env, {QStringLiteral("--listen"), listen});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(second.errors.contains(QLatin1String("its window was brought to the front")),
             qPrintable(second.errors));
    QVERIFY2(!second.errors.contains(QLatin1String("Cannot listen")), qPrintable(second.errors));
    QTRY_COMPARE_WITH_TIMEOUT(first.window(), QStringLiteral("shown"), 10000);
    QStringList shown;
    QTRY_VERIFY_WITH_TIMEOUT((shown = windows()).size() == 1, 10000);
    // Raised and given the keyboard focus (no window manager here: Qt sets the input focus).
    QTRY_COMPARE_WITH_TIMEOUT(focusedWindow(), shown.first(), 10000);
    QVERIFY(first.running());
    if (connection) {
        QCOMPARE(qint64(connection->interface()->servicePid(AppId).value()), first.pid());
        // The menu's Try the Demo (ActivateAction "demo") on it: answered, but it stays this store's.
        QCOMPARE(callAction(*connection, QStringLiteral("demo")).type(), QDBusMessage::ReplyMessage);
        QCOMPARE(isDemo(*connection), std::optional<bool>(false));
        QVERIFY(first.running());
    }

    // The demo on top of it: not applied, and the launch says why.
    const Launch demo = launch(env, {QStringLiteral("--demo")});
    QCOMPARE(demo.exitCode, 0);
    QVERIFY2(demo.errors.contains(QLatin1String("--demo was not applied")), qPrintable(demo.errors));

    // Another store runs in a window of its own beside it.
    Window other(env,
                 {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"),
                  home.filePath(QStringLiteral("other"))});
    QTRY_VERIFY2_WITH_TIMEOUT((other.reports() >= 1 && other.window() == QLatin1String("shown"))
                                  || !other.running(),
                              qPrintable(other.errors()), 30000);
    QVERIFY2(other.running(), qPrintable(other.errors()));
    QVERIFY(first.running());
    QTRY_COMPARE_WITH_TIMEOUT(windows().size(), 2, 10000);
    if (connection) {
        const QStringList names
            = connection->interface()->registeredServiceNames().value().filter(QRegularExpression(
                QStringLiteral("^") + QRegularExpression::escape(AppId) + QStringLiteral("\\.Store_")));
        QCOMPARE(names.size(), 1);
        QCOMPARE(qint64(connection->interface()->servicePid(names.first()).value()), other.pid());
        QDBusConnection::disconnectFromBus(QStringLiteral("single-instance"));
    }

    QCOMPARE(other.terminate(), 0);
    QCOMPARE(first.terminate(), 0);
    // An orderly quit leaves no socket behind.
    if (!sessionBus)
        QVERIFY(!QFileInfo::exists(home.filePath(QStringLiteral("runtime/") + AppId)));
}

void TestSingleInstance::socketOfAKilledWindowIsTakenOver()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QProcessEnvironment env = environment(home, QString());
    const QString socket = home.filePath(QStringLiteral("runtime/") + AppId);
    {
        Window crashed(env, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QTRY_VERIFY2_WITH_TIMEOUT(crashed.reports() >= 1 || !crashed.running(), qPrintable(crashed.errors()),
                                  30000);
        QVERIFY(QFileInfo::exists(socket));
        crashed.killHard(); // SIGKILL: its socket and lock file stay behind
    }
    QVERIFY(QFileInfo::exists(socket));
    QVERIFY(QFileInfo::exists(socket + QStringLiteral(".lock")));

    // The next launch takes them over and runs the window…
    Window next(env, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QTRY_VERIFY2_WITH_TIMEOUT((next.reports() >= 1 && next.window() == QLatin1String("shown"))
                                  || !next.running(),
                              qPrintable(next.errors()), 30000);
    QVERIFY2(next.running(), qPrintable(next.errors()));
    // …and answers on the socket: the one after it only brings it forward.
    const Launch again = launch(env, {});
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(again.errors.contains(QLatin1String("brought to the front")), qPrintable(again.errors));
    QVERIFY(next.running());
    QCOMPARE(next.terminate(), 0);
}

void TestSingleInstance::dbusActivationStartsTheApp()
{
    // A private bus that knows the packaged service file, its Exec pointed at this build.
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QFile packaged(QStringLiteral(MM_SOURCE_DIR "/packaging/") + AppId + QStringLiteral(".service"));
    QVERIFY2(packaged.open(QIODevice::ReadOnly), qPrintable(packaged.fileName()));
    QString service = QString::fromUtf8(packaged.readAll());
    QVERIFY(service.contains(QLatin1String("Name=") + AppId + u'\n'));
    static const QRegularExpression exec(
        QStringLiteral("^Exec=/usr/bin/migration-monitor( --dbus-activated)$"),
        QRegularExpression::MultilineOption);
    QVERIFY2(service.contains(exec), qPrintable(service));
    service.replace(exec, QStringLiteral("Exec=") + binary() + QStringLiteral("\\1"));
    QVERIFY(QDir(home.path()).mkpath(QStringLiteral("services")));
    QFile serviceFile(home.filePath(QStringLiteral("services/") + AppId + QStringLiteral(".service")));
    QVERIFY(serviceFile.open(QIODevice::WriteOnly));
    serviceFile.write(service.toUtf8());
    serviceFile.close();
    QFile config(home.filePath(QStringLiteral("bus.conf")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(
        QStringLiteral("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                       " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                       "<busconfig><type>session</type><listen>unix:tmpdir=%1</listen>"
                       "<servicedir>%2</servicedir><policy context=\"default\">"
                       "<allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/>"
                       "<allow own=\"*\"/></policy></busconfig>\n")
            .arg(home.path(), home.filePath(QStringLiteral("services")))
            .toUtf8());
    config.close();

    // The bus starts the app with its own environment: this home, this display.
    QProcess bus;
    const auto stopBus = qScopeGuard([&bus] {
        bus.terminate();
        bus.waitForFinished(5000);
    });
    QProcessEnvironment env = environment(home, QStringLiteral("unix:path=/nonexistent"));
    bus.setProcessEnvironment(env);
    const QString address = startBus(bus, config.fileName());
    QVERIFY2(!address.isEmpty(), "dbus-daemon did not start");
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), address);
    // dbus-daemon passes its own environment on, and the bus address.
    QDBusConnection connection = QDBusConnection::connectToBus(address, QStringLiteral("activation"));
    QVERIFY(connection.isConnected());
    const auto disconnect
        = qScopeGuard([] { QDBusConnection::disconnectFromBus(QStringLiteral("activation")); });
    QVERIFY(!connection.interface()->isServiceRegistered(AppId).value());

    // What a launcher does for a DBusActivatable entry: Activate on the app id.
    QDBusMessage activate = QDBusMessage::createMethodCall(
        AppId, ObjectPath, QStringLiteral("org.freedesktop.Application"), QStringLiteral("Activate"));
    activate << QVariantMap();
    const QDBusMessage answer = connection.call(activate, QDBus::Block, 60000);
    QCOMPARE(answer.type(), QDBusMessage::ReplyMessage);
    QVERIFY(connection.interface()->isServiceRegistered(AppId).value());
    const qint64 pid = connection.interface()->servicePid(AppId).value();
    QVERIFY(pid > 0);
    const auto stopApp = qScopeGuard([pid] { ::kill(pid_t(pid), SIGKILL); });
    QTRY_COMPARE_WITH_TIMEOUT(windows().size(), 1, 30000);

    // A launch from a terminal now meets it.
    const Launch second = launch(env, {});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(second.errors.contains(QLatin1String("brought to the front")), qPrintable(second.errors));
    QCOMPARE(qint64(connection.interface()->servicePid(AppId).value()), pid);

    QCOMPARE(isDemo(connection), std::optional<bool>(false));

    // It quits the orderly way on SIGTERM, and gives the name back.
    QCOMPARE(::kill(pid_t(pid), SIGTERM), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!connection.interface()->isServiceRegistered(AppId).value(), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(windows().size(), 0, 10000);

    // The menu's Try the Demo with no window running: the bus starts the app, which runs the demo.
    QCOMPARE(callAction(connection, QStringLiteral("demo"), 60000).type(), QDBusMessage::ReplyMessage);
    const qint64 demoPid = connection.interface()->servicePid(AppId).value();
    QVERIFY(demoPid > 0 && demoPid != pid);
    const auto stopDemo = qScopeGuard([demoPid] { ::kill(pid_t(demoPid), SIGKILL); });
    QCOMPARE(isDemo(connection), std::optional<bool>(true));
    QTRY_COMPARE_WITH_TIMEOUT(windows(QStringLiteral("^Migration Monitor .* demo")).size(), 1, 30000);
    // A launch on the user's store meets the demo, and says so.
    const Launch plain = launch(env, {});
    QCOMPARE(plain.exitCode, 0);
    QVERIFY2(plain.errors.contains(QLatin1String("the running window is the demo")),
             qPrintable(plain.errors));
    QCOMPARE(::kill(pid_t(demoPid), SIGTERM), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!connection.interface()->isServiceRegistered(AppId).value(), 15000);
}

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
