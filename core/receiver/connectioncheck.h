// SPDX-License-Identifier: GPL-3.0-or-later
// What the receiver's log says about the connection from Svix, for the first-run page and the
// status bar: a verified svix.ping (the "Send example" of an endpoint's Testing tab) means the
// endpoint, the tunnel and the secret all work; any delivery at all while no secret is set means
// the tunnel works and the secret is what is missing. Pure logic over log entries.
#pragma once

#include "receiver.h"

#include <QList>
#include <QString>

namespace mm {

class ConnectionCheck final
{
public:
    enum class Kind {
        None,
        PingAccepted, // a verified svix.ping: everything works
        ReachedWithoutSecret, // a delivery arrived, but no secret is set to verify it
    };
    struct Notice
    {
        Kind kind = Kind::None;
        QString text; // one sentence for people
    };

    // The notice the newest entries give (the last one that says something), or Kind::None.
    static Notice noticeFor(const QList<DeliveryLogEntry> &entries, bool haveSecret);
};

} // namespace mm
