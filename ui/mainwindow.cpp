// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "eventlog/livelogmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace mm {

namespace {
QLabel *banner(const QString &style, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setMargin(8);
    label->setStyleSheet(style);
    label->hide();
    return label;
}
} // namespace

MainWindow::MainWindow(LiveLogModel *log, QWidget *parent)
    : QMainWindow(parent)
    , m_log(log)
{
    setWindowTitle(tr("Migration Monitor"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_demoBanner = banner(QStringLiteral("background:#fff3cd; color:#664d03;"), central);
    m_demoBanner->setText(tr("<b>Demo data.</b> A built-in simulated sender is delivering signed events to this "
                             "app's real receiver. Nothing here is stored in your real data folder."));
    m_problemBanner = banner(QStringLiteral("background:#f8d7da; color:#842029;"), central);

    m_view = new QTableView(central);
    m_view->setModel(m_log);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(LiveLogModel::Time, 110);
    m_view->setColumnWidth(LiveLogModel::Status, 50);
    m_view->setColumnWidth(LiveLogModel::Verdict, 170);
    m_view->setColumnWidth(LiveLogModel::MessageId, 280);
    m_view->setColumnWidth(LiveLogModel::Type, 190);

    layout->addWidget(m_demoBanner);
    layout->addWidget(m_problemBanner);
    layout->addWidget(m_view, 1);
    setCentralWidget(central);

    m_urlLabel = new QLabel(this);
    m_urlLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_countsLabel = new QLabel(this);
    statusBar()->addWidget(m_urlLabel, 1);
    statusBar()->addPermanentWidget(m_countsLabel);
    updateCounts();

    // Follow new rows while the view is at the bottom (as it is at first).
    auto follow = std::make_shared<bool>(true);
    connect(m_log, &QAbstractItemModel::rowsAboutToBeInserted, this, [this, follow] {
        const QScrollBar *bar = m_view->verticalScrollBar();
        *follow = bar->value() >= bar->maximum();
    });
    connect(m_log, &QAbstractItemModel::rowsInserted, this, [this, follow] {
        if (*follow)
            m_view->scrollToBottom();
    });
    connect(m_log, &LiveLogModel::countsChanged, this, &MainWindow::updateCounts);
    resize(1100, 640);
}

void MainWindow::setListenUrl(const QString &url)
{
    m_urlLabel->setText(tr("Listening on %1").arg(url));
}

void MainWindow::setDemo(bool demo)
{
    m_demoBanner->setVisible(demo);
    setWindowTitle(demo ? tr("Migration Monitor — demo") : tr("Migration Monitor"));
}

void MainWindow::setProblem(const QString &text)
{
    m_problemBanner->setText(text);
    m_problemBanner->setVisible(!text.isEmpty());
}

void MainWindow::updateCounts()
{
    m_countsLabel->setText(tr("%1 accepted · %2 duplicates · %3 rejected")
                               .arg(m_log->accepted())
                               .arg(m_log->duplicates())
                               .arg(m_log->rejected()));
}

} // namespace mm
