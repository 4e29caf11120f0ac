// SPDX-License-Identifier: GPL-3.0-or-later
// The company_names table on an open connection, alike on both engines: read every name, set
// or remove one, apply an import in one transaction, and a cheap fingerprint a follower polls.
#pragma once

#include "records.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

namespace mm::CompanyNameStore {

std::optional<QList<CompanyName>> readAll(QSqlDatabase &db, QString *error);
// Sets companyId's name; an empty name removes it. name is simplified first.
bool set(QSqlDatabase &db, const CompanyName &name, qint64 nowUs, QString *error);
// Every row in one transaction: all of them or none.
bool apply(QSqlDatabase &db, const QList<CompanyName> &names, qint64 nowUs, QString *error);
// Changes whenever a name is set or removed (the count and the sum of update times).
std::optional<QString> fingerprint(QSqlDatabase &db);

} // namespace mm::CompanyNameStore
