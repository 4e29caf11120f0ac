// SPDX-License-Identifier: GPL-3.0-or-later
// The command line: one parser for the GUI, --headless and the one-shot commands.
#pragma once

#include "receiver/receiver.h"

#include <QString>
#include <QStringList>
#include <optional>

class QCoreApplication;

namespace mm {

struct AppOptions
{
    enum class Mode { Gui, Headless, Export, ReportMigrations };
    Mode mode = Mode::Gui;
    bool demo = false;

    // Set only when given on the command line (or the environment), so they can
    // override saved settings for this run.
    std::optional<QHostAddress> address;
    std::optional<quint16> port;
    std::optional<QString> path;
    QStringList secretTexts;
    std::optional<QString> dataDir;
    QString tlsCert;
    QString tlsKey;
    std::optional<int> toleranceSeconds;
    std::optional<qint64> maxBody;
    QString exportTarget;
    QString reportTarget;
};

// Takes --secret values out of argv and blanks them in place, so they do not stay
// visible in /proc/PID/cmdline and process listings. Call before QCoreApplication.
QStringList takeSecretsFromArgv(int argc, char **argv);

// Whether argv asks for a mode that needs no GUI (decides the application class).
bool wantsNoGui(int argc, char **argv);

// Parses the arguments. On --help/--version it prints and exits; on an error it
// returns nullopt with a sentence in error.
std::optional<AppOptions> parseOptions(const QCoreApplication &app, const QStringList &secretsFromArgv,
                                       QString *error);

// Builds the receiver configuration from options (secrets, TLS files, limits).
std::optional<ReceiverConfig> receiverConfig(const AppOptions &options, QString *error);

} // namespace mm
