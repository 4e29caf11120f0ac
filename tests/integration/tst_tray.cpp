// SPDX-License-Identifier: GPL-3.0-or-later
// The tray icon of the real app (ui/tray/trayicon.*) in a real XEmbed tray: Debian's
// `trayer` on a private Xvfb. The icon must dock, hide the window on a click, show a red
// badge once a failure arrives through the real receiver while the window is hidden, and
// clear it when the window is shown again; closing the window hides it to the tray. The
// tray's pixels are read from screenshots; the one with the badge is left in
// BUILD_DIR/test-artifacts/tray.png for people to look at. Where the desktop has a
// StatusNotifierItem host instead (KDE, GNOME with the AppIndicator extension, waybar…), the icon
// registers as an item with the watcher on the session bus: a minimal watcher in this test, on a
// private bus, records the registration and reads the item's properties back.
#include "testhttp.h"
#include "testsecret.h"
#include "xvfb.h"

#include <QDBusAbstractAdaptor>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>

#ifdef MM_HAVE_XCB
#include <xcb/xcb.h>
#endif

using namespace mm::test;

namespace {
constexpr int ScreenWidth = 1024;
constexpr int ScreenHeight = 768;

// The icon's pixels in its colours (trayicon.cpp): the blue glyph and the red badge.
struct TrayPixels
{
    int blue = 0;
    int red = 0;
    QRect glyph; // where the blue pixels are, on the screen
};

TrayPixels trayPixels(const QImage &screen, const QRect &panel)
{
    TrayPixels t;
    const QRect area = panel & screen.rect();
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QRgb c = screen.pixel(x, y);
            if (qRed(c) > 170 && qGreen(c) < 90 && qBlue(c) < 90)
                ++t.red;
            if (qBlue(c) > 150 && qRed(c) < 100 && qGreen(c) < 150) {
                ++t.blue;
                t.glyph |= QRect(x, y, 1, 1);
            }
        }
    }
    return t;
}

// A process ended when the test ends, however it ends.
struct Child
{
    ~Child()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(5000))
                process.kill();
            process.waitForFinished(5000);
        }
    }
    QProcess process;
};

#ifdef MM_HAVE_XCB
// Asks a window to close the way a window manager does (WM_DELETE_WINDOW), so the app
// sees a spontaneous close, as when the user clicks the title bar's close button.
bool sendDeleteWindow(const QString &display, quint32 window)
{
    const QByteArray name = display.toLocal8Bit();
    xcb_connection_t *c = xcb_connect(name.constData(), nullptr);
    if (xcb_connection_has_error(c)) {
        xcb_disconnect(c);
        return false;
    }
    auto atom = [c](const char *atomName) {
        xcb_intern_atom_reply_t *r = xcb_intern_atom_reply(
            c, xcb_intern_atom(c, 0, quint16(std::strlen(atomName)), atomName), nullptr);
        const xcb_atom_t a = r ? r->atom : xcb_atom_t(XCB_ATOM_NONE);
        std::free(r);
        return a;
    };
    xcb_client_message_event_t e {};
    e.response_type = XCB_CLIENT_MESSAGE;
    e.format = 32;
    e.window = window;
    e.type = atom("WM_PROTOCOLS");
    e.data.data32[0] = atom("WM_DELETE_WINDOW");
    e.data.data32[1] = XCB_CURRENT_TIME;
    xcb_send_event(c, 0, window, XCB_EVENT_MASK_NO_EVENT, reinterpret_cast<const char *>(&e));
    const bool ok = xcb_flush(c) > 0;
    xcb_disconnect(c);
    return ok;
}
#endif
// A minimal org.kde.StatusNotifierWatcher with a host registered: what Qt looks for before it
// offers a tray icon as a StatusNotifierItem (QDBusMenuConnection reads the
// IsStatusNotifierHostRegistered property, then calls RegisterStatusNotifierItem).
class SniWatcher final : public QDBusAbstractAdaptor
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.kde.StatusNotifierWatcher")
    Q_PROPERTY(bool IsStatusNotifierHostRegistered READ isHostRegistered)
    Q_PROPERTY(int ProtocolVersion READ protocolVersion)
    Q_PROPERTY(QStringList RegisteredStatusNotifierItems READ items)
    Q_DISABLE_COPY_MOVE(SniWatcher)

public:
    explicit SniWatcher(QObject *parent)
        : QDBusAbstractAdaptor(parent)
    {
    }
    bool isHostRegistered() const { return true; }
    int protocolVersion() const { return 0; }
    QStringList items() const { return m_items; }
    // Who called RegisterStatusNotifierItem (the caller's unique name), for each registration.
    QStringList callers() const { return m_callers; }

public Q_SLOTS:
    void RegisterStatusNotifierItem(const QString &service, const QDBusMessage &message)
    {
        m_items.append(service);
        m_callers.append(message.service());
        Q_EMIT StatusNotifierItemRegistered(service);
    }
    void RegisterStatusNotifierHost(const QString &service) { Q_UNUSED(service) }

Q_SIGNALS:
    void StatusNotifierItemRegistered(const QString &service);
    void StatusNotifierItemUnregistered(const QString &service);
    void StatusNotifierHostRegistered();

private:
    QStringList m_items;
    QStringList m_callers;
};
} // namespace

class TestTray : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void iconShowsUnseenFailures();
    void registersAsStatusNotifierItem();

private:
    // Runs a tool to its end: its output, or nullopt when it failed.
    std::optional<QByteArray> run(const QString &program, const QStringList &args, int timeoutMs = 15000);
    // Raises trayer's panel above the window (there is no window manager) and returns where it is.
    QRect raiseTray();
    bool screenshot(const QString &path, QImage *image);
    bool click(QPoint at);

    QProcessEnvironment m_env;
};

void TestTray::initTestCase()
{
    const QByteArray missing = mm::test::missingTools({"Xvfb", "import", "trayer", "xdotool", "dbus-daemon"});
    if (missing.isEmpty())
        return;
    // A developer's machine may lack them; CI must not silently skip the test.
    if (qEnvironmentVariableIsSet("CI"))
        QFAIL(missing.constData());
    QSKIP(missing.constData());
}

std::optional<QByteArray> TestTray::run(const QString &program, const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(m_env);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return std::nullopt;
    return p.readAllStandardOutput();
}

QRect TestTray::raiseTray()
{
    const auto out = run(QStringLiteral("xdotool"),
                         {QStringLiteral("search"), QStringLiteral("--onlyvisible"),
                          QStringLiteral("--class"), QStringLiteral("trayer"), QStringLiteral("windowraise"),
                          QStringLiteral("%@"), QStringLiteral("getwindowgeometry"), QStringLiteral("%@")});
    static const QRegularExpression re(
        QStringLiteral("Position: (\\d+),(\\d+).*\\n.*Geometry: (\\d+)x(\\d+)"));
    const auto m = re.match(QString::fromUtf8(out.value_or(QByteArray())));
    if (!m.hasMatch())
        return {};
    return {m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt(), m.captured(4).toInt()};
}

bool TestTray::screenshot(const QString &path, QImage *image)
{
    QFile::remove(path);
    if (!run(QStringLiteral("import"), {QStringLiteral("-window"), QStringLiteral("root"), path}, 30000))
        return false;
    *image = QImage(path).convertToFormat(QImage::Format_RGB32);
    return !image->isNull();
}

bool TestTray::click(QPoint at)
{
    return run(QStringLiteral("xdotool"),
               {QStringLiteral("mousemove"), QString::number(at.x()), QString::number(at.y()),
                QStringLiteral("click"), QStringLiteral("1")})
        .has_value();
}

void TestTray::iconShowsUnseenFailures()
{
    Child xvfb;
    const QString display = mm::test::startXvfb(xvfb.process, ScreenWidth, ScreenHeight);
    QVERIFY2(!display.isEmpty(), "Xvfb did not start");

    QTemporaryDir home;
    QVERIFY(home.isValid());
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(QStringLiteral("DISPLAY"), display);
    m_env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    m_env.insert(QStringLiteral("HOME"), home.path());
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    m_env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    m_env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    m_env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    m_env.remove(QStringLiteral("XDG_CURRENT_DESKTOP"));
    // No session bus: Qt then docks in the XEmbed tray rather than offering a StatusNotifierItem.
    m_env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                 QStringLiteral("unix:path=") + home.filePath(QStringLiteral("no-bus")));
    const QString artifacts = qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/test-artifacts");
    QVERIFY(QDir().mkpath(artifacts));
    const QString scratch = home.filePath(QStringLiteral("screen.png"));
    QImage screen;

    // The tray first: the app looks for one once, at start-up.
    Child trayer;
    trayer.process.setProcessEnvironment(m_env);
    trayer.process.start(QStringLiteral("trayer"),
                         {QStringLiteral("--edge"), QStringLiteral("top"), QStringLiteral("--align"),
                          QStringLiteral("right"), QStringLiteral("--widthtype"), QStringLiteral("request"),
                          QStringLiteral("--height"), QStringLiteral("32"), QStringLiteral("--SetDockType"),
                          QStringLiteral("false"), QStringLiteral("--SetPartialStrut"),
                          QStringLiteral("false"), QStringLiteral("--transparent"), QStringLiteral("false")});
    QVERIFY2(trayer.process.waitForStarted(10000), qPrintable(trayer.process.errorString()));
    QTRY_VERIFY2_WITH_TIMEOUT(raiseTray().isValid(), "trayer's panel did not appear", 60000);
    QVERIFY(screenshot(scratch, &screen));
    QCOMPARE(trayPixels(screen, raiseTray()).blue, 0);

    // The real app, its secret in the environment as users are told to pass it.
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());
    QProcessEnvironment appEnv = m_env;
    appEnv.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), TestSecretText);
    appEnv.insert(QStringLiteral("MM_VIEW_REPORT"), QStringLiteral("1"));
    Child app;
    app.process.setProcessEnvironment(appEnv);
    QString window;
    QString listening;
    int reports = 0;
    QByteArray pending;
    QString appErrors;
    static const QRegularExpression lineRe(QStringLiteral("^view: window=(\\w+) .*listening=(\\S+)"));
    connect(&app.process, &QProcess::readyReadStandardOutput, this, [&] {
        pending += app.process.readAllStandardOutput();
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
            const auto m = lineRe.match(QString::fromUtf8(pending.left(end)));
            pending.remove(0, end + 1);
            if (m.hasMatch()) {
                window = m.captured(1);
                listening = m.captured(2);
                ++reports;
            }
        }
    });
    connect(&app.process, &QProcess::readyReadStandardError, this,
            [&] { appErrors += QString::fromLocal8Bit(app.process.readAllStandardError()); });
    const QString binary = qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/app/migration-monitor");
    app.process.start(binary,
                      {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--data-dir"), dataDir.path()});
    QVERIFY2(app.process.waitForStarted(10000), qPrintable(app.process.errorString()));
    QTRY_VERIFY2_WITH_TIMEOUT(window == QLatin1String("shown") || app.process.state() == QProcess::NotRunning,
                              qPrintable(QStringLiteral("no window; stderr: ") + appErrors), 20000);
    QVERIFY2(app.process.state() == QProcess::Running, qPrintable(appErrors));
    const QUrl url(listening);
    QVERIFY2(url.port() > 0, qPrintable(listening));

    // The icon docks: its blue glyph appears in trayer's panel, with no badge yet.
    TrayPixels tray;
    QTRY_VERIFY2_WITH_TIMEOUT(screenshot(scratch, &screen)
                                  && (tray = trayPixels(screen, raiseTray())).blue > 20,
                              qPrintable(QStringLiteral("no icon in the tray; stderr: ") + appErrors), 20000);
    QCOMPARE(tray.red, 0);
    const QPoint icon = tray.glyph.center();

    // A click on the icon hides the window.
    QVERIFY(click(icon));
    QTRY_COMPARE_WITH_TIMEOUT(window, QStringLiteral("hidden"), 10000);

    // A failed migration arrives through the real receiver while nobody looks.
    {
        RawClient client(quint16(url.port()));
        QVERIFY(client.connected());
        const HttpResponse r = client.roundTrip(signedRequest(
            *mm::SigningSecret::parse(TestSecretText), "msg_tray_1",
            envelope("evt_tray_1", "migration.failed", "mig_tray", "FAILED"), 0, url.path().toUtf8()));
        QCOMPARE(r.status, 200);
    }
    QTRY_VERIFY2_WITH_TIMEOUT(screenshot(scratch, &screen)
                                  && (tray = trayPixels(screen, raiseTray())).red > 10,
                              "no red badge on the tray icon", 20000);
    QVERIFY(tray.blue > 20); // the glyph is still there beside the badge
    const QString shot = artifacts + QStringLiteral("/tray.png");
    QFile::remove(shot);
    QVERIFY(QFile::copy(scratch, shot));
    qInfo("screenshot: %s", qPrintable(shot));

    // Clicking again brings the window back, and the failure counts as seen.
    QVERIFY(click(icon));
    QTRY_COMPARE_WITH_TIMEOUT(window, QStringLiteral("shown"), 10000);
    QTRY_VERIFY2_WITH_TIMEOUT(screenshot(scratch, &screen) && trayPixels(screen, raiseTray()).red == 0,
                              "the badge stayed after the window was shown", 20000);

#ifdef MM_HAVE_XCB
    // Closing the window (as a window manager would ask) hides it; the app keeps running.
    const auto found = run(QStringLiteral("xdotool"),
                           {QStringLiteral("search"), QStringLiteral("--onlyvisible"),
                            QStringLiteral("--name"), QStringLiteral("^Migration Monitor$")});
    QVERIFY(found);
    const quint32 windowId = found->split('\n').first().trimmed().toUInt();
    QVERIFY(windowId != 0);
    QVERIFY(sendDeleteWindow(display, windowId));
    QTRY_COMPARE_WITH_TIMEOUT(window, QStringLiteral("hidden"), 10000);
    const int seen = reports;
    QTRY_VERIFY_WITH_TIMEOUT(reports >= seen + 2, 10000);
    QVERIFY(app.process.state() == QProcess::Running);
    QVERIFY(screenshot(scratch, &screen)); // with the one-time hint beside the tray
    QFile::remove(artifacts + QStringLiteral("/tray-hint.png"));
    QFile::copy(scratch, artifacts + QStringLiteral("/tray-hint.png"));
#endif

    // Quitting still quits.
    ::kill(pid_t(app.process.processId()), SIGTERM);
    QVERIFY2(app.process.waitForFinished(10000), "no exit within 10 s of SIGTERM");
    QCOMPARE(app.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.process.exitCode(), 0);
}

void TestTray::registersAsStatusNotifierItem()
{
    Child xvfb;
    const QString display = mm::test::startXvfb(xvfb.process, ScreenWidth, ScreenHeight);
    QVERIFY2(!display.isEmpty(), "Xvfb did not start");
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QVERIFY(QDir(home.path()).mkpath(QStringLiteral("runtime")));
    QVERIFY(QFile::setPermissions(home.filePath(QStringLiteral("runtime")),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DISPLAY"), display);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.filePath(QStringLiteral("runtime")));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("XDG_CURRENT_DESKTOP"));

    // A private session bus, and the watcher on it before the app starts (Qt asks once).
    Child bus;
    bus.process.setProcessEnvironment(env);
    bus.process.start(
        QStringLiteral("dbus-daemon"),
        {QStringLiteral("--session"), QStringLiteral("--print-address"), QStringLiteral("--nofork")});
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (!out.contains('\n') && clock.elapsed() < 15000 && bus.process.state() != QProcess::NotRunning) {
        bus.process.waitForReadyRead(200);
        out += bus.process.readAllStandardOutput();
    }
    const QString address = QString::fromLatin1(out.trimmed());
    QVERIFY2(address.startsWith(QLatin1String("unix:")), out.constData());
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), address);
    const QString connectionName = QStringLiteral("sni-watcher");
    QDBusConnection connection = QDBusConnection::connectToBus(address, connectionName);
    const auto disconnect = qScopeGuard([&] { QDBusConnection::disconnectFromBus(connectionName); });
    QVERIFY(connection.isConnected());
    QObject watcherObject;
    auto *watcher = new SniWatcher(&watcherObject);
    QVERIFY(connection.registerObject(QStringLiteral("/StatusNotifierWatcher"), &watcherObject,
                                      QDBusConnection::ExportAdaptors));
    QVERIFY(connection.registerService(QStringLiteral("org.kde.StatusNotifierWatcher")));

    // The app, asked to start hidden in the tray: with only a StatusNotifierItem host (no XEmbed
    // tray runs on this display), that works only if the icon is offered as an item.
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());
    QProcessEnvironment appEnv = env;
    appEnv.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), TestSecretText);
    appEnv.insert(QStringLiteral("MM_VIEW_REPORT"), QStringLiteral("1"));
    Child app;
    app.process.setProcessEnvironment(appEnv);
    QString window;
    QByteArray pending;
    QString appErrors;
    static const QRegularExpression lineRe(QStringLiteral("^view: window=(\\w+) "));
    connect(&app.process, &QProcess::readyReadStandardOutput, this, [&] {
        pending += app.process.readAllStandardOutput();
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
            const auto m = lineRe.match(QString::fromUtf8(pending.left(end)));
            pending.remove(0, end + 1);
            if (m.hasMatch())
                window = m.captured(1);
        }
    });
    connect(&app.process, &QProcess::readyReadStandardError, this,
            [&] { appErrors += QString::fromLocal8Bit(app.process.readAllStandardError()); });
    const QString binary = qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/app/migration-monitor");
    app.process.start(binary,
                      {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--data-dir"), dataDir.path(), QStringLiteral("--minimized")});
    QVERIFY2(app.process.waitForStarted(10000), qPrintable(app.process.errorString()));

    // It registers with the watcher (the event loop turning here answers its calls).
    QTRY_VERIFY2_WITH_TIMEOUT(
        !watcher->items().isEmpty() || app.process.state() != QProcess::Running,
        qPrintable(QStringLiteral("no RegisterStatusNotifierItem; stderr: ") + appErrors), 20000);
    QVERIFY2(app.process.state() == QProcess::Running, qPrintable(appErrors));
    QCOMPARE(watcher->items().size(), 1);
    const QString item = watcher->items().first();
    // The item is on the app's own connection: the registered name is owned by that process.
    QCOMPARE(qint64(connection.interface()->servicePid(item).value()), app.process.processId());
    QCOMPARE(connection.interface()->serviceOwner(item).value(), watcher->callers().first());
    QTRY_COMPARE_WITH_TIMEOUT(window, QStringLiteral("hidden"), 20000);

    // The item's properties, as a host reads them.
    const QString itemPath = QStringLiteral("/StatusNotifierItem");
    const QString itemInterface = QStringLiteral("org.kde.StatusNotifierItem");
    QDBusMessage getAll = QDBusMessage::createMethodCall(
        item, itemPath, QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("GetAll"));
    getAll << itemInterface;
    const QDBusMessage reply = connection.call(getAll, QDBus::Block, 10000);
    QVERIFY2(reply.type() == QDBusMessage::ReplyMessage, qPrintable(reply.errorMessage()));
    const QVariantMap properties = qdbus_cast<QVariantMap>(reply.arguments().constFirst());
    // Qt names the item after the application (QCoreApplication::applicationName()).
    QCOMPARE(properties.value(QStringLiteral("Id")).toString(), QStringLiteral("migration-monitor"));
    QCOMPARE(properties.value(QStringLiteral("Title")).toString(), QStringLiteral("migration-monitor"));
    QCOMPARE(properties.value(QStringLiteral("Category")).toString(), QStringLiteral("ApplicationStatus"));
    QCOMPARE(properties.value(QStringLiteral("Status")).toString(), QStringLiteral("Active"));
    // The tooltip (s a(iiay) s s: icon, pixmaps, title, text) is the tray's health (trayhealth.cpp).
    {
        const QDBusArgument tip = qvariant_cast<QDBusArgument>(properties.value(QStringLiteral("ToolTip")));
        QString iconName;
        QString title;
        QString text;
        tip.beginStructure();
        tip >> iconName;
        tip.beginArray();
        while (!tip.atEnd()) {
            int width = 0;
            int height = 0;
            QByteArray bytes;
            tip.beginStructure();
            tip >> width >> height >> bytes;
            tip.endStructure();
        }
        tip.endArray();
        tip >> title >> text;
        tip.endStructure();
        const QString whole = title + u'\n' + text;
        QVERIFY2(whole.contains(QLatin1String("Listening on http://127.0.0.1:")), qPrintable(whole));
    }
    // The icon is drawn at run time (trayicon.cpp), so it travels as pixmaps, not a theme name:
    // a(iiay), each with its width, height and ARGB32 bytes.
    const QDBusArgument pixmaps
        = qvariant_cast<QDBusArgument>(properties.value(QStringLiteral("IconPixmap")));
    int images = 0;
    pixmaps.beginArray();
    while (!pixmaps.atEnd()) {
        int width = 0;
        int height = 0;
        QByteArray bytes;
        pixmaps.beginStructure();
        pixmaps >> width >> height >> bytes;
        pixmaps.endStructure();
        QVERIFY(width > 0 && height > 0);
        QCOMPARE(bytes.size(), qsizetype(width) * height * 4);
        ++images;
    }
    pixmaps.endArray();
    QVERIFY(images > 0);

    // A host's click (Activate) brings the window back from the tray.
    QDBusMessage activate
        = QDBusMessage::createMethodCall(item, itemPath, itemInterface, QStringLiteral("Activate"));
    activate << 0 << 0;
    const QDBusMessage activated = connection.call(activate, QDBus::Block, 10000);
    QVERIFY2(activated.type() == QDBusMessage::ReplyMessage, qPrintable(activated.errorMessage()));
    QTRY_COMPARE_WITH_TIMEOUT(window, QStringLiteral("shown"), 10000);

    ::kill(pid_t(app.process.processId()), SIGTERM);
    QVERIFY2(app.process.waitForFinished(10000), "no exit within 10 s of SIGTERM");
    QCOMPARE(app.process.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestTray)
#include "tst_tray.moc"
