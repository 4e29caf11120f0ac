// SPDX-License-Identifier: GPL-3.0-or-later
// MonitorModel's jobs on the store that run off the GUI thread: exports, the JSON Lines
// import and the rows it adds, and feeding stored deliveries back in.
#include "monitormodel.h"
#include "store/exporter.h"
#include "store/harexporter.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

namespace mm {

namespace {
constexpr qsizetype LiveIngestLimit = 1000; // more new rows than this are shown with a reset

// Writes path whole or not at all, readable by its owner only: exports hold customer data.
using Writer = std::function<qint64(QIODevice &out, QString *error)>;
std::pair<qint64, QString> writePrivately(const QString &path, const Writer &write)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {-1, QStringLiteral("Cannot write %1: %2").arg(path, file.errorString())};
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        file.cancelWriting();
        return {-1, QStringLiteral("Cannot make %1 private (owner-only): %2").arg(path, file.errorString())};
    }
    QString error;
    const qint64 count = write(file, &error);
    if (count < 0)
        return {-1, error};
    if (!file.commit())
        return {-1, QStringLiteral("Cannot write %1: %2").arg(path, file.errorString())};
    return {count, QString()};
}
} // namespace

QString ImportReport::summary() const
{
    if (!result)
        return QCoreApplication::translate("mm::MonitorModel", "Import failed: %1").arg(error);
    const JsonlImporter::Result &r = *result;
    QString text = QCoreApplication::translate("mm::MonitorModel", "Imported %L1, %L2 already stored")
                       .arg(r.imported)
                       .arg(r.duplicates);
    if (r.invalid > 0) {
        text += QCoreApplication::translate("mm::MonitorModel", ", %L1 unreadable %2")
                    .arg(r.invalid)
                    .arg(r.invalid == 1 ? QStringLiteral("line") : QStringLiteral("lines"));
        if (!r.errors.isEmpty())
            text += QCoreApplication::translate("mm::MonitorModel", " (first: %1)").arg(r.errors.first());
    }
    return text;
}

void MonitorModel::exportRows(const QString &dataDir, const QList<qint64> &rowIds, const QString &path,
                              ExportFormat format)
{
    using Result = std::pair<qint64, QString>;
    readInBackground<Result>(
        [dataDir, rowIds, path, format]() -> Result {
            return writePrivately(path, [&](QIODevice &out, QString *error) {
                return format == ExportFormat::Har ? HarExporter::exportRows(dataDir, rowIds, out, error)
                                                   : JsonlExporter::exportRows(dataDir, rowIds, out, error);
            });
        },
        [this, path](Result result) { Q_EMIT exportFinished(result.first, path, result.second); });
}

void MonitorModel::exportAll(const QString &dataDir, const QString &path, ExportFormat format)
{
    using Result = std::pair<qint64, QString>;
    readInBackground<Result>(
        [dataDir, path, format]() -> Result {
            return writePrivately(path, [&](QIODevice &out, QString *error) {
                return format == ExportFormat::Har ? HarExporter::exportStore(dataDir, out, error)
                                                   : JsonlExporter::exportStore(dataDir, out, error);
            });
        },
        [this, path](Result result) { Q_EMIT exportFinished(result.first, path, result.second); });
}

void MonitorModel::importJsonl(const QString &dataDir, const QString &path)
{
    // Rows the import adds get ids above every row known now (live ones may come between).
    const qint64 before = m_log.highestRowId();
    readInBackground<ImportReport>(
        [dataDir, path] {
            ImportReport report;
            report.path = path;
            QFile in(path);
            if (!in.open(QIODevice::ReadOnly)) {
                report.error = QStringLiteral("Cannot read %1: %2").arg(path, in.errorString());
                return report;
            }
            report.result = JsonlImporter::importFrom(dataDir, in, &report.error);
            return report;
        },
        [this, dataDir, before](ImportReport report) {
            Q_EMIT importFinished(report);
            if (report.result && report.result->imported > 0)
                loadNewRows(dataDir, before);
        });
}

void MonitorModel::loadNewRows(const QString &dataDir, qint64 afterRowId)
{
    using Read = std::optional<QList<EventFacts>>;
    readInBackground<Read>(
        [dataDir, afterRowId]() -> Read {
            StoreReader reader(dataDir);
            QList<EventFacts> facts;
            if (!reader.isOpen()
                || reader.loadFacts([&facts](QList<EventFacts> &&batch) { facts.append(std::move(batch)); },
                                    afterRowId)
                    < 0)
                return std::nullopt;
            return facts;
        },
        [this](Read facts) {
            if (!facts)
                return;
            if (m_loader || facts->size() <= LiveIngestLimit)
                ingest(*facts); // rows already known only update their attempts
            else
                applyNewRows(*facts);
            Q_EMIT newRowsLoaded(facts->size());
        });
}

void MonitorModel::applyNewRows(const QList<EventFacts> &facts)
{
    publish(); // what live ingestion left pending goes first
    m_events.beginReplace();
    m_migrations.beginReplace();
    const qsizetype firstNew = m_log.size();
    for (const EventFacts &f : facts)
        m_log.upsert(f); // known rows (already ingested live) are not appended again
    m_book.applyBulk(m_log, firstNew);
    m_events.endReplace();
    m_migrations.endReplace();
    m_timeline.refresh();
    checkStalls();
}

void MonitorModel::reinject(const QString &dataDir, const QList<qint64> &rowIds)
{
    using Read = std::pair<std::optional<QList<EventFacts>>, QString>;
    readInBackground<Read>(
        [dataDir, rowIds]() -> Read {
            StoreReader reader(dataDir);
            if (!reader.isOpen())
                return {std::nullopt, reader.error()};
            QList<EventFacts> facts = reader.factsOf(rowIds);
            if (facts.isEmpty() && !reader.error().isEmpty())
                return {std::nullopt, reader.error()};
            return {std::move(facts), QString()};
        },
        [this](Read read) {
            if (!read.first) {
                Q_EMIT reinjectFinished(-1, read.second);
                return;
            }
            QList<EventFacts> facts = std::move(*read.first);
            for (EventFacts &f : facts) {
                // A row of its own beside the stored one (EventRow::storeRowId maps it back).
                f.rowId = -f.rowId;
                f.replayed = true;
            }
            ingest(facts);
            Q_EMIT reinjected(facts);
            Q_EMIT reinjectFinished(facts.size(), QString());
        });
}

QList<qint64> MonitorModel::rowIdsOfMigration(const QString &migrationId) const
{
    QList<qint64> ids;
    const qsizetype index = m_book.indexOf(migrationId);
    if (index < 0)
        return ids;
    for (const Migration::Event &e : m_book.at(index).events) {
        const EventRow &row = m_log.at(e.logIndex);
        if (!row.replayed)
            ids.append(row.rowId);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace mm
