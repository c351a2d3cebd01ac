--liquibase formatted sql

--changeset oauth-api:008-fillfactor
--comment: Every sign-in updates its identity (last_sign_in_at, the provider's e-mail), changing no
--comment: indexed column: with room left on each page, PostgreSQL updates the row in place (a HOT
--comment: update) instead of writing a new version elsewhere plus an entry in each of the table's
--comment: three indexes. Applies to pages written from now on (VACUUM FULL rewrites older ones).
ALTER TABLE identities SET (fillfactor = 85);
--rollback ALTER TABLE identities RESET (fillfactor);
