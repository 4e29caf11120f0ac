// SPDX-License-Identifier: GPL-3.0-or-later
// The main window's side of alerts: selecting the migration a notification is about, and
// the in-window banner used when neither a notification server nor a tray can show one.
#include "mainwindow.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "timeline/timelinewidget.h"

#include <QLabel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace mm {

namespace {
const QString OpenLink = QStringLiteral("open");
const QString DismissLink = QStringLiteral("dismiss");
} // namespace

bool MainWindow::selectMigration(const QString &id)
{
    MigrationListModel *source = m_model->migrations();
    const QModelIndexList hits
        = source->match(source->index(0, MigrationListModel::Id), MigrationIdRole, id, 1, Qt::MatchExactly);
    if (id.isEmpty() || hits.isEmpty()) {
        statusBar()->showMessage(tr("Migration %1 is not on the board.").arg(id), 8000);
        return false;
    }
    auto proxyRow = [&] { return m_model->filteredMigrations()->mapFromSource(hits.first()); };
    QModelIndex row = proxyRow();
    if (!row.isValid()) {
        // The filter hides it: the user asked for this migration, so the filter gives way.
        setFilterState(FilterState());
        statusBar()->showMessage(tr("The filter was cleared to show %1.").arg(id), 8000);
        row = proxyRow();
        if (!row.isValid())
            return false;
    }
    m_board->setCurrentIndex(row.siblingAtColumn(MigrationListModel::Id));
    m_board->scrollTo(row, QAbstractItemView::PositionAtCenter);
    showMigration(row);
    m_tabs->setCurrentWidget(m_timelineView->parentWidget());
    m_board->setFocus(Qt::OtherFocusReason);
    return true;
}

QString MainWindow::selectedMigration() const
{
    return m_board->currentIndex().data(MigrationIdRole).toString();
}

void MainWindow::showAlertBanner(const QString &title, const QString &body, const QString &migrationId)
{
    if (!m_alertBanner) {
        // Under the problem banner, in the same layout.
        auto *layout = qobject_cast<QVBoxLayout *>(m_problemBanner->parentWidget()->layout());
        Q_ASSERT(layout);
        m_alertBanner = new QLabel(m_problemBanner->parentWidget());
        m_alertBanner->setObjectName(QStringLiteral("alertBanner"));
        m_alertBanner->setWordWrap(true);
        m_alertBanner->setMargin(fontMetrics().height() / 2);
        // Both colours are set, so it reads the same on light and dark palettes.
        m_alertBanner->setStyleSheet(QStringLiteral("background:#fff3cd; color:#664d03;"));
        m_alertBanner->setTextFormat(Qt::RichText);
        m_alertBanner->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
        m_alertBanner->setFocusPolicy(Qt::TabFocus);
        connect(m_alertBanner, &QLabel::linkActivated, this, [this](const QString &link) {
            const QString id = m_alertMigration;
            showAlertBanner({}, {});
            if (link == OpenLink)
                selectMigration(id);
        });
        layout->insertWidget(layout->indexOf(m_problemBanner) + 1, m_alertBanner);
    }
    m_alertMigration = migrationId;
    if (title.isEmpty()) {
        m_alertBanner->hide();
        return;
    }
    QString html = QStringLiteral("<b>%1</b> %2").arg(title.toHtmlEscaped(), body.toHtmlEscaped());
    html.replace(u'\n', QStringLiteral("<br>"));
    if (!migrationId.isEmpty())
        html += QStringLiteral(" &nbsp;<a href=\"%1\">%2</a>").arg(OpenLink, tr("Open migration"));
    html += QStringLiteral(" &nbsp;<a href=\"%1\">%2</a>").arg(DismissLink, tr("Dismiss"));
    m_alertBanner->setText(html);
    m_alertBanner->show();
}

} // namespace mm
