import type { TrousseConfig } from '../core/config.ts';
import type { Journal } from '../core/journal.ts';
import type { Logger } from '../core/logger.ts';
import type { Service } from '../core/lifecycle.ts';
import type { Outbox } from '../core/outbox.ts';
import type { Scheduler } from '../core/scheduler.ts';
import type { Db } from '../db/index.ts';
import { readSetting, writeSetting } from '../db/settings.ts';
import { TROUSSE_VERSION } from '../version.ts';
import { Delivery } from './delivery.ts';
import type { HubSettingsStore, HubSettings } from './settings.ts';

/** The hub contract's health data (daemon/src/hub/hub.openapi.json, HealthData). */
export interface HealthData {
  uptimeSeconds: number;
  ready: boolean;
  reasons: string[];
  dc: { state: string; ldaps: boolean; restarts: number };
  disks: { mount: string; label: string; sizeBytes: number; usedBytes: number; availBytes: number }[];
  outbox: { queued: number; oldestAt: string | null; rejected: number };
}

export interface HubDeps {
  config: TrousseConfig;
  log: Logger;
  db: Db;
  journal: Journal;
  scheduler: Scheduler;
  outbox: Outbox;
  settings: HubSettingsStore;
  /** The inventory report (the inventory capability's public API). */
  inventoryReport: () => unknown;
  health: () => Promise<Omit<HealthData, 'outbox'>>;
  now?: () => Date;
}

const LAST_KEY = 'hub.last-snapshot';
/** The day (Paris) of the last daily report; a manual « Envoyer maintenant » does not count. */
const DAILY_KEY = 'hub.last-daily';

/** Hour and minute of `d` in Europe/Paris. */
function parisTime(d: Date): { day: string; hm: string } {
  const parts = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hm: `${get('hour')}:${get('minute')}` };
}

/**
 * Reporting to the departmental hub and relaying to the département's GLPI: daily snapshots
 * (inventory, health) at the school's time, alerts as they happen (queued by the inventory), all
 * through the durable outbox, delivered by Delivery.
 */
export class HubService implements Service {
  readonly name = 'hub';
  readonly delivery: Delivery;
  readonly settingsStore: HubSettingsStore;
  readonly #d: HubDeps;
  readonly #now: () => Date;

  constructor(deps: HubDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.settingsStore = deps.settings;
    this.delivery = new Delivery({
      outbox: deps.outbox,
      log: deps.log,
      journal: deps.journal,
      connection: () => deps.settings.connection(),
      version: TROUSSE_VERSION,
      uai: deps.config.school.uai,
      retryBaseMs: deps.config.hub.retryBaseMs,
      retryMaxMs: deps.config.hub.retryMaxMs,
      timeoutMs: deps.config.hub.timeoutMs,
    });
    deps.scheduler.register({
      name: 'hub.daily',
      cron: '30 * * * * *',
      description: 'Rapport quotidien au hub départemental (inventaire et santé du serveur), à l’heure choisie',
      run: async () => {
        this.dailyTick();
      },
    });
  }

  async start(): Promise<void> {
    this.delivery.start();
    // the server was off at the daily time: catch up
    const last = readSetting(this.#d.db, LAST_KEY) as { at?: string } | undefined;
    if (this.#d.settings.settings().url && (!last?.at || this.#now().getTime() - Date.parse(last.at) > 26 * 3_600_000)) await this.snapshot();
  }

  async stop(): Promise<void> {
    await this.delivery.stop();
  }

  /** At the daily time (Europe/Paris), once a day. */
  dailyTick(): boolean {
    const s = this.#d.settings.settings();
    if (!s.url) return false;
    const { day, hm } = parisTime(this.#now());
    const last = readSetting(this.#d.db, DAILY_KEY) as { day?: string } | undefined;
    if (hm !== s.dailyTime || last?.day === day) return false;
    writeSetting(this.#d.db, DAILY_KEY, { day });
    void this.snapshot();
    return true;
  }

  /** Queues fresh inventory and health snapshots (each replaces an older one still waiting). */
  async snapshot(): Promise<{ inventory: number | null; health: number | null }> {
    const health = await this.#health();
    const report = this.#d.inventoryReport();
    const ids = {
      inventory: this.#d.outbox.enqueueHubReport('inventory', report, 'Inventaire du parc'),
      health: this.#d.outbox.enqueueHubReport('health', health, 'Santé du serveur'),
    };
    const now = this.#now();
    writeSetting(this.#d.db, LAST_KEY, { at: now.toISOString() });
    return ids;
  }

  async #health(): Promise<HealthData> {
    const h = await this.#d.health();
    const hub = this.#d.outbox.targets().find((t) => t.target === 'hub');
    return { ...h, outbox: { queued: hub?.queued ?? 0, oldestAt: hub?.oldestAt ?? null, rejected: hub?.rejected ?? 0 } };
  }

  view() {
    return {
      settings: this.#d.settings.settings(),
      secrets: this.#d.settings.secrets(),
      targets: this.#d.outbox.targets(),
      queue: this.#d.outbox.list(),
    };
  }

  updateSettings(patch: Partial<HubSettings>): HubSettings {
    const next = this.#d.settings.update(patch);
    this.#d.outbox.clearError('hub');
    this.#d.outbox.clearError('glpi');
    this.#d.outbox.retryNow();
    return next;
  }

  setSecrets(input: Parameters<HubSettingsStore['setSecrets']>[0]) {
    const r = this.#d.settings.setSecrets(input);
    this.#d.outbox.clearError('hub');
    this.#d.outbox.retryNow();
    return r;
  }

  /**
   * « Tester » : queues a health snapshot and waits (at most `waitMs`) for it to be delivered or
   * to fail; says what happened in French.
   */
  async test(waitMs = 20_000): Promise<{ ok: boolean; message: string }> {
    if (!this.#d.settings.settings().url) return { ok: false, message: 'Renseignez d’abord l’adresse du hub.' };
    const health = await this.#health();
    const id = this.#d.outbox.enqueueHubReport('health', health, 'Santé du serveur (test)');
    if (id === null) return { ok: false, message: 'Renseignez d’abord l’adresse du hub.' };
    this.#d.outbox.retryNow();
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const row = this.#d.outbox.get(id);
      if (!row) return { ok: true, message: 'Le hub a bien reçu le rapport de test.' };
      if (row.attempts > 0) return { ok: false, message: row.lastError ?? 'Échec de l’envoi.' };
    }
    return { ok: false, message: 'Pas de réponse du hub dans les 20 secondes : le rapport reste dans la file et sera renvoyé.' };
  }

  retry(id?: number): number {
    return this.#d.outbox.retryNow(id);
  }

  discard(id: number): boolean {
    return this.#d.outbox.discard(id);
  }
}
