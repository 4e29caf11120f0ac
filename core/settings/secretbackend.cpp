// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretbackend.h"

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
} // namespace

KeychainBackend::KeychainBackend(QString service, QString key, QObject *parent)
    : SecretBackend(parent)
    , m_service(std::move(service))
    , m_key(std::move(key))
{
}

void KeychainBackend::read(Done done)
{
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
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(m_key);
    job->setInsecureFallback(false);
    job->setTextData(text);
    connect(job, &QKeychain::Job::finished, this,
            [done = std::move(done)](QKeychain::Job *finished) { done(resultOf(*finished)); });
    job->start();
}

} // namespace mm
