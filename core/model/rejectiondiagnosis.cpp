// SPDX-License-Identifier: GPL-3.0-or-later
#include "rejectiondiagnosis.h"

#include <QCoreApplication>

namespace mm {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("mm::RejectionDiagnosis", text);
}

bool hasHeader(const RejectionRecord &r, QByteArrayView svixName)
{
    // Svix's own prefix or the Standard Webhooks one.
    const QByteArray suffix = svixName.toByteArray().mid(4); // "-id", "-timestamp", "-signature"
    for (const auto &header : r.headers) {
        const QByteArray name = header.first.toLower();
        if (name == "svix" + suffix || name == "webhook" + suffix)
            return true;
    }
    return false;
}

QString secretList(const QStringList &hints)
{
    QStringList shown;
    // Never more than the last four characters, whatever the caller passes.
    for (const QString &hint : hints)
        shown.append(QStringLiteral("…") + hint.right(4));
    return shown.join(QStringLiteral(", "));
}

// Seconds between the signed timestamp and receipt: positive when the timestamp is old.
qint64 ageSeconds(const RejectionRecord &r)
{
    return r.receivedUs / 1000000 - r.timestampHeader;
}
} // namespace

QString diagnoseRejection(const RejectionRecord &r, const QStringList &secretHints)
{
    const QString code = r.reasonCode;
    if (code == QLatin1String("missing_headers")) {
        if (!hasHeader(r, "svix-signature"))
            return tr("No svix-signature header: is this sender Svix?");
        if (!hasHeader(r, "svix-timestamp"))
            return tr("No svix-timestamp header: is this sender Svix?");
        return tr("No svix-id header: is this sender Svix?");
    }
    if (code == QLatin1String("no_matching_signature")) {
        if (secretHints.size() == 1)
            return tr("No matching signature: the configured secret (%1) is probably not this endpoint's. "
                      "Copy the signing secret from the endpoint's page in the Anon dashboard.")
                .arg(secretList(secretHints));
        if (secretHints.size() > 1)
            return tr("No matching signature: none of the configured secrets (%1) is probably this "
                      "endpoint's. Copy the signing secret from the endpoint's page in the Anon dashboard.")
                .arg(secretList(secretHints));
        return tr("No matching signature, and no secret is configured now.");
    }
    if (code == QLatin1String("timestamp_too_old"))
        return tr("Timestamp %1 s old: check this computer's clock, or the delivery is a stale replay.")
            .arg(ageSeconds(r));
    if (code == QLatin1String("timestamp_too_new"))
        return tr("Timestamp %1 s in the future: check this computer's clock.").arg(-ageSeconds(r));
    if (code == QLatin1String("no_secret_configured"))
        return tr("No signing secret is configured: add this endpoint's secret in Settings.");
    if (code == QLatin1String("invalid_headers"))
        return tr("Malformed svix headers (the id is too long or the timestamp is not Unix seconds): is this "
                  "sender Svix?");
    return r.reason; // what the receiver said at the time
}

} // namespace mm
