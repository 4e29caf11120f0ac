// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/settingsdialog.h"
#include "testsecret.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;
using mm::test::modeOf;
using mm::test::secretFor;

namespace {
template<typename T> T *field(const QDialog &dialog, const char *name)
{
    T *w = dialog.findChild<T *>(QString::fromLatin1(name));
    if (!w)
        qFatal("no field %s", name);
    return w;
}

QPushButton *button(const QDialog &dialog, QDialogButtonBox::StandardButton which)
{
    return dialog.findChild<QDialogButtonBox *>()->button(which);
}
} // namespace

class TestSettingsDialog : public QObject
{
    Q_OBJECT

private:
    const QString m_first = secretFor("first-endpoint-key-bytes");
    const QString m_second = secretFor("second-endpoint-key-byte");

private Q_SLOTS:
    void fieldsShowTheValues()
    {
        SettingsValues v;
        v.port = 9000;
        v.path = QStringLiteral("/hooks");
        v.secrets = {m_first};
        v.quietWorkingMinutes = 45;
        SettingsDialog dialog(v);
        QCOMPARE(field<QLineEdit>(dialog, "address")->text(), QStringLiteral("127.0.0.1"));
        QCOMPARE(field<QLineEdit>(dialog, "port")->text(), QStringLiteral("9000"));
        QCOMPARE(field<QLineEdit>(dialog, "path")->text(), QStringLiteral("/hooks"));
        QCOMPARE(field<QSpinBox>(dialog, "tolerance")->value(), 300);
        QCOMPARE(field<QSpinBox>(dialog, "quietWorking")->value(), 45);
        QCOMPARE(field<QLineEdit>(dialog, "secretInput")->echoMode(), QLineEdit::Password);
        auto *list = field<QListWidget>(dialog, "secretList");
        QCOMPARE(list->count(), 1);
        // Only the last four characters are ever on screen.
        QVERIFY2(list->item(0)->text().endsWith(QStringLiteral("…") + m_first.right(4)),
                 qPrintable(list->item(0)->text()));
        QVERIFY(!list->item(0)->text().contains(m_first.mid(6, 8)));
        QCOMPARE(dialog.values(), v);
    }

    // A migration with no event for a while is "quiet", and the defaults fit real migrations:
    // two hours of work, a day waiting for the customer's login.
    void quietThresholdsAndTheirWords()
    {
        SettingsDialog dialog(SettingsValues {});
        QCOMPARE(field<QSpinBox>(dialog, "quietWorking")->value(), 120);
        QCOMPARE(field<QSpinBox>(dialog, "quietNotStarted")->value(), 1440);
        QStringList words;
        for (const QLabel *label : dialog.findChildren<QLabel *>())
            words.append(label->text());
        for (const QCheckBox *box : dialog.findChildren<QCheckBox *>())
            words.append(box->text() + u' ' + box->toolTip());
        const QString all = words.join(u'\n');
        QVERIFY2(all.contains(QStringLiteral("counts as quiet")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("Quiet when &working")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("A migration is &quiet")), qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("stall"), Qt::CaseInsensitive), qPrintable(all));
    }

    void applyEmitsTheFields()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        const QString key = dir.filePath(QStringLiteral("key.pem"));
        for (const QString &f : {cert, key}) {
            QFile file(f);
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        SettingsDialog dialog(SettingsValues {});
        dialog.show();
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        field<QLineEdit>(dialog, "address")->setText(QStringLiteral("0.0.0.0"));
        field<QLineEdit>(dialog, "port")->setText(QStringLiteral("9443"));
        field<QLineEdit>(dialog, "path")->setText(QStringLiteral("anon")); // a slash is added
        field<QSpinBox>(dialog, "tolerance")->setValue(60);
        field<QLineEdit>(dialog, "tlsCert")->setText(cert);
        field<QLineEdit>(dialog, "tlsKey")->setText(key);
        field<QSpinBox>(dialog, "quietWorking")->setValue(10);
        field<QSpinBox>(dialog, "quietNotStarted")->setValue(120);
        field<QLineEdit>(dialog, "storeFolder")->setText(dir.path());
        field<QLineEdit>(dialog, "secretInput")->setText(m_first);
        QTest::mouseClick(field<QPushButton>(dialog, "addSecret"), Qt::LeftButton);
        QCOMPARE(field<QListWidget>(dialog, "secretList")->count(), 1);
        QVERIFY(field<QLineEdit>(dialog, "secretInput")->text().isEmpty());
        // Pasted but not added: Apply takes it too.
        field<QLineEdit>(dialog, "secretInput")->setText(m_second);

        QTest::mouseClick(button(dialog, QDialogButtonBox::Apply), Qt::LeftButton);
        QCOMPARE(applied.count(), 1);
        const auto v = applied.at(0).at(0).value<SettingsValues>();
        QCOMPARE(v.listenAddress, QStringLiteral("0.0.0.0"));
        QCOMPARE(v.port, quint16(9443));
        QCOMPARE(v.path, QStringLiteral("/anon"));
        QCOMPARE(v.toleranceSeconds, 60);
        QCOMPARE(v.tlsCert, cert);
        QCOMPARE(v.tlsKey, key);
        QCOMPARE(v.quietWorkingMinutes, 10);
        QCOMPARE(v.quietNotStartedMinutes, 120);
        QCOMPARE(v.storeFolder, dir.path());
        QCOMPARE(v.secrets, (QStringList {m_first, m_second}));
        QCOMPARE(dialog.values(), v);
        QVERIFY(dialog.errorText().isEmpty());
        QVERIFY(dialog.isVisible()); // Apply keeps the dialog open
    }

    void startAtLoginIsShownAndApplied()
    {
        SettingsValues v;
        v.startAtLogin = true;
        SettingsDialog dialog(v);
        auto *box = field<QCheckBox>(dialog, "startAtLogin");
        QVERIFY(box->isChecked());
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        box->setChecked(false);
        QVERIFY(dialog.apply());
        QCOMPARE(applied.count(), 1);
        QCOMPARE(applied.at(0).at(0).value<SettingsValues>().startAtLogin, false);
        box->setChecked(true);
        QVERIFY(dialog.apply());
        QCOMPARE(applied.at(1).at(0).value<SettingsValues>().startAtLogin, true);
    }

    void invalidPortIsNotApplied_data()
    {
        QTest::addColumn<QString>("port");
        QTest::addRow("zero") << "0";
        QTest::addRow("too big") << "65536";
        QTest::addRow("text") << "http";
        QTest::addRow("empty") << "";
    }

    void invalidPortIsNotApplied()
    {
        QFETCH(QString, port);
        SettingsDialog dialog(SettingsValues {});
        dialog.show();
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        field<QLineEdit>(dialog, "port")->setText(port);
        QTest::mouseClick(button(dialog, QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(applied.count(), 0);
        QVERIFY(dialog.isVisible()); // OK did not close it
        QVERIFY2(dialog.errorText().contains(QStringLiteral("port")), qPrintable(dialog.errorText()));
        QVERIFY(field<QLabel>(dialog, "error")->isVisible());
        QCOMPARE(dialog.values(), SettingsValues());
        // Fixed, it applies and OK closes the dialog.
        field<QLineEdit>(dialog, "port")->setText(QStringLiteral("8080"));
        QTest::mouseClick(button(dialog, QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(applied.count(), 1);
        QVERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(dialog.errorText().isEmpty());
    }

    void invalidSecretIsRefused()
    {
        SettingsDialog dialog(SettingsValues {});
        dialog.show();
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        auto *input = field<QLineEdit>(dialog, "secretInput");
        input->setText(QStringLiteral("whsec_not*base64"));
        QTest::mouseClick(field<QPushButton>(dialog, "addSecret"), Qt::LeftButton);
        QCOMPARE(field<QListWidget>(dialog, "secretList")->count(), 0);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("base64")), qPrintable(dialog.errorText()));
        QVERIFY(!dialog.errorText().contains(QStringLiteral("not*base64")));
        // Still in the field, it stops Apply too.
        QTest::mouseClick(button(dialog, QDialogButtonBox::Apply), Qt::LeftButton);
        QCOMPARE(applied.count(), 0);
        QVERIFY(!dialog.errorText().isEmpty());
    }

    void duplicateSecretIsRefused()
    {
        SettingsValues v;
        v.secrets = {m_first};
        SettingsDialog dialog(v);
        field<QLineEdit>(dialog, "secretInput")->setText(m_first.mid(6));
        QTest::mouseClick(field<QPushButton>(dialog, "addSecret"), Qt::LeftButton);
        QCOMPARE(field<QListWidget>(dialog, "secretList")->count(), 1);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("already")), qPrintable(dialog.errorText()));
    }

    void enterInTheSecretFieldAddsIt()
    {
        SettingsDialog dialog(SettingsValues {});
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        dialog.show();
        auto *input = field<QLineEdit>(dialog, "secretInput");
        input->setText(m_first);
        QTest::keyClick(input, Qt::Key_Return);
        QCOMPARE(field<QListWidget>(dialog, "secretList")->count(), 1);
        QVERIFY(dialog.isVisible());
        QCOMPARE(applied.count(), 0);
    }

    void removeSecret()
    {
        SettingsValues v;
        v.secrets = {m_first, m_second};
        SettingsDialog dialog(v);
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        auto *list = field<QListWidget>(dialog, "secretList");
        auto *remove = field<QPushButton>(dialog, "removeSecret");
        QVERIFY(!remove->isEnabled());
        list->setCurrentRow(0);
        QVERIFY(remove->isEnabled());
        QTest::mouseClick(remove, Qt::LeftButton);
        QCOMPARE(list->count(), 1);
        QVERIFY(dialog.apply());
        QCOMPARE(applied.at(0).at(0).value<SettingsValues>().secrets, QStringList {m_second});
    }

    void otherInvalidFields_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("focused"); // the field that gets the focus
        QTest::addRow("address") << "address"
                                 << "example.com"
                                 << "IP address"
                                 << "address";
        QTest::addRow("path") << "path"
                              << "/a b"
                              << "path"
                              << "path";
        QTest::addRow("cert without key") << "tlsCert"
                                          << "/etc/hostname"
                                          << "both"
                                          << "tlsKey";
        QTest::addRow("key without cert") << "tlsKey"
                                          << "/etc/hostname"
                                          << "both"
                                          << "tlsCert";
        // The store URL, checked by StoreLocation::parse, whose sentence is shown.
        QTest::addRow("store URL, unknown scheme")
            << "storeUrl"
            << "mysql://h/d"
            << "The store URL's scheme mysql: is not known: use postgresql:// (or postgres://), or name a "
               "folder for the embedded store."
            << "storeUrl";
        QTest::addRow("store URL, no database")
            << "storeUrl"
            << "postgresql://monitor@db.example.com:5433"
            << "The store URL names no database: add it after the host, as in postgresql://host/dbname."
            << "storeUrl";
        QTest::addRow("store URL, bad port") << "storeUrl"
                                             << "postgresql://db.example.com:543x/mm"
                                             << "The store URL's port must be a number from 1 to 65535."
                                             << "storeUrl";
        QTest::addRow("store URL with a password")
            << "storeUrl"
            << "postgresql://monitor:s3cret@db.example.com/mm"
            << "Leave the password out of the store URL: it is read from PGPASSWORD, ~/.pgpass or the "
               "keyring, and settings are not the place for it."
            << "storeUrl";
        QTest::addRow("store URL with a password parameter")
            << "storeUrl"
            << "postgresql://db.example.com/mm?password=s3cret"
            << "Leave the password out of the store URL"
            << "storeUrl";
    }

    void otherInvalidFields()
    {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QFETCH(QString, focused);
        SettingsDialog dialog(SettingsValues {});
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        field<QLineEdit>(dialog, name.toLatin1().constData())->setText(value);
        QVERIFY(!dialog.apply());
        QCOMPARE(applied.count(), 0);
        QVERIFY2(dialog.errorText().contains(expected), qPrintable(dialog.errorText()));
        QTRY_VERIFY(field<QLineEdit>(dialog, focused.toLatin1().constData())->hasFocus());
    }

    void storeUrlIsApplied()
    {
        SettingsValues v;
        v.storeUrl = QStringLiteral("postgresql://monitor@db.example.com/mm");
        SettingsDialog dialog(v);
        auto *url = field<QLineEdit>(dialog, "storeUrl");
        QCOMPARE(url->text(), v.storeUrl);
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        url->setText(QStringLiteral("  postgresql://monitor@db.example.com:5433/mm?sslmode=require "));
        QVERIFY2(dialog.apply(), qPrintable(dialog.errorText()));
        QCOMPARE(applied.count(), 1);
        QCOMPARE(applied.at(0).at(0).value<SettingsValues>().storeUrl,
                 QStringLiteral("postgresql://monitor@db.example.com:5433/mm?sslmode=require"));
        url->clear(); // back to the embedded store
        QVERIFY(dialog.apply());
        QVERIFY(applied.at(1).at(0).value<SettingsValues>().storeUrl.isEmpty());
    }

    void storeUrlAndDataFolderExcludeEachOther()
    {
        QTemporaryDir dir;
        SettingsDialog dialog(SettingsValues {});
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        field<QLineEdit>(dialog, "storeFolder")->setText(dir.path());
        field<QLineEdit>(dialog, "storeUrl")->setText(QStringLiteral("postgresql://db.example.com/mm"));
        QVERIFY(!dialog.apply());
        QCOMPARE(applied.count(), 0);
        QCOMPARE(dialog.errorText(),
                 QStringLiteral("Give a data folder or a store URL, not both: the URL names "
                                "a store of its own."));
        field<QLineEdit>(dialog, "storeFolder")->clear();
        QVERIFY2(dialog.apply(), qPrintable(dialog.errorText()));
        QCOMPARE(applied.count(), 1);
    }

    void unreadableCertificateIsRefused()
    {
        SettingsDialog dialog(SettingsValues {});
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        field<QLineEdit>(dialog, "tlsCert")->setText(QStringLiteral("/nonexistent/cert.pem"));
        field<QLineEdit>(dialog, "tlsKey")->setText(QStringLiteral("/nonexistent/key.pem"));
        QVERIFY(!dialog.apply());
        QCOMPARE(applied.count(), 0);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("/nonexistent/cert.pem")),
                 qPrintable(dialog.errorText()));
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
