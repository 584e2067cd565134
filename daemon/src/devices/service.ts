import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { TrousseConfig } from '../core/config.ts';
import type { Db } from '../db/index.ts';
import type { EventBus } from '../core/events.ts';
import type { Journal } from '../core/journal.ts';
import type { Logger } from '../core/logger.ts';
import type { Service } from '../core/lifecycle.ts';
import type { Scheduler } from '../core/scheduler.ts';
import { AppError, errorMessage } from '../core/errors.ts';
import type { DcService } from '../dc/index.ts';
import { Actions } from './actions.ts';
import { devicesCsv, readDevicesCsv } from './csv.ts';
import type { SchoolZone } from './calendar/school-calendar.ts';
import { SCHEDULE_ACTION_LABELS } from './calendar/plan.ts';
import { PJLINK_KINDS, type ActionRequest, type ActionResult, type Device, type DeviceInput, type DeviceKind, type RoomInput, type ScheduleAction } from './model.ts';
import { parsePower, parseErrors, parseInput } from './pjlink/protocol.ts';
import { PjlinkNotificationListener, type PjlinkNotification, search } from './pjlink/udp.ts';
import { Poller } from './poller.ts';
import { cleanDevice, Registry, sameDevice } from './registry.ts';
import { Schedules } from './schedules.ts';
import { type DeviceSettings, readDeviceSettings, writeDeviceSettings } from './settings.ts';
import { authorizedKeysLine, ensureSshKey, readPublicKey, shutdownLinux, shutdownWindows } from './shutdown.ts';
import { broadcastOf } from './validate.ts';

export interface DevicesDeps {
  config: TrousseConfig;
  log: Logger;
  db: Db;
  bus: EventBus;
  journal: Journal;
  scheduler: Scheduler;
  dc: DcService;
  /** The clock (tests drive schedules with a fake one). */
  now?: () => Date;
}

export interface ImportReport {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  errors: { line: number; message: string }[];
}

const ROOM_ACTIONS: Record<ScheduleAction, { kinds: readonly DeviceKind[]; action: 'wake' | 'shutdown' | 'power-on' | 'power-off' }> = {
  'wake-pcs': { kinds: ['pc'], action: 'wake' },
  'shutdown-pcs': { kinds: ['pc'], action: 'shutdown' },
  'projectors-on': { kinds: PJLINK_KINDS, action: 'power-on' },
  'projectors-off': { kinds: PJLINK_KINDS, action: 'power-off' },
};

export class DevicesService implements Service {
  readonly name = 'devices';
  readonly registry: Registry;
  readonly poller: Poller;
  readonly schedules: Schedules;
  readonly actions: Actions;
  readonly #d: DevicesDeps;
  readonly #now: () => Date;
  #listener: PjlinkNotificationListener | null = null;

  constructor(deps: DevicesDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.registry = new Registry(deps.db);
    this.schedules = new Schedules(deps.db, { timezone: deps.config.devices.timezone, alsaceMoselle: deps.config.devices.alsaceMoselle });
    const settings = () => this.settings();
    this.poller = new Poller({ db: deps.db, registry: this.registry, bus: deps.bus, journal: deps.journal, log: deps.log, settings, now: this.#now });
    this.actions = new Actions({
      registry: this.registry,
      poller: this.poller,
      journal: deps.journal,
      settings,
      wolPort: deps.config.devices.wolPort,
      shutdownPc: async (t, reboot) => {
        const s = this.settings();
        if (t.os === 'windows') {
          const access = await deps.dc.shutdownAccess();
          if (!access.account) return { ok: false, message: 'Le compte d’extinction n’est pas encore préparé : Salles › Planification › « Préparer le compte d’extinction ».' };
          return shutdownWindows({ host: t.host ?? '', authFile: access.authFile, smbConf: deps.dc.paths.smbConf, reboot, delaySeconds: s.shutdownDelaySeconds, message: s.shutdownMessage });
        }
        return shutdownLinux({ host: t.host ?? '', port: s.sshPort, user: s.sshUser, keys: await this.#sshKeys(), reboot });
      },
    });
    if (deps.config.devices.enabled) {
      deps.scheduler.register({
        name: 'devices.poll',
        cron: '*/30 * * * * *',
        description: 'Vérifie l’état des vidéoprojecteurs et tableaux (PJLink) et si les ordinateurs sont allumés',
        run: (signal) => this.poller.tick(signal),
      });
      deps.scheduler.register({
        name: 'devices.schedules',
        cron: '0 * * * * *',
        description: 'Lance les planifications des salles (réveil, extinction)',
        run: async () => {
          await this.runSchedules(this.#now());
        },
      });
    }
  }

  async start(): Promise<void> {
    if (!this.#d.config.devices.enabled) return;
    const listener = new PjlinkNotificationListener();
    listener.on('notification', (n) => this.#onNotification(n));
    try {
      await listener.start({ port: this.#d.config.devices.notifyPort });
      this.#listener = listener;
    } catch (err) {
      // the daemon still polls; the administrator learns why notifications are not received
      this.#d.journal.record('warn', 'devices', 'devices.notify-port', `Les notifications des vidéoprojecteurs ne seront pas reçues (port UDP ${this.#d.config.devices.notifyPort} : ${errorMessage(err)}). L’état reste vérifié régulièrement.`);
    }
  }

  async stop(): Promise<void> {
    await this.#listener?.stop();
    this.#listener = null;
    this.poller.closeAll();
  }

  /** The UDP port notifications are received on (null when not listening). */
  get notifyPort(): number | null {
    return this.#listener?.port ?? null;
  }

  settings(): DeviceSettings {
    return readDeviceSettings(this.#d.db);
  }

  updateSettings(patch: Partial<DeviceSettings>): DeviceSettings {
    const next = { ...this.settings(), ...patch };
    if (next.lampWarnHours > next.lampReplaceHours) throw new AppError('SETTINGS_INVALID', 'Le seuil d’alerte de la lampe doit être inférieur ou égal au seuil de remplacement.', 400);
    writeDeviceSettings(this.#d.db, next);
    return next;
  }

  // ---- registry

  list(opts: { room?: number; kind?: DeviceKind } = {}): Device[] {
    return this.registry.list(opts);
  }

  get(id: number): Device {
    return this.registry.get(id);
  }

  create(input: DeviceInput): Device {
    const d = this.registry.create(input, this.#now());
    this.#d.bus.emit('devices.changed', {});
    if (d.pjlink.enabled && d.host && this.#d.config.devices.enabled) void this.poller.check(this.registry.target(d.id)).catch(() => {});
    return d;
  }

  update(id: number, input: Partial<DeviceInput>): { before: Device; after: Device } {
    const r = this.registry.update(id, input, this.#now());
    if (r.changed) {
      this.#d.bus.emit('devices.changed', {});
      this.poller.forget(id);
      if (r.after.pjlink.enabled && r.after.host && this.#d.config.devices.enabled) void this.poller.check(this.registry.target(id)).catch(() => {});
    }
    return r;
  }

  delete(id: number, confirm: string): Device {
    const d = this.registry.delete(id, confirm);
    this.poller.forget(id);
    this.#d.bus.emit('devices.changed', {});
    return d;
  }

  deleteRoom(id: number, confirm: string) {
    const room = this.registry.deleteRoom(id, confirm);
    this.schedules.dropRoom(id);
    this.#d.bus.emit('devices.changed', {});
    return room;
  }

  createRoom(input: RoomInput) {
    return this.registry.createRoom(input);
  }

  async check(id: number): Promise<Device> {
    const t = this.registry.target(id);
    if (!t.pjlink.enabled && t.kind !== 'pc') throw new AppError('ACTION_NOT_SUPPORTED', `« ${t.name} » ne se pilote pas en PJLink : il n’y a rien à vérifier.`, 400);
    if (!t.host) throw new AppError('DEVICE_NO_HOST', `« ${t.name} » n’a pas d’adresse IP ni de nom : renseignez-la pour que Trousse puisse le vérifier.`, 400);
    await this.poller.check(t, { fresh: true });
    return this.registry.get(id);
  }

  history(id: number, days: number) {
    this.registry.get(id);
    const since = new Date(this.#now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
    const rows = this.#d.db.prepare('SELECT lamp, day, hours FROM device_hours WHERE device_id = ? AND day >= ? ORDER BY day, lamp').all(id, since) as {
      lamp: number;
      day: string;
      hours: number;
    }[];
    return { lamps: rows.filter((r) => r.lamp > 0), filter: rows.filter((r) => r.lamp === 0).map(({ day, hours }) => ({ day, hours })) };
  }

  exportCsv(): string {
    return devicesCsv(this.registry.list());
  }

  /** Checks every line first; applies only a file without errors (all lines or none). */
  importCsv(text: string, dryRun: boolean): ImportReport {
    const rows = readDevicesCsv(text);
    const report: ImportReport = { dryRun, created: 0, updated: 0, unchanged: 0, errors: [] };
    const plan: { input: DeviceInput; id: number | null }[] = [];
    const seen = new Map<string, number>();
    for (const { line, input } of rows) {
      try {
        const name = String(input.name ?? '').trim().toLowerCase();
        if (seen.has(name)) throw new AppError('DEVICE_DUPLICATE', `« ${input.name} » figure déjà ligne ${seen.get(name)}.`);
        seen.set(name, line);
        const existing = this.registry.byName(String(input.name ?? ''));
        if (existing) {
          const base = this.registry.clean(existing.id);
          const next = cleanDevice(input, base);
          if (sameDevice(next, base)) report.unchanged++;
          else {
            report.updated++;
            plan.push({ input, id: existing.id });
          }
        } else {
          cleanDevice(input);
          report.created++;
          plan.push({ input, id: null });
        }
      } catch (err) {
        report.errors.push({ line, message: errorMessage(err) });
      }
    }
    if (dryRun || report.errors.length > 0) return { ...report, dryRun: dryRun || report.errors.length > 0 };
    this.#d.db.transaction(() => {
      for (const p of plan) {
        if (p.id === null) this.registry.create(p.input, this.#now());
        else this.registry.update(p.id, p.input, this.#now());
      }
    })();
    for (const p of plan) if (p.id !== null) this.poller.forget(p.id);
    if (plan.length > 0) this.#d.bus.emit('devices.changed', {});
    return report;
  }

  // ---- actions

  act(id: number, req: ActionRequest, actor: string): Promise<ActionResult> {
    return this.actions.run(id, req, actor);
  }

  async roomAction(roomId: number | null, action: ScheduleAction, actor: string): Promise<ActionResult[]> {
    const { kinds, action: deviceAction } = ROOM_ACTIONS[action];
    const targets = this.registry
      .targets()
      .filter((t) => (roomId === null || t.roomId === roomId) && kinds.includes(t.kind) && (deviceAction === 'wake' || deviceAction === 'shutdown' || t.pjlink.enabled));
    return this.actions.many(targets.map((t) => t.id), deviceAction, actor);
  }

  /** What was due since the last run of the scheduler job; skipped runs are journaled. */
  async runSchedules(now: Date): Promise<{ rule: number; at: string; skipped: string | null; results: ActionResult[] }[]> {
    const out = [];
    for (const run of this.schedules.due(now)) {
      if (run.skipped) {
        this.#d.journal.record('info', 'devices', 'devices.schedule-skipped', `Planification « ${run.rule.label} » non lancée : ${run.skipped}.`);
        out.push({ rule: run.rule.id, at: run.at.toISOString(), skipped: run.skipped, results: [] });
        continue;
      }
      const rooms = run.rule.rooms.length > 0 ? run.rule.rooms : [null];
      const results: ActionResult[] = [];
      for (const room of rooms) results.push(...(await this.roomAction(room, run.rule.action, `planification « ${run.rule.label} »`)));
      const failed = results.filter((r) => !r.ok).length;
      this.#d.journal.record(
        failed > 0 ? 'warn' : 'info',
        'devices',
        'devices.schedule-run',
        `Planification « ${run.rule.label} » (${SCHEDULE_ACTION_LABELS[run.rule.action].toLowerCase()}) : ${results.length - failed} appareil(s) sur ${results.length}${failed > 0 ? `, ${failed} en échec` : ''}.`,
      );
      out.push({ rule: run.rule.id, at: run.at.toISOString(), skipped: null, results });
    }
    return out;
  }

  schedulesView(count = 10) {
    return {
      rules: this.schedules.rules(),
      next: this.schedules.next(this.#now(), count).map((r) => ({ ruleId: r.rule.id, at: r.at.toISOString(), skipped: r.skipped })),
    };
  }

  calendar() {
    return { zone: this.schedules.zone(), closures: this.schedules.closures(), holidays: this.schedules.holidaysAround(this.#now()) };
  }

  importCalendar(body: string, zone: SchoolZone) {
    return this.schedules.importCalendar(body, zone, this.#now());
  }

  // ---- discovery

  /** Class 2 search on each room's subnet (and the server's own segment); known devices flagged. */
  async discover(seconds: number, addresses?: string[]) {
    const targets = addresses?.length
      ? addresses
      : ['255.255.255.255', ...this.registry.rooms().flatMap((r) => (r.subnet ? [broadcastOf(r.subnet)] : []))];
    const opts = { addresses: [...new Set(targets)], seconds, port: this.#d.config.devices.searchPort };
    // replies come back to the port the search is sent from: the listener's own when it holds 4352
    const shared = this.#listener && this.#listener.port === this.#d.config.devices.searchBindPort;
    const found = shared && this.#listener ? await this.#listener.search(opts) : await search({ ...opts, bindPort: this.#d.config.devices.searchBindPort });
    const devices = this.registry.list();
    return {
      found: found.map((f) => {
        const known = devices.find((d) => d.mac === f.mac) ?? devices.find((d) => d.host === f.host);
        return { mac: f.mac, host: f.host, deviceId: known?.id ?? null, name: known?.name ?? null, manufacturer: known?.status.manufacturer ?? null, model: known?.status.model ?? null };
      }),
    };
  }

  adopt(input: { mac: string; host: string; name: string; room?: string | null; kind?: DeviceKind }): Device {
    return this.create({ kind: input.kind ?? 'projector', name: input.name, room: input.room ?? null, mac: input.mac, host: input.host });
  }

  #onNotification(n: PjlinkNotification): void {
    if (n.kind === 'LKUP' && n.mac) {
      const t = this.registry.targetFrom({ mac: n.mac });
      if (!t) return;
      if (t.host !== n.host) {
        this.registry.update(t.id, { host: n.host }, this.#now());
        this.#d.journal.record('info', 'devices', 'devices.host-changed', `« ${t.name} » a changé d’adresse : ${t.host ?? '—'} → ${n.host}.`);
        this.poller.forget(t.id);
      }
      void this.poller.check(this.registry.target(t.id)).catch(() => {});
      return;
    }
    const t = this.registry.targetFrom({ host: n.host });
    if (!t) return;
    if (n.kind === 'POWR') this.poller.applyNotification(t, { power: parsePower(n.value) });
    else if (n.kind === 'INPT') this.poller.applyNotification(t, { input: parseInput(n.value) });
    else if (n.kind === 'ERST') {
      this.poller.applyNotification(t, { errors: parseErrors(n.value) });
      // alerts come from a full check
      void this.poller.check(this.registry.target(t.id)).catch(() => {});
    }
  }

  // ---- shutdown

  async #sshKeys() {
    return ensureSshKey(join(this.#d.config.dataDir, 'secrets', 'ssh'), `trousse-extinction@${this.#d.config.shares.serverName}`);
  }

  serverAddresses(): string[] {
    return Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a?.address ?? '');
  }

  async shutdownInfo() {
    let windows: { account: string; ready: boolean; gpo: string | null; problem: string | null };
    try {
      const s = await this.#d.dc.shutdownAccess();
      const ready = s.account && s.gpo?.linked === true && s.gpo.grantsShutdown;
      windows = {
        account: `${s.domain}\\${s.login}`,
        ready,
        gpo: s.gpo?.guid ?? null,
        problem: ready ? null : !s.account ? 'Le compte n’existe pas encore.' : !s.gpo ? 'La stratégie de groupe n’existe pas encore.' : 'La stratégie de groupe est incomplète : préparez de nouveau le compte.',
      };
    } catch (err) {
      windows = { account: 'trousse-extinction', ready: false, gpo: null, problem: `Annuaire injoignable : ${errorMessage(err)}` };
    }
    const keys = await this.#sshKeys();
    const publicKey = readPublicKey(keys);
    return { windows, linux: { user: this.settings().sshUser, publicKey, authorizedKeysLine: authorizedKeysLine(publicKey, this.serverAddresses()) } };
  }

  async setupWindowsShutdown() {
    await this.#d.dc.ensureShutdownAccess();
    this.#d.journal.record('info', 'devices', 'devices.shutdown-account', 'Compte d’extinction des postes Windows et sa stratégie de groupe prêts.');
    return this.shutdownInfo();
  }
}
