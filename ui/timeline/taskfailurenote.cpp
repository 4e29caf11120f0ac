// SPDX-License-Identifier: GPL-3.0-or-later
#include "taskfailurenote.h"

#include "model/failureadvice.h"
#include "model/modelroles.h"

#include <QAbstractItemView>
#include <QAction>
#include <QClipboard>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QItemSelectionModel>

namespace mm {

namespace {
constexpr qsizetype ListedTasks = 20; // a longer list ends in "and N more"
} // namespace

TaskFailureNote::TaskFailureNote(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("taskFailureNote"));
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    // Selectable, so a task id can be copied straight from here.
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setFocusPolicy(Qt::TabFocus);
    hide();
}

QString TaskFailureNote::html(const QList<TaskFailure> &failures)
{
    QStringList ids;
    for (const TaskFailure &f : failures) {
        if (!f.taskId.isEmpty() && !ids.contains(f.taskId))
            ids.append(f.taskId);
    }
    if (failures.isEmpty())
        return {};
    if (ids.size() <= 1)
        return tr("⚠ %1").arg(partialExtractionAdvice(ids.value(0)).toHtmlEscaped());
    const qsizetype more = ids.size() - ListedTasks;
    if (more > 0)
        ids.resize(ListedTasks);
    for (QString &id : ids)
        id = QStringLiteral("<code>%1</code>").arg(id.toHtmlEscaped());
    QString list = ids.join(QStringLiteral(", "));
    if (more > 0)
        list = tr("%1 and %2 more").arg(list).arg(more);
    return tr("⚠ Files may still be available for the failed tasks: poll Anon's files API for their "
              "partial extractions. Tasks: %1.")
        .arg(list);
}

void TaskFailureNote::showFor(const Migration *m, const EventLog &log)
{
    const QString text = m && m->taskFailureCount > 0 ? html(m->taskFailures(log)) : QString();
    setText(text);
    setVisible(!text.isEmpty());
}

QAction *addCopyTaskIdAction(QAbstractItemView *view)
{
    auto *action = new QAction(QCoreApplication::translate("mm::TaskFailureNote", "Copy task id"), view);
    action->setObjectName(QStringLiteral("copyTaskId"));
    action->setEnabled(false);
    auto currentTask = [view] { return view->currentIndex().data(TaskIdRole).toString(); };
    auto update = [action, currentTask] { action->setEnabled(!currentTask().isEmpty()); };
    QObject::connect(action, &QAction::triggered, view, [currentTask] {
        const QString id = currentTask();
        if (!id.isEmpty())
            QGuiApplication::clipboard()->setText(id);
    });
    // The view has its model (and so its selection model) by now.
    if (QItemSelectionModel *selection = view->selectionModel())
        QObject::connect(selection, &QItemSelectionModel::currentChanged, view, update);
    if (QAbstractItemModel *model = view->model()) {
        QObject::connect(model, &QAbstractItemModel::modelReset, view, update);
        QObject::connect(model, &QAbstractItemModel::layoutChanged, view, update);
    }
    view->addAction(action);
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    return action;
}

} // namespace mm
