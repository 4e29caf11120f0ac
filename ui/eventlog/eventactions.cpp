// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventactions.h"

#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "replay/curlcommand.h"
#include "verify/signingsecret.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QItemSelectionModel>
#include <QTableView>
#include <algorithm>

namespace mm {

EventActions::EventActions(QTableView *view, MonitorModel *model)
    : QObject(view)
    , m_view(view)
    , m_model(model)
    , m_copyCurl(new QAction(tr("Copy as curl"), view))
    , m_export(new QAction(tr("Export selection as JSONL…"), view))
    , m_exportHar(new QAction(tr("Export selection as HAR…"), view))
{
    m_copyCurl->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    m_copyCurl->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copyCurl->setToolTip(tr("Copies a curl command that re-sends this delivery, signed now: it is "
                              "accepted until the signature is older than the receiver's tolerance"));
    m_export->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
    m_export->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    view->addAction(m_copyCurl);
    m_exportHar->setObjectName(QStringLiteral("exportSelectionHar"));
    m_exportHar->setToolTip(
        tr("An HTTP Archive (HAR 1.2) of the selected deliveries; signatures are masked"));
    view->addAction(m_export);
    view->addAction(m_exportHar);
    connect(m_copyCurl, &QAction::triggered, this, &EventActions::copyAsCurl);
    connect(m_export, &QAction::triggered, this,
            [this] { exportSelection(MonitorModel::ExportFormat::JsonLines); });
    connect(m_exportHar, &QAction::triggered, this,
            [this] { exportSelection(MonitorModel::ExportFormat::Har); });
    connect(model, &MonitorModel::detailReady, this, &EventActions::onDetail);
    connect(model, &MonitorModel::exportFinished, this,
            [this](qint64 count, const QString &path, const QString &error) {
                Q_EMIT message(count < 0 ? tr("Export failed: %1").arg(error)
                                         : tr("Exported %Ln deliveries to %1", nullptr, int(count))
                                               .arg(QDir::toNativeSeparators(path)));
            });
    connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &EventActions::updateEnabled);
    connect(view->model(), &QAbstractItemModel::modelReset, this, &EventActions::updateEnabled);
    updateEnabled();
}

EventActions::~EventActions() = default;

void EventActions::setCurlTarget(const QUrl &target, std::shared_ptr<const SigningSecret> secret,
                                 int toleranceSeconds)
{
    m_target = target;
    m_secret = std::move(secret);
    m_toleranceSeconds = toleranceSeconds;
}

QList<qint64> EventActions::selectedRowIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &row : m_view->selectionModel()->selectedRows())
        ids.append(row.data(RowIdRole).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

void EventActions::updateEnabled()
{
    const qsizetype selected = m_view->selectionModel()->selectedRows().size();
    m_copyCurl->setEnabled(selected == 1);
    m_export->setEnabled(selected > 0);
    m_exportHar->setEnabled(selected > 0);
}

void EventActions::copyAsCurl()
{
    const QList<qint64> ids = selectedRowIds();
    if (ids.size() != 1 || !m_storeAvailable)
        return;
    m_curlRequest = m_model->requestDetail(ids.first());
}

void EventActions::onDetail(const DeliveryDetail &detail)
{
    if (m_curlRequest == 0 || detail.request != m_curlRequest)
        return;
    m_curlRequest = 0;
    if (!detail.found) {
        Q_EMIT message(tr("Cannot copy as curl: %1").arg(detail.error));
        return;
    }
    const QString command = curlCommand(
        {m_target, detail.msgId, detail.body, QDateTime::currentSecsSinceEpoch(), m_secret.get()});
    QApplication::clipboard()->setText(command);
    const int minutes = m_toleranceSeconds / 60;
    const QString within = m_toleranceSeconds % 60 != 0 ? tr("%1 s").arg(m_toleranceSeconds)
        : minutes == 1                                  ? tr("1 minute")
                                                        : tr("%1 minutes").arg(minutes);
    Q_EMIT message(m_secret
                       ? tr("Copied a curl command signed now: a receiver accepts it for %1.").arg(within)
                       : tr("Copied a curl command without a signature: no secret is configured."));
}

void EventActions::exportSelection(MonitorModel::ExportFormat format)
{
    const bool har = format == MonitorModel::ExportFormat::Har;
    const QString path = QFileDialog::getSaveFileName(
        m_view->window(), har ? tr("Export selection as HAR") : tr("Export selection as JSON Lines"),
        QDir::home().filePath(
            QStringLiteral("deliveries-%1.%2")
                .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")),
                     har ? QStringLiteral("har") : QStringLiteral("jsonl"))),
        har ? tr("HTTP Archive (*.har);;All files (*)") : tr("JSON Lines (*.jsonl);;All files (*)"));
    if (!path.isEmpty())
        exportSelectionTo(path, format);
}

void EventActions::exportSelectionTo(const QString &path, MonitorModel::ExportFormat format)
{
    QList<qint64> ids = selectedRowIds();
    // A fed-back copy stands for its stored delivery: export that once.
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.isEmpty() || !m_storeAvailable)
        return;
    m_model->exportRows(ids, path, format);
}

} // namespace mm
