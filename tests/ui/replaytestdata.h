// SPDX-License-Identifier: GPL-3.0-or-later
// A store of signed-looking deliveries for the replay window tests.
#pragma once

#include "helperverify.h"
#include "store/store.h"
#include "store/storewriter.h"
#include "testsecret.h"

#include <QTest>

namespace mm::test {

// Delivery n: msg_n of migration mig_(n % 2), a real Anon envelope as its body.
inline DeliveryRecord replayRecord(int n, const char *type = "migration.started")
{
    DeliveryRecord r;
    r.msgId = "msg_" + QByteArray::number(n);
    r.eventId = QStringLiteral("evt_%1").arg(n);
    r.type = QString::fromLatin1(type);
    r.migrationId = QStringLiteral("mig_%1").arg(n % 2);
    r.status = QStringLiteral("WORKING");
    r.parsed = true;
    r.createdUs = (1750000000LL + n) * 1000000;
    r.body = R"({"id":"evt_)" + QByteArray::number(n) + R"(","object":"event","type":")" + type
        + R"(","data":{"migration_id":"mig_)" + QByteArray::number(n % 2) + R"(","object":{"id":"mig_)"
        + QByteArray::number(n % 2) + R"(","status":"WORKING"}}})";
    r.receivedUs = (1750000000LL + n) * 1000000;
    r.timestampHeader = 1750000000LL + n;
    r.signature = "v1,stored-signature-" + QByteArray::number(n);
    r.headers = "svix-id: " + r.msgId + "\nsvix-signature: v1,[masked]\n";
    return r;
}

// A store holding msg_1 … msg_count (row ids 1 … count).
[[nodiscard]] inline bool fillReplayStore(const QString &dir, int count)
{
    Store store(Store::Options {dir, Durability::Power, 10000, false});
    StoreWriter &writer = store.writer();
    QString error;
    MM_HELPER_VERIFY2(writer.start(&error), qPrintable(error));
    for (int n = 1; n <= count; ++n)
        writer.submit(quint64(n), replayRecord(n));
    writer.stop();
    return true;
}

} // namespace mm::test
