// SPDX-License-Identifier: GPL-3.0-or-later
// Company names as CSV for bulk editing: a header row "company_id,name", then one company a
// row, quoted as RFC 4180 says (commas, quotes and line breaks inside double quotes, a quote
// doubled). Pure: no files, no store, so every rule is tested alone.
#pragma once

#include "records.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace mm::CompanyNamesCsv {

struct Parsed
{
    QList<CompanyName> rows; // in file order; an empty name removes that company's name
    QString error; // "line 4: …" for the first bad row; empty when the whole file is good
    int errorLine = 0; // the physical line the bad row starts on (1 is the header)
    bool ok() const { return error.isEmpty(); }
};

constexpr qsizetype MaxIdLength = 200;
constexpr qsizetype MaxNameLength = 200;

// Reads the whole text (UTF-8, an optional byte order mark, CRLF or LF). Any bad row makes the
// whole file an error: nothing of it is to be applied. Names are simplified (a line break in a
// quoted name becomes a space).
Parsed parse(const QByteArray &csv);
// The header and one row per name, CRLF line ends, fields quoted only where needed.
QByteArray write(const QList<CompanyName> &rows);

} // namespace mm::CompanyNamesCsv
