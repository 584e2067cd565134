-- Classroom devices (daemon/src/devices): rooms, devices, their last status, lamp and filter
-- hours history, alerts, schedules and closure periods.

CREATE TABLE rooms (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
  subnet     TEXT,
  notes      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE devices (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('pc', 'projector', 'whiteboard', 'display', 'printer', 'server', 'other')),
  name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
  room_id        INTEGER REFERENCES rooms (id) ON DELETE SET NULL,
  mac            TEXT UNIQUE,
  host           TEXT,
  manufacturer   TEXT NOT NULL DEFAULT '',
  model          TEXT NOT NULL DEFAULT '',
  serial         TEXT NOT NULL DEFAULT '',
  purchase_date  TEXT,
  warranty_end   TEXT,
  notes          TEXT NOT NULL DEFAULT '',
  os             TEXT CHECK (os IN ('windows', 'linux')),
  pjlink_enabled INTEGER NOT NULL DEFAULT 0,
  pjlink_port    INTEGER NOT NULL DEFAULT 4352,
  -- needed in clear to answer the projector's challenge; never returned by the API
  pjlink_password TEXT,
  -- DeviceStatus as JSON (last check), and when the identity (name, serial...) was last read
  status         TEXT,
  identity_at    TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX devices_room ON devices (room_id);

-- one row per device, lamp and day: the last value seen that day (lamp 0 = the filter)
CREATE TABLE device_hours (
  device_id  INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  lamp       INTEGER NOT NULL,
  day        TEXT NOT NULL,
  hours      INTEGER NOT NULL,
  PRIMARY KEY (device_id, lamp, day)
);

CREATE TABLE device_alerts (
  id         INTEGER PRIMARY KEY,
  device_id  INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  type       TEXT NOT NULL,
  level      TEXT NOT NULL CHECK (level IN ('warning', 'error')),
  message    TEXT NOT NULL,
  opened_at  TEXT NOT NULL,
  closed_at  TEXT
);
CREATE INDEX device_alerts_open ON device_alerts (device_id) WHERE closed_at IS NULL;

CREATE TABLE device_schedules (
  id            INTEGER PRIMARY KEY,
  label         TEXT NOT NULL,
  action        TEXT NOT NULL,
  rooms         TEXT NOT NULL DEFAULT '[]',
  days          TEXT NOT NULL,
  time          TEXT NOT NULL,
  skip_closures INTEGER NOT NULL DEFAULT 1,
  enabled       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE closure_periods (
  id      INTEGER PRIMARY KEY,
  label   TEXT NOT NULL,
  start   TEXT NOT NULL,
  end     TEXT NOT NULL,
  source  TEXT NOT NULL CHECK (source IN ('manual', 'import'))
);
