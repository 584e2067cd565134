import type { Db } from '../db/index.ts';
import type { EventBus } from '../core/events.ts';
import type { Journal } from '../core/journal.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import { wantedAlerts } from './alerts.ts';
import type { DeviceStatus } from './model.ts';
import { PjlinkDriver, type PjlinkStatus } from './pjlink/driver.ts';
import { PjlinkError } from './pjlink/protocol.ts';
import type { DeviceTarget, Registry } from './registry.ts';
import { probeHost } from './wol.ts';
import type { DeviceSettings } from './settings.ts';

/**
 * PJLink status checks: one driver (one connection, one command at a time) per device, shared by
 * polling and actions; a cycle checks every device with bounded concurrency, each under its own
 * deadline, so a dead or misbehaving projector only costs its own time.
 */

const IDENTITY_EVERY_MS = 24 * 3600_000;

export interface PollerDeps {
  db: Db;
  registry: Registry;
  bus: EventBus;
  journal: Journal;
  log: Logger;
  settings(): DeviceSettings;
  now(): Date;
}

export interface CycleReport {
  at: string;
  ms: number;
  checked: number;
  reachable: number;
  failed: number;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class Poller {
  readonly #d: PollerDeps;
  readonly #drivers = new Map<number, { key: string; driver: PjlinkDriver }>();
  #cycle: Promise<CycleReport> | null = null;
  #lastCycleAt = 0;
  last: CycleReport | null = null;

  constructor(deps: PollerDeps) {
    this.#d = deps;
  }

  /** The device's driver (created or replaced when its address, port or password changed). */
  driver(t: DeviceTarget): PjlinkDriver {
    if (!t.host) throw new PjlinkError('UNREACHABLE', `« ${t.name} » n’a pas d’adresse IP : renseignez-la dans sa fiche.`);
    const s = this.#d.settings();
    const key = JSON.stringify([t.host, t.pjlink.port, t.pjlink.password, s.timeoutMs]);
    const current = this.#drivers.get(t.id);
    if (current?.key === key) return current.driver;
    current?.driver.close();
    const driver = new PjlinkDriver(
      { host: t.host, port: t.pjlink.port, password: t.pjlink.password },
      { connectTimeoutMs: s.timeoutMs, replyTimeoutMs: s.timeoutMs, pjlinkClass: t.status.pjlinkClass },
    );
    this.#drivers.set(t.id, { key, driver });
    return driver;
  }

  forget(id: number): void {
    this.#drivers.get(id)?.driver.close();
    this.#drivers.delete(id);
  }

  closeAll(): void {
    for (const { driver } of this.#drivers.values()) driver.close();
    this.#drivers.clear();
  }

  /** A cycle when the poll interval has passed (the scheduler calls this every 30 s). */
  async tick(signal?: AbortSignal): Promise<void> {
    const s = this.#d.settings();
    if (Date.now() - this.#lastCycleAt < s.pollSeconds * 1000 - 5000) return;
    await this.cycle(signal);
  }

  /** Checks every PJLink device now (a cycle already running is joined, not doubled). */
  cycle(signal?: AbortSignal): Promise<CycleReport> {
    this.#cycle ??= this.#runCycle(signal).finally(() => {
      this.#cycle = null;
    });
    return this.#cycle;
  }

  async #runCycle(signal?: AbortSignal): Promise<CycleReport> {
    const t0 = performance.now();
    this.#lastCycleAt = Date.now();
    // the silent ones first: their timeouts then run alongside the answers of the others
    const targets = this.#d.registry
      .targets()
      .filter((t) => t.host && (t.pjlink.enabled || t.kind === 'pc'))
      .sort((a, b) => Number(a.status.reachable !== false) - Number(b.status.reachable !== false));
    let reachable = 0;
    let failed = 0;
    await eachLimited(targets, this.#d.settings().concurrency, async (t) => {
      if (signal?.aborted) return;
      const status = await this.check(t);
      if (status.reachable) reachable++;
      else failed++;
    });
    this.last = { at: new Date().toISOString(), ms: Math.round(performance.now() - t0), checked: targets.length, reachable, failed };
    return this.last;
  }

  readonly #checking = new Map<number, Promise<DeviceStatus>>();

  /** One device's check: status saved, hours kept, alerts synchronised, console told. A check already running is joined. */
  async check(t: DeviceTarget, opts: { fresh?: boolean } = {}): Promise<DeviceStatus> {
    let running = this.#checking.get(t.id);
    if (running && opts.fresh) {
      // what the running check read may predate the question: wait for it, then read again
      await running.catch(() => {});
      return this.check(t, opts);
    }
    if (!running) {
      running = this.#check(t).finally(() => this.#checking.delete(t.id));
      this.#checking.set(t.id, running);
    }
    return running;
  }

  async #check(t: DeviceTarget): Promise<DeviceStatus> {
    if (!t.pjlink.enabled) return this.#probePc(t);
    const now = this.#d.now();
    const s = this.#d.settings();
    // identities are re-read daily, spread over six hours so that they do not all fall in one cycle
    const identityAge = IDENTITY_EVERY_MS + (t.id % 360) * 60_000;
    const identity = !t.identityAt || now.getTime() - Date.parse(t.identityAt) > identityAge || t.status.pjlinkClass === null;
    const previous = t.status;
    let status: DeviceStatus;
    let authFailed = false;
    try {
      const driver = this.driver(t);
      // every exchange has its deadline; this one bounds the whole check (a trickling projector)
      const deadline = s.timeoutMs * (identity ? 8 : 4);
      let timer: NodeJS.Timeout | undefined;
      const read = await Promise.race([
        driver.status({ identity }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new PjlinkError('TIMEOUT'));
            this.forget(t.id);
          }, deadline);
        }),
      ]).finally(() => clearTimeout(timer));
      status = merge(previous, read, now);
    } catch (err) {
      authFailed = err instanceof PjlinkError && (err.code === 'AUTH' || err.code === 'AUTH_REQUIRED');
      const problem = err instanceof PjlinkError ? err.message : `Erreur inattendue : ${errorMessage(err)}`;
      status = {
        ...previous,
        // a projector refusing the password does answer
        reachable: authFailed,
        power: authFailed ? previous.power : null,
        problem,
        unreachableSince: authFailed ? null : (previous.unreachableSince ?? now.toISOString()),
        checkedAt: now.toISOString(),
      };
      if (!authFailed) this.forget(t.id);
    }
    this.#d.registry.saveStatus(t.id, status, identity && status.reachable && !authFailed ? now.toISOString() : undefined);
    this.#recordHours(t.id, status, now);
    this.#syncAlerts(t, status, authFailed, now);
    if (previous.reachable !== status.reachable && previous.checkedAt !== null) {
      this.#d.journal.record(
        status.reachable ? 'info' : 'warn',
        'devices',
        status.reachable ? 'devices.reachable' : 'devices.unreachable',
        status.reachable ? `« ${t.name} » répond de nouveau.` : `« ${t.name} » ne répond plus : ${status.problem ?? ''}`,
      );
    }
    if (changed(previous, status)) this.#d.bus.emit('devices.status', { device: this.#d.registry.get(t.id) });
    return status;
  }

  /** A PC: on when it answers on one of its usual ports; no alert (PCs are off at night). */
  async #probePc(t: DeviceTarget): Promise<DeviceStatus> {
    const now = this.#d.now();
    const up = t.host ? await probeHost(t.host, undefined, Math.min(1500, this.#d.settings().timeoutMs)) : false;
    const previous = t.status;
    const status: DeviceStatus = {
      ...previous,
      reachable: up,
      power: up ? 'on' : 'off',
      problem: up ? null : 'Éteint, ou injoignable sur le réseau.',
      unreachableSince: up ? null : (previous.unreachableSince ?? now.toISOString()),
      checkedAt: now.toISOString(),
    };
    this.#d.registry.saveStatus(t.id, status);
    if (changed(previous, status)) this.#d.bus.emit('devices.status', { device: this.#d.registry.get(t.id) });
    return status;
  }

  #recordHours(id: number, status: DeviceStatus, now: Date): void {
    if (!status.reachable || status.checkedAt !== now.toISOString()) return;
    const day = now.toISOString().slice(0, 10);
    const upsert = this.#d.db.prepare(
      'INSERT INTO device_hours (device_id, lamp, day, hours) VALUES (?, ?, ?, ?) ON CONFLICT (device_id, lamp, day) DO UPDATE SET hours = excluded.hours',
    );
    this.#d.db.transaction(() => {
      for (const [i, l] of status.lamps.entries()) upsert.run(id, i + 1, day, l.hours);
      if (status.filterHours !== null) upsert.run(id, 0, day, status.filterHours);
    })();
  }

  #syncAlerts(t: DeviceTarget, status: DeviceStatus, authFailed: boolean, now: Date): void {
    const wanted = wantedAlerts(status, this.#d.settings(), { unreachableSince: status.reachable ? null : status.unreachableSince, authFailed, now });
    const open = this.#d.registry.openAlerts(t.id);
    const at = now.toISOString();
    for (const w of wanted) {
      const existing = open.find((a) => a.type === w.type);
      if (!existing) {
        this.#d.registry.openAlert(t.id, w.type, w.level, w.message, at);
        this.#d.journal.record(w.level === 'error' ? 'error' : 'warn', 'devices', 'devices.alert', `${t.name} : ${w.message}`);
        this.#d.bus.emit('devices.alert', { deviceId: t.id, type: w.type, level: w.level, opened: true });
      } else if (existing.level !== w.level || existing.message !== w.message) {
        this.#d.registry.updateAlert(existing.id, w.level, w.message);
        if (existing.level !== w.level) this.#d.bus.emit('devices.alert', { deviceId: t.id, type: w.type, level: w.level, opened: true });
      }
    }
    for (const a of open) {
      // while it does not answer, what it said last stays true (errors, hours)
      if (!status.reachable && a.type !== 'unreachable' && a.type !== 'pjlink.auth') continue;
      if (wanted.some((w) => w.type === a.type)) continue;
      this.#d.registry.closeAlert(a.id, at);
      this.#d.journal.record('info', 'devices', 'devices.alert-closed', `${t.name} : résolu — ${a.message}`);
      this.#d.bus.emit('devices.alert', { deviceId: t.id, type: a.type, level: a.level, opened: false });
    }
  }

  /** A notification received: what it says is taken at once, a full check follows. */
  applyNotification(t: DeviceTarget, patch: Partial<DeviceStatus>): void {
    const status: DeviceStatus = { ...t.status, ...patch, reachable: true, unreachableSince: null };
    this.#d.registry.saveStatus(t.id, status);
    if (changed(t.status, status)) this.#d.bus.emit('devices.status', { device: this.#d.registry.get(t.id) });
  }
}

function merge(previous: DeviceStatus, read: PjlinkStatus, now: Date): DeviceStatus {
  return {
    reachable: true,
    power: read.power,
    input: read.input,
    mute: read.mute,
    lamps: read.lamps,
    filterHours: read.filterHours,
    errors: read.errors,
    serial: read.serial !== undefined ? read.serial : previous.serial,
    manufacturer: read.manufacturer !== undefined ? read.manufacturer : previous.manufacturer,
    model: read.model !== undefined ? read.model : previous.model,
    softwareVersion: read.softwareVersion !== undefined ? read.softwareVersion : previous.softwareVersion,
    pjlinkClass: read.pjlinkClass ?? previous.pjlinkClass,
    inputs: read.inputs ?? previous.inputs,
    problem: null,
    unreachableSince: null,
    checkedAt: now.toISOString(),
  };
}

function changed(a: DeviceStatus, b: DeviceStatus): boolean {
  const strip = (s: DeviceStatus) => JSON.stringify({ ...s, checkedAt: null });
  return strip(a) !== strip(b);
}
