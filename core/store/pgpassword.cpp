// SPDX-License-Identifier: GPL-3.0-or-later
#include "pgpassword.h"

#include <libpq-fe.h>
#include <memory>
#include <vector>

namespace mm {

PgPasswordLookup lookUpPgPassword(const StoreLocation &location)
{
    // libpq takes the parameters as C strings; these own them until the call returns.
    std::vector<QByteArray> keys;
    std::vector<QByteArray> values;
    auto add = [&](const QString &key, const QString &value) {
        if (value.isEmpty())
            return; // libpq's default (the environment, then its own)
        keys.push_back(key.toUtf8());
        values.push_back(value.toUtf8());
    };
    add(QStringLiteral("host"), location.host);
    add(QStringLiteral("port"), QString::number(location.port));
    add(QStringLiteral("dbname"), location.database);
    add(QStringLiteral("user"), location.user);
    add(QStringLiteral("password"), location.password);
    for (const auto &[key, value] : location.options)
        add(key, value); // passfile= and service= among them
    std::vector<const char *> keyPointers;
    std::vector<const char *> valuePointers;
    for (size_t i = 0; i < keys.size(); ++i) {
        keyPointers.push_back(keys[i].constData());
        valuePointers.push_back(values[i].constData());
    }
    keyPointers.push_back(nullptr);
    valuePointers.push_back(nullptr);

    // Non-blocking: libpq resolves every parameter (and reads the password file) before it
    // connects; the connection is dropped before the server could ask for anything.
    const std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
        PQconnectStartParams(keyPointers.data(), valuePointers.data(), 0), &PQfinish);
    PgPasswordLookup found;
    auto text = [&conn](char *(*get)(const PGconn *)) {
        const char *value = conn ? get(conn.get()) : nullptr;
        return value ? QString::fromUtf8(value) : QString();
    };
    const QString user = text(&PQuser);
    const QString host = text(&PQhost);
    const QString port = text(&PQport);
    const QString database = text(&PQdb);
    const QString password = text(&PQpass);
    found.libpqHasOne = !password.isEmpty();
    // Where libpq could not say (out of memory), the location's own values.
    const QString h = host.isEmpty() ? location.host : host;
    found.keyringKey
        = QStringLiteral("postgresql://%1@%2:%3/%4")
              .arg(user.isEmpty() ? location.user : user, h.contains(u':') ? QString(u'[' + h + u']') : h,
                   port.isEmpty() ? QString::number(location.port) : port,
                   database.isEmpty() ? location.database : database);
    return found;
}

} // namespace mm
