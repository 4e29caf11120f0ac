// SPDX-License-Identifier: GPL-3.0-or-later
// ui/statusbar/listenurl.*: the URL and its Copy button, the clipboard, the brief "Copied"
// and the lock for HTTPS only.
#include "statusbar/listenurl.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QTest>
#include <QToolButton>

using namespace mm;

class TestListenUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsUrl_data();
    void showsUrl();
    void copies();
};

void TestListenUrl::showsUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("secure");

    QTest::addRow("not listening") << QString() << false;
    QTest::addRow("http") << QStringLiteral("http://127.0.0.1:8787/webhook") << false;
    QTest::addRow("https") << QStringLiteral("https://monitor.example.com:8443/webhook") << true;
    QTest::addRow("HTTPS upper case") << QStringLiteral("HTTPS://monitor.example.com/webhook") << true;
}

void TestListenUrl::showsUrl()
{
    QFETCH(QString, url);
    QFETCH(bool, secure);

    QWidget window;
    auto *widget = new ListenUrl(&window);
    widget->setUrl(url);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(widget->url(), url);
    QCOMPARE(widget->isSecure(), secure);
    QCOMPARE(widget->copyButton()->isVisible(), !url.isEmpty());
    bool shown = false;
    bool lockShown = false;
    for (const QLabel *label : widget->findChildren<QLabel *>()) {
        shown |= label->isVisible() && !url.isEmpty() && label->text().contains(url);
        lockShown |= label->isVisible() && !label->pixmap().isNull();
    }
    QCOMPARE(shown, !url.isEmpty());
    QCOMPARE(lockShown, secure);
}

void TestListenUrl::copies()
{
    const QString url = QStringLiteral("http://127.0.0.1:8787/webhook");
    ListenUrl widget;
    widget.setUrl(url);
    QGuiApplication::clipboard()->setText(QStringLiteral("something else"));
    const QString label = widget.copyButton()->text();

    QTest::mouseClick(widget.copyButton(), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), url);
    QVERIFY(widget.copyButton()->text() != label);
    // The confirmation goes away by itself.
    QTRY_COMPARE_WITH_TIMEOUT(widget.copyButton()->text(), label, ListenUrl::CopiedFeedbackMs * 3);
}

QTEST_MAIN(TestListenUrl)
#include "tst_listenurl.moc"
