// SPDX-License-Identifier: GPL-3.0-or-later
#include "guirunner.h"

#include "alerts/alertmonitor.h"
#include "alerts/notifier.h"
#include "guiforwarding.h"
#include "guisession.h"
#include "latencyprobe.h"
#include "mainwindow.h"
#include "model/monitormodel.h"
#include "receiver/receiverhost.h"
#include "receiver/requestlogmodel.h"
#include "replay/replaysession.h"
#include "services.h"
#include "signalwatcher.h"
#include "sim/simulatorhost.h"
#include "singleinstance.h"
#include "store/database.h"
#include "store/store.h"
#include "store/storewriter.h"
#include "storehealth.h"
#include "storepassword.h"
#include "tray/trayicon.h"
#include "viewreporter.h"
#include "windowlayout.h"

#include <QApplication>
#include <QFileInfo>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <utility>

namespace mm {

namespace {
// A fresh endpoint secret for the demo, in Svix's format.
QString randomSecret()
{
    QByteArray key(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()), key.size() / 4);
    return QStringLiteral("whsec_") + QString::fromLatin1(key.toBase64());
}

void say(const QString &line)
{
    std::fprintf(stderr, "migration-monitor: %s\n", qPrintable(line));
}

// One window per store: holds the store's instance name, or brings the window holding it to the
// front. False with the exit code when this launch is done.
bool claimInstance(SingleInstance &instance, const AppOptions &options, int *exitCode)
{
    const SingleInstance::Claim claim = instance.claim(launchRequestFor(options));
    switch (claim.outcome) {
    case SingleInstance::Outcome::Primary:
        return true;
    case SingleInstance::Outcome::Unavailable:
        say(QStringLiteral("running without the one-window-per-store check: %1").arg(claim.problem));
        return true;
    case SingleInstance::Outcome::Unanswered:
        say(QStringLiteral("a window on this store is already running but does not answer (%1). Quit it, "
                           "or end it if it hangs, and start again.")
                .arg(claim.problem));
        *exitCode = 1;
        return false;
    case SingleInstance::Outcome::Activated:
        break;
    }
    const LaunchRequest asked = launchRequestFor(options);
    say(asked.minimized
            ? QStringLiteral("already running on this store; its window was left as it is.")
            : QStringLiteral("already running on this store: its window was brought to the front."));
    for (const QString &note : activationNotes(asked, claim.running))
        say(note);
    *exitCode = 0;
    return false;
}

} // namespace

int runGui(const AppOptions &commandLine)
{
    AppOptions options = commandLine;
    QString error;
    // Before anything is opened: a second launch on the same store only brings the first forward.
    // The demo reads no saved settings; it takes the configured store's name all the same.
    SingleInstance instance(
        instanceKeyFor(options, options.demo ? SettingsValues {} : AppSettings().values()).name(),
        InstanceState {options.demo, options.viewOnly});
    if (int rc = 0; !claimInstance(instance, options, &rc))
        return rc;
    if (options.dbusActivated) {
        // The bus started this window for a call (the D-Bus service file): Activate, or the menu's
        // Try the Demo. Within the bus's own call timeout.
        if (instance.waitForFirstCall(25000) == SingleInstance::FirstCall::Demo) {
            options.demo = true;
            instance.setState(InstanceState {true, false});
        }
    }
    // Saved settings fill in what the command line leaves out. The demo's data and settings
    // live in a throw-away folder, never in the user's store.
    std::unique_ptr<QTemporaryDir> demoDir;
    if (options.demo)
        demoDir = std::make_unique<QTemporaryDir>();
    const SessionConfig sessionConfig = demoDir ? demoSession(options, demoDir->path(), randomSecret())
                                                : SessionConfig {options, {}, {}, std::nullopt};
    GuiSession session(sessionConfig);
    AppOptions effective = session.effectiveOptions();
    if (effective.store) // a PostgreSQL store's password from the keyring, when libpq has none
        passwordFromKeyring(&*effective.store);
    // --view-only: no receiver of its own, so no receiver settings to check.
    const bool viewOnly = options.viewOnly;
    auto config
        = viewOnly ? std::optional<ReceiverConfig>(ReceiverConfig {}) : receiverConfig(effective, &error);
    if (!config) {
        QMessageBox::critical(nullptr, QObject::tr("Migration Monitor"), error);
        return 2;
    }
    // The store, retention, forwarding, the receiver and the demo's sender, as headless mode
    // builds them; the one store is injected into everything that reads or writes it.
    Services services(storeOptions(effective), retentionPolicy(effective));
    QString warning;
    if (!services.startStore(&error, &warning,
                             viewOnly ? Services::Role::Viewer : Services::Role::Receiver)) {
        QMessageBox::critical(nullptr, QObject::tr("Migration Monitor"), error);
        return 1;
    }
    if (!warning.isEmpty())
        qWarning("%s", qPrintable(warning));
    Store &store = services.store();
    ReceiverHost &receiver = services.receiver();
    // Settings change the retention limits live.
    QObject::connect(&session, &GuiSession::retentionApplied, &session,
                     [&services](const RetentionPolicy &policy) { services.retention().setPolicy(policy); });
    RequestLogModel requestLog;
    MonitorModel model(&store);
    MainWindow window(&model, &requestLog);
    window.setStoreAvailable(true);
    // Replays run in sessions made here: the window never opens the store or the network.
    window.setReplaySessionFactory([&store](QObject *parent) { return new ReplaySession(store, parent); });
    // Live forwarding (--forward-to, else Settings → Forwarding), set up before the receiver
    // listens so that every delivery from the first one on is queued.
    GuiForwarding forwarding(&services);
    forwarding.attach(window.forwardingView());
    auto applyForwarding = [&session, &forwarding, &window, viewOnly] {
        if (viewOnly) // forwarding is the receivers' job
            return QString();
        QString problem;
        forwarding.apply(session.forwarding(&problem));
        window.setWarning(QStringLiteral("forwarding"), problem);
        return problem;
    };
    if (const QString problem = applyForwarding();
        !problem.isEmpty() && !options.replay.forwardTarget.isEmpty()) {
        QMessageBox::critical(nullptr, QObject::tr("Migration Monitor"), problem);
        services.stop();
        return 2;
    }
    QObject::connect(&session, &GuiSession::forwardingApplied, &forwarding, applyForwarding);
    // Data flows one way: the store's commits feed the model, the model feeds the views. In a
    // shared store (or --view-only) they are every receiver's, watched; else this process's own.
    QObject::connect(&services, &Services::committed, &model, &MonitorModel::ingest);
    // What retention deletes leaves the window too, so memory stays bounded with the store:
    // this process's retention, and when watching, every receiver's (the store's journal).
    QObject::connect(&services, &Services::retentionDeleted, &model, &MonitorModel::forget);
    // Deletions the watch could not learn of one by one: the store is read again (after a load
    // under way, once more: it may have read the store before them).
    bool reloadAfterLoad = false;
    auto reload = [&model, &reloadAfterLoad] {
        if (model.isLoading())
            reloadAfterLoad = true;
        else
            model.loadFromStore();
    };
    QObject::connect(&services, &Services::deletionsMissed, &model, reload);
    auto reloadIfMissed = [&model, &reloadAfterLoad, reload] {
        if (std::exchange(reloadAfterLoad, false))
            QMetaObject::invokeMethod(&model, reload, Qt::QueuedConnection); // after the load's signal
    };
    QObject::connect(&model, &MonitorModel::loaded, &model, reloadIfMissed);
    QObject::connect(&model, &MonitorModel::loadFailed, &model, reloadIfMissed);
    QObject::connect(&services, &Services::watchProblem, &window, [&window](const QString &why) {
        window.setWarning(QStringLiteral("watch"),
                          why.isEmpty()
                              ? QString()
                              : QObject::tr("The store cannot be read, so new deliveries are not shown "
                                            "until it can (retrying): %1")
                                    .arg(why));
    });
    // Names another desktop (or a CSV import on the command line) gives companies, re-read.
    QObject::connect(&services, &Services::companyNamesChanged, model.companies(),
                     &CompanyDirectory::refresh);
    services.startFeed();
    // A watch starts after the newest row loaded, so nothing is shown twice or missed between.
    QObject::connect(&model, &MonitorModel::loaded, &services,
                     [&services, &model] { services.watchAfter(model.log().highestRowId()); });
    QObject::connect(&model, &MonitorModel::loadFailed, &services,
                     [&services] { services.watchAfter(std::nullopt); });
    QObject::connect(&model, &MonitorModel::loadFailed, &window, [&window](const QString &why) {
        window.setProblem(QObject::tr("Could not read the store: %1").arg(why));
    });
    // The cap (Settings or --memory-cap) before the store is read: the load keeps to it too.
    model.setMemoryCap(session.effectiveOptions().memoryCap.value_or(0));
    model.loadFromStore();
    QObject::connect(&receiver, &ReceiverHost::handled, &requestLog, &RequestLogModel::append);
    // Rejections are read from the store's journal when new ones are logged (at most once a second).
    QTimer rejectionsRefresh;
    rejectionsRefresh.setSingleShot(true);
    rejectionsRefresh.setInterval(1000);
    QObject::connect(&rejectionsRefresh, &QTimer::timeout, &model, [&model] { model.refreshRejections(); });
    QObject::connect(&receiver, &ReceiverHost::handled, &rejectionsRefresh,
                     [&rejectionsRefresh](const QList<DeliveryLogEntry> &entries) {
                         for (const DeliveryLogEntry &e : entries) {
                             if (e.status == 401 && !rejectionsRefresh.isActive()) {
                                 rejectionsRefresh.start();
                                 break;
                             }
                         }
                     });
    model.refreshRejections();
    model.refreshDowntime();
    // Listening intervals (downtime, and the receivers up by their heartbeats every 10 s) and, when
    // other receivers write the store, their rejections.
    QTimer storeRefresh;
    storeRefresh.setInterval(10000);
    QObject::connect(&storeRefresh, &QTimer::timeout, &model, [&model, &services] {
        model.refreshDowntime();
        if (services.watchesStore())
            model.refreshRejections();
    });
    storeRefresh.start();
    // The window shows the store's size but never touches the store: the size is pushed.
    QTimer storeSizeRefresh;
    storeSizeRefresh.setInterval(10000);
    QObject::connect(&storeSizeRefresh, &QTimer::timeout, &window,
                     [&window, &store] { window.setStoreSize(store.sizeOnDisk()); });
    storeSizeRefresh.start();
    window.setStoreSize(store.sizeOnDisk());
    window.setStoreName(store.displayName());
    if (services.watchesStore())
        window.setSharedStore(store.displayName(), !viewOnly);
    if (!viewOnly && !metricsOffWebhookPort(effective, *config, &error)) {
        QMessageBox::critical(nullptr, QObject::tr("Migration Monitor"), error);
        services.stop();
        return 2;
    }
    if (!viewOnly && effective.metrics && !services.startMetrics(*effective.metrics, &error))
        window.setWarning(QStringLiteral("metrics"), QObject::tr("Metrics are not served: %1").arg(error));
    if (viewOnly) {
        // Nothing listens here; the status bar names the receivers that do.
    } else if (!services.startReceiver(*config, &error)) {
        window.setProblem(QObject::tr("The receiver is not running: %1").arg(error));
    } else {
        window.setListenUrl(receiver.url().toString());
        if (config->secrets.isEmpty())
            window.setProblem(QObject::tr(
                "No signing secret is configured, so every delivery will be refused. Copy the endpoint's "
                "signing secret (whsec_…) from the Anon dashboard and add it in File → Settings…, "
                "or try --demo."));
    }
    session.attach(&window, &model, &receiver, &store.writer());
    // Where the desktop has a tray: health at a glance, and a place to close the window to.
    const std::unique_ptr<TrayIcon> tray = TrayIcon::createIfAvailable(&window);
    if (tray) {
        tray->setStoreLocation(QUrl::fromLocalFile(store.folder()));
        if (viewOnly) {
            // Healthy while some receiver is listening, by the heartbeats.
            auto showReceivers = [&tray, &model, &store] {
                tray->setListener(!model.receivers().isEmpty(), QUrl(store.displayName()));
            };
            QObject::connect(&model, &MonitorModel::downtimeChanged, tray.get(), showReceivers);
            showReceivers();
        } else {
            tray->setListener(receiver.isRunning(), receiver.url());
        }
        QObject::connect(&services, &Services::committed, tray.get(), &TrayIcon::noteDeliveries);
        session.attachTray(tray.get());
    }
    // Desktop alerts: live deliveries, quiet migrations, refusals and the listener, coalesced,
    // then shown by the notification server, else the tray's balloon, else a banner in the window.
    AlertMonitor alerts;
    alerts.setSettings(session.alertSettings());
    QObject::connect(&session, &GuiSession::alertSettingsApplied, &alerts, &AlertMonitor::setSettings);
    QObject::connect(&session, &GuiSession::listenerChanged, &alerts, &AlertMonitor::setListening);
    QObject::connect(&services, &Services::committed, &alerts, &AlertMonitor::ingest);
    QObject::connect(&receiver, &ReceiverHost::handled, &alerts, &AlertMonitor::handled);
    alerts.watchQuiet(&model);
    // A full disk (a warning and an alert) and a clock that disagrees with the sender's (a warning).
    GuiHealth health(&store, &window, &alerts, int(config->tolerance.count()));
    Notifier notifier;
    QString balloonMigration; // what a click on the tray's last alert balloon opens
    notifier.setTrayFallback([&tray, &balloonMigration](const Notification &n) {
        if (!tray || !tray->isVisible())
            return false;
        balloonMigration = n.migrationId;
        tray->showMessage(n.title, n.body, n.urgency == AlertUrgency::Critical);
        return true;
    });
    notifier.setBannerFallback([&window](const Notification &n) {
        window.showAlertBanner(n.title, n.body, n.migrationId);
        return true;
    });
    QObject::connect(&alerts, &AlertMonitor::notify, &notifier, &Notifier::show);
    QObject::connect(&notifier, &Notifier::closed, &alerts, &AlertMonitor::notificationClosed);
    auto openMigration = [&window](const QString &id) {
        bringToFront(&window);
        window.selectMigration(id);
    };
    QObject::connect(&notifier, &Notifier::openMigration, &window, openMigration);
    // Another launch on this store: this window comes forward, from the tray too.
    QObject::connect(&instance, &SingleInstance::activationRequested, &window, [&window, &tray] {
        if (tray) {
            tray->showWindow();
            return;
        }
        bringToFront(&window);
    });
    QObject::connect(&instance, &SingleInstance::notApplied, &window, [&window](const QString &sentence) {
        window.statusBar()->showMessage(sentence, 30000);
    });
    instance.deliverPendingActivation();
    if (tray) {
        QObject::connect(tray.get(), &TrayIcon::messageClicked, &window, [&balloonMigration, openMigration] {
            if (!balloonMigration.isEmpty())
                openMigration(std::exchange(balloonMigration, QString()));
        });
        QObject::connect(
            tray.get(), &TrayIcon::pauseAlertsRequested, &alerts, [&alerts](const QDateTime &until) {
                alerts.pauseFor(
                    until.isValid() ? std::max<qint64>(1, QDateTime::currentDateTime().msecsTo(until)) : 0);
            });
    }
    if (!viewOnly)
        alerts.setListening(receiver.isRunning(), receiver.isRunning() ? QString() : error);
    window.setDemo(sessionConfig.demoTraffic.has_value());
    if (sessionConfig.demoTraffic && receiver.isRunning()) {
        sim::SimOptions sim = *sessionConfig.demoTraffic;
        sim.target = receiver.url();
        sim.secrets = config->secrets;
        if (!services.startDemoSender(sim, &error))
            window.setProblem(QObject::tr("The demo sender did not start: %1").arg(error));
    }

    // Ctrl+C in a terminal or SIGTERM from the session closes the window the orderly way.
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &window, [] { QApplication::quit(); });

    // Diagnostics, idle unless their environment variables are set (see their headers).
    ViewReporter viewReport(&window, &model, &receiver);
    LatencyProbe latencyProbe;

    if (!options.minimized)
        window.show();
    else if (!tray)
        window.showMinimized(); // no tray to wait in: the task bar is the way back
    // else: hidden in the tray, as after closing the window to it; the icon brings it back.
    const int rc = QApplication::exec();
    services.stop();
    return rc;
}

} // namespace mm
