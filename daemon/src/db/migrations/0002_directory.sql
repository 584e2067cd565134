-- The directory's own state. Accounts and groups live in the AD (the source of truth); Trousse
-- keeps here only what the AD cannot: the numbers and logins it handed out (never reused), the
-- grace period of deleted accounts, initial passwords kept for the sheets (encrypted) and settings.

CREATE TABLE directory_ids (
  kind         TEXT NOT NULL CHECK (kind IN ('uid', 'gid')),
  number       INTEGER NOT NULL,
  owner        TEXT NOT NULL,                -- login or group name it was given to
  allocated_at TEXT NOT NULL,
  released_at  TEXT,                         -- set at purge; the number is still never handed out again
  PRIMARY KEY (kind, number)
);

CREATE TABLE directory_logins (
  login        TEXT PRIMARY KEY COLLATE NOCASE,
  national_id  TEXT,
  allocated_at TEXT NOT NULL,
  purged_at    TEXT                          -- a purged login is not given to anyone else
);

CREATE TABLE directory_deleted (
  login        TEXT PRIMARY KEY COLLATE NOCASE,
  origin_dn    TEXT NOT NULL,                -- where the account was (restore puts it back)
  groups       TEXT NOT NULL,                -- JSON list of the group names it belonged to
  deleted_at   TEXT NOT NULL,
  purge_after  TEXT NOT NULL,
  deleted_by   TEXT NOT NULL
);

CREATE TABLE directory_initial_passwords (
  login        TEXT PRIMARY KEY COLLATE NOCASE,
  sealed       BLOB NOT NULL,                -- AES-256-GCM: iv (12) | tag (16) | ciphertext
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL
);

CREATE TABLE settings (
  key          TEXT PRIMARY KEY,
  value        TEXT NOT NULL,                -- JSON
  updated_at   TEXT NOT NULL
);
