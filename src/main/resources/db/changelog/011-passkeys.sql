--liquibase formatted sql

--changeset oauth-api:011-passkeys
--comment: Passkeys (WebAuthn): a third way to sign in. A user's WebAuthn user handle is random
--comment: (never the user id, which an authenticator would show and sync), made on the first
--comment: registration and kept. A passkey is found by its credential id; its public key is stored
--comment: as COSE, as the authenticator gave it. A session started with a passkey names it, so that
--comment: deleting the passkey ends those sessions.
ALTER TABLE users ADD COLUMN webauthn_user_handle bytea NULL CHECK (length(webauthn_user_handle) = 32);
CREATE TABLE passkeys (
    id              uuid        PRIMARY KEY,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id   bytea       NOT NULL UNIQUE CHECK (length(credential_id) BETWEEN 1 AND 1023),
    public_key      bytea       NOT NULL CHECK (length(public_key) <= 2048),
    algorithm       integer     NOT NULL,
    sign_count      bigint      NOT NULL CHECK (sign_count >= 0),
    -- WebAuthn's transport hints as the authenticator reported them, comma-separated.
    transports      text        NOT NULL DEFAULT '' CHECK (length(transports) <= 200),
    backup_eligible boolean     NOT NULL,
    backed_up       boolean     NOT NULL,
    aaguid          uuid        NULL,
    name            text        NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz NULL,
    CHECK (backup_eligible OR NOT backed_up)
);
-- A user's passkeys, newest first.
CREATE INDEX passkeys_user_created_idx ON passkeys (user_id, created_at DESC);
-- Checked for new rows at once; existing rows below, without blocking writes meanwhile.
ALTER TABLE sessions DROP CONSTRAINT sessions_provider_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_provider_check CHECK (provider IN ('google', 'apple', 'passkey')) NOT VALID;
ALTER TABLE sessions ADD COLUMN passkey_id uuid NULL;
ALTER TABLE sessions ADD CONSTRAINT sessions_passkey_fk FOREIGN KEY (passkey_id) REFERENCES passkeys (id)
    ON DELETE SET NULL NOT VALID;
--rollback ALTER TABLE sessions DROP CONSTRAINT sessions_passkey_fk; ALTER TABLE sessions DROP COLUMN passkey_id; DELETE FROM sessions WHERE provider = 'passkey'; ALTER TABLE sessions DROP CONSTRAINT sessions_provider_check; ALTER TABLE sessions ADD CONSTRAINT sessions_provider_check CHECK (provider IN ('google', 'apple')); DROP TABLE passkeys; ALTER TABLE users DROP COLUMN webauthn_user_handle;

--changeset oauth-api:011-sessions-validate
--comment: Validating takes a lock that lets sessions be written meanwhile.
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_provider_check;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_passkey_fk;
--rollback SELECT 1;

--changeset oauth-api:011-users-webauthn-handle-index runInTransaction:false
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_webauthn_user_handle_key ON users (webauthn_user_handle)
    WHERE webauthn_user_handle IS NOT NULL;
--rollback DROP INDEX CONCURRENTLY IF EXISTS users_webauthn_user_handle_key;

--changeset oauth-api:011-sessions-passkey-index runInTransaction:false
--comment: The sessions a passkey started, to end them with it.
CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_passkey_idx ON sessions (passkey_id) WHERE passkey_id IS NOT NULL;
--rollback DROP INDEX CONCURRENTLY IF EXISTS sessions_passkey_idx;
