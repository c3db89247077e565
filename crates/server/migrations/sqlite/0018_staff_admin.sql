-- The administrator manages staff (#27): a member of staff may be disabled (no login; their
-- past steps stay theirs), and every change to staff is kept: who changed whom, what, when.

ALTER TABLE accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE staff_audit (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    administrator_id  INTEGER NOT NULL REFERENCES accounts(id),
    member_id         INTEGER NOT NULL REFERENCES accounts(id),
    provider_id       TEXT NOT NULL,
    action            TEXT NOT NULL,
    detail            TEXT NOT NULL,
    at                INTEGER NOT NULL
);
CREATE INDEX staff_audit_at ON staff_audit(at);
