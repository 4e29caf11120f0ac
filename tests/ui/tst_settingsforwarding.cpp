// SPDX-License-Identifier: GPL-3.0-or-later
// The settings dialog's Forwarding page: its values round-trip, one of the signing secrets
// or a typed one (masked) re-signs, and a bad URL or secret is refused with a sentence that
// names the field but never the secret; AppSettings keeps the choice but never the secret.
#include "settings/appsettings.h"
#include "settings/settingsdialog.h"
#include "testsecret.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTabWidget>
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
} // namespace

class TestSettingsForwarding final : public QObject
{
    Q_OBJECT

private:
    const QString m_endpoint = secretFor("first-endpoint-key-bytes");
    const QString m_downstream = secretFor("the-dev-servers-own-key!");

private Q_SLOTS:
    void offByDefault();
    void aConfiguredSecretIsChosenByItsHint();
    void aTypedSecretIsMaskedAndApplied();
    void problemsNameTheField_data();
    void problemsNameTheField();
    void appSettingsKeepNoSecret();
};

void TestSettingsForwarding::offByDefault()
{
    SettingsDialog dialog(SettingsValues {});
    QVERIFY(!field<QCheckBox>(dialog, "forwardEnabled")->isChecked());
    QVERIFY(!field<QLineEdit>(dialog, "forwardTarget")->isEnabled());
    QVERIFY(field<QRadioButton>(dialog, "forwardOriginal")->isChecked());
    QSignalSpy applied(&dialog, &SettingsDialog::applied);
    QVERIFY(dialog.apply());
    const auto v = applied.first().first().value<SettingsValues>();
    QVERIFY(!v.forwardEnabled);
    QVERIFY(v.forwardSecret.isEmpty());
}

void TestSettingsForwarding::aConfiguredSecretIsChosenByItsHint()
{
    SettingsValues values;
    values.secrets = {m_endpoint};
    values.forwardEnabled = true;
    values.forwardTarget = QStringLiteral("http://127.0.0.1:3000/webhooks");
    values.forwardResign = true;
    values.forwardSecret = m_endpoint;
    SettingsDialog dialog(values);
    auto *choice = field<QComboBox>(dialog, "forwardSecretChoice");
    QCOMPARE(choice->count(), 2);
    QCOMPARE(choice->currentIndex(), 0);
    QVERIFY(choice->currentText().endsWith(m_endpoint.right(4)));
    QVERIFY(!choice->currentText().contains(m_endpoint.mid(6, 10)));
    QVERIFY(field<QLineEdit>(dialog, "forwardSecretInput")->text().isEmpty());
    QSignalSpy applied(&dialog, &SettingsDialog::applied);
    QVERIFY2(dialog.apply(), qPrintable(dialog.errorText()));
    QCOMPARE(applied.first().first().value<SettingsValues>(), values);
}

void TestSettingsForwarding::aTypedSecretIsMaskedAndApplied()
{
    SettingsValues values;
    values.secrets = {m_endpoint};
    SettingsDialog dialog(values);
    field<QCheckBox>(dialog, "forwardEnabled")->setChecked(true);
    field<QLineEdit>(dialog, "forwardTarget")->setText(QStringLiteral(" https://dev.example/hook "));
    field<QRadioButton>(dialog, "forwardResign")->setChecked(true);
    auto *choice = field<QComboBox>(dialog, "forwardSecretChoice");
    choice->setCurrentIndex(choice->count() - 1);
    auto *input = field<QLineEdit>(dialog, "forwardSecretInput");
    QCOMPARE(input->echoMode(), QLineEdit::Password);
    input->setText(m_downstream);
    QSignalSpy applied(&dialog, &SettingsDialog::applied);
    QVERIFY2(dialog.apply(), qPrintable(dialog.errorText()));
    const auto v = applied.first().first().value<SettingsValues>();
    QVERIFY(v.forwardEnabled);
    QCOMPARE(v.forwardTarget, QStringLiteral("https://dev.example/hook"));
    QVERIFY(v.forwardResign);
    QCOMPARE(v.forwardSecret, m_downstream);
    QCOMPARE(v.secrets, QStringList {m_endpoint}); // the signing secrets are not touched

    // Reopened with those values, the typed secret is offered again (masked).
    SettingsDialog again(v);
    QCOMPARE(field<QComboBox>(again, "forwardSecretChoice")->currentIndex(), 1);
    QCOMPARE(field<QLineEdit>(again, "forwardSecretInput")->text(), m_downstream);
}

void TestSettingsForwarding::problemsNameTheField_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("resign");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("says");
    QTest::addColumn<QString>("focus");
    QTest::addRow("no target") << QString() << false << QString() << QStringLiteral("forwarding target")
                               << QStringLiteral("forwardTarget");
    QTest::addRow("ftp") << QStringLiteral("ftp://host/x") << false << QString()
                         << QStringLiteral("http:// or https://") << QStringLiteral("forwardTarget");
    QTest::addRow("no secret") << QStringLiteral("http://127.0.0.1:3000/") << true << QString()
                               << QStringLiteral("Choose or type the secret")
                               << QStringLiteral("forwardSecretInput");
    QTest::addRow("bad secret") << QStringLiteral("http://127.0.0.1:3000/") << true
                                << QStringLiteral("whsec_%%%%not-base64")
                                << QStringLiteral("forwarding secret")
                                << QStringLiteral("forwardSecretInput");
}

void TestSettingsForwarding::problemsNameTheField()
{
    QFETCH(QString, target);
    QFETCH(bool, resign);
    QFETCH(QString, secret);
    QFETCH(QString, says);
    QFETCH(QString, focus);
    SettingsDialog dialog(SettingsValues {});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    field<QCheckBox>(dialog, "forwardEnabled")->setChecked(true);
    field<QLineEdit>(dialog, "forwardTarget")->setText(target);
    (resign ? field<QRadioButton>(dialog, "forwardResign") : field<QRadioButton>(dialog, "forwardOriginal"))
        ->setChecked(true);
    field<QLineEdit>(dialog, "forwardSecretInput")->setText(secret);
    QSignalSpy applied(&dialog, &SettingsDialog::applied);
    QVERIFY(!dialog.apply());
    QVERIFY(applied.isEmpty());
    QVERIFY2(dialog.errorText().contains(says), qPrintable(dialog.errorText()));
    if (!secret.isEmpty())
        QVERIFY(!dialog.errorText().contains(secret));
    QTRY_COMPARE(QApplication::focusWidget()->objectName(), focus);
    QCOMPARE(dialog.findChild<QTabWidget *>()->tabText(dialog.findChild<QTabWidget *>()->currentIndex()),
             QStringLiteral("&Forwarding"));
}

void TestSettingsForwarding::appSettingsKeepNoSecret()
{
    QTemporaryDir dir;
    const QString ini = dir.filePath(QStringLiteral("settings.ini"));
    SettingsValues values;
    values.forwardEnabled = true;
    values.forwardTarget = QStringLiteral("http://127.0.0.1:3000/webhooks");
    values.forwardResign = true;
    values.forwardSecret = m_downstream;
    {
        AppSettings settings(ini);
        settings.setValues(values);
        settings.setReplayTarget(QStringLiteral("http://127.0.0.1:4000/replays"));
        QVERIFY(settings.sync());
    }
    AppSettings reread(ini);
    const SettingsValues back = reread.values();
    QVERIFY(back.forwardEnabled);
    QCOMPARE(back.forwardTarget, values.forwardTarget);
    QVERIFY(back.forwardResign);
    QVERIFY(back.forwardSecret.isEmpty());
    QCOMPARE(reread.replayTarget(), QStringLiteral("http://127.0.0.1:4000/replays"));
    QFile file(ini);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("forward"));
    QVERIFY(!text.contains(m_downstream.mid(6).toLatin1()));
}

QTEST_MAIN(TestSettingsForwarding)
#include "tst_settingsforwarding.moc"
