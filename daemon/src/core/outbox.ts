import { randomUUID } from 'node:crypto';
import { gzipSync, deflateSync } from 'node:zlib';
import type { Db } from '../db/index.ts';

/**
 * The durable outbox: what must leave the school (reports to the departmental hub, PC inventories
 * relayed to the département's GLPI) is written here, in the same SQLite transaction as the change
 * that caused it, and delivered later by the hub capability (daemon/src/hub/delivery.ts), one at a
 * time per stream, in order, until the receiver accepts it. It survives restarts and weeks offline.
 *
 * Bounded: a snapshot (supersedeKey) replaces the older undelivered snapshot with the same key; an
 * event stream keeps at most `maxEventsPerStream` rows (the oldest are dropped and counted).
 *
 * Hub reports are wrapped in the envelope of the hub contract (daemon/src/hub/hub.openapi.json):
 * schemaVersion, kind, school, sequence, createdAt, trousseVersion, data — built once, at enqueue,
 * so that every retry sends the same bytes under the same Idempotency-Key.
 */

export type OutboxTarget = 'hub' | 'glpi';
export const HUB_REPORT_KINDS = ['inventory', 'alert', 'health'] as const;
export type HubReportKind = (typeof HUB_REPORT_KINDS)[number];

export interface OutboxMessage {
  target: OutboxTarget;
  kind: string;
  /** Delivery order key (default `<target>:<kind>`). */
  stream?: string;
  /** Snapshots: a newer message with the same key replaces an undelivered older one. */
  supersedeKey?: string | null;
  contentType: string;
  headers?: Record<string, string>;
  /** The body, given its sequence number in the stream. */
  body: (seq: number) => Buffer;
  /** What the console shows ("Inventaire du parc", "PC pc-101-03"...). */
  label: string;
}

export interface OutboxRow {
  id: number;
  target: OutboxTarget;
  kind: string;
  stream: string;
  seq: number;
  idempotencyKey: string;
  contentType: string;
  headers: Record<string, string>;
  body: Buffer;
  label: string;
  state: 'queued' | 'rejected';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: string;
}

export interface OutboxView {
  id: number;
  target: OutboxTarget;
  kind: string;
  seq: number;
  label: string;
  state: 'queued' | 'rejected';
  attempts: number;
  /** When the next attempt is due; null when due now (or set aside). */
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  bytes: number;
}

export interface TargetState {
  target: OutboxTarget;
  delivered: number;
  lastDeliveryAt: string | null;
  lastDelivery: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  dropped: number;
  queued: number;
  rejected: number;
  oldestAt: string | null;
}

interface RawRow {
  id: number;
  target: OutboxTarget;
  kind: string;
  stream: string;
  seq: number;
  idempotency_key: string;
  content_type: string;
  headers: string;
  body: Buffer;
  label: string;
  state: 'queued' | 'rejected';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
}

const toRow = (r: RawRow): OutboxRow => ({
  id: r.id,
  target: r.target,
  kind: r.kind,
  stream: r.stream,
  seq: r.seq,
  idempotencyKey: r.idempotency_key,
  contentType: r.content_type,
  headers: JSON.parse(r.headers) as Record<string, string>,
  body: r.body,
  label: r.label,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
});

export interface OutboxOptions {
  school: { uai: string; name: string };
  version: string;
  now?: () => Date;
  maxEventsPerStream?: number;
  /** Whether a target is configured; messages for a target that is not are not queued. */
  enabled?: (target: OutboxTarget) => boolean;
}

export class Outbox {
  readonly #db: Db;
  readonly #o: Required<Omit<OutboxOptions, 'enabled'>> & { enabled: (t: OutboxTarget) => boolean };
  readonly #listeners = new Set<() => void>();

  constructor(db: Db, opts: OutboxOptions) {
    this.#db = db;
    this.#o = { now: () => new Date(), maxEventsPerStream: 5000, enabled: () => true, ...opts };
  }

  /** Called (on the next tick, after the caller's transaction) whenever something was queued. */
  onQueued(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  enabled(target: OutboxTarget): boolean {
    return this.#o.enabled(target);
  }

  /**
   * Queues a message; call it inside the transaction of the change it reports. Returns the row id,
   * or null when the target is not configured.
   */
  enqueue(msg: OutboxMessage): number | null {
    if (!this.#o.enabled(msg.target)) return null;
    const stream = msg.stream ?? `${msg.target}:${msg.kind}`;
    const id = this.#db.transaction(() => {
      if (msg.supersedeKey) this.#db.prepare("DELETE FROM outbox WHERE supersede_key = ? AND state = 'queued'").run(msg.supersedeKey);
      else {
        const queued = (this.#db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE stream = ?').get(stream) as { n: number }).n;
        const excess = queued - this.#o.maxEventsPerStream + 1;
        if (excess > 0) {
          this.#db.prepare('DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE stream = ? ORDER BY seq LIMIT ?)').run(stream, excess);
          this.#touchTarget(msg.target);
          this.#db.prepare('UPDATE outbox_targets SET dropped = dropped + ? WHERE target = ?').run(excess, msg.target);
        }
      }
      const seq =
        (
          this.#db
            .prepare('INSERT INTO outbox_streams (stream, last_seq) VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq')
            .get(stream) as { last_seq: number }
        ).last_seq;
      const info = this.#db
        .prepare(
          `INSERT INTO outbox (target, kind, stream, seq, supersede_key, idempotency_key, content_type, headers, body, label, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(msg.target, msg.kind, stream, seq, msg.supersedeKey ?? null, randomUUID(), msg.contentType, JSON.stringify(msg.headers ?? {}), msg.body(seq), msg.label, this.#o.now().toISOString());
      return Number(info.lastInsertRowid);
    })();
    setImmediate(() => {
      for (const fn of this.#listeners) fn();
    });
    return id;
  }

  /** A report for the departmental hub, in the contract's envelope, gzip-compressed. */
  enqueueHubReport(kind: HubReportKind, data: unknown, label: string): number | null {
    const snapshot = kind !== 'alert';
    return this.enqueue({
      target: 'hub',
      kind,
      supersedeKey: snapshot ? `hub:${kind}` : null,
      contentType: 'application/json',
      headers: { 'content-encoding': 'gzip' },
      label,
      body: (seq) =>
        gzipSync(
          JSON.stringify({
            schemaVersion: 1,
            kind,
            school: this.#o.school,
            sequence: seq,
            createdAt: this.#o.now().toISOString(),
            trousseVersion: this.#o.version,
            data,
          }),
        ),
    });
  }

  /** An agent's inventory for the département's GLPI, as the agent sent it (zlib-compressed); one per agent. */
  enqueueGlpiInventory(agentId: string, format: 'json' | 'xml', text: string, label: string, agentUuid: string | null): number | null {
    const headers: Record<string, string> = {};
    if (format === 'json') headers['glpi-agent-id'] = agentUuid ?? randomUUID();
    return this.enqueue({
      target: 'glpi',
      kind: 'inventory',
      stream: `glpi:${agentId}`,
      supersedeKey: `glpi:${agentId}`,
      contentType: 'application/x-compress-zlib',
      headers,
      label,
      body: () => deflateSync(Buffer.from(text, 'utf8')),
    });
  }

  /** The head of every stream that is due (one per stream: order within a stream is kept). */
  due(nowMs: number, limit = 16): OutboxRow[] {
    const rows = this.#db
      .prepare(
        `SELECT o.* FROM outbox o
         JOIN (SELECT stream, MIN(seq) AS seq FROM outbox WHERE state = 'queued' GROUP BY stream) h ON h.stream = o.stream AND h.seq = o.seq
         WHERE o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?`,
      )
      .all(nowMs, limit) as RawRow[];
    return rows.map(toRow);
  }

  /** When the next head becomes due (ms epoch), null when nothing is queued. */
  nextDueAt(): number | null {
    const r = this.#db
      .prepare(
        `SELECT MIN(o.next_attempt_at) AS t FROM outbox o
         JOIN (SELECT stream, MIN(seq) AS seq FROM outbox WHERE state = 'queued' GROUP BY stream) h ON h.stream = o.stream AND h.seq = o.seq`,
      )
      .get() as { t: number | null };
    return r.t;
  }

  get(id: number): OutboxRow | null {
    const r = this.#db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as RawRow | undefined;
    return r ? toRow(r) : null;
  }

  delivered(row: OutboxRow): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM outbox WHERE id = ? AND idempotency_key = ?').run(row.id, row.idempotencyKey);
      this.#touchTarget(row.target);
      this.#db
        .prepare('UPDATE outbox_targets SET delivered = delivered + 1, last_delivery_at = ?, last_delivery = ? WHERE target = ?')
        .run(this.#o.now().toISOString(), `${row.label} (n° ${row.seq})`, row.target);
    })();
  }

  /** A failed attempt: retried at `nextAttemptAt`, or set aside for good when `reject`. */
  failed(row: OutboxRow, error: string, next: { reject: boolean; nextAttemptAt: number }): void {
    this.#db.transaction(() => {
      this.#db
        .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, state = ? WHERE id = ?')
        .run(error, next.nextAttemptAt, next.reject ? 'rejected' : 'queued', row.id);
      this.#touchTarget(row.target);
      this.#db.prepare('UPDATE outbox_targets SET last_error_at = ?, last_error = ? WHERE target = ?').run(this.#o.now().toISOString(), error, row.target);
    })();
  }

  /** Makes every queued message (or one rejected message) due now. */
  retryNow(id?: number): number {
    const r =
      id === undefined
        ? this.#db.prepare("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'queued'").run()
        : this.#db.prepare("UPDATE outbox SET next_attempt_at = 0, state = 'queued' WHERE id = ?").run(id);
    setImmediate(() => {
      for (const fn of this.#listeners) fn();
    });
    return r.changes;
  }

  discard(id: number): boolean {
    return this.#db.prepare('DELETE FROM outbox WHERE id = ?').run(id).changes > 0;
  }

  list(limit = 200): OutboxView[] {
    const rows = this.#db
      .prepare(
        `SELECT id, target, kind, seq, label, state, attempts, next_attempt_at, last_error, created_at, length(body) AS bytes
         FROM outbox ORDER BY target, stream, seq LIMIT ?`,
      )
      .all(limit) as (Omit<RawRow, 'body' | 'headers' | 'stream' | 'idempotency_key' | 'content_type'> & { bytes: number })[];
    return rows.map((r) => ({
      id: r.id,
      target: r.target,
      kind: r.kind,
      seq: r.seq,
      label: r.label,
      state: r.state,
      attempts: r.attempts,
      nextAttemptAt: r.state === 'queued' && r.next_attempt_at > Date.now() ? new Date(r.next_attempt_at).toISOString() : null,
      lastError: r.last_error,
      createdAt: r.created_at,
      bytes: r.bytes,
    }));
  }

  targets(): TargetState[] {
    return (['hub', 'glpi'] as const).map((target) => {
      const t = this.#db.prepare('SELECT * FROM outbox_targets WHERE target = ?').get(target) as
        | { delivered: number; last_delivery_at: string | null; last_delivery: string | null; last_error_at: string | null; last_error: string | null; dropped: number }
        | undefined;
      const q = this.#db
        .prepare("SELECT SUM(state = 'queued') AS queued, SUM(state = 'rejected') AS rejected, MIN(created_at) AS oldest FROM outbox WHERE target = ?")
        .get(target) as { queued: number | null; rejected: number | null; oldest: string | null };
      return {
        target,
        delivered: t?.delivered ?? 0,
        lastDeliveryAt: t?.last_delivery_at ?? null,
        lastDelivery: t?.last_delivery ?? null,
        lastErrorAt: t?.last_error_at ?? null,
        lastError: t?.last_error ?? null,
        dropped: t?.dropped ?? 0,
        queued: q.queued ?? 0,
        rejected: q.rejected ?? 0,
        oldestAt: q.oldest,
      };
    });
  }

  /** Messages of this target dropped so far because their stream was full. */
  dropped(target: OutboxTarget): number {
    const r = this.#db.prepare('SELECT dropped FROM outbox_targets WHERE target = ?').get(target) as { dropped: number } | undefined;
    return r?.dropped ?? 0;
  }

  /** Forgets the last error shown (after the administrator fixed the settings). */
  clearError(target: OutboxTarget): void {
    this.#db.prepare('UPDATE outbox_targets SET last_error = NULL, last_error_at = NULL WHERE target = ?').run(target);
  }

  #touchTarget(target: OutboxTarget): void {
    this.#db.prepare('INSERT INTO outbox_targets (target) VALUES (?) ON CONFLICT (target) DO NOTHING').run(target);
  }
}
