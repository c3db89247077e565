-- The SMS provider's own id of the message that carried a code (Mobizon's messageId), kept
-- to match delivery reports and support questions against; empty for the TEST outbox.
ALTER TABLE verification_codes ADD COLUMN provider_message_id TEXT NOT NULL DEFAULT '';
-- The address a code was asked for from: codes asked for and never used are what SMS
-- bombing leaves, and they are limited per address.
ALTER TABLE verification_codes ADD COLUMN requested_from TEXT NOT NULL DEFAULT '';
CREATE INDEX verification_codes_requested_from ON verification_codes(requested_from, created_at);

-- A payment at a real acquirer (Halyk ePay): the merchant's invoice number (digits, unique),
-- the secret the acquirer echoes in its server-to-server callback, and the acquirer's
-- reference once paid. The TEST gateway leaves them empty.
ALTER TABLE payments ADD COLUMN invoice_id TEXT;
ALTER TABLE payments ADD COLUMN secret_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN provider_reference TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX payments_invoice_id ON payments(invoice_id);

-- Every callback an acquirer sent, kept whether it was accepted or refused (a forged or
-- wrong-amount callback is evidence).
CREATE TABLE payment_callbacks (
    id           BIGSERIAL PRIMARY KEY,
    invoice_id   TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);
