// SPDX-License-Identifier: GPL-3.0-or-later
// What the vendor advises after task failures, under the timeline: their files may still be
// available through Anon's files API. The task ids are selectable, and "Copy task id" on the
// timeline's table copies one.
#pragma once

#include "model/migration.h"

#include <QLabel>

class QAbstractItemView;
class QAction;

namespace mm {

class EventLog;

class TaskFailureNote final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskFailureNote)

public:
    explicit TaskFailureNote(QWidget *parent = nullptr);

    // Shows the note for m's task failures; hides it when there are none (or no m).
    void showFor(const Migration *m, const EventLog &log);
    // The note's rich text for these failures (empty for none); ids are listed once each.
    static QString html(const QList<TaskFailure> &failures);
};

// Adds "Copy task id" to view's context menu (view has its model already): enabled on a task
// failure's row (TaskIdRole), it puts that id on the clipboard.
QAction *addCopyTaskIdAction(QAbstractItemView *view);

} // namespace mm
