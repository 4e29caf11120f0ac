// SPDX-License-Identifier: GPL-3.0-or-later
#include "guirunner.h"

#include "eventlog/livelogmodel.h"
#include "mainwindow.h"
#include "receiver/receiverhost.h"
#include "sim/simulatorhost.h"
#include "store/database.h"
#include "store/storewriter.h"

#include <QApplication>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QTemporaryDir>

namespace mm {

namespace {
// A fresh endpoint secret for the demo, in Svix's format.
QString randomSecret()
{
    QByteArray key(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()), key.size() / 4);
    return QStringLiteral("whsec_") + QString::fromLatin1(key.toBase64());
}
} // namespace

int runGui(const AppOptions &options)
{
    QString error;
    AppOptions effective = options;
    std::unique_ptr<QTemporaryDir> demoDir;
    if (options.demo) {
        // Demo data lives in a throw-away folder, never in the user's store.
        demoDir = std::make_unique<QTemporaryDir>();
        effective.dataDir = demoDir->path();
        effective.secretTexts = {randomSecret()};
        effective.address = QHostAddress(QHostAddress::LocalHost);
        effective.port = 0;
    }
    auto config = receiverConfig(effective, &error);
    if (!config) {
        QMessageBox::critical(nullptr, QObject::tr("Migration Monitor"), error);
        return 2;
    }
    const QString dataDir = effective.dataDir.value_or(Database::defaultDataDir());
    StoreWriter store(StoreWriter::Options {dataDir, Database::Sync::Normal, 10000, true});
    if (!store.start(&error)) {
        QMessageBox::critical(nullptr, QObject::tr("Migration Monitor"), error);
        return 1;
    }
    LiveLogModel log;
    MainWindow window(&log);
    ReceiverHost receiver;
    QObject::connect(&receiver, &ReceiverHost::handled, &log, &LiveLogModel::append);
    if (!receiver.start(*config, &store, &error)) {
        window.setProblem(QObject::tr("The receiver is not running: %1").arg(error));
    } else {
        window.setListenUrl(receiver.url().toString());
        if (config->secrets.isEmpty())
            window.setProblem(QObject::tr(
                "No signing secret is configured, so every delivery will be refused. Copy the endpoint's "
                "signing secret (whsec_…) from the Anon dashboard and start the app with "
                "MIGRATION_MONITOR_SECRETS set, or try --demo."));
    }
    window.setDemo(options.demo);

    sim::SimulatorHost demoSender;
    if (options.demo && receiver.isRunning()) {
        sim::SimOptions sim;
        sim.target = receiver.url();
        sim.secrets = config->secrets;
        sim.continuous = true;
        sim.rate = 2.0;
        sim.concurrency = 2;
        sim.outOfOrder = true;
        sim.duplicates = 0.1;
        sim.wrongSecret = 0.03;
        sim.pings = 1;
        sim.retryScale = 0.01;
        if (!demoSender.start(sim, &error))
            window.setProblem(QObject::tr("The demo sender did not start: %1").arg(error));
    }

    window.show();
    const int rc = QApplication::exec();
    demoSender.stop();
    receiver.stop();
    store.stop();
    return rc;
}

} // namespace mm
