import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Profile, ShareView } from '../directory/index.ts';
import { checkEntryName } from '../core/filenames.ts';

/**
 * The desired state of the school's shares, computed from the directory: the smb.conf include
 * and every folder with the Windows ACL it must carry. Pure: no I/O, so it is tested alone.
 *
 * ACLs are SDDL with hex masks (Samba 4.17 stores `FA` as the AD object right 0x1ff). Principals
 * are written `{name}` (an account or group sAMAccountName) and resolved to SIDs at the end.
 */

export const FULL = '0x1f01ff';
export const MODIFY = '0x1301bf';
export const READ = '0x1200a9';
/** Profiles root, this folder only: list, create folders, traverse, read attributes, synchronise. */
export const CREATE_FOLDER = '0x1000a5';

export const SHARE_NAMES = { homes: 'perso', profiles: 'profiles$', classes: 'classes', commun: 'commun' } as const;

export interface SharePaths {
  homeRoot: string;
  root: string;
}

export function profilesDir(p: SharePaths): string {
  return join(p.root, 'profils');
}
export function classesDir(p: SharePaths): string {
  return join(p.root, 'classes');
}
export function communDir(p: SharePaths): string {
  return join(p.root, 'commun');
}
export function groupsDir(p: SharePaths): string {
  return join(p.root, 'groupes');
}

export interface ShareSettings {
  quotas: Record<Profile, { softMb: number; hardMb: number }>;
  roamingProfiles: Record<Profile, boolean>;
  homeDrive: string;
  /** sAMAccountNames of the groups that get a share of their own. */
  groupShares: string[];
}

export interface DesiredFolder {
  path: string;
  share: string;
  /** What it is, for reports (French). */
  label: string;
  /** SDDL with `{name}` principals. */
  acl: string;
  /** uidNumber of the owner account when there is one (a new account with the same login rewrites the ACL). */
  ownerUid: number | null;
  /** Folders whose ACL is written once and then left to the user (homes). */
  kind: 'root' | 'home' | 'class' | 'drop' | 'group';
}

export interface ShareDef {
  name: string;
  comment: string;
  path: string;
  options: Record<string, string>;
}

export interface DesiredShares {
  shares: ShareDef[];
  folders: DesiredFolder[];
  /** Things an administrator should know (a class without a teaching team, a name that cannot be a folder). */
  warnings: string[];
}

const base = (extra: string) => `O:BAG:DUD:PAI(A;OICI;${FULL};;;SY)(A;OICI;${FULL};;;BA)${extra}`;

/** The folder name of a class: its name when Windows accepts it, else its slug. */
export function classFolderName(c: { name: string; slug: string }): string {
  return checkEntryName(c.name) === null ? c.name : c.slug;
}

export function desiredShares(view: ShareView, settings: ShareSettings, paths: SharePaths): DesiredShares {
  const warnings: string[] = [];
  const folders: DesiredFolder[] = [];
  const pg = view.profileGroups;
  const common = { 'read only': 'no', 'map acl inherit': 'yes', 'store dos attributes': 'yes' };
  const shares: ShareDef[] = [
    {
      name: SHARE_NAMES.homes,
      comment: 'Dossiers personnels',
      path: paths.homeRoot,
      options: { ...common, 'hide unreadable': 'yes', browseable: 'yes' },
    },
    {
      name: SHARE_NAMES.profiles,
      comment: 'Profils itinérants Windows',
      path: profilesDir(paths),
      options: { ...common, browseable: 'no', 'hide unreadable': 'yes', 'csc policy': 'disable', 'create mask': '0600', 'directory mask': '0700' },
    },
    {
      name: SHARE_NAMES.classes,
      comment: 'Dossiers des classes',
      path: classesDir(paths),
      options: { ...common, 'hide unreadable': 'yes' },
    },
    { name: SHARE_NAMES.commun, comment: 'Documents communs', path: communDir(paths), options: { ...common } },
  ];

  folders.push(
    { path: paths.homeRoot, share: SHARE_NAMES.homes, label: 'Racine des dossiers personnels', acl: `O:BAG:DUD:PAI(A;;${FULL};;;SY)(A;;${FULL};;;BA)(A;;${READ};;;DU)`, ownerUid: null, kind: 'root' },
    {
      path: profilesDir(paths),
      share: SHARE_NAMES.profiles,
      label: 'Racine des profils itinérants',
      acl: `O:BAG:DUD:PAI(A;;${FULL};;;SY)(A;;${FULL};;;BA)(A;;${CREATE_FOLDER};;;DU)(A;OICIIO;${FULL};;;CO)(A;OICIIO;${FULL};;;SY)`,
      ownerUid: null,
      kind: 'root',
    },
    { path: classesDir(paths), share: SHARE_NAMES.classes, label: 'Racine des classes', acl: `O:BAG:DUD:PAI(A;;${FULL};;;SY)(A;;${FULL};;;BA)(A;;${READ};;;DU)`, ownerUid: null, kind: 'root' },
    {
      path: communDir(paths),
      share: SHARE_NAMES.commun,
      label: 'Documents communs',
      acl: base(`(A;OICI;${MODIFY};;;{${pg.enseignant}})(A;OICI;${MODIFY};;;{${pg.personnel}})(A;OICI;${READ};;;DU)`),
      ownerUid: null,
      kind: 'root',
    },
  );

  for (const u of view.users) {
    if (checkEntryName(u.login) !== null) continue;
    folders.push({
      path: join(paths.homeRoot, u.login),
      share: SHARE_NAMES.homes,
      label: `Dossier personnel de ${u.login}`,
      acl: `O:{${u.login}}G:DUD:PAI(A;OICI;${FULL};;;{${u.login}})(A;OICI;${FULL};;;SY)(A;OICI;${FULL};;;BA)`,
      ownerUid: u.uidNumber,
      kind: 'home',
    });
  }

  for (const c of view.classes) {
    const dir = join(classesDir(paths), classFolderName(c));
    const team = c.teamGroup ? `(A;OICI;${MODIFY};;;{${c.teamGroup}})` : '';
    if (!c.teamGroup) warnings.push(`La classe ${c.name} n’a pas d’équipe pédagogique : ses enseignants n’ont pas encore accès à son dossier.`);
    folders.push({ path: dir, share: SHARE_NAMES.classes, label: `Classe ${c.name}`, acl: base(`${team}(A;OICI;${READ};;;{${c.group}})`), ownerUid: null, kind: 'class' });
    folders.push({
      path: join(dir, 'rendus'),
      share: SHARE_NAMES.classes,
      label: `Rendus de la classe ${c.name}`,
      acl: base(`${team}(A;;${READ};;;{${c.group}})`),
      ownerUid: null,
      kind: 'class',
    });
    const uids = new Map(view.users.map((u) => [u.login, u.uidNumber]));
    for (const login of c.pupils) {
      if (checkEntryName(login) !== null) continue;
      folders.push({
        path: join(dir, 'rendus', login),
        share: SHARE_NAMES.classes,
        label: `Dépôt de ${login} (${c.name})`,
        acl: base(`${team}(A;OICI;${MODIFY};;;{${login}})`),
        ownerUid: uids.get(login) ?? null,
        kind: 'drop',
      });
    }
  }

  const wanted = new Set(settings.groupShares.map((g) => g.toLowerCase()));
  const groupNames = new Set(view.groups.map((g) => g.name.toLowerCase()));
  for (const g of settings.groupShares) {
    if (!groupNames.has(g.toLowerCase())) warnings.push(`Le groupe ${g} n’existe plus : son partage n’est plus servi (le dossier est conservé).`);
  }
  for (const g of view.groups) {
    if (!wanted.has(g.name.toLowerCase())) continue;
    const name = shareNameOfGroup(g.name);
    const dir = join(groupsDir(paths), g.name);
    shares.push({ name, comment: `Groupe ${g.label}`.slice(0, 80), path: dir, options: { ...common } });
    folders.push({ path: dir, share: name, label: `Groupe ${g.label}`, acl: base(`(A;OICI;${MODIFY};;;{${g.name}})`), ownerUid: null, kind: 'group' });
  }
  return { shares, folders, warnings };
}

/** The SMB name of a group's share (group names are [a-z0-9._-], so they are valid share names). */
export function shareNameOfGroup(group: string): string {
  return `grp-${group}`.slice(0, 80);
}

/** A stable fingerprint of what a folder must carry (names and owner uid, not SIDs). */
export function aclFingerprint(f: DesiredFolder): string {
  return createHash('sha256').update(`${f.acl}\u0000${f.ownerUid ?? ''}\u0000${f.share}`).digest('hex').slice(0, 32);
}

/** Principals a folder's ACL names. */
export function principalsOf(acl: string): string[] {
  return [...acl.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}

/** The SDDL with SIDs in place of `{name}`; null when a name has no SID (not replicated yet). */
export function resolveAcl(acl: string, sids: Map<string, string>): string | null {
  let missing = false;
  const out = acl.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const sid = sids.get(name.toLowerCase());
    if (!sid) missing = true;
    return sid ?? '';
  });
  return missing ? null : out;
}

/** The include file's text: one section per share, values checked to hold no line break. */
export function renderConf(shares: ShareDef[]): string {
  const lines: string[] = [];
  for (const s of shares) {
    for (const v of [s.name, s.comment, s.path, ...Object.values(s.options)]) {
      if (/[\r\n\0]/.test(v) || v.includes('[') || v.includes(']')) throw new Error(`invalid value in share ${s.name}`);
    }
    lines.push(`[${s.name}]`, `\tcomment = ${s.comment}`, `\tpath = ${s.path}`);
    for (const [k, v] of Object.entries(s.options)) lines.push(`\t${k} = ${v}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** What Windows PCs read on an account: \\server\perso\login on H:, and the roaming profile. */
export function windowsPathsOf(u: { login: string; profile: Profile }, settings: ShareSettings, serverName: string) {
  return {
    login: u.login,
    homeDirectory: `\\\\${serverName}\\${SHARE_NAMES.homes}\\${u.login}`,
    homeDrive: settings.homeDrive,
    profilePath: settings.roamingProfiles[u.profile] ? `\\\\${serverName}\\${SHARE_NAMES.profiles}\\${u.login}` : null,
  };
}
