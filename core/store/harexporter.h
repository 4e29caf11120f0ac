// SPDX-License-Identifier: GPL-3.0-or-later
// Writes stored deliveries as an HTTP Archive (HAR 1.2), one entry per delivery as first
// received, for browsers' and proxies' tools. Headers are the stored, masked ones: no
// signature, credential or secret reaches the file.
#pragma once

#include <QList>
#include <QString>

class QIODevice;

namespace mm {

class Store;

class HarExporter final
{
public:
    // Returns the number of entries written (oldest first), or -1 with a sentence in error.
    static qint64 exportStore(const Store &store, QIODevice &out, QString *error);
    static qint64 exportRows(const Store &store, const QList<qint64> &rowIds, QIODevice &out, QString *error);

private:
    static qint64 exportWhere(const Store &store, const QString &where, QIODevice &out, QString *error);
};

} // namespace mm
