// SPDX-License-Identifier: GPL-3.0-or-later
#include "companynamestore.h"

#include <QSqlError>
#include <QSqlQuery>

namespace mm::CompanyNameStore {

std::optional<QList<CompanyName>> readAll(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT company_id, name FROM company_names ORDER BY company_id"))) {
        if (error)
            *error = q.lastError().text();
        return std::nullopt;
    }
    QList<CompanyName> out;
    while (q.next())
        out.append(CompanyName {q.value(0).toString(), q.value(1).toString()});
    return out;
}

bool set(QSqlDatabase &db, const CompanyName &name, qint64 nowUs, QString *error)
{
    const QString text = name.name.simplified();
    QSqlQuery q(db);
    if (text.isEmpty()) {
        q.prepare(QStringLiteral("DELETE FROM company_names WHERE company_id = ?"));
        q.addBindValue(name.companyId);
    } else {
        // The same upsert on SQLite (3.24+) and PostgreSQL.
        q.prepare(QStringLiteral("INSERT INTO company_names(company_id, name, updated_us) VALUES(?, ?, ?) "
                                 "ON CONFLICT(company_id) DO UPDATE SET name = excluded.name, "
                                 "updated_us = excluded.updated_us"));
        q.addBindValue(name.companyId);
        q.addBindValue(text);
        q.addBindValue(nowUs);
    }
    if (q.exec())
        return true;
    if (error)
        *error = q.lastError().text();
    return false;
}

bool apply(QSqlDatabase &db, const QList<CompanyName> &names, qint64 nowUs, QString *error)
{
    if (!db.transaction()) {
        if (error)
            *error = db.lastError().text();
        return false;
    }
    for (const CompanyName &name : names) {
        if (!set(db, name, nowUs, error)) {
            db.rollback();
            return false;
        }
    }
    if (db.commit())
        return true;
    if (error)
        *error = db.lastError().text();
    db.rollback();
    return false;
}

std::optional<QString> fingerprint(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(updated_us), 0) FROM company_names"))
        || !q.next())
        return std::nullopt;
    return q.value(0).toString() + u'/' + q.value(1).toString();
}

} // namespace mm::CompanyNameStore
