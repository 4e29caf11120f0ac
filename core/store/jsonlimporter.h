// SPDX-License-Identifier: GPL-3.0-or-later
// Reads JSON Lines written by JsonlExporter (the --export format) back into a store,
// skipping message ids it already holds. Export, import, export gives the same bytes.
#pragma once

#include "records.h"

#include <QByteArrayView>
#include <QString>
#include <QStringList>
#include <optional>

class QIODevice;

namespace mm {

class Store;

class JsonlImporter final
{
public:
    struct Result
    {
        qint64 lines = 0; // non-empty lines read
        qint64 imported = 0; // new deliveries stored
        qint64 duplicates = 0; // message ids the store already held
        qint64 invalid = 0; // lines that could not be read (see errors)
        QStringList errors; // the first few, each "line N: why"
    };

    // Parses one line (without its newline). Never throws input away silently: a line
    // that is not a complete export record gives nullopt and a sentence in error.
    static std::optional<ImportedDelivery> parseLine(QByteArrayView line, QString *error);

    // Imports every line of in into the store (created when missing) through its writer, in
    // one transaction per 1,000 lines. Returns nullopt when the store cannot be written.
    static std::optional<Result> importFrom(Store &store, QIODevice &in, QString *error);
};

} // namespace mm
