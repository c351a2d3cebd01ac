--liquibase formatted sql

--changeset oauth-api:002-identities
--comment: A user's accounts at Google and Apple. (provider, subject) is the identity; the unique
--comment: constraint is what makes concurrent first sign-ins of one identity create one user.
CREATE TABLE identities (
    id               uuid        PRIMARY KEY,
    user_id          uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider         text        NOT NULL CHECK (provider IN ('google', 'apple')),
    subject          text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    email            text        NULL CHECK (length(email) <= 320),
    email_verified   boolean     NOT NULL DEFAULT false,
    is_private_email boolean     NOT NULL DEFAULT false,
    linked_at        timestamptz NOT NULL,
    last_sign_in_at  timestamptz NOT NULL,
    CONSTRAINT identities_provider_subject_key UNIQUE (provider, subject),
    -- A user holds at most one identity per provider: linking a second one is a conflict.
    CONSTRAINT identities_user_provider_key UNIQUE (user_id, provider)
);
--rollback DROP TABLE identities;
