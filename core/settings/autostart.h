// SPDX-License-Identifier: GPL-3.0-or-later
// "Start at login": the XDG autostart entry $XDG_CONFIG_HOME/autostart/<desktop id>.desktop,
// which starts the app minimised to the tray. The file's presence is the setting.
#pragma once

#include <QString>

namespace mm {

class Autostart final
{
public:
    // program is the Exec line's command; programFor() picks it for the running binary.
    explicit Autostart(const QString &program = programFor(QString()));
    // The entry in another folder than directory() (the demo's throw-away one).
    Autostart(const QString &program, const QString &entryDirectory);

    // $XDG_CONFIG_HOME/autostart (~/.config/autostart when unset).
    static QString directory();
    QString filePath() const;

    // Whether the entry exists and is not disabled (Hidden=true, or the GNOME switch off).
    bool isEnabled() const;
    // Writes or removes the entry; false, with a sentence in error, when that fails.
    bool setEnabled(bool on, QString *error = nullptr);

    // The entry's text.
    QByteArray entry() const;
    // "migration-monitor" when that is what PATH finds for binary (the running executable
    // when empty), so a reinstalled package keeps working; otherwise binary's absolute path.
    static QString programFor(const QString &binary);
    // One Exec argument, quoted and escaped as the Desktop Entry specification asks.
    static QString quoteExecArgument(const QString &argument);

private:
    QString entryDirectory() const;

    QString m_program;
    QString m_directory; // empty: directory()
};

} // namespace mm
