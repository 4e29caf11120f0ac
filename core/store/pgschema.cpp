// SPDX-License-Identifier: GPL-3.0-or-later
#include "pgschema.h"

#include <QSqlError>
#include <QSqlQuery>
#include <iterator>

namespace mm {

namespace {
// Each entry upgrades the schema by one version; never edit a shipped entry. Times are
// microseconds since the epoch (BIGINT), as in the SQLite store, so both engines share the
// code that reads them.
const char *const Migrations[] = {
    // 1: the SQLite store's version 3, plus the receiver (instance) of each attempt and of each
    // listening interval, and a NOTIFY on every new delivery for watching desktops.
    R"sql(
    CREATE TABLE deliveries(
        id BIGSERIAL PRIMARY KEY,
        msg_id TEXT NOT NULL UNIQUE,
        event_id TEXT,
        type TEXT,
        migration_id TEXT,
        created_us BIGINT,
        status TEXT,
        error_message TEXT,
        task_id TEXT,
        company_id TEXT,
        created_by TEXT,
        object_created_us BIGINT,
        received_us BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 1,
        parsed BOOLEAN NOT NULL,
        body BYTEA NOT NULL,
        timestamp_header BIGINT,
        remote TEXT,
        user_agent TEXT,
        secret_index INTEGER,
        headers TEXT,
        signature TEXT,
        instance TEXT);
    CREATE TABLE attempts(
        delivery_id BIGINT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        received_us BIGINT NOT NULL,
        timestamp_header BIGINT,
        remote TEXT,
        user_agent TEXT,
        secret_index INTEGER,
        headers TEXT,
        instance TEXT,
        PRIMARY KEY(delivery_id, seq));
    CREATE TABLE rejections(
        id BIGSERIAL PRIMARY KEY,
        received_us BIGINT NOT NULL,
        remote TEXT,
        status INTEGER NOT NULL,
        reason_code TEXT NOT NULL,
        reason TEXT NOT NULL,
        msg_id TEXT,
        timestamp_header BIGINT,
        headers TEXT NOT NULL,
        body_head BYTEA,
        body_size BIGINT NOT NULL,
        instance TEXT);
    CREATE TABLE listen_intervals(
        id BIGSERIAL PRIMARY KEY,
        started_us BIGINT NOT NULL,
        alive_us BIGINT NOT NULL,
        stopped_us BIGINT,
        url TEXT NOT NULL,
        instance TEXT NOT NULL DEFAULT '');
    CREATE INDEX listen_intervals_instance ON listen_intervals(instance, started_us);
    CREATE TABLE replay_runs(
        id BIGSERIAL PRIMARY KEY,
        started_us BIGINT NOT NULL,
        finished_us BIGINT,
        target TEXT NOT NULL,
        mode TEXT NOT NULL,
        requested INTEGER NOT NULL,
        succeeded INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        cancelled INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE replay_requests(
        run_id BIGINT NOT NULL REFERENCES replay_runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        delivery_id BIGINT,
        msg_id TEXT NOT NULL,
        sent_us BIGINT NOT NULL,
        status INTEGER NOT NULL,
        latency_us BIGINT NOT NULL,
        tries INTEGER NOT NULL,
        error TEXT,
        response_head BYTEA,
        PRIMARY KEY(run_id, seq));
    CREATE TABLE forward_queue(
        id BIGSERIAL PRIMARY KEY,
        delivery_id BIGINT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        target TEXT NOT NULL,
        resign INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        enqueued_us BIGINT NOT NULL,
        next_us BIGINT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        last_status INTEGER,
        last_error TEXT,
        done_us BIGINT);
    CREATE INDEX forward_pending ON forward_queue(state, next_us);
    -- Desktops LISTEN on mm_deliveries; the payload is the row id (never the body: 8000 bytes
    -- at most), and they read the rows themselves. Sent only when the transaction commits.
    CREATE FUNCTION mm_notify_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('mm_deliveries', NEW.id::text);
        RETURN NULL;
    END $$;
    CREATE TRIGGER deliveries_notify AFTER INSERT OR UPDATE OF attempts ON deliveries
        FOR EACH ROW EXECUTE FUNCTION mm_notify_delivery();
    )sql",
    // 2: forwarding shared by several receivers. A forwarder claims due rows with FOR UPDATE SKIP
    // LOCKED (ForwardQueue) and holds them under a lease: next_us moves past the request's
    // timeout and claimed_by names the holder (once finished: who sent it, or gave up). Retention's
    // ON DELETE CASCADE finds a delivery's forwards by delivery_id instead of scanning the queue.
    R"sql(
    ALTER TABLE forward_queue ADD COLUMN claimed_by TEXT;
    CREATE INDEX forward_queue_delivery ON forward_queue(delivery_id);
    )sql",
    // 3: company names, shared by every desktop on the store. A change NOTIFYs mm_company_names
    // (once per statement, no payload) so watching desktops re-read the names at once.
    R"sql(
    CREATE TABLE company_names(
        company_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        updated_us BIGINT NOT NULL);
    CREATE FUNCTION mm_notify_company_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('mm_company_names', '');
        RETURN NULL;
    END $$;
    CREATE TRIGGER company_names_notify AFTER INSERT OR UPDATE OR DELETE ON company_names
        FOR EACH STATEMENT EXECUTE FUNCTION mm_notify_company_names();
    )sql",
    // 4: the deletion journal. Retention writes the id of each delivery it deletes here, in the
    // transaction that deletes it, so every desktop watching the store drops those rows, whichever
    // receiver deleted them (StoreFollower). seq is numbered by retention under its lock (the
    // newest plus one), so it is gapless and in commit order; pruning always keeps the newest
    // entry. A statement that journals anything NOTIFYs mm_deletions (no payload) once.
    // Roles made by team-roles.sql before this version get what they need here, so receivers'
    // retention keeps working before the script is run again.
    R"sql(
    CREATE TABLE deleted_deliveries(
        seq BIGINT PRIMARY KEY,
        delivery_id BIGINT NOT NULL,
        deleted_us BIGINT NOT NULL);
    CREATE FUNCTION mm_notify_deletions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM journaled) THEN
            PERFORM pg_notify('mm_deletions', '');
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER deleted_deliveries_notify AFTER INSERT ON deleted_deliveries
        REFERENCING NEW TABLE AS journaled
        FOR EACH STATEMENT EXECUTE FUNCTION mm_notify_deletions();
    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'mm_receiver') THEN
            GRANT SELECT, INSERT, DELETE ON deleted_deliveries TO mm_receiver;
        END IF;
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'mm_viewer') THEN
            GRANT SELECT ON deleted_deliveries TO mm_viewer;
        END IF;
    END $$;
    )sql",
};
static_assert(std::size(Migrations) == PgSchema::SchemaVersion);

bool run(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    if (error)
        *error = q.lastError().text();
    return false;
}
} // namespace

int PgSchema::version(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT to_regclass('mm_schema') IS NOT NULL")) || !q.next())
        return -1;
    if (!q.value(0).toBool())
        return 0;
    if (!q.exec(QStringLiteral("SELECT version FROM mm_schema")) || !q.next())
        return -1;
    return q.value(0).toInt();
}

bool PgSchema::migrate(QSqlDatabase &db, QString *error)
{
    // Up to date: nothing to lock or create, so a role that may not create tables (a receiver's or
    // a viewer's with least privilege, docs/TEAM.md) opens it too. Otherwise the owner migrates.
    if (version(db) == SchemaVersion)
        return true;
    auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("Cannot prepare the PostgreSQL store: %1").arg(why);
        db.rollback();
        return false;
    };
    if (!db.transaction())
        return fail(db.lastError().text());
    QString why;
    // Receivers starting together wait here for the first one's migration, then find it done.
    if (!run(db, QStringLiteral("SET LOCAL client_min_messages = warning"),
             &why) // no "already exists" notices
        || !run(db, QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(MigrationLockKey), &why)
        || !run(db, QStringLiteral("CREATE TABLE IF NOT EXISTS mm_schema(version INTEGER NOT NULL)"), &why))
        return fail(why);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT version FROM mm_schema")))
        return fail(q.lastError().text());
    int current = 0;
    if (q.next()) {
        current = q.value(0).toInt();
    } else if (!run(db, QStringLiteral("INSERT INTO mm_schema(version) VALUES(0)"), &why)) {
        return fail(why);
    }
    if (current > SchemaVersion)
        return fail(QStringLiteral("the store is at schema version %1, newer than this build's %2; "
                                   "upgrade Migration Monitor")
                        .arg(current)
                        .arg(SchemaVersion));
    for (int v = current; v < SchemaVersion; ++v) {
        if (!run(db, QString::fromUtf8(Migrations[v]), &why))
            return fail(QStringLiteral("step %1: %2").arg(v + 1).arg(why));
    }
    if (current < SchemaVersion
        && !run(db, QStringLiteral("UPDATE mm_schema SET version = %1").arg(SchemaVersion), &why))
        return fail(why);
    if (!db.commit())
        return fail(db.lastError().text());
    return true;
}

} // namespace mm
