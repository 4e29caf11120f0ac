// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectioncheck.h"

#include <QCoreApplication>
#include <QDateTime>

namespace mm {

namespace {
QString timeOf(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toLocalTime().toString(QStringLiteral("HH:mm:ss"));
}
} // namespace

ConnectionCheck::Notice ConnectionCheck::noticeFor(const QList<DeliveryLogEntry> &entries, bool haveSecret)
{
    for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
        const DeliveryLogEntry &e = *it;
        if (e.status >= 200 && e.status < 300 && e.type == QLatin1String("svix.ping"))
            return {Kind::PingAccepted,
                    QCoreApplication::translate("mm::ConnectionCheck",
                                                "Svix ping received from %1 at %2: the connection works.")
                        .arg(e.remote, timeOf(e.atUs))};
        if (!haveSecret && e.status == 401)
            return {Kind::ReachedWithoutSecret,
                    QCoreApplication::translate(
                        "mm::ConnectionCheck",
                        "A delivery reached the receiver from %1 at %2, so the tunnel works. Add the "
                        "endpoint's signing secret below to accept it; Svix retries it.")
                        .arg(e.remote, timeOf(e.atUs))};
    }
    return {};
}

} // namespace mm
