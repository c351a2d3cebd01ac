-- Seeds the benchmark database after `db migrate`: :users users, each with one Google identity
-- (subject seed-<i>, seed-<i>@gmail.com, verified), two sessions (a few revoked), each refreshed
-- twice (generation 2 on the session row, with the previous secret's hash and the sealed successor),
-- and an audit row per sign-in and per logout. refresh_tokens stays empty, as it is one
-- REFRESH_TOKEN_TTL after an upgrade. Set-based (generate_series) so that a million users take minutes, not hours.
-- Run with: psql -v users=N -v client_id=ID -f seed.sql
-- Ids are md5-derived UUIDs: deterministic, and spread over the key space like random ones.
\set ON_ERROR_STOP on
\timing on

BEGIN;
-- One transaction, so now() is one instant for every row and a failure leaves nothing behind.
SET LOCAL synchronous_commit = off;
SET LOCAL work_mem = '256MB';
SET LOCAL maintenance_work_mem = '512MB';

-- Loading into tables without their indexes and building those afterwards (one sort each) is
-- several times faster than updating random-order btrees row by row (a million users: minutes
-- instead of many). So: note every primary key, unique constraint, index and foreign key of the
-- seeded tables exactly as migrated, drop them, load, and re-create them from their own
-- definitions (same names); check constraints stay and check every row. The schema is compared
-- before and after, and any difference fails the seed.
CREATE TEMP TABLE seed_tables ON COMMIT DROP AS
SELECT unnest(ARRAY['users', 'identities', 'sessions', 'refresh_tokens', 'audit_log']::regclass[]) AS rel;

CREATE TEMP VIEW seed_schema AS
SELECT 'constraint ' || c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS item
FROM pg_constraint c
WHERE c.conrelid IN (SELECT rel FROM seed_tables) OR c.confrelid IN (SELECT rel FROM seed_tables)
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid IN (SELECT rel FROM seed_tables);

CREATE TEMP TABLE seed_schema_before ON COMMIT DROP AS SELECT item FROM seed_schema;

-- step: 1 keys (p, u), 2 other indexes, 3 foreign keys; dropped in the opposite order.
CREATE TEMP TABLE seed_ddl ON COMMIT DROP AS
SELECT CASE c.contype WHEN 'f' THEN 3 ELSE 1 END AS step,
       format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop_sql,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS create_sql
FROM pg_constraint c
WHERE (c.contype IN ('p', 'u') AND c.conrelid IN (SELECT rel FROM seed_tables))
   OR (c.contype = 'f' AND (c.conrelid IN (SELECT rel FROM seed_tables) OR c.confrelid IN (SELECT rel FROM seed_tables)))
UNION ALL
SELECT 2, format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid IN (SELECT rel FROM seed_tables)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                  WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'));

SELECT drop_sql FROM seed_ddl ORDER BY step DESC \gexec

-- Users were created up to 50 days ago (sessions idle-expire 30 days after last use, so every
-- seeded session is still live unless revoked).
CREATE TEMP TABLE seed_users ON COMMIT DROP AS
SELECT i,
       md5('user-' || i)::uuid                                              AS user_id,
       now() - (i % 50) * interval '1 day' - interval '2 hours' - (i % 3600) * interval '1 second' AS born
FROM generate_series(1, :users) AS i;

INSERT INTO users (id, email, email_verified, name, avatar_url, role, disabled_at, created_at, updated_at)
SELECT user_id, 'seed-' || i || '@gmail.com', true, 'Seed User ' || i,
       'https://lh3.googleusercontent.com/a/seed-' || i, 'user', NULL, born, born + interval '1 hour'
FROM seed_users;

INSERT INTO identities (id, user_id, provider, subject, email, email_verified, is_private_email,
                        linked_at, last_sign_in_at, client_id)
SELECT md5('identity-' || i)::uuid, user_id, 'google', 'seed-' || i, 'seed-' || i || '@gmail.com', true, false,
       born, born + interval '1 hour', :'client_id'
FROM seed_users;

-- Two sessions a user: an iPhone (k = 0) and an Android phone (k = 1, one in 40 of them logged out).
-- Last used halfway between creation and now; idle expiry 30 days after that, absolute 180 days
-- after creation (so expires_at <= absolute_expires_at, as the check wants).
INSERT INTO sessions (id, user_id, provider, client_id, platform, device_name, app_version, ip_address,
                      user_agent, created_at, last_used_at, expires_at, absolute_expires_at, revoked_at, revoked_reason,
                      refresh_generation, refresh_hash, previous_refresh_hash, successor_sealed, refreshed_at)
SELECT md5('session-' || u.i || '-' || k)::uuid, u.user_id, 'google', :'client_id',
       CASE k WHEN 0 THEN 'ios' ELSE 'android' END,
       CASE k WHEN 0 THEN 'iPhone 15' ELSE 'Pixel 8' END,
       '3.' || (u.i % 20) || '.0',
       ('10.' || ((u.i >> 16) & 255) || '.' || ((u.i >> 8) & 255) || '.' || (u.i & 255))::inet,
       CASE k WHEN 0 THEN 'BenchApp/3 CFNetwork/1490 Darwin/23.2.0' ELSE 'BenchApp/3 okhttp/4.12.0' END,
       t.created, t.used, t.used + interval '30 days', t.created + interval '180 days',
       CASE WHEN k = 1 AND u.i % 40 = 0 THEN t.used + (now() - t.used) / 2 END,
       CASE WHEN k = 1 AND u.i % 40 = 0 THEN 'logout' END,
       -- Refreshed twice; the successor sealed is 119 bytes, like a real AES-GCM seal of a 91-character token.
       2, sha256(convert_to('bench-refresh:' || u.i || ':' || k || ':2', 'UTF8')),
       sha256(convert_to('bench-refresh:' || u.i || ':' || k || ':1', 'UTF8')),
       substring(sha256(convert_to('seal-a:' || u.i || ':' || k, 'UTF8'))
                 || sha256(convert_to('seal-b:' || u.i || ':' || k, 'UTF8'))
                 || sha256(convert_to('seal-c:' || u.i || ':' || k, 'UTF8'))
                 || sha256(convert_to('seal-d:' || u.i || ':' || k, 'UTF8')) FROM 1 FOR 119),
       t.used
FROM seed_users u
CROSS JOIN generate_series(0, 1) AS k
CROSS JOIN LATERAL (SELECT u.born + k * interval '1 hour' AS created,
                           u.born + k * interval '1 hour' + (now() - u.born - k * interval '1 hour') / 2 AS used) t;

-- What the service writes: a sign_in per session, a logout per ended one.
INSERT INTO audit_log (occurred_at, event, user_id, session_id, ip_address, request_id, details)
SELECT s.created_at, 'sign_in', s.user_id, s.id, s.ip_address, md5('request-' || s.id),
       jsonb_build_object('provider', 'google', 'newUser', s.platform = 'ios')
FROM sessions s;
INSERT INTO audit_log (occurred_at, event, user_id, session_id, ip_address, request_id, details)
SELECT s.revoked_at, 'logout', s.user_id, s.id, s.ip_address, md5('logout-' || s.id),
       jsonb_build_object('scope', 'current')
FROM sessions s
WHERE s.revoked_at IS NOT NULL;

-- Keys first (the foreign keys need them), then the indexes, then the foreign keys (checked now).
SELECT create_sql FROM seed_ddl ORDER BY step \gexec

DO $$
BEGIN
    IF EXISTS (SELECT item FROM seed_schema_before EXCEPT ALL SELECT item FROM seed_schema)
       OR EXISTS (SELECT item FROM seed_schema EXCEPT ALL SELECT item FROM seed_schema_before) THEN
        RAISE EXCEPTION 'the seeded schema differs from the migrated one';
    END IF;
END
$$;
DROP VIEW seed_schema;

COMMIT;

-- Fresh statistics, so the planner sees the seeded sizes from the first request on; and the
-- seeded pages written out now, so that a checkpoint does not land on the first measurements
-- (with a million users it took /health from about 10,000 to 4,300 req/s). Needs a superuser,
-- as the seeding does.
ANALYZE users, identities, sessions, refresh_tokens, audit_log;
CHECKPOINT;

SELECT (SELECT count(*) FROM users)          AS users,
       (SELECT count(*) FROM identities)     AS identities,
       (SELECT count(*) FROM sessions)       AS sessions,
       (SELECT count(*) FROM refresh_tokens) AS refresh_tokens,
       (SELECT count(*) FROM audit_log)      AS audit_rows;
