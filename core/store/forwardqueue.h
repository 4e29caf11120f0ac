// SPDX-License-Identifier: GPL-3.0-or-later
// The forwarding queue's claims: a forwarder takes due rows under a lease, so each row is sent by
// one forwarder at a time, whichever receiver stored it. The engines differ in one clause (FOR
// UPDATE SKIP LOCKED on PostgreSQL, where several receivers claim at once); it stays in here.
#pragma once

#include <QList>
#include <QString>
#include <optional>

namespace mm {

class Store;

// A row is claimed by setting claimed_by to the claimer and next_us to the lease's end, in one
// statement; it stays 'pending'. Settling it (delivered, failed, or due again later) ends the
// claim. A claimer that dies keeps its rows until the lease ends; then any forwarder takes them
// (at least once, as Svix delivers). All calls run on the thread that opened the connection.
class ForwardQueue final
{
public:
    ForwardQueue(const Store &store, QString connectionName, QString claimer);

    // A name no other forwarder has: the receiver's instance, the process id and a random part.
    static QString newClaimer(const QString &instance);
    const QString &claimer() const { return m_claimer; }

    // Claims up to limit pending rows due at nowUs until leaseEndUs, the longest due first; their
    // ids in ascending order (empty when none is due), or nothing on an error.
    std::optional<QList<qint64>> claim(qint64 nowUs, qint64 leaseEndUs, int limit, QString *error);
    // Makes every pending row that no forwarder holds due at nowUs (a restart, "Retry now").
    // Rows under another forwarder's lease are left to it.
    bool makeUnclaimedDue(qint64 nowUs, QString *error);
    // Gives back this claimer's pending rows, due at nowUs (an orderly stop).
    bool releaseClaims(qint64 nowUs, QString *error);

private:
    const bool m_postgres;
    const QString m_connection;
    const QString m_claimer;
};

} // namespace mm
