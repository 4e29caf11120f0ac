// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretstore.h"

#include "util/durablefile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mm {

namespace {
const QString FileName = QStringLiteral("secrets");

QString tr(const char *text)
{
    return QCoreApplication::translate("mm::SecretStore", text);
}

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

QStringView normalised(QStringView text)
{
    QStringView body = text.trimmed();
    if (body.startsWith(u"whsec_"))
        body = body.mid(6);
    while (body.endsWith(u'='))
        body.chop(1);
    return body;
}

// Creates the file if needed with mode 0600 and makes sure an existing one has it too.
bool makePrivateFile(const QString &path, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        *error = tr("Cannot make the secrets file %1 private: %2").arg(path, systemError());
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    ::close(fd);
    return true;
}

bool hasMode(const QString &path, mode_t mode)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 && (st.st_mode & 07777) == mode;
}
} // namespace

SecretStore::SecretStore()
    : m_dir(defaultDir())
{
}

SecretStore::SecretStore(const QString &dir)
    : m_dir(dir)
{
}

QString SecretStore::defaultDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
}

QString SecretStore::filePath() const
{
    return QDir(m_dir).filePath(FileName);
}

bool SecretStore::load(QString *error)
{
    auto fail = [&](const QString &text) {
        if (error)
            *error = text;
        return false;
    };
    QFile file(filePath());
    if (!file.exists()) {
        m_entries.clear();
        return true;
    }
    // A file or folder someone loosened is tightened again before the file is read.
    if (!hasMode(file.fileName(), 0600) && ::chmod(QFile::encodeName(file.fileName()).constData(), 0600) != 0)
        return fail(tr("Cannot make the secrets file %1 private: %2").arg(file.fileName(), systemError()));
    if (!hasMode(m_dir, 0700) && ::chmod(QFile::encodeName(m_dir).constData(), 0700) != 0)
        return fail(tr("Cannot make the folder %1 private: %2").arg(m_dir, systemError()));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return fail(tr("Cannot read the secrets file %1: %2").arg(file.fileName(), file.errorString()));
    return fromText(QString::fromUtf8(file.readAll()), tr("the secrets file %1").arg(file.fileName()), error);
}

bool SecretStore::fromText(const QString &text, const QString &where, QString *error)
{
    QList<Entry> entries;
    int lineNumber = 0;
    for (QStringView raw : QStringView(text).split(u'\n')) {
        ++lineNumber;
        const QString line = raw.trimmed().toString();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        QString why;
        auto secret = SigningSecret::parse(line, &why);
        if (!secret) {
            if (error)
                *error = tr("Line %1 of %2: %3").arg(lineNumber).arg(where, why);
            return false;
        }
        const bool known = std::any_of(entries.cbegin(), entries.cend(),
                                       [&line](const Entry &e) { return sameSecret(e.text, line); });
        if (!known)
            entries.append(Entry {line, *secret});
    }
    m_entries = std::move(entries);
    return true;
}

QString SecretStore::toText() const
{
    QString out;
    for (const Entry &e : m_entries)
        out += e.text + u'\n';
    return out;
}

bool SecretStore::fileExists() const
{
    return QFile::exists(filePath());
}

bool SecretStore::removeFile(QString *error) const
{
    const QString path = filePath();
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return true;
        if (error)
            *error = tr("Cannot open the secrets file %1 to erase it: %2").arg(path, systemError());
        return false;
    }
    // Overwritten and flushed before the name goes, so the secrets do not linger in the freed
    // blocks (as far as the file system allows: copy-on-write ones may keep old copies).
    struct stat st = {};
    bool ok = ::fstat(fd, &st) == 0;
    const QByteArray zeros(64 * 1024, '\0');
    for (off_t done = 0; ok && done < st.st_size;) {
        const ssize_t n
            = ::write(fd, zeros.constData(), size_t(std::min<off_t>(zeros.size(), st.st_size - done)));
        ok = n > 0;
        done += n > 0 ? n : 0;
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::unlink(native.constData()) != 0) {
        if (error)
            *error = tr("Cannot erase the secrets file %1: %2").arg(path, systemError());
        return false;
    }
    return syncFolderOf(path, error);
}

bool SecretStore::save(QString *error) const
{
    QString why;
    auto fail = [&](const QString &text) {
        if (error)
            *error = text;
        return false;
    };
    if (!QDir().mkpath(m_dir))
        return fail(tr("Cannot create the folder %1.").arg(m_dir));
    if (::chmod(QFile::encodeName(m_dir).constData(), 0700) != 0)
        return fail(tr("Cannot make the folder %1 private: %2").arg(m_dir, systemError()));
    const QString path = filePath();
    // With the target already 0600, QSaveFile's temporary file starts out 0600 too;
    // setPermissions below covers the case where it does not.
    if (!makePrivateFile(path, &why))
        return fail(why);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return fail(tr("Cannot write the secrets file %1: %2").arg(path, file.errorString()));
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        file.cancelWriting();
        return fail(tr("Cannot make the secrets file %1 private.").arg(path));
    }
    QByteArray content(
        "# Migration Monitor: endpoint signing secrets, one per line. Keep this file private.\n");
    for (const Entry &e : m_entries)
        content += e.text.toUtf8() + '\n';
    file.write(content);
    if (!file.commit())
        return fail(tr("Cannot write the secrets file %1: %2").arg(path, file.errorString()));
    if (::chmod(QFile::encodeName(path).constData(), 0600) != 0 || !hasMode(path, 0600))
        return fail(tr("The secrets file %1 could not be made private (mode 0600).").arg(path));
    // QSaveFile synced the new file before renaming it into place; the rename is the folder's.
    if (!syncFolder(m_dir, &why))
        return fail(why);
    return true;
}

bool SecretStore::add(const QString &text, QString *error)
{
    QString why;
    const QString trimmed = text.trimmed();
    auto secret = SigningSecret::parse(trimmed, &why);
    if (!secret) {
        if (error)
            *error = why;
        return false;
    }
    for (const Entry &e : std::as_const(m_entries)) {
        if (sameSecret(e.text, trimmed)) {
            if (error)
                *error = tr("This signing secret (%1) is already saved.").arg(secret->hint());
            return false;
        }
    }
    m_entries.append(Entry {trimmed, *secret});
    return true;
}

void SecretStore::remove(qsizetype index)
{
    if (index >= 0 && index < m_entries.size())
        m_entries.removeAt(index);
}

bool SecretStore::setTexts(const QStringList &texts, QString *error)
{
    SecretStore next(m_dir);
    int position = 0;
    for (const QString &text : texts) {
        ++position;
        QString why;
        if (!next.add(text, &why)) {
            if (error)
                *error = tr("Secret %1: %2").arg(position).arg(why);
            return false;
        }
    }
    m_entries = std::move(next.m_entries);
    return true;
}

QStringList SecretStore::texts() const
{
    QStringList out;
    out.reserve(m_entries.size());
    for (const Entry &e : m_entries)
        out.append(e.text);
    return out;
}

QList<SigningSecret> SecretStore::secrets() const
{
    QList<SigningSecret> out;
    out.reserve(m_entries.size());
    for (const Entry &e : m_entries)
        out.append(e.secret);
    return out;
}

QString SecretStore::lastFour(qsizetype index) const
{
    return index >= 0 && index < m_entries.size() ? m_entries.at(index).secret.hint() : QString();
}

bool SecretStore::sameSecret(QStringView a, QStringView b)
{
    return normalised(a) == normalised(b);
}

} // namespace mm
