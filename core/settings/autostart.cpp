// SPDX-License-Identifier: GPL-3.0-or-later
#include "autostart.h"

#include "util/appid.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace mm {

namespace {
const QString ProgramName = QStringLiteral("migration-monitor");

// A desktop entry string value: backslashes and control characters escaped.
QString escapeValue(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        if (c == u'\\')
            out += QLatin1String("\\\\");
        else if (c == u'\n')
            out += QLatin1String("\\n");
        else if (c == u'\t')
            out += QLatin1String("\\t");
        else if (c == u'\r')
            out += QLatin1String("\\r");
        else
            out += c;
    }
    return out;
}
} // namespace

Autostart::Autostart(const QString &program)
    : m_program(program)
{
}

Autostart::Autostart(const QString &program, const QString &entryDirectory)
    : m_program(program)
    , m_directory(entryDirectory)
{
}

QString Autostart::directory()
{
    // GenericConfigLocation honours an absolute $XDG_CONFIG_HOME.
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/autostart");
}

QString Autostart::entryDirectory() const
{
    return m_directory.isEmpty() ? directory() : m_directory;
}

QString Autostart::filePath() const
{
    return entryDirectory() + u'/' + QLatin1String(AppId) + QStringLiteral(".desktop");
}

bool Autostart::isEnabled() const
{
    QFile file(filePath());
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return false;
    // Desktops switch an entry off in place rather than delete it.
    bool inMainGroup = false;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.startsWith('['))
            inMainGroup = line == "[Desktop Entry]";
        else if (inMainGroup && (line == "Hidden=true" || line == "X-GNOME-Autostart-enabled=false"))
            return false;
    }
    return true;
}

bool Autostart::setEnabled(bool on, QString *error)
{
    const QString path = filePath();
    auto fail = [error](const QString &text) {
        if (error)
            *error = text;
        return false;
    };
    if (!on) {
        if (QFile::exists(path) && !QFile::remove(path))
            return fail(QCoreApplication::translate("mm::Autostart", "Cannot remove %1.").arg(path));
        return true;
    }
    if (!QDir().mkpath(entryDirectory()))
        return fail(QCoreApplication::translate("mm::Autostart", "Cannot create the folder %1.")
                        .arg(entryDirectory()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(entry()) < 0 || !file.commit())
        return fail(QCoreApplication::translate("mm::Autostart", "Cannot write %1: %2")
                        .arg(path, file.errorString()));
    return true;
}

QByteArray Autostart::entry() const
{
    const QString id = QLatin1String(AppId);
    QString text;
    text += QStringLiteral("[Desktop Entry]\n"
                           "Type=Application\n"
                           "Name=Migration Monitor\n"
                           "Comment=Receive Anon's migration webhooks from login on, in the system tray\n")
        + QStringLiteral("Icon=") + id + u'\n' + QStringLiteral("TryExec=") + escapeValue(m_program) + u'\n'
        + QStringLiteral("Exec=") + quoteExecArgument(m_program) + QStringLiteral(" --minimized\n")
        + QStringLiteral("Terminal=false\n"
                         "Categories=Network;Monitor;Qt;\n"
                         "X-GNOME-Autostart-enabled=true\n");
    return text.toUtf8();
}

QString Autostart::programFor(const QString &binary)
{
    const QString self = binary.isEmpty() ? QCoreApplication::applicationFilePath() : binary;
    const QString found = QStandardPaths::findExecutable(ProgramName);
    if (!found.isEmpty() && QFileInfo(found).canonicalFilePath() == QFileInfo(self).canonicalFilePath())
        return ProgramName;
    return QFileInfo(self).absoluteFilePath();
}

QString Autostart::quoteExecArgument(const QString &argument)
{
    static const QString Reserved = QStringLiteral(" \t\n\"'\\><~|&;$*?#()`");
    bool quote = argument.isEmpty();
    for (const QChar c : argument)
        quote = quote || Reserved.contains(c);
    QString arg;
    for (const QChar c : argument) {
        if (c == u'%')
            arg += QLatin1String("%%"); // not a field code
        else if (quote && (c == u'"' || c == u'`' || c == u'$' || c == u'\\'))
            arg += u'\\' + QString(c);
        else
            arg += c;
    }
    // The Exec key is a string too, so its backslashes are escaped once more.
    return escapeValue(quote ? u'"' + arg + u'"' : arg);
}

} // namespace mm
