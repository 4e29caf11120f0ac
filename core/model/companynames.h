// SPDX-License-Identifier: GPL-3.0-or-later
// Company names as people know them (the vendor sends only ids): the lookup every view and
// filter uses, and the filter's "company:" term. A plain value; CompanyDirectory keeps it.
#pragma once

#include "store/records.h"

#include <QHash>
#include <QList>
#include <QString>

namespace mm {

class CompanyNames final
{
public:
    CompanyNames() = default;
    explicit CompanyNames(const QList<CompanyName> &names);

    // The name given to this company id; empty when it has none.
    QString name(const QString &companyId) const { return m_names.value(companyId); }
    // The name, else the id: what a column shows.
    QString display(const QString &companyId) const;
    // "Acme (fdc39e8b-…)" with the whole id, or the id alone: for tooltips and the inspector.
    QString labelWithId(const QString &companyId) const;
    // Whether the id or its name contains needle (case-insensitive; an empty needle matches).
    bool matches(const QString &companyId, const QString &needle) const;
    QList<CompanyName> list() const; // by id
    qsizetype size() const { return m_names.size(); }
    bool operator==(const CompanyNames &o) const { return m_names == o.m_names; }

private:
    QHash<QString, QString> m_names;
};

// The filter bar's free text, with a "company:VALUE" term (or company:"two words") taken out.
struct CompanyTerm
{
    QString company; // the value, or empty when there is no term
    QString rest; // the other words, trimmed
};
CompanyTerm takeCompanyTerm(const QString &text);

} // namespace mm
