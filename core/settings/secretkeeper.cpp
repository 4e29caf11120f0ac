// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretkeeper.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QTimer>

namespace mm {

namespace {
// What a read from the keyring left behind, shared with its callback (which may come late).
struct PendingRead
{
    bool answered = false;
    bool gaveUp = false;
    SecretBackend::Result result;
    QEventLoop *loop = nullptr;
};
} // namespace

SecretKeeper::SecretKeeper(QObject *parent)
    : SecretKeeper(SecretStore::defaultDir(), fileForced() ? nullptr : std::make_unique<KeychainBackend>(),
                   parent)
{
}

SecretKeeper::SecretKeeper(const QString &dir, const KeyringEntry &entry, QObject *parent)
    : SecretKeeper(dir,
                   fileForced()
                       ? nullptr
                       : std::make_unique<KeychainBackend>(KeychainBackend::DefaultService, entry.key),
                   parent)
{
}

SecretKeeper::SecretKeeper(const QString &dir, std::unique_ptr<SecretBackend> keyring, QObject *parent)
    : QObject(parent)
    , m_store(dir)
    , m_keyring(std::move(keyring))
    , m_forced(fileForced())
{
    if (m_keyring)
        m_keyring->setParent(nullptr); // owned here, not by a Qt parent
}

SecretKeeper::~SecretKeeper() = default;

bool SecretKeeper::fileForced()
{
    return qEnvironmentVariable(BackendEnv).compare(QLatin1String("file"), Qt::CaseInsensitive) == 0;
}

QString SecretKeeper::shownPath() const
{
    const QString home = QDir::homePath();
    const QString path = filePath();
    return path.startsWith(home + u'/') ? QStringLiteral("~") + path.mid(home.size()) : path;
}

void SecretKeeper::useFile(const QString &warning)
{
    const bool changed = m_where != Where::File || m_warning != warning;
    m_where = Where::File;
    m_warning = warning;
    if (changed)
        Q_EMIT whereChanged();
}

bool SecretKeeper::load(int waitMs, QString *error)
{
    if (!m_keyring) {
        useFile(m_forced
                    ? tr("Secrets are kept in %1, readable only by you (%2=file).")
                          .arg(shownPath(), QLatin1String(BackendEnv))
                    : tr("No keyring found: secrets are kept in %1, readable only by you.").arg(shownPath()));
        return m_store.load(error);
    }
    auto pending = std::make_shared<PendingRead>();
    m_keyring->read([this, pending](const SecretBackend::Result &r) {
        pending->answered = true;
        pending->result = r;
        if (pending->loop)
            pending->loop->quit();
        else if (pending->gaveUp)
            take(r, true, nullptr);
    });
    if (!pending->answered) {
        // No window exists yet; user input waits until the keyring answers or time is up.
        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        timer.setTimerType(Qt::PreciseTimer); // a coarse one may fire up to 5 % early
        connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(waitMs);
        pending->loop = &loop;
        loop.exec(QEventLoop::ExcludeUserInputEvents);
        pending->loop = nullptr;
    }
    if (pending->answered)
        return take(pending->result, false, error);
    pending->gaveUp = true;
    useFile(tr("The keyring did not answer in time: secrets are kept in %1, readable only by you, until it "
               "does.")
                .arg(shownPath()));
    return m_store.load(error);
}

bool SecretKeeper::take(const SecretBackend::Result &read, bool late, QString *error)
{
    if (read.status == SecretBackend::Status::Failed) {
        if (late)
            return false; // already on the file, and staying there
        useFile(tr("No keyring found (%1): secrets are kept in %2, readable only by you.")
                    .arg(read.error, shownPath()));
        return m_store.load(error);
    }
    // The keyring works. Its secrets, then any in the file, then (late) any taken meanwhile.
    SecretStore merged(m_store.dir());
    QString why;
    if (read.status == SecretBackend::Status::Ok
        && !merged.fromText(read.text, tr("the keyring's secrets"), &why)) {
        if (error)
            *error = why;
        if (late)
            return false;
        useFile(tr("The keyring's secrets cannot be read: secrets are kept in %1, readable only by you.")
                    .arg(shownPath()));
        m_store.load();
        return false;
    }
    const QStringList before = m_store.texts();
    bool ok = true;
    const bool fromFile = m_store.fileExists();
    if (fromFile) {
        SecretStore file(m_store.dir());
        if (file.load(&why)) {
            for (const QString &text : file.texts())
                merged.add(text); // a secret already there is refused as a duplicate: fine
        } else {
            // Left alone (the session sets an unreadable file aside before saving over it).
            ok = false;
            if (error)
                *error = why;
        }
    }
    if (late) {
        for (const QString &text : before)
            merged.add(text);
    }
    m_store.setTexts(merged.texts());
    m_where = Where::Keyring;
    m_warning.clear();
    Q_EMIT whereChanged();
    if (late && m_store.texts() != before)
        Q_EMIT secretsChanged();
    if (ok && (fromFile || (late && m_store.texts() != before))) {
        // Moved into the keyring; the file goes once the keyring has them.
        save([this](bool saved, const QString &) {
            if (saved && m_where == Where::Keyring)
                m_store.removeFile();
        });
    }
    return ok;
}

void SecretKeeper::save(Saved done)
{
    if (m_where == Where::File) {
        QString error;
        const bool ok = m_store.save(&error);
        m_lastSaveOk = ok;
        if (done)
            done(ok, error);
        return;
    }
    m_waiting.push_back(std::move(done));
    if (m_inFlight.empty())
        writeNext();
}

bool SecretKeeper::flush(int waitMs)
{
    if (!isSaving())
        return m_lastSaveOk;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    timer.setTimerType(Qt::PreciseTimer);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &SecretKeeper::savesFinished, &loop, &QEventLoop::quit);
    timer.start(waitMs);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (isSaving()) // to the file, with everything asked meanwhile; a late answer is ignored
        finishWrite({SecretBackend::Status::Failed, {}, {}}, noAnswerWarning());
    return m_lastSaveOk;
}

void SecretKeeper::writeNext()
{
    m_inFlight = std::exchange(m_waiting, {});
    const quint64 write = ++m_write;
    m_keyring->write(m_store.toText(), [this, write](const SecretBackend::Result &r) {
        if (write == m_write)
            finishWrite(r);
    });
    // A keyring that never answers (an unlock prompt left open, say) must not hold the secrets
    // hostage: past the wait they go to the file.
    QTimer::singleShot(WriteWaitMs, this, [this, write] {
        if (write == m_write && !m_inFlight.empty())
            finishWrite({SecretBackend::Status::Failed, {}, {}}, noAnswerWarning());
    });
}

QString SecretKeeper::noAnswerWarning() const
{
    return tr("The keyring did not answer when the secrets were saved: they are kept in %1, readable only "
              "by you.")
        .arg(shownPath());
}

void SecretKeeper::finishWrite(const SecretBackend::Result &result, const QString &warning)
{
    ++m_write; // whatever comes later for this write is ignored
    std::vector<Saved> told = std::exchange(m_inFlight, {});
    bool ok = result.status != SecretBackend::Status::Failed;
    QString error;
    if (!ok) {
        useFile(!warning.isEmpty()
                    ? warning
                    : tr("The keyring refused the secrets (%1): they are kept in %2, readable only by you.")
                          .arg(result.error, shownPath()));
        ok = m_store.save(&error);
        // Everything asked meanwhile is in the file now too.
        for (Saved &s : std::exchange(m_waiting, {}))
            told.push_back(std::move(s));
    }
    m_lastSaveOk = ok;
    for (Saved &done : told) {
        if (done)
            done(ok, error);
    }
    if (!m_waiting.empty() && m_inFlight.empty())
        writeNext();
    if (!isSaving())
        Q_EMIT savesFinished();
}

} // namespace mm
