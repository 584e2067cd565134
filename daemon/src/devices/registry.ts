import type { Db } from '../db/index.ts';
import { AppError } from '../core/errors.ts';
import { PJLINK_KINDS, type Device, type DeviceAlert, type DeviceInput, type DeviceKind, type DeviceStatus, type Room, type RoomInput } from './model.ts';
import * as v from './validate.ts';

/** Rooms and devices in SQLite: validation, uniqueness, the rows turned into API shapes. */

export const EMPTY_STATUS: DeviceStatus = {
  reachable: null,
  power: null,
  input: null,
  mute: null,
  lamps: [],
  filterHours: null,
  errors: null,
  serial: null,
  manufacturer: null,
  model: null,
  softwareVersion: null,
  pjlinkClass: null,
  inputs: [],
  problem: null,
  unreachableSince: null,
  checkedAt: null,
};

interface DeviceRow {
  id: number;
  kind: DeviceKind;
  name: string;
  room_id: number | null;
  room: string | null;
  mac: string | null;
  host: string | null;
  manufacturer: string;
  model: string;
  serial: string;
  purchase_date: string | null;
  warranty_end: string | null;
  notes: string;
  os: 'windows' | 'linux' | null;
  pjlink_enabled: number;
  pjlink_port: number;
  pjlink_password: string | null;
  status: string | null;
  identity_at: string | null;
  created_at: string;
  updated_at: string;
}

/** What the poller and the drivers need, password included (never sent to a client). */
export interface DeviceTarget {
  id: number;
  kind: DeviceKind;
  name: string;
  roomId: number | null;
  host: string | null;
  mac: string | null;
  os: 'windows' | 'linux' | null;
  pjlink: { enabled: boolean; port: number; password: string | null };
  identityAt: string | null;
  status: DeviceStatus;
}

/** The normalised values of a DeviceInput (room by name). */
export interface CleanDevice {
  kind: DeviceKind;
  name: string;
  room: string | null;
  mac: string | null;
  host: string | null;
  manufacturer: string;
  model: string;
  serial: string;
  purchaseDate: string | null;
  warrantyEnd: string | null;
  notes: string;
  os: 'windows' | 'linux' | null;
  pjlinkEnabled: boolean;
  pjlinkPort: number;
  /** undefined: keep the stored one. */
  pjlinkPassword: string | null | undefined;
}

const SELECT = `SELECT d.*, r.name AS room FROM devices d LEFT JOIN rooms r ON r.id = d.room_id`;

export function cleanDevice(input: DeviceInput, base?: CleanDevice): CleanDevice {
  const has = (k: keyof DeviceInput) => Object.hasOwn(input, k);
  const kind = has('kind') ? v.kind(input.kind) : (base?.kind ?? v.kind(input.kind));
  const host = has('host') ? v.host(input.host) : (base?.host ?? null);
  const pj = input.pjlink ?? {};
  const out: CleanDevice = {
    kind,
    name: has('name') ? v.text(input.name, 'Nom', 64, true) : (base?.name ?? v.text(input.name, 'Nom', 64, true)),
    room: has('room') ? v.text(input.room, 'Salle', 64) || null : (base?.room ?? null),
    mac: has('mac') ? v.mac(input.mac) : (base?.mac ?? null),
    host,
    manufacturer: has('manufacturer') ? v.text(input.manufacturer, 'Fabricant', 64) : (base?.manufacturer ?? ''),
    model: has('model') ? v.text(input.model, 'Modèle', 64) : (base?.model ?? ''),
    serial: has('serial') ? v.text(input.serial, 'Numéro de série', 64) : (base?.serial ?? ''),
    purchaseDate: has('purchaseDate') ? v.date(input.purchaseDate, 'Date d’achat') : (base?.purchaseDate ?? null),
    warrantyEnd: has('warrantyEnd') ? v.date(input.warrantyEnd, 'Fin de garantie') : (base?.warrantyEnd ?? null),
    notes: has('notes') ? v.text(input.notes, 'Notes', 1000) : (base?.notes ?? ''),
    os: has('os') ? v.os(input.os) : (base?.os ?? null),
    // a device that changes kind takes the new kind's default unless told
    pjlinkEnabled: pj.enabled ?? (base && base.kind === kind ? base.pjlinkEnabled : PJLINK_KINDS.includes(kind)),
    pjlinkPort: Object.hasOwn(pj, 'port') ? v.port(pj.port) : (base?.pjlinkPort ?? 4352),
    pjlinkPassword: Object.hasOwn(pj, 'password') ? v.pjlinkPassword(pj.password) : undefined,
  };
  if (out.pjlinkEnabled && !PJLINK_KINDS.includes(kind) && kind !== 'other') {
    throw new v.InvalidField(`PJLink ne concerne que les vidéoprojecteurs, tableaux et écrans interactifs.`);
  }
  if (out.purchaseDate && out.warrantyEnd && out.warrantyEnd < out.purchaseDate) {
    throw new v.InvalidField('La fin de garantie est avant la date d’achat.');
  }
  return out;
}

/** The same fields (a password given counts apart: it is never read back to compare). */
export function sameDevice(a: CleanDevice, b: CleanDevice): boolean {
  return JSON.stringify({ ...a, pjlinkPassword: undefined }) === JSON.stringify({ ...b, pjlinkPassword: undefined });
}

export class Registry {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  // ---- rooms

  rooms(): Room[] {
    return (
      this.#db
        .prepare(
          `SELECT r.id, r.name, r.subnet, r.notes, (SELECT count(*) FROM devices d WHERE d.room_id = r.id) AS deviceCount FROM rooms r ORDER BY r.name COLLATE NOCASE`,
        )
        .all() as Room[]
    ).map((r) => ({ ...r }));
  }

  room(id: number): Room {
    const r = this.rooms().find((x) => x.id === id);
    if (!r) throw new AppError('ROOM_NOT_FOUND', 'Cette salle n’existe pas (ou plus).', 404);
    return r;
  }

  roomByName(name: string): Room | null {
    return this.rooms().find((r) => r.name.toLowerCase() === name.toLowerCase()) ?? null;
  }

  createRoom(input: RoomInput): Room {
    const name = v.text(input.name, 'Nom de la salle', 64, true);
    const subnet = v.subnet(input.subnet);
    const notes = v.text(input.notes, 'Notes', 1000);
    if (this.roomByName(name)) throw new AppError('ROOM_EXISTS', `La salle « ${name} » existe déjà.`, 409);
    const id = Number(this.#db.prepare('INSERT INTO rooms (name, subnet, notes) VALUES (?, ?, ?)').run(name, subnet, notes).lastInsertRowid);
    return this.room(id);
  }

  updateRoom(id: number, input: Partial<RoomInput>): Room {
    const current = this.room(id);
    const name = input.name === undefined ? current.name : v.text(input.name, 'Nom de la salle', 64, true);
    const subnet = input.subnet === undefined ? current.subnet : v.subnet(input.subnet);
    const notes = input.notes === undefined ? current.notes : v.text(input.notes, 'Notes', 1000);
    const other = this.roomByName(name);
    if (other && other.id !== id) throw new AppError('ROOM_EXISTS', `La salle « ${name} » existe déjà.`, 409);
    this.#db.prepare('UPDATE rooms SET name = ?, subnet = ?, notes = ? WHERE id = ?').run(name, subnet, notes, id);
    return this.room(id);
  }

  deleteRoom(id: number, confirm: string): Room {
    const room = this.room(id);
    if (confirm.trim().toLowerCase() !== room.name.toLowerCase()) {
      throw new AppError('CONFIRMATION_MISMATCH', `Pour supprimer la salle, retapez son nom exactement : « ${room.name} ».`, 400);
    }
    this.#db.prepare('DELETE FROM rooms WHERE id = ?').run(id);
    return room;
  }

  /** The room's id, creating it when it does not exist yet. */
  #roomId(name: string | null): number | null {
    if (!name) return null;
    return this.roomByName(name)?.id ?? this.createRoom({ name }).id;
  }

  // ---- devices

  #rows(where = '', params: unknown[] = []): DeviceRow[] {
    return this.#db.prepare(`${SELECT} ${where} ORDER BY r.name COLLATE NOCASE, d.name COLLATE NOCASE`).all(...params) as DeviceRow[];
  }

  #row(id: number): DeviceRow {
    const [row] = this.#rows('WHERE d.id = ?', [id]);
    if (!row) throw new AppError('DEVICE_NOT_FOUND', 'Cet appareil n’existe pas (ou plus).', 404);
    return row;
  }

  list(opts: { room?: number; kind?: DeviceKind } = {}): Device[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.room !== undefined) {
      where.push('d.room_id = ?');
      params.push(opts.room);
    }
    if (opts.kind) {
      where.push('d.kind = ?');
      params.push(opts.kind);
    }
    const rows = this.#rows(where.length ? `WHERE ${where.join(' AND ')}` : '', params);
    const alerts = this.openAlerts();
    return rows.map((r) => toDevice(r, alerts.filter((a) => a.deviceId === r.id)));
  }

  get(id: number): Device {
    return toDevice(this.#row(id), this.openAlerts(id));
  }

  byName(name: string): Device | null {
    const [row] = this.#rows('WHERE d.name = ? COLLATE NOCASE', [name]);
    return row ? toDevice(row, this.openAlerts(row.id)) : null;
  }

  targets(ids?: number[]): DeviceTarget[] {
    const rows = ids ? this.#rows(`WHERE d.id IN (${ids.map(() => '?').join(',') || 'NULL'})`, ids) : this.#rows();
    return rows.map(toTarget);
  }

  /** The device a UDP message comes from: by MAC (LKUP), else by address among PJLink devices. */
  targetFrom(opts: { mac?: string; host?: string }): DeviceTarget | null {
    const [row] = opts.mac ? this.#rows('WHERE d.mac = ?', [opts.mac]) : this.#rows('WHERE d.host = ? AND d.pjlink_enabled = 1', [opts.host ?? '']);
    return row ? toTarget(row) : null;
  }

  target(id: number): DeviceTarget {
    return toTarget(this.#row(id));
  }

  clean(id: number): CleanDevice {
    return toClean(this.#row(id));
  }

  #checkUnique(c: CleanDevice, id: number | null): void {
    const byName = this.#db.prepare('SELECT id FROM devices WHERE name = ? COLLATE NOCASE').get(c.name) as { id: number } | undefined;
    if (byName && byName.id !== id) throw new AppError('DEVICE_EXISTS', `Un appareil s’appelle déjà « ${c.name} ».`, 409);
    if (c.mac) {
      const byMac = this.#db.prepare(`${SELECT} WHERE d.mac = ?`).get(c.mac) as DeviceRow | undefined;
      if (byMac && byMac.id !== id) throw new AppError('DEVICE_MAC_EXISTS', `L’adresse MAC ${c.mac} est déjà celle de « ${byMac.name} ».`, 409);
    }
  }

  create(input: DeviceInput, now = new Date()): Device {
    const c = cleanDevice(input);
    this.#checkUnique(c, null);
    const at = now.toISOString();
    const id = this.#db.transaction(() => {
      const roomId = this.#roomId(c.room);
      return Number(
        this.#db
          .prepare(
            `INSERT INTO devices (kind, name, room_id, mac, host, manufacturer, model, serial, purchase_date, warranty_end, notes, os, pjlink_enabled, pjlink_port, pjlink_password, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(c.kind, c.name, roomId, c.mac, c.host, c.manufacturer, c.model, c.serial, c.purchaseDate, c.warrantyEnd, c.notes, c.os, c.pjlinkEnabled ? 1 : 0, c.pjlinkPort, c.pjlinkPassword ?? null, at, at).lastInsertRowid,
      );
    })();
    return this.get(id);
  }

  update(id: number, input: Partial<DeviceInput>, now = new Date()): { before: Device; after: Device; changed: boolean } {
    const before = this.get(id);
    const base = this.clean(id);
    const c = cleanDevice(input as DeviceInput, base);
    this.#checkUnique(c, id);
    const changed = !sameDevice(c, base) || c.pjlinkPassword !== undefined;
    if (!changed) return { before, after: before, changed };
    this.#db.transaction(() => {
      const roomId = this.#roomId(c.room);
      // where it is found changed, the last status no longer describes it
      const resetStatus = c.host !== base.host || c.pjlinkPort !== base.pjlinkPort || c.pjlinkPassword !== undefined || c.pjlinkEnabled !== base.pjlinkEnabled;
      this.#db
        .prepare(
          `UPDATE devices SET kind = ?, name = ?, room_id = ?, mac = ?, host = ?, manufacturer = ?, model = ?, serial = ?, purchase_date = ?, warranty_end = ?, notes = ?, os = ?,
             pjlink_enabled = ?, pjlink_port = ?, pjlink_password = CASE WHEN ? THEN ? ELSE pjlink_password END,
             status = CASE WHEN ? THEN NULL ELSE status END, identity_at = CASE WHEN ? THEN NULL ELSE identity_at END, updated_at = ? WHERE id = ?`,
        )
        .run(
          c.kind, c.name, roomId, c.mac, c.host, c.manufacturer, c.model, c.serial, c.purchaseDate, c.warrantyEnd, c.notes, c.os,
          c.pjlinkEnabled ? 1 : 0, c.pjlinkPort, c.pjlinkPassword !== undefined ? 1 : 0, c.pjlinkPassword ?? null,
          resetStatus ? 1 : 0, resetStatus ? 1 : 0, now.toISOString(), id,
        );
    })();
    return { before, after: this.get(id), changed };
  }

  delete(id: number, confirm: string): Device {
    const d = this.get(id);
    if (confirm.trim().toLowerCase() !== d.name.toLowerCase()) {
      throw new AppError('CONFIRMATION_MISMATCH', `Pour supprimer l’appareil, retapez son nom exactement : « ${d.name} ».`, 400);
    }
    this.#db.prepare('DELETE FROM devices WHERE id = ?').run(id);
    return d;
  }

  /** The result of a check: status (and, when read, the identity time). */
  saveStatus(id: number, status: DeviceStatus, identityAt?: string): void {
    this.#db
      .prepare('UPDATE devices SET status = ?, identity_at = coalesce(?, identity_at) WHERE id = ?')
      .run(JSON.stringify(status), identityAt ?? null, id);
  }

  // ---- alerts (opened and closed by the poller)

  openAlerts(deviceId?: number): DeviceAlert[] {
    const rows = (
      deviceId === undefined
        ? this.#db.prepare('SELECT * FROM device_alerts WHERE closed_at IS NULL ORDER BY opened_at, id').all()
        : this.#db.prepare('SELECT * FROM device_alerts WHERE closed_at IS NULL AND device_id = ? ORDER BY opened_at, id').all(deviceId)
    ) as { id: number; device_id: number; type: string; level: 'warning' | 'error'; message: string; opened_at: string; closed_at: string | null }[];
    return rows.map((a) => ({ id: a.id, deviceId: a.device_id, type: a.type, level: a.level, message: a.message, openedAt: a.opened_at, closedAt: a.closed_at }));
  }

  openAlert(deviceId: number, type: string, level: 'warning' | 'error', message: string, at: string): void {
    this.#db.prepare('INSERT INTO device_alerts (device_id, type, level, message, opened_at) VALUES (?, ?, ?, ?, ?)').run(deviceId, type, level, message, at);
  }

  updateAlert(id: number, level: 'warning' | 'error', message: string): void {
    this.#db.prepare('UPDATE device_alerts SET level = ?, message = ? WHERE id = ?').run(level, message, id);
  }

  closeAlert(id: number, at: string): void {
    this.#db.prepare('UPDATE device_alerts SET closed_at = ? WHERE id = ?').run(at, id);
  }
}

function parseStatus(json: string | null): DeviceStatus {
  if (!json) return { ...EMPTY_STATUS };
  try {
    return { ...EMPTY_STATUS, ...(JSON.parse(json) as Partial<DeviceStatus>) };
  } catch {
    return { ...EMPTY_STATUS };
  }
}

function toDevice(r: DeviceRow, alerts: DeviceAlert[]): Device {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    room: r.room,
    roomId: r.room_id,
    mac: r.mac,
    host: r.host,
    manufacturer: r.manufacturer,
    model: r.model,
    serial: r.serial,
    purchaseDate: r.purchase_date,
    warrantyEnd: r.warranty_end,
    notes: r.notes,
    os: r.os,
    pjlink: { enabled: r.pjlink_enabled === 1, port: r.pjlink_port, hasPassword: r.pjlink_password !== null },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    status: parseStatus(r.status),
    alerts,
  };
}

function toTarget(r: DeviceRow): DeviceTarget {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    roomId: r.room_id,
    host: r.host,
    mac: r.mac,
    os: r.os,
    pjlink: { enabled: r.pjlink_enabled === 1, port: r.pjlink_port, password: r.pjlink_password },
    identityAt: r.identity_at,
    status: parseStatus(r.status),
  };
}

function toClean(r: DeviceRow): CleanDevice {
  return {
    kind: r.kind,
    name: r.name,
    room: r.room,
    mac: r.mac,
    host: r.host,
    manufacturer: r.manufacturer,
    model: r.model,
    serial: r.serial,
    purchaseDate: r.purchase_date,
    warrantyEnd: r.warranty_end,
    notes: r.notes,
    os: r.os,
    pjlinkEnabled: r.pjlink_enabled === 1,
    pjlinkPort: r.pjlink_port,
    pjlinkPassword: undefined,
  };
}
