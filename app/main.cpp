// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("migration-monitor"));
    QApplication::setApplicationDisplayName(QStringLiteral("Migration Monitor"));
    QApplication::setApplicationVersion(QStringLiteral(MM_VERSION));
    QApplication::setOrganizationName(QStringLiteral("migration-monitor"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Watch Anon data migrations live through their Svix-signed webhooks."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    mm::MainWindow window;
    window.setListenUrl(QStringLiteral("http://127.0.0.1:8787/webhooks"));
    window.show();
    return app.exec();
}
