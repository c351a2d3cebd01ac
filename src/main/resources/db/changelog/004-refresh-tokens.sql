--liquibase formatted sql

--changeset oauth-api:004-refresh-tokens
--comment: Every refresh token a session was given, as a SHA-256 hash only. generation counts the
--comment: rotations: the row with the session's highest generation is current; its predecessor
--comment: answers within the reuse grace; any older one presented again is reuse. successor_sealed
--comment: is the successor token encrypted under a key derived from this (predecessor) token, so
--comment: the grace answer can return the same current token without storing any token in clear.
CREATE TABLE refresh_tokens (
    token_hash       bytea       PRIMARY KEY CHECK (length(token_hash) = 32),
    session_id       uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    generation       integer     NOT NULL CHECK (generation >= 0),
    issued_at        timestamptz NOT NULL,
    superseded_at    timestamptz NULL,
    successor_sealed bytea       NULL,
    CONSTRAINT refresh_tokens_session_generation_key UNIQUE (session_id, generation)
);
--rollback DROP TABLE refresh_tokens;
