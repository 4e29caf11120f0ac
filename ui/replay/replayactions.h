// SPDX-License-Identifier: GPL-3.0-or-later
// The window's replay commands: replay the selected events, the selected migration or what
// the filter shows (the replay dialog), edit one and replay it, and feed events back into
// the monitor as replayed copies. Sessions come from the factory app/ hands in; the model
// reads and re-injects. Nothing here touches the store or the network itself.
#pragma once

#include "editreplaydialog.h"
#include "replaydialog.h"

#include <QList>
#include <QObject>
#include <QPointer>

class QAction;
class QTableView;
class QWidget;

namespace mm {

class MonitorModel;

class ReplayActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayActions)

public:
    // What the replay dialog opens with.
    enum Scope { Selection, Migration, Filtered };

    // events: the event log (its selection); board: the migrations board (its current row).
    ReplayActions(QWidget *window, QTableView *events, QTableView *board, MonitorModel *model);
    ~ReplayActions() override;

    // Whether the model has a store to replay from.
    void setStoreAvailable(bool available) { m_storeAvailable = available; }
    void setSessionFactory(ReplaySessionFactory factory);
    // The configured signing secrets, offered by their last four characters.
    void setSecrets(const QList<SigningSecret> &secrets);
    // The target URL to offer (the last one used).
    void setTarget(const QString &url) { m_target = url; }
    QString target() const { return m_target; }

    QAction *replaySelectionAction() const { return m_replaySelection; }
    QAction *replayMigrationAction() const { return m_replayMigration; }
    QAction *replayFilteredAction() const { return m_replayFiltered; }
    QAction *historyAction() const { return m_history; }
    QAction *feedSelectionAction() const { return m_feedSelection; }
    QAction *feedMigrationAction() const { return m_feedMigration; }

    // Opens (or raises) the replay dialog with scope chosen, when it can be offered.
    ReplayDialog *openReplay(Scope scope);
    ReplayDialog *replayDialog() const { return m_dialog; }
    // Opens the edit-and-replay dialog for this delivery.
    EditReplayDialog *editAndReplay(const DeliveryDetail &detail);
    // The choices the replay dialog would offer now; *current is set to scope's, when offered.
    QList<ReplayScope> scopes(Scope scope, int *current) const;

    // Feeds these stored deliveries back into the monitor, marked replayed.
    void feedBack(const QList<qint64> &rowIds);

Q_SIGNALS:
    void message(const QString &text);
    // A replay was started to this URL.
    void targetUsed(const QString &url);

private:
    QList<qint64> selectedRowIds() const;
    QString currentMigration() const;
    void updateEnabled();
    void rememberTarget(const QString &url);

    QWidget *m_window;
    QTableView *m_events;
    QTableView *m_board;
    MonitorModel *m_model;
    ReplaySessionFactory m_factory;
    QList<SigningSecret> m_secrets;
    bool m_storeAvailable = false;
    QString m_target;
    QPointer<ReplayDialog> m_dialog;
    QList<QPointer<EditReplayDialog>> m_editors;
    QAction *m_replaySelection;
    QAction *m_replayMigration;
    QAction *m_replayFiltered;
    QAction *m_history;
    QAction *m_feedSelection;
    QAction *m_feedMigration;
};

} // namespace mm
