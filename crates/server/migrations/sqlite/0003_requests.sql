-- Registration of requests: numbers per year, the signed outgoing document, the status
-- history, and idempotency keys so a retried submit never registers twice.

ALTER TABLE applications ADD COLUMN registered_at INTEGER;
ALTER TABLE applications ADD COLUMN due_date TEXT;

CREATE TABLE registration_counters (
    year         INTEGER PRIMARY KEY,
    last_number  INTEGER NOT NULL
);

CREATE TABLE submissions (
    application_id     INTEGER PRIMARY KEY REFERENCES applications(id),
    outgoing_document  BLOB NOT NULL,
    signature          BLOB NOT NULL,
    signer             TEXT NOT NULL,
    signed_at          INTEGER NOT NULL
);

CREATE TABLE history (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id    INTEGER NOT NULL REFERENCES applications(id),
    from_status       TEXT NOT NULL,
    to_status         TEXT NOT NULL,
    actor             TEXT NOT NULL,
    actor_account_id  INTEGER,
    at                INTEGER NOT NULL,
    note              TEXT
);
CREATE INDEX history_application ON history(application_id);

CREATE TABLE idempotency_keys (
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
    idempotency_key TEXT NOT NULL,
    application_id  INTEGER NOT NULL REFERENCES applications(id),
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);
