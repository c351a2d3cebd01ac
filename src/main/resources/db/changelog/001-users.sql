--liquibase formatted sql

--changeset oauth-api:001-users
--comment: Accounts. The e-mail is a copy for display and for linking by verified e-mail; who a
--comment: user is comes from identities, never from an e-mail address.
CREATE TABLE users (
    id             uuid        PRIMARY KEY,
    email          text        NULL CHECK (length(email) <= 320),
    email_verified boolean     NOT NULL DEFAULT false,
    name           text        NULL CHECK (length(name) BETWEEN 1 AND 100),
    avatar_url     text        NULL CHECK (length(avatar_url) <= 2048),
    role           text        NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin', 'superadmin')),
    disabled_at    timestamptz NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

-- Linking by e-mail looks up verified addresses ignoring case.
CREATE INDEX users_verified_email_idx ON users (lower(email)) WHERE email_verified;
--rollback DROP TABLE users;
