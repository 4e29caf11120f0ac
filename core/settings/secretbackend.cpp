// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretbackend.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTimer>
#include <qt6keychain/keychain.h>

namespace mm {

namespace {
SecretBackend::Result resultOf(const QKeychain::Job &job)
{
    SecretBackend::Result r;
    switch (job.error()) {
    case QKeychain::NoError:
        r.status = SecretBackend::Status::Ok;
        break;
    case QKeychain::EntryNotFound:
        r.status = SecretBackend::Status::NotFound;
        break;
    default:
        r.status = SecretBackend::Status::Failed;
        r.error = job.errorString();
        break;
    }
    return r;
}

// Why there is no session bus to find a keyring on, or an empty string. Without an address,
// libdbus and GDBus would "autolaunch" a bus of their own through X11 (and leave it running)
// and start a keyring daemon on it that nothing unlocks: start-up would wait for it in vain.
QString sessionBusProblem()
{
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return {};
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtimeDir.isEmpty() && QFileInfo::exists(runtimeDir + QStringLiteral("/bus")))
        return {};
    return QCoreApplication::translate("mm::KeychainBackend",
                                       "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set");
}

// Answers done later, as a job would, when there is no bus to ask.
bool failedWithoutBus(QObject *context, const SecretBackend::Done &done)
{
    const QString problem = sessionBusProblem();
    if (problem.isEmpty())
        return false;
    QTimer::singleShot(0, context, [done, problem] { done({SecretBackend::Status::Failed, {}, problem}); });
    return true;
}
} // namespace

KeychainBackend::KeychainBackend(QString service, QString key, QObject *parent)
    : SecretBackend(parent)
    , m_service(std::move(service))
    , m_key(std::move(key))
{
}

void KeychainBackend::read(Done done)
{
    if (failedWithoutBus(this, done))
        return;
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(m_key);
    job->setInsecureFallback(false); // never a plain-text file of QtKeychain's own
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *finished) {
        Result r = resultOf(*finished);
        if (r.status == Status::Ok)
            r.text = static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
        done(r);
    });
    job->start();
}

void KeychainBackend::write(const QString &text, Done done)
{
    if (failedWithoutBus(this, done))
        return;
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(m_key);
    job->setInsecureFallback(false);
    job->setTextData(text);
    connect(job, &QKeychain::Job::finished, this,
            [done = std::move(done)](QKeychain::Job *finished) { done(resultOf(*finished)); });
    job->start();
}

} // namespace mm
