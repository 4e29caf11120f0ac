// SPDX-License-Identifier: GPL-3.0-or-later
// Smoke test of the real window: `migration-monitor --demo` on its own Xvfb (xcb, not
// offscreen) fills its tables, is photographed, and quits cleanly on SIGTERM.
// The screenshot is left in BUILD_DIR/test-artifacts/demo-smoke.png for people to look at.
#include "xvfb.h"

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

namespace {
constexpr int ScreenWidth = 1280;
constexpr int ScreenHeight = 800;

// One line of the window's MM_VIEW_REPORT output (app/viewreporter.h).
struct ViewReport
{
    bool shown = false;
    int migrations = 0;
    int events = 0;
    int rejected = 0;
    QString listening;
};

} // namespace

// A private X server on a free display, chosen by Xvfb itself (-displayfd).
class XServer
{
public:
    ~XServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000))
                m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    // Returns ":N" once the server accepts connections, or an empty string.
    QString start()
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        return mm::test::startXvfb(m_process, ScreenWidth, ScreenHeight);
    }
    QString errors() { return QString::fromLocal8Bit(m_process.readAllStandardError()); }

private:
    QProcess m_process;
};

class TestDemoSmoke : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void demoWindowFillsAndQuitsCleanly();
};

void TestDemoSmoke::initTestCase()
{
    const QByteArray missing = mm::test::missingTools({"Xvfb", "import"});
    if (missing.isEmpty())
        return;
    // A developer's machine may lack them; CI must not silently skip the test.
    if (qEnvironmentVariableIsSet("CI"))
        QFAIL(missing.constData());
    QSKIP(missing.constData());
}

void TestDemoSmoke::demoWindowFillsAndQuitsCleanly()
{
    XServer xserver;
    const QString display = xserver.start();
    QVERIFY2(!display.isEmpty(), qPrintable(QStringLiteral("Xvfb did not start: ") + xserver.errors()));

    // Settings, caches and D-Bus stay out of the developer's session.
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DISPLAY"), display);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    env.insert(QStringLiteral("MM_VIEW_REPORT"), QStringLiteral("1"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    // Its own runtime folder: a window the developer runs is not taken for this one's first launch.
    QVERIFY(QDir(home.path()).mkpath(QStringLiteral("runtime")));
    QVERIFY(QFile::setPermissions(home.filePath(QStringLiteral("runtime")),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.filePath(QStringLiteral("runtime")));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    // No session bus (a path nothing listens on): without one, libdbus would autolaunch a
    // bus for the X display and leave it running after the test.
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               QStringLiteral("unix:path=") + home.filePath(QStringLiteral("no-bus")));
    env.remove(QStringLiteral("MIGRATION_MONITOR_SECRETS"));

    QProcess app;
    app.setProcessEnvironment(env);
    ViewReport last;
    int reports = 0;
    QByteArray pending;
    QString appErrors;
    static const QRegularExpression lineRe(QStringLiteral(
        "^view: window=(\\w+) migrations=(\\d+) events=(\\d+) rejected=(\\d+) listening=(\\S+)( \\S+)*$"));
    connect(&app, &QProcess::readyReadStandardOutput, this, [&] {
        pending += app.readAllStandardOutput();
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
            const QString line = QString::fromUtf8(pending.left(end));
            pending.remove(0, end + 1);
            const auto m = lineRe.match(line);
            if (!m.hasMatch())
                continue;
            last = {m.captured(1) == QLatin1String("shown"), m.captured(2).toInt(), m.captured(3).toInt(),
                    m.captured(4).toInt(), m.captured(5)};
            ++reports;
        }
    });
    connect(&app, &QProcess::readyReadStandardError, this,
            [&] { appErrors += QString::fromLocal8Bit(app.readAllStandardError()); });
    const auto stopApp = qScopeGuard([&app] {
        if (app.state() != QProcess::NotRunning) {
            app.kill();
            app.waitForFinished(5000);
        }
    });
    const QString binary = qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/app/migration-monitor");
    app.start(binary, {QStringLiteral("--demo")});
    QVERIFY2(app.waitForStarted(10000), qPrintable(binary + QStringLiteral(": ") + app.errorString()));

    // The demo sender delivers two events a second; the tables show them within a few seconds.
    QTRY_VERIFY2_WITH_TIMEOUT(
        (last.shown && last.migrations > 0 && last.events > 0) || app.state() == QProcess::NotRunning,
        qPrintable(QStringLiteral("no rows after 20 s; last report: %1 migrations, %2 events; stderr: %3")
                       .arg(last.migrations)
                       .arg(last.events)
                       .arg(appErrors)),
        20000);
    QVERIFY2(app.state() == QProcess::Running, qPrintable(QStringLiteral("the app exited: ") + appErrors));
    QVERIFY(last.shown);
    QVERIFY2(last.listening.startsWith(QLatin1String("http://127.0.0.1:")), qPrintable(last.listening));
    // One more report: the window's event loop has run (and painted) since the rows arrived.
    const int seen = reports;
    QTRY_VERIFY_WITH_TIMEOUT(reports > seen, 5000);
    QVERIFY(app.state() == QProcess::Running);

    const QString artifacts = qEnvironmentVariable("MM_BINARY_DIR") + QStringLiteral("/test-artifacts");
    QVERIFY(QDir().mkpath(artifacts));
    const QString shot = artifacts + QStringLiteral("/demo-smoke.png");
    QFile::remove(shot);
    QProcess grab;
    grab.start(
        QStringLiteral("import"),
        {QStringLiteral("-window"), QStringLiteral("root"), QStringLiteral("-display"), display, shot});
    QVERIFY(grab.waitForFinished(30000));
    QVERIFY2(grab.exitStatus() == QProcess::NormalExit && grab.exitCode() == 0,
             grab.readAllStandardError().constData());
    qInfo("screenshot: %s", qPrintable(shot));

    const QImage image(shot);
    QVERIFY2(!image.isNull(), qPrintable(shot));
    QCOMPARE(image.size(), QSize(ScreenWidth, ScreenHeight));
    // A window with text and tables has many colours; an empty or black screen has one.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 16, qPrintable(QStringLiteral("only %1 colours").arg(colours.size())));

    ::kill(pid_t(app.processId()), SIGTERM);
    QVERIFY2(app.waitForFinished(10000), "no exit within 10 s of SIGTERM");
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestDemoSmoke)
#include "tst_demosmoke.moc"
