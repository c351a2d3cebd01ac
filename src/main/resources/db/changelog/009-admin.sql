--liquibase formatted sql

--changeset oauth-api:009-audit-actor
--comment: Who did it: the signed-in user who acted (the user themselves, or an admin). Null for the
--comment: service itself, a provider's event and the command line (whose rows name the OS user).
ALTER TABLE audit_log ADD COLUMN actor_id uuid NULL;
--rollback ALTER TABLE audit_log DROP COLUMN actor_id;

--changeset oauth-api:009-audit-actor-index runInTransaction:false
--comment: The admin audit log, filtered by actor or by action, newest first. Built CONCURRENTLY:
--comment: audit_log grows with every sign-in, and a plain build would hold sign-ins up meanwhile.
--comment: A build that failed leaves an invalid index behind: the rerun drops it first.
DROP INDEX CONCURRENTLY IF EXISTS audit_log_actor_idx;
CREATE INDEX CONCURRENTLY audit_log_actor_idx ON audit_log (actor_id, occurred_at DESC)
    WHERE actor_id IS NOT NULL;
--rollback DROP INDEX audit_log_actor_idx;

--changeset oauth-api:009-audit-event-index runInTransaction:false
DROP INDEX CONCURRENTLY IF EXISTS audit_log_event_idx;
CREATE INDEX CONCURRENTLY audit_log_event_idx ON audit_log (event, occurred_at DESC);
--rollback DROP INDEX audit_log_event_idx;

--changeset oauth-api:009-users-created-index runInTransaction:false
--comment: The admin user list, newest first, a page after a (created_at, id) position: no OFFSET.
DROP INDEX CONCURRENTLY IF EXISTS users_created_idx;
CREATE INDEX CONCURRENTLY users_created_idx ON users (created_at DESC, id DESC);
--rollback DROP INDEX users_created_idx;

--changeset oauth-api:009-users-email-prefix-index runInTransaction:false
--comment: The admin search: an e-mail or name prefix, ignoring case.
DROP INDEX CONCURRENTLY IF EXISTS users_email_prefix_idx;
CREATE INDEX CONCURRENTLY users_email_prefix_idx ON users (lower(email) text_pattern_ops);
--rollback DROP INDEX users_email_prefix_idx;

--changeset oauth-api:009-users-name-prefix-index runInTransaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_name_prefix_idx;
CREATE INDEX CONCURRENTLY users_name_prefix_idx ON users (lower(name) text_pattern_ops);
--rollback DROP INDEX users_name_prefix_idx;
