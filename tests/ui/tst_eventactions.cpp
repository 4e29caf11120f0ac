// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventlog/eventactions.h"
#include "model/monitormodel.h"
#include "store/store.h"
#include "store/storewriter.h"
#include "testsecret.h"
#include "verify/signingsecret.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

namespace {
constexpr qint64 Sec = 1000000;
constexpr qint64 T0 = 1750207841LL * Sec;

DeliveryRecord record(const QByteArray &msgId, qint64 receivedUs, const QByteArray &body)
{
    DeliveryRecord r;
    r.msgId = msgId;
    r.eventId = QStringLiteral("evt_") + QString::fromLatin1(msgId);
    r.type = QStringLiteral("migration.started");
    r.migrationId = QStringLiteral("mig_01J0ZK3AV1P9M5M2G8T3W4X5Y6");
    r.status = QStringLiteral("WORKING");
    r.parsed = true;
    r.body = body;
    r.receivedUs = receivedUs;
    r.timestampHeader = receivedUs / Sec;
    return r;
}
} // namespace

class TestEventActions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void actionsFollowTheSelection();
    void exportWritesTheSelectedDeliveries();
    void copyAsCurlPutsASignedCommandOnTheClipboard();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<MonitorModel> m_model;
    std::unique_ptr<QTableView> m_view;
    EventActions *m_actions = nullptr;
};

void TestEventActions::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    {
        Store writerStore(Store::Options {m_dir->path(), Durability::Power, 10000, false});
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.submit(1, record("msg_1", T0, R"({"n":1})"));
        writer.submit(2, record("msg_2", T0 + Sec, R"({"n":2,"note":"it's here"})"));
        writer.submit(3, record("msg_3", T0 + 2 * Sec, R"({"n":3})"));
        writer.stop();
    }
    m_store = std::make_unique<Store>(Store::Options {m_dir->path()});
    m_model = std::make_unique<MonitorModel>(m_store.get());
    QSignalSpy loaded(m_model.get(), &MonitorModel::loaded);
    m_model->loadFromStore();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(m_model->filteredEvents()->rowCount(), 3);
    m_view = std::make_unique<QTableView>();
    m_view->setModel(m_model->filteredEvents());
    m_actions = new EventActions(m_view.get(), m_model.get());
    m_actions->setStoreAvailable(true);
}

void TestEventActions::cleanup()
{
    m_view.reset();
    m_model.reset();
    m_store.reset();
    m_dir.reset();
}

void TestEventActions::actionsFollowTheSelection()
{
    QVERIFY(!m_actions->copyAsCurlAction()->isEnabled());
    QVERIFY(!m_actions->exportAction()->isEnabled());
    m_view->selectRow(0);
    QVERIFY(m_actions->copyAsCurlAction()->isEnabled());
    QVERIFY(m_actions->exportAction()->isEnabled());
    m_view->selectAll();
    QVERIFY(!m_actions->copyAsCurlAction()->isEnabled()); // one delivery at a time
    QVERIFY(m_actions->exportAction()->isEnabled());
}

void TestEventActions::exportWritesTheSelectedDeliveries()
{
    m_view->selectionModel()->select(m_model->filteredEvents()->index(2, 0),
                                     QItemSelectionModel::Select | QItemSelectionModel::Rows);
    m_view->selectionModel()->select(m_model->filteredEvents()->index(0, 0),
                                     QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QCOMPARE(m_actions->selectedRowIds().size(), 2);
    const QString path = m_dir->filePath(QStringLiteral("selection.jsonl"));
    QSignalSpy finished(m_model.get(), &MonitorModel::exportFinished);
    QSignalSpy message(m_actions, &EventActions::message);
    m_actions->exportSelectionTo(path);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.at(0).at(0).toLongLong(), 2);
    QCOMPARE(message.size(), 1);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), qsizetype(2));
    // Oldest first, the body as received.
    const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
    QCOMPARE(first.value(QLatin1String("msg_id")).toString(), QStringLiteral("msg_1"));
    QCOMPARE(first.value(QLatin1String("body")).toString(), QStringLiteral(R"({"n":1})"));
    QCOMPARE(QJsonDocument::fromJson(lines[1]).object().value(QLatin1String("msg_id")).toString(),
             QStringLiteral("msg_3"));
}

void TestEventActions::copyAsCurlPutsASignedCommandOnTheClipboard()
{
    const auto secret = SigningSecret::parse(mm::test::TestSecretText);
    QVERIFY(secret);
    m_actions->setCurlTarget(QUrl(QStringLiteral("http://127.0.0.1:8787/webhooks")),
                             std::make_shared<const SigningSecret>(*secret), 600);
    m_view->selectRow(1);
    QApplication::clipboard()->clear();
    QSignalSpy message(m_actions, &EventActions::message);
    m_actions->copyAsCurlAction()->trigger();
    QVERIFY(message.wait(10000));
    const QString command = QApplication::clipboard()->text();
    QVERIFY2(command.startsWith(QStringLiteral("curl ")), qPrintable(command));
    QVERIFY(command.contains(QStringLiteral("'svix-id: msg_2'")));
    QVERIFY(command.contains(QStringLiteral("svix-signature: v1,")));
    QVERIFY(command.contains(QStringLiteral("it'\\''s here"))); // the body, shell-quoted
    QVERIFY(command.contains(QStringLiteral("http://127.0.0.1:8787/webhooks")));
    QVERIFY2(message.at(0).at(0).toString().contains(QStringLiteral("10 minutes")),
             qPrintable(message.at(0).at(0).toString()));
}

QTEST_MAIN(TestEventActions)
#include "tst_eventactions.moc"
