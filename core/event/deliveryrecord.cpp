// SPDX-License-Identifier: GPL-3.0-or-later
#include "deliveryrecord.h"

#include "envelope.h"

namespace mm {

DeliveryRecord deliveryRecordFromBody(const QByteArray &body)
{
    const Envelope envelope = parseEnvelope(body);
    DeliveryRecord record;
    record.eventId = envelope.eventId;
    record.type = envelope.type;
    record.migrationId = envelope.migrationId;
    record.createdUs = envelope.createdUs;
    record.status = envelope.status;
    record.errorMessage = envelope.errorMessage;
    record.taskId = envelope.taskId;
    record.companyId = envelope.companyId;
    record.createdByUserId = envelope.createdByUserId;
    record.objectCreatedUs = envelope.objectCreatedUs;
    record.parsed = envelope.parsed;
    record.body = body;
    return record;
}

} // namespace mm
