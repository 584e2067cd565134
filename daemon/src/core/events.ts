import { EventEmitter } from 'node:events';

/** The state of the domain controller as every part of Trousse sees it. */
export type DcState = 'provisioning' | 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

export interface DcStatus {
  state: DcState;
  managed: boolean;
  pid: number | null;
  since: string | null;
  restarts: number;
  lastError: string | null;
  ldaps: boolean;
  lastCheckAt: string | null;
}

export type EventLevel = 'info' | 'warn' | 'error';

/** A journal entry (what the console shows as "Derniers événements"). */
export interface JournalEvent {
  id: number;
  at: string;
  level: EventLevel;
  source: string;
  type: string;
  message: string;
}

/**
 * Every event that crosses capability boundaries, with its payload type.
 * A capability adds its events here; listeners are typed by the map.
 */
export interface BusEvents {
  'dc.status': DcStatus;
  'journal.event': JournalEvent;
  'audit.entry': { id: number; actor: string; action: string; target: string | null };
  'readiness.changed': { ok: boolean; reasons: string[] };
  'service.started': { name: string };
  'service.stopped': { name: string };
  'session.ended': { sessionId: string };
  /** An account was erased for good: capabilities forget what they kept about it. */
  'directory.user-purged': { login: string };
  /** The directory was written (accounts, classes, groups): capabilities built on it catch up. */
  'directory.changed': Record<string, never>;
  /** Progress of an import being applied (counts only, no personal data). */
  /** Progress of a homework action (counts only). */
  'homework.progress': { id: number; action: 'handout' | 'collect' | 'return'; done: number; total: number };
  /** A device's status changed (check, notification, action): the whole device as the API returns it. */
  'devices.status': { device: { id: number; name: string; status: unknown } };
  /** A device alert opened, changed level or closed (the hub reports them). */
  'devices.alert': { deviceId: number; type: string; level: 'warning' | 'error'; opened: boolean };
  /** The devices registry was written (created, edited, deleted, imported): the inventory catches up. */
  'devices.changed': Record<string, never>;
  'import.progress': { id: number; phase: string; label: string; done: number; total: number; state: string };
}

type Listener<K extends keyof BusEvents> = (payload: BusEvents[K]) => void;

/**
 * A small typed event bus. Listeners are owned: `on()` returns an unsubscribe function that the
 * owner calls in its stop(). A throwing listener never breaks the emitter or the other listeners.
 */
export class EventBus {
  readonly #emitter = new EventEmitter();
  readonly #onError: (err: unknown, event: string) => void;

  constructor(onError: (err: unknown, event: string) => void = () => {}) {
    this.#emitter.setMaxListeners(100);
    this.#onError = onError;
  }

  on<K extends keyof BusEvents>(event: K, listener: Listener<K>): () => void {
    const wrapped = (payload: BusEvents[K]): void => {
      try {
        listener(payload);
      } catch (err) {
        this.#onError(err, event);
      }
    };
    this.#emitter.on(event, wrapped);
    return () => {
      this.#emitter.off(event, wrapped);
    };
  }

  emit<K extends keyof BusEvents>(event: K, payload: BusEvents[K]): void {
    this.#emitter.emit(event, payload);
  }

  listenerCount(event: keyof BusEvents): number {
    return this.#emitter.listenerCount(event);
  }
}
