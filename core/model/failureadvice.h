// SPDX-License-Identifier: GPL-3.0-or-later
// What the vendor's page says about failures beyond the lifecycle: which event types announce
// one (a login workflow rejection, a type added after this app), and what to do after a task
// failure (its files may still be there).
#pragma once

#include <QString>
#include <QStringView>

namespace mm {

// True when type reads as a failure: its last dot-separated part is "failed" or "rejected", or
// ends in "_failed" or "_rejected" ("migration.failed", "export.rejected",
// "migration.login_rejected"). Letter case is ignored.
bool isFailureType(QStringView type);

// The vendor's advice after a migration_task.failed, naming the task when it is known:
// "Files may still be available for task tsk_9: poll Anon's files API for its partial
// extractions."
QString partialExtractionAdvice(const QString &taskId);

} // namespace mm
