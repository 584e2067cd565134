-- File shares (daemon/src/shares): the Windows ACLs already written (so a reconcile only touches
-- what changed), disk usage measured per account, quota exceptions, and quotas written to the
-- filesystem.

CREATE TABLE share_acls (
  path       TEXT PRIMARY KEY,
  -- hash of the desired ACL (names and ids, not SIDs): a change of class team or owner rewrites it
  wanted     TEXT NOT NULL,
  -- the folder's inode when written: a folder put back from an archive (new inode) is rewritten
  ino        INTEGER NOT NULL DEFAULT 0,
  applied_at TEXT NOT NULL
);

CREATE TABLE share_usage (
  login         TEXT PRIMARY KEY,
  home_bytes    INTEGER NOT NULL,
  profile_bytes INTEGER NOT NULL,
  measured_at   TEXT NOT NULL,
  -- 'ok' | 'soft' | 'hard': the last state reported (a warning is journaled once per crossing)
  state         TEXT NOT NULL DEFAULT 'ok'
);

CREATE TABLE share_quota_overrides (
  login   TEXT PRIMARY KEY,
  soft_mb INTEGER NOT NULL,
  hard_mb INTEGER NOT NULL,
  set_by  TEXT NOT NULL,
  set_at  TEXT NOT NULL
);

-- quotas written with setquota (filesystem mode), to write only what changed
CREATE TABLE share_quota_applied (
  uid     INTEGER PRIMARY KEY,
  soft_kb INTEGER NOT NULL,
  hard_kb INTEGER NOT NULL
);
