// SPDX-License-Identifier: GPL-3.0-or-later
#include "replayactions.h"

#include "editreplaydialog.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "replaydialog.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QLocale>
#include <QSet>
#include <QTableView>
#include <algorithm>

namespace mm {

ReplayActions::ReplayActions(QWidget *window, QTableView *events, QTableView *board, MonitorModel *model)
    : QObject(window)
    , m_window(window)
    , m_events(events)
    , m_board(board)
    , m_model(model)
    , m_replaySelection(new QAction(tr("&Replay selection…"), events))
    , m_replayMigration(new QAction(tr("Replay &migration…"), board))
    , m_replayFiltered(new QAction(tr("Replay everything the &filter shows…"), window))
    , m_history(new QAction(tr("Replay &history"), window))
    , m_feedSelection(new QAction(tr("&Feed selection back into the monitor"), events))
    , m_feedMigration(new QAction(tr("Feed migration &back into the monitor"), board))
{
    m_replaySelection->setObjectName(QStringLiteral("replaySelection"));
    m_replaySelection->setShortcut(QKeySequence(tr("Ctrl+R")));
    m_replaySelection->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_replaySelection->setToolTip(tr("Sends the selected deliveries again to a URL of your choice"));
    m_replayMigration->setObjectName(QStringLiteral("replayMigration"));
    m_replayMigration->setShortcut(QKeySequence(tr("Ctrl+R")));
    m_replayMigration->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_replayFiltered->setObjectName(QStringLiteral("replayFiltered"));
    m_history->setObjectName(QStringLiteral("replayHistory"));
    m_feedSelection->setObjectName(QStringLiteral("feedSelection"));
    m_feedSelection->setToolTip(
        tr("Adds copies of the selected deliveries to the event log, marked replayed, "
           "so migrations and alerts are worked out again. The store is unchanged."));
    m_feedMigration->setObjectName(QStringLiteral("feedMigration"));
    m_feedMigration->setToolTip(m_feedSelection->toolTip());

    auto *separator = new QAction(events);
    separator->setSeparator(true);
    events->addAction(separator);
    events->addAction(m_replaySelection);
    events->addAction(m_feedSelection);
    board->setContextMenuPolicy(Qt::ActionsContextMenu);
    board->addAction(m_replayMigration);
    board->addAction(m_feedMigration);

    connect(m_replaySelection, &QAction::triggered, this, [this] { openReplay(Selection); });
    connect(m_replayMigration, &QAction::triggered, this, [this] { openReplay(Migration); });
    connect(m_replayFiltered, &QAction::triggered, this, [this] { openReplay(Filtered); });
    connect(m_history, &QAction::triggered, this, [this] {
        if (ReplayDialog *dialog = openReplay(Selection))
            dialog->showPage(ReplayDialog::HistoryPage);
    });
    connect(m_feedSelection, &QAction::triggered, this, [this] { feedBack(selectedRowIds()); });
    connect(m_feedMigration, &QAction::triggered, this,
            [this] { feedBack(m_model->rowIdsOfMigration(currentMigration())); });
    connect(model, &MonitorModel::reinjectFinished, this, [this](qint64 count, const QString &error) {
        Q_EMIT message(count < 0
                           ? tr("Could not feed deliveries back: %1").arg(error)
                           : tr("Fed %1 deliveries back into the monitor; the event log marks the copies "
                                "\"replayed\".")
                                 .arg(QLocale().toString(count)));
    });
    connect(events->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ReplayActions::updateEnabled);
    connect(board->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ReplayActions::updateEnabled);
    connect(board->model(), &QAbstractItemModel::modelReset, this, &ReplayActions::updateEnabled);
    updateEnabled();
}

ReplayActions::~ReplayActions() = default;

void ReplayActions::setSessionFactory(ReplaySessionFactory factory)
{
    m_factory = std::move(factory);
    updateEnabled();
}

void ReplayActions::setSecrets(const QList<SigningSecret> &secrets)
{
    m_secrets = secrets;
    if (m_dialog)
        m_dialog->setSecrets(secrets);
    for (const QPointer<EditReplayDialog> &editor : std::as_const(m_editors)) {
        if (editor)
            editor->setSecrets(secrets);
    }
}

void ReplayActions::updateEnabled()
{
    const bool canReplay = bool(m_factory);
    const bool selected = m_events->selectionModel()->hasSelection();
    const bool migration = !currentMigration().isEmpty();
    m_replaySelection->setEnabled(canReplay && selected);
    m_replayMigration->setEnabled(canReplay && migration);
    m_replayFiltered->setEnabled(canReplay);
    m_history->setEnabled(canReplay);
    m_feedSelection->setEnabled(selected);
    m_feedMigration->setEnabled(migration);
}

QList<qint64> ReplayActions::selectedRowIds() const
{
    QSet<qint64> ids; // a fed-back copy stands for its stored delivery
    for (const QModelIndex &row : m_events->selectionModel()->selectedRows())
        ids.insert(row.data(RowIdRole).toLongLong());
    ids.remove(0);
    QList<qint64> sorted(ids.cbegin(), ids.cend());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

QString ReplayActions::currentMigration() const
{
    return m_board->currentIndex().data(MigrationIdRole).toString();
}

QList<ReplayScope> ReplayActions::scopes(Scope scope, int *current) const
{
    QList<ReplayScope> list;
    *current = 0;
    const QLocale locale;
    // An empty row list would mean "everything": a choice with no rows is left out instead.
    const QList<qint64> selected = selectedRowIds();
    if (!selected.isEmpty()) {
        if (scope == Selection)
            *current = int(list.size());
        ReplayScope s;
        s.selection.rowIds = selected;
        const QModelIndexList rows = m_events->selectionModel()->selectedRows();
        s.label = selected.size() == 1 && !rows.isEmpty()
            ? tr("The selected delivery: %1 %2")
                  .arg(rows.first().siblingAtColumn(EventLogModel::Type).data().toString(),
                       rows.first().siblingAtColumn(EventLogModel::Migration).data().toString())
                  .trimmed()
            : tr("The %1 selected deliveries").arg(locale.toString(selected.size()));
        list.append(s);
    }
    const QString migration = currentMigration();
    if (!migration.isEmpty()) {
        const QList<qint64> ids = m_model->rowIdsOfMigration(migration);
        if (!ids.isEmpty()) {
            if (scope == Migration)
                *current = int(list.size());
            ReplayScope s;
            s.selection.rowIds = ids;
            s.label = ids.size() == 1 ? tr("Migration %1: its 1 delivery").arg(migration)
                                      : tr("Migration %1: all %2 of its deliveries, oldest first")
                                            .arg(migration, locale.toString(ids.size()));
            list.append(s);
        }
    }
    EventFilterProxy *shown = m_model->filteredEvents();
    QSet<qint64> ids;
    for (int row = 0; row < shown->rowCount(); ++row)
        ids.insert(shown->index(row, 0).data(RowIdRole).toLongLong());
    ids.remove(0);
    if (!ids.isEmpty()) {
        if (scope == Filtered)
            *current = int(list.size());
        ReplayScope s;
        if (shown->rowCount() < m_model->events()->rowCount()) {
            s.selection.rowIds = QList<qint64>(ids.cbegin(), ids.cend());
            std::sort(s.selection.rowIds.begin(), s.selection.rowIds.end());
            s.label = tr("The %1 deliveries the filter shows").arg(locale.toString(ids.size()));
        } else {
            s.label = tr("Every stored delivery (%1)").arg(locale.toString(ids.size()));
        }
        list.append(s);
    }
    return list;
}

ReplayDialog *ReplayActions::openReplay(Scope scope)
{
    if (!m_factory || !m_storeAvailable) {
        Q_EMIT message(tr("Replay is not available in this window."));
        return nullptr;
    }
    if (!m_dialog) {
        m_dialog = new ReplayDialog(m_factory, m_window);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
        m_dialog->setSecrets(m_secrets);
        m_dialog->setTarget(m_target);
        connect(m_dialog, &ReplayDialog::targetUsed, this, &ReplayActions::rememberTarget);
    }
    if (!m_dialog->isRunning()) {
        int current = 0;
        const QList<ReplayScope> offered = scopes(scope, &current); // before current is read
        m_dialog->setScopes(offered, current);
    }
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
    return m_dialog;
}

EditReplayDialog *ReplayActions::editAndReplay(const DeliveryDetail &detail)
{
    if (!m_factory || !m_storeAvailable || !detail.found) {
        Q_EMIT message(tr("Edit and replay is not available for this delivery."));
        return nullptr;
    }
    auto *dialog = new EditReplayDialog(m_factory, detail, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setSecrets(m_secrets);
    dialog->setTarget(m_target);
    connect(dialog, &EditReplayDialog::targetUsed, this, &ReplayActions::rememberTarget);
    m_editors.removeAll(nullptr);
    m_editors.append(dialog);
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
    return dialog;
}

void ReplayActions::rememberTarget(const QString &url)
{
    m_target = url;
    Q_EMIT targetUsed(url);
}

void ReplayActions::feedBack(const QList<qint64> &rowIds)
{
    if (rowIds.isEmpty() || !m_storeAvailable)
        return;
    Q_EMIT message(tr("Feeding %1 deliveries back into the monitor…").arg(QLocale().toString(rowIds.size())));
    m_model->reinject(rowIds);
}

} // namespace mm
