// SPDX-License-Identifier: GPL-3.0-or-later
#include "companynames.h"

#include <QRegularExpression>
#include <algorithm>

namespace mm {

CompanyNames::CompanyNames(const QList<CompanyName> &names)
{
    for (const CompanyName &n : names) {
        if (!n.companyId.isEmpty() && !n.name.isEmpty())
            m_names.insert(n.companyId, n.name);
    }
}

QString CompanyNames::display(const QString &companyId) const
{
    const QString n = name(companyId);
    return n.isEmpty() ? companyId : n;
}

QString CompanyNames::labelWithId(const QString &companyId) const
{
    const QString n = name(companyId);
    return n.isEmpty() ? companyId : QStringLiteral("%1 (%2)").arg(n, companyId);
}

bool CompanyNames::matches(const QString &companyId, const QString &needle) const
{
    if (needle.isEmpty())
        return true;
    if (companyId.contains(needle, Qt::CaseInsensitive))
        return true;
    const auto it = m_names.constFind(companyId);
    return it != m_names.cend() && it->contains(needle, Qt::CaseInsensitive);
}

QList<CompanyName> CompanyNames::list() const
{
    QList<CompanyName> out;
    out.reserve(m_names.size());
    for (auto it = m_names.cbegin(); it != m_names.cend(); ++it)
        out.append(CompanyName {it.key(), it.value()});
    std::sort(out.begin(), out.end(),
              [](const CompanyName &a, const CompanyName &b) { return a.companyId < b.companyId; });
    return out;
}

CompanyTerm takeCompanyTerm(const QString &text)
{
    // company:"Acme Corp" or company:acme, at the start or after a space.
    static const QRegularExpression term(QStringLiteral(R"re((?:^|\s)company:(?:"([^"]*)"?|(\S*)))re"),
                                         QRegularExpression::CaseInsensitiveOption);
    CompanyTerm out;
    const QRegularExpressionMatch m = term.match(text);
    if (!m.hasMatch()) {
        out.rest = text.trimmed();
        return out;
    }
    out.company = (m.capturedStart(1) >= 0 ? m.captured(1) : m.captured(2)).trimmed();
    QString rest = text;
    rest.remove(m.capturedStart(0), m.capturedLength(0));
    out.rest = rest.simplified();
    return out;
}

} // namespace mm
