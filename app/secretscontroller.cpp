// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretscontroller.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

namespace mm {

namespace {
const QString ForwardFolder = QStringLiteral("forward");
} // namespace

SecretsController::SecretsController(QObject *parent)
    : SecretsController(
        std::make_unique<SecretKeeper>(),
        std::make_unique<SecretKeeper>(QDir(SecretStore::defaultDir()).filePath(ForwardFolder),
                                       SecretKeeper::KeyringEntry {QStringLiteral("forward-secret")}),
        parent)
{
}

SecretsController::SecretsController(const QString &folder, QObject *parent)
    : SecretsController(std::make_unique<SecretKeeper>(folder, nullptr),
                        std::make_unique<SecretKeeper>(QDir(folder).filePath(ForwardFolder), nullptr), parent)
{
}

SecretsController::SecretsController(std::unique_ptr<SecretKeeper> endpoint,
                                     std::unique_ptr<SecretKeeper> forwarding, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_forwarding(std::move(forwarding))
{
    connect(m_endpoint.get(), &SecretKeeper::secretsChanged, this,
            &SecretsController::endpointSecretsArrived);
    connect(m_endpoint.get(), &SecretKeeper::whereChanged, this, &SecretsController::whereChanged);
}

SecretsController::~SecretsController() = default;

QString SecretsController::load(int waitMs)
{
    QString problem;
    QString error;
    if (!m_endpoint->load(waitMs, &error)) {
        m_endpointUnreadable = true;
        problem = tr("The saved signing secrets could not be read. %1").arg(error);
    }
    if (!m_forwarding->load(waitMs, &error))
        problem += tr(" The saved forwarding secret could not be read. %1").arg(error);
    return problem.trimmed();
}

QStringList SecretsController::secrets(Kind kind) const
{
    return keeper(kind).store().texts();
}

bool SecretsController::needsSave(Kind kind, const QStringList &texts) const
{
    return texts != secrets(kind) || (kind == Kind::Endpoint && m_endpointUnsaved);
}

QString SecretsController::save(Kind kind, const QStringList &texts)
{
    QString error;
    if (kind == Kind::Endpoint && !setAsideUnreadable(&error)) {
        m_endpointUnsaved = true;
        return error;
    }
    if (!keeper(kind).store().setTexts(texts, &error)) {
        if (kind == Kind::Endpoint)
            m_endpointUnsaved = true;
        return error;
    }
    return saveNow(kind);
}

QString SecretsController::addEndpointSecret(const QString &text)
{
    QString error;
    if (!m_endpoint->store().add(text, &error))
        return error;
    error = saveNow(Kind::Endpoint);
    if (!error.isEmpty()) {
        m_endpoint->store().remove(m_endpoint->store().size() - 1);
        m_endpointUnsaved = false; // what is saved is what is used
    }
    return error;
}

QString SecretsController::saveNow(Kind kind)
{
    // The file answers at once, the keyring later: a late failure is a signal.
    auto returned = std::make_shared<bool>(false);
    auto failedNow = std::make_shared<QString>();
    keeper(kind).save([this, kind, returned, failedNow](bool ok, const QString &why) {
        if (kind == Kind::Endpoint)
            m_endpointUnsaved = !ok;
        if (!ok) {
            if (*returned)
                Q_EMIT saveFailed(kind, why);
            else
                *failedNow = why;
        }
        Q_EMIT whereChanged(); // the first secret in the file, say
    });
    *returned = true;
    return *failedNow;
}

bool SecretsController::setAsideUnreadable(QString *error)
{
    if (!m_endpointUnreadable)
        return true;
    // Never overwrite secrets that could not be read: keep the file (still 0600) beside the new one.
    const QString path = m_endpoint->filePath();
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    QString aside = path + QStringLiteral(".unreadable-") + stamp;
    for (int n = 2; QFile::exists(aside); ++n)
        aside = path + QStringLiteral(".unreadable-%1-%2").arg(stamp).arg(n);
    if (QFile::exists(path) && !QFile::rename(path, aside)) {
        *error
            = tr("the unreadable secrets file %1 could not be set aside, so it was left as it is").arg(path);
        return false;
    }
    m_endpointUnreadable = false;
    return true;
}

bool SecretsController::inFileUnasked() const
{
    return m_endpoint->where() == SecretKeeper::Where::File && !m_endpoint->store().isEmpty()
        && !SecretKeeper::fileForced();
}

void SecretsController::flush(int waitMs)
{
    m_endpoint->flush(waitMs);
    m_forwarding->flush(waitMs);
}

} // namespace mm
