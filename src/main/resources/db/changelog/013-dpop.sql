--liquibase formatted sql

--changeset oauth-api:013-sessions-dpop
--comment: DPoP (RFC 9449): the RFC 7638 thumbprint of the key a session is bound to, null for an
--comment: unbound one. Set when a session starts or first refreshes with a proof, never changed
--comment: after; every refresh of a bound session needs a proof by that key. Not indexed: the
--comment: refresh stays a HOT update.
ALTER TABLE sessions ADD COLUMN dpop_jkt text NULL CHECK (length(dpop_jkt) = 43);
--rollback ALTER TABLE sessions DROP COLUMN dpop_jkt;
