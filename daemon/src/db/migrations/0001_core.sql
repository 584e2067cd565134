-- Core state of the daemon: console administrators, sessions, API tokens, login lockouts,
-- the audit log, the journal of events and the history of scheduled jobs.

CREATE TABLE admins (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,               -- argon2id, PHC string
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  last_login_at TEXT,
  disabled      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,             -- sha256 of the cookie value; the value itself is never stored
  kind         TEXT NOT NULL CHECK (kind IN ('admin', 'directory')),
  subject      TEXT NOT NULL,                -- admin login or directory sAMAccountName
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('administrator', 'teacher')),
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,             -- epoch ms
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,             -- absolute limit
  ip           TEXT
);
CREATE INDEX sessions_subject ON sessions (kind, subject);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,         -- sha256 of the secret part
  role         TEXT NOT NULL CHECK (role IN ('administrator', 'teacher')),
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);

CREATE TABLE login_lockouts (
  login            TEXT PRIMARY KEY COLLATE NOCASE,
  failures         INTEGER NOT NULL,
  first_failure_at INTEGER NOT NULL,
  locked_until     INTEGER
);

CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,                  -- "admin:<login>", "teacher:<login>", "token:<id>", "system"
  actor_role TEXT,
  action     TEXT NOT NULL,                  -- e.g. "auth.token.create"
  target     TEXT,
  before     TEXT,                           -- JSON, secrets removed
  after      TEXT,                           -- JSON, secrets removed
  ip         TEXT,
  request_id TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE events (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  level   TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  source  TEXT NOT NULL,
  type    TEXT NOT NULL,
  message TEXT NOT NULL,
  data    TEXT
);
CREATE INDEX events_at ON events (at);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
