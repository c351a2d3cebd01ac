--liquibase formatted sql

--changeset oauth-api:003-sessions
--comment: One signed-in app on one device. expires_at is the idle expiry (moved forward by each
--comment: refresh, never past absolute_expires_at); a revoked session keeps its row until purged.
CREATE TABLE sessions (
    id                  uuid        PRIMARY KEY,
    user_id             uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider            text        NOT NULL CHECK (provider IN ('google', 'apple')),
    -- The app the session belongs to: the provider audience (bundle id, OAuth client id) that
    -- the sign-in token was issued to; the access tokens' client_id.
    client_id           text        NOT NULL CHECK (length(client_id) BETWEEN 1 AND 255),
    platform            text        NULL CHECK (platform IN ('ios', 'android', 'web', 'other')),
    device_name         text        NULL CHECK (length(device_name) <= 200),
    app_version         text        NULL CHECK (length(app_version) <= 50),
    ip_address          inet        NULL,
    user_agent          text        NULL CHECK (length(user_agent) <= 512),
    created_at          timestamptz NOT NULL,
    last_used_at        timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz NULL,
    revoked_reason      text        NULL,
    CHECK (expires_at <= absolute_expires_at)
);

-- The device list: a user's sessions, newest first.
CREATE INDEX sessions_user_created_idx ON sessions (user_id, created_at DESC);
-- The purge job: sessions past their expiry, or revoked.
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX sessions_revoked_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
--rollback DROP TABLE sessions;
