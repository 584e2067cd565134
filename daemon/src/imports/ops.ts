/**
 * The diff turned into the journal of an apply: a list of self-contained, idempotent operations,
 * in the order they must run. Pure.
 */
import type { Profile, StaffFunction } from '../directory/model.ts';
import type { DiffResult, KnownAccount, MergedPerson } from './diff.ts';

export interface NewPerson {
  key: string;
  ids: string[];
  nationalId: string;
  givenName: string;
  surname: string;
  profile: Profile;
  staffFunction: StaffFunction | null;
  classe: string | null;
  birthDate: string | null;
}

export interface LinkRow {
  login: string;
  ids: string[];
  birthDate: string | null;
  /** Set as the account's employeeNumber when it has none yet. */
  nationalId: string | null;
}

export type Op =
  | { type: 'class.create'; payload: { names: string[] } }
  | { type: 'user.reactivate'; payload: { login: string; classe: string | null } }
  | { type: 'user.update'; payload: { login: string; givenName: string; surname: string; staffFunction: StaffFunction | null } }
  | { type: 'user.move'; payload: { moves: { login: string; classe: string }[] } }
  | { type: 'user.create'; payload: { persons: NewPerson[] } }
  | { type: 'user.link'; payload: { links: LinkRow[] } }
  | { type: 'team.set'; payload: { teams: { classe: string; members: { key: string; login: string | null }[] }[] } }
  | { type: 'user.retire'; payload: { retires: { login: string; reason: string }[] } }
  | { type: 'class.remove'; payload: { name: string } }
  | { type: 'group.set'; payload: { groups: { label: string; members: { key: string; login: string | null }[] }[] } }
  | { type: 'group.remove'; payload: { names: string[] } };

export type OpType = Op['type'];

export const PHASE_LABELS: Record<OpType, string> = {
  'class.create': 'Création des classes',
  'user.reactivate': 'Réactivation des comptes',
  'user.update': 'Correction des noms',
  'user.move': 'Changements de classe',
  'user.create': 'Création des comptes',
  'user.link': 'Liens avec les fichiers nationaux',
  'team.set': 'Équipes pédagogiques',
  'user.retire': 'Départs',
  'class.remove': 'Suppression des classes vides',
  'group.set': 'Groupes (options, langues…)',
  'group.remove': 'Suppression des groupes disparus',
};

/** Creations per journaled operation: small enough to resume quickly, few enough to add group members in bulk. */
export function createChunk(total: number): number {
  return Math.max(100, Math.ceil(total / 4));
}
const LINK_CHUNK = 500;
/** Moves and departures per journaled operation (each is one directory write, one mirror refresh). */
const BATCH = 200;

/** How much an operation weighs in the progress bar. */
export function weight(op: { type: string; payload: unknown }): number {
  const p = op.payload as Record<string, unknown[]>;
  if (op.type === 'user.create') return (p.persons as unknown[]).length;
  if (op.type === 'user.link') return Math.ceil((p.links as unknown[]).length / 20);
  if (op.type === 'user.move') return (p.moves as unknown[]).length;
  if (op.type === 'user.retire') return (p.retires as unknown[]).length;
  if (op.type === 'class.create') return (p.names as unknown[]).length;
  if (op.type === 'team.set') return (p.teams as unknown[]).length;
  if (op.type === 'group.set') return (p.groups as unknown[]).length;
  return 1;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function buildOps(result: DiffResult, accounts: KnownAccount[]): Op[] {
  const { diff, persons } = result;
  const byKey = new Map<string, MergedPerson>(persons.map((p) => [p.key, p]));
  const byLogin = new Map(accounts.map((a) => [a.login, a]));
  const ops: Op[] = [];
  if (diff.classes.create.length > 0) ops.push({ type: 'class.create', payload: { names: diff.classes.create } });

  const creates: NewPerson[] = [];
  const links: LinkRow[] = [];
  const moves: { login: string; classe: string }[] = [];
  const retires: { login: string; reason: string }[] = [];
  for (const item of diff.items) {
    const p = byKey.get(item.key);
    const acts = item.actions;
    if (acts.includes('create') && p) {
      creates.push({
        key: p.key,
        ids: p.ids,
        nationalId: p.nationalId,
        givenName: p.givenName,
        surname: p.surname,
        profile: p.profile,
        staffFunction: p.profile === 'personnel' ? (p.staffFunction ?? 'autre') : null,
        classe: item.classe,
        birthDate: p.birthDate,
      });
      continue;
    }
    const login = item.login;
    if (!login) continue;
    if (acts.includes('reactivate')) ops.push({ type: 'user.reactivate', payload: { login, classe: item.profile === 'eleve' ? item.classe : null } });
    if (acts.includes('update') && p) {
      ops.push({ type: 'user.update', payload: { login, givenName: p.givenName, surname: p.surname, staffFunction: p.profile === 'personnel' ? p.staffFunction : null } });
    }
    if (acts.includes('move') && item.classe) moves.push({ login, classe: item.classe });
    if (acts.includes('disable')) retires.push({ login, reason: item.reason ?? '' });
    // bookkeeping: ids of the files not yet recorded for the account
    if (p && !acts.includes('error')) {
      const a = byLogin.get(login);
      const known = new Set([...(a?.ids ?? []), ...(a?.nationalId ? [a.nationalId] : [])]);
      const birthChanged = p.birthDate !== null && p.birthDate !== (a?.birthDate ?? null);
      if (p.ids.some((id) => !known.has(id)) || birthChanged || !a?.nationalId) {
        links.push({ login, ids: p.ids, birthDate: p.birthDate, nationalId: a?.nationalId ? null : p.nationalId });
      }
    }
  }
  // moves after reactivations and renames, before creations (a class may be emptied then filled)
  for (const batch of chunks(moves, BATCH)) ops.push({ type: 'user.move', payload: { moves: batch } });
  for (const batch of chunks(creates, createChunk(creates.length))) ops.push({ type: 'user.create', payload: { persons: batch } });
  for (const batch of chunks(links, LINK_CHUNK)) ops.push({ type: 'user.link', payload: { links: batch } });
  if (diff.teams.length > 0) {
    ops.push({ type: 'team.set', payload: { teams: diff.teams.map((t) => ({ classe: t.classe, members: t.teachers.map((m) => ({ key: m.key, login: m.login })) })) } });
  }
  if (diff.groups.set.length > 0) {
    ops.push({ type: 'group.set', payload: { groups: diff.groups.set.map((g) => ({ label: g.label, members: g.members })) } });
  }
  for (const batch of chunks(retires, BATCH)) ops.push({ type: 'user.retire', payload: { retires: batch } });
  if (diff.groups.remove.length > 0) ops.push({ type: 'group.remove', payload: { names: diff.groups.remove } });
  for (const name of diff.classes.remove) ops.push({ type: 'class.remove', payload: { name } });
  return ops;
}
