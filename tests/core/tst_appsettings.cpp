// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/appsettings.h"
#include "settings/settingspecs.h"
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
        const SettingsValues v = s.values();
        QCOMPARE(v.listenAddress, QStringLiteral("127.0.0.1"));
        QCOMPARE(v.port, quint16(8787));
        QCOMPARE(v.path, QStringLiteral("/webhooks"));
        QVERIFY(v.tlsCert.isEmpty());
        QVERIFY(v.tlsKey.isEmpty());
        QCOMPARE(v.toleranceSeconds, 300);
        // Quiet thresholds that fit real migrations: 2 h working, a day waiting for a login.
        QCOMPARE(v.quietWorkingMinutes, 120);
        QCOMPARE(v.quietNotStartedMinutes, 1440);
        QCOMPARE(v.quietThresholds().workingUs, QuietThresholds().workingUs);
        QCOMPARE(v.quietThresholds().notStartedUs, QuietThresholds().notStartedUs);
        QVERIFY(!v.alerts.quietMigrations);
        QVERIFY(v.alerts.otherFailures);
        QVERIFY(v.storeFolder.isEmpty());
        QVERIFY(v.storeUrl.isEmpty()); // the embedded store
        QCOMPARE(v.retentionDays, 0);
        QCOMPARE(v.retentionMaxMb, 0);
        QVERIFY(v.closeToTray);
        QVERIFY(!v.forwardEnabled);
        QCOMPARE(v, SettingsValues());
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

    // Earlier versions wrote every setting whenever the Settings dialog was accepted, so a file
    // holding the old defaults (30 and 60 minutes) says nothing about the user's wish: those
    // read as unsaved and the new defaults apply. Other values are the user's, and files this
    // version writes keep whatever they hold.
    void formerQuietDefaultsFollowTheNewOnes()
    {
        {
            QSettings raw(iniPath(), QSettings::IniFormat);
            raw.setValue(QStringLiteral("stalls/workingMinutes"), 30);
            raw.setValue(QStringLiteral("stalls/notStartedMinutes"), 60);
            raw.setValue(QStringLiteral("receiver/port"), 9000);
        }
        SettingsValues v = AppSettings(iniPath()).values();
        QCOMPARE(v.quietWorkingMinutes, 120);
        QCOMPARE(v.quietNotStartedMinutes, 1440);
        QCOMPARE(v.port, quint16(9000));
        {
            QSettings raw(iniPath(), QSettings::IniFormat);
            raw.setValue(QStringLiteral("stalls/workingMinutes"), 45); // a choice
        }
        v = AppSettings(iniPath()).values();
        QCOMPARE(v.quietWorkingMinutes, 45);
        QCOMPARE(v.quietNotStartedMinutes, 1440);
        // Saved by this version, 30 and 60 are choices like any other.
        v.quietWorkingMinutes = 30;
        v.quietNotStartedMinutes = 60;
        {
            AppSettings s(iniPath());
            s.setValues(v);
            QVERIFY(s.sync());
        }
        const SettingsValues reread = AppSettings(iniPath()).values();
        QCOMPARE(reread.quietWorkingMinutes, 30);
        QCOMPARE(reread.quietNotStartedMinutes, 60);
        QCOMPARE(
            QSettings(iniPath(), QSettings::IniFormat).value(QStringLiteral("stalls/workingMinutes")).toInt(),
            30);
    }

    // "Alert when a migration stalls" was on by default and saved with every change: it does not
    // turn the quiet rule on. The catch-all for other failure types is on until turned off.
    void quietAndOtherFailureRules()
    {
        {
            QSettings raw(iniPath(), QSettings::IniFormat);
            raw.setValue(QStringLiteral("alerts/stalled"), true);
        }
        AlertSettings a = AppSettings(iniPath()).alertSettings();
        QVERIFY(!a.quietMigrations);
        QVERIFY(a.otherFailures);
        a.quietMigrations = true;
        a.otherFailures = false;
        {
            AppSettings s(iniPath());
            s.setAlertSettings(a);
            QVERIFY(s.sync());
        }
        QCOMPARE(AppSettings(iniPath()).alertSettings(), a);
        QSettings raw(iniPath(), QSettings::IniFormat);
        QVERIFY(raw.value(QStringLiteral("alerts/quiet")).toBool());
        QVERIFY(!raw.value(QStringLiteral("alerts/otherFailures")).toBool());
        QVERIFY(!raw.contains(QStringLiteral("alerts/stalled"))); // the rule quiet replaced
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
        v.quietWorkingMinutes = 15;
        v.quietNotStartedMinutes = 240;
        v.storeFolder = QStringLiteral("/srv/monitor");
        v.retentionDays = 30;
        v.retentionMaxMb = 512;
        {
            AppSettings s(iniPath());
            s.setValues(v);
            QVERIFY(s.sync());
        }
        AppSettings reread(iniPath());
        QCOMPARE(reread.values(), v);
        QCOMPARE(reread.values().quietThresholds().workingUs, 15LL * 60 * 1000000);
        QCOMPARE(reread.values().quietThresholds().notStartedUs, 240LL * 60 * 1000000);
    }

    // Every declared setting, set to a value other than its default, is written under its key
    // and read back.
    void everyDeclaredSettingRoundTrips()
    {
        QVERIFY(settingSpecs().size() >= 15);
        for (const SettingSpec &spec : settingSpecs()) {
            SettingsValues v;
            QVariant other;
            switch (spec.kind) {
            case SettingSpec::Kind::Text:
                other = QStringLiteral("/some/where/else");
                break;
            case SettingSpec::Kind::Address:
                other = QStringLiteral("::1");
                break;
            case SettingSpec::Kind::UrlPath:
                other = QStringLiteral("/elsewhere");
                break;
            case SettingSpec::Kind::Integer:
                other = spec.fallback.toInt() == spec.high ? spec.low : spec.high;
                break;
            case SettingSpec::Kind::Flag:
                other = !spec.fallback.toBool();
                break;
            case SettingSpec::Kind::StoreUrl:
                other = QStringLiteral("postgresql://monitor@db.example.com:5433/mm?sslmode=require");
                break;
            case SettingSpec::Kind::Durability:
                other = QStringLiteral("process");
                break;
            }
            spec.set(v, other);
            QVERIFY2(v != SettingsValues(), spec.key.data());
            QFile::remove(iniPath());
            {
                AppSettings s(iniPath());
                s.setValues(v);
                QVERIFY(s.sync());
            }
            {
                QSettings raw(iniPath(), QSettings::IniFormat);
                QVERIFY2(raw.contains(spec.key), spec.key.data());
            }
            AppSettings reread(iniPath());
            QCOMPARE(reread.values(), v);
            QCOMPARE(spec.get(reread.values()).toString(), other.toString());
        }
    }

    // Users have settings saved under these keys: they never change.
    void keysAreStable()
    {
        const QMap<QString, QString> keys {
            {QStringLiteral("listenAddress"), QStringLiteral("receiver/address")},
            {QStringLiteral("port"), QStringLiteral("receiver/port")},
            {QStringLiteral("path"), QStringLiteral("receiver/path")},
            {QStringLiteral("tlsCert"), QStringLiteral("receiver/tlsCert")},
            {QStringLiteral("tlsKey"), QStringLiteral("receiver/tlsKey")},
            {QStringLiteral("toleranceSeconds"), QStringLiteral("receiver/toleranceSeconds")},
            {QStringLiteral("quietWorkingMinutes"), QStringLiteral("stalls/workingMinutes")},
            {QStringLiteral("quietNotStartedMinutes"), QStringLiteral("stalls/notStartedMinutes")},
            {QStringLiteral("storeFolder"), QStringLiteral("store/dataDir")},
            {QStringLiteral("storeUrl"), QStringLiteral("store/url")},
            {QStringLiteral("retentionDays"), QStringLiteral("store/retentionDays")},
            {QStringLiteral("retentionMaxMb"), QStringLiteral("store/retentionMaxMb")},
            {QStringLiteral("durability"), QStringLiteral("store/durability")},
            {QStringLiteral("closeToTray"), QStringLiteral("window/closeToTray")},
            {QStringLiteral("memoryCap"), QStringLiteral("window/memoryCap")},
            {QStringLiteral("forwardEnabled"), QStringLiteral("forward/enabled")},
            {QStringLiteral("forwardTarget"), QStringLiteral("forward/target")},
            {QStringLiteral("forwardResign"), QStringLiteral("forward/resign")},
        };
        QCOMPARE(qsizetype(settingSpecs().size()), keys.size());
        for (const SettingSpec &spec : settingSpecs())
            QCOMPARE(QString(spec.key), keys.value(QString(spec.name)));
    }

    // The retention limits: saved values outside their bounds read back as the default, and
    // writing clamps to them.
    void retentionMaxMbBounds()
    {
        {
            QSettings raw(iniPath(), QSettings::IniFormat);
            raw.setValue(QStringLiteral("store/retentionMaxMb"), 2 * 1024 * 1024);
        }
        QCOMPARE(AppSettings(iniPath()).values().retentionMaxMb, 0);
        SettingsValues v;
        v.retentionMaxMb = 5 * 1024 * 1024;
        {
            AppSettings s(iniPath());
            s.setValues(v);
            QVERIFY(s.sync());
        }
        QCOMPARE(AppSettings(iniPath()).values().retentionMaxMb, 1024 * 1024);
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

    // A password typed into a store URL never reaches the settings file; neither does a URL
    // that cannot be read (which could hide one).
    void storePasswordsAreNeverWritten_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("saved");
        QTest::addRow("user information") << "postgresql://monitor:Pa55w0rdXY@db.example.com/mm"
                                          << "postgresql://monitor@db.example.com/mm";
        QTest::addRow("parameter") << "postgres://db.example.com/mm?password=Pa55w0rdXY&sslmode=require"
                                   << "postgresql://db.example.com/mm?sslmode=require";
        QTest::addRow("unreadable") << "postgresql://monitor:Pa55w0rdXY@db.example.com"
                                    << "";
    }

    void storePasswordsAreNeverWritten()
    {
        QFETCH(QString, url);
        QFETCH(QString, saved);
        SettingsValues v;
        v.storeUrl = url;
        {
            AppSettings s(iniPath());
            s.setValues(v);
            QVERIFY(s.sync());
            QCOMPARE(s.values().storeUrl, saved);
        }
        QFile file(iniPath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY(content.contains("store"));
        QVERIFY2(!content.contains("Pa55w0rdXY"), content.constData());
        // Nor read back from one someone edited by hand.
        {
            QSettings raw(iniPath(), QSettings::IniFormat);
            raw.setValue(QStringLiteral("store/url"), url);
        }
        QCOMPARE(AppSettings(iniPath()).values().storeUrl, saved);
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
        QTest::addRow("quiet") << "stalls/workingMinutes"
                               << "0";
        QTest::addRow("store URL, unknown scheme") << "store/url"
                                                   << "mysql://h/d";
        QTest::addRow("store URL, no database") << "store/url"
                                                << "postgresql://h";
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
        QTest::addRow("quiet 0") << "quiet"
                                 << "0" << false;
        QTest::addRow("good secret") << "secret" << mm::test::TestSecretText << true;
        QTest::addRow("bad secret") << "secret"
                                    << "whsec_%%%" << false;
        QTest::addRow("store URL") << "storeUrl"
                                   << "postgresql://monitor@db.example.com/mm?sslmode=require" << true;
        QTest::addRow("store folder as URL") << "storeUrl"
                                             << "/srv/monitor" << true;
        QTest::addRow("store URL, bad scheme") << "storeUrl"
                                               << "mysql://db.example.com/mm" << false;
        QTest::addRow("store URL, no database") << "storeUrl"
                                                << "postgresql://db.example.com" << false;
        QTest::addRow("store URL with a password")
            << "storeUrl"
            << "postgresql://monitor:Pa55w0rdXY@db.example.com/mm" << false;
        QTest::addRow("store URL and data folder") << "storeUrlAndFolder"
                                                   << "postgresql://db.example.com/mm" << false;
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
        else if (field == QLatin1String("quiet"))
            v.quietNotStartedMinutes = value.toInt();
        else if (field == QLatin1String("secret"))
            v.secrets = {value};
        else if (field.startsWith(QLatin1String("storeUrl")))
            v.storeUrl = value;
        if (field == QLatin1String("storeUrlAndFolder"))
            v.storeFolder = QStringLiteral("/srv/monitor");
        SettingsValues::Field where = SettingsValues::Field::None;
        const QString problem = v.problem(&where);
        QCOMPARE(problem.isEmpty(), valid);
        if (field.startsWith(QLatin1String("storeUrl")))
            QCOMPARE(where, valid ? SettingsValues::Field::None : SettingsValues::Field::Store);
        QVERIFY2(!problem.contains(QLatin1String("Pa55w0rdXY")), qPrintable(problem));
        if (field == QLatin1String("secret") && !valid)
            QVERIFY2(!problem.contains(value), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "tst_appsettings.moc"
