// SPDX-License-Identifier: GPL-3.0-or-later
#include "failureadvice.h"

#include <QCoreApplication>

namespace mm {

bool isFailureType(QStringView type)
{
    const QStringView last = type.mid(type.lastIndexOf(u'.') + 1);
    for (QStringView word : {QStringView(u"failed"), QStringView(u"rejected")}) {
        if (!last.endsWith(word, Qt::CaseInsensitive))
            continue;
        // The whole part, or a word of it after an underscore: not "unfailed".
        const qsizetype before = last.size() - word.size();
        if (before == 0 || last.at(before - 1) == u'_')
            return true;
    }
    return false;
}

QString partialExtractionAdvice(const QString &taskId)
{
    if (taskId.isEmpty())
        return QCoreApplication::translate("mm",
                                           "Files may still be available for this task: poll "
                                           "Anon's files API for its partial extractions.");
    return QCoreApplication::translate("mm",
                                       "Files may still be available for task %1: poll Anon's "
                                       "files API for its partial extractions.")
        .arg(taskId);
}

} // namespace mm
