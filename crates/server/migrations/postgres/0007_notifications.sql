-- Notifications for applicants: every status change of their requests (with the officer's
-- note, e.g. the testing date and place), read or unread.

CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    status          TEXT NOT NULL,
    note            TEXT,
    at              BIGINT NOT NULL,
    read            BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_account ON notifications(account_id, id);
