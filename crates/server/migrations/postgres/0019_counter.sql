-- Applications accepted in person (#27): at the State Corporation's desk or the provider's
-- office, entered by a member of staff on the applicant's behalf, with the applicant's
-- written consent to the use of data from state information systems. The staff member owns
-- the draft; the request is the applicant's (found by IIN in their cabinet and by number).

ALTER TABLE applications ADD COLUMN channel TEXT NOT NULL DEFAULT 'portal';
ALTER TABLE applications ADD COLUMN applicant_iin TEXT;
ALTER TABLE applications ADD COLUMN applicant_name TEXT;
ALTER TABLE applications ADD COLUMN applicant_phone TEXT;
ALTER TABLE applications ADD COLUMN consent_at BIGINT;
CREATE INDEX applications_applicant_iin ON applications(applicant_iin);

-- An acceptance refused for an incomplete set of documents: the refusal receipt the
-- regulations describe lists what was missing.
CREATE TABLE acceptance_refusals (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    operator_id     BIGINT NOT NULL REFERENCES accounts(id),
    missing         TEXT NOT NULL,
    at              BIGINT NOT NULL
);
