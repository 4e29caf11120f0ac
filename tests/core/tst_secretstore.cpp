// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/appsettings.h"
#include "settings/secretstore.h"
#include "testsecret.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace mm;
using mm::test::modeOf;
using mm::test::secretFor;

namespace {
QByteArray contentOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private:
    const QString m_first = secretFor("first-endpoint-key-bytes");
    const QString m_second = secretFor("second-endpoint-key-byte");

private Q_SLOTS:
    void missingFileMeansNoSecrets()
    {
        QTemporaryDir dir;
        SecretStore store(dir.filePath(QStringLiteral("config")));
        QString error;
        QVERIFY2(store.load(&error), qPrintable(error));
        QVERIFY(store.isEmpty());
    }

    void roundTripIsPrivateOnDisk()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("config"));
        SecretStore store(folder);
        QString error;
        QVERIFY2(store.add(m_first, &error), qPrintable(error));
        QVERIFY2(store.add(QStringLiteral("  ") + m_second + QStringLiteral("\n"), &error),
                 qPrintable(error));
        QVERIFY2(store.save(&error), qPrintable(error));
        QCOMPARE(store.filePath(), folder + QStringLiteral("/secrets"));
        QCOMPARE(modeOf(store.filePath()), 0600);
        QCOMPARE(modeOf(folder), 0700);

        SecretStore reread(folder);
        QVERIFY2(reread.load(&error), qPrintable(error));
        QCOMPARE(reread.texts(), (QStringList {m_first, m_second}));
        QCOMPARE(reread.secrets().size(), 2);
        QCOMPARE(reread.lastFour(0), QStringLiteral("…") + m_first.right(4));
        QCOMPARE(reread.lastFour(1), reread.secrets().at(1).hint());
        QVERIFY(reread.lastFour(2).isEmpty());
    }

    void loosenedFileIsTightenedAgain()
    {
        QTemporaryDir dir;
        SecretStore store(dir.path());
        QString error;
        QVERIFY(store.add(m_first, &error));
        QVERIFY2(store.save(&error), qPrintable(error));
        QVERIFY(::chmod(QFile::encodeName(store.filePath()).constData(), 0644) == 0);
        QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 0755) == 0);
        QVERIFY2(store.load(&error), qPrintable(error));
        QCOMPARE(modeOf(store.filePath()), 0600);
        QCOMPARE(modeOf(dir.path()), 0700);
        QVERIFY(::chmod(QFile::encodeName(store.filePath()).constData(), 0666) == 0);
        QVERIFY2(store.save(&error), qPrintable(error));
        QCOMPARE(modeOf(store.filePath()), 0600);
    }

    void badSecretRejected_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // part of the error sentence
        QTest::addRow("empty") << ""
                               << "empty";
        QTest::addRow("prefix only") << "whsec_"
                                     << "empty";
        QTest::addRow("not base64") << "whsec_abc$def!"
                                    << "base64";
        QTest::addRow("impossible length") << "whsec_abcde"
                                           << "length";
    }

    void badSecretRejected()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        SecretStore store(dir.path());
        QVERIFY(store.add(m_first));
        QString error;
        QVERIFY(!store.add(text, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        if (text.size() > 6)
            QVERIFY2(!error.contains(text.mid(6)), "the error must not repeat the secret");
        QCOMPARE(store.size(), 1);
    }

    void duplicateRejected()
    {
        QTemporaryDir dir;
        SecretStore store(dir.path());
        QVERIFY(store.add(m_first));
        QString error;
        // The same key without the prefix and padding is the same secret.
        QString bare = m_first.mid(6);
        while (bare.endsWith(u'='))
            bare.chop(1);
        QVERIFY(!store.add(bare, &error));
        QVERIFY2(error.contains(QStringLiteral("already saved")), qPrintable(error));
        QCOMPARE(store.size(), 1);
    }

    void badLineInFileIsReportedWithoutItsText()
    {
        QTemporaryDir dir;
        SecretStore store(dir.path());
        QVERIFY(store.add(m_first));
        QVERIFY(store.save());
        {
            QFile file(store.filePath());
            QVERIFY(file.open(QIODevice::Append));
            file.write("\n# a comment\nwhsec_not*valid\n"); // lines 3 to 5, after the header and the secret
        }
        SecretStore reread(dir.path());
        QVERIFY(reread.add(m_second));
        QString error;
        QVERIFY(!reread.load(&error));
        QVERIFY2(error.contains(QStringLiteral("Line 5")), qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("not*valid")), qPrintable(error));
        QCOMPARE(reread.texts(), QStringList {m_second}); // unchanged
    }

    void removeAndSetTexts()
    {
        QTemporaryDir dir;
        SecretStore store(dir.path());
        QVERIFY(store.setTexts({m_first, m_second}));
        store.remove(0);
        QCOMPARE(store.texts(), QStringList {m_second});
        store.remove(5); // out of range: nothing happens
        QCOMPARE(store.size(), 1);
        QString error;
        QVERIFY(!store.setTexts({m_first, QStringLiteral("whsec_!")}, &error));
        QVERIFY2(error.startsWith(QStringLiteral("Secret 2:")), qPrintable(error));
        QCOMPARE(store.texts(), QStringList {m_second}); // all or nothing
    }

    void secretsAbsentFromSettingsFile()
    {
        QTemporaryDir dir;
        SettingsValues values;
        values.port = 9000;
        values.secrets = {m_first, m_second};
        AppSettings settings(dir.filePath(QStringLiteral("migration-monitor.conf")));
        settings.setValues(values);
        QVERIFY(settings.sync());
        SecretStore store(dir.path());
        QVERIFY(store.setTexts(values.secrets));
        QVERIFY(store.save());

        const QByteArray ini = contentOf(settings.fileName());
        QVERIFY(ini.contains("9000"));
        for (const QString &s : std::as_const(values.secrets)) {
            QVERIFY(!ini.contains(s.mid(6, 16).toLatin1()));
            QVERIFY(contentOf(store.filePath()).contains(s.toLatin1()));
        }
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
