// SPDX-License-Identifier: GPL-3.0-or-later
// Stores each distinct string once and hands out small indexes; index 0 is the empty
// string. Event types, migration ids and error messages repeat across a million rows.
#pragma once

#include <QHash>
#include <QList>
#include <QString>

namespace mm {

class Interner final
{
public:
    Interner() { m_strings.append(QString()); }

    quint32 intern(const QString &s)
    {
        if (s.isEmpty())
            return 0;
        const auto it = m_index.constFind(s);
        if (it != m_index.cend())
            return *it;
        const auto index = quint32(m_strings.size());
        m_strings.append(s);
        m_index.insert(s, index);
        return index;
    }
    // 0 when unknown (or empty).
    quint32 find(const QString &s) const { return m_index.value(s, 0); }
    const QString &at(quint32 index) const { return m_strings.at(index); }
    qsizetype size() const { return m_strings.size(); }

private:
    QList<QString> m_strings;
    QHash<QString, quint32> m_index;
};

} // namespace mm
