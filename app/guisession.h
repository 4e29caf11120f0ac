// SPDX-License-Identifier: GPL-3.0-or-later
// The window's settings at run time: saved settings under the command line, the
// Settings… dialog applied without a restart (secrets and the receiver through their
// controllers), the first-run page and the window's remembered layout and filter. The demo is a
// SessionConfig (demoSession()): nothing the user keeps is read or written.
#pragma once

#include "config.h"
#include "guiforwarding.h"
#include "options.h"
#include "receivercontroller.h"
#include "secretscontroller.h"
#include "settings/appsettings.h"
#include "settings/autostart.h"
#include "store/retention.h"

#include <QObject>
#include <QPointer>
#include <QUrl>
#include <memory>

namespace mm {

class MainWindow;
class MonitorModel;
class ReceiverHost;
class SettingsDialog;
class SigningSecret;
class StoreWriter;
class TrayIcon;
class WelcomePage;

// Gives the window the secrets' hints and the key "Copy as curl" signs with.
void showSecretsInWindow(MainWindow *window, const QList<SigningSecret> &secrets, const QUrl &receiverUrl,
                         int toleranceSeconds);

class GuiSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuiSession)

public:
    // Reads the saved settings and secrets where session says they are kept.
    explicit GuiSession(const SessionConfig &session, QObject *parent = nullptr);

    // What to run with. Saved settings that cannot be used are left out (and reported).
    AppOptions effectiveOptions() const { return m_current; }

    // Wires the window once the receiver has been started (or has failed to).
    void attach(MainWindow *window, MonitorModel *model, ReceiverHost *receiver, StoreWriter *store);
    // After attach(), when the desktop has a tray: closing the window hides it there (a
    // setting), with a one-time hint, and the tray follows the receiver through rebinds.
    void attachTray(TrayIcon *tray);
    // The alert settings saved (or, in the demo, chosen for this run).
    AlertSettings alertSettings() const { return m_saved.alerts; }
    // Where new deliveries are forwarded: --forward-to (with --forward-secret) when given, else
    // the saved setting. When it cannot be used, nowhere, and *problem says why.
    ForwardChoice forwarding(QString *problem = nullptr) const;

Q_SIGNALS:
    // The settings dialog applied these alert settings.
    void alertSettingsApplied(const mm::AlertSettings &settings);
    // The receiver was restarted with new settings; problem says what went wrong, if anything.
    void listenerChanged(bool listening, const QString &problem);
    // The settings dialog applied these retention limits (the command line's, when given, win).
    void retentionApplied(const mm::RetentionPolicy &policy);
    // The settings dialog changed forwarding; forwarding() has the new choice.
    void forwardingApplied();

private:
    void openSettings();
    void showSecretsInWindow();
    void apply(const SettingsValues &values);
    // Restarts the receiver with next (the previous settings again on failure); what went wrong.
    QString rebind(const AppOptions &next);
    void showWelcome();
    void submitSecret(const QString &text);
    void startDemo();
    // The keyring answered after start-up stopped waiting, with secrets not known before.
    void takeLateSecrets();
    // Where the secrets are kept, when not in a keyring: the settings dialog and the window say so.
    void showSecretsWarning();
    void saveWindow();
    void showProblem(const QString &text);
    void clearProblem();
    void showTrayHint();
    QString overrideNote() const;

    const SessionConfig m_session;
    const AppOptions &m_commandLine;
    AppOptions m_current;
    std::unique_ptr<AppSettings> m_settings;
    Autostart m_autostart;
    // The signing secrets and the forwarding secret: the keyring, else 0600 files (with a warning).
    std::unique_ptr<SecretsController> m_secrets;
    ReceiverController *m_receiverControl = nullptr;
    SettingsValues m_saved;
    QString m_loadProblem;
    bool m_problemShown = false; // the window's banner holds one of our problems
    MainWindow *m_window = nullptr;
    MonitorModel *m_model = nullptr;
    ReceiverHost *m_receiver = nullptr;
    StoreWriter *m_store = nullptr;
    QPointer<SettingsDialog> m_dialog;
    QPointer<WelcomePage> m_welcome;
    TrayIcon *m_tray = nullptr;
    bool m_trayHintShown = false;
};

} // namespace mm
