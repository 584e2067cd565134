import type { Db } from '../db/index.ts';
import type { EventBus } from './events.ts';

export interface AuditInput {
  actor: string;
  actorRole: string | null;
  action: string;
  target?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  requestId?: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorRole: string | null;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

const SECRET_KEY = /pass(word)?|secret|token|pwd|unicodepwd|hash/i;

/** Deep copy without secrets: any key that names a password, a token or a hash is masked. */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[masqué]' : scrubSecrets(v, depth + 1);
  return out;
}

/** Who changed what, when, with the state before and after. Written for every change made through the API. */
export class AuditLog {
  readonly #bus: EventBus;
  readonly #insert;
  readonly #list;

  constructor(db: Db, bus: EventBus) {
    this.#bus = bus;
    this.#insert = db.prepare(
      `INSERT INTO audit_log (at, actor, actor_role, action, target, before, after, ip, request_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    this.#list = db.prepare(
      `SELECT id, at, actor, actor_role AS actorRole, action, target, before, after, ip FROM audit_log
       WHERE (? IS NULL OR id < ?) AND (? IS NULL OR action LIKE ? || '%') ORDER BY id DESC LIMIT ?`,
    );
  }

  record(input: AuditInput): number {
    const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(scrubSecrets(v)));
    const row = this.#insert.get(
      new Date().toISOString(),
      input.actor,
      input.actorRole,
      input.action,
      input.target ?? null,
      json(input.before),
      json(input.after),
      input.ip ?? null,
      input.requestId ?? null,
    ) as { id: number };
    this.#bus.emit('audit.entry', { id: row.id, actor: input.actor, action: input.action, target: input.target ?? null });
    return row.id;
  }

  list(opts: { limit?: number; beforeId?: number; action?: string } = {}): AuditEntry[] {
    const rows = this.#list.all(
      opts.beforeId ?? null,
      opts.beforeId ?? null,
      opts.action ?? null,
      opts.action ?? null,
      Math.min(Math.max(opts.limit ?? 50, 1), 500),
    ) as (Omit<AuditEntry, 'before' | 'after'> & { before: string | null; after: string | null })[];
    return rows.map((r) => ({
      ...r,
      before: r.before === null ? null : (JSON.parse(r.before) as unknown),
      after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    }));
  }
}
