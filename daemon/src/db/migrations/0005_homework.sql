-- Homework hand-out / collection / return (daemon/src/homework).

CREATE TABLE homework (
  id          INTEGER PRIMARY KEY,
  title       TEXT NOT NULL,
  -- the folder name in Devoirs/ and Ramassage/ (the title, checked)
  folder      TEXT NOT NULL,
  teacher     TEXT NOT NULL,
  mode        TEXT NOT NULL CHECK (mode IN ('lecture', 'copie')),
  source      TEXT NOT NULL,
  due_at      TEXT,
  -- SourceManifest of the last hand-out (files, sizes, hashes): what collect leaves out
  manifest    TEXT NOT NULL,
  -- [{kind: 'classe'|'groupe'|'eleve', name}]
  targets     TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  handed_out_at TEXT,
  collected_at  TEXT,
  returned_at   TEXT,
  UNIQUE (teacher, folder)
);

CREATE TABLE homework_pupils (
  homework_id   INTEGER NOT NULL REFERENCES homework (id) ON DELETE CASCADE,
  login         TEXT NOT NULL,
  -- the class or group it was handed out through: Ramassage/<folder>/<group_label>/<login>
  group_label   TEXT NOT NULL,
  handout_state TEXT NOT NULL DEFAULT 'pending',
  handout_error TEXT,
  collect_state TEXT,
  collect_files INTEGER,
  collect_bytes INTEGER,
  last_modified TEXT,
  late          INTEGER NOT NULL DEFAULT 0,
  collect_error TEXT,
  return_state  TEXT,
  PRIMARY KEY (homework_id, login)
);
