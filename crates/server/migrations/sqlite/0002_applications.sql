-- Applications (drafts, and requests once registered) and their attachments. Answers are
-- JSON text; files live on disk, content-addressed by SHA-256, the rows point at them.

CREATE TABLE applications (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id            TEXT NOT NULL UNIQUE,
    account_id           INTEGER NOT NULL REFERENCES accounts(id),
    service_id           TEXT NOT NULL,
    variant_id           TEXT NOT NULL,
    provider_id          TEXT NOT NULL,
    status               TEXT NOT NULL,
    answers              TEXT NOT NULL,
    version              INTEGER NOT NULL,
    registration_number  TEXT UNIQUE,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX applications_account ON applications(account_id);

CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    document_id     TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (application_id, document_id)
);
