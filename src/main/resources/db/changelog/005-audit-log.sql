--liquibase formatted sql

--changeset oauth-api:005-audit-log
--comment: Security events (sign-in, refresh reuse, logout, session revoked, account deleted). No
--comment: foreign keys: the record outlives the account it speaks of. Never holds a token or a
--comment: full e-mail address.
CREATE TABLE audit_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    event       text        NOT NULL CHECK (length(event) <= 64),
    user_id     uuid        NULL,
    session_id  uuid        NULL,
    ip_address  inet        NULL,
    request_id  text        NULL,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_user_idx ON audit_log (user_id, occurred_at DESC) WHERE user_id IS NOT NULL;
CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at);
--rollback DROP TABLE audit_log;
