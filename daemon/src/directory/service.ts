import { join } from 'node:path';
import {
  AlreadyExistsError,
  Change,
  type Client,
  ConstraintViolationError,
  NoSuchObjectError,
  UnwillingToPerformError,
} from 'ldapts';
import type { TrousseConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { Journal } from '../core/journal.ts';
import type { Service } from '../core/lifecycle.ts';
import type { Scheduler } from '../core/scheduler.ts';
import type { Db } from '../db/index.ts';
import type { EventBus } from '../core/events.ts';
import { AppError, errorMessage } from '../core/errors.ts';
import { Mutex } from '../core/mutex.ts';
import { escapeDnValue, filter } from '../dc/escape.ts';
import { ldapAttr as attr, ldapReplace as replace, unicodePwd as pwdValue } from '../dc/attrs.ts';
import type { DcService } from '../dc/index.ts';
import { allocateLogin, baseLogin, isReserved, validateLogin, LOGIN_MAX } from './logins.ts';
import { checkPassword, pupilPassword, staffPassword } from './passwords.ts';
import { DirectoryMirror, dnKey, fromFileTime, parentDn, type GroupRecord, type UserRecord } from './mirror.ts';
import {
  NATIONAL_ID_SOURCES,
  PROFILES,
  STAFF_FUNCTIONS,
  type Actor,
  type ClassDetail,
  type ClassSummary,
  type GroupDetail,
  type GroupSummary,
  type ListQuery,
  type NewUser,
  type Page,
  type Profile,
  type UserChanges,
  type UserDetail,
  type UserSummary,
  type ShareView,
  type WindowsPaths,
} from './model.ts';
import { applyPolicy } from './policy.ts';
import { loadSettings, parseSettings, saveSettings, type DirectorySettings } from './settings.ts';
import { DirectoryStore } from './store.ts';
import { HomeArchive } from './homes.ts';
import { byName, classSlug, collator, Layout, Views, type ClassRef } from './views.ts';
import { searchKey, matchesQuery } from './search.ts';
import { readSetting, writeSetting } from '../db/settings.ts';

export interface DirectoryDeps {
  config: TrousseConfig;
  log: Logger;
  db: Db;
  bus: EventBus;
  journal: Journal;
  scheduler: Scheduler;
  dc: DcService;
}

export interface CreatedUser {
  user: UserDetail;
  password: string;
}

export type BulkResult = { ok: true; created: boolean; user: UserSummary; password: string | null } | { ok: false; code: string; message: string };

const UAC_NORMAL = 512;
const UAC_DISABLED = 2;
const NAME_MAX = 64;
const CONTROL = /[\u0000-\u001f\u007f]/;

const notFound = (login: string) => new AppError('USER_NOT_FOUND', `Aucun compte « ${login} » dans l’annuaire de l’établissement.`, 404);
const classNotFound = (name: string) => new AppError('CLASS_NOT_FOUND', `La classe « ${name} » n’existe pas. Créez-la d’abord (Annuaire › Classes).`, 404);
const groupNotFound = (name: string) => new AppError('GROUP_NOT_FOUND', `Le groupe « ${name} » n’existe pas.`, 404);

function cleanName(value: unknown, what: string): string {
  const v = typeof value === 'string' ? value.normalize('NFC').replace(/\s+/g, ' ').trim() : '';
  if (!v) throw new AppError('INVALID_NAME', `Indiquez ${what}.`, 400);
  if (v.length > NAME_MAX) throw new AppError('INVALID_NAME', `${what[0]?.toUpperCase()}${what.slice(4)} est trop long (${NAME_MAX} caractères au plus).`, 400);
  if (CONTROL.test(v)) throw new AppError('INVALID_NAME', `${what} contient des caractères invisibles : retapez-le.`, 400);
  return v;
}

function checkNationalId(v: string | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  const m = /^([A-Z]+):([A-Za-z0-9-]{1,40})$/.exec(v.trim());
  if (!m || !(NATIONAL_ID_SOURCES as readonly string[]).includes(m[1] as string)) {
    throw new AppError(
      'INVALID_NATIONAL_ID',
      `Identifiant national invalide : « ${v} ». Forme attendue SOURCE:valeur, avec SOURCE parmi ${NATIONAL_ID_SOURCES.join(', ')} (par exemple SIECLE:1234567 ou INE:123456789AB).`,
      400,
    );
  }
  return `${m[1]}:${m[2]}`;
}


/** AD's answer to a refused password, in French. */
function passwordRefused(err: unknown): AppError | null {
  if (err instanceof ConstraintViolationError || err instanceof UnwillingToPerformError) {
    return new AppError(
      'PASSWORD_REFUSED',
      'Le contrôleur de domaine a refusé ce mot de passe (trop court, trop simple, ou contenant le nom ou l’identifiant). Choisissez-en un autre ou laissez Trousse en générer un.',
      400,
    );
  }
  return null;
}

/**
 * The school's directory: the one service through which accounts, classes and groups change
 * (API, console, CLI, demo seed, imports). Writes go to the AD over LDAPS and are serialised;
 * reads come from a mirror kept in step with the AD.
 */
export class DirectoryService implements Service {
  readonly name = 'directory';
  readonly #d: DirectoryDeps;
  readonly #store: DirectoryStore;
  readonly #mirror: DirectoryMirror;
  readonly #views: Views;
  readonly #lock = new Mutex();
  readonly #homes: HomeArchive;
  #settings: DirectorySettings;
  #layoutReady: Promise<void> | null = null;
  #uidFloor = 0;
  #gidFloor = 0;
  #searchCache: { version: number; keys: Map<string, string> } = { version: -1, keys: new Map() };

  constructor(deps: DirectoryDeps) {
    this.#d = deps;
    const { config, db, dc } = deps;
    this.#store = new DirectoryStore(db, join(config.dataDir, 'secrets', 'directory.key'));
    const layout = new Layout(config.directory.ou, dc.identity.baseDn);
    this.#mirror = new DirectoryMirror(dc.ldap, layout.root, dc.identity.baseDn);
    this.#views = new Views(layout, config.directory, config.auth.teacherGroup, this.#mirror, this.#store);
    this.#settings = loadSettings(db);
    this.#homes = new HomeArchive(config.directory.homeRoot, join(config.dataDir, 'archives', 'homes'), deps.log);
    deps.scheduler.register({
      name: 'directory.purge',
      cron: '23 * * * *',
      description: 'Supprime définitivement les comptes dont le délai de grâce est passé et oublie les mots de passe initiaux utilisés ou périmés',
      run: async () => {
        await this.purgeDue();
      },
    });
  }

  get layout(): Layout {
    return this.#views.layout;
  }

  async start(): Promise<void> {
    const { dc, log } = this.#d;
    if (dc.serving) {
      try {
        await this.#ready();
      } catch (err) {
        // the DC may be slow or restarting: the first request will retry
        log.warn({ err: errorMessage(err) }, 'directory layout not ready at start');
      }
    }
  }

  async stop(): Promise<void> {
    await this.#lock.run(async () => {});
  }

  // ---- set-up ------------------------------------------------------------------------------

  /** Creates the OU layout and the profile groups (once), applies the policy, loads the mirror. */
  #ready(): Promise<void> {
    this.#layoutReady ??= this.#lock
      .run(async () => {
        if (!this.#d.dc.serving && !(await this.#d.dc.check())) {
          throw new AppError('DC_UNAVAILABLE', 'Le contrôleur de domaine ne répond pas : réessayez dans un instant (voir le tableau de bord).', 503);
        }
        await this.#ensureLayout();
        await this.#scanIdFloors();
        await this.#mirror.refresh();
        const applied = readSetting(this.#d.db, 'directory.policyApplied');
        if (JSON.stringify(applied) !== JSON.stringify(this.#settings.policy)) await this.#applyPolicy();
      })
      .catch((err: unknown) => {
        this.#layoutReady = null;
        throw err;
      });
    return this.#layoutReady;
  }

  async #ensureLayout(): Promise<void> {
    const { ldap } = this.#d.dc;
    const layout = this.#views.layout;
    await ldap.withClient(async (c) => {
      for (const [dn, , description] of layout.ous) {
        const found = await c.search(dn, { scope: 'base', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] }).catch((err: unknown) => {
          if (err instanceof NoSuchObjectError) return null;
          throw err;
        });
        if (!found || found.searchEntries.length === 0) await c.add(dn, { objectClass: ['top', 'organizationalUnit'], description });
      }
      for (const profile of PROFILES) {
        const name = this.#views.profileGroupName(profile);
        await this.#ensureGroup(c, name, 'profil', PROFILE_GROUP_DESCRIPTIONS[profile]);
      }
    });
  }

  /** Finds a group by name anywhere in the domain; creates it in OU=Groupes or moves it there. */
  async #ensureGroup(c: Client, name: string, kind: string, description: string): Promise<string> {
    const layout = this.#views.layout;
    const { searchEntries } = await c.search(this.#d.dc.identity.baseDn, {
      scope: 'sub',
      filter: filter`(&(objectClass=group)(sAMAccountName=${name}))`,
      attributes: ['gidNumber', 'adminDescription'],
    });
    const target = `CN=${escapeDnValue(name)},${layout.groups}`;
    const existing = searchEntries[0];
    if (!existing) {
      const gid = this.#allocate('gid', name);
      await c.add(target, [
        attr('objectClass', ['top', 'group']),
        attr('sAMAccountName', [name]),
        attr('description', [description]),
        attr('adminDescription', [`trousse:${kind}`]),
        attr('gidNumber', [String(gid)]),
        attr('groupType', ['-2147483646']),
      ]);
      return target;
    }
    let dn = existing.dn;
    if (dnKey(dn) !== dnKey(target)) {
      await c.modifyDN(dn, target);
      dn = target;
      this.#d.journal.record('info', 'directory', 'directory.group-adopted', `Le groupe « ${name} » a été déplacé dans l’unité Groupes de l’établissement.`);
    }
    const changes: Change[] = [];
    if (!existing.gidNumber) changes.push(replace('gidNumber', [String(this.#allocate('gid', name))]));
    if (!existing.adminDescription) changes.push(replace('adminDescription', [`trousse:${kind}`]));
    if (changes.length > 0) await c.modify(dn, changes);
    return dn;
  }

  /** The highest uid/gid numbers already present in the domain: new numbers go above them. */
  async #scanIdFloors(): Promise<void> {
    const { dc, config } = this.#d;
    const max = async (attrName: string) => {
      const entries = await dc.ldap.withClient(async (c) => {
        const r = await c.search(dc.identity.baseDn, { scope: 'sub', filter: `(${attrName}=*)`, attributes: [attrName], paged: { pageSize: 1000 } });
        return r.searchEntries;
      });
      return entries.reduce((m, e) => Math.max(m, Number(e[attrName]) || 0), 0);
    };
    this.#uidFloor = Math.max(config.directory.firstUidNumber - 1, await max('uidNumber'));
    this.#gidFloor = Math.max(config.directory.firstGidNumber - 1, await max('gidNumber'));
  }

  #allocate(kind: 'uid' | 'gid', owner: string): number {
    const n = this.#store.allocate(kind, owner, kind === 'uid' ? this.#uidFloor : this.#gidFloor);
    if (kind === 'uid') this.#uidFloor = n;
    else this.#gidFloor = n;
    return n;
  }

  async #applyPolicy(): Promise<void> {
    const { dc, db } = this.#d;
    const groupDns = (['enseignant', 'personnel'] as const)
      .map((p) => this.#mirror.groupByName(this.#views.profileGroupName(p))?.dn)
      .filter((dn): dn is string => Boolean(dn));
    const psoName = `Trousse ${this.#d.config.directory.ou}`;
    await applyPolicy(dc.ldap, dc.identity.baseDn, this.#settings.policy, { name: escapeDnValue(psoName), groupDns });
    writeSetting(db, 'directory.policyApplied', this.#settings.policy);
  }

  /** Waits for the layout and brings the mirror up to date (every read and write starts here). */
  async #fresh(): Promise<void> {
    await this.#ready();
    await this.#mirror.refresh();
  }

  #write<T>(fn: () => Promise<T>): Promise<T> {
    return this.#ready().then(() =>
      this.#lock.run(async () => {
        await this.#mirror.refresh();
        try {
          return await fn();
        } finally {
          await this.#mirror.refresh().catch(() => {});
          this.#d.bus.emit('directory.changed', {});
        }
      }),
    );
  }

  // ---- settings ----------------------------------------------------------------------------

  settings(): DirectorySettings {
    return structuredClone(this.#settings);
  }

  async updateSettings(input: unknown): Promise<DirectorySettings> {
    const next = parseSettings(input);
    const policyChanged = JSON.stringify(next.policy) !== JSON.stringify(this.#settings.policy);
    await this.#write(async () => {
      const previous = this.#settings;
      this.#settings = next;
      if (policyChanged) {
        try {
          await this.#applyPolicy();
        } catch (err) {
          this.#settings = previous;
          throw err;
        }
      }
      saveSettings(this.#d.db, next);
    });
    this.#d.journal.record('info', 'directory', 'directory.settings', 'Réglages de l’annuaire enregistrés.');
    return this.settings();
  }

  // ---- reads -------------------------------------------------------------------------------

  #user(login: string): UserRecord {
    const u = this.#mirror.userByLogin(login);
    if (!u) throw notFound(login);
    return u;
  }

  /** The classes whose teaching team includes this teacher. */
  #teacherClasses(login: string): ClassRef[] {
    const teacher = this.#mirror.userByLogin(login);
    if (!teacher) return [];
    return this.#views.classes().filter((c) => this.#mirror.groupByName(this.#views.teamGroupName(c.slug))?.members.has(teacher.guid));
  }

  #visibleTo(actor: Actor | undefined, u: UserRecord): boolean {
    if (!actor || actor.role === 'administrator') return true;
    if (this.#views.profileOf(u) !== 'eleve') return false;
    const classe = this.#views.classOf(u);
    return classe !== null && this.#teacherClasses(actor.login).some((c) => c.name === classe);
  }

  #searchKeys(): Map<string, string> {
    if (this.#searchCache.version !== this.#mirror.version) {
      const keys = new Map<string, string>();
      for (const u of this.#mirror.users.values()) {
        keys.set(u.guid, searchKey([u.login, u.givenName, u.surname, u.displayName, u.nationalId ?? '', this.#views.classOf(u) ?? '']));
      }
      this.#searchCache = { version: this.#mirror.version, keys };
    }
    return this.#searchCache.keys;
  }

  async listUsers(query: ListQuery, actor?: Actor): Promise<Page<UserSummary>> {
    await this.#fresh();
    const page = Math.max(1, query.page ?? 1);
    const pageSize = Math.min(200, Math.max(1, query.pageSize ?? 50));
    const state = query.state ?? 'active-disabled';
    const teacher = actor?.role === 'teacher';
    const myClasses = teacher ? new Set(this.#teacherClasses(actor.login).map((c) => c.name)) : null;
    const groupMembers = query.group ? this.#mirror.groupByName(query.group)?.members : undefined;
    if (query.group && !groupMembers) return { total: 0, page, pageSize, items: [] };
    const keys = this.#searchKeys();
    const wanted = query.classe?.trim().toLowerCase();
    const rows: { u: UserRecord; s: UserSummary }[] = [];
    for (const u of this.#mirror.users.values()) {
      if (groupMembers && !groupMembers.has(u.guid)) continue;
      if (query.q && !matchesQuery(keys.get(u.guid) ?? '', query.q)) continue;
      const s = this.#views.summary(u, teacher);
      if (query.profile && s.profile !== query.profile) continue;
      if (state === 'active-disabled' ? s.state === 'deleted' : state !== 'all' && s.state !== state) continue;
      if (wanted && (s.classe ?? '').toLowerCase() !== wanted) continue;
      if (myClasses && (s.profile !== 'eleve' || !s.classe || !myClasses.has(s.classe) || s.state === 'deleted')) continue;
      rows.push({ u, s });
    }
    const sort = query.sort ?? 'name';
    rows.sort((a, b) =>
      sort === 'login'
        ? collator.compare(a.s.login, b.s.login)
        : sort === 'classe'
          ? collator.compare(a.s.classe ?? '', b.s.classe ?? '') || byName(a.u, b.u)
          : byName(a.u, b.u),
    );
    const start = (page - 1) * pageSize;
    return { total: rows.length, page, pageSize, items: rows.slice(start, start + pageSize).map((r) => r.s) };
  }

  async getUser(login: string, actor?: Actor): Promise<UserDetail> {
    await this.#fresh();
    const u = this.#user(login);
    if (!this.#visibleTo(actor, u)) {
      throw new AppError('FORBIDDEN', 'Ce compte n’est pas celui d’un élève de vos classes.', 403);
    }
    return this.#views.detail(u, actor?.role === 'teacher');
  }

  async findByNationalId(nationalId: string): Promise<UserSummary | null> {
    await this.#fresh();
    const id = checkNationalId(nationalId);
    for (const u of this.#mirror.users.values()) if (u.nationalId === id) return this.#views.summary(u);
    return null;
  }

  /** Every account of the school, in every state (imports compare files with it). */
  async allUsers(): Promise<UserSummary[]> {
    await this.#fresh();
    return [...this.#mirror.users.values()].map((u) => this.#views.summary(u));
  }

  /**
   * What the file shares are built from: every account with its uid and class, each class with
   * its pupils group and teaching-team group, the profile groups and the other groups, members
   * by login. Deleted accounts (in the recycle OU) are left out.
   */
  async shareView(): Promise<ShareView> {
    await this.#fresh();
    const users: ShareView['users'] = [];
    for (const u of this.#mirror.users.values()) {
      const s = this.#views.summary(u);
      if (s.state === 'deleted') continue;
      users.push({ login: s.login, displayName: s.displayName, uidNumber: s.uidNumber, profile: s.profile, classe: s.classe, state: s.state, homeDirectory: u.homeDirectory, homeDrive: u.homeDrive, profilePath: u.profilePath });
    }
    const classes = this.#views.classes().map((c) => {
      const team = this.#mirror.groupByName(this.#views.teamGroupName(c.slug));
      return {
        name: c.name,
        slug: c.slug,
        group: this.#views.classGroupName(c.slug),
        teamGroup: team ? team.name : null,
        pupils: this.#views.pupilsOf(c).map((u) => u.login),
        teachers: team ? this.#views.members(team).map((u) => u.login) : [],
      };
    });
    const groupsOu = dnKey(this.#views.layout.groups);
    const groups = [...this.#mirror.groups.values()]
      .filter((g) => dnKey(g.parent) === groupsOu)
      .map((g) => ({ name: g.name, kind: this.#views.kindOf(g), label: g.description || g.name, members: this.#views.members(g).map((u) => u.login) }))
      .filter((g) => g.kind === 'libre' || g.kind === 'groupe');
    return {
      users,
      classes,
      groups,
      profileGroups: {
        eleve: this.#views.profileGroupName('eleve'),
        enseignant: this.#views.profileGroupName('enseignant'),
        personnel: this.#views.profileGroupName('personnel'),
      },
    };
  }

  /**
   * Sets what Windows PCs read on accounts (home folder UNC and drive, roaming profile UNC; null
   * removes the profile). Only differing accounts are written, in one pass.
   */
  async setWindowsPaths(entries: WindowsPaths[]): Promise<{ changed: number; failed: { login: string; message: string }[] }> {
    return this.#write(async () => {
      const byLogin = new Map<string, UserRecord>();
      for (const u of this.#mirror.users.values()) byLogin.set(u.login.toLowerCase(), u);
      let changed = 0;
      const failed: { login: string; message: string }[] = [];
      await this.#d.dc.ldap.withClient(async (c) => {
        for (const e of entries) {
          const u = byLogin.get(e.login.toLowerCase());
          if (!u) continue;
          const changes: Change[] = [];
          const set = (name: 'homeDirectory' | 'homeDrive' | 'profilePath', want: string | null) => {
            if ((u[name] || null) === (want || null)) return;
            changes.push(replace(name, want ? [want] : []));
          };
          set('homeDirectory', e.homeDirectory);
          set('homeDrive', e.homeDrive);
          set('profilePath', e.profilePath);
          if (changes.length === 0) continue;
          try {
            await c.modify(u.dn, changes);
            changed++;
          } catch (err) {
            failed.push({ login: u.login, message: errorMessage(err) });
          }
        }
      });
      return { changed, failed };
    });
  }

  /** The initial passwords still kept for these accounts (used or stale ones are forgotten first). */
  async keptPasswords(logins: string[]): Promise<Map<string, string>> {
    await this.#write(async () => {
      this.#forgetUsedPasswords(new Date());
    });
    const out = new Map<string, string>();
    for (const login of logins) {
      const kept = this.#store.initialPassword(login);
      if (kept) out.set(login, kept.password);
    }
    return out;
  }

  // ---- accounts ----------------------------------------------------------------------------

  async createUser(input: NewUser): Promise<CreatedUser> {
    const [result] = await this.createUsers([input], { onExisting: 'error' });
    if (!result) throw new Error('no result');
    if (!result.ok) throw new AppError(result.code, result.message, result.code === 'LOGIN_TAKEN' || result.code === 'NATIONAL_ID_TAKEN' ? 409 : 400);
    return { user: await this.getUser(result.user.login), password: result.password as string };
  }

  /**
   * Creates many accounts in one pass (imports, demo, benchmark): one search for the names already
   * taken, one add per account (password included), then one change per group for all new members.
   * People are handled in the order of their national id, then names, so that the same input gives
   * the same logins whatever the order of the file. With `onExisting: 'keep'`, a person whose
   * national id already has an account keeps it (and its login) unchanged.
   */
  async createUsers(
    inputs: NewUser[],
    opts: { onExisting?: 'error' | 'keep'; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<BulkResult[]> {
    return this.#write(async () => {
      const results: BulkResult[] = new Array(inputs.length);
      const byNationalId = new Map<string, UserRecord>();
      for (const u of this.#mirror.users.values()) if (u.nationalId) byNationalId.set(u.nationalId, u);
      const order = inputs.map((_, i) => i);
      const sortKey = (i: number) => {
        const p = inputs[i] as NewUser;
        return `${p.nationalId ?? '\uffff'}\u0000${p.surname}\u0000${p.givenName}`;
      };
      order.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : a - b));
      const taken = await this.#takenLogins(inputs);
      const memberAdds = new Map<string, string[]>();
      const seenIds = new Set<string>();
      let done = 0;
      await this.#d.dc.ldap.withClient(async (c) => {
        for (const i of order) {
          try {
            results[i] = await this.#createOne(c, inputs[i] as NewUser, { taken, byNationalId, seenIds, memberAdds, onExisting: opts.onExisting ?? 'error' });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            results[i] = { ok: false, code: err.code, message: err.message };
          }
          opts.onProgress?.(++done, inputs.length);
        }
        for (const [groupDn, members] of memberAdds) {
          for (let k = 0; k < members.length; k += 500) {
            await c.modify(groupDn, new Change({ operation: 'add', modification: attr('member', members.slice(k, k + 500)) }));
          }
        }
      });
      const created = results.filter((r) => r?.ok && r.created).length;
      if (created > 0) {
        this.#d.journal.record('info', 'directory', 'directory.users-created', created === 1 ? '1 compte créé.' : `${created} comptes créés.`);
      }
      return results;
    });
  }

  /** Logins that cannot be handed out: every sAMAccountName of the domain, and every login ever given. */
  async #takenLogins(inputs: NewUser[]): Promise<Set<string>> {
    const taken = new Set<string>();
    const { ldap, identity } = this.#d.dc;
    const scheme = this.#settings.loginScheme;
    if (inputs.length > 20) {
      const all = await ldap.withClient(async (c) => {
        const r = await c.search(identity.baseDn, { scope: 'sub', filter: '(sAMAccountName=*)', attributes: ['sAMAccountName'], paged: { pageSize: 1000 } });
        return r.searchEntries;
      });
      for (const e of all) taken.add(String(e.sAMAccountName).toLowerCase());
      for (const l of this.#store.loginsStartingWith('')) taken.add(l);
      return taken;
    }
    for (const p of inputs) {
      const base = p.login ? p.login.toLowerCase() : baseLogin(String(p.givenName ?? ''), String(p.surname ?? ''), scheme);
      if (!base) continue;
      const prefix = base.slice(0, Math.min(base.length, LOGIN_MAX - 5));
      const found = await ldap.search(identity.baseDn, { scope: 'sub', filter: filter`(sAMAccountName=${prefix}*)`, attributes: ['sAMAccountName'] });
      for (const e of found) taken.add(String(e.sAMAccountName).toLowerCase());
      for (const l of this.#store.loginsStartingWith(prefix)) taken.add(l);
    }
    return taken;
  }

  async #createOne(
    c: Client,
    input: NewUser,
    ctx: {
      taken: Set<string>;
      byNationalId: Map<string, UserRecord>;
      seenIds: Set<string>;
      memberAdds: Map<string, string[]>;
      onExisting: 'error' | 'keep';
    },
  ): Promise<BulkResult> {
    const givenName = cleanName(input.givenName, 'le prénom');
    const surname = cleanName(input.surname, 'le nom');
    const profile = input.profile;
    if (!(PROFILES as readonly string[]).includes(profile)) {
      throw new AppError('INVALID_PROFILE', `Profil inconnu : « ${String(profile)} » (élève, enseignant ou personnel).`, 400);
    }
    const nationalId = checkNationalId(input.nationalId);
    if (nationalId) {
      const existing = ctx.byNationalId.get(nationalId);
      if (existing) {
        if (ctx.onExisting === 'keep') return { ok: true, created: false, user: this.#views.summary(existing), password: null };
        throw new AppError('NATIONAL_ID_TAKEN', `L’identifiant national ${nationalId} est déjà celui du compte « ${existing.login} ».`, 409);
      }
      if (ctx.seenIds.has(nationalId)) throw new AppError('NATIONAL_ID_TAKEN', `L’identifiant national ${nationalId} apparaît deux fois.`, 409);
      ctx.seenIds.add(nationalId);
    }
    let staffFunction: string | null = null;
    if (profile === 'personnel') {
      staffFunction = input.staffFunction ?? 'autre';
      if (!(STAFF_FUNCTIONS as readonly string[]).includes(staffFunction)) {
        throw new AppError('INVALID_FUNCTION', `Fonction inconnue : « ${staffFunction} » (${STAFF_FUNCTIONS.join(', ')}).`, 400);
      }
    }
    let parent = this.#views.layout.profileOu(profile);
    let classRef: ClassRef | undefined;
    if (profile === 'eleve') {
      const classe = typeof input.classe === 'string' ? input.classe.trim() : '';
      if (!classe) throw new AppError('CLASS_REQUIRED', 'Un élève doit être rattaché à une classe : choisissez-la.', 400);
      classRef = this.#views.classByName(classe);
      if (!classRef) throw classNotFound(classe);
      parent = classRef.ou.dn;
    }

    let login: string;
    let base: string | null = null;
    if (input.login) {
      const problem = validateLogin(input.login);
      if (problem) throw new AppError('INVALID_LOGIN', problem, 400);
      login = input.login;
      if (ctx.taken.has(login.toLowerCase())) {
        throw new AppError('LOGIN_TAKEN', `L’identifiant « ${login} » est déjà pris (ou l’a été par un compte supprimé) : choisissez-en un autre.`, 409);
      }
    } else {
      base = baseLogin(givenName, surname, this.#settings.loginScheme);
      if (!base) {
        throw new AppError(
          'LOGIN_UNDERIVABLE',
          `Impossible de former un identifiant à partir de « ${givenName} ${surname} » (aucune lettre latine) : indiquez l’identifiant à utiliser.`,
          400,
        );
      }
      const from = base;
      login = allocateLogin(from, (l) => ctx.taken.has(l.toLowerCase()));
    }
    const displayName = `${givenName} ${surname}`;
    const isPupil = profile === 'eleve';
    const minLength = isPupil ? this.#settings.policy.minLength : this.#settings.policy.staffMinLength;
    const generated = !input.password;
    if (input.password) {
      const problem = checkPassword(input.password, { minLength, complexity: this.#settings.policy.complexity, login, displayName });
      if (problem) throw new AppError('PASSWORD_REFUSED', problem, 400);
    }
    const mustChange = input.mustChange ?? this.#settings.mustChangePassword[profile];
    const profileGroup = this.#mirror.groupByName(this.#views.profileGroupName(profile));
    const uid = this.#allocate('uid', login);
    const entry = (login: string) => [
      attr('objectClass', ['top', 'person', 'organizationalPerson', 'user']),
      attr('sAMAccountName', [login]),
      attr('userPrincipalName', [`${login}@${this.#d.dc.identity.dnsDomain}`]),
      attr('givenName', [givenName]),
      attr('sn', [surname]),
      attr('displayName', [displayName]),
      attr('employeeType', [profile]),
      attr('uidNumber', [String(uid)]),
      attr('gidNumber', [String(profileGroup?.gidNumber ?? 100)]),
      attr('unixHomeDirectory', [`${this.#d.config.directory.homeRoot}/${login}`]),
      attr('loginShell', ['/bin/bash']),
      attr('userAccountControl', [String(UAC_NORMAL)]),
      ...(staffFunction ? [attr('title', [staffFunction])] : []),
      ...(nationalId ? [attr('employeeNumber', [nationalId])] : []),
      ...(mustChange ? [attr('pwdLastSet', ['0'])] : []),
    ];
    let dn = `CN=${escapeDnValue(login)},${parent}`;
    let password = '';
    for (let attempt = 0, clashes = 0; ; attempt++) {
      password = input.password ?? (isPupil ? pupilPassword(this.#settings.pupilPasswordLength) : staffPassword(this.#settings.staffPasswordLength));
      try {
        await c.add(dn, [...entry(login), attr('unicodePwd', [pwdValue(password)])]);
        break;
      } catch (err) {
        if (err instanceof AlreadyExistsError) {
          // a generated login taken meanwhile by someone else (another tool, another daemon): the next one
          ctx.taken.add(login.toLowerCase());
          if (base && clashes++ < 5) {
            const from = base;
            login = allocateLogin(from, (l) => ctx.taken.has(l.toLowerCase()));
            dn = `CN=${escapeDnValue(login)},${parent}`;
            continue;
          }
          this.#store.release('uid', uid);
          throw new AppError('LOGIN_TAKEN', `L’identifiant « ${login} » est déjà pris dans le domaine : choisissez-en un autre.`, 409);
        }
        // a generated password may happen to contain part of the name: draw another one
        if (generated && attempt < 4 && passwordRefused(err)) continue;
        this.#store.release('uid', uid);
        throw passwordRefused(err) ?? err;
      }
    }
    ctx.taken.add(login.toLowerCase());
    this.#store.recordLogin(login, nationalId);
    const groups = [profileGroup?.dn];
    if (classRef) groups.push(this.#mirror.groupByName(this.#views.classGroupName(classRef.slug))?.dn);
    for (const g of groups) if (g) ctx.memberAdds.set(g, [...(ctx.memberAdds.get(g) ?? []), dn]);
    this.#store.keepInitialPassword(login, password, this.#settings.keepInitialPasswordsDays);
    return {
      ok: true,
      created: true,
      password,
      user: {
        login,
        givenName,
        surname,
        displayName,
        profile,
        staffFunction: staffFunction as UserSummary['staffFunction'],
        classe: classRef?.name ?? null,
        state: 'active',
        uidNumber: uid,
        nationalId,
      },
    };
  }

  async updateUser(login: string, changes: UserChanges): Promise<UserDetail> {
    await this.#write(async () => {
      const u = this.#user(login);
      const mods: Change[] = [];
      const givenName = changes.givenName !== undefined ? cleanName(changes.givenName, 'le prénom') : u.givenName;
      const surname = changes.surname !== undefined ? cleanName(changes.surname, 'le nom') : u.surname;
      if (givenName !== u.givenName) mods.push(replace('givenName', [givenName]));
      if (surname !== u.surname) mods.push(replace('sn', [surname]));
      if (changes.givenName !== undefined || changes.surname !== undefined) mods.push(replace('displayName', [`${givenName} ${surname}`]));
      if (changes.staffFunction !== undefined) {
        if (this.#views.profileOf(u) !== 'personnel') throw new AppError('INVALID_FUNCTION', 'Seuls les personnels ont une fonction.', 400);
        if (!(STAFF_FUNCTIONS as readonly string[]).includes(String(changes.staffFunction))) {
          throw new AppError('INVALID_FUNCTION', `Fonction inconnue : « ${String(changes.staffFunction)} ».`, 400);
        }
        mods.push(replace('title', [String(changes.staffFunction)]));
      }
      if (changes.nationalId !== undefined) {
        const id = checkNationalId(changes.nationalId);
        for (const other of this.#mirror.users.values()) {
          if (id && other.nationalId === id && other.guid !== u.guid) {
            throw new AppError('NATIONAL_ID_TAKEN', `L’identifiant national ${id} est déjà celui du compte « ${other.login} ».`, 409);
          }
        }
        mods.push(replace('employeeNumber', id ? [id] : []));
      }
      if (mods.length > 0) await this.#d.dc.ldap.withClient((c) => c.modify(u.dn, mods));
    });
    return this.getUser(login);
  }

  /** Sets a new password (generated when none is given). Teachers: pupils of their classes only. */
  async resetPassword(login: string, opts: { password?: string | null; mustChange?: boolean | null }, actor?: Actor): Promise<{ password: string }> {
    return this.#write(async () => {
      const u = this.#user(login);
      if (!this.#visibleTo(actor, u)) {
        throw new AppError('FORBIDDEN', 'Vous ne pouvez réinitialiser que les mots de passe des élèves de vos classes.', 403);
      }
      if (this.#views.stateOf(u) === 'deleted') throw new AppError('USER_DELETED', 'Ce compte est supprimé : restaurez-le d’abord.', 409);
      const profile = this.#views.profileOf(u);
      const isPupil = profile === 'eleve';
      const mustChange = opts.mustChange ?? this.#settings.mustChangePassword[profile];
      if (opts.password) {
        const problem = checkPassword(opts.password, {
          minLength: isPupil ? this.#settings.policy.minLength : this.#settings.policy.staffMinLength,
          complexity: this.#settings.policy.complexity,
          login: u.login,
          displayName: u.displayName,
        });
        if (problem) throw new AppError('PASSWORD_REFUSED', problem, 400);
      }
      for (let attempt = 0; ; attempt++) {
        const password = opts.password || (isPupil ? pupilPassword(this.#settings.pupilPasswordLength) : staffPassword(this.#settings.staffPasswordLength));
        try {
          await this.#d.dc.ldap.withClient((c) => c.modify(u.dn, [replace('unicodePwd', [pwdValue(password)]), replace('pwdLastSet', [mustChange ? '0' : '-1']), replace('lockoutTime', ['0'])]));
          this.#store.keepInitialPassword(u.login, password, this.#settings.keepInitialPasswordsDays);
          return { password };
        } catch (err) {
          if (!opts.password && attempt < 4 && passwordRefused(err)) continue;
          throw passwordRefused(err) ?? err;
        }
      }
    });
  }

  async setEnabled(login: string, enabled: boolean): Promise<UserDetail> {
    await this.#write(async () => {
      const u = this.#user(login);
      if (this.#views.stateOf(u) === 'deleted') throw new AppError('USER_DELETED', 'Ce compte est supprimé : restaurez-le d’abord.', 409);
      const uac = enabled ? u.uac & ~UAC_DISABLED : u.uac | UAC_DISABLED;
      if (uac !== u.uac) await this.#d.dc.ldap.withClient((c) => c.modify(u.dn, replace('userAccountControl', [String(uac)])));
    });
    return this.getUser(login);
  }

  async moveUser(login: string, classe: string): Promise<UserDetail> {
    const [r] = await this.moveUsers([{ login, classe }]);
    if (r && !r.ok) throw r.error;
    return this.getUser(login);
  }

  /**
   * Moves pupils to other classes in one pass (imports: a whole school moving up a level). Each
   * move is independent: one that cannot be done is reported, the others are made.
   */
  async moveUsers(moves: { login: string; classe: string }[]): Promise<({ ok: true } | { ok: false; error: AppError })[]> {
    return this.#write(async () =>
      this.#d.dc.ldap.withClient(async (c) => {
        const out: ({ ok: true } | { ok: false; error: AppError })[] = [];
        for (const m of moves) {
          try {
            await this.#moveOne(c, m.login, m.classe);
            out.push({ ok: true });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            out.push({ ok: false, error: err });
          }
        }
        return out;
      }),
    );
  }

  async #moveOne(c: Client, login: string, classe: string): Promise<void> {
    const u = this.#user(login);
    if (this.#views.profileOf(u) !== 'eleve') throw new AppError('NOT_A_PUPIL', 'Seuls les élèves changent de classe.', 400);
    if (this.#views.stateOf(u) === 'deleted') throw new AppError('USER_DELETED', 'Ce compte est supprimé : restaurez-le d’abord.', 409);
    const to = this.#views.classByName(classe);
    if (!to) throw classNotFound(classe);
    const fromName = this.#views.classOf(u);
    if (fromName === to.name) return;
    const from = fromName ? this.#views.classByName(fromName) : undefined;
    const newDn = `CN=${escapeDnValue(u.login)},${to.ou.dn}`;
    await c.modifyDN(u.dn, newDn);
    const oldGroup = from && this.#mirror.groupByName(this.#views.classGroupName(from.slug));
    if (oldGroup?.members.has(u.guid)) {
      await c.modify(oldGroup.dn, new Change({ operation: 'delete', modification: attr('member', [newDn]) }));
    }
    const newGroup = this.#mirror.groupByName(this.#views.classGroupName(to.slug));
    if (newGroup && !newGroup.members.has(u.guid)) {
      await c.modify(newGroup.dn, new Change({ operation: 'add', modification: attr('member', [newDn]) }));
    }
  }

  /** Deletes an account for the grace period: disabled, out of its groups, moved to OU=Corbeille. */
  async deleteUser(login: string, actor?: Actor): Promise<UserDetail> {
    const [r] = await this.deleteUsers([login], actor);
    if (r && !r.ok) throw r.error;
    return this.getUser(login).catch(() => ({ ...this.#deletedStub(login) }));
  }

  /** Deletes accounts for the grace period in one pass (imports: the departures of a rollover). */
  async deleteUsers(logins: string[], actor?: Actor): Promise<({ ok: true; purgeAfter: string } | { ok: false; error: AppError })[]> {
    const out = await this.#write(async () =>
      this.#d.dc.ldap.withClient(async (c) => {
        const results: ({ ok: true; purgeAfter: string } | { ok: false; error: AppError })[] = [];
        for (const login of logins) {
          try {
            results.push({ ok: true, purgeAfter: await this.#deleteOne(c, login, actor) });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            results.push({ ok: false, error: err });
          }
        }
        return results;
      }),
    );
    if (this.#settings.deletionGraceDays === 0) await this.purgeDue();
    return out;
  }

  async #deleteOne(c: Client, login: string, actor?: Actor): Promise<string> {
    const u = this.#user(login);
    if (this.#views.stateOf(u) === 'deleted') throw new AppError('USER_DELETED', 'Ce compte est déjà supprimé.', 409);
    const groups = this.#views.groupsOf(u);
    const grace = this.#settings.deletionGraceDays;
    const purgeAfter = new Date(Date.now() + grace * 86_400_000).toISOString();
    const newDn = `CN=${escapeDnValue(u.login)},${this.#views.layout.trash}`;
    for (const g of groups) await c.modify(g.dn, new Change({ operation: 'delete', modification: attr('member', [u.dn]) }));
    await c.modify(u.dn, replace('userAccountControl', [String(u.uac | UAC_DISABLED)]));
    await c.modifyDN(u.dn, newDn);
    this.#store.recordDeleted({ login: u.login, originDn: u.dn, groups: groups.map((g) => g.name), purgeAfter, deletedBy: actor?.name ?? 'système' });
    this.#store.forgetInitialPassword(u.login);
    await this.#homes.archive(u.login);
    this.#d.journal.record(
      'info',
      'directory',
      'directory.user-deleted',
      `Compte « ${u.login} » supprimé : il sera effacé définitivement le ${purgeAfter.slice(0, 10)} (restauration possible d’ici là).`,
    );
    return purgeAfter;
  }

  #deletedStub(login: string): UserDetail {
    return {
      login,
      givenName: '',
      surname: '',
      displayName: login,
      profile: 'eleve',
      staffFunction: null,
      classe: null,
      state: 'deleted',
      uidNumber: 0,
      nationalId: null,
      groups: [],
      createdAt: null,
      lastLogonAt: null,
      mustChangePassword: false,
      deletedAt: new Date().toISOString(),
      purgeAfter: new Date().toISOString(),
      initialPasswordKept: false,
    };
  }

  /**
   * Brings a deleted account back where it was, with its groups. `classe` puts a pupil back in
   * another class instead (a pupil who comes back after their old class was removed).
   */
  async restoreUser(login: string, opts: { classe?: string | null } = {}): Promise<UserDetail> {
    await this.#write(async () => {
      const u = this.#user(login);
      const record = this.#store.deleted(u.login);
      if (this.#views.stateOf(u) !== 'deleted' || !record) throw new AppError('NOT_DELETED', 'Ce compte n’est pas supprimé.', 409);
      let targetDn = record.originDn;
      let groups = record.groups;
      const to = opts.classe ? this.#views.classByName(opts.classe) : undefined;
      if (opts.classe && !to) throw classNotFound(opts.classe);
      if (to && this.#views.profileOf(u) === 'eleve') {
        targetDn = `CN=${escapeDnValue(u.login)},${to.ou.dn}`;
        const classPrefix = this.#views.classGroupName('');
        groups = [...record.groups.filter((g) => !g.startsWith(classPrefix)), this.#views.classGroupName(to.slug)];
      } else {
        const parent = parentDn(record.originDn);
        const parentOu = this.#mirror.ouByDn(parent);
        if (!parentOu && dnKey(parent) !== dnKey(this.#views.layout.teachers) && dnKey(parent) !== dnKey(this.#views.layout.staff)) {
          throw new AppError('CLASS_NOT_FOUND', 'La classe de ce compte n’existe plus : recréez-la ou choisissez-en une autre, puis restaurez le compte.', 409);
        }
      }
      await this.#d.dc.ldap.withClient(async (c) => {
        await c.modifyDN(u.dn, targetDn);
        await c.modify(targetDn, replace('userAccountControl', [String(u.uac & ~UAC_DISABLED)]));
        for (const name of groups) {
          const g = this.#mirror.groupByName(name);
          if (g) await c.modify(g.dn, new Change({ operation: 'add', modification: attr('member', [targetDn]) })).catch(() => {});
        }
      });
      this.#store.forgetDeleted(u.login);
      await this.#homes.restore(u.login);
      this.#d.journal.record('info', 'directory', 'directory.user-restored', `Compte « ${u.login} » restauré.`);
    });
    return this.getUser(login);
  }

  /** Erases a deleted account for good. Its login and uid number are never handed out again. */
  async purgeUser(login: string): Promise<void> {
    await this.#write(async () => {
      const u = this.#user(login);
      if (this.#views.stateOf(u) !== 'deleted') {
        throw new AppError('NOT_DELETED', 'Seul un compte supprimé (dans la corbeille) peut être effacé définitivement : supprimez-le d’abord.', 409);
      }
      await this.#purge(u);
    });
  }

  async #purge(u: UserRecord): Promise<void> {
    await this.#d.dc.ldap.withClient((c) => c.del(u.dn));
    if (u.uidNumber) this.#store.release('uid', u.uidNumber);
    this.#store.markLoginPurged(u.login);
    this.#store.forgetDeleted(u.login);
    this.#store.forgetInitialPassword(u.login);
    await this.#homes.drop(u.login);
    this.#d.journal.record('info', 'directory', 'directory.user-purged', `Compte « ${u.login} » effacé définitivement.`);
    this.#d.bus.emit('directory.user-purged', { login: u.login });
  }

  /** The scheduled clean-up: purges accounts past their grace period, forgets used or stale initial passwords. */
  async purgeDue(now = new Date()): Promise<{ purged: number; forgotten: number }> {
    let purged = 0;
    let forgotten = 0;
    await this.#write(async () => {
      for (const login of this.#store.dueForPurge(now)) {
        const u = this.#mirror.userByLogin(login);
        if (!u) this.#store.forgetDeleted(login);
        else if (this.#views.stateOf(u) === 'deleted') {
          await this.#purge(u);
          purged++;
        }
      }
      forgotten = this.#forgetUsedPasswords(now);
    });
    return { purged, forgotten };
  }

  #forgetUsedPasswords(now: Date): number {
    let n = 0;
    for (const kept of this.#store.keptInitialPasswords()) {
      const u = this.#mirror.userByLogin(kept.login);
      const lastLogon = u ? fromFileTime(u.lastLogonTimestamp) : null;
      if (!u || kept.expiresAt <= now.toISOString() || (lastLogon !== null && lastLogon > kept.createdAt)) {
        this.#store.forgetInitialPassword(kept.login);
        n++;
      }
    }
    return n;
  }

  // ---- classes -----------------------------------------------------------------------------

  async createClass(rawName: string): Promise<ClassDetail> {
    const [r] = await this.createClasses([rawName]);
    if (r && !r.ok) throw r.error;
    return this.getClass(r?.ok ? r.name : rawName);
  }

  /** Creates classes in one pass (imports); a class that exists already is reported as CLASS_EXISTS. */
  async createClasses(rawNames: string[]): Promise<({ ok: true; name: string } | { ok: false; error: AppError })[]> {
    const checked = rawNames.map((raw) => {
      try {
        const name = cleanName(raw, 'le nom de la classe');
        if (name.length > 40) throw new AppError('INVALID_NAME', 'Le nom de la classe est trop long (40 caractères au plus).', 400);
        const slug = classSlug(name);
        if (!slug) throw new AppError('INVALID_NAME', `Le nom de classe « ${name} » doit contenir au moins une lettre latine ou un chiffre.`, 400);
        return { name, slug };
      } catch (err) {
        if (err instanceof AppError) return err;
        throw err;
      }
    });
    const out = await this.#write(async () =>
      this.#d.dc.ldap.withClient(async (c) => {
        const taken = this.#views.classes().map((x) => ({ name: x.name, slug: x.slug }));
        const results: ({ ok: true; name: string } | { ok: false; error: AppError })[] = [];
        for (const item of checked) {
          if (item instanceof AppError) {
            results.push({ ok: false, error: item });
            continue;
          }
          const { name, slug } = item;
          const clash = taken.find((x) => x.slug === slug || x.name.toLowerCase() === name.toLowerCase());
          if (clash) {
            results.push({ ok: false, error: new AppError('CLASS_EXISTS', `La classe « ${clash.name} » existe déjà (ou porte un nom trop proche).`, 409) });
            continue;
          }
          const dn = `OU=${escapeDnValue(name)},${this.#views.layout.pupils}`;
          await c.add(dn, { objectClass: ['top', 'organizationalUnit'], description: `Classe ${name}` });
          await this.#ensureGroup(c, this.#views.classGroupName(slug), 'classe', `Élèves de la classe ${name}`);
          await this.#ensureGroup(c, this.#views.teamGroupName(slug), 'equipe', `Équipe pédagogique de la classe ${name}`);
          taken.push({ name, slug });
          results.push({ ok: true, name });
        }
        return results;
      }),
    );
    const made = out.flatMap((r) => (r.ok ? [r.name] : []));
    if (made.length === 1) this.#d.journal.record('info', 'directory', 'directory.class-created', `Classe « ${made[0]} » créée.`);
    else if (made.length > 1) this.#d.journal.record('info', 'directory', 'directory.class-created', `${made.length} classes créées : ${made.join(', ')}.`);
    return out;
  }

  async listClasses(actor?: Actor): Promise<ClassSummary[]> {
    await this.#fresh();
    const classes = actor?.role === 'teacher' ? this.#teacherClasses(actor.login) : this.#views.classes();
    const forTeacher = actor?.role === 'teacher';
    return classes.map((c) => {
      const pupils = this.#views.pupilsOf(c).length;
      const team = this.#mirror.groupByName(this.#views.teamGroupName(c.slug));
      return { name: c.name, slug: c.slug, pupils, teachers: team ? this.#views.members(team).map((u) => this.#views.summary(u, forTeacher)) : [] };
    });
  }

  async getClass(name: string, actor?: Actor): Promise<ClassDetail> {
    await this.#fresh();
    const c = this.#views.classByName(name);
    if (!c) throw classNotFound(name);
    const forTeacher = actor?.role === 'teacher';
    if (forTeacher && !this.#teacherClasses(actor.login).some((x) => x.name === c.name)) {
      throw new AppError('FORBIDDEN', 'Cette classe n’est pas l’une des vôtres.', 403);
    }
    const pupils = this.#views.pupilsOf(c);
    const team = this.#mirror.groupByName(this.#views.teamGroupName(c.slug));
    return {
      name: c.name,
      slug: c.slug,
      pupils: pupils.map((u) => this.#views.summary(u, forTeacher)),
      teachers: team ? this.#views.members(team).map((u) => this.#views.summary(u, forTeacher)) : [],
    };
  }

  async setClassTeachers(name: string, logins: string[]): Promise<ClassDetail> {
    const [r] = await this.setTeams([{ classe: name, logins }]);
    if (r && !r.ok) throw r.error;
    return this.getClass(name);
  }

  /** Sets the teaching teams of several classes in one pass (imports). */
  /** The groups of the national files' structure (kind `groupe`), by slug, with their members' logins. */
  async importedGroups(): Promise<{ slug: string; name: string; label: string; members: string[] }[]> {
    await this.#fresh();
    const prefix = this.#views.importedGroupName('');
    return [...this.#mirror.groups.values()]
      .filter((g) => this.#views.kindOf(g) === 'groupe' && g.name.startsWith(prefix))
      .map((g) => ({ slug: g.name.slice(prefix.length), name: g.name, label: g.description || g.name, members: this.#views.members(g).map((u) => u.login) }));
  }

  /**
   * Sets the groups of the national files (SIECLE STRUCTURE type G, AAF groups) in one pass:
   * each is created when missing (kind `groupe`, read-only by hand) and gets exactly these members.
   */
  async setImportedGroups(groups: { label: string; logins: string[] }[]): Promise<({ ok: true; name: string } | { ok: false; error: AppError })[]> {
    return this.#write(async () =>
      this.#d.dc.ldap.withClient(async (client) => {
        const out: ({ ok: true; name: string } | { ok: false; error: AppError })[] = [];
        for (const g of groups) {
          try {
            const label = cleanName(g.label, 'le nom du groupe');
            const slug = classSlug(label);
            if (!slug) throw new AppError('INVALID_NAME', `Le nom de groupe « ${label} » doit contenir au moins une lettre latine ou un chiffre.`, 400);
            const dns: string[] = [];
            for (const login of new Set(g.logins)) {
              const u = this.#user(login);
              if (this.#views.stateOf(u) !== 'deleted') dns.push(u.dn);
            }
            const name = this.#views.importedGroupName(slug);
            const dn = await this.#ensureGroup(client, name, 'groupe', label);
            await client.modify(dn, new Change({ operation: 'replace', modification: attr('member', dns) }));
            out.push({ ok: true, name });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            out.push({ ok: false, error: err });
          }
        }
        return out;
      }),
    );
  }

  /** Removes groups of the national files that the new year's files no longer have. */
  async deleteImportedGroups(names: string[]): Promise<void> {
    await this.#write(async () =>
      this.#d.dc.ldap.withClient(async (client) => {
        for (const name of names) {
          const g = this.#mirror.groupByName(name);
          if (g && this.#views.kindOf(g) === 'groupe') await client.del(g.dn);
        }
      }),
    );
  }

  async setTeams(teams: { classe: string; logins: string[] }[]): Promise<({ ok: true } | { ok: false; error: AppError })[]> {
    return this.#write(async () =>
      this.#d.dc.ldap.withClient(async (client) => {
        const out: ({ ok: true } | { ok: false; error: AppError })[] = [];
        for (const team of teams) {
          try {
            const c = this.#views.classByName(team.classe);
            if (!c) throw classNotFound(team.classe);
            const dns: string[] = [];
            for (const login of new Set(team.logins)) {
              const u = this.#user(login);
              const profile = this.#views.profileOf(u);
              if (profile === 'eleve') throw new AppError('NOT_STAFF', `« ${u.login} » est un élève : l’équipe pédagogique ne compte que des personnels.`, 400);
              if (this.#views.stateOf(u) === 'deleted') throw new AppError('USER_DELETED', `Le compte « ${u.login} » est supprimé.`, 409);
              dns.push(u.dn);
            }
            const dn = await this.#ensureGroup(client, this.#views.teamGroupName(c.slug), 'equipe', `Équipe pédagogique de la classe ${c.name}`);
            await client.modify(dn, new Change({ operation: 'replace', modification: attr('member', dns) }));
            out.push({ ok: true });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            out.push({ ok: false, error: err });
          }
        }
        return out;
      }),
    );
  }

  async deleteClass(name: string): Promise<void> {
    await this.#write(async () => {
      const c = this.#views.classByName(name);
      if (!c) throw classNotFound(name);
      const pupils = this.#views.pupilsOf(c);
      if (pupils.length > 0) {
        throw new AppError('CLASS_NOT_EMPTY', `La classe « ${c.name} » compte encore ${pupils.length} élève(s) : changez-les de classe ou supprimez-les d’abord.`, 409);
      }
      await this.#d.dc.ldap.withClient(async (client) => {
        for (const g of [this.#views.classGroupName(c.slug), this.#views.teamGroupName(c.slug)]) {
          const rec = this.#mirror.groupByName(g);
          if (rec) await client.del(rec.dn);
        }
        await client.del(c.ou.dn);
      });
    });
    this.#d.journal.record('info', 'directory', 'directory.class-deleted', `Classe « ${name} » supprimée.`);
  }

  /** Initial passwords still kept for the pupils of a class (for the sheets); used ones are forgotten first. */
  async initialPasswords(name: string): Promise<{ login: string; displayName: string; password: string }[]> {
    const detail = await this.getClass(name);
    await this.#write(async () => {
      this.#forgetUsedPasswords(new Date());
    });
    const out: { login: string; displayName: string; password: string }[] = [];
    for (const p of detail.pupils) {
      const kept = this.#store.initialPassword(p.login);
      if (kept) out.push({ login: p.login, displayName: p.displayName, password: kept.password });
    }
    return out;
  }

  // ---- groups ------------------------------------------------------------------------------

  #group(name: string): GroupRecord {
    const g = this.#mirror.groupByName(name);
    if (!g || dnKey(g.parent) !== dnKey(this.#views.layout.groups)) throw groupNotFound(name);
    return g;
  }

  #freeGroup(name: string): GroupRecord {
    const g = this.#group(name);
    if (this.#views.kindOf(g) !== 'libre') {
      throw new AppError('GROUP_READ_ONLY', `Le groupe « ${g.name} » est tenu à jour par Trousse (classe, équipe ou profil) : il ne se modifie pas à la main.`, 409);
    }
    return g;
  }

  async listGroups(kind?: string): Promise<GroupSummary[]> {
    await this.#fresh();
    const groupsOu = dnKey(this.#views.layout.groups);
    return [...this.#mirror.groups.values()]
      .filter((g) => dnKey(g.parent) === groupsOu)
      .map((g) => this.#views.groupSummary(g))
      .filter((g) => !kind || g.kind === kind)
      .sort((a, b) => collator.compare(a.kind, b.kind) || collator.compare(a.name, b.name));
  }

  async getGroup(name: string): Promise<GroupDetail> {
    await this.#fresh();
    const g = this.#group(name);
    return { ...this.#views.groupSummary(g), memberList: this.#views.members(g).map((u) => this.#views.summary(u)) };
  }

  async createGroup(rawName: string, description?: string): Promise<GroupDetail> {
    const label = cleanName(rawName, 'le nom du groupe');
    const slug = classSlug(label);
    if (!slug) throw new AppError('INVALID_NAME', `Le nom de groupe « ${label} » doit contenir au moins une lettre latine ou un chiffre.`, 400);
    const name = this.#views.freeGroupName(slug);
    if (isReserved(name) || /^(classe|equipe|groupe)-/.test(slug) || PROFILES.some((p) => this.#views.profileGroupName(p) === name)) {
      throw new AppError('INVALID_NAME', `Le nom « ${name} » est réservé : choisissez-en un autre.`, 400);
    }
    await this.#write(async () => {
      const exists = await this.#d.dc.ldap.search(this.#d.dc.identity.baseDn, {
        scope: 'sub',
        filter: filter`(sAMAccountName=${name})`,
        attributes: ['sAMAccountName'],
      });
      if (exists.length > 0) throw new AppError('GROUP_EXISTS', `Le nom « ${name} » est déjà utilisé dans le domaine.`, 409);
      await this.#d.dc.ldap.withClient((c) => this.#ensureGroup(c, name, 'libre', description?.trim() || label));
    });
    this.#d.journal.record('info', 'directory', 'directory.group-created', `Groupe « ${name} » créé.`);
    return this.getGroup(name);
  }

  async addGroupMembers(name: string, logins: string[]): Promise<GroupDetail> {
    await this.#write(async () => {
      const g = this.#freeGroup(name);
      const dns = [...new Set(logins)].map((l) => this.#user(l)).filter((u) => !g.members.has(u.guid)).map((u) => u.dn);
      if (dns.length > 0) await this.#d.dc.ldap.withClient((c) => c.modify(g.dn, new Change({ operation: 'add', modification: attr('member', dns) })));
    });
    return this.getGroup(name);
  }

  async removeGroupMember(name: string, login: string): Promise<GroupDetail> {
    await this.#write(async () => {
      const g = this.#freeGroup(name);
      const u = this.#user(login);
      if (g.members.has(u.guid)) {
        await this.#d.dc.ldap.withClient((c) => c.modify(g.dn, new Change({ operation: 'delete', modification: attr('member', [u.dn]) })));
      }
    });
    return this.getGroup(name);
  }

  async deleteGroup(name: string): Promise<void> {
    await this.#write(async () => {
      const g = this.#freeGroup(name);
      await this.#d.dc.ldap.withClient((c) => c.del(g.dn));
    });
    this.#d.journal.record('info', 'directory', 'directory.group-deleted', `Groupe « ${name} » supprimé.`);
  }
}

const PROFILE_GROUP_DESCRIPTIONS: Record<Profile, string> = {
  eleve: 'Tous les élèves',
  enseignant: 'Tous les enseignants',
  personnel: 'Tous les personnels non enseignants',
};
