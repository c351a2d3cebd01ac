--liquibase formatted sql

--changeset oauth-api:007-server-secrets
--comment: Keys every instance must share and nobody has to configure: each is made by the first
--comment: instance that needs it (a random value, never in the repository) and read by the others.
--comment: Today one: the key that signs sign-in nonces, so issuing one costs no Redis memory.
CREATE TABLE server_secrets (
    name       text        PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    value      bytea       NOT NULL CHECK (length(value) >= 32),
    created_at timestamptz NOT NULL
);
--rollback DROP TABLE server_secrets;
