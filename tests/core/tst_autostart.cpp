// SPDX-License-Identifier: GPL-3.0-or-later
// Start at login: the XDG autostart entry is written where $XDG_CONFIG_HOME says, passes
// desktop-file-validate, is read back, and goes away when switched off.
#include "helperverify.h"
#include "settings/autostart.h"
#include "util/appid.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

class TestAutostart : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QByteArray m_oldConfigHome;
    QByteArray m_oldPath;

    QString expectedPath() const
    {
        return m_home.path() + QStringLiteral("/autostart/") + QLatin1String(AppId)
            + QStringLiteral(".desktop");
    }

    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    [[nodiscard]] static bool writeFile(const QString &path, const QByteArray &text)
    {
        QFile file(path);
        MM_HELPER_VERIFY2(file.open(QIODevice::WriteOnly), qPrintable(file.errorString()));
        file.write(text);
        return true;
    }

    // desktop-file-validate's verdict on path; skips when the tool is missing.
    static void validate(const QString &path)
    {
        const QString tool = QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
        if (tool.isEmpty())
            QSKIP("desktop-file-validate is not installed (apt-get install desktop-file-utils)");
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(tool, {path});
        QVERIFY(p.waitForFinished(30000));
        const QByteArray output = p.readAll();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, output.constData());
        // Errors fail the exit code; warnings and hints would not, so none are accepted either.
        QVERIFY2(output.trimmed().isEmpty(), output.constData());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_oldConfigHome = qgetenv("XDG_CONFIG_HOME");
        m_oldPath = qgetenv("PATH");
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.path()));
    }

    void cleanupTestCase()
    {
        if (m_oldConfigHome.isNull())
            qunsetenv("XDG_CONFIG_HOME");
        else
            qputenv("XDG_CONFIG_HOME", m_oldConfigHome);
        qputenv("PATH", m_oldPath);
    }

    void cleanup() { QFile::remove(expectedPath()); }

    void followsXdgConfigHome()
    {
        QCOMPARE(Autostart::directory(), m_home.path() + QStringLiteral("/autostart"));
        QCOMPARE(Autostart(QStringLiteral("migration-monitor")).filePath(), expectedPath());
    }

    void enablingWritesTheEntry()
    {
        Autostart autostart(QStringLiteral("migration-monitor"));
        QVERIFY(!autostart.isEnabled());
        QString error;
        QVERIFY2(autostart.setEnabled(true, &error), qPrintable(error));
        QVERIFY(QFile::exists(expectedPath()));
        QVERIFY(autostart.isEnabled());
        QVERIFY(Autostart(QStringLiteral("elsewhere")).isEnabled()); // read back from the file alone
        const QByteArray text = readAll(expectedPath());
        QVERIFY(text.startsWith("[Desktop Entry]\n"));
        QVERIFY(text.contains("\nExec=migration-monitor --minimized\n"));
        QVERIFY(text.contains(QByteArray(QByteArray("\nIcon=") + AppId + "\n")));
        validate(expectedPath());
    }

    void disablingRemovesTheEntry()
    {
        Autostart autostart(QStringLiteral("migration-monitor"));
        QVERIFY(autostart.setEnabled(true));
        QVERIFY(autostart.isEnabled());
        QString error;
        QVERIFY2(autostart.setEnabled(false, &error), qPrintable(error));
        QVERIFY(!QFile::exists(expectedPath()));
        QVERIFY(!autostart.isEnabled());
        QVERIFY(autostart.setEnabled(false)); // already off: nothing to do, no error
    }

    void switchedOffByTheDesktopCountsAsDisabled_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addRow("Hidden") << QByteArray("Hidden=true");
        QTest::addRow("GNOME switch") << QByteArray("X-GNOME-Autostart-enabled=false");
    }

    void switchedOffByTheDesktopCountsAsDisabled()
    {
        QFETCH(QByteArray, line);
        Autostart autostart(QStringLiteral("migration-monitor"));
        QVERIFY(autostart.setEnabled(true));
        QByteArray text = readAll(expectedPath());
        text.replace("X-GNOME-Autostart-enabled=true\n", QByteArray());
        QVERIFY(writeFile(expectedPath(), text + line + '\n'));
        QVERIFY(!autostart.isEnabled());
        QVERIFY(autostart.setEnabled(true)); // switching it on again rewrites the entry
        QVERIFY(autostart.isEnabled());
    }

    void pathsAreQuotedForExec_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::addColumn<QString>("exec");
        QTest::addRow("plain") << QStringLiteral("/usr/bin/migration-monitor")
                               << QStringLiteral("/usr/bin/migration-monitor");
        QTest::addRow("space") << QStringLiteral("/opt/My Apps/mm") << QStringLiteral("\"/opt/My Apps/mm\"");
        QTest::addRow("dollar") << QStringLiteral("/a$b") << QStringLiteral("\"/a\\\\$b\"");
        QTest::addRow("quote") << QStringLiteral("/a\"b") << QStringLiteral("\"/a\\\\\"b\"");
        QTest::addRow("backslash") << QStringLiteral("/a\\b") << QStringLiteral("\"/a\\\\\\\\b\"");
        QTest::addRow("percent") << QStringLiteral("/100%/mm") << QStringLiteral("/100%%/mm");
        QTest::addRow("empty") << QString() << QStringLiteral("\"\"");
    }

    void pathsAreQuotedForExec()
    {
        QFETCH(QString, argument);
        QFETCH(QString, exec);
        QCOMPARE(Autostart::quoteExecArgument(argument), exec);
    }

    void anEntryForAPathWithSpacesIsValid()
    {
        Autostart autostart(QStringLiteral("/opt/My Apps/$HOME/migration-monitor"));
        QVERIFY(autostart.setEnabled(true));
        QVERIFY(readAll(expectedPath())
                    .contains("\nExec=\"/opt/My Apps/\\\\$HOME/migration-monitor\" --minimized\n"));
        validate(expectedPath());
    }

    void programIsTheBareNameOnlyWhenPathFindsThisBinary()
    {
        QTemporaryDir bin;
        QVERIFY(bin.isValid());
        const QString binary = bin.filePath(QStringLiteral("migration-monitor"));
        QVERIFY(writeFile(binary, "#!/bin/sh\n"));
        QVERIFY(QFile::setPermissions(binary, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("PATH", QFile::encodeName(bin.path()) + ":/usr/bin:/bin");
        QCOMPARE(Autostart::programFor(binary), QStringLiteral("migration-monitor"));
        qputenv("PATH", "/usr/bin:/bin");
        QCOMPARE(Autostart::programFor(binary), binary);
        qputenv("PATH", m_oldPath);
    }

    void aFailureIsReported()
    {
        // A file where the config folder should be: the autostart folder cannot be made.
        QTemporaryDir other;
        const QString blocker = other.filePath(QStringLiteral("config"));
        QVERIFY(writeFile(blocker, "not a folder"));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(blocker));
        Autostart autostart(QStringLiteral("migration-monitor"));
        QString error;
        QVERIFY(!autostart.setEnabled(true, &error));
        QVERIFY2(error.contains(blocker), qPrintable(error));
        QVERIFY(!autostart.isEnabled());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.path()));
    }
};

QTEST_GUILESS_MAIN(TestAutostart)
#include "tst_autostart.moc"
