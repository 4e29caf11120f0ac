// SPDX-License-Identifier: GPL-3.0-or-later
#include "companydirectory.h"

#include "store/companynamescsv.h"
#include "store/companynamestore.h"
#include "store/store.h"
#include "store/storereader.h"

#include <QDateTime>
#include <QFile>
#include <QSaveFile>

namespace mm {

namespace {
qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

// Spelled out: no translation catalogue is loaded to pick the plural.
QString namesCount(qsizetype n)
{
    return n == 1 ? CompanyDirectory::tr("1 company name") : CompanyDirectory::tr("%1 company names").arg(n);
}
} // namespace

CompanyDirectory::CompanyDirectory(Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
}

void CompanyDirectory::adopt(const QList<CompanyName> &names)
{
    CompanyNames next(names);
    if (next == m_names)
        return;
    m_names = std::move(next);
    Q_EMIT changed();
}

void CompanyDirectory::refresh()
{
    if (!m_store)
        return;
    using Read = std::optional<QList<CompanyName>>;
    m_store->read<Read>(
        this,
        [](StoreReader &reader) -> Read { return reader.isOpen() ? reader.companyNames() : std::nullopt; },
        [this](Read names) {
            if (names)
                adopt(*names);
        });
}

void CompanyDirectory::write(std::function<Outcome(Store &)> work)
{
    if (!m_store) {
        Q_EMIT finished(false, tr("There is no store to keep company names in."));
        return;
    }
    // On the reader thread, with a connection of its own ("names"), as the JSON Lines import.
    m_store->read<Outcome>(
        this, [store = m_store, work = std::move(work)](StoreReader &) { return work(*store); },
        [this](Outcome done) {
            refresh();
            Q_EMIT finished(done.ok, done.message);
        });
}

void CompanyDirectory::setName(const QString &companyId, const QString &name)
{
    const CompanyName row {companyId.trimmed(), name.simplified()};
    if (row.companyId.isEmpty()) {
        Q_EMIT finished(false, tr("A company id is needed to name a company."));
        return;
    }
    write([row](Store &store) {
        QString error;
        Store::Connection conn(store, u"names", &error);
        if (!conn.isOpen() || !CompanyNameStore::set(conn.db(), row, nowUs(), &error))
            return Outcome {false, tr("Cannot save the company name: %1").arg(error)};
        return Outcome {true,
                        row.name.isEmpty()
                            ? tr("Removed the name of company %1.").arg(row.companyId)
                            : tr("Named company %1 \u201c%2\u201d.").arg(row.companyId, row.name)};
    });
}

void CompanyDirectory::importCsv(const QString &path)
{
    write([path](Store &store) {
        QFile in(path);
        if (!in.open(QIODevice::ReadOnly))
            return Outcome {false, tr("Cannot read %1: %2").arg(path, in.errorString())};
        const CompanyNamesCsv::Parsed parsed = CompanyNamesCsv::parse(in.readAll());
        if (!parsed.ok())
            return Outcome {false, tr("%1: %2. Nothing was imported.").arg(path, parsed.error)};
        QString error;
        Store::Connection conn(store, u"names", &error);
        if (!conn.isOpen() || !CompanyNameStore::apply(conn.db(), parsed.rows, nowUs(), &error))
            return Outcome {false, tr("Cannot import company names: %1. Nothing was imported.").arg(error)};
        return Outcome {true, tr("Imported %1 from %2.").arg(namesCount(parsed.rows.size()), path)};
    });
}

void CompanyDirectory::exportCsv(const QString &path)
{
    write([path](Store &store) {
        QString error;
        Store::Connection conn(store, u"names", &error, Store::Open::MustExist);
        std::optional<QList<CompanyName>> names;
        if (conn.isOpen())
            names = CompanyNameStore::readAll(conn.db(), &error);
        if (!names)
            return Outcome {false, tr("Cannot read the company names: %1").arg(error)};
        QSaveFile out(path);
        if (!out.open(QIODevice::WriteOnly) || out.write(CompanyNamesCsv::write(*names)) < 0 || !out.commit())
            return Outcome {false, tr("Cannot write %1: %2").arg(path, out.errorString())};
        return Outcome {true, tr("Exported %1 to %2.").arg(namesCount(names->size()), path)};
    });
}

} // namespace mm
