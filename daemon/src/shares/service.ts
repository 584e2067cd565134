import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TrousseConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { EventBus } from '../core/events.ts';
import type { Journal } from '../core/journal.ts';
import type { Scheduler } from '../core/scheduler.ts';
import type { Service } from '../core/lifecycle.ts';
import type { Db } from '../db/index.ts';
import type { DcService } from '../dc/index.ts';
import type { DirectoryService, Profile, ShareView } from '../directory/index.ts';
import { AppError, errorMessage } from '../core/errors.ts';
import { Mutex } from '../core/mutex.ts';
import { runChecked } from '../core/exec.ts';
import {
  SHARE_NAMES,
  aclFingerprint,
  desiredShares,
  principalsOf,
  profilesDir,
  renderConf,
  resolveAcl,
  windowsPathsOf,
  type DesiredFolder,
  type ShareSettings,
  type SharePaths,
} from './layout.ts';
import { detectQuotaMode, diskUsage, setUserQuota, type QuotaMode } from './quotas.ts';
import { loadShareSettings, parseShareSettings, saveShareSettings } from './settings.ts';
import { checkSssdConf, pamMountConf, sssdConf, windowsSettings, type ClientSite } from './clients.ts';
import { readSetting, writeSetting } from '../db/settings.ts';

export interface SharesDeps {
  config: TrousseConfig;
  log: Logger;
  db: Db;
  bus: EventBus;
  journal: Journal;
  scheduler: Scheduler;
  dc: DcService;
  directory: DirectoryService;
}

export interface ReconcileReport {
  at: string;
  ms: number;
  foldersCreated: number;
  aclsWritten: number;
  windowsPathsChanged: number;
  confChanged: boolean;
  warnings: string[];
  errors: string[];
}

export interface QuotaLine {
  login: string;
  displayName: string;
  profile: Profile;
  usedBytes: number;
  homeBytes: number;
  profileBytes: number;
  softBytes: number;
  hardBytes: number;
  custom: boolean;
  state: 'ok' | 'soft' | 'hard';
  measuredAt: string | null;
}

export interface ProfileLine {
  login: string;
  displayName: string | null;
  folders: { name: string; bytes: number }[];
  bytes: number;
}

const MB = 1024 * 1024;
const LOGIN_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/**
 * The school's file shares on the DC: homes (`perso`), roaming profiles (`profiles$`), class
 * folders with per-pupil drop folders (`classes`), `commun`, and a share per group when asked.
 * The desired state comes from the directory; `reconcile()` writes the smb.conf include (checked
 * by testparm, reloaded without dropping sessions), creates the folders with their Windows ACLs,
 * sets the accounts' Windows paths, and writes quotas where the filesystem has them.
 */
export class SharesService implements Service {
  readonly name = 'shares';
  readonly #d: SharesDeps;
  readonly #lock = new Mutex();
  readonly paths: SharePaths;
  #settings: ShareSettings;
  #quotaMode: QuotaMode = { mode: 'report', reason: 'Pas encore déterminé.' };
  #last: ReconcileReport | null = null;
  #timer: NodeJS.Timeout | null = null;
  #pending: Promise<ReconcileReport> | null = null;
  #unsubscribe: (() => void) | null = null;
  #stopped = false;

  constructor(deps: SharesDeps) {
    this.#d = deps;
    this.paths = { homeRoot: deps.config.directory.homeRoot, root: deps.config.shares.root };
    this.#settings = loadShareSettings(deps.db);
    this.#last = (readSetting(deps.db, 'shares.last') as ReconcileReport | undefined) ?? null;
    if (!deps.config.shares.enabled) {
      this.#quotaMode = { mode: 'report', reason: 'Les partages ne sont pas gérés par Trousse sur ce serveur (shares.enabled = false).' };
      return;
    }
    deps.scheduler.register({
      name: 'shares.reconcile',
      cron: '40 2 * * *',
      description: 'Vérifie les partages, dossiers et droits (et répare ce qui manque)',
      run: async () => {
        await this.reconcile();
      },
    });
    deps.scheduler.register({
      name: 'shares.measure',
      cron: '10 * * * *',
      description: 'Mesure l’occupation des dossiers personnels et des profils (quotas)',
      run: async () => {
        await this.measure();
      },
    });
  }

  get enabled(): boolean {
    return this.#d.config.shares.enabled;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    if (!this.enabled) return;
    this.#quotaMode = await detectQuotaMode(this.paths.homeRoot);
    this.#unsubscribe = this.#d.bus.on('directory.changed', () => this.#schedule());
    // the first reconcile runs in the background: a big school's first start creates many folders
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#lock.run(async () => {});
  }

  #schedule(delayMs = 300): void {
    if (this.#stopped || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.reconcile().catch((err) => {
        // the DC may not answer yet (start-up, restart): try again in a minute
        this.#d.log.error({ err: errorMessage(err) }, 'shares reconcile failed, retrying in 60 s');
        this.#schedule(60_000);
      });
    }, delayMs);
    this.#timer.unref();
  }

  /** Waits for a reconcile already asked for (tests, and the console's "Vérifier" button use reconcile()). */
  async idle(): Promise<void> {
    while (this.#timer || this.#pending) {
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = null;
        await this.reconcile();
      } else await this.#pending?.catch(() => {});
    }
  }

  /** Brings folders, ACLs, the smb.conf include and the accounts' Windows paths in line with the directory. */
  reconcile(): Promise<ReconcileReport> {
    if (!this.enabled) return Promise.reject(disabledError());
    const p = this.#lock.run(() => this.#reconcile());
    this.#pending = p;
    void p.finally(() => {
      if (this.#pending === p) this.#pending = null;
    }).catch(() => {});
    return p;
  }

  async #reconcile(): Promise<ReconcileReport> {
    const t0 = performance.now();
    const { dc, directory, db, journal, log } = this.#d;
    const report: ReconcileReport = { at: new Date().toISOString(), ms: 0, foldersCreated: 0, aclsWritten: 0, windowsPathsChanged: 0, confChanged: false, warnings: [], errors: [] };
    const view = await directory.shareView();
    const desired = desiredShares(view, this.#settings, this.paths);
    report.warnings.push(...desired.warnings);
    if (!dc.sharesIncluded()) {
      report.errors.push(
        `Le fichier ${this.#d.config.dc.smbConf ?? dc.paths.smbConf} n’inclut pas ${this.#d.config.shares.includeFile} : ajoutez « include = ${this.#d.config.shares.includeFile} » à la fin de sa section [global] (provisioning/ le fait).`,
      );
    }
    for (const dir of [this.paths.homeRoot, this.paths.root]) {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const closed = closedAncestor(dir);
      if (closed) report.errors.push(`Le dossier ${closed} n’est pas traversable par les comptes de l’établissement (droits ${closedMode(closed)}) : les partages qu’il contient sont inaccessibles. Corrigez avec « chmod o+x ${closed} ».`);
    }
    try {
      report.confChanged = (await dc.installShares(renderConf(desired.shares))).changed;
    } catch (err) {
      report.errors.push(errorMessage(err));
    }

    const known = new Map((db.prepare('SELECT path, wanted, ino FROM share_acls').all() as { path: string; wanted: string; ino: number }[]).map((r) => [r.path, r]));
    const inodes = new Map<string, number>();
    const todo: DesiredFolder[] = [];
    for (const f of desired.folders) {
      let st: ReturnType<typeof lstatSync> | null = null;
      try {
        st = lstatSync(f.path);
      } catch {
        st = null;
      }
      if (st && !st.isDirectory()) {
        report.errors.push(`${f.path} n’est pas un dossier (lien ou fichier) : il est laissé tel quel, ${f.label.toLowerCase()} n’est pas servi.`);
        continue;
      }
      if (!st) {
        mkdirSync(f.path, { recursive: true, mode: f.kind === 'home' || f.kind === 'drop' ? 0o700 : 0o755 });
        report.foldersCreated++;
        st = lstatSync(f.path);
      }
      inodes.set(f.path, Number(st.ino));
      const k = known.get(f.path);
      if (!k || k.wanted !== aclFingerprint(f) || k.ino !== Number(st.ino)) todo.push(f);
    }
    if (todo.length > 0) {
      const sids = await dc.sids([...new Set(todo.flatMap((f) => principalsOf(f.acl)))]);
      const jobs: { path: string; sddl: string; service: string; f: DesiredFolder }[] = [];
      for (const f of todo) {
        const sddl = resolveAcl(f.acl, sids);
        if (!sddl) {
          report.warnings.push(`Droits de ${f.label} en attente : un compte ou un groupe n’est pas encore visible dans l’annuaire.`);
          continue;
        }
        jobs.push({ path: f.path, sddl, service: f.share, f });
      }
      try {
        const results = await dc.setNtAcls(jobs.map(({ path, sddl, service }) => ({ path, sddl, service })));
        const ok = new Set(results.filter((r) => r.ok).map((r) => r.path));
        const upsert = db.prepare(
          'INSERT INTO share_acls (path, wanted, ino, applied_at) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET wanted = excluded.wanted, ino = excluded.ino, applied_at = excluded.applied_at',
        );
        db.transaction(() => {
          for (const j of jobs) if (ok.has(j.path)) upsert.run(j.path, aclFingerprint(j.f), inodes.get(j.path) ?? 0, report.at);
        })();
        report.aclsWritten = ok.size;
        for (const r of results) if (!r.ok) report.errors.push(`Droits de ${r.path} non écrits : ${r.error ?? 'erreur inconnue'}`);
      } catch (err) {
        report.errors.push(errorMessage(err));
      }
    }

    const changes = view.users
      .map((u) => ({ u, want: windowsPathsOf(u, this.#settings, this.#d.config.shares.serverName) }))
      .filter(({ u, want }) => u.homeDirectory !== want.homeDirectory || u.homeDrive !== want.homeDrive || (u.profilePath || null) !== want.profilePath)
      .map(({ want }) => want);
    if (changes.length > 0) {
      const r = await directory.setWindowsPaths(changes);
      report.windowsPathsChanged = r.changed;
      for (const f of r.failed) report.errors.push(`Chemins Windows de ${f.login} non écrits : ${f.message}`);
    }

    if (this.#quotaMode.mode === 'filesystem') await this.#applyQuotas(view, report);

    report.ms = Math.round(performance.now() - t0);
    this.#last = report;
    writeSetting(db, 'shares.last', report);
    if (report.foldersCreated > 0 || report.confChanged) {
      journal.record(
        report.errors.length > 0 ? 'warn' : 'info',
        'shares',
        'shares.reconciled',
        `Partages mis à jour : ${report.foldersCreated} dossier(s) créé(s), ${report.aclsWritten} droit(s) écrit(s)${report.errors.length > 0 ? `, ${report.errors.length} problème(s)` : ''}.`,
      );
    }
    if (report.errors.length > 0) log.warn({ errors: report.errors.slice(0, 5) }, 'shares reconcile had problems');
    return report;
  }

  async #applyQuotas(view: ShareView, report: ReconcileReport): Promise<void> {
    const mode = this.#quotaMode;
    if (mode.mode !== 'filesystem') return;
    const { db } = this.#d;
    const applied = new Map((db.prepare('SELECT uid, soft_kb, hard_kb FROM share_quota_applied').all() as { uid: number; soft_kb: number; hard_kb: number }[]).map((r) => [r.uid, r]));
    const overrides = this.#overrides();
    const upsert = db.prepare('INSERT INTO share_quota_applied (uid, soft_kb, hard_kb) VALUES (?, ?, ?) ON CONFLICT (uid) DO UPDATE SET soft_kb = excluded.soft_kb, hard_kb = excluded.hard_kb');
    for (const u of view.users) {
      if (!u.uidNumber) continue;
      const l = this.#limitsOf(u.login, u.profile, overrides);
      const softKb = Math.round(l.softBytes / 1024);
      const hardKb = Math.round(l.hardBytes / 1024);
      const a = applied.get(u.uidNumber);
      if (a && a.soft_kb === softKb && a.hard_kb === hardKb) continue;
      try {
        await setUserQuota(mode.mount, u.uidNumber, softKb, hardKb);
        upsert.run(u.uidNumber, softKb, hardKb);
      } catch (err) {
        report.errors.push(`Quota de ${u.login} non écrit : ${errorMessage(err)}`);
      }
    }
  }

  // ---- status and settings ---------------------------------------------------------------

  status() {
    const server = this.#d.config.shares.serverName;
    const unc = (share: string) => `\\\\${server}\\${share}`;
    return {
      enabled: this.enabled,
      included: this.enabled ? this.#d.dc.sharesIncluded() : false,
      includeFile: this.#d.config.shares.includeFile,
      serverName: server,
      homeRoot: this.paths.homeRoot,
      root: this.paths.root,
      quota: this.#quotaMode.mode === 'filesystem' ? { mode: 'filesystem' as const, detail: `Quotas du système de fichiers actifs sur ${this.#quotaMode.mount}.` } : { mode: 'report' as const, detail: this.#quotaMode.reason },
      shares: [
        { name: SHARE_NAMES.homes, unc: unc(SHARE_NAMES.homes), description: 'Dossiers personnels (H:), chacun fermé aux autres' },
        { name: SHARE_NAMES.profiles, unc: unc(SHARE_NAMES.profiles), description: 'Profils itinérants Windows (caché, sans cache hors connexion)' },
        { name: SHARE_NAMES.classes, unc: unc(SHARE_NAMES.classes), description: 'Un dossier par classe : enseignants en écriture, élèves en lecture, un dépôt par élève' },
        { name: SHARE_NAMES.commun, unc: unc(SHARE_NAMES.commun), description: 'Documents communs : tous lisent, les personnels écrivent' },
        ...this.#settings.groupShares.map((g) => ({ name: `grp-${g}`, unc: unc(`grp-${g}`), description: `Partage du groupe ${g}` })),
      ],
      last: this.#last,
    };
  }

  settings(): ShareSettings {
    return structuredClone(this.#settings);
  }

  async updateSettings(input: unknown): Promise<ShareSettings> {
    const before = this.#settings;
    const next = parseShareSettings({ ...this.#settings, ...(input as object) });
    saveShareSettings(this.#d.db, next);
    this.#settings = next;
    // quotas alone change nothing on disk unless the filesystem enforces them
    const onlyQuotas = JSON.stringify({ ...before, quotas: null }) === JSON.stringify({ ...next, quotas: null });
    if (this.enabled && (!onlyQuotas || this.#quotaMode.mode === 'filesystem')) await this.reconcile();
    return this.settings();
  }

  /** The home folder of an account (null for a login that cannot be a folder name). */
  homeOf(login: string): string | null {
    return LOGIN_RE.test(login) ? join(this.paths.homeRoot, login) : null;
  }

  // ---- quotas --------------------------------------------------------------------------------

  #overrides(): Map<string, { soft_mb: number; hard_mb: number }> {
    return new Map(
      (this.#d.db.prepare('SELECT login, soft_mb, hard_mb FROM share_quota_overrides').all() as { login: string; soft_mb: number; hard_mb: number }[]).map((r) => [r.login, r]),
    );
  }

  #limitsOf(login: string, profile: Profile, overrides = this.#overrides()) {
    const o = overrides.get(login);
    const q = this.#settings.quotas[profile];
    return { softBytes: (o?.soft_mb ?? q.softMb) * MB, hardBytes: (o?.hard_mb ?? q.hardMb) * MB, custom: !!o };
  }

  /** Measures every account's home and profile (one `du`), journals who crossed a limit since the last time. */
  async measure(): Promise<{ measured: number; over: number }> {
    if (!this.enabled) throw disabledError();
    const view = await this.#d.directory.shareView();
    const profileDirs = this.#profileFolders();
    const dirs: string[] = [];
    for (const u of view.users) {
      const home = this.homeOf(u.login);
      if (home) dirs.push(home);
      for (const f of profileDirs.get(u.login.toLowerCase()) ?? []) dirs.push(join(profilesDir(this.paths), f));
    }
    const sizes = await diskUsage(dirs);
    const { db, journal } = this.#d;
    const previous = new Map((db.prepare('SELECT login, state FROM share_usage').all() as { login: string; state: string }[]).map((r) => [r.login, r.state]));
    const overrides = this.#overrides();
    const now = new Date().toISOString();
    const upsert = db.prepare(
      `INSERT INTO share_usage (login, home_bytes, profile_bytes, measured_at, state) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (login) DO UPDATE SET home_bytes = excluded.home_bytes, profile_bytes = excluded.profile_bytes, measured_at = excluded.measured_at, state = excluded.state`,
    );
    let over = 0;
    const crossings: { login: string; state: 'soft' | 'hard'; used: number; limit: number }[] = [];
    db.transaction(() => {
      for (const u of view.users) {
        const home = this.homeOf(u.login);
        const homeBytes = home ? (sizes.get(home) ?? 0) : 0;
        const profileBytes = (profileDirs.get(u.login.toLowerCase()) ?? []).reduce((s, f) => s + (sizes.get(join(profilesDir(this.paths), f)) ?? 0), 0);
        const l = this.#limitsOf(u.login, u.profile, overrides);
        const used = homeBytes + profileBytes;
        const state = quotaState(used, l);
        if (state !== 'ok') over++;
        if (state !== 'ok' && state !== previous.get(u.login)) crossings.push({ login: u.login, state, used, limit: state === 'hard' ? l.hardBytes : l.softBytes });
        upsert.run(u.login, homeBytes, profileBytes, now, state);
      }
    })();
    for (const c of crossings.slice(0, 20)) {
      journal.record(
        c.state === 'hard' ? 'error' : 'warn',
        'shares',
        `shares.quota-${c.state}`,
        `${c.login} occupe ${mb(c.used)} : au-delà de ${c.state === 'hard' ? 'sa limite stricte' : 'sa limite d’avertissement'} (${mb(c.limit)}). Demandez-lui de faire du tri ou augmentez son quota.`,
      );
    }
    if (crossings.length > 20) journal.record('warn', 'shares', 'shares.quota-many', `${crossings.length - 20} autre(s) compte(s) ont aussi dépassé un quota : voir Partages → Quotas.`);
    return { measured: view.users.length, over };
  }

  async quotas(opts: { over?: boolean } = {}): Promise<{ mode: 'filesystem' | 'report'; detail: string; items: QuotaLine[] }> {
    const view = await this.#d.directory.shareView();
    const usage = new Map(
      (this.#d.db.prepare('SELECT login, home_bytes, profile_bytes, measured_at FROM share_usage').all() as {
        login: string;
        home_bytes: number;
        profile_bytes: number;
        measured_at: string;
      }[]).map((r) => [r.login, r]),
    );
    const overrides = this.#overrides();
    const items: QuotaLine[] = view.users.map((u) => {
      const l = this.#limitsOf(u.login, u.profile, overrides);
      const m = usage.get(u.login);
      const used = (m?.home_bytes ?? 0) + (m?.profile_bytes ?? 0);
      return {
        login: u.login,
        displayName: u.displayName,
        profile: u.profile,
        usedBytes: used,
        homeBytes: m?.home_bytes ?? 0,
        profileBytes: m?.profile_bytes ?? 0,
        softBytes: l.softBytes,
        hardBytes: l.hardBytes,
        custom: l.custom,
        state: quotaState(used, l),
        measuredAt: m?.measured_at ?? null,
      };
    });
    items.sort((a, b) => b.usedBytes / b.hardBytes - a.usedBytes / a.hardBytes || a.login.localeCompare(b.login));
    const s = this.status().quota;
    return { mode: s.mode, detail: s.detail, items: opts.over ? items.filter((i) => i.state !== 'ok') : items };
  }

  async setQuota(login: string, limits: { softMb: number; hardMb: number } | null, actor: string): Promise<QuotaLine> {
    const view = await this.#d.directory.shareView();
    const u = view.users.find((x) => x.login.toLowerCase() === login.toLowerCase());
    if (!u) throw new AppError('USER_NOT_FOUND', `Aucun compte « ${login} ».`, 404);
    if (limits) {
      if (limits.softMb > limits.hardMb) throw new AppError('INVALID_QUOTA', `La limite d’avertissement (${limits.softMb} Mo) dépasse la limite stricte (${limits.hardMb} Mo).`, 400);
      this.#d.db
        .prepare(
          `INSERT INTO share_quota_overrides (login, soft_mb, hard_mb, set_by, set_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (login) DO UPDATE SET soft_mb = excluded.soft_mb, hard_mb = excluded.hard_mb, set_by = excluded.set_by, set_at = excluded.set_at`,
        )
        .run(u.login, limits.softMb, limits.hardMb, actor, new Date().toISOString());
    } else this.#d.db.prepare('DELETE FROM share_quota_overrides WHERE login = ?').run(u.login);
    if (this.#quotaMode.mode === 'filesystem') await this.reconcile();
    const line = (await this.quotas()).items.find((i) => i.login === u.login);
    return line as QuotaLine;
  }

  /**
   * Whether `bytes` more fit in an account's quota (for copies Trousse makes, such as homework):
   * null when they fit, else a French message. Uses the last measurement.
   */
  room(login: string, profile: Profile, bytes: number): string | null {
    const m = this.#d.db.prepare('SELECT home_bytes, profile_bytes FROM share_usage WHERE login = ?').get(login) as { home_bytes: number; profile_bytes: number } | undefined;
    const used = (m?.home_bytes ?? 0) + (m?.profile_bytes ?? 0);
    const l = this.#limitsOf(login, profile);
    if (used + bytes <= l.hardBytes) return null;
    return `Quota de ${login} insuffisant : ${mb(used)} utilisés sur ${mb(l.hardBytes)}, il faudrait ${mb(bytes)} de plus.`;
  }

  /** Records bytes Trousse just wrote in a home, so that the next room() counts them before the next measure. */
  addUsage(login: string, bytes: number): void {
    this.#d.db
      .prepare(
        `INSERT INTO share_usage (login, home_bytes, profile_bytes, measured_at) VALUES (?, ?, 0, ?)
         ON CONFLICT (login) DO UPDATE SET home_bytes = home_bytes + excluded.home_bytes`,
      )
      .run(login, bytes, new Date().toISOString());
  }

  // ---- roaming profiles ----------------------------------------------------------------------

  /** Profile folders by login (lower case): `<login>.V2` … `<login>.V6`. */
  #profileFolders(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    let names: string[] = [];
    try {
      names = readdirSync(profilesDir(this.paths));
    } catch {
      return out;
    }
    for (const name of names) {
      const m = /^(.+?)\.V\d+$/i.exec(name);
      const login = (m ? (m[1] as string) : name).toLowerCase();
      if (!LOGIN_RE.test(login)) continue;
      out.set(login, [...(out.get(login) ?? []), name]);
    }
    return out;
  }

  /** Roaming profiles, largest first. */
  async profiles(limit = 500): Promise<ProfileLine[]> {
    if (!this.enabled) throw disabledError();
    const folders = this.#profileFolders();
    const dirs = [...folders.values()].flat().map((f) => join(profilesDir(this.paths), f));
    const sizes = await diskUsage(dirs);
    const view = await this.#d.directory.shareView();
    const names = new Map(view.users.map((u) => [u.login.toLowerCase(), u.displayName]));
    const lines: ProfileLine[] = [...folders.entries()].map(([login, fs]) => {
      const list = fs.map((name) => ({ name, bytes: sizes.get(join(profilesDir(this.paths), name)) ?? 0 }));
      return { login, displayName: names.get(login) ?? null, folders: list, bytes: list.reduce((s, f) => s + f.bytes, 0) };
    });
    lines.sort((a, b) => b.bytes - a.bytes || a.login.localeCompare(b.login));
    return lines.slice(0, limit);
  }

  /**
   * Resets a broken roaming profile: archived (tar.gz, kept under the data dir) then removed, so
   * that Windows builds a fresh one at the next logon. Refused while the account is connected.
   */
  async resetProfile(login: string): Promise<{ archive: string; folders: string[] }> {
    if (!this.enabled) throw disabledError();
    const key = login.toLowerCase();
    if (!LOGIN_RE.test(key)) throw new AppError('INVALID_LOGIN', `Identifiant invalide : « ${login} ».`, 400);
    return this.#lock.run(async () => {
      const folders = this.#profileFolders().get(key) ?? [];
      if (folders.length === 0) throw new AppError('PROFILE_NOT_FOUND', `${login} n’a pas de profil itinérant sur le serveur : rien à réinitialiser.`, 404);
      const view = await this.#d.directory.shareView();
      const u = view.users.find((x) => x.login.toLowerCase() === key);
      if (u) {
        const open = (await this.#d.dc.connections()).filter((c) => c.uid === u.uidNumber && c.service.toLowerCase() === SHARE_NAMES.profiles);
        if (open.length > 0) {
          throw new AppError('PROFILE_IN_USE', `${login} est connecté sur ${open[0]?.machine ?? 'un poste'} : faites-le se déconnecter, puis recommencez.`, 409);
        }
      }
      const dir = join(this.#d.config.dataDir, 'archives', 'profiles');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const archive = join(dir, `${key}-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`);
      await runChecked('tar', ['--create', '--gzip', '--numeric-owner', '--file', archive, '--directory', profilesDir(this.paths), '--', ...folders], { timeoutMs: 30 * 60_000 });
      for (const f of folders) rmSync(join(profilesDir(this.paths), f), { recursive: true, force: true });
      this.#d.journal.record('info', 'shares', 'shares.profile-reset', `Profil itinérant de ${login} réinitialisé (archive conservée : ${archive}).`);
      return { archive, folders };
    });
  }

  // ---- client configuration ------------------------------------------------------------------

  clientSite(): ClientSite {
    const id = this.#d.dc.identity;
    return {
      realm: id.realm,
      dnsDomain: id.dnsDomain,
      netbiosName: id.netbiosName,
      serverHost: this.#d.config.shares.serverName.toLowerCase(),
      serverAddress: null,
      baseDn: id.baseDn,
      homeShare: SHARE_NAMES.homes,
      profileShare: SHARE_NAMES.profiles,
      homeDrive: this.#settings.homeDrive,
    };
  }

  linuxFile(name: 'sssd.conf' | 'pam_mount.conf.xml'): string {
    return name === 'sssd.conf' ? sssdConf(this.clientSite()) : pamMountConf(this.clientSite());
  }

  /** `sssctl config-check` on the generated sssd.conf; null where sssctl is not installed. */
  checkLinuxConfig() {
    return checkSssdConf(this.linuxFile('sssd.conf'));
  }

  windows() {
    return windowsSettings(this.clientSite());
  }

  /** Whether a profile folder exists (for tests and the console). */
  hasProfile(login: string): boolean {
    return (this.#profileFolders().get(login.toLowerCase()) ?? []).some((f) => existsSync(join(profilesDir(this.paths), f)));
  }
}

/** The first ancestor of `dir` (not itself: Trousse sets its ACL) that other users cannot traverse, if any. */
function closedAncestor(dir: string): string | null {
  const parts = dir.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const p = `/${parts.slice(0, i).join('/')}`;
    try {
      if ((statSync(p).mode & 0o001) === 0) return p;
    } catch {
      return null;
    }
  }
  return null;
}

function closedMode(p: string): string {
  return (statSync(p).mode & 0o777).toString(8).padStart(4, '0');
}

function quotaState(used: number, l: { softBytes: number; hardBytes: number }): QuotaLine['state'] {
  return used > l.hardBytes ? 'hard' : used > l.softBytes ? 'soft' : 'ok';
}

function disabledError(): AppError {
  return new AppError('SHARES_DISABLED', 'Les partages ne sont pas gérés par Trousse sur ce serveur (shares.enabled = false dans la configuration).', 409);
}

function mb(bytes: number): string {
  return bytes >= 1024 * MB ? `${(bytes / 1024 / MB).toFixed(1).replace('.', ',')} Go` : `${Math.round(bytes / MB)} Mo`;
}
