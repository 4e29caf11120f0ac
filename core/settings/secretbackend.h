// SPDX-License-Identifier: GPL-3.0-or-later
// Where saved secrets can live besides the private file: the desktop's keyring (the Secret
// Service or KWallet, through QtKeychain). Asynchronous; an interface so tests can fake it.
#pragma once

#include <QObject>
#include <QString>
#include <functional>

namespace mm {

class SecretBackend : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretBackend)

public:
    enum class Status {
        Ok,
        NotFound, // the keyring works but holds nothing under our name
        Failed, // no keyring, locked and not unlocked, refused...
    };
    struct Result
    {
        Status status = Status::Failed;
        QString text; // what was read
        QString error; // a sentence from the keyring when Failed; never holds a secret
    };
    using Done = std::function<void(const Result &)>;

    using QObject::QObject;
    ~SecretBackend() override = default;

    // Each calls done once, later, on this object's thread (never after it is destroyed).
    virtual void read(Done done) = 0;
    virtual void write(const QString &text, Done done) = 0;
};

// The keyring through QtKeychain: one entry, service and key as given. Without a D-Bus session
// bus (no DBUS_SESSION_BUS_ADDRESS, no $XDG_RUNTIME_DIR/bus) every call fails at once, saying so.
class KeychainBackend final : public SecretBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeychainBackend)

public:
    static inline const QString DefaultService = QStringLiteral("migration-monitor");
    static inline const QString DefaultKey = QStringLiteral("signing-secrets");

    explicit KeychainBackend(QString service = DefaultService, QString key = DefaultKey,
                             QObject *parent = nullptr);

    void read(Done done) override;
    void write(const QString &text, Done done) override;

private:
    QString m_service;
    QString m_key;
};

} // namespace mm
