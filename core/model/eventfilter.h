// SPDX-License-Identifier: GPL-3.0-or-later
// The rules behind the event log's filter bar, as a plain class: event type, status,
// migration, verification outcome and free text over type, ids and error messages.
// Interned values are resolved once per filter, so matching a row is a few compares
// and, with text, a case-insensitive scan of two ids.
#pragma once

#include "companynames.h"
#include "eventlog.h"

#include <QSet>
#include <QString>
#include <vector>

namespace mm {

struct EventFilter
{
    enum class Outcome { Any, FirstAttempt, Retried };

    QSet<QString> types; // empty: every type
    QSet<MigrationStatus> statuses; // the event's object.status; empty: any
    QString migration; // a migration id, or part of one
    Outcome outcome = Outcome::Any; // accepted deliveries: first attempt or retried by the sender
    QString text; // free text, case-insensitive (company names too)
    QString company; // a company id or name, or part of one (the "company:" term)

    bool isEmpty() const
    {
        return types.isEmpty() && statuses.isEmpty() && migration.isEmpty() && outcome == Outcome::Any
            && text.trimmed().isEmpty() && company.trimmed().isEmpty();
    }
    // Whether a change of company names can change what it matches.
    bool usesCompanyNames() const { return !text.trimmed().isEmpty() || !company.trimmed().isEmpty(); }
};

class CompiledEventFilter final
{
public:
    // names: the company names the text and company terms also match (may be null; must outlive
    // this filter).
    CompiledEventFilter(const EventFilter &filter, const EventLog &log, const CompanyNames *names = nullptr);

    bool matches(const EventRow &row) const;
    // Indexes of the matching rows in [from, to).
    std::vector<quint32> matching(qsizetype from, qsizetype to) const;

private:
    std::vector<quint32> matchingSerial(qsizetype from, qsizetype to) const;
    static bool containsNoCase(QByteArrayView haystack, QByteArrayView lowerNeedle);
    bool companyMatches(const QString &companyId, const QString &needle) const;

    const EventLog &m_log;
    bool m_all = true;
    std::vector<bool> m_typeAllowed; // by type index; empty: all
    std::vector<bool> m_migrationAllowed; // by migration index; empty: all
    std::vector<bool> m_textInType; // the text occurs in this type's name
    std::vector<bool> m_textInMigration; // ... in this migration id
    std::vector<bool> m_textInText; // ... in this error message or task id
    std::vector<bool> m_textInCompany; // ... in this company id or its name
    std::vector<bool> m_companyAllowed; // by company (texts index); empty: all
    const CompanyNames *m_names;
    QString m_company;
    QSet<QString> m_types;
    QString m_migration;
    QSet<MigrationStatus> m_statuses;
    EventFilter::Outcome m_outcome;
    QByteArray m_needle; // lower-case UTF-8
};

} // namespace mm
