-- Registration of requests: numbers per year, the signed outgoing document, the status
-- history, and idempotency keys so a retried submit never registers twice.

ALTER TABLE applications ADD COLUMN registered_at BIGINT;
ALTER TABLE applications ADD COLUMN due_date TEXT;

CREATE TABLE registration_counters (
    year         BIGINT PRIMARY KEY,
    last_number  BIGINT NOT NULL
);

CREATE TABLE submissions (
    application_id     BIGINT PRIMARY KEY REFERENCES applications(id),
    outgoing_document  BYTEA NOT NULL,
    signature          BYTEA NOT NULL,
    signer             TEXT NOT NULL,
    signed_at          BIGINT NOT NULL
);

CREATE TABLE history (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id    BIGINT NOT NULL REFERENCES applications(id),
    from_status       TEXT NOT NULL,
    to_status         TEXT NOT NULL,
    actor             TEXT NOT NULL,
    actor_account_id  BIGINT,
    at                BIGINT NOT NULL,
    note              TEXT
);
CREATE INDEX history_application ON history(application_id);

CREATE TABLE idempotency_keys (
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    idempotency_key TEXT NOT NULL,
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);
