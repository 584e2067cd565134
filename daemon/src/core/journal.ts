import type { Db } from '../db/index.ts';
import type { EventBus, EventLevel, JournalEvent } from './events.ts';

/**
 * The journal: what happened on the server, in French, for the people who run it (the console's
 * "Derniers événements"). Distinct from the technical logs (pino) and from the audit log.
 */
export class Journal {
  readonly #db: Db;
  readonly #bus: EventBus;
  readonly #insert;
  readonly #list;

  constructor(db: Db, bus: EventBus) {
    this.#db = db;
    this.#bus = bus;
    this.#insert = db.prepare(
      'INSERT INTO events (at, level, source, type, message, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    );
    this.#list = db.prepare('SELECT id, at, level, source, type, message FROM events ORDER BY id DESC LIMIT ?');
  }

  record(level: EventLevel, source: string, type: string, message: string, data?: unknown): JournalEvent {
    const at = new Date().toISOString();
    const row = this.#insert.get(at, level, source, type, message, data === undefined ? null : JSON.stringify(data)) as {
      id: number;
    };
    const event: JournalEvent = { id: row.id, at, level, source, type, message };
    this.#bus.emit('journal.event', event);
    return event;
  }

  latest(limit = 20): JournalEvent[] {
    return this.#list.all(Math.min(Math.max(limit, 1), 500)) as JournalEvent[];
  }

  /** Keeps the journal bounded (a scheduled job calls this). */
  prune(keep = 10_000): number {
    return this.#db.prepare('DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?').run(keep).changes;
  }
}
