// SPDX-License-Identifier: GPL-3.0-or-later
// The saved endpoint signing secrets: one per line in a private file ("secrets", mode
// 0600, in a 0700 folder), apart from QSettings. Nothing here ever logs a secret.
#pragma once

#include "verify/signingsecret.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mm {

class SecretStore final
{
public:
    // The application's config folder (QStandardPaths::AppConfigLocation).
    SecretStore();
    // A given folder, for tests.
    explicit SecretStore(const QString &dir);

    static QString defaultDir();
    QString dir() const { return m_dir; }
    QString filePath() const;

    // Reads the file; a missing file means no secrets. On a bad line returns false with a
    // sentence naming the line (never its text) and keeps what was there before.
    bool load(QString *error = nullptr);
    // Replaces the file atomically. The file is private before any secret reaches it.
    bool save(QString *error = nullptr) const;
    bool fileExists() const;
    // Overwrites the file's bytes, then deletes it (once the secrets live in the keyring).
    // A missing file is no error.
    bool removeFile(QString *error = nullptr) const;

    // The secrets as text, one per line (the file's format, and what the keyring holds).
    QString toText() const;
    // Reads secrets from text in that format; on a bad line returns false with a sentence
    // naming the line (never its text) and keeps what was there before. where names the
    // source in that sentence.
    bool fromText(const QString &text, const QString &where, QString *error = nullptr);

    // Checks the text with the verifier's own parser. Returns false with a sentence
    // (that does not repeat the secret) when it is malformed or already saved.
    bool add(const QString &text, QString *error = nullptr);
    void remove(qsizetype index);
    // Replaces all secrets; all or nothing.
    bool setTexts(const QStringList &texts, QString *error = nullptr);
    void clear() { m_entries.clear(); }

    qsizetype size() const { return m_entries.size(); }
    bool isEmpty() const { return m_entries.isEmpty(); }
    QStringList texts() const;
    QList<SigningSecret> secrets() const;
    // "…" and the last four characters, to tell secrets apart on screen.
    QString lastFour(qsizetype index) const;

    // Whether two secret texts name the same key (prefix and padding aside).
    static bool sameSecret(QStringView a, QStringView b);

private:
    struct Entry
    {
        QString text;
        SigningSecret secret;
    };

    QString m_dir;
    QList<Entry> m_entries;
};

} // namespace mm
