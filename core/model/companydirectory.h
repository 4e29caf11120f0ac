// SPDX-License-Identifier: GPL-3.0-or-later
// The company names the window shows, kept from the store: read at start and whenever the store
// says they changed, set one at a time (the board, Settings) or in bulk from CSV. Every read and
// write runs on the store's reader thread; nothing here blocks the GUI thread.
#pragma once

#include "companynames.h"

#include <QObject>

namespace mm {

class Store;

class CompanyDirectory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompanyDirectory)

public:
    // store may be null (no names, every write fails with a sentence); it must outlive this.
    explicit CompanyDirectory(Store *store, QObject *parent = nullptr);

    const CompanyNames &names() const { return m_names; }

    // Re-reads every name; changed() follows when they differ.
    void refresh();
    // Names a company (an empty name removes it), then re-reads; finished() says how it went.
    void setName(const QString &companyId, const QString &name);
    // Applies a CSV file (CompanyNamesCsv) in one transaction: all rows or, on any bad row, none.
    void importCsv(const QString &path);
    // Writes every name as CSV to path (replaced only once all is written).
    void exportCsv(const QString &path);

Q_SIGNALS:
    void changed();
    // The outcome of setName, importCsv or exportCsv, as a sentence.
    void finished(bool ok, const QString &message);

private:
    struct Outcome
    {
        bool ok = false;
        QString message;
    };
    void write(std::function<Outcome(Store &)> work);
    void adopt(const QList<CompanyName> &names);

    Store *m_store;
    CompanyNames m_names;
};

} // namespace mm
