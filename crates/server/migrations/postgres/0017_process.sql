-- The provider's process (#27): the roles its staff hold (office clerk, head, executor),
-- where each request stands in its regulation's steps, every step made (who, in which role,
-- when), and every read of an applicant's personal data by staff.

CREATE TABLE staff_roles (
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    provider_id TEXT NOT NULL,
    role        TEXT NOT NULL,
    granted_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, provider_id, role)
);

-- The officers from before worked every step alone: they keep the office's and the
-- executor's; a head signs.
INSERT INTO staff_roles (account_id, provider_id, role, granted_at)
    SELECT id, provider_id, 'office', created_at FROM accounts
    WHERE role = 'officer' AND provider_id IS NOT NULL;
INSERT INTO staff_roles (account_id, provider_id, role, granted_at)
    SELECT id, provider_id, 'executor', created_at FROM accounts
    WHERE role = 'officer' AND provider_id IS NOT NULL;

-- Where the request is: the step's index in its variant's `process`, since when (Unix
-- seconds; NULL: since registration), the executor holding it, and the result as prepared.
ALTER TABLE applications ADD COLUMN process_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN step_started_at BIGINT;
ALTER TABLE applications ADD COLUMN step_holder BIGINT;
ALTER TABLE applications ADD COLUMN prepared_by BIGINT;
ALTER TABLE applications ADD COLUMN prepared_outcome TEXT;
ALTER TABLE applications ADD COLUMN prepared_reason TEXT;

CREATE TABLE process_log (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    step            BIGINT NOT NULL,
    event           TEXT NOT NULL,
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    role            TEXT NOT NULL,
    executor        BIGINT,
    note            TEXT,
    at              BIGINT NOT NULL
);
CREATE INDEX process_log_application ON process_log(application_id);

CREATE TABLE personal_data_reads (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    roles           TEXT NOT NULL,
    what            TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX personal_data_reads_application ON personal_data_reads(application_id, at);
CREATE INDEX personal_data_reads_account ON personal_data_reads(account_id, at);
