import type { Db } from '../db/index.ts';
import { AppError } from '../core/errors.ts';
import {
  emptyFacts,
  type InventoryItem,
  type ItemChange,
  type ItemFacts,
  type ItemKind,
  type ItemSource,
  type ItemStatus,
  type PurchaseInfo,
  type StatusReason,
} from './model.ts';

/** The inventory tables (migration 0007): items, their MAC addresses, software and change history. */

export interface StoredItem {
  id: number;
  kind: ItemKind;
  name: string;
  room: string | null;
  deviceId: number | null;
  agentId: string | null;
  sources: ItemSource[];
  facts: ItemFacts;
  /** What the inventory itself holds (purchase records, manual entry); null when nothing. */
  purchase: PurchaseInfo | null;
  status: ItemStatus;
  reasons: StatusReason[];
  notes: string;
  firstSeen: string;
  lastSeen: string;
  updatedAt: string;
}

interface Row {
  id: number;
  kind: ItemKind;
  name: string;
  room: string | null;
  device_id: number | null;
  agent_id: string | null;
  sources: string;
  facts: string;
  purchase: string | null;
  status: ItemStatus;
  reasons: string;
  notes: string;
  first_seen: string;
  last_seen: string;
  updated_at: string;
}

const fromRow = (r: Row): StoredItem => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  room: r.room,
  deviceId: r.device_id,
  agentId: r.agent_id,
  sources: JSON.parse(r.sources) as ItemSource[],
  facts: { ...emptyFacts(), ...(JSON.parse(r.facts) as Partial<ItemFacts>) },
  purchase: r.purchase ? (JSON.parse(r.purchase) as PurchaseInfo) : null,
  status: r.status,
  reasons: JSON.parse(r.reasons) as StatusReason[],
  notes: r.notes,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  updatedAt: r.updated_at,
});

/** The facts whose changes are kept in the history, with how they read. */
export const TRACKED: Record<string, (i: Pick<StoredItem, 'kind' | 'name' | 'room' | 'facts'>) => string | null> = {
  name: (i) => i.name,
  kind: (i) => i.kind,
  room: (i) => i.room,
  manufacturer: (i) => i.facts.manufacturer,
  model: (i) => i.facts.model,
  serial: (i) => i.facts.serial,
  macs: (i) => (i.facts.macs.length ? [...i.facts.macs].sort().join(' ') : null),
  os: (i) => (i.facts.os ? [i.facts.os.name, i.facts.os.version].filter(Boolean).join(' ') : null),
  cpu: (i) => i.facts.cpu?.name ?? null,
  memoryMb: (i) => (i.facts.memoryMb === null ? null : String(i.facts.memoryMb)),
  disks: (i) => (i.facts.disks.length ? i.facts.disks.map((d) => `${d.name} ${d.sizeMb ?? '?'} Mo`).join(', ') : null),
  softwareCount: (i) => (i.facts.softwareCount === null ? null : String(i.facts.softwareCount)),
};

export class InventoryStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  get(id: number): StoredItem {
    const r = this.#db.prepare('SELECT * FROM inventory_items WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw new AppError('ITEM_NOT_FOUND', 'Ce matériel n’existe pas (ou plus) dans l’inventaire.', 404);
    return fromRow(r);
  }

  all(): StoredItem[] {
    return (this.#db.prepare('SELECT * FROM inventory_items ORDER BY kind, name COLLATE NOCASE, id').all() as Row[]).map(fromRow);
  }

  count(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM inventory_items').get() as { n: number }).n;
  }

  byDevice(deviceId: number): StoredItem | null {
    const r = this.#db.prepare('SELECT * FROM inventory_items WHERE device_id = ?').get(deviceId) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  byAgent(agentId: string): StoredItem | null {
    const r = this.#db.prepare('SELECT * FROM inventory_items WHERE agent_id = ?').get(agentId) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** The item an inventory or a record is about: by agent id, then serial, then MAC, then name (when unambiguous). */
  match(q: { agentId?: string | null; serial?: string | null; macs?: string[]; name?: string | null; kinds?: ItemKind[] }): StoredItem | null {
    if (q.agentId) {
      const a = this.byAgent(q.agentId);
      if (a) return a;
    }
    if (q.serial) {
      const rows = this.#db.prepare('SELECT * FROM inventory_items WHERE serial = ? COLLATE NOCASE').all(q.serial) as Row[];
      if (rows.length === 1) return fromRow(rows[0] as Row);
    }
    for (const mac of q.macs ?? []) {
      const r = this.#db.prepare('SELECT i.* FROM inventory_macs m JOIN inventory_items i ON i.id = m.item_id WHERE m.mac = ?').get(mac) as Row | undefined;
      if (r) return fromRow(r);
    }
    if (q.name) {
      const rows = (this.#db.prepare('SELECT * FROM inventory_items WHERE name = ? COLLATE NOCASE').all(q.name) as Row[]).filter((r) => !q.kinds || q.kinds.includes(r.kind));
      if (rows.length === 1) return fromRow(rows[0] as Row);
    }
    return null;
  }

  /** The row's columns as named parameters (insert and save write the same ones). */
  #columns(item: Omit<StoredItem, 'id'>) {
    return {
      kind: item.kind,
      name: item.name,
      room: item.room,
      device_id: item.deviceId,
      agent_id: item.agentId,
      serial: item.facts.serial,
      sources: JSON.stringify(item.sources),
      facts: JSON.stringify(item.facts),
      purchase: item.purchase ? JSON.stringify(item.purchase) : null,
      status: item.status,
      reasons: JSON.stringify(item.reasons),
      notes: item.notes,
      last_seen: item.lastSeen,
      updated_at: item.updatedAt,
    };
  }

  insert(item: Omit<StoredItem, 'id'>): number {
    const info = this.#db
      .prepare(
        `INSERT INTO inventory_items (kind, name, room, device_id, agent_id, serial, sources, facts, purchase, status, reasons, notes, first_seen, last_seen, updated_at)
         VALUES (@kind, @name, @room, @device_id, @agent_id, @serial, @sources, @facts, @purchase, @status, @reasons, @notes, @first_seen, @last_seen, @updated_at)`,
      )
      .run({ ...this.#columns(item), first_seen: item.firstSeen });
    const id = Number(info.lastInsertRowid);
    this.#setMacs(id, item.facts.macs);
    return id;
  }

  save(item: StoredItem): void {
    this.#db
      .prepare(
        `UPDATE inventory_items SET kind = @kind, name = @name, room = @room, device_id = @device_id, agent_id = @agent_id, serial = @serial,
         sources = @sources, facts = @facts, purchase = @purchase, status = @status, reasons = @reasons, notes = @notes,
         last_seen = @last_seen, updated_at = @updated_at WHERE id = @id`,
      )
      .run({ ...this.#columns(item), id: item.id });
    this.#setMacs(item.id, item.facts.macs);
  }

  delete(id: number): void {
    this.#db.prepare('DELETE FROM inventory_items WHERE id = ?').run(id);
  }

  /** A MAC belongs to one item: the newest report wins (a network card moved to another PC). */
  #setMacs(id: number, macs: string[]): void {
    this.#db.prepare('DELETE FROM inventory_macs WHERE item_id = ?').run(id);
    const ins = this.#db.prepare('INSERT INTO inventory_macs (mac, item_id) VALUES (?, ?) ON CONFLICT (mac) DO UPDATE SET item_id = excluded.item_id');
    for (const m of macs) ins.run(m, id);
  }

  setSoftware(id: number, software: { name: string; version: string; publisher: string }[]): void {
    this.#db.prepare('DELETE FROM inventory_software WHERE item_id = ?').run(id);
    const ins = this.#db.prepare('INSERT INTO inventory_software (item_id, name, version, publisher) VALUES (?, ?, ?, ?)');
    for (const s of software) ins.run(id, s.name, s.version, s.publisher);
  }

  software(id: number): { name: string; version: string; publisher: string }[] {
    return this.#db.prepare('SELECT name, version, publisher FROM inventory_software WHERE item_id = ? ORDER BY name COLLATE NOCASE, version').all(id) as {
      name: string;
      version: string;
      publisher: string;
    }[];
  }

  addChange(c: Omit<ItemChange, 'id'>): void {
    this.#db.prepare('INSERT INTO inventory_changes (item_id, at, source, field, before, after) VALUES (?, ?, ?, ?, ?, ?)').run(c.itemId, c.at, c.source, c.field, c.before, c.after);
  }

  changes(id: number, limit = 200): ItemChange[] {
    return (
      this.#db.prepare('SELECT * FROM inventory_changes WHERE item_id = ? ORDER BY id DESC LIMIT ?').all(id, limit) as {
        id: number;
        item_id: number;
        at: string;
        source: ItemChange['source'];
        field: string;
        before: string | null;
        after: string | null;
      }[]
    ).map((r) => ({ id: r.id, itemId: r.item_id, at: r.at, source: r.source, field: r.field, before: r.before, after: r.after }));
  }
}

export type { InventoryItem };
