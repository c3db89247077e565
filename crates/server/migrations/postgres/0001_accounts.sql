-- People and companies registry (stands in for the state databases the regulations query),
-- accounts, sessions and login throttling. Timestamps are Unix seconds (BIGINT): the Any
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
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('individual', 'company')),
    role           TEXT NOT NULL CHECK (role IN ('applicant', 'officer', 'administrator')),
    provider_id    TEXT,
    display_name   TEXT NOT NULL,
    phone          TEXT NOT NULL,
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    revoked       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE login_throttle (
    throttle_key   TEXT PRIMARY KEY,
    failures       BIGINT NOT NULL,
    window_start   BIGINT NOT NULL,
    locked_until   BIGINT NOT NULL
);
