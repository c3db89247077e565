-- Decisions: the officer's signed decision document (satisfied or the reasoned refusal).
-- One per request; the request's status moves in the same transaction.

CREATE TABLE decisions (
    application_id      BIGINT PRIMARY KEY REFERENCES applications(id),
    outcome             TEXT NOT NULL CHECK (outcome IN ('satisfied', 'refused')),
    reason              TEXT,
    document            BYTEA NOT NULL,
    signature           BYTEA NOT NULL,
    signer              TEXT NOT NULL,
    signer_iin          TEXT NOT NULL,
    officer_account_id  BIGINT NOT NULL REFERENCES accounts(id),
    signed_at           BIGINT NOT NULL
);
