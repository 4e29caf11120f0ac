// SPDX-License-Identifier: GPL-3.0-or-later
// Writes the stored deliveries as JSON Lines, one unique accepted delivery per line,
// oldest first. Secrets are never stored, so none can reach an export.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>

class QIODevice;
class QSqlDatabase;

namespace mm {

class Store;

class JsonlExporter final
{
public:
    // Returns the number of lines written, or -1 with a sentence in error.
    static qint64 exportStore(const Store &store, QIODevice &out, QString *error);
    // The same for the deliveries with these row ids only (still oldest first).
    static qint64 exportRows(const Store &store, const QList<qint64> &rowIds, QIODevice &out, QString *error);
    // The same on a connection the caller holds (StoreFollower's, say), on its thread.
    static qint64 exportRows(const QSqlDatabase &db, const QList<qint64> &rowIds, QIODevice &out,
                             QString *error);

    // One line (without the newline) for a stored delivery.
    static QByteArray line(const QString &msgId, const QString &eventId, const QString &type,
                           const QString &migrationId, const QVariant &createdUs, qint64 receivedUs,
                           qint64 attempts, bool parsed, const QByteArray &body);

private:
    static qint64 exportWhere(const QSqlDatabase &db, const QString &where, QIODevice &out, QString *error);
    static QString whereRows(const QList<qint64> &rowIds);
};

} // namespace mm
