--liquibase formatted sql

--changeset oauth-api:012-app-attest-keys
--comment: Apple App Attest device keys: attested once, then each assertion's counter must be above
--comment: the stored one, moved atomically, so a replayed or parallel assertion fails. A revoked key
--comment: (an admin's answer to a stolen or abused one) keeps its row, so it cannot attest again.
CREATE TABLE app_attest_keys (
    key_id       bytea       PRIMARY KEY CHECK (length(key_id) = 32),
    public_key   bytea       NOT NULL CHECK (length(public_key) <= 512),
    counter      bigint      NOT NULL CHECK (counter >= 0),
    receipt      bytea       NULL CHECK (length(receipt) <= 16384),
    app_id       text        NOT NULL CHECK (length(app_id) BETWEEN 1 AND 255),
    environment  text        NOT NULL CHECK (environment IN ('production', 'development')),
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NULL,
    revoked_at   timestamptz NULL
);
--rollback DROP TABLE app_attest_keys;
