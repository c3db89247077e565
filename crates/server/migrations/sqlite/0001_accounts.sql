-- People and companies registry (stands in for the state databases the regulations query),
-- accounts, sessions and login throttling. Timestamps are Unix seconds (INTEGER): the Any
-- driver carries integers on both backends alike.

CREATE TABLE registry_people (
    iin         TEXT PRIMARY KEY,
    last_name   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    patronymic  TEXT,
    birth_date  TEXT NOT NULL
);

CREATE TABLE registry_companies (
    bin       TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    head_iin  TEXT NOT NULL
);

CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    login          TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('individual', 'company')),
    role           TEXT NOT NULL CHECK (role IN ('applicant', 'officer', 'administrator')),
    provider_id    TEXT,
    display_name   TEXT NOT NULL,
    phone          TEXT NOT NULL,
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    revoked       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE login_throttle (
    throttle_key   TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    window_start   INTEGER NOT NULL,
    locked_until   INTEGER NOT NULL
);
