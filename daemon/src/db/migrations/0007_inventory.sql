-- Park inventory (daemon/src/inventory) and the outbox of reports (daemon/src/hub).

-- one row per item of the school's park; facts and purchase data as JSON (model.ts)
CREATE TABLE inventory_items (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('server', 'pc', 'projector', 'whiteboard', 'display', 'printer', 'other')),
  name        TEXT NOT NULL,
  room        TEXT,
  -- the devices registry's id (no foreign key: the devices capability owns its table)
  device_id   INTEGER UNIQUE,
  -- the inventory agent's deviceid (GLPI-Agent / FusionInventory), the server's own for kind server
  agent_id    TEXT UNIQUE,
  serial      TEXT,
  sources     TEXT NOT NULL DEFAULT '[]',
  facts       TEXT NOT NULL,
  -- PurchaseInfo entered in the inventory (purchase records, manual entry), null when none
  purchase    TEXT,
  status      TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'to_watch', 'out_of_warranty', 'to_renew', 'failing')),
  reasons     TEXT NOT NULL DEFAULT '[]',
  notes       TEXT NOT NULL DEFAULT '',
  first_seen  TEXT NOT NULL,
  last_seen   TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX inventory_items_serial ON inventory_items (serial COLLATE NOCASE);

CREATE TABLE inventory_macs (
  mac      TEXT PRIMARY KEY,
  item_id  INTEGER NOT NULL REFERENCES inventory_items (id) ON DELETE CASCADE
);
CREATE INDEX inventory_macs_item ON inventory_macs (item_id);

CREATE TABLE inventory_software (
  item_id    INTEGER NOT NULL REFERENCES inventory_items (id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  version    TEXT NOT NULL DEFAULT '',
  publisher  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inventory_software_item ON inventory_software (item_id);

CREATE TABLE inventory_changes (
  id       INTEGER PRIMARY KEY,
  item_id  INTEGER NOT NULL REFERENCES inventory_items (id) ON DELETE CASCADE,
  at       TEXT NOT NULL,
  source   TEXT NOT NULL,
  field    TEXT NOT NULL,
  before   TEXT,
  after    TEXT
);
CREATE INDEX inventory_changes_item ON inventory_changes (item_id, id);

-- reports waiting to be delivered (hub, département's GLPI); a row is deleted once delivered
CREATE TABLE outbox (
  -- AUTOINCREMENT: an id is never reused (a superseded row in flight must not be confused with its successor)
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  target           TEXT NOT NULL CHECK (target IN ('hub', 'glpi')),
  kind             TEXT NOT NULL,
  -- delivery order: one at a time per stream, by seq
  stream           TEXT NOT NULL,
  seq              INTEGER NOT NULL,
  -- a newer undelivered row with the same key replaces this one (snapshots); null for events
  supersede_key    TEXT,
  idempotency_key  TEXT NOT NULL UNIQUE,
  content_type     TEXT NOT NULL,
  headers          TEXT NOT NULL DEFAULT '{}',
  body             BLOB NOT NULL,
  label            TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'rejected')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  UNIQUE (stream, seq)
);
CREATE INDEX outbox_due ON outbox (state, stream, seq);
CREATE INDEX outbox_supersede ON outbox (supersede_key) WHERE supersede_key IS NOT NULL;

CREATE TABLE outbox_streams (
  stream    TEXT PRIMARY KEY,
  last_seq  INTEGER NOT NULL
);

-- per target: the last delivery and the last error, for the console
CREATE TABLE outbox_targets (
  target             TEXT PRIMARY KEY,
  delivered          INTEGER NOT NULL DEFAULT 0,
  last_delivery_at   TEXT,
  last_delivery      TEXT,
  last_error_at      TEXT,
  last_error         TEXT,
  dropped            INTEGER NOT NULL DEFAULT 0
);
