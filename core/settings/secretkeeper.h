// SPDX-License-Identifier: GPL-3.0-or-later
// The saved signing secrets and where they live: the desktop's keyring when one answers, else
// the private 0600 file, with a warning to show. Secrets found in the file are moved into the
// keyring and the file erased. Never QSettings, never a log line.
#pragma once

#include "secretbackend.h"
#include "secretstore.h"

#include <QObject>
#include <functional>
#include <memory>
#include <vector>

namespace mm {

class SecretKeeper final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretKeeper)

public:
    enum class Where { Keyring, File };
    // MM_SECRET_BACKEND=file keeps the secrets in the file even where a keyring exists.
    static constexpr const char *BackendEnv = "MM_SECRET_BACKEND";
    static constexpr int StartupWaitMs = 2000; // how long start-up waits for the keyring
    static constexpr int WriteWaitMs = 60000; // a keyring write not done by then goes to the file
    using Saved = std::function<void(bool ok, const QString &error)>;

    // The app's: the config folder, and the keyring unless MM_SECRET_BACKEND=file.
    explicit SecretKeeper(QObject *parent = nullptr);
    // Another set of secrets kept the same way: its own folder for the file, and its own
    // entry (key) in the keyring unless MM_SECRET_BACKEND=file.
    struct KeyringEntry
    {
        QString key;
    };
    SecretKeeper(const QString &dir, const KeyringEntry &entry, QObject *parent = nullptr);
    // A folder for the file and a keyring (null: the file only), for tests.
    SecretKeeper(const QString &dir, std::unique_ptr<SecretBackend> keyring, QObject *parent = nullptr);
    ~SecretKeeper() override;

    static bool fileForced();

    // Reads the saved secrets. Waits for the keyring at most waitMs, running the event loop
    // (for start-up, before any window paints); past that it reads the file and takes the
    // keyring's answer when it comes (secretsChanged). On unreadable secrets returns false
    // with a sentence that never repeats them.
    bool load(int waitMs = StartupWaitMs, QString *error = nullptr);
    SecretStore &store() { return m_store; }
    const SecretStore &store() const { return m_store; }
    Where where() const { return m_where; }
    // Empty while the keyring holds them; else where they are and why, for the settings
    // dialog and the first-run page.
    QString warning() const { return m_warning; }
    QString filePath() const { return m_store.filePath(); }

    // Saves store()'s secrets where they live; done(ok, error) follows (at once for the file).
    // When the keyring refuses them, the file takes them and warning() says so.
    void save(Saved done);
    // Whether a keyring write has not answered yet.
    bool isSaving() const { return !m_inFlight.empty() || !m_waiting.empty(); }
    // For quitting: runs the event loop (user input aside) until the keyring has answered every
    // write, at most waitMs; past that the secrets go to the file, as when a write never gets an
    // answer, and the next start moves them into the keyring. Returns whether they were saved.
    bool flush(int waitMs);

Q_SIGNALS:
    // The keyring answered after load() stopped waiting, with secrets not known before.
    void secretsChanged();
    // where() or warning() changed.
    void whereChanged();
    // Every save asked for has been answered.
    void savesFinished();

private:
    bool take(const SecretBackend::Result &read, bool late, QString *error);
    void useFile(const QString &warning);
    void writeNext();
    // On failure the file takes the secrets and warning (or one naming result.error) is shown.
    void finishWrite(const SecretBackend::Result &result, const QString &warning = {});
    QString noAnswerWarning() const;
    QString shownPath() const;

    SecretStore m_store;
    std::unique_ptr<SecretBackend> m_keyring;
    Where m_where = Where::File;
    QString m_warning;
    bool m_forced = false;
    std::vector<Saved> m_inFlight; // told when the keyring write in flight ends
    std::vector<Saved> m_waiting; // saves asked for meanwhile: the next write has their secrets
    bool m_lastSaveOk = true; // how the last write (or its fallback to the file) ended
    quint64 m_write = 0; // the write in flight, so a late answer to an abandoned one is ignored
};

} // namespace mm
