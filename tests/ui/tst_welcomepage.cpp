// SPDX-License-Identifier: GPL-3.0-or-later
#include "firstrun/welcomepage.h"
#include "testsecret.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace mm;

class TestWelcomePage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void commandsFollowTheListenUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("svix");
        QTest::addColumn<QString>("cloudflared");
        QTest::addRow("default") << "http://127.0.0.1:8787/webhooks"
                                 << "svix listen http://127.0.0.1:8787/webhooks"
                                 << "cloudflared tunnel --url http://127.0.0.1:8787";
        QTest::addRow("other port and path") << "http://127.0.0.1:9000/anon/hooks"
                                             << "svix listen http://127.0.0.1:9000/anon/hooks"
                                             << "cloudflared tunnel --url http://127.0.0.1:9000";
        QTest::addRow("every interface") << "http://0.0.0.0:8787/webhooks"
                                         << "svix listen http://127.0.0.1:8787/webhooks"
                                         << "cloudflared tunnel --url http://127.0.0.1:8787";
        QTest::addRow("https") << "https://127.0.0.1:8443/webhooks"
                               << "svix listen https://127.0.0.1:8443/webhooks"
                               << "cloudflared tunnel --url https://127.0.0.1:8443 --no-tls-verify";
    }

    void commandsFollowTheListenUrl()
    {
        QFETCH(QString, url);
        QFETCH(QString, svix);
        QFETCH(QString, cloudflared);
        WelcomePage page;
        page.setListenUrl(QUrl(url));
        QCOMPARE(page.svixCommand(), svix);
        QCOMPARE(page.cloudflaredCommand(), cloudflared);
    }

    void copyButtonsFillTheClipboard()
    {
        WelcomePage page;
        page.setListenUrl(QUrl(QStringLiteral("http://127.0.0.1:9000/webhooks")));
        page.show();
        QGuiApplication::clipboard()->clear();
        auto *copySvix = page.findChild<QPushButton *>(QStringLiteral("copy-svix"));
        auto *copyTunnel = page.findChild<QPushButton *>(QStringLiteral("copy-cloudflared"));
        QVERIFY(copySvix && copyTunnel);
        QTest::mouseClick(copySvix, Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(),
                 QStringLiteral("svix listen http://127.0.0.1:9000/webhooks"));
        QTest::mouseClick(copyTunnel, Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(),
                 QStringLiteral("cloudflared tunnel --url http://127.0.0.1:9000"));
        QTRY_COMPARE(copyTunnel->text(), QStringLiteral("Copy")); // "Copied" goes back
    }

    void validSecretIsSubmitted()
    {
        WelcomePage page;
        QSignalSpy submitted(&page, &WelcomePage::secretSubmitted);
        auto *input = page.findChild<QLineEdit *>(QStringLiteral("secretInput"));
        QVERIFY(input);
        QCOMPARE(input->echoMode(), QLineEdit::Password);
        const QString secret = mm::test::TestSecretText;
        input->setText(QStringLiteral("  ") + secret);
        QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("saveSecret")), Qt::LeftButton);
        QCOMPARE(submitted.count(), 1);
        QCOMPARE(submitted.at(0).at(0).toString(), secret);
        QVERIFY(page.error().isEmpty());
    }

    void badSecretShowsAnError()
    {
        WelcomePage page;
        page.show();
        QSignalSpy submitted(&page, &WelcomePage::secretSubmitted);
        auto *input = page.findChild<QLineEdit *>(QStringLiteral("secretInput"));
        input->setText(QStringLiteral("whsec_#oops#"));
        QTest::keyClick(input, Qt::Key_Return);
        QCOMPARE(submitted.count(), 0);
        QVERIFY2(page.error().contains(QStringLiteral("base64")), qPrintable(page.error()));
        QVERIFY(!page.error().contains(QStringLiteral("oops")));
        page.setError(QString());
        QVERIFY(page.error().isEmpty());
    }

    // What the first delivery says about the connection shows above the secret field.
    void connectionStatusShowsAndHides()
    {
        WelcomePage page;
        page.show();
        auto *label = page.findChild<QLabel *>(QStringLiteral("connectionStatus"));
        QVERIFY(label);
        QVERIFY(!label->isVisible());
        QVERIFY(page.connectionStatus().isEmpty());
        const QString text
            = QStringLiteral("A delivery reached the receiver from 203.0.113.7, so the tunnel works.");
        page.setConnectionStatus(text);
        QVERIFY(label->isVisible());
        QCOMPARE(page.connectionStatus(), text);
        page.setConnectionStatus(QString());
        QVERIFY(!label->isVisible());
        QVERIFY(page.connectionStatus().isEmpty());
    }

    void demoButtonAsksForTheDemo()
    {
        WelcomePage page;
        QSignalSpy demo(&page, &WelcomePage::demoRequested);
        QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("tryDemo")), Qt::LeftButton);
        QCOMPARE(demo.count(), 1);
    }
};

QTEST_MAIN(TestWelcomePage)
#include "tst_welcomepage.moc"
