-- Payments through the built-in TEST payment gateway (003: the fee is paid through the
-- e-government payment gateway before signing). One payment per application.

CREATE TABLE payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id       TEXT NOT NULL UNIQUE,
    application_id  INTEGER NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
    amount_tenge    INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'paid')),
    created_at      INTEGER NOT NULL,
    paid_at         INTEGER
);
