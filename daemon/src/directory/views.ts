import type { DirectoryConfig } from '../core/config.ts';
import { escapeDnValue } from '../dc/escape.ts';
import { transliterate } from './logins.ts';
import { dnKey, fromFileTime, fromGeneralizedTime, parentDn, type DirectoryMirror, type GroupRecord, type OuRecord, type UserRecord } from './mirror.ts';
import {
  GROUP_KIND_LABELS,
  PROFILES,
  STAFF_FUNCTIONS,
  type AccountState,
  type GroupKind,
  type GroupSummary,
  type Profile,
  type StaffFunction,
  type UserDetail,
  type UserSummary,
} from './model.ts';
import type { DirectoryStore } from './store.ts';

/** The DNs of the school's OU layout. */
export class Layout {
  readonly root: string;
  readonly pupils: string;
  readonly teachers: string;
  readonly staff: string;
  readonly groups: string;
  readonly computers: string;
  readonly trash: string;

  constructor(ou: string, baseDn: string) {
    this.root = `OU=${escapeDnValue(ou)},${baseDn}`;
    this.pupils = `OU=Eleves,${this.root}`;
    this.teachers = `OU=Enseignants,${this.root}`;
    this.staff = `OU=Personnels,${this.root}`;
    this.groups = `OU=Groupes,${this.root}`;
    this.computers = `OU=Ordinateurs,${this.root}`;
    this.trash = `OU=Corbeille,${this.root}`;
  }

  /** The OUs to create, parents first, with their description. */
  get ous(): [string, string, string][] {
    return [
      [this.root, '', 'Établissement (géré par Trousse)'],
      [this.pupils, 'Eleves', 'Élèves, une unité par classe'],
      [this.teachers, 'Enseignants', 'Enseignants'],
      [this.staff, 'Personnels', 'Personnels non enseignants'],
      [this.groups, 'Groupes', 'Groupes gérés par Trousse'],
      [this.computers, 'Ordinateurs', 'Ordinateurs des salles'],
      [this.trash, 'Corbeille', 'Comptes supprimés en attente de suppression définitive'],
    ];
  }

  profileOu(profile: Profile): string {
    return profile === 'enseignant' ? this.teachers : profile === 'personnel' ? this.staff : this.pupils;
  }
}

/**
 * The short, ASCII name of a class or free group used in group names: accents removed, lower
 * case, digits kept, any run of other characters becomes one '-' ("3e B" → "3e-b", "6°2" → "6-2").
 */
export function classSlug(name: string): string {
  return transliterate(name)
    .toLowerCase()
    .replace(/['’ʼ‘`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

export interface ClassRef {
  name: string;
  slug: string;
  ou: OuRecord;
}

/** Builds the API shapes out of the mirror; knows the naming of Trousse's groups. */
export class Views {
  readonly layout: Layout;
  readonly #cfg: DirectoryConfig;
  readonly #teacherGroup: string;
  readonly #mirror: DirectoryMirror;
  readonly #store: DirectoryStore;

  constructor(layout: Layout, cfg: DirectoryConfig, teacherGroup: string, mirror: DirectoryMirror, store: DirectoryStore) {
    this.layout = layout;
    this.#cfg = cfg;
    this.#teacherGroup = teacherGroup;
    this.#mirror = mirror;
    this.#store = store;
  }

  profileGroupName(profile: Profile): string {
    if (profile === 'enseignant') return this.#teacherGroup;
    return profile === 'eleve' ? this.#cfg.pupilsGroup : this.#cfg.staffGroup;
  }

  classGroupName(slug: string): string {
    return `${this.#cfg.groupPrefix}classe-${slug}`;
  }

  teamGroupName(slug: string): string {
    return `${this.#cfg.groupPrefix}equipe-${slug}`;
  }

  /** A group of the national files' structure (SIECLE STRUCTURE type G, AAF groups). */
  importedGroupName(slug: string): string {
    return `${this.#cfg.groupPrefix}groupe-${slug}`;
  }

  freeGroupName(slug: string): string {
    return `${this.#cfg.groupPrefix}${slug}`;
  }

  classes(): ClassRef[] {
    const pupils = dnKey(this.layout.pupils);
    const out: ClassRef[] = [];
    for (const ou of this.#mirror.ous.values()) if (dnKey(ou.parent) === pupils) out.push({ name: ou.name, slug: classSlug(ou.name), ou });
    return out.sort((a, b) => collator.compare(a.name, b.name));
  }

  classByName(name: string): ClassRef | undefined {
    const wanted = name.trim().toLowerCase();
    return this.classes().find((c) => c.name.toLowerCase() === wanted);
  }

  classOf(u: UserRecord): string | null {
    const key = dnKey(u.parent);
    if (key === dnKey(this.layout.trash)) {
      const origin = this.#store.deleted(u.login)?.originDn;
      return origin ? (this.#mirror.ouByDn(parentDn(origin))?.name ?? null) : null;
    }
    const ou = this.#mirror.ouByDn(u.parent);
    return ou && dnKey(ou.parent) === dnKey(this.layout.pupils) ? ou.name : null;
  }

  /** The accounts whose entry sits in the class's OU (deleted ones are in OU=Corbeille). */
  pupilsOf(c: ClassRef): UserRecord[] {
    const key = dnKey(c.ou.dn);
    return [...this.#mirror.users.values()].filter((u) => dnKey(u.parent) === key).sort(byName);
  }

  stateOf(u: UserRecord): AccountState {
    if (dnKey(u.parent) === dnKey(this.layout.trash)) return 'deleted';
    return (u.uac & 2) === 2 ? 'disabled' : 'active';
  }

  profileOf(u: UserRecord): Profile {
    if ((PROFILES as readonly string[]).includes(u.employeeType)) return u.employeeType as Profile;
    const key = dnKey(u.parent);
    if (key === dnKey(this.layout.teachers)) return 'enseignant';
    if (key === dnKey(this.layout.staff)) return 'personnel';
    return 'eleve';
  }

  kindOf(g: GroupRecord): GroupKind {
    const kind = /^trousse:(classe|equipe|profil|groupe|libre)$/.exec(g.marker)?.[1];
    return (kind as GroupKind | undefined) ?? 'libre';
  }

  summary(u: UserRecord, forTeacher = false): UserSummary {
    const profile = this.profileOf(u);
    return {
      login: u.login,
      givenName: u.givenName,
      surname: u.surname,
      displayName: u.displayName || `${u.givenName} ${u.surname}`.trim() || u.login,
      profile,
      staffFunction: profile === 'personnel' && (STAFF_FUNCTIONS as readonly string[]).includes(u.title) ? (u.title as StaffFunction) : null,
      classe: profile === 'eleve' ? this.classOf(u) : null,
      state: this.stateOf(u),
      uidNumber: u.uidNumber,
      nationalId: forTeacher ? null : u.nationalId,
    };
  }

  groupsOf(u: UserRecord): GroupRecord[] {
    const out: GroupRecord[] = [];
    for (const g of this.#mirror.groups.values()) if (g.members.has(u.guid)) out.push(g);
    return out.sort((a, b) => collator.compare(a.name, b.name));
  }

  detail(u: UserRecord, forTeacher = false): UserDetail {
    const deleted = this.#store.deleted(u.login);
    const state = this.stateOf(u);
    return {
      ...this.summary(u, forTeacher),
      groups: this.groupsOf(u).map((g) => ({ name: g.name, kind: this.kindOf(g), label: g.description || g.name })),
      createdAt: fromGeneralizedTime(u.whenCreated),
      lastLogonAt: fromFileTime(u.lastLogonTimestamp),
      mustChangePassword: u.pwdLastSet === '0',
      deletedAt: state === 'deleted' ? (deleted?.deletedAt ?? null) : null,
      purgeAfter: state === 'deleted' ? (deleted?.purgeAfter ?? null) : null,
      initialPasswordKept: this.#store.hasInitialPassword(u.login),
    };
  }

  members(g: GroupRecord): UserRecord[] {
    const out: UserRecord[] = [];
    for (const key of g.members) {
      const u = this.#mirror.users.get(key);
      if (u) out.push(u);
    }
    return out.sort(byName);
  }

  groupSummary(g: GroupRecord): GroupSummary {
    const kind = this.kindOf(g);
    return {
      name: g.name,
      kind,
      label: GROUP_KIND_LABELS[kind],
      description: g.description,
      members: this.members(g).length,
      gidNumber: g.gidNumber,
    };
  }
}

export const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

export function byName(a: UserRecord, b: UserRecord): number {
  return collator.compare(a.surname, b.surname) || collator.compare(a.givenName, b.givenName) || collator.compare(a.login, b.login);
}
