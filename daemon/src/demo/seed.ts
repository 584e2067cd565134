import type { DirectoryService, NewUser } from '../directory/index.ts';

/**
 * The embedded demo school: three classes with their pupils and teaching teams, a few staff,
 * created through the directory service (as an import would) so that the console has something
 * real to show. Idempotent: people are matched by their (demo) national id.
 */
export interface DemoAccount {
  login: string;
  displayName: string;
  profile: 'enseignant' | 'eleve' | 'personnel';
  classe?: string;
  password: string;
}

const CLASSES: Record<string, [string, string][]> = {
  '6A': [
    ['Zoé', 'Lefèvre'],
    ['Noé', 'Dubois'],
    ['Léa', 'Martin'],
    ['Jules', 'Bernard'],
    ['Inès', 'Moreau'],
    ['Adam', 'Laurent'],
  ],
  '5B': [
    ['Hugo', 'Petit'],
    ['Chloé', 'Garnier'],
    ['Théo', 'Roux'],
    ['Manon', 'Faure'],
    ['Nathan', 'Fournier'],
  ],
  '4C': [
    ['Camille', 'Girard'],
    ['Lucas', 'Bonnet'],
    ['Jade', 'Dupont'],
    ['Louis', 'Lambert'],
    ['Maël', 'N’Diaye'],
  ],
};

const TEACHERS: { given: string; sn: string; classes: string[] }[] = [
  { given: 'Marie', sn: 'Curie', classes: ['6A', '4C'] },
  { given: 'Louis', sn: 'Pasteur', classes: ['6A', '5B'] },
  { given: 'Olympe', sn: 'de Gouges', classes: ['5B', '4C'] },
];

const STAFF: { given: string; sn: string; fn: 'direction' | 'vie-scolaire' | 'documentation' }[] = [
  { given: 'Jean', sn: 'Moulin', fn: 'direction' },
  { given: 'Lucie', sn: 'Aubrac', fn: 'vie-scolaire' },
  { given: 'Jacques', sn: 'Prévert', fn: 'documentation' },
];

export async function seedDemoSchool(directory: DirectoryService): Promise<DemoAccount[]> {
  const existing = new Set((await directory.listClasses()).map((c) => c.name));
  for (const classe of Object.keys(CLASSES)) if (!existing.has(classe)) await directory.createClass(classe);
  const people: (NewUser & { classes?: string[] })[] = [];
  let n = 0;
  const id = () => `CSV:demo-${String(++n).padStart(3, '0')}`;
  for (const t of TEACHERS) people.push({ givenName: t.given, surname: t.sn, profile: 'enseignant', nationalId: id(), mustChange: false, classes: t.classes });
  for (const s of STAFF) people.push({ givenName: s.given, surname: s.sn, profile: 'personnel', staffFunction: s.fn, nationalId: id(), mustChange: false });
  for (const [classe, names] of Object.entries(CLASSES)) {
    for (const [given, sn] of names) people.push({ givenName: given, surname: sn, profile: 'eleve', classe, nationalId: id(), mustChange: false });
  }
  const results = await directory.createUsers(people, { onExisting: 'keep' });
  const accounts: DemoAccount[] = [];
  for (const [i, r] of results.entries()) {
    if (!r.ok) throw new Error(`demo seed: ${r.message}`);
    const p = people[i] as NewUser;
    // an account from an earlier, interrupted seed: give it a known password again
    const password = r.password ?? (await directory.resetPassword(r.user.login, { mustChange: false })).password;
    accounts.push({
      login: r.user.login,
      displayName: r.user.displayName,
      profile: p.profile,
      ...(p.classe ? { classe: p.classe } : {}),
      password,
    });
  }
  for (const classe of Object.keys(CLASSES)) {
    const team = TEACHERS.map((t, i) => (t.classes.includes(classe) ? accounts[i]?.login : undefined)).filter((l): l is string => Boolean(l));
    await directory.setClassTeachers(classe, team);
  }
  return accounts;
}
