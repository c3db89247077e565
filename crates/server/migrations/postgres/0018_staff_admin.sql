-- The administrator manages staff (#27): a member of staff may be disabled (no login; their
-- past steps stay theirs), and every change to staff is kept: who changed whom, what, when.

ALTER TABLE accounts ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;

CREATE TABLE staff_audit (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    administrator_id  BIGINT NOT NULL REFERENCES accounts(id),
    member_id         BIGINT NOT NULL REFERENCES accounts(id),
    provider_id       TEXT NOT NULL,
    action            TEXT NOT NULL,
    detail            TEXT NOT NULL,
    at                BIGINT NOT NULL
);
CREATE INDEX staff_audit_at ON staff_audit(at);
