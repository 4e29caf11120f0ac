// SPDX-License-Identifier: GPL-3.0-or-later
// The main window's side of replay and forwarding: the replay commands and dialogs, import
// and whole-store export, feeding events back in, and the Forwarding tab.
#include "files/fileactions.h"
#include "forwarding/forwardingview.h"
#include "inspector/inspectorwidget.h"
#include "mainwindow.h"
#include "replay/replayactions.h"

#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>

namespace mm {

namespace {
constexpr int MessageMs = 10000;
}

void MainWindow::addReplay()
{
    m_replayActions = new ReplayActions(this, m_events, m_board, m_model);
    connect(m_replayActions, &ReplayActions::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, MessageMs); });
    connect(m_replayActions, &ReplayActions::targetUsed, this, &MainWindow::replayTargetUsed);
    connect(m_inspector, &InspectorWidget::editAndReplayRequested, this,
            [this] { m_replayActions->editAndReplay(m_inspector->detail()); });

    m_fileActions = new FileActions(this, m_model);
    connect(m_fileActions, &FileActions::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, MessageMs); });
    connect(m_fileActions, &FileActions::problem, this,
            [this](const QString &title, const QString &text) { showAlertBanner(title, text); });

    m_forwarding = new ForwardingView(m_tabs);
    m_tabs->addTab(m_forwarding, tr("Forwarding"));
    connect(m_forwarding, &ForwardingView::settingsRequested, this, &MainWindow::settingsRequested);
}

void MainWindow::setReplayStoreAvailable(bool available)
{
    m_replayActions->setStoreAvailable(available);
    m_fileActions->setStoreAvailable(available);
}

void MainWindow::setReplaySessionFactory(ReplaySessionFactory factory)
{
    m_inspector->setEditAndReplayAvailable(bool(factory));
    m_replayActions->setSessionFactory(std::move(factory));
}

void MainWindow::setReplaySecrets(const QList<SigningSecret> &secrets)
{
    m_replayActions->setSecrets(secrets);
}

void MainWindow::setReplayTarget(const QString &url)
{
    m_replayActions->setTarget(url);
}

} // namespace mm
