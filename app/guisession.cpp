// SPDX-License-Identifier: GPL-3.0-or-later
#include "guisession.h"

#include "config.h"
#include "filterbar/filterbar.h"
#include "firstrun/welcomepage.h"
#include "mainwindow.h"
#include "model/monitormodel.h"
#include "receiver/connectioncheck.h"
#include "receiver/receiverhost.h"
#include "settings/companiespage.h"
#include "settings/settingsdialog.h"
#include "storehealth.h"
#include "tray/trayicon.h"
#include "windowlayout.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStatusBar>
#include <memory>
#include <optional>

namespace mm {

namespace {
constexpr int StatusMessageMs = 20000;
constexpr int QuitSecretsWaitMs = 3000; // for a keyring write still going at quit
const QString SecretsWarningKey = QStringLiteral("secrets");

// Where the receiver would listen with these options, for when it is not running.
QUrl configuredUrl(const AppOptions &o)
{
    const ReceiverConfig defaults;
    QUrl url;
    url.setScheme(o.tlsCert.isEmpty() ? QStringLiteral("http") : QStringLiteral("https"));
    url.setHost(o.address.value_or(defaults.address).toString());
    url.setPort(o.port.value_or(defaults.port));
    url.setPath(o.path.value_or(defaults.path));
    return url;
}

// The user's settings file, or one in the session's own folder.
AppSettings *settingsIn(const QString &folder)
{
    return folder.isEmpty() ? new AppSettings
                            : new AppSettings(QDir(folder).filePath(QStringLiteral("settings.ini")));
}
} // namespace

GuiSession::GuiSession(const SessionConfig &session, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_commandLine(m_session.commandLine)
    , m_current(session.commandLine)
    , m_settings(settingsIn(session.privateFolder))
    , m_autostart(session.privateFolder.isEmpty()
                      ? Autostart()
                      : Autostart(Autostart::programFor(QString()),
                                  QDir(session.privateFolder).filePath(QStringLiteral("autostart"))))
    , m_secrets(session.privateFolder.isEmpty() ? new SecretsController
                                                : new SecretsController(session.privateFolder))
{
    QString error;
    m_saved = m_settings->values();
    m_saved.startAtLogin = m_autostart.isEnabled();
    // Waits for the keyring at most SecretKeeper::StartupWaitMs; it may answer later.
    m_loadProblem = m_secrets->load();
    m_saved.secrets = m_secrets->secrets(SecretsController::Kind::Endpoint);
    m_saved.forwardSecret = m_secrets->secrets(SecretsController::Kind::Forwarding).value(0);
    connect(m_secrets.get(), &SecretsController::endpointSecretsArrived, this, &GuiSession::takeLateSecrets);
    connect(m_secrets.get(), &SecretsController::whereChanged, this, &GuiSession::showSecretsWarning);
    connect(m_secrets.get(), &SecretsController::saveFailed, this,
            [this](SecretsController::Kind kind, const QString &why) {
                showProblem(
                    kind == SecretsController::Kind::Endpoint
                        ? tr("The signing secrets could not be saved, so they are used for this run only: %1")
                              .arg(why)
                        : tr("The forwarding secret could not be saved, so it is used for this run only: %1")
                              .arg(why));
            });
    m_current = resolveConfig(m_saved, m_commandLine).options;
    if (!receiverConfig(m_current, &error)) {
        // A saved certificate that has since gone, say: start with the defaults rather than
        // not at all, and say why. If the command line itself is wrong, runGui reports it.
        SettingsValues defaults;
        defaults.secrets = m_saved.secrets;
        defaults.storeFolder = m_saved.storeFolder;
        defaults.storeUrl = m_saved.storeUrl;
        const AppOptions fallback = resolveConfig(defaults, m_commandLine).options;
        QString fallbackError;
        if (receiverConfig(fallback, &fallbackError)) {
            m_current = fallback;
            m_loadProblem = tr("The saved receiver settings cannot be used (%1), so the defaults are in use. "
                               "Fix them in File → Settings….")
                                .arg(error);
        }
    }
}

void GuiSession::attach(MainWindow *window, MonitorModel *model, ReceiverHost *receiver, StoreWriter *store)
{
    m_window = window;
    m_model = model;
    m_receiver = receiver;
    m_store = store;
    m_receiverControl = new ReceiverController(receiver, store, m_current, this);
    connect(window, &MainWindow::settingsRequested, this, &GuiSession::openSettings);
    showSecretsInWindow();
    // The last replay target is remembered between runs; secrets never are, beyond Settings.
    window->setReplayTarget(m_settings->replayTarget());
    connect(window, &MainWindow::replayTargetUsed, this, [this](const QString &url) {
        // Saved without a user name or password the URL may carry: those stay in the dialog.
        m_settings->setReplayTarget(QUrl(url).toString(QUrl::RemoveUserInfo));
        m_settings->sync();
    });
    model->setQuietThresholds(m_saved.quietThresholds());
    window->restoreGeometry(m_settings->windowGeometry());
    restoreWindowLayout(window, m_settings->windowState(), AppSettings::WindowStateVersion);
    const FilterBarState filter = m_settings->filterBar();
    window->setFilterState(FilterState {filter.text, filter.type, filter.status, filter.migration});
    connect(qApp, &QCoreApplication::aboutToQuit, this, &GuiSession::saveWindow);
    // A keyring write still going (an unlock prompt, say) gets a moment, then the file.
    connect(qApp, &QCoreApplication::aboutToQuit, this, [this] { m_secrets->flush(QuitSecretsWaitMs); });

    // The first deliveries tell whether Svix reaches us: a verified ping, or anything at all
    // before a secret is set: the first-run page says so, else the status bar.
    connect(receiver, &ReceiverHost::handled, this, [this](const QList<DeliveryLogEntry> &entries) {
        const ConnectionCheck::Notice notice
            = ConnectionCheck::noticeFor(entries, !m_current.secretTexts.isEmpty());
        if (notice.kind == ConnectionCheck::Kind::None)
            return;
        if (m_welcome)
            m_welcome->setConnectionStatus(notice.text);
        else
            m_window->statusBar()->showMessage(notice.text, StatusMessageMs);
    });
    // runGui's banner (receiver not running, no secret) is ours to clear once fixed.
    m_problemShown = !m_current.viewOnly && (!receiver->isRunning() || m_current.secretTexts.isEmpty());
    if (!m_loadProblem.isEmpty())
        showProblem(m_loadProblem);
    showSecretsWarning();
    // A viewer needs no secret: the receivers verify.
    if (!m_current.viewOnly && m_current.secretTexts.isEmpty() && !m_secrets->endpointUnreadable())
        showWelcome();
}

void GuiSession::attachTray(TrayIcon *tray)
{
    m_tray = tray;
    m_window->setCloseToTray(m_saved.closeToTray);
    m_trayHintShown = m_settings->trayHintShown();
    connect(m_window, &MainWindow::hiddenToTray, this, &GuiSession::showTrayHint);
}

void GuiSession::showTrayHint()
{
    if (m_trayHintShown || !m_tray)
        return;
    m_trayHintShown = true;
    m_tray->showMessage(tr("Migration Monitor is still running"),
                        tr("Webhooks are still received. Click the tray icon to bring the window back, or "
                           "quit from its menu. Closing to the tray can be turned off in Settings."),
                        false);
    m_settings->setTrayHintShown(true);
    m_settings->sync();
}

void showSecretsInWindow(MainWindow *window, const QList<SigningSecret> &secrets, const QUrl &receiverUrl,
                         int toleranceSeconds)
{
    // The window sees hints ("…" and the last four characters) and a signing key for
    // "Copy as curl", never the secret's text.
    QStringList hints;
    for (const SigningSecret &secret : secrets)
        hints.append(secret.hint());
    window->setSecretHints(hints);
    window->setCurlTarget(
        receiverUrl, secrets.isEmpty() ? nullptr : std::make_shared<const SigningSecret>(secrets.first()),
        toleranceSeconds);
    window->setReplaySecrets(secrets);
}

void GuiSession::showSecretsInWindow()
{
    const QUrl target = m_receiver->isRunning() ? m_receiver->url() : configuredUrl(m_current);
    mm::showSecretsInWindow(m_window, parseSecretList(m_current.secretTexts).value_or(QList<SigningSecret>()),
                            target, m_current.toleranceSeconds.value_or(300));
}

void GuiSession::openSettings()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    m_dialog = new SettingsDialog(m_saved, m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog->setNote(overrideNote());
    m_dialog->setSecretsWarning(m_secrets->warning());
    if (m_model)
        m_dialog->addPage(new CompaniesPage(m_model->companies(), m_model->book(), m_dialog),
                          tr("C&ompanies"));
    connect(m_dialog, &SettingsDialog::applied, this, &GuiSession::apply);
    m_dialog->open();
}

QString GuiSession::overrideNote() const
{
    if (!m_session.note.isEmpty())
        return m_session.note;
    QStringList set;
    const ResolvedConfig config = resolveConfig(m_saved, m_commandLine);
    if (config.isFromCommandLine(QLatin1String("listenAddress")))
        set.append(tr("listen address and port"));
    if (config.isFromCommandLine(QLatin1String("path")))
        set.append(tr("path"));
    if (config.isFromCommandLine(QLatin1String("tlsCert")))
        set.append(tr("TLS certificate and key"));
    if (config.isFromCommandLine(QLatin1String("toleranceSeconds")))
        set.append(tr("tolerance"));
    if (config.isFromCommandLine(QLatin1String("secrets")))
        set.append(tr("signing secrets"));
    if (config.isFromCommandLine(QLatin1String("storeFolder")))
        set.append(tr("data folder"));
    if (config.isFromCommandLine(QLatin1String("storeUrl")))
        set.append(tr("store URL"));
    if (!m_commandLine.replay.forwardTarget.isEmpty())
        set.append(tr("forwarding"));
    if (set.isEmpty())
        return {};
    return tr("Set on the command line (or in MIGRATION_MONITOR_SECRETS or MIGRATION_MONITOR_STORE) for this "
              "run: %1. What you save here is used when the app starts without them.")
        .arg(set.join(QStringLiteral(", ")));
}

void GuiSession::apply(const SettingsValues &values)
{
    m_model->setQuietThresholds(values.quietThresholds());
    m_model->setMemoryCap(resolveConfig(values, m_commandLine).options.memoryCap.value_or(values.memoryCap));
    Q_EMIT alertSettingsApplied(values.alerts);
    if (m_tray)
        m_window->setCloseToTray(values.closeToTray);
    QStringList problems;
    QString error;
    using Kind = SecretsController::Kind;
    if (m_secrets->needsSave(Kind::Endpoint, values.secrets)) {
        // To the file at once, or to the keyring a moment later: a failure then goes to the
        // problem banner. Either way they are used from now on.
        if (const QString why = m_secrets->save(Kind::Endpoint, values.secrets); !why.isEmpty())
            problems.append(
                tr("The signing secrets could not be saved, so they are used for this run only: %1")
                    .arg(why));
    }
    const QString forwardSecretOnDisk = m_saved.forwardSecret;
    QString forwardProblem;
    if (values.forwardSecret != m_saved.forwardSecret) {
        const QString why = m_secrets->save(
            Kind::Forwarding,
            values.forwardSecret.isEmpty() ? QStringList() : QStringList {values.forwardSecret});
        if (!why.isEmpty())
            forwardProblem
                = tr("The forwarding secret could not be saved, so it is used for this run only: %1")
                      .arg(why);
    }
    if (!forwardProblem.isEmpty())
        problems.append(forwardProblem);
    m_settings->setValues(values);
    if (!m_settings->sync(&error))
        problems.append(error);
    if (values.startAtLogin != m_saved.startAtLogin && !m_autostart.setEnabled(values.startAtLogin, &error))
        problems.append(tr("Start at login could not be changed: %1").arg(error));
    const bool storeFolderChanged = values.storeFolder != m_saved.storeFolder;
    const bool storeUrlChanged = values.storeUrl != m_saved.storeUrl;
    m_saved = values;
    m_saved.startAtLogin = m_autostart.isEnabled();
    Q_EMIT forwardingApplied(); // used for this run even when it could not be saved
    if (!forwardProblem.isEmpty())
        m_saved.forwardSecret = forwardSecretOnDisk;

    AppOptions next = resolveConfig(values, m_commandLine).options;
    Q_EMIT retentionApplied(retentionPolicy(next));
    next.dataDir = m_current.dataDir; // the store in use stays until the next start
    next.store = m_current.store;
    if (!m_current.viewOnly && m_receiverControl->needsRebind(next)) {
        const QString problem = rebind(next);
        if (!problem.isEmpty())
            problems.append(problem);
        if (m_tray)
            m_tray->setListener(m_receiver->isRunning(), m_receiver->url());
        Q_EMIT listenerChanged(m_receiver->isRunning(), problem);
    } else if (next.secretTexts != m_current.secretTexts && m_receiverControl->setSecrets(next.secretTexts)) {
        m_current.secretTexts = next.secretTexts;
    }
    if (m_receiver->isRunning() && m_current.secretTexts.isEmpty())
        problems.append(
            tr("No signing secret is configured, so every delivery is refused. Add the endpoint's "
               "secret in File → Settings…."));
    showSecretsInWindow();
    if (problems.isEmpty())
        clearProblem();
    else
        showProblem(problems.join(u' '));

    if (m_welcome) {
        if (!m_current.secretTexts.isEmpty())
            m_window->setWelcomePage(nullptr);
        else
            m_welcome->setListenUrl(m_receiver->isRunning() ? m_receiver->url() : configuredUrl(m_current));
    }
    if (storeUrlChanged) {
        m_window->statusBar()->showMessage(
            m_commandLine.dataDir || m_commandLine.store
                ? tr("Saved. --store or --data-dir (or MIGRATION_MONITOR_STORE) sets the store for this run; "
                     "the saved one is used when the app starts without them.")
                : tr("The new store is used from the next start. This run keeps its store as it is."),
            StatusMessageMs);
    } else if (storeFolderChanged) {
        m_window->statusBar()->showMessage(
            m_commandLine.dataDir
                ? tr(
                    "Saved. --data-dir sets the data folder for this run; the saved one is used when the app "
                    "starts without it.")
                : tr("The new data folder is used from the next start. This run keeps its store as it is."),
            StatusMessageMs);
    }
}

QString GuiSession::rebind(const AppOptions &next)
{
    const QString problem = m_receiverControl->rebind(next);
    if (!problem.isEmpty())
        return problem;
    m_current = next;
    m_window->setListenUrl(m_receiver->url().toString());
    if (m_welcome) {
        m_welcome->setListenUrl(m_receiver->url());
        m_welcome->setReceiverStatus(QString());
    }
    return {};
}

ForwardChoice GuiSession::forwarding(QString *problem) const
{
    ForwardChoice choice;
    const ReplayArgs &args = m_commandLine.replay;
    const bool fromCommandLine = !args.forwardTarget.isEmpty();
    const QString target = fromCommandLine ? args.forwardTarget
        : m_saved.forwardEnabled           ? m_saved.forwardTarget.trimmed()
                                           : QString();
    if (target.isEmpty())
        return choice;
    const QString secretText = fromCommandLine ? args.forwardSecret
        : m_saved.forwardResign                ? m_saved.forwardSecret.trimmed()
                                               : QString();
    if (!secretText.isEmpty() || (!fromCommandLine && m_saved.forwardResign)) {
        QString why;
        choice.secret = SigningSecret::parse(secretText, &why);
        if (!choice.secret) {
            if (problem)
                *problem = fromCommandLine
                    ? tr("--forward-secret: %1").arg(why)
                    : tr("Forwarding is off: its secret cannot be used (%1). Fix it in File → Settings… → "
                         "Forwarding.")
                          .arg(why);
            return {};
        }
    }
    choice.target = target;
    choice.fromCommandLine = fromCommandLine;
    return choice;
}

void GuiSession::showWelcome()
{
    auto *page = new WelcomePage;
    m_welcome = page;
    page->setListenUrl(m_receiver->isRunning() ? m_receiver->url() : configuredUrl(m_current));
    if (!m_receiver->isRunning())
        page->setReceiverStatus(
            tr("The receiver could not start listening there (is another program using the "
               "port?). Choose another address or port in Settings…."));
    connect(page, &WelcomePage::secretSubmitted, this, &GuiSession::submitSecret);
    connect(page, &WelcomePage::demoRequested, this, &GuiSession::startDemo);
    connect(page, &WelcomePage::settingsRequested, this, &GuiSession::openSettings);
    m_window->setWelcomePage(page);
    page->setFocus();
}

void GuiSession::submitSecret(const QString &text)
{
    // The file answers at once; the keyring later, and its failure goes to the problem banner.
    if (const QString why = m_secrets->addEndpointSecret(text); !why.isEmpty()) {
        m_welcome->setError(why);
        return;
    }
    m_saved.secrets = m_secrets->secrets(SecretsController::Kind::Endpoint);
    if (m_commandLine.secretTexts.isEmpty()) {
        m_current.secretTexts = m_saved.secrets;
        m_receiver->setSecrets(m_secrets->endpointSecrets());
    }
    m_window->setWelcomePage(nullptr);
    clearProblem();
    if (!m_receiver->isRunning())
        showProblem(
            tr("The secret is saved, but the receiver is not running. Choose another address or port in "
               "File → Settings…."));
    else
        m_window->statusBar()->showMessage(
            tr("Signing secret saved. Waiting for deliveries on %1.").arg(m_receiver->url().toString()),
            StatusMessageMs);
}

void GuiSession::startDemo()
{
    if (!QProcess::startDetached(QCoreApplication::applicationFilePath(), {QStringLiteral("--demo")}))
        m_welcome->setError(tr("The demo could not be started."));
}

void GuiSession::takeLateSecrets()
{
    const bool hadNone = m_current.secretTexts.isEmpty();
    m_saved.secrets = m_secrets->secrets(SecretsController::Kind::Endpoint);
    if (m_commandLine.secretTexts.isEmpty()) {
        m_current.secretTexts = m_saved.secrets;
        if (m_receiver)
            m_receiver->setSecrets(m_secrets->endpointSecrets());
    }
    if (!m_window)
        return;
    showSecretsInWindow();
    if (m_dialog) // its list would otherwise save over the keyring's secrets
        m_dialog->setValues(m_saved);
    if (hadNone && !m_current.secretTexts.isEmpty()) {
        if (m_welcome)
            m_window->setWelcomePage(nullptr);
        clearProblem(); // the "no signing secret" banner
        if (!m_loadProblem.isEmpty())
            showProblem(m_loadProblem);
        else if (!m_receiver->isRunning() && !m_current.viewOnly)
            showProblem(
                tr("The receiver is not running. Choose another address or port in File → Settings…."));
    }
    m_window->statusBar()->showMessage(tr("The keyring answered: its signing secrets are in use."),
                                       StatusMessageMs);
}

void GuiSession::showSecretsWarning()
{
    if (m_dialog)
        m_dialog->setSecretsWarning(m_secrets->warning());
    // The window says so while secrets are actually kept in the file, unless that was asked
    // for (MM_SECRET_BACKEND=file).
    if (m_window)
        m_window->setWarning(SecretsWarningKey,
                             m_secrets->inFileUnasked() ? m_secrets->warning() : QString());
}

void GuiSession::saveWindow()
{
    m_settings->setWindowGeometry(m_window->saveGeometry());
    m_settings->setWindowState(saveWindowLayout(m_window, AppSettings::WindowStateVersion));
    const FilterState filter = m_window->filterState();
    m_settings->setFilterBar(FilterBarState {filter.text, filter.type, filter.status, filter.migration});
    m_settings->sync();
}

void GuiSession::showProblem(const QString &text)
{
    m_window->setProblem(text);
    m_problemShown = true;
}

void GuiSession::clearProblem()
{
    if (!m_problemShown)
        return;
    m_window->setProblem(QString());
    m_problemShown = false;
}

} // namespace mm
