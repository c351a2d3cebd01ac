--liquibase formatted sql

--changeset oauth-api:006-provider-lifecycle
--comment: The provider account lifecycle: Apple refresh tokens (encrypted, with the id of the key
--comment: that encrypted them), the outcome of the last code exchange, the relay-mail flag, sign-in
--comment: disabled through one identity (Google RISC), a revocation outbox, and processed events.
ALTER TABLE identities
    ADD COLUMN client_id              text        NULL CHECK (length(client_id) <= 255),
    ADD COLUMN provider_token_sealed  bytea       NULL,
    ADD COLUMN provider_token_key_id  text        NULL CHECK (length(provider_token_key_id) <= 64),
    ADD COLUMN token_exchange_status  text        NULL CHECK (token_exchange_status IN ('ok', 'failed')),
    ADD COLUMN token_exchange_error   text        NULL CHECK (length(token_exchange_error) <= 500),
    ADD COLUMN token_exchanged_at     timestamptz NULL,
    ADD COLUMN email_relay_disabled   boolean     NOT NULL DEFAULT false,
    ADD COLUMN sign_in_disabled_at    timestamptz NULL;

-- Provider tokens to revoke, written in the transaction that deleted what they belonged to, and
-- worked off by a retrying worker: a crash or a provider outage never loses one.
CREATE TABLE provider_revocations (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider        text        NOT NULL CHECK (provider IN ('google', 'apple')),
    client_id       text        NOT NULL,
    token_sealed    bytea       NOT NULL,
    token_key_id    text        NOT NULL,
    user_id         uuid        NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text        NULL CHECK (length(last_error) <= 500),
    completed_at    timestamptz NULL,
    abandoned_at    timestamptz NULL
);
CREATE INDEX provider_revocations_due_idx ON provider_revocations (next_attempt_at)
    WHERE completed_at IS NULL AND abandoned_at IS NULL;

-- Security events already acted on, by the token's jti: a redelivery changes nothing.
CREATE TABLE provider_events (
    provider    text        NOT NULL CHECK (provider IN ('google', 'apple')),
    jti         text        NOT NULL CHECK (length(jti) BETWEEN 1 AND 255),
    event_type  text        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (provider, jti)
);
--rollback DROP TABLE provider_events; DROP TABLE provider_revocations; ALTER TABLE identities DROP COLUMN client_id, DROP COLUMN provider_token_sealed, DROP COLUMN provider_token_key_id, DROP COLUMN token_exchange_status, DROP COLUMN token_exchange_error, DROP COLUMN token_exchanged_at, DROP COLUMN email_relay_disabled, DROP COLUMN sign_in_disabled_at;
