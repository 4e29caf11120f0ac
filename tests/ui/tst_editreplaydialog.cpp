// SPDX-License-Identifier: GPL-3.0-or-later
// Edit and replay: Send stays off, with the line and column, while the payload does not
// parse; an edited payload goes out byte for byte, signed now (the openssl command line
// verifies it), with a new message id unless the old one is kept; the answer is shown.
#include "replay/editreplaydialog.h"
#include "replaytestdata.h"
#include "store/store.h"
#include "webhooksink.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;
using namespace mm::test;

namespace {
DeliveryDetail storedDetail()
{
    const DeliveryRecord r = replayRecord(7, "migration.failed");
    DeliveryDetail d;
    d.rowId = 7;
    d.msgId = r.msgId;
    d.body = r.body;
    d.found = true;
    return d;
}

template<typename T> T *child(QObject *parent, const char *name)
{
    auto *found = parent->findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qFatal("no child %s", name);
    return found;
}
} // namespace

class TestEditReplayDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void invalidJsonDisablesSend();
    void editedPayloadIsSignedAndSent();
    void keepingTheMessageId();
    void badTargetIsRefused();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<WebhookSink> m_sink;
    std::unique_ptr<Store> m_store;
    ReplaySessionFactory m_factory = [this](QObject *parent) { return new ReplaySession(*m_store, parent); };
};

void TestEditReplayDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<Store>(Store::Options {m_dir->path()});
    m_sink = std::make_unique<WebhookSink>();
    QVERIFY(m_sink->listen());
}

void TestEditReplayDialog::invalidJsonDisablesSend()
{
    EditReplayDialog dialog(m_factory, storedDetail());
    dialog.setSecrets({*SigningSecret::parse(TestSecretText)});
    dialog.setTarget(QString::fromLatin1(m_sink->url()));
    auto *send = child<QPushButton>(&dialog, "send");
    QCOMPARE(dialog.editor()->toPlainText().toUtf8(), storedDetail().body);
    QVERIFY(send->isEnabled());
    QVERIFY2(dialog.validationText().contains(QStringLiteral("as stored")),
             qPrintable(dialog.validationText()));

    dialog.editor()->setPlainText(QStringLiteral("{\n  \"type\": \"migration.failed\",\n  \"data\": }\n"));
    QVERIFY(!send->isEnabled());
    QVERIFY(!dialog.canSend());
    QVERIFY2(dialog.validationText().contains(QStringLiteral("Line 3, column")),
             qPrintable(dialog.validationText()));
    QCOMPARE(send->toolTip(), dialog.validationText());
    QVERIFY(!dialog.send());
    QVERIFY(m_sink->requests().isEmpty()); // refused before any session started

    // "Go to the problem" puts the cursor on that line.
    auto *goThere = child<QPushButton>(&dialog, "goToProblem");
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(goThere->isVisible());
    QTest::mouseClick(goThere, Qt::LeftButton);
    QCOMPARE(dialog.editor()->textCursor().blockNumber(), 2);

    dialog.editor()->setPlainText(QStringLiteral("{\"type\": \"migration.failed\"}"));
    QVERIFY(send->isEnabled());
    QVERIFY(!goThere->isVisible());
    QVERIFY2(dialog.validationText().contains(QStringLiteral("edited")), qPrintable(dialog.validationText()));
}

void TestEditReplayDialog::editedPayloadIsSignedAndSent()
{
    m_sink->setAnswer([](const SinkRequest &) { return SinkAnswer {200, R"({"received":true})", 0}; });
    EditReplayDialog dialog(m_factory, storedDetail());
    dialog.setSecrets({*SigningSecret::parse(TestSecretText)});
    dialog.setTarget(QString::fromLatin1(m_sink->url()));
    QVERIFY(!child<QCheckBox>(&dialog, "keepId")->isChecked());
    QString edited = dialog.editor()->toPlainText();
    edited.replace(QStringLiteral("WORKING"), QStringLiteral("FAILED"));
    QVERIFY(edited.contains(QStringLiteral("FAILED")));
    dialog.editor()->setPlainText(edited);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy shown(&dialog, &EditReplayDialog::resultShown);
    QSignalSpy used(&dialog, &EditReplayDialog::targetUsed);
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    QTest::mouseClick(child<QPushButton>(&dialog, "send"), Qt::LeftButton);
    QVERIFY2(shown.wait(15000), qPrintable(dialog.errorText()));
    QCOMPARE(used.size(), 1);

    QCOMPARE(m_sink->requests().size(), qsizetype(1));
    const SinkRequest &request = m_sink->requests().first();
    QCOMPARE(request.body, edited.toUtf8()); // byte for byte, not re-serialised
    QVERIFY(request.header("svix-id") != storedDetail().msgId);
    QVERIFY(request.header("svix-id").startsWith("msg_"));
    QVERIFY(request.header("svix-timestamp").toLongLong() >= before);
    QString why;
    QVERIFY2(opensslVerifies(TestSecretText, request.header("svix-id"), request.header("svix-timestamp"),
                             request.body, request.header("svix-signature"), &why),
             qPrintable(why));
    const auto result = shown.first().first().value<ReplayResult>();
    QCOMPARE(result.status, 200);
    QVERIFY2(dialog.resultText().startsWith(QStringLiteral("HTTP 200")), qPrintable(dialog.resultText()));
    QVERIFY(dialog.resultText().contains(QStringLiteral(R"({"received":true})")));
    QTRY_VERIFY(child<QPushButton>(&dialog, "send")->isEnabled()); // ready for the next edit
}

void TestEditReplayDialog::keepingTheMessageId()
{
    EditReplayDialog dialog(m_factory, storedDetail());
    dialog.setTarget(QString::fromLatin1(m_sink->url()));
    // No configured secret: one typed in signs it.
    child<QLineEdit>(&dialog, "typedSecret")->setText(OtherTestSecretText);
    child<QCheckBox>(&dialog, "keepId")->setChecked(true);
    QSignalSpy shown(&dialog, &EditReplayDialog::resultShown);
    QVERIFY2(dialog.send(), qPrintable(dialog.errorText()));
    QVERIFY(shown.wait(15000));
    const SinkRequest &request = m_sink->requests().first();
    QCOMPARE(request.header("svix-id"), storedDetail().msgId);
    QVERIFY(opensslVerifies(OtherTestSecretText, request.header("svix-id"), request.header("svix-timestamp"),
                            request.body, request.header("svix-signature")));
}

void TestEditReplayDialog::badTargetIsRefused()
{
    EditReplayDialog dialog(m_factory, storedDetail());
    dialog.setSecrets({*SigningSecret::parse(TestSecretText)});
    dialog.setTarget(QStringLiteral("file:///etc/passwd"));
    QVERIFY(dialog.canSend()); // the JSON is fine; the target is what is wrong
    QVERIFY(!dialog.send());
    QVERIFY2(dialog.errorText().contains(QStringLiteral("http:// or https://")),
             qPrintable(dialog.errorText()));
    QVERIFY(!dialog.isSending());
    QVERIFY(m_sink->requests().isEmpty());
}

QTEST_MAIN(TestEditReplayDialog)
#include "tst_editreplaydialog.moc"
