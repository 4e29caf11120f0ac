// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include <QLabel>
#include <QVBoxLayout>

namespace mm {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Migration Monitor"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *title = new QLabel(tr("<h2>Migration Monitor</h2>"), central);
    m_urlLabel = new QLabel(central);
    m_urlLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_statusLabel = new QLabel(central);
    m_statusLabel->setWordWrap(true);
    layout->addWidget(title);
    layout->addWidget(m_urlLabel);
    layout->addWidget(m_statusLabel);
    layout->addStretch();
    setCentralWidget(central);
    resize(720, 420);
}

void MainWindow::setListenUrl(const QString &url)
{
    m_urlLabel->setText(tr("Point your Anon webhook endpoint (through a tunnel) at: <b>%1</b>").arg(url.toHtmlEscaped()));
}

void MainWindow::setStatusText(const QString &text)
{
    m_statusLabel->setText(text);
}

} // namespace mm
