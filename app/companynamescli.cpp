// SPDX-License-Identifier: GPL-3.0-or-later
#include "companynamescli.h"

#include "headless.h"
#include "store/companynamescsv.h"
#include "store/companynamestore.h"
#include "store/store.h"
#include "storehealth.h"

#include <QDateTime>
#include <QFile>
#include <cstdio>

namespace mm {

namespace {
void fail(const QString &message)
{
    std::fprintf(stderr, "migration-monitor: %s\n", qPrintable(message));
}
} // namespace

int runExportCompanyNames(const AppOptions &options)
{
    const Store store(storeOptions(options));
    QString error;
    Store::Connection conn(store, u"names", &error, Store::Open::MustExist);
    std::optional<QList<CompanyName>> names;
    if (conn.isOpen())
        names = CompanyNameStore::readAll(conn.db(), &error);
    if (!names) {
        fail(QStringLiteral("Cannot read the company names: %1").arg(error));
        return 1;
    }
    const int rc = writeOutput(options.companyNamesFile, [&](QIODevice &out, QString *why) {
        const QByteArray csv = CompanyNamesCsv::write(*names);
        if (out.write(csv) == csv.size())
            return true;
        *why = QStringLiteral("Cannot write the company names: %1").arg(out.errorString());
        return false;
    });
    if (rc == 0)
        std::fprintf(stderr, "exported %lld company names\n", static_cast<long long>(names->size()));
    return rc;
}

int runImportCompanyNames(const AppOptions &options)
{
    const QString &path = options.companyNamesFile;
    QFile in;
    const bool opened = path == QLatin1String("-") ? in.open(stdin, QIODevice::ReadOnly)
                                                   : (in.setFileName(path), in.open(QIODevice::ReadOnly));
    if (!opened) {
        fail(QStringLiteral("Cannot read %1: %2").arg(path, in.errorString()));
        return 1;
    }
    const CompanyNamesCsv::Parsed parsed = CompanyNamesCsv::parse(in.readAll());
    if (!parsed.ok()) {
        fail(QStringLiteral("%1: %2. Nothing was imported.").arg(path, parsed.error));
        return 1;
    }
    const Store store(storeOptions(options));
    QString error;
    Store::Connection conn(store, u"names", &error);
    if (!conn.isOpen()
        || !CompanyNameStore::apply(conn.db(), parsed.rows, QDateTime::currentMSecsSinceEpoch() * 1000,
                                    &error)) {
        fail(QStringLiteral("Cannot import the company names: %1. Nothing was imported.").arg(error));
        return 1;
    }
    std::fprintf(stderr, "imported %lld company names\n", static_cast<long long>(parsed.rows.size()));
    return 0;
}

} // namespace mm
