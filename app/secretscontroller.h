// SPDX-License-Identifier: GPL-3.0-or-later
// The secrets the app keeps, the endpoint's signing secrets and the forwarding secret, with one
// way to save either: the keyring through SecretKeeper, else the private 0600 file.
#pragma once

#include "settings/secretkeeper.h"

#include <QObject>
#include <memory>

namespace mm {

class SecretsController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretsController)

public:
    enum class Kind { Endpoint, Forwarding };
    Q_ENUM(Kind)

    // The app's: the config folder, and the keyring unless MM_SECRET_BACKEND=file.
    explicit SecretsController(QObject *parent = nullptr);
    // Kept in folder's files only, never in the keyring (the demo's throw-away folder).
    explicit SecretsController(const QString &folder, QObject *parent = nullptr);
    // These keepers (tests).
    SecretsController(std::unique_ptr<SecretKeeper> endpoint, std::unique_ptr<SecretKeeper> forwarding,
                      QObject *parent = nullptr);
    ~SecretsController() override;

    // Reads both, waiting for the keyring at most waitMs (it may answer later: endpointSecretsArrived).
    // Returns what could not be read, as sentences that never repeat a secret, or an empty string.
    QString load(int waitMs = SecretKeeper::StartupWaitMs);
    // The saved endpoint secrets could not be read: they are set aside, never overwritten, at the next save.
    bool endpointUnreadable() const { return m_endpointUnreadable; }

    QStringList secrets(Kind kind) const;
    QList<SigningSecret> endpointSecrets() const { return m_endpoint->store().secrets(); }
    // Whether save(kind, texts) has anything to do: they differ, or the last save failed.
    bool needsSave(Kind kind, const QStringList &texts) const;

    // Saves texts as kind's secrets, and uses them from now on. The file answers at once, the
    // keyring later. Returns why they could not be saved now, or an empty string; when they
    // cannot be saved later, saveFailed() says so.
    QString save(Kind kind, const QStringList &texts);
    // Adds one endpoint secret and saves it (the first-run page). Returns why it was refused or
    // could not be saved now, when it is not kept; else an empty string.
    QString addEndpointSecret(const QString &text);

    // Where the endpoint secrets are and why, when not in the keyring (the settings dialog).
    QString warning() const { return m_endpoint->warning(); }
    // Whether the window should say so: they are in the file, and that was not asked for.
    bool inFileUnasked() const;
    // For quitting: a keyring write still going gets at most waitMs, then the file.
    void flush(int waitMs);

Q_SIGNALS:
    // A save that returned without a problem failed later: the secrets are used for this run only.
    void saveFailed(mm::SecretsController::Kind kind, const QString &why);
    // The keyring answered after load() stopped waiting, with endpoint secrets not known before.
    void endpointSecretsArrived();
    // warning() or inFileUnasked() may have changed.
    void whereChanged();

private:
    SecretKeeper &keeper(Kind kind) const { return kind == Kind::Endpoint ? *m_endpoint : *m_forwarding; }
    bool setAsideUnreadable(QString *error);
    QString saveNow(Kind kind);

    std::unique_ptr<SecretKeeper> m_endpoint;
    std::unique_ptr<SecretKeeper> m_forwarding;
    bool m_endpointUnreadable = false;
    bool m_endpointUnsaved = false; // the last save failed: the next one tries again
};

} // namespace mm
