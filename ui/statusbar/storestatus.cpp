// SPDX-License-Identifier: GPL-3.0-or-later
#include "statusbar/storestatus.h"

#include <QCoreApplication>
#include <QTimeZone>

namespace mm {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("mm::StoreStatus", text);
}

QString newestText(qint64 receivedUs, const QDateTime &now)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(receivedUs / 1000, now.timeZone());
    return when.date() == now.date() ? when.toString(QStringLiteral("HH:mm:ss"))
                                     : when.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

QString storeStatusText(const StoreStatus &status, const QDateTime &now)
{
    if (!status.loaded)
        return tr("Loading stored deliveries…");
    if (status.shownCount == 0)
        return tr("No deliveries yet: they appear here as they arrive");
    const bool capped = status.storedCount > status.shownCount;
    if (!status.arrivedSinceLoad || status.newestReceivedUs <= 0) {
        if (capped && status.storedCount > status.loadedCount)
            return tr("%L1 of %L2 stored deliveries loaded in %L3 ms")
                .arg(status.loadedCount)
                .arg(status.storedCount)
                .arg(status.loadMs);
        return tr("%L1 stored deliveries loaded in %L2 ms").arg(status.loadedCount).arg(status.loadMs);
    }
    const QString newest = newestText(status.newestReceivedUs, now);
    if (capped)
        return tr("%L1 deliveries, %L2 in memory · newest %3")
            .arg(status.storedCount)
            .arg(status.shownCount)
            .arg(newest);
    if (status.shownCount == 1)
        return tr("1 delivery · newest %1").arg(newest);
    return tr("%L1 deliveries · newest %2").arg(status.shownCount).arg(newest);
}

QString storeStatusToolTip(const StoreStatus &status)
{
    if (!status.loaded)
        return {};
    return tr("At start-up %L1 stored deliveries were loaded in %L2 ms")
        .arg(status.loadedCount)
        .arg(status.loadMs);
}

} // namespace mm
