-- Login with EDS: one-time challenges (2 minutes), each usable once. And who signed a
-- submission, as the certificate names them, for "signed by … on …".

CREATE TABLE login_challenges (
    nonce       TEXT PRIMARY KEY,
    expires_at  INTEGER NOT NULL,
    used        INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE submissions ADD COLUMN signer_id TEXT;
ALTER TABLE submissions ADD COLUMN certificate_serial TEXT;
