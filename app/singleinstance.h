// SPDX-License-Identifier: GPL-3.0-or-later
// One window per store: the first launch claims the store's instance name and answers later
// launches, which bring its window to the front and exit. On the session bus the name is a
// well-known name with org.freedesktop.Application (Activate) at the app id's object path; with no
// session bus, a QLocalServer in the runtime folder under the same name, held by a lock file.
// The window's side ("come to the front") is a signal: this class has no widgets.
#pragma once

#include "instancekey.h"

#include <QDBusConnection>
#include <QLockFile>
#include <QObject>
#include <QString>
#include <memory>

class QLocalServer;
class QLocalSocket;

namespace mm {

class SingleInstance final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SingleInstance)

public:
    enum class Outcome {
        Primary, // this launch holds the name: it runs the window and answers later launches
        Activated, // another window holds it and answered: this launch is done
        Unanswered, // another process holds it but did not answer (hung, or still starting)
        Unavailable, // neither a session bus nor a runtime folder to meet in: runs alone
    };
    struct Claim
    {
        Outcome outcome = Outcome::Unavailable;
        InstanceState running; // Activated: what the running window is
        QString how; // "D-Bus" or "local socket", for messages
        QString problem; // Unanswered, Unavailable: why, as a sentence
    };

    static inline const QString ObjectPath = QStringLiteral("/io/github/anon/MigrationMonitor");
    static inline const QString ApplicationInterface = QStringLiteral("org.freedesktop.Application");
    // This app's own interface beside it: the running window's state, as properties.
    static inline const QString StateInterface = QStringLiteral("io.github.anon.MigrationMonitor.Instance");
    static constexpr int AnswerTimeoutMs = 10000;

    // name: instanceName() of the store; state: what this launch's window is, should it run.
    SingleInstance(const QString &name, const InstanceState &state, QObject *parent = nullptr);
    ~SingleInstance() override;

    // Meets the other launches on this store: holds the name, or asks its holder to come to the front
    // (just its state when request.minimized).
    Claim claim(const LaunchRequest &request);

    const QString &name() const { return m_name; }
    InstanceState state() const { return m_state; }
    // A window the bus started (--dbus-activated) becomes what its first call asked for.
    void setState(const InstanceState &state) { m_state = state; }

    // For a window the bus started: waits (running the event loop) for the call that made it
    // start, at most timeoutMs (then as Activate). The call is delivered later, as any other.
    enum class FirstCall { Activate, Demo };
    FirstCall waitForFirstCall(int timeoutMs);
    // Where the local socket lives (the runtime folder), when that is the way.
    QString socketPath() const;

    // An Activate that came before the window was connected is delivered now.
    void deliverPendingActivation();

    // Called by the D-Bus adaptor and the local server.
    void requestActivation(const QVariantMap &platformData);
    // The desktop entry's "Try the Demo" action (ActivateAction "demo"): the window comes forward;
    // one that is not the demo says why the demo does not start.
    void requestDemo(const QVariantMap &platformData);

Q_SIGNALS:
    // Another launch asked for the window; platformData as Activate's (activation-token…).
    void activationRequested(const QVariantMap &platformData);
    // An action was asked for that this window does not do; the sentence says why, for the window.
    void notApplied(const QString &sentence);
    void firstCallArrived();

private:
    Claim claimOnBus(const LaunchRequest &request);
    Claim claimLocally(const LaunchRequest &request);
    void serve(QLocalSocket *socket);

    const QString m_name;
    InstanceState m_state;
    QDBusConnection m_bus;
    bool m_onBus = false;
    std::unique_ptr<QLockFile> m_lock;
    QLocalServer *m_server = nullptr;
    std::optional<QVariantMap> m_pending;
    bool m_awaitingFirstCall = false;
    FirstCall m_firstCall = FirstCall::Activate;
};

// The platform data a launch passes on (freedesktop's desktop-startup-id and activation-token).
QVariantMap launchPlatformData();

} // namespace mm
