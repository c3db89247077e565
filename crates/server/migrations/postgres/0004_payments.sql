-- Payments through the built-in TEST payment gateway (003: the fee is paid through the
-- e-government payment gateway before signing). One payment per application.

CREATE TABLE payments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,
    application_id  BIGINT NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    amount_tenge    BIGINT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'paid')),
    created_at      BIGINT NOT NULL,
    paid_at         BIGINT
);
