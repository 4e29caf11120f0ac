// SPDX-License-Identifier: GPL-3.0-or-later
#include "companynamescli.h"
#include "guirunner.h"
#include "headless.h"
#include "options.h"
#include "replaycli.h"
#include "storepassword.h"
#include "util/appid.h"

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#include <cstdio>
#include <memory>

namespace {
void describeApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("migration-monitor"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MM_VERSION));
}
} // namespace

int main(int argc, char *argv[])
{
    // Before anything copies argv: blank secrets so process listings cannot show them.
    const mm::ArgvSecrets argvSecrets = mm::takeSecretsFromArgv(argc, argv);
    std::unique_ptr<QCoreApplication> app;
    if (mm::wantsNoGui(argc, argv))
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    describeApplication();

    QString error;
    auto options = mm::parseOptions(*app, argvSecrets, &error);
    if (!options) {
        std::fprintf(stderr, "migration-monitor: %s\n", qPrintable(error));
        return 2;
    }
    // A PostgreSQL store's password from the keyring, when libpq has none (the window does this
    // once the saved settings have named its store).
    if (options->store && options->mode != mm::AppOptions::Mode::Gui
        && options->mode != mm::AppOptions::Mode::StorePassword)
        mm::passwordFromKeyring(&*options->store);
    switch (options->mode) {
    case mm::AppOptions::Mode::StorePassword:
        return mm::runStorePassword(*options);
    case mm::AppOptions::Mode::Headless:
        return mm::runHeadless(*options);
    case mm::AppOptions::Mode::Export:
        return mm::runExport(*options);
    case mm::AppOptions::Mode::ReportMigrations:
        return mm::runReportMigrations(*options);
    case mm::AppOptions::Mode::Replay:
        return mm::runReplay(*options);
    case mm::AppOptions::Mode::Import:
        return mm::runImport(*options);
    case mm::AppOptions::Mode::ExportHar:
        return mm::runExportHar(*options);
    case mm::AppOptions::Mode::Follow:
        return mm::runFollow(*options);
    case mm::AppOptions::Mode::ExportCompanyNames:
        return mm::runExportCompanyNames(*options);
    case mm::AppOptions::Mode::ImportCompanyNames:
        return mm::runImportCompanyNames(*options);
    case mm::AppOptions::Mode::Gui:
        break;
    }

    QApplication::setApplicationDisplayName(QStringLiteral("Migration Monitor"));
    // Ties the window to the installed .desktop file (Wayland app id, task bars) and its icon.
    QGuiApplication::setDesktopFileName(QLatin1String(mm::AppId));
    QApplication::setWindowIcon(QIcon::fromTheme(QLatin1String(mm::AppId)));
    return mm::runGui(*options);
}
