-- Decisions: the officer's signed decision document (satisfied or the reasoned refusal).
-- One per request; the request's status moves in the same transaction.

CREATE TABLE decisions (
    application_id      INTEGER PRIMARY KEY REFERENCES applications(id),
    outcome             TEXT NOT NULL CHECK (outcome IN ('satisfied', 'refused')),
    reason              TEXT,
    document            BLOB NOT NULL,
    signature           BLOB NOT NULL,
    signer              TEXT NOT NULL,
    signer_iin          TEXT NOT NULL,
    officer_account_id  INTEGER NOT NULL REFERENCES accounts(id),
    signed_at           INTEGER NOT NULL
);
