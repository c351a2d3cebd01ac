--liquibase formatted sql

--changeset oauth-api:010-session-refresh
--comment: A refresh token names its session and generation, so a rotation is one UPDATE of the
--comment: session row, found by its primary key: the current generation, the hashes of the current
--comment: and previous secrets, and the current token sealed under the previous one (the grace
--comment: rule). No column a rotation writes is indexed, and pages keep room (fillfactor), so the
--comment: update is HOT: no new index entry, no new heap page. A session started by an older release
--comment: has no refresh_hash until its first refresh here; its tokens are found in refresh_tokens.
ALTER TABLE sessions
    ADD COLUMN refresh_generation    integer     NOT NULL DEFAULT 0 CHECK (refresh_generation >= 0),
    ADD COLUMN refresh_hash          bytea       NULL CHECK (length(refresh_hash) = 32),
    ADD COLUMN previous_refresh_hash bytea       NULL CHECK (length(previous_refresh_hash) = 32),
    ADD COLUMN successor_sealed      bytea       NULL,
    ADD COLUMN refreshed_at          timestamptz NULL;
ALTER TABLE sessions SET (fillfactor = 70);
--rollback ALTER TABLE sessions RESET (fillfactor); ALTER TABLE sessions DROP COLUMN refresh_generation, DROP COLUMN refresh_hash, DROP COLUMN previous_refresh_hash, DROP COLUMN successor_sealed, DROP COLUMN refreshed_at;

--changeset oauth-api:010-sessions-absolute-expiry-index runInTransaction:false
--comment: The purge finds sessions past their absolute expiry by this index (the column never
--comment: changes); sessions past their idle expiry are found by a sweep in key order.
CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_absolute_expires_idx ON sessions (absolute_expires_at);
--rollback DROP INDEX CONCURRENTLY IF EXISTS sessions_absolute_expires_idx;

--changeset oauth-api:010-sessions-drop-expires-index runInTransaction:false
--comment: expires_at moves with every refresh: indexed, no rotation could be a HOT update.
DROP INDEX CONCURRENTLY IF EXISTS sessions_expires_idx;
--rollback CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_expires_idx ON sessions (expires_at);
