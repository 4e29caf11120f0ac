// SPDX-License-Identifier: GPL-3.0-or-later
#include "store.h"

#include "pgschema.h"
#include "storereader.h"
#include "storewriter.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QFileInfo>
#include <QSqlError>
#include <QThread>

namespace mm {

namespace {
QAtomicInteger<quint64> s_stores;
QAtomicInteger<quint64> s_connections;

// folder and location saying the same: SQLite in folder (or location.folder), or PostgreSQL.
Store::Options filledIn(Store::Options o)
{
    if (o.location.isPostgres()) {
        o.folder.clear();
        return o;
    }
    if (o.folder.isEmpty())
        o.folder = o.location.folder;
    o.location = StoreLocation::sqlite(o.folder);
    return o;
}

} // namespace

Store::Store(Options options, QObject *parent)
    : QObject(parent)
    , m_options(filledIn(std::move(options)))
    , m_instance(s_stores.fetchAndAddRelaxed(1))
{
    StoreWriter::Options writer;
    writer.durability = m_options.durability;
    writer.rejectionJournalLimit = m_options.rejectionJournalLimit;
    writer.commitOnCallerThread = m_options.commitOnCallerThread;
    writer.instance = m_options.instance;
    m_writer = std::make_unique<StoreWriter>(*this, writer);
}

Store::~Store()
{
    stop();
}

QString Store::location() const
{
    return isPostgres() ? m_options.location.displayName() : Database::databasePath(m_options.folder);
}

QString Store::displayName() const
{
    return location();
}

qint64 Store::sizeOnDisk() const
{
    if (isPostgres())
        return 0;
    const QString path = location();
    qint64 bytes = 0;
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        bytes += QFileInfo(path + suffix).size();
    return bytes;
}

bool Store::start(QString *error)
{
    return m_writer->start(error);
}

void Store::stop()
{
    stopReader();
    m_writer->stop();
}

std::optional<QSqlDatabase> Store::openConnection(QStringView purpose, QString *error, Open mode) const
{
    const QString name
        = QStringLiteral("mm-%1-%2-%3").arg(m_instance).arg(purpose).arg(s_connections.fetchAndAddRelaxed(1));
    if (isPostgres())
        return openPostgres(name, error);
    return mode == Open::MustExist
        ? Database::openExisting(m_options.folder, name, error)
        : Database::open(m_options.folder, name, error,
                         m_options.durability == Durability::Power ? Database::Sync::Full
                                                                   : Database::Sync::Normal);
}

std::optional<QSqlDatabase> Store::openPostgres(const QString &name, QString *error) const
{
    const StoreLocation &where = m_options.location;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    if (!db.isValid()) {
        if (error)
            *error = tr("Qt's PostgreSQL driver (QPSQL) is not installed: install libqt6sql6-psql");
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::nullopt;
    }
    db.setHostName(where.host);
    db.setPort(where.port);
    db.setDatabaseName(where.database);
    db.setUserName(where.user);
    db.setPassword(where.password); // empty: libpq reads PGPASSWORD or ~/.pgpass itself
    QStringList options {QStringLiteral("connect_timeout=5")};
    for (const auto &[key, value] : where.options)
        options.append(key + u'=' + value);
    db.setConnectOptions(options.join(u';'));
    if (!db.open()) {
        if (error)
            *error = tr("Cannot connect to the PostgreSQL store %1: %2")
                         .arg(where.displayName(), db.lastError().text().trimmed());
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::nullopt;
    }
    // The schema is brought up to date once per store object (and under a lock in the server, so
    // receivers starting together take turns).
    std::lock_guard lock(m_schemaMutex);
    if (!m_schemaReady) {
        if (!PgSchema::migrate(db, error)) {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return std::nullopt;
        }
        m_schemaReady = true;
    }
    return db;
}

void Store::closeConnection(const QString &name)
{
    Database::close(name);
}

Store::Connection::Connection(const Store &store, QStringView purpose, QString *error, Open mode)
    : m_db(store.openConnection(purpose, error, mode))
{
    if (m_db)
        m_name = m_db->connectionName();
}

Store::Connection::~Connection()
{
    if (!m_db)
        return;
    m_db.reset(); // no handle may outlive the connection
    closeConnection(m_name);
}

void Store::post(QObject *context, Job job)
{
    MM_ASSERT_THREAD(this);
    if (!m_readerThread.isRunning())
        m_readerContext = m_readerThread.startWorker([] { return new QObject; });
    auto run = [this, context = QPointer<QObject>(context), job = std::move(job)] {
        MM_ASSERT_THREAD(m_readerContext);
        // Opened here, so the connection belongs to this thread; a store that could not be
        // opened (not created yet, say) is tried again at the next read.
        if (!m_reader || !m_reader->isOpen())
            m_reader = std::make_unique<StoreReader>(*this);
        std::function<void()> then = job(*m_reader);
        QMetaObject::invokeMethod(this, [context, then = std::move(then)] {
            if (context && then)
                then();
        });
    };
    QMetaObject::invokeMethod(m_readerContext, std::move(run));
}

void Store::stopReader()
{
    if (!m_readerThread.isRunning())
        return;
    // Reads already asked for finish first; the reader's connection is closed on its own thread.
    QMetaObject::invokeMethod(m_readerContext, [this] { m_reader.reset(); });
    m_readerThread.stop();
    m_readerContext = nullptr;
}

} // namespace mm
