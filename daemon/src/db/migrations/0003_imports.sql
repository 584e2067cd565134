-- School-year imports (daemon/src/imports): runs, the files read for them, the journal of the
-- operations of an apply, and the ids that link national records to accounts.

CREATE TABLE import_runs (
  id          INTEGER PRIMARY KEY,
  mode        TEXT NOT NULL CHECK (mode IN ('update', 'rollover')),
  state       TEXT NOT NULL CHECK (state IN ('draft', 'analysed', 'applying', 'interrupted', 'applied', 'failed')),
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  applied_at  TEXT,
  -- settled ambiguities: {personKey: login | null}
  resolutions TEXT NOT NULL DEFAULT '{}',
  -- the ImportDiff of the last analysis (JSON)
  diff        TEXT,
  skip_errors INTEGER NOT NULL DEFAULT 0,
  error       TEXT
);

-- ParsedFile as JSON; dropped when the run is applied or abandoned (data minimisation)
CREATE TABLE import_files (
  run_id  INTEGER NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
  idx     INTEGER NOT NULL,
  name    TEXT NOT NULL,
  summary TEXT NOT NULL,
  parsed  TEXT,
  PRIMARY KEY (run_id, idx)
);

-- The journal of an apply: written in one transaction before the first change, each operation
-- marked done in the same transaction as what it records.
CREATE TABLE import_ops (
  run_id  INTEGER NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
  seq     INTEGER NOT NULL,
  type    TEXT NOT NULL,
  payload TEXT NOT NULL,
  state   TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  result  TEXT,
  tries   INTEGER NOT NULL DEFAULT 0,
  done_at TEXT,
  PRIMARY KEY (run_id, seq)
);

-- National ids (SIECLE:…, INE:…, STS:…, AAF:…, CSV:…) of the person behind an account
CREATE TABLE import_links (
  id         TEXT PRIMARY KEY,
  login      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX import_links_login ON import_links (login);

-- Date of birth, only to tell homonyms apart at the next import; erased with the account
CREATE TABLE import_people (
  login      TEXT PRIMARY KEY,
  birth_date TEXT,
  updated_at TEXT NOT NULL
);
