import type { TrousseConfig } from '../core/config.ts';
import type { EventBus } from '../core/events.ts';
import type { Journal } from '../core/journal.ts';
import type { Logger } from '../core/logger.ts';
import type { Service } from '../core/lifecycle.ts';
import type { Outbox } from '../core/outbox.ts';
import type { Scheduler } from '../core/scheduler.ts';
import { AppError, errorMessage } from '../core/errors.ts';
import type { Db } from '../db/index.ts';
import { readSetting, writeSetting } from '../db/settings.ts';
import type { Device } from '../devices/model.ts';
import { TROUSSE_VERSION } from '../version.ts';
import { assess, validateRules } from './ageing.ts';
import { collectLocalInventory } from './local.ts';
import {
  DEFAULT_AGEING_RULES,
  ITEM_KIND_LABELS,
  ITEM_STATUS_LABELS,
  emptyFacts,
  emptyPurchase,
  type AgeingRules,
  type DeviceAlertFact,
  type InventoryItem,
  type InventoryReport,
  type ItemChange,
  type ItemKind,
  type ItemSource,
  type PurchaseInfo,
  type ReportItem,
} from './model.ts';
import { mergePartial, normalizeInventory, type NormalizedInventory } from './normalize.ts';
import { readPurchaseCsv } from './purchases.ts';
import { reportCsv, reportHtml, summarize } from './report-render.ts';
import { glpiSchemaErrors } from './schema.ts';
import { InventoryStore, TRACKED, type StoredItem } from './store.ts';

/** What the inventory reads from the devices capability (its public API only). */
export interface DevicesView {
  list(): Device[];
}

export interface InventoryDeps {
  config: TrousseConfig;
  log: Logger;
  db: Db;
  bus: EventBus;
  journal: Journal;
  scheduler: Scheduler;
  outbox: Outbox;
  devices: DevicesView;
  now?: () => Date;
}

export interface AgentMeta {
  protocol: 'json' | 'xml';
  /** The agent's address (for the console). */
  address: string | null;
  /** GLPI-Agent-ID header (JSON protocol). */
  agentUuid: string | null;
  /** The inventory as the agent sent it (decompressed), for the relay to the département's GLPI. */
  raw: string;
}

export interface ReceiveResult {
  item: InventoryItem;
  created: boolean;
}

export interface PurchaseImportReport {
  dryRun: boolean;
  matched: number;
  created: number;
  unchanged: number;
  errors: { line: number; message: string }[];
  lines: { line: number; action: 'update' | 'create' | 'unchanged'; name: string }[];
}

export interface ItemPatch {
  name?: string;
  kind?: ItemKind;
  room?: string | null;
  notes?: string;
  purchase?: Partial<PurchaseInfo> | null;
}

const DEVICE_KIND: Record<Device['kind'], ItemKind> = {
  pc: 'pc',
  projector: 'projector',
  whiteboard: 'whiteboard',
  display: 'display',
  printer: 'printer',
  server: 'server',
  other: 'other',
};
/** The agent id the server's own inventory is kept under. */
export const SERVER_AGENT_ID = 'trousse-server';
const LOCAL_KEY = 'inventory.local';
const RULES_KEY = 'inventory';

const day = (d: Date) => d.toISOString().slice(0, 10);

function addSource(list: ItemSource[], s: ItemSource): ItemSource[] {
  return list.includes(s) ? list : [...list, s].sort();
}

export class InventoryService implements Service {
  readonly name = 'inventory';
  readonly store: InventoryStore;
  readonly #d: InventoryDeps;
  readonly #now: () => Date;
  readonly #unsubscribe: (() => void)[] = [];
  #localAbort: AbortController | null = null;
  #localTimer: NodeJS.Timeout | null = null;
  #devices = new Map<number, Device>();
  #syncTimer: NodeJS.Timeout | null = null;

  constructor(deps: InventoryDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.store = new InventoryStore(deps.db);
    deps.scheduler.register({
      name: 'inventory.local',
      cron: '23 4 * * *',
      description: 'Inventaire du serveur lui-même (matériel, disques, système, paquets)',
      run: async (signal) => {
        await this.refreshLocal(signal);
      },
    });
    deps.scheduler.register({
      name: 'inventory.reassess',
      cron: '7 0 * * *',
      description: 'Recalcule l’état de vieillissement du parc (garanties, renouvellements)',
      run: async () => {
        this.reassessAll();
      },
    });
  }

  async start(): Promise<void> {
    const { bus } = this.#d;
    this.#unsubscribe.push(
      bus.on('devices.alert', (a) => this.#scheduleSync(a)),
      bus.on('devices.status', () => this.#scheduleSync(null)),
      bus.on('devices.changed', () => this.#scheduleSync(null)),
    );
    this.syncDevices();
    // compile the official schema (~150 ms) before the first agent calls, not during its request
    const warm = setTimeout(() => glpiSchemaErrors({}), 1500);
    warm.unref();
    // the server's own inventory: at start when the last one is older than a day, in the background
    const last = readSetting(this.#d.db, LOCAL_KEY) as { at?: string } | undefined;
    if (!last?.at || this.#now().getTime() - Date.parse(last.at) > 86_400_000) {
      this.#localTimer = setTimeout(() => void this.refreshLocal().catch(() => {}), 3000);
      this.#localTimer.unref();
    }
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe.splice(0)) u();
    if (this.#localTimer) clearTimeout(this.#localTimer);
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#localAbort?.abort();
  }

  // ---- rules

  rules(): AgeingRules {
    const stored = readSetting(this.#d.db, RULES_KEY);
    return { ...DEFAULT_AGEING_RULES, ...(stored && typeof stored === 'object' ? (stored as Partial<AgeingRules>) : {}) };
  }

  updateRules(input: unknown): AgeingRules {
    const rules = validateRules({ ...this.rules(), ...(input && typeof input === 'object' ? input : {}) });
    writeSetting(this.#d.db, RULES_KEY, rules);
    this.reassessAll();
    return rules;
  }

  // ---- reading

  list(filter: { kind?: ItemKind; status?: string; room?: string; q?: string } = {}): InventoryItem[] {
    const q = filter.q?.trim().toLowerCase();
    return this.#views()
      .filter((i) => !filter.kind || i.kind === filter.kind)
      .filter((i) => !filter.status || i.status === filter.status)
      .filter((i) => !filter.room || i.room === filter.room)
      .filter(
        (i) =>
          !q ||
          [i.name, i.room, i.facts.serial, i.facts.model, i.facts.manufacturer, ...i.facts.macs, ...i.facts.ips].some((v) => v?.toLowerCase().includes(q)),
      );
  }

  get(id: number): InventoryItem {
    return this.#view(this.store.get(id), this.rules());
  }

  changes(id: number): ItemChange[] {
    this.store.get(id);
    return this.store.changes(id);
  }

  software(id: number) {
    this.store.get(id);
    return this.store.software(id);
  }

  #views(): InventoryItem[] {
    const rules = this.rules();
    return this.store.all().map((i) => this.#view(i, rules));
  }

  #deviceAlerts(item: StoredItem): DeviceAlertFact[] {
    const d = item.deviceId !== null ? this.#devices.get(item.deviceId) : undefined;
    return d ? d.alerts.map((a) => ({ type: a.type, level: a.level, message: a.message })) : [];
  }

  /** Purchase data: the inventory's own (purchase records, manual entry) first, then the devices registry. */
  #purchase(item: StoredItem): PurchaseInfo {
    const own = item.purchase ?? emptyPurchase();
    const d = item.deviceId !== null ? this.#devices.get(item.deviceId) : undefined;
    return {
      ...own,
      purchaseDate: own.purchaseDate ?? d?.purchaseDate ?? null,
      warrantyEnd: own.warrantyEnd ?? (own.purchaseDate ? null : (d?.warrantyEnd ?? null)),
    };
  }

  #assess(item: StoredItem, rules: AgeingRules) {
    return assess(
      { kind: item.kind, facts: item.facts, purchase: this.#purchase(item), deviceAlerts: this.#deviceAlerts(item), lastSeen: item.lastSeen, sources: item.sources },
      rules,
      this.#now(),
    );
  }

  #view(item: StoredItem, rules: AgeingRules): InventoryItem {
    const a = this.#assess(item, rules);
    const purchase = this.#purchase(item);
    return {
      id: item.id,
      kind: item.kind,
      name: item.name,
      room: item.room,
      deviceId: item.deviceId,
      sources: item.sources,
      facts: item.facts,
      purchase: { ...purchase, warrantyEnd: a.warrantyEnd },
      warrantyAssumed: purchase.warrantyEnd === null && a.warrantyEnd !== null,
      ageYears: a.ageYears,
      ageEstimated: a.ageEstimated,
      status: a.status,
      reasons: a.reasons,
      notes: item.notes,
      firstSeen: item.firstSeen,
      lastSeen: item.lastSeen,
      updatedAt: item.updatedAt,
    };
  }

  // ---- writing (every write: item, history, status and the hub's alert report in one transaction)

  #recordChanges(before: StoredItem | null, after: StoredItem, source: ItemChange['source'], at: string): void {
    if (!before) {
      this.store.addChange({ itemId: after.id, at, source, field: 'created', before: null, after: `${ITEM_KIND_LABELS[after.kind]} « ${after.name} »` });
      return;
    }
    for (const [field, read] of Object.entries(TRACKED)) {
      const b = read(before);
      const a = read(after);
      if (b !== a) this.store.addChange({ itemId: after.id, at, source, field, before: b, after: a });
    }
  }

  /** A new item (defaults for what a source does not say), inserted with its creation in the history. */
  #create(fields: Pick<StoredItem, 'kind' | 'name' | 'room' | 'deviceId' | 'agentId' | 'sources' | 'facts'> & Partial<StoredItem>, source: ItemChange['source'], now: string): StoredItem {
    const base: Omit<StoredItem, 'id'> = { purchase: null, status: 'ok', reasons: [], notes: '', firstSeen: now, lastSeen: now, updatedAt: now, ...fields };
    const item = { ...base, id: this.store.insert(base) };
    this.#recordChanges(null, item, source, now);
    return item;
  }

  /** Recomputes the status of a saved item; a change is kept in the history and reported to the hub. */
  #applyStatus(
    item: StoredItem,
    opts: { isNew: boolean; deviceAlert?: { type: string; level: 'warning' | 'error'; opened: boolean } | null },
    rules: AgeingRules = this.rules(),
  ): StoredItem {
    const a = this.#assess(item, rules);
    const at = this.#now().toISOString();
    const changed = a.status !== item.status || JSON.stringify(a.reasons) !== JSON.stringify(item.reasons);
    const previous = opts.isNew ? null : item.status;
    if (changed) {
      if (a.status !== item.status && !opts.isNew) {
        this.store.addChange({ itemId: item.id, at, source: 'ageing', field: 'status', before: ITEM_STATUS_LABELS[item.status], after: ITEM_STATUS_LABELS[a.status] });
      }
      item = { ...item, status: a.status, reasons: a.reasons };
      this.store.save(item);
    }
    const statusChanged = !opts.isNew && previous !== a.status;
    if (statusChanged || opts.deviceAlert) {
      this.#d.outbox.enqueueHubReport(
        'alert',
        {
          item: { id: item.id, kind: item.kind, name: item.name, room: item.room, serial: item.facts.serial, manufacturer: item.facts.manufacturer, model: item.facts.model },
          previousStatus: previous,
          status: a.status,
          reasons: a.reasons,
          deviceAlert: opts.deviceAlert ?? null,
          at,
          droppedBefore: this.#d.outbox.dropped('hub'),
        },
        `Alerte « ${item.name} » : ${ITEM_STATUS_LABELS[a.status]}`,
      );
    }
    return item;
  }

  /** An agent's inventory (JSON as sent, or the legacy XML converted to it). Invalid → 400, nothing stored. */
  receiveAgent(inventory: Record<string, unknown>, meta: AgentMeta): ReceiveResult {
    const errors = glpiSchemaErrors(inventory);
    if (errors.length > 0) {
      throw new AppError('INVENTORY_SCHEMA', `Inventaire refusé : il ne respecte pas le format d’inventaire GLPI (${errors.join(' ; ')}).`, 400);
    }
    const n = normalizeInventory(inventory);
    if (!n.deviceId) throw new AppError('INVENTORY_NO_DEVICEID', 'Inventaire refusé : « deviceid » est vide.', 400);
    n.facts.agent = { deviceId: n.deviceId, version: typeof (inventory.content as Record<string, unknown>)?.versionclient === 'string' ? String((inventory.content as Record<string, unknown>).versionclient).slice(0, 100) : null, protocol: meta.protocol, address: meta.address, at: this.#now().toISOString() };
    return this.#upsertInventory(n, 'agent', n.deviceId, () => {
      if (this.#d.outbox.enabled('glpi')) this.#d.outbox.enqueueGlpiInventory(n.deviceId, meta.protocol, meta.raw, `Inventaire de « ${n.name} » pour le GLPI`, meta.agentUuid);
    });
  }

  #upsertInventory(n: NormalizedInventory, source: ItemSource, agentId: string, inTransaction: () => void, forceKind?: ItemKind): ReceiveResult {
    const now = this.#now().toISOString();
    return this.store.transaction(() => {
      const existing = this.store.match({ agentId, serial: n.facts.serial, macs: n.facts.macs, name: n.name, kinds: forceKind ? [forceKind] : ['pc', 'server', 'printer', 'other'] });
      let item: StoredItem;
      if (existing) {
        const facts =
          n.partialSections !== null
            ? mergePartial(existing.facts, n.facts, n.partialSections)
            : { ...n.facts, lampHours: existing.facts.lampHours, filterHours: existing.facts.filterHours };
        item = {
          ...existing,
          // the registry's name and room stay (the administrator chose them); an agent names unlinked items
          name: existing.deviceId !== null ? existing.name : n.name,
          kind: forceKind ?? (existing.deviceId !== null ? existing.kind : n.kind),
          agentId,
          sources: addSource(existing.sources, source),
          facts,
          lastSeen: now,
          updatedAt: now,
        };
        this.store.save(item);
        this.#recordChanges(existing, item, source, now);
      } else {
        item = this.#create({ kind: forceKind ?? n.kind, name: n.name, room: null, deviceId: null, agentId, sources: [source], facts: n.facts }, source, now);
      }
      if (n.partialSections === null || n.partialSections.includes('softwares')) this.store.setSoftware(item.id, n.software);
      inTransaction();
      const rules = this.rules();
      item = this.#applyStatus(item, { isNew: !existing }, rules);
      return { item: this.#view(item, rules), created: !existing };
    });
  }

  /** The server's own inventory (systeminformation + dpkg), daily. */
  async refreshLocal(signal?: AbortSignal): Promise<InventoryItem> {
    this.#localAbort?.abort();
    const ctl = new AbortController();
    this.#localAbort = ctl;
    const abort = () => ctl.abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const inv = await collectLocalInventory({ signal: ctl.signal, now: this.#now(), version: TROUSSE_VERSION, deviceId: this.#serverDeviceId() });
      const errors = glpiSchemaErrors(inv);
      if (errors.length > 0) this.#d.log.warn({ errors }, 'local inventory does not match the GLPI schema');
      const n = normalizeInventory(inv);
      n.kind = 'server';
      n.facts.agent = { deviceId: n.deviceId, version: `Trousse ${TROUSSE_VERSION}`, protocol: 'json', address: null, at: this.#now().toISOString() };
      const raw = JSON.stringify(inv);
      const r = this.#upsertInventory(
        n,
        'system',
        SERVER_AGENT_ID,
        () => {
          if (errors.length === 0 && this.#d.outbox.enabled('glpi')) this.#d.outbox.enqueueGlpiInventory(SERVER_AGENT_ID, 'json', raw, `Inventaire du serveur « ${n.name} » pour le GLPI`, null);
        },
        'server',
      );
      writeSetting(this.#d.db, LOCAL_KEY, { at: this.#now().toISOString(), deviceId: n.deviceId });
      return r.item;
    } catch (err) {
      if (!ctl.signal.aborted) this.#d.journal.record('warn', 'inventory', 'inventory.local-failed', `L’inventaire du serveur a échoué : ${errorMessage(err)}`);
      throw err;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /** One deviceid for the server, kept across days (GLPI identifies an agent by it). */
  #serverDeviceId(): string | undefined {
    const last = readSetting(this.#d.db, LOCAL_KEY) as { deviceId?: string } | undefined;
    return last?.deviceId;
  }

  /** Coalesces the devices' status and alert events into one sync (a poll cycle emits many). */
  #pendingAlerts: { deviceId: number; type: string; level: 'warning' | 'error'; opened: boolean }[] = [];
  #scheduleSync(alert: { deviceId: number; type: string; level: 'warning' | 'error'; opened: boolean } | null): void {
    if (alert) this.#pendingAlerts.push(alert);
    if (this.#syncTimer) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = null;
      const alerts = this.#pendingAlerts.splice(0);
      try {
        this.syncDevices(alerts);
      } catch (err) {
        this.#d.log.error({ err: errorMessage(err) }, 'inventory sync failed');
      }
    }, 200);
    this.#syncTimer.unref();
  }

  /**
   * Salles et appareils → inventory: every registered device has an item (matched by serial, MAC or
   * name the first time, then by its id); PJLink identity, lamp and filter hours; open alerts.
   * Device alerts given here are reported to the hub with the item's status, in the same transaction.
   */
  syncDevices(alerts: { deviceId: number; type: string; level: 'warning' | 'error'; opened: boolean }[] = []): void {
    const devices = this.#d.devices.list();
    this.#devices = new Map(devices.map((d) => [d.id, d]));
    const now = this.#now().toISOString();
    const rules = this.rules();
    this.store.transaction(() => {
      for (const d of devices) {
        const existing =
          this.store.byDevice(d.id) ??
          (() => {
            const m = this.store.match({ serial: d.serial || d.status.serial, macs: d.mac ? [d.mac] : [], name: d.name });
            return m && m.deviceId === null ? m : null;
          })();
        const s = d.status;
        const pjlink = d.pjlink.enabled && (s.manufacturer || s.model || s.lamps.length > 0);
        const agentFacts = existing?.sources.includes('agent') || existing?.sources.includes('system');
        const facts = { ...(existing?.facts ?? emptyFacts()) };
        // identity: an agent knows best, then what the projector says, then what was typed
        if (!agentFacts) {
          facts.manufacturer = s.manufacturer ?? (d.manufacturer || facts.manufacturer);
          facts.model = s.model ?? (d.model || facts.model);
          facts.serial = s.serial ?? (d.serial || facts.serial);
        }
        if (d.mac && !facts.macs.includes(d.mac)) facts.macs = [...facts.macs, d.mac];
        if (d.host && !facts.ips.includes(d.host) && /^\d+\.\d+\.\d+\.\d+$/.test(d.host)) facts.ips = [...facts.ips, d.host];
        if (pjlink) {
          facts.lampHours = s.lamps.map((l) => l.hours);
          facts.filterHours = s.filterHours;
          facts.firmware = s.softwareVersion;
        }
        let sources = existing?.sources ?? [];
        sources = addSource(sources, 'manual');
        if (pjlink) sources = addSource(sources, 'pjlink');
        const next: Omit<StoredItem, 'id'> = {
          kind: DEVICE_KIND[d.kind],
          name: d.name,
          room: d.room,
          deviceId: d.id,
          agentId: existing?.agentId ?? null,
          sources,
          facts,
          purchase: existing?.purchase ?? null,
          status: existing?.status ?? 'ok',
          reasons: existing?.reasons ?? [],
          notes: existing?.notes ?? '',
          firstSeen: existing?.firstSeen ?? now,
          lastSeen: pjlink && s.checkedAt && s.reachable ? s.checkedAt : (existing?.lastSeen ?? now),
          updatedAt: now,
        };
        let item: StoredItem;
        if (existing) {
          item = { ...next, id: existing.id };
          const same = JSON.stringify({ ...existing, updatedAt: '', lastSeen: '' }) === JSON.stringify({ ...item, updatedAt: '', lastSeen: '' });
          if (!same || existing.lastSeen !== item.lastSeen) {
            if (same) item.updatedAt = existing.updatedAt;
            this.store.save(item);
            this.#recordChanges(existing, item, pjlink ? 'pjlink' : 'manual', now);
          }
        } else item = this.#create(next, 'manual', now);
        const mine = alerts.filter((a) => a.deviceId === d.id);
        if (mine.length === 0) this.#applyStatus(item, { isNew: !existing }, rules);
        for (const a of mine) item = this.#applyStatus(item, { isNew: false, deviceAlert: a }, rules);
      }
      // devices removed from the registry: their items go, unless an agent still reports them
      for (const item of this.store.all()) {
        if (item.deviceId === null || this.#devices.has(item.deviceId)) continue;
        if (item.sources.includes('agent') || item.sources.includes('purchase')) {
          const kept = { ...item, deviceId: null, sources: item.sources.filter((s) => s !== 'manual' && s !== 'pjlink'), updatedAt: now };
          this.store.save(kept);
          this.store.addChange({ itemId: item.id, at: now, source: 'manual', field: 'device', before: item.name, after: null });
        } else {
          this.store.delete(item.id);
          this.#d.journal.record('info', 'inventory', 'inventory.removed', `« ${item.name} » a été retiré de l’inventaire (supprimé de Salles et appareils).`);
        }
      }
    });
  }

  /** Daily and after a change of the rules: statuses move with the calendar (warranties end). */
  reassessAll(): void {
    this.#devices = new Map(this.#d.devices.list().map((d) => [d.id, d]));
    this.store.transaction(() => {
      const rules = this.rules();
      for (const item of this.store.all()) this.#applyStatus(item, { isNew: false }, rules);
    });
  }

  update(id: number, patch: ItemPatch): { before: InventoryItem; after: InventoryItem } {
    const before = this.store.get(id);
    const now = this.#now().toISOString();
    const next: StoredItem = { ...before, updatedAt: now };
    if (patch.name !== undefined) {
      const name = patch.name.trim();
      if (!name || name.length > 100) throw new AppError('ITEM_INVALID', 'Le nom est obligatoire (100 caractères au plus).', 400);
      if (before.deviceId !== null && name !== before.name) throw new AppError('ITEM_MANAGED', 'Ce matériel est géré dans Salles et appareils : changez son nom là-bas.', 400);
      next.name = name;
    }
    if (patch.kind !== undefined) {
      if (before.deviceId !== null && patch.kind !== before.kind) throw new AppError('ITEM_MANAGED', 'Ce matériel est géré dans Salles et appareils : changez son type là-bas.', 400);
      next.kind = patch.kind;
    }
    if (patch.room !== undefined) {
      if (before.deviceId !== null && (patch.room ?? null) !== before.room) throw new AppError('ITEM_MANAGED', 'Ce matériel est géré dans Salles et appareils : changez sa salle là-bas.', 400);
      next.room = patch.room?.trim() || null;
    }
    if (patch.notes !== undefined) next.notes = patch.notes.slice(0, 2000);
    if (patch.purchase !== undefined) {
      next.purchase = patch.purchase === null ? null : cleanPurchase({ ...(before.purchase ?? emptyPurchase()), ...patch.purchase });
      if (next.purchase) next.sources = addSource(next.sources, 'purchase');
    }
    return this.store.transaction(() => {
      this.store.save(next);
      this.#recordChanges(before, next, 'admin', now);
      const bp = before.purchase ?? emptyPurchase();
      const np = next.purchase ?? emptyPurchase();
      for (const f of ['purchaseDate', 'warrantyEnd'] as const) {
        if (bp[f] !== np[f]) this.store.addChange({ itemId: id, at: now, source: 'admin', field: f, before: bp[f], after: np[f] });
      }
      const rules = this.rules();
      const saved = this.#applyStatus(next, { isNew: false }, rules);
      return { before: this.#view(before, rules), after: this.#view(saved, rules) };
    });
  }

  /** Removes an item that is not in Salles et appareils (retyped name as confirmation). */
  delete(id: number, confirm: string): InventoryItem {
    const item = this.store.get(id);
    if (item.deviceId !== null) throw new AppError('ITEM_MANAGED', 'Ce matériel est géré dans Salles et appareils : supprimez-le là-bas.', 400);
    if (confirm.trim().toLowerCase() !== item.name.toLowerCase()) throw new AppError('CONFIRMATION_MISMATCH', `Pour confirmer, retapez exactement le nom « ${item.name} ».`, 400);
    const view = this.#view(item, this.rules());
    this.store.delete(id);
    this.#d.journal.record('info', 'inventory', 'inventory.deleted', `« ${item.name} » a été retiré de l’inventaire.`);
    return view;
  }

  // ---- purchase records

  /** Matches each line (serial, MAC, name); dry run by default; applies all lines or none. */
  importPurchases(text: string, dryRun: boolean): PurchaseImportReport {
    const { records, errors } = readPurchaseCsv(text);
    const report: PurchaseImportReport = { dryRun, matched: 0, created: 0, unchanged: 0, errors: [...errors], lines: [] };
    const plan: { rec: (typeof records)[number]; item: StoredItem | null }[] = [];
    const seen = new Map<number, number>();
    for (const rec of records) {
      const item = this.store.match({ serial: rec.serial, macs: rec.mac ? [rec.mac] : [], name: rec.name });
      if (item) {
        const prev = seen.get(item.id);
        if (prev !== undefined) {
          report.errors.push({ line: rec.line, message: `ligne ${rec.line} : « ${item.name} » est déjà concerné par la ligne ${prev}.` });
          continue;
        }
        seen.set(item.id, rec.line);
        const next = cleanPurchase({ ...(item.purchase ?? emptyPurchase()), ...definedOnly(rec.purchase) });
        if (JSON.stringify(next) === JSON.stringify(item.purchase)) {
          report.unchanged++;
          report.lines.push({ line: rec.line, action: 'unchanged', name: item.name });
        } else {
          report.matched++;
          report.lines.push({ line: rec.line, action: 'update', name: item.name });
          plan.push({ rec, item });
        }
      } else {
        report.created++;
        report.lines.push({ line: rec.line, action: 'create', name: rec.name ?? rec.serial ?? rec.mac ?? '?' });
        plan.push({ rec, item: null });
      }
    }
    report.errors.sort((a, b) => a.line - b.line);
    if (dryRun || report.errors.length > 0) return { ...report, dryRun: true };
    const now = this.#now().toISOString();
    const rules = this.rules();
    this.store.transaction(() => {
      for (const { rec, item } of plan) {
        if (item) {
          const next: StoredItem = { ...item, purchase: cleanPurchase({ ...(item.purchase ?? emptyPurchase()), ...definedOnly(rec.purchase) }), sources: addSource(item.sources, 'purchase'), updatedAt: now };
          this.store.save(next);
          const bp = item.purchase ?? emptyPurchase();
          const np = next.purchase ?? emptyPurchase();
          for (const f of ['purchaseDate', 'warrantyEnd'] as const) if (bp[f] !== np[f]) this.store.addChange({ itemId: item.id, at: now, source: 'purchase', field: f, before: bp[f], after: np[f] });
          this.#applyStatus(next, { isNew: false }, rules);
        } else {
          const facts = { ...emptyFacts(), manufacturer: rec.manufacturer, model: rec.model, serial: rec.serial, macs: rec.mac ? [rec.mac] : [] };
          const created = this.#create(
            {
              kind: rec.kind ?? 'other',
              name: rec.name ?? rec.serial ?? rec.mac ?? 'sans nom',
              room: rec.room,
              deviceId: null,
              agentId: null,
              sources: ['purchase'],
              facts,
              purchase: cleanPurchase(rec.purchase),
            },
            'purchase',
            now,
          );
          this.#applyStatus(created, { isNew: true }, rules);
        }
      }
    });
    this.#d.journal.record('info', 'inventory', 'inventory.purchases', `Registre des achats importé : ${report.matched} matériel(s) mis à jour, ${report.created} ajouté(s).`);
    return report;
  }

  // ---- reports

  report(): InventoryReport {
    this.#devices = new Map(this.#d.devices.list().map((d) => [d.id, d]));
    const rules = this.rules();
    const items: ReportItem[] = this.#views().map((i) => ({
      id: i.id,
      kind: i.kind,
      name: i.name,
      room: i.room,
      sources: i.sources,
      manufacturer: i.facts.manufacturer,
      model: i.facts.model,
      serial: i.facts.serial,
      macs: i.facts.macs,
      os: i.facts.os ? [i.facts.os.name, i.facts.os.version].filter(Boolean).join(' ') : null,
      cpu: i.facts.cpu?.name ?? null,
      memoryMb: i.facts.memoryMb,
      diskMb: i.facts.disks.length ? i.facts.disks.reduce((s, d) => s + (d.sizeMb ?? 0), 0) : null,
      softwareCount: i.facts.softwareCount,
      lampHours: i.facts.lampHours.length ? Math.max(...i.facts.lampHours) : null,
      filterHours: i.facts.filterHours,
      purchaseDate: i.purchase.purchaseDate,
      warrantyEnd: i.purchase.warrantyEnd,
      ageYears: i.ageYears,
      ageEstimated: i.ageEstimated,
      status: i.status,
      reasons: i.reasons,
      lastSeen: i.lastSeen,
    }));
    return {
      schemaVersion: 1,
      generatedAt: this.#now().toISOString(),
      school: { uai: this.#d.config.school.uai, name: this.#d.config.school.name },
      rules,
      summary: summarize(items),
      items,
    };
  }

  render(format: 'json' | 'csv' | 'html'): { body: string; contentType: string; fileName: string } {
    const r = this.report();
    const stamp = day(this.#now());
    const base = `inventaire-${r.school.uai}-${stamp}`;
    if (format === 'csv') return { body: reportCsv(r), contentType: 'text/csv; charset=utf-8', fileName: `${base}.csv` };
    if (format === 'html') return { body: reportHtml(r), contentType: 'text/html; charset=utf-8', fileName: `${base}.html` };
    return { body: JSON.stringify(r, null, 2), contentType: 'application/json; charset=utf-8', fileName: `${base}.json` };
  }

  /** Counts for the dashboard and the hub's health report. */
  counts(): { total: number; byStatus: Record<string, number> } {
    const items = this.#views();
    const byStatus: Record<string, number> = {};
    for (const i of items) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
    return { total: items.length, byStatus };
  }
}

function definedOnly(p: PurchaseInfo): Partial<PurchaseInfo> {
  const out: Partial<PurchaseInfo> = {};
  if (p.purchaseDate) out.purchaseDate = p.purchaseDate;
  if (p.warrantyEnd) out.warrantyEnd = p.warrantyEnd;
  if (p.supplier) out.supplier = p.supplier;
  if (p.orderNumber) out.orderNumber = p.orderNumber;
  if (p.invoice) out.invoice = p.invoice;
  if (p.value !== null) out.value = p.value;
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function validDate(s: string | null | undefined, what: string): string | null {
  if (s === null || s === undefined || s === '') return null;
  const d = new Date(`${s}T00:00:00Z`);
  if (!DATE.test(s) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) throw new AppError('ITEM_INVALID', `${what} doit être une date valide (AAAA-MM-JJ) ; reçu : « ${s} ».`, 400);
  return s;
}

function cleanPurchase(p: PurchaseInfo): PurchaseInfo {
  const purchaseDate = validDate(p.purchaseDate, 'La date d’achat');
  const warrantyEnd = validDate(p.warrantyEnd, 'La fin de garantie');
  if (purchaseDate && warrantyEnd && warrantyEnd < purchaseDate) throw new AppError('ITEM_INVALID', 'La fin de garantie ne peut pas précéder la date d’achat.', 400);
  if (p.value !== null && (typeof p.value !== 'number' || !Number.isFinite(p.value) || p.value < 0 || p.value > 10_000_000)) throw new AppError('ITEM_INVALID', 'Le montant doit être un nombre positif (en euros).', 400);
  const text = (s: unknown) => (typeof s === 'string' ? s.trim().slice(0, 200) : '');
  return { purchaseDate, warrantyEnd, supplier: text(p.supplier), orderNumber: text(p.orderNumber), invoice: text(p.invoice), value: p.value };
}
