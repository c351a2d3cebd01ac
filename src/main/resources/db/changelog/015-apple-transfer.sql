--liquibase formatted sql

--changeset oauth-api:015-identities-transfer-sub
--comment: Sign in with Apple across a transfer of the app to another team (Apple's TN3159): the
--comment: transfer identifier Apple gave for this identity's subject (apple transfer prepare),
--comment: until the identity moves to its subject under the new team (a sign-in whose token
--comment: carries it, or apple transfer complete), which clears it.
ALTER TABLE identities ADD COLUMN transfer_sub text NULL CHECK (length(transfer_sub) <= 255);
--rollback ALTER TABLE identities DROP COLUMN transfer_sub;

--changeset oauth-api:015-identities-transfer-sub-index runInTransaction:false
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS identities_transfer_sub_key ON identities (transfer_sub)
    WHERE transfer_sub IS NOT NULL;
--rollback DROP INDEX CONCURRENTLY IF EXISTS identities_transfer_sub_key;
