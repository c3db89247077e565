-- Notifications for applicants: every status change of their requests (with the officer's
-- note, e.g. the testing date and place), read or unread.

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
    application_id  INTEGER NOT NULL REFERENCES applications(id),
    status          TEXT NOT NULL,
    note            TEXT,
    at              INTEGER NOT NULL,
    read            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_account ON notifications(account_id, id);
