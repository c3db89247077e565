-- Signing from a phone with eGov mobile (QR code or deep link): one row per link handed out.
-- The phone reads the document by the link's unguessable id and a bearer token handed out by
-- API No. 1 (only its hash is kept; each read of API No. 1 replaces it), and puts the
-- signature back; the portal's page waits on `state`. Links live 180 s.
CREATE TABLE mobile_sign_sessions (
    id              TEXT PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
    document        BLOB NOT NULL,
    token_hash      TEXT,
    state           TEXT NOT NULL CHECK (state IN ('waiting', 'signed', 'refused')),
    problem         TEXT,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX mobile_sign_sessions_application ON mobile_sign_sessions (application_id);
