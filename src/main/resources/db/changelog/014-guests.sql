--liquibase formatted sql

--changeset oauth-api:014-users-anonymous
--comment: Guests (POST /api/auth/anonymous): a user with no identity and no e-mail until it links
--comment: one or adds a passkey, then is_anonymous turns false for good. A default on a new
--comment: column is metadata only in PostgreSQL 11+: no table rewrite.
ALTER TABLE users ADD COLUMN is_anonymous boolean NOT NULL DEFAULT false;
--comment: A guest's sessions have their own provider.
ALTER TABLE sessions DROP CONSTRAINT sessions_provider_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_provider_check
    CHECK (provider IN ('google', 'apple', 'passkey', 'anonymous')) NOT VALID;
--rollback ALTER TABLE sessions DROP CONSTRAINT sessions_provider_check; ALTER TABLE sessions ADD CONSTRAINT sessions_provider_check CHECK (provider IN ('google', 'apple', 'passkey')) NOT VALID; ALTER TABLE users DROP COLUMN is_anonymous;

--changeset oauth-api:014-sessions-validate
--comment: Validating takes a lock that lets sessions be written meanwhile.
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_provider_check;
--rollback SELECT 1;

--changeset oauth-api:014-users-anonymous-index runInTransaction:false
--comment: The retention job finds guests, oldest first, without reading every user.
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_anonymous_created_idx ON users (created_at) WHERE is_anonymous;
--rollback DROP INDEX CONCURRENTLY IF EXISTS users_anonymous_created_idx;
