-- The short code printed (with its QR code) on a request's receipt and on its result, which
-- opens the public verification page /verify/<code>. One per request and document, kept so
-- every copy of the paper carries the same code.
CREATE TABLE document_codes (
    code            TEXT PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    document        TEXT NOT NULL CHECK (document IN ('receipt', 'result')),
    created_at      BIGINT NOT NULL,
    UNIQUE (application_id, document)
);
