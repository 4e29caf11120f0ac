// SPDX-License-Identifier: GPL-3.0-or-later
#include "companynamescsv.h"

#include <QHash>
#include <QStringDecoder>

namespace mm::CompanyNamesCsv {

namespace {
struct Record
{
    QStringList fields;
    int line = 0; // where it starts
};

bool hasControl(const QString &s)
{
    return std::any_of(s.cbegin(), s.cend(), [](QChar c) { return c.category() == QChar::Other_Control; });
}

// Splits text into records. False with *error (and *errorLine) on a malformed quote.
bool records(const QString &text, QList<Record> *out, QString *error, int *errorLine)
{
    int line = 1;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        Record rec;
        rec.line = line;
        QString field;
        bool endOfRecord = false;
        while (!endOfRecord) {
            if (i < n && text[i] == u'"') {
                const int quoteLine = line;
                ++i;
                for (;;) {
                    if (i >= n) {
                        *errorLine = quoteLine;
                        *error = QStringLiteral("line %1: a quoted field is not closed").arg(quoteLine);
                        return false;
                    }
                    const QChar c = text[i++];
                    if (c == u'"') {
                        if (i < n && text[i] == u'"') {
                            field.append(u'"');
                            ++i;
                            continue;
                        }
                        break;
                    }
                    if (c == u'\n')
                        ++line;
                    field.append(c);
                }
                if (i < n && text[i] != u',' && text[i] != u'\n' && text[i] != u'\r') {
                    *errorLine = line;
                    *error = QStringLiteral("line %1: text after a closing quote (write a quote inside "
                                            "a quoted field as two quotes)")
                                 .arg(line);
                    return false;
                }
            } else {
                while (i < n && text[i] != u',' && text[i] != u'\n' && text[i] != u'\r') {
                    if (text[i] == u'"') {
                        *errorLine = line;
                        *error = QStringLiteral("line %1: a quote inside an unquoted field (quote the "
                                                "whole field and double the quote)")
                                     .arg(line);
                        return false;
                    }
                    field.append(text[i++]);
                }
            }
            rec.fields.append(field);
            field.clear();
            if (i >= n) {
                endOfRecord = true;
            } else if (text[i] == u',') {
                ++i;
            } else { // \r\n, \n or a lone \r
                if (text[i] == u'\r' && i + 1 < n && text[i + 1] == u'\n')
                    ++i;
                ++i;
                ++line;
                endOfRecord = true;
            }
        }
        out->append(rec);
    }
    return true;
}

bool needsQuotes(const QString &s)
{
    return s.contains(u',') || s.contains(u'"') || s.contains(u'\n') || s.contains(u'\r')
        || (!s.isEmpty() && (s.front().isSpace() || s.back().isSpace()));
}

QString quoted(const QString &s)
{
    if (!needsQuotes(s))
        return s;
    QString q = s;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}
} // namespace

Parsed parse(const QByteArray &csv)
{
    Parsed out;
    auto fail = [&out](int line, const QString &why) {
        out.rows.clear();
        out.errorLine = line;
        out.error
            = why.startsWith(QLatin1String("line ")) ? why : QStringLiteral("line %1: %2").arg(line).arg(why);
        return out;
    };
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QByteArrayView bytes(csv);
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes = bytes.sliced(3);
    const QString text = utf8.decode(bytes);
    if (utf8.hasError())
        return fail(1, QStringLiteral("the file is not UTF-8 text"));
    QList<Record> recs;
    QString error;
    int errorLine = 0;
    if (!records(text, &recs, &error, &errorLine))
        return fail(errorLine, error);
    // Blank lines are allowed anywhere (a spreadsheet often ends with one).
    recs.removeIf(
        [](const Record &r) { return r.fields.size() == 1 && r.fields.front().trimmed().isEmpty(); });
    if (recs.isEmpty())
        return fail(1, QStringLiteral("the file is empty; expected the header \"company_id,name\""));
    const Record &header = recs.front();
    if (header.fields.size() != 2
        || header.fields[0].trimmed().compare(QLatin1String("company_id"), Qt::CaseInsensitive)
        || header.fields[1].trimmed().compare(QLatin1String("name"), Qt::CaseInsensitive))
        return fail(header.line, QStringLiteral("expected the header \"company_id,name\""));
    QHash<QString, int> seen;
    for (qsizetype r = 1; r < recs.size(); ++r) {
        const Record &rec = recs[r];
        if (rec.fields.size() != 2)
            return fail(rec.line,
                        QStringLiteral("expected 2 fields (company_id,name), found %1; quote a "
                                       "name that holds a comma")
                            .arg(rec.fields.size()));
        const QString id = rec.fields[0].trimmed();
        // A line break inside a quoted name is kept as a space: a name is one line on the board.
        const QString name = rec.fields[1].simplified();
        if (id.isEmpty())
            return fail(rec.line, QStringLiteral("the company id is empty"));
        if (id.size() > MaxIdLength || hasControl(id) || id.contains(u' '))
            return fail(rec.line, QStringLiteral("\"%1\" is not a company id").arg(id.left(40)));
        if (name.size() > MaxNameLength)
            return fail(rec.line, QStringLiteral("the name is longer than %1 characters").arg(MaxNameLength));
        if (hasControl(name))
            return fail(rec.line, QStringLiteral("the name holds a control character"));
        if (const auto it = seen.constFind(id); it != seen.cend())
            return fail(rec.line,
                        QStringLiteral("company %1 appears twice (first on line %2)").arg(id).arg(*it));
        seen.insert(id, rec.line);
        out.rows.append(CompanyName {id, name});
    }
    return out;
}

QByteArray write(const QList<CompanyName> &rows)
{
    QString out = QStringLiteral("company_id,name\r\n");
    for (const CompanyName &row : rows)
        out += quoted(row.companyId) + u',' + quoted(row.name) + QStringLiteral("\r\n");
    return out.toUtf8();
}

} // namespace mm::CompanyNamesCsv
