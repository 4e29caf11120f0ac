// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/appsettings.h"
#include "testsecret.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

class TestAppSettings : public QObject
{
    Q_OBJECT

private:
    QString iniPath() const { return m_dir.filePath(QStringLiteral("settings.ini")); }
    QTemporaryDir m_dir;

private Q_SLOTS:
    void init() { QFile::remove(iniPath()); }

    void defaultsWhenNothingSaved()
    {
        AppSettings s(iniPath());
        QCOMPARE(s.listenAddress(), QStringLiteral("127.0.0.1"));
        QCOMPARE(s.port(), quint16(8787));
        QCOMPARE(s.path(), QStringLiteral("/webhooks"));
        QVERIFY(s.tlsCert().isEmpty());
        QVERIFY(s.tlsKey().isEmpty());
        QCOMPARE(s.toleranceSeconds(), 300);
        QCOMPARE(s.stallThresholds().workingUs, StallThresholds().workingUs);
        QCOMPARE(s.stallThresholds().notStartedUs, StallThresholds().notStartedUs);
        QVERIFY(s.dataDir().isEmpty());
        QCOMPARE(s.values(), SettingsValues());
        QVERIFY(s.windowGeometry().isEmpty());
        QCOMPARE(s.filterBar(), FilterBarState());
    }

    void alertSettingsRoundTrip()
    {
        AlertSettings a;
        a.taskFailed = false;
        a.listener = false;
        a.quietHours = true;
        a.quietStartMinute = 23 * 60;
        a.quietEndMinute = 6 * 60 + 30;
        a.mutedMigrations = {QStringLiteral("mig_1"), QStringLiteral("mig_2")};
        {
            AppSettings s(iniPath());
            QCOMPARE(s.alertSettings(), AlertSettings());
            s.setAlertSettings(a);
            QVERIFY(s.sync());
        }
        AppSettings reread(iniPath());
        QCOMPARE(reread.alertSettings(), a);
        QCOMPARE(reread.values().alerts, a);
        // Times out of range fall back to the defaults.
        {
            QSettings raw(iniPath(), QSettings::IniFormat);
            raw.setValue(QStringLiteral("alerts/quietStart"), 5000);
        }
        QCOMPARE(AppSettings(iniPath()).alertSettings().quietStartMinute, AlertSettings().quietStartMinute);
    }

    void valuesRoundTrip()
    {
        SettingsValues v;
        v.listenAddress = QStringLiteral("::1");
        v.port = 9443;
        v.path = QStringLiteral("/hooks/anon");
        v.tlsCert = QStringLiteral("/etc/ssl/cert.pem");
        v.tlsKey = QStringLiteral("/etc/ssl/key.pem");
        v.toleranceSeconds = 120;
        v.stallWorkingMinutes = 15;
        v.stallNotStartedMinutes = 240;
        v.dataDir = QStringLiteral("/srv/monitor");
        {
            AppSettings s(iniPath());
            s.setValues(v);
            QVERIFY(s.sync());
        }
        AppSettings reread(iniPath());
        QCOMPARE(reread.values(), v);
        QCOMPARE(reread.stallThresholds().workingUs, 15LL * 60 * 1000000);
        QCOMPARE(reread.stallThresholds().notStartedUs, 240LL * 60 * 1000000);
    }

    void secretsAreNeverWritten()
    {
        const QString secret = QStringLiteral("whsec_c2VjcmV0LXRoYXQtbXVzdC1zdGF5LW91dA==");
        SettingsValues v;
        v.secrets = {secret};
        {
            AppSettings s(iniPath());
            s.setValues(v);
            QVERIFY(s.sync());
            QVERIFY(s.values().secrets.isEmpty());
        }
        QFile file(iniPath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY(content.contains("receiver"));
        QVERIFY(!content.contains("c2VjcmV0LXRoYXQtbXVzdC1zdGF5LW91dA"));
        QVERIFY(!content.contains("whsec_"));
    }

    void unreadableValuesFallBackToDefaults_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addRow("port text") << "receiver/port"
                                   << "eighty";
        QTest::addRow("port zero") << "receiver/port"
                                   << "0";
        QTest::addRow("port too big") << "receiver/port"
                                      << "70000";
        QTest::addRow("path relative") << "receiver/path"
                                       << "webhooks";
        QTest::addRow("path query") << "receiver/path"
                                    << "/webhooks?x=1";
        QTest::addRow("address") << "receiver/address"
                                 << "not an address";
        QTest::addRow("tolerance") << "receiver/toleranceSeconds"
                                   << "-5";
        QTest::addRow("stall") << "stalls/workingMinutes"
                               << "0";
    }

    void unreadableValuesFallBackToDefaults()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        {
            QSettings raw(iniPath(), QSettings::IniFormat);
            raw.setValue(key, value);
        }
        AppSettings s(iniPath());
        QCOMPARE(s.values(), SettingsValues());
    }

    void windowStateIsVersioned()
    {
        const QByteArray geometry("geometry-blob");
        const QByteArray state("state-blob");
        {
            AppSettings s(iniPath());
            s.setWindowGeometry(geometry);
            s.setWindowState(state);
        }
        {
            AppSettings s(iniPath());
            QCOMPARE(s.windowGeometry(), geometry);
            QCOMPARE(s.windowState(), state);
        }
        {
            // A state saved by a build with another window layout is not applied.
            QSettings raw(iniPath(), QSettings::IniFormat);
            raw.setValue(QStringLiteral("window/version"), AppSettings::WindowStateVersion + 1);
        }
        AppSettings s(iniPath());
        QVERIFY(s.windowGeometry().isEmpty());
        QVERIFY(s.windowState().isEmpty());
        // Saving one blob for this version drops the other, older one.
        s.setWindowGeometry(geometry);
        QCOMPARE(s.windowGeometry(), geometry);
        QVERIFY(s.windowState().isEmpty());
    }

    void filterBarRoundTrip()
    {
        FilterBarState f;
        f.text = QStringLiteral("acme");
        f.type = QStringLiteral("migration.failed");
        f.status = QStringLiteral("FAILED");
        f.migration = QStringLiteral("mig_123");
        {
            AppSettings s(iniPath());
            s.setFilterBar(f);
        }
        AppSettings s(iniPath());
        QCOMPARE(s.filterBar(), f);
    }

    void problem_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("valid");
        QTest::addRow("defaults") << ""
                                  << "" << true;
        QTest::addRow("any address") << "address"
                                     << "0.0.0.0" << true;
        QTest::addRow("localhost") << "address"
                                   << "localhost" << true;
        QTest::addRow("ipv6") << "address"
                              << "::1" << true;
        QTest::addRow("host name") << "address"
                                   << "example.com" << false;
        QTest::addRow("empty address") << "address"
                                       << "" << false;
        QTest::addRow("path") << "path"
                              << "/a/b" << true;
        QTest::addRow("no slash") << "path"
                                  << "webhooks" << false;
        QTest::addRow("space") << "path"
                               << "/web hooks" << false;
        QTest::addRow("cert only") << "cert"
                                   << "/tmp/cert.pem" << false;
        QTest::addRow("tolerance 0") << "tolerance"
                                     << "0" << false;
        QTest::addRow("tolerance day") << "tolerance"
                                       << "86400" << true;
        QTest::addRow("stall 0") << "stall"
                                 << "0" << false;
        QTest::addRow("good secret") << "secret" << mm::test::TestSecretText << true;
        QTest::addRow("bad secret") << "secret"
                                    << "whsec_%%%" << false;
    }

    void problem()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(bool, valid);
        SettingsValues v;
        if (field == QLatin1String("address"))
            v.listenAddress = value;
        else if (field == QLatin1String("path"))
            v.path = value;
        else if (field == QLatin1String("cert"))
            v.tlsCert = value;
        else if (field == QLatin1String("tolerance"))
            v.toleranceSeconds = value.toInt();
        else if (field == QLatin1String("stall"))
            v.stallNotStartedMinutes = value.toInt();
        else if (field == QLatin1String("secret"))
            v.secrets = {value};
        const QString problem = v.problem();
        QCOMPARE(problem.isEmpty(), valid);
        if (field == QLatin1String("secret") && !valid)
            QVERIFY2(!problem.contains(value), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_appsettings.moc"
