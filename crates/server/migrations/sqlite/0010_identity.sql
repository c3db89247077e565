-- Proof of identity and one signature per request (issue 15).
--
-- The mobile-citizens database: the phone the state holds for a person, where one-time codes
-- go (registration without EDS, the second factor of a password login).
ALTER TABLE registry_people ADD COLUMN phone TEXT;

-- How an account's holder was proven when it was made: 'eds' (a signed one-time challenge),
-- 'sms' (a code sent to the registry's phone), 'seed' (demo and administration data). NULL
-- for accounts registered before proof was required: no login lands in one, and a proven
-- registration of the same IIN/BIN takes it over.
ALTER TABLE accounts ADD COLUMN proven_by TEXT;
UPDATE accounts SET proven_by = 'seed' WHERE role <> 'applicant';
UPDATE sessions SET revoked = 1 WHERE account_id IN (SELECT id FROM accounts WHERE proven_by IS NULL);

-- One-time codes: only a salted SHA-256 of the code is stored; each is short-lived, has a
-- few attempts, and is spent on first success.
CREATE TABLE verification_codes (
    id          TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('register', 'login')),
    subject     TEXT NOT NULL,
    phone       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used        INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX verification_codes_subject ON verification_codes(subject, created_at);

-- The TEST SMS gateway's outbox: what a real provider would deliver to the phone.
CREATE TABLE test_sms_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    phone       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX test_sms_outbox_phone ON test_sms_outbox(phone, created_at);

-- An idempotency key belongs to one operation on one application.
ALTER TABLE idempotency_keys ADD COLUMN operation TEXT NOT NULL DEFAULT 'submit';
