/**
 * What applying files would change: merge the persons of every file, match them to the school's
 * accounts (stable ids first, then name + date of birth, ambiguities listed), compare. Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import type { Profile, UserSummary } from '../directory/model.ts';
import { classSlug } from '../directory/index.ts';
import {
  DIFF_ACTION_LABELS,
  type Candidate,
  type DiffAction,
  type DiffItem,
  type FieldChange,
  type GroupChange,
  type ImportDiff,
  type ImportMode,
  type ImportedPerson,
  type ParsedFile,
  type TeamChange,
} from './model.ts';

/** An account of the school as the diff sees it: the directory's summary, plus what imports recorded. */
export interface KnownAccount
  extends Pick<UserSummary, 'login' | 'givenName' | 'surname' | 'displayName' | 'profile' | 'staffFunction' | 'classe' | 'state' | 'nationalId'> {
  /** Ids recorded for this account by earlier imports (import_links). */
  ids: string[];
  birthDate: string | null;
}

export interface DiffInput {
  mode: ImportMode;
  files: ParsedFile[];
  accounts: KnownAccount[];
  classes: string[];
  /** Current teaching teams: class name → teachers' logins. */
  teams: Map<string, string[]>;
  /** Current groups of the files' structure (kind `groupe`), by slug. */
  groups: { slug: string; name: string; label: string; members: string[] }[];
  /** Settled ambiguities: person key → the account's login, or null for "a new person". */
  resolutions: Record<string, string | null>;
}

/** A person of the import after merging files, with the ids that identify them. */
export interface MergedPerson extends ImportedPerson {
  ids: string[];
  /** The value stored in the account's employeeNumber when it is created. */
  nationalId: string;
  /** The matched account, if any. */
  login: string | null;
}

export interface DiffResult {
  diff: ImportDiff;
  persons: MergedPerson[];
}

const NATIONAL_ID = /^([A-Z]+):([A-Za-z0-9-]{1,40})$/;

/** The employeeNumber for a person key: the key itself when the directory accepts it, else a digest. */
export function nationalIdOf(key: string): string {
  if (NATIONAL_ID.test(key)) return key;
  const source = key.split(':')[0] || 'CSV';
  return `${/^[A-Z]+$/.test(source) ? source : 'CSV'}:h${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** Case-, accent- and punctuation-insensitive form of a full name. */
export function nameKey(givenName: string, surname: string): string {
  return `${givenName}|${surname}`
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const family = (p: Profile): 'eleve' | 'staff' => (p === 'eleve' ? 'eleve' : 'staff');
const frDate = (iso: string | null): string => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');
const sourceOf = (id: string): string => id.slice(0, id.indexOf(':'));

function mergeInto(into: MergedPerson, p: ImportedPerson): void {
  for (const id of [p.key, ...p.otherIds]) if (!into.ids.includes(id)) into.ids.push(id);
  into.birthDate ??= p.birthDate;
  into.classe ??= p.classe;
  into.staffFunction ??= p.staffFunction;
  into.groups = [...new Set([...into.groups, ...p.groups])];
  into.teaches = [...new Set([...into.teaches, ...p.teaches])].sort();
  into.subjects = [...new Set([...into.subjects, ...p.subjects])];
  // a teacher file knows teachers better than a pupil file, and vice versa
  if (p.profile === 'enseignant' && into.profile === 'personnel') into.profile = 'enseignant';
  into.left = into.left && p.left;
}

/** One entry per person, whatever the number of files describing them. */
export function mergePersons(files: ParsedFile[]): MergedPerson[] {
  const persons: MergedPerson[] = [];
  const byId = new Map<string, MergedPerson>();
  const byNameDob = new Map<string, MergedPerson>();
  for (const f of files) {
    for (const p of f.persons) {
      const ids = [p.key, ...p.otherIds];
      let target = ids.map((id) => byId.get(id)).find((x) => x !== undefined);
      const nd = p.birthDate ? `${family(p.profile)}|${nameKey(p.givenName, p.surname)}|${p.birthDate}` : null;
      if (!target && nd) {
        const same = byNameDob.get(nd);
        if (same && same.file !== p.file) target = same;
      }
      if (target) mergeInto(target, p);
      else {
        target = { ...p, ids: [...new Set(ids)], nationalId: nationalIdOf(p.key), login: null };
        persons.push(target);
        if (nd) byNameDob.set(nd, target);
      }
      for (const id of ids) byId.set(id, target);
    }
  }
  for (const p of persons) if (!p.ids.includes(p.nationalId)) p.ids.push(p.nationalId);
  return persons;
}

function candidate(a: KnownAccount): Candidate {
  return { login: a.login, displayName: a.displayName, classe: a.classe, state: a.state, birthDate: a.birthDate };
}

/** Which profiles the files speak for completely (a rollover retires absent accounts of these only). */
export function coveredProfiles(files: ParsedFile[]): Profile[] {
  const out = new Set<Profile>();
  for (const f of files) {
    if (!f.complete) continue;
    if (f.kind === 'siecle' || f.kind === 'aaf-eleve') out.add('eleve');
    if (f.kind === 'csv' && f.persons.some((p) => p.profile === 'eleve')) out.add('eleve');
    if (f.kind === 'sts' || f.kind === 'aaf-perseducnat') {
      out.add('enseignant');
      // STS lists every person with a service; only count the other staff when the file has some
      if (f.kind === 'aaf-perseducnat' || f.persons.some((p) => p.profile === 'personnel')) out.add('personnel');
    }
    if (f.kind === 'csv') for (const p of f.persons) if (p.profile !== 'eleve') out.add(p.profile);
  }
  return [...out];
}

function findClass(classes: Map<string, string>, name: string | null): string | null {
  if (!name) return null;
  return classes.get(name.toLowerCase()) ?? name;
}

export function computeDiff(input: DiffInput): DiffResult {
  const { mode, files, accounts } = input;
  const persons = mergePersons(files);
  const items: DiffItem[] = [];

  // ---- matching ----------------------------------------------------------------------------
  const byLogin = new Map(accounts.map((a) => [a.login, a]));
  const byId = new Map<string, KnownAccount>();
  for (const a of accounts) {
    if (a.nationalId) byId.set(a.nationalId, a);
    for (const id of a.ids) byId.set(id, a);
  }
  const byName = new Map<string, KnownAccount[]>();
  for (const a of accounts) {
    const k = `${family(a.profile)}|${nameKey(a.givenName, a.surname)}`;
    byName.set(k, [...(byName.get(k) ?? []), a]);
  }
  const accountIds = (a: KnownAccount) => [...(a.nationalId ? [a.nationalId] : []), ...a.ids];

  const claimedBy = new Map<string, MergedPerson[]>();
  const ambiguous = new Map<MergedPerson, Candidate[]>();
  const claim = (p: MergedPerson, a: KnownAccount) => {
    p.login = a.login;
    claimedBy.set(a.login, [...(claimedBy.get(a.login) ?? []), p]);
  };

  // 1. stable ids and settled cases
  const byNameLater: MergedPerson[] = [];
  for (const p of persons) {
    const settled = input.resolutions[p.key];
    if (settled !== undefined) {
      const a = settled === null ? undefined : byLogin.get(settled);
      if (a) claim(p, a);
      continue;
    }
    const hits = [...new Set(p.ids.map((id) => byId.get(id)).filter((a): a is KnownAccount => a !== undefined))];
    if (hits.length === 1) claim(p, hits[0] as KnownAccount);
    else if (hits.length > 1) ambiguous.set(p, hits.map(candidate));
    else byNameLater.push(p);
  }
  // 2. name + date of birth, for the others
  for (const p of byNameLater) {
    const sources = new Set(p.ids.map(sourceOf));
    const others = (byName.get(`${family(p.profile)}|${nameKey(p.givenName, p.surname)}`) ?? []).filter((a) => {
      if (claimedBy.has(a.login)) return false;
      // an account identified by another id of the same source is another person
      return !accountIds(a).some((id) => sources.has(sourceOf(id)) && !p.ids.includes(id));
    });
    const sameDob = p.birthDate ? others.filter((a) => a.birthDate === p.birthDate) : [];
    const unknownDob = others.filter((a) => a.birthDate === null);
    if (sameDob.length === 1 && unknownDob.length === 0) claim(p, sameDob[0] as KnownAccount);
    else if (sameDob.length + unknownDob.length > 0) ambiguous.set(p, [...sameDob, ...unknownDob].map(candidate));
  }
  // two persons on one account: nobody can tell which is which
  for (const [login, ps] of claimedBy) {
    if (ps.length < 2) continue;
    const a = byLogin.get(login) as KnownAccount;
    for (const p of ps) {
      p.login = null;
      ambiguous.set(p, [candidate(a)]);
    }
    claimedBy.delete(login);
  }

  // ---- classes -----------------------------------------------------------------------------
  const existingClasses = new Map(input.classes.map((c) => [c.toLowerCase(), c]));
  const fileClasses = new Map<string, string>();
  const addFileClass = (c: string | null) => {
    if (!c) return;
    const name = findClass(existingClasses, c) as string;
    if (!fileClasses.has(name.toLowerCase())) fileClasses.set(name.toLowerCase(), name);
  };
  for (const f of files) for (const c of f.classes) addFileClass(c);
  for (const p of persons) {
    if (!p.left) addFileClass(p.classe);
    for (const c of p.teaches) addFileClass(c);
  }
  const allClasses = new Map([...existingClasses, ...fileClasses]);

  // ---- per person --------------------------------------------------------------------------
  const item = (p: MergedPerson, actions: DiffAction[], extra: Partial<DiffItem> = {}): DiffItem => ({
    key: p.key,
    actions,
    login: p.login,
    profile: p.profile,
    displayName: `${p.givenName} ${p.surname}`.trim() || p.key,
    classe: p.profile === 'eleve' ? findClass(allClasses, p.classe) : null,
    changes: [],
    reason: null,
    candidates: [],
    where: p.where,
    file: p.file,
    ...extra,
  });
  const staysIn = new Map<string, number>();
  for (const a of accounts) if (a.profile === 'eleve' && a.classe && a.state !== 'deleted') staysIn.set(a.classe, (staysIn.get(a.classe) ?? 0) + 1);
  const leave = (from: string | null) => {
    if (from) staysIn.set(from, (staysIn.get(from) ?? 1) - 1);
  };

  for (const p of persons) {
    const cands = ambiguous.get(p);
    if (cands) {
      items.push(
        item(p, ['ambiguous'], {
          candidates: cands,
          reason: p.birthDate
            ? `Même nom qu’un compte existant dont la date de naissance est inconnue (né·e le ${frDate(p.birthDate)} d’après le fichier) : dites s’il s’agit de la même personne.`
            : 'Même nom qu’un compte existant, sans date de naissance pour trancher : dites s’il s’agit de la même personne.',
        }),
      );
      continue;
    }
    const a = p.login ? byLogin.get(p.login) : undefined;
    if (!a) {
      if (p.left) items.push(item(p, ['ignored'], { reason: `A quitté l’établissement${p.leftOn ? ` le ${frDate(p.leftOn)}` : ''} : pas de compte à créer.` }));
      else items.push(item(p, ['create']));
      continue;
    }
    if (family(a.profile) !== family(p.profile)) {
      items.push(
        item(p, ['error'], {
          reason: `Le compte « ${a.login} » correspondant est un compte ${a.profile === 'eleve' ? 'élève' : 'personnel'} alors que le fichier décrit ${p.profile === 'eleve' ? 'un élève' : 'un personnel'} : vérifiez la personne, puis corrigez le compte à la main.`,
        }),
      );
      continue;
    }
    if (p.left) {
      if (a.state === 'deleted') items.push(item(p, ['unchanged'], { displayName: a.displayName, classe: a.classe, reason: 'Déjà supprimé (départ).' }));
      else {
        leave(a.classe);
        items.push(
          item(p, ['disable'], {
            displayName: a.displayName,
            classe: a.classe,
            changes: [{ field: 'state', from: a.state, to: 'deleted' }],
            reason: `A quitté l’établissement${p.leftOn ? ` le ${frDate(p.leftOn)}` : ''}.`,
          }),
        );
      }
      continue;
    }
    const actions: DiffAction[] = [];
    const changes: FieldChange[] = [];
    if (a.state !== 'active') {
      actions.push('reactivate');
      changes.push({ field: 'state', from: a.state, to: 'active' });
    }
    if (p.givenName && p.givenName !== a.givenName) changes.push({ field: 'givenName', from: a.givenName, to: p.givenName });
    if (p.surname && p.surname !== a.surname) changes.push({ field: 'surname', from: a.surname, to: p.surname });
    if (p.profile === 'personnel' && p.staffFunction && p.staffFunction !== a.staffFunction) {
      changes.push({ field: 'staffFunction', from: a.staffFunction, to: p.staffFunction });
    }
    if (changes.some((c) => c.field !== 'state')) actions.push('update');
    const classe = p.profile === 'eleve' ? findClass(allClasses, p.classe) : null;
    if (p.profile === 'eleve' && classe && classe !== a.classe) {
      actions.push('move');
      changes.push({ field: 'classe', from: a.classe, to: classe });
      if (a.state !== 'deleted') leave(a.classe);
    }
    items.push(item(p, actions.length ? actions : ['unchanged'], { changes }));
  }

  // ---- departures: accounts absent from the files (rollover) -------------------------------
  const profiles = coveredProfiles(files);
  let untouchedManual = 0;
  if (mode === 'rollover') {
    const matched = new Set(persons.map((p) => p.login).filter((l): l is string => l !== null));
    const inAmbiguity = new Set([...ambiguous.values()].flat().map((c) => c.login));
    for (const a of accounts) {
      if (a.state === 'deleted' || matched.has(a.login) || inAmbiguity.has(a.login) || !profiles.includes(a.profile)) continue;
      if (!isImported(a)) {
        untouchedManual++;
        continue;
      }
      leave(a.classe);
      items.push({
        key: `login:${a.login}`,
        actions: ['disable'],
        login: a.login,
        profile: a.profile,
        displayName: a.displayName,
        classe: a.classe,
        changes: [{ field: 'state', from: a.state, to: 'deleted' }],
        reason: 'Absent des fichiers de la rentrée.',
        candidates: [],
        where: null,
        file: null,
      });
    }
  }

  // ---- record errors -----------------------------------------------------------------------
  let n = 0;
  for (const f of files) {
    for (const e of f.errors) {
      items.push({
        key: e.key ?? `erreur:${++n}`,
        actions: ['error'],
        login: null,
        profile: 'eleve',
        displayName: e.key ?? e.where,
        classe: null,
        changes: [],
        reason: e.message,
        candidates: [],
        where: e.where,
        file: e.file,
      });
    }
  }

  // ---- classes to create and remove --------------------------------------------------------
  const create = [...fileClasses.values()].filter((c) => !existingClasses.has(c.toLowerCase())).sort(collate);
  const remove =
    mode === 'rollover' && profiles.includes('eleve')
      ? input.classes.filter((c) => !fileClasses.has(c.toLowerCase()) && (staysIn.get(c) ?? 0) <= 0).sort(collate)
      : [];

  // ---- teaching teams ----------------------------------------------------------------------
  const teams: TeamChange[] = [];
  const teacherFiles = files.filter((f) => f.kind === 'sts' || f.kind === 'aaf-perseducnat' || (f.kind === 'csv' && f.persons.some((p) => p.teaches.length > 0)));
  if (teacherFiles.length > 0) {
    const teamClasses = new Map<string, string>();
    for (const f of teacherFiles) for (const c of f.classes) teamClasses.set(c.toLowerCase(), findClass(allClasses, c) as string);
    const teachersOf = new Map<string, MergedPerson[]>();
    for (const p of persons) {
      if (p.profile === 'eleve' || p.left || ambiguous.has(p)) continue;
      for (const c of p.teaches) {
        const name = findClass(allClasses, c) as string;
        teamClasses.set(name.toLowerCase(), name);
        teachersOf.set(name.toLowerCase(), [...(teachersOf.get(name.toLowerCase()) ?? []), p]);
      }
    }
    for (const [lower, classe] of [...teamClasses].sort((x, y) => collate(x[1], y[1]))) {
      if (remove.includes(classe)) continue;
      const wanted = teachersOf.get(lower) ?? [];
      const { kept, added, removed } = membership(wanted, input.teams.get(classe) ?? [], byLogin);
      if (added.length === 0 && removed.length === 0) continue;
      teams.push({
        classe,
        teachers: [
          ...wanted.map((p) => ({ key: p.key, login: p.login, displayName: `${p.givenName} ${p.surname}` })),
          ...kept.map((l) => ({ key: `login:${l}`, login: l, displayName: byLogin.get(l)?.displayName ?? l })),
        ],
        added,
        removed,
      });
    }
  }

  // ---- groups of the structure (pupils' SIECLE type G / AAF groups) ------------------------
  const groupSet: GroupChange[] = [];
  const groupRemove: string[] = [];
  if (profiles.includes('eleve') || files.some((f) => f.persons.some((p) => p.profile === 'eleve' && p.groups.length > 0))) {
    const wanted = new Map<string, { label: string; members: MergedPerson[] }>();
    for (const p of persons) {
      if (p.profile !== 'eleve' || p.left || ambiguous.has(p)) continue;
      for (const g of p.groups) {
        const slug = groupSlug(g);
        if (!slug) continue;
        const entry = wanted.get(slug) ?? { label: g, members: [] };
        entry.members.push(p);
        wanted.set(slug, entry);
      }
    }
    const current = new Map(input.groups.map((g) => [g.slug, g]));
    for (const [slug, w] of [...wanted].sort((x, y) => collate(x[1].label, y[1].label))) {
      const now = current.get(slug);
      const { kept, added, removed } = membership(w.members, now?.members ?? [], byLogin);
      if (now && added.length === 0 && removed.length === 0) continue;
      groupSet.push({
        label: w.label,
        members: [...w.members.map((p) => ({ key: p.key, login: p.login })), ...kept.map((l) => ({ key: `login:${l}`, login: l }))],
        added,
        removed,
      });
    }
    if (mode === 'rollover' && profiles.includes('eleve')) for (const g of input.groups) if (!wanted.has(g.slug)) groupRemove.push(g.name);
  }

  const counts = Object.fromEntries(Object.keys(DIFF_ACTION_LABELS).map((k) => [k, 0])) as Record<DiffAction, number>;
  for (const it of items) for (const a of it.actions) counts[a]++;
  items.sort((x, y) => ORDER[x.actions[0] as DiffAction] - ORDER[y.actions[0] as DiffAction] || collate(x.displayName, y.displayName));
  return { diff: { mode, counts, items, classes: { create, remove }, teams, groups: { set: groupSet, remove: groupRemove }, profiles, untouchedManual }, persons };
}

/** An account that an import made or recognised (it carries a national id or a recorded link). */
function isImported(a: KnownAccount | undefined): boolean {
  return a !== undefined && (a.nationalId !== null || a.ids.length > 0);
}

/**
 * A team or group the files describe, against its current members: who comes in, who goes (only
 * imported accounts: members added by hand are kept).
 */
function membership(wanted: MergedPerson[], current: string[], byLogin: Map<string, KnownAccount>): { kept: string[]; added: string[]; removed: string[] } {
  const logins = new Set(wanted.map((p) => p.login).filter((l): l is string => l !== null));
  const imported = (login: string) => isImported(byLogin.get(login));
  return {
    kept: current.filter((l) => !imported(l) && !logins.has(l)),
    added: wanted.filter((p) => !p.login || !current.includes(p.login)).map((p) => p.login ?? `${p.givenName} ${p.surname}`),
    removed: current.filter((l) => imported(l) && !logins.has(l)),
  };
}

/** The slug of a group code, as the directory names the group (`groupe-<slug>`). */
export const groupSlug = classSlug;

const ORDER: Record<DiffAction, number> = { error: 0, ambiguous: 1, create: 2, reactivate: 3, move: 4, update: 5, disable: 6, ignored: 7, unchanged: 8 };
const collator = new Intl.Collator('fr', { numeric: true, sensitivity: 'base' });
function collate(a: string, b: string): number {
  return collator.compare(a, b);
}
