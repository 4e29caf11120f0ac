-- SPDX-License-Identifier: GPL-3.0-or-later
-- Least-privilege roles for a Migration Monitor team store (docs/TEAM.md). Run it with psql as
-- the tables' owner (or a superuser), in the store's database, after the first start has created
-- the tables, and again after an upgrade that adds tables:
--   psql -v ON_ERROR_STOP=1 -d migration_monitor -f team-roles.sql
-- It creates two group roles and grants them what they use; log-in roles join them:
--   CREATE ROLE receiver_a LOGIN IN ROLE mm_receiver;   CREATE ROLE alice LOGIN IN ROLE mm_viewer;
--   mm_receiver  --headless receivers: store deliveries (and their attempts), rejections and
--                listening intervals, queue and forward deliveries, apply retention (and write
--                and prune the deletion journal, which desktops follow).
--   mm_viewer    --view-only desktops, --follow, --export, --report-migrations, --export-har:
--                read everything; --replay-to and the replay dialog also record replay history;
--                desktops and --import-company-names name companies (shared by the team).
--                Receivers do not use company names.
-- Neither may create, alter or drop anything: the tables' owner creates and upgrades the schema.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mm_receiver') THEN
        CREATE ROLE mm_receiver NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mm_viewer') THEN
        CREATE ROLE mm_viewer NOLOGIN;
    END IF;
END $$;

-- Every connection checks the schema version first.
GRANT SELECT ON mm_schema TO mm_receiver, mm_viewer;

-- Receivers: the tables a delivery, a refusal and a listening interval go to, and the forwarding
-- queue (claimed with SELECT ... FOR UPDATE SKIP LOCKED); DELETE for retention and the bounded
-- rejection journal.
GRANT SELECT, INSERT, UPDATE, DELETE
    ON deliveries, attempts, rejections, listen_intervals, forward_queue TO mm_receiver;
GRANT USAGE ON SEQUENCE deliveries_id_seq, rejections_id_seq, listen_intervals_id_seq,
    forward_queue_id_seq TO mm_receiver;
-- Retention journals what it deletes (numbering on from the newest entry) and prunes the journal.
GRANT SELECT, INSERT, DELETE ON deleted_deliveries TO mm_receiver;

-- Viewers: read every table; write the replay history only.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO mm_viewer;
GRANT INSERT, UPDATE ON replay_runs, replay_requests TO mm_viewer;
GRANT USAGE ON SEQUENCE replay_runs_id_seq TO mm_viewer;
-- Company names: people give them, on the board, in Settings or with --import-company-names.
GRANT INSERT, UPDATE, DELETE ON company_names TO mm_viewer;
