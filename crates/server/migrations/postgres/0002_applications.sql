-- Applications (drafts, and requests once registered) and their attachments. Answers are
-- JSON text; files live on disk, content-addressed by SHA-256, the rows point at them.

CREATE TABLE applications (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id            TEXT NOT NULL UNIQUE,
    account_id           BIGINT NOT NULL REFERENCES accounts(id),
    service_id           TEXT NOT NULL,
    variant_id           TEXT NOT NULL,
    provider_id          TEXT NOT NULL,
    status               TEXT NOT NULL,
    answers              TEXT NOT NULL,
    version              BIGINT NOT NULL,
    registration_number  TEXT UNIQUE,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX applications_account ON applications(account_id);

CREATE TABLE attachments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    document_id     TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (application_id, document_id)
);
