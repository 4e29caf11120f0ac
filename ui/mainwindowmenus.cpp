// SPDX-License-Identifier: GPL-3.0-or-later
// The main window's menus and keyboard shortcuts, and what closing it does, kept apart
// from its layout.
#include "eventlog/eventactions.h"
#include "files/fileactions.h"
#include "mainwindow.h"
#include "replay/replayactions.h"

#include <QAction>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>
#include <QTableView>

namespace mm {

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Only the window manager's close (spontaneous) hides to the tray: Quit, Ctrl+Q and
    // SIGTERM close the window from inside the app, and those must end it.
    if (m_closeToTray && event->spontaneous() && isVisible()) {
        event->ignore();
        hide();
        Q_EMIT hiddenToTray();
        return;
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::addMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_fileActions->importAction());
    file->addSeparator();
    file->addAction(m_eventActions->exportAction());
    file->addAction(m_eventActions->exportHarAction());
    file->addAction(m_fileActions->exportAllAction());
    file->addAction(m_fileActions->exportAllHarAction());
    file->addSeparator();
    auto *settings = file->addAction(tr("&Settings…"));
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);
    connect(settings, &QAction::triggered, this, &MainWindow::settingsRequested);
    file->addSeparator();
    auto *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, [] { QCoreApplication::quit(); });

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_eventActions->copyAsCurlAction());
    auto *find = edit->addAction(tr("&Find…"));
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, m_filter, &FilterBar::focusText);

    QMenu *replay = menuBar()->addMenu(tr("&Replay"));
    replay->addAction(m_replayActions->replaySelectionAction());
    replay->addAction(m_replayActions->replayMigrationAction());
    replay->addAction(m_replayActions->replayFilteredAction());
    replay->addSeparator();
    replay->addAction(m_replayActions->feedSelectionAction());
    replay->addAction(m_replayActions->feedMigrationAction());
    replay->addSeparator();
    replay->addAction(m_replayActions->historyAction());

    // Ctrl+1… switch tabs; Ctrl+0 goes to the board.
    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto *board = view->addAction(tr("Migrations &board"));
    board->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(board, &QAction::triggered, this, [this] { m_board->setFocus(Qt::ShortcutFocusReason); });
    for (int i = 0; i < m_tabs->count() && i < 9; ++i) {
        auto *tab = view->addAction(m_tabs->tabText(i));
        tab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(tab, &QAction::triggered, this, [this, i] {
            m_tabs->setCurrentIndex(i);
            m_tabs->currentWidget()->setFocus(Qt::ShortcutFocusReason);
        });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    auto *keys = help->addAction(tr("&Keyboard shortcuts"));
    keys->setShortcut(QKeySequence::HelpContents);
    connect(keys, &QAction::triggered, this, [this] {
        QMessageBox::information(
            this, tr("Keyboard shortcuts"),
            tr("<table cellpadding=3>"
               "<tr><td><b>Ctrl+F</b></td><td>Filter by text</td></tr>"
               "<tr><td><b>Ctrl+0</b></td><td>Migrations board</td></tr>"
               "<tr><td><b>Ctrl+1 … Ctrl+8</b></td><td>Event log, Timeline, Overview, Receiver, Rejected, "
               "Downtime, Stats, Forwarding</td></tr>"
               "<tr><td><b>Space</b></td><td>In the event log: pause or resume following new events</td></tr>"
               "<tr><td><b>Ctrl+Shift+C</b></td><td>Copy the selected event as a signed curl "
               "command</td></tr>"
               "<tr><td><b>Ctrl+Shift+E</b></td><td>Export the selected events as JSON Lines</td></tr>"
               "<tr><td><b>Ctrl+R</b></td><td>Replay the selected events (or, on the board, the selected "
               "migration) to a URL</td></tr>"
               "<tr><td><b>Ctrl+I</b></td><td>Import a JSON Lines export</td></tr>"
               "<tr><td><b>+ / − / 0</b></td><td>In the timeline and the overview: zoom in, zoom out, "
               "fit</td></tr>"
               "<tr><td><b>Ctrl+,</b></td><td>Settings</td></tr>"
               "<tr><td><b>Ctrl+Q</b></td><td>Quit</td></tr></table>"));
    });
    auto *about = help->addAction(tr("&About Migration Monitor"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(
            this, tr("About Migration Monitor"),
            tr("<p><b>Migration Monitor %1</b></p><p>Watches Anon data migrations live from their "
               "Svix-signed webhooks.</p><p>Licence: GPL-3.0-or-later.</p>")
                .arg(QCoreApplication::applicationVersion()));
    });
}

} // namespace mm
