// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes JSON Lines import (the --export format read back): JsonlImporter::parseLine on
// every line, and JsonlImporter::importFrom into a real store followed by an export, which
// must give back exactly the lines the importer accepted, byte for byte.
//
// Input: JSON Lines text (tests/fuzz/corpus/fuzz_import/* are real `--export` output, some
// with duplicates, blank, CRLF and unreadable lines mixed in).
#include "fuzzcommon.h"
#include "store/database.h"
#include "store/jsonlexporter.h"
#include "store/jsonlimporter.h"
#include "store/store.h"

#include <QBuffer>
#include <QHashFunctions>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace mm;

namespace {
// The store round trip (two SQLite connections opened, a transaction, an export) costs
// several times the line checks, so it runs for one input in StoreEvery, chosen by a hash of
// the input (the same input always takes the same path), and only for inputs up to
// MaxStoreInput bytes.
constexpr size_t StoreEvery = 4;
constexpr qsizetype MaxStoreInput = 256 * 1024;
constexpr int KeptErrors = 20; // JsonlImporter keeps the first 20 sentences

struct Line
{
    qint64 number = 0; // 1-based, as importFrom counts them
    QByteArray text;
    std::optional<ImportedDelivery> delivery; // what parseLine read
    QString error; // or why it refused the line
    QByteArray exported; // the line the store exports for delivery
};

// The lines importFrom reads: split at '\n', one trailing '\r' dropped, blank lines skipped.
QList<Line> splitLines(QByteArrayView data)
{
    QList<Line> lines;
    qint64 number = 0;
    qsizetype pos = 0;
    while (pos < data.size()) {
        qsizetype end = data.indexOf('\n', pos);
        const qsizetype next = end < 0 ? data.size() : end + 1;
        if (end < 0)
            end = data.size();
        QByteArray text = data.sliced(pos, end - pos).toByteArray();
        pos = next;
        ++number;
        if (text.endsWith('\r'))
            text.chop(1);
        if (text.trimmed().isEmpty())
            continue;
        lines.append({number, text, std::nullopt, QString(), QByteArray()});
    }
    return lines;
}

QString nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QString() : s;
}

// The line the store exports for an imported delivery (empty columns are stored as NULL).
QByteArray exportLine(const ImportedDelivery &d)
{
    const DeliveryRecord &r = d.record;
    return JsonlExporter::line(QString::fromUtf8(r.msgId), nullIfEmpty(r.eventId), nullIfEmpty(r.type),
                               nullIfEmpty(r.migrationId), r.createdUs ? QVariant(*r.createdUs) : QVariant(),
                               r.receivedUs, d.attempts, r.parsed, r.body);
}

bool sameDelivery(const ImportedDelivery &a, const ImportedDelivery &b)
{
    const DeliveryRecord &x = a.record;
    const DeliveryRecord &y = b.record;
    return x.msgId == y.msgId && x.body == y.body && x.receivedUs == y.receivedUs && a.attempts == b.attempts
        && x.parsed == y.parsed && x.eventId == y.eventId && x.type == y.type
        && x.migrationId == y.migrationId && x.createdUs == y.createdUs && x.status == y.status
        && x.errorMessage == y.errorMessage && x.taskId == y.taskId && x.companyId == y.companyId
        && x.createdByUserId == y.createdByUserId && x.objectCreatedUs == y.objectCreatedUs;
}

// One line on its own: accepted with sane values, or refused with a sentence; what is
// accepted exports to a line that imports as the same delivery and exports the same again.
void checkLine(Line &line)
{
    line.delivery = JsonlImporter::parseLine(line.text, &line.error);
    const std::optional<ImportedDelivery> &d = line.delivery;
    if (!d) {
        MM_FUZZ_CHECK(!line.error.isEmpty());
        return;
    }
    const DeliveryRecord &r = d->record;
    MM_FUZZ_CHECK(!r.msgId.isEmpty() && r.msgId.size() <= 256);
    MM_FUZZ_CHECK(d->attempts >= 1 && d->attempts <= 1000000);
    MM_FUZZ_CHECK(r.headers.isEmpty() && r.signature.isEmpty()); // an export carries none

    const QByteArray exported = exportLine(*d);
    MM_FUZZ_CHECK(!exported.contains('\n')); // one delivery, one line
    QString again;
    const std::optional<ImportedDelivery> back = JsonlImporter::parseLine(exported, &again);
    if (!back)
        std::fprintf(stderr, "re-import refused: %s\n%s\n", qPrintable(again), exported.constData());
    MM_FUZZ_CHECK(back.has_value());
    if (!sameDelivery(*d, *back))
        std::fprintf(stderr, "re-import differs:\n%s\n", exported.constData());
    MM_FUZZ_CHECK(sameDelivery(*d, *back));
    MM_FUZZ_CHECK(exportLine(*back) == exported);
    line.exported = exported;
}

// One store for the whole run, emptied after each input; its folder is removed at exit.
struct FuzzStore
{
    FuzzStore()
    {
        MM_FUZZ_CHECK(dir.isValid());
        QString error;
        const auto db = Database::open(dataDir, connection, &error);
        if (!db)
            std::fprintf(stderr, "cannot create the store: %s\n", qPrintable(error));
        MM_FUZZ_CHECK(db.has_value());
    }

    QTemporaryDir dir;
    QString dataDir = dir.filePath(QStringLiteral("data")); // dir is made first
    const QString connection = QStringLiteral("fuzz-import-clear");
    mm::Store store {mm::Store::Options {dataDir}};
};

FuzzStore &store()
{
    static FuzzStore s;
    return s;
}

void clearStore()
{
    QSqlDatabase db = QSqlDatabase::database(store().connection);
    QSqlQuery q(db);
    MM_FUZZ_CHECK(q.exec(QStringLiteral("DELETE FROM deliveries")));
}

// The whole input through importFrom into an empty store, then exported again.
void checkImport(QByteArrayView data, const QList<Line> &lines)
{
    QByteArray input = data.toByteArray();
    QBuffer in(&input);
    MM_FUZZ_CHECK(in.open(QIODevice::ReadOnly));
    QString error;
    const auto result = JsonlImporter::importFrom(store().store, in, &error);
    if (!result)
        std::fprintf(stderr, "import failed: %s\n", qPrintable(error));
    MM_FUZZ_CHECK(result.has_value());

    QByteArray expected;
    QSet<QByteArray> seen;
    qint64 invalid = 0;
    QStringList errors;
    for (const Line &line : lines) {
        if (!line.delivery) {
            ++invalid;
            if (errors.size() < KeptErrors)
                errors.append(QStringLiteral("line %1: %2").arg(line.number).arg(line.error));
            continue;
        }
        // The first line of a message id is stored; later ones are duplicates.
        if (seen.contains(line.delivery->record.msgId))
            continue;
        seen.insert(line.delivery->record.msgId);
        expected += line.exported + '\n';
    }
    MM_FUZZ_CHECK(result->lines == lines.size());
    MM_FUZZ_CHECK(result->invalid == invalid);
    MM_FUZZ_CHECK(result->imported == seen.size());
    MM_FUZZ_CHECK(result->imported + result->duplicates + result->invalid == result->lines);
    MM_FUZZ_CHECK(result->errors == errors); // each "line N: why", numbered as in the input

    QByteArray exported;
    QBuffer out(&exported);
    MM_FUZZ_CHECK(out.open(QIODevice::WriteOnly));
    const qint64 count = JsonlExporter::exportStore(store().store, out, &error);
    MM_FUZZ_CHECK(count == seen.size());
    if (exported != expected)
        std::fprintf(stderr, "export after import differs:\n--- expected\n%s--- exported\n%s",
                     expected.constData(), exported.constData());
    MM_FUZZ_CHECK(exported == expected);
    clearStore();
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietMessages();
    fuzz::ensureApplication();
    (void)store();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    QList<Line> lines = splitLines(input);
    bool anyValid = false;
    for (Line &line : lines) {
        checkLine(line);
        anyValid = anyValid || line.delivery.has_value();
    }
    if (anyValid && input.size() <= MaxStoreInput && qHash(input, 0) % StoreEvery == 0)
        checkImport(input, lines);
    return 0;
}
