// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the tolerant envelope reader: parseEnvelope, repairUnquotedTimestamps and
// parseTimestampUs, with the properties the store and the export rely on.
//
// Input: a delivery body (tests/fuzz/corpus/fuzz_envelope/* are vendor-style envelopes).
#include "event/envelope.h"
#include "fuzzcommon.h"

#include <QJsonDocument>
#include <QStringDecoder>

using namespace mm;

namespace {
bool isUtf8(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)decoder.decode(bytes);
    return !decoder.hasError();
}

// A timestamp that parses prints in the export format and reads back as the same instant.
void checkTimestamp(QStringView text)
{
    const std::optional<qint64> us = parseTimestampUs(text);
    if (!us)
        return;
    const QString printed = formatTimestampUs(*us);
    const std::optional<qint64> again = parseTimestampUs(printed);
    if (again != us) {
        std::fprintf(stderr, "'%s' -> %lld -> '%s' -> %s\n", qPrintable(text.toString()),
                     static_cast<long long>(*us), qPrintable(printed),
                     again ? qPrintable(QString::number(*again)) : "nullopt");
    }
    MM_FUZZ_CHECK(again == us);
    MM_FUZZ_CHECK(formatTimestampUs(*again) == printed);
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietMessages();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));

    const Envelope e = parseEnvelope(body);
    QJsonParseError error {};
    const QJsonDocument direct = QJsonDocument::fromJson(body.toByteArray(), &error);
    const bool strictJson = error.error == QJsonParseError::NoError;
    // Valid JSON is never "repaired"; an object is always read.
    if (strictJson) {
        MM_FUZZ_CHECK(!e.repaired);
        MM_FUZZ_CHECK(e.parsed == direct.isObject());
    }
    if (!e.parsed) {
        MM_FUZZ_CHECK(e.eventId.isEmpty() && e.type.isEmpty() && e.migrationId.isEmpty());
        MM_FUZZ_CHECK(!e.createdUs && !e.objectCreatedUs);
    }
    (void)e.isPing();

    const QByteArray repaired = repairUnquotedTimestamps(body);
    if (!repaired.isEmpty()) {
        // Only valid UTF-8 is repaired, into valid UTF-8 that differs, and once is enough.
        MM_FUZZ_CHECK(isUtf8(body));
        MM_FUZZ_CHECK(isUtf8(repaired));
        MM_FUZZ_CHECK(repaired != body);
        MM_FUZZ_CHECK(repairUnquotedTimestamps(repaired).isEmpty());
        // Repair only adds quotes.
        MM_FUZZ_CHECK(repaired.size() > body.size());
        MM_FUZZ_CHECK((repaired.size() - body.size()) % 2 == 0);
    }

    if (isUtf8(body)) {
        const QString text = QString::fromUtf8(body);
        checkTimestamp(text);
        if (e.parsed) {
            if (const QJsonValue created = e.json.value(QLatin1String("created")); created.isString())
                checkTimestamp(created.toString());
        }
    }
    if (e.createdUs)
        MM_FUZZ_CHECK(parseTimestampUs(formatTimestampUs(*e.createdUs)) == e.createdUs);
    if (e.objectCreatedUs)
        MM_FUZZ_CHECK(parseTimestampUs(formatTimestampUs(*e.objectCreatedUs)) == e.objectCreatedUs);
    return 0;
}
