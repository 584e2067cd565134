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
  | { type: 'class.create'; payload: { name: string } }
  | { type: 'user.reactivate'; payload: { login: string; classe: string | null } }
  | { type: 'user.update'; payload: { login: string; givenName: string; surname: string; staffFunction: StaffFunction | null } }
  | { type: 'user.move'; payload: { login: string; classe: string } }
  | { type: 'user.create'; payload: { persons: NewPerson[] } }
  | { type: 'user.link'; payload: { links: LinkRow[] } }
  | { type: 'team.set'; payload: { classe: string; members: { key: string; login: string | null }[] } }
  | { type: 'user.retire'; payload: { login: string; reason: string } }
  | { type: 'class.remove'; payload: { name: string } };

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
};

/** Creations per journaled operation: small enough to resume quickly, few enough to add group members in bulk. */
export function createChunk(total: number): number {
  return Math.max(100, Math.ceil(total / 4));
}
const LINK_CHUNK = 500;

/** How much an operation weighs in the progress bar. */
export function weight(op: { type: string; payload: unknown }): number {
  if (op.type === 'user.create') return (op.payload as { persons: unknown[] }).persons.length;
  if (op.type === 'user.link') return Math.ceil((op.payload as { links: unknown[] }).links.length / 20);
  return 1;
}

export function buildOps(result: DiffResult, accounts: KnownAccount[]): Op[] {
  const { diff, persons } = result;
  const byKey = new Map<string, MergedPerson>(persons.map((p) => [p.key, p]));
  const byLogin = new Map(accounts.map((a) => [a.login, a]));
  const ops: Op[] = [];
  for (const name of diff.classes.create) ops.push({ type: 'class.create', payload: { name } });

  const creates: NewPerson[] = [];
  const links: LinkRow[] = [];
  const later: Op[] = [];
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
    if (acts.includes('move') && item.classe) later.push({ type: 'user.move', payload: { login, classe: item.classe } });
    if (acts.includes('disable')) later.push({ type: 'user.retire', payload: { login, reason: item.reason ?? '' } });
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
  ops.push(...later.filter((o) => o.type === 'user.move'));
  const chunk = createChunk(creates.length);
  for (let i = 0; i < creates.length; i += chunk) ops.push({ type: 'user.create', payload: { persons: creates.slice(i, i + chunk) } });
  for (let i = 0; i < links.length; i += LINK_CHUNK) ops.push({ type: 'user.link', payload: { links: links.slice(i, i + LINK_CHUNK) } });
  for (const t of diff.teams) ops.push({ type: 'team.set', payload: { classe: t.classe, members: t.teachers.map((m) => ({ key: m.key, login: m.login })) } });
  ops.push(...later.filter((o) => o.type === 'user.retire'));
  for (const name of diff.classes.remove) ops.push({ type: 'class.remove', payload: { name } });
  return ops;
}
