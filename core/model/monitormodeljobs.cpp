// SPDX-License-Identifier: GPL-3.0-or-later
// MonitorModel's jobs on the store's reader thread: exports, the JSON Lines import (written
// through the store's writer) and feeding stored deliveries back in.
#include "monitormodel.h"
#include "store/harexporter.h"
#include "store/jsonlexporter.h"
#include "store/store.h"
#include "store/storereader.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

namespace mm {

namespace {
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

void MonitorModel::exportRows(const QList<qint64> &rowIds, const QString &path, ExportFormat format)
{
    if (!m_store) {
        Q_EMIT exportFinished(-1, path, noStore());
        return;
    }
    using Result = std::pair<qint64, QString>;
    m_store->read<Result>(
        this,
        [store = m_store, rowIds, path, format](StoreReader &) -> Result {
            return writePrivately(path, [&](QIODevice &out, QString *error) {
                return format == ExportFormat::Har ? HarExporter::exportRows(*store, rowIds, out, error)
                                                   : JsonlExporter::exportRows(*store, rowIds, out, error);
            });
        },
        [this, path](Result result) { Q_EMIT exportFinished(result.first, path, result.second); });
}

void MonitorModel::exportAll(const QString &path, ExportFormat format)
{
    if (!m_store) {
        Q_EMIT exportFinished(-1, path, noStore());
        return;
    }
    using Result = std::pair<qint64, QString>;
    m_store->read<Result>(
        this,
        [store = m_store, path, format](StoreReader &) -> Result {
            return writePrivately(path, [&](QIODevice &out, QString *error) {
                return format == ExportFormat::Har ? HarExporter::exportStore(*store, out, error)
                                                   : JsonlExporter::exportStore(*store, out, error);
            });
        },
        [this, path](Result result) { Q_EMIT exportFinished(result.first, path, result.second); });
}

void MonitorModel::importJsonl(const QString &path)
{
    ImportReport report;
    report.path = path;
    if (!m_store) {
        report.error = noStore();
        Q_EMIT importFinished(report);
        return;
    }
    // The rows it adds reach ingest() through the writer's committed(), before this report.
    m_store->read<ImportReport>(
        this,
        [store = m_store, path](StoreReader &) {
            ImportReport done;
            done.path = path;
            QFile in(path);
            if (!in.open(QIODevice::ReadOnly)) {
                done.error = QStringLiteral("Cannot read %1: %2").arg(path, in.errorString());
                return done;
            }
            done.result = JsonlImporter::importFrom(*store, in, &done.error);
            return done;
        },
        [this](ImportReport done) { Q_EMIT importFinished(done); });
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
    thawAmong(firstNew);
    checkQuiet();
    if (m_cap.isExceeded(m_log))
        enforceCap();
}

void MonitorModel::reinject(const QList<qint64> &rowIds)
{
    if (!m_store) {
        Q_EMIT reinjectFinished(-1, noStore());
        return;
    }
    using Read = std::pair<std::optional<QList<EventFacts>>, QString>;
    m_store->read<Read>(
        this,
        [rowIds](StoreReader &reader) -> Read {
            if (!reader.isOpen())
                return {std::nullopt, reader.error()};
            std::optional<QList<EventFacts>> facts = reader.factsOf(rowIds);
            return {std::move(facts), facts ? QString() : reader.error()};
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
    if (m_book.at(index).frozen) // its deliveries are in the store only (memory cap)
        return QList<qint64>(m_book.at(index).frozenRowIds.cbegin(), m_book.at(index).frozenRowIds.cend());
    for (const Migration::Event &e : m_book.at(index).events) {
        const EventRow &row = m_log.at(e.logIndex);
        if (!row.replayed)
            ids.append(row.rowId);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace mm
