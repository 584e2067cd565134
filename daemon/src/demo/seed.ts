import { Attribute } from 'ldapts';
import type { LdapConnection } from '../dc/ldap.ts';
import { escapeDnValue } from '../dc/escape.ts';
import { generatePassword } from '../core/passwords.ts';

/**
 * The embedded demo school: a few classes, teachers and pupils, created once in the demo's own
 * domain so that the console has something real to show. (The directory capability will own
 * accounts; this seed only writes plain LDAP entries over the shared LDAPS connection.)
 */
export interface DemoAccount {
  login: string;
  displayName: string;
  profile: 'enseignant' | 'eleve';
  classe?: string;
  password: string;
}

const TEACHERS = [
  { given: 'Marie', sn: 'Curie', classes: ['6A'] },
  { given: 'Louis', sn: 'Pasteur', classes: ['6A', '5B'] },
];
const PUPILS: Record<string, [string, string][]> = {
  '6A': [
    ['Zoé', 'Lefèvre'],
    ['Noé', 'Dubois'],
    ['Léa', 'Martin'],
  ],
  '5B': [
    ['Hugo', 'Petit'],
    ['Chloé', 'Garnier'],
    ['Théo', 'Roux'],
  ],
};

function loginOf(given: string, sn: string): string {
  return `${given}.${sn}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '');
}

function pwdAttr(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

/** Deletes an LDAP subtree, deepest entries first. */
async function deleteSubtree(ldap: LdapConnection, root: string): Promise<void> {
  const entries = await ldap.search(root, { scope: 'sub', filter: '(objectClass=*)', attributes: ['dn'] }).catch(() => []);
  const depth = (dn: string) => dn.split(/(?<!\\),/).length;
  const dns = entries.map((e) => e.dn).sort((a, b) => depth(b) - depth(a));
  await ldap.withClient(async (c) => {
    for (const dn of dns) await c.del(dn);
  });
}

/**
 * Creates the demo school once. `complete` tells whether a previous seed finished (its accounts
 * file exists); an unfinished one is removed and redone, so the seed is all-or-nothing.
 */
export async function seedDemoSchool(
  ldap: LdapConnection,
  baseDn: string,
  realm: string,
  complete: boolean,
): Promise<DemoAccount[] | null> {
  const root = `OU=Etablissement,${baseDn}`;
  const exists = await ldap
    .search(root, { scope: 'base', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] })
    .then((r) => r.length > 0)
    .catch(() => false);
  if (exists && complete) return null;
  if (exists) await deleteSubtree(ldap, root);

  const accounts: DemoAccount[] = [];
  await ldap.withClient(async (c) => {
    const ou = (dn: string, name: string) => c.add(dn, { objectClass: ['top', 'organizationalUnit'], ou: name });
    await ou(root, 'Etablissement');
    for (const sub of ['Eleves', 'Enseignants', 'Personnels', 'Groupes', 'Ordinateurs']) await ou(`OU=${sub},${root}`, sub);
    for (const classe of Object.keys(PUPILS)) await ou(`OU=${escapeDnValue(classe)},OU=Eleves,${root}`, classe);

    let uid = 30_000;
    const addUser = async (parent: string, given: string, sn: string, profile: DemoAccount['profile'], classe?: string) => {
      const login = loginOf(given, sn);
      const password = profile === 'eleve' ? generatePassword(8) : generatePassword(14);
      const dn = `CN=${escapeDnValue(`${given} ${sn}`)},${parent}`;
      const attrs: Record<string, string | string[]> = {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: login,
        userPrincipalName: `${login}@${realm.toLowerCase()}`,
        givenName: given,
        sn,
        displayName: `${given} ${sn}`,
        uidNumber: String(++uid),
        gidNumber: '100',
        userAccountControl: '512',
      };
      await c.add(dn, [
        ...Object.entries(attrs).map(([type, v]) => new Attribute({ type, values: Array.isArray(v) ? v : [v] })),
        new Attribute({ type: 'unicodePwd', values: [pwdAttr(password)] }),
      ]);
      accounts.push({ login, displayName: `${given} ${sn}`, profile, ...(classe ? { classe } : {}), password });
      return dn;
    };

    const teacherDns: Record<string, string[]> = {};
    const allTeachers: string[] = [];
    for (const t of TEACHERS) {
      const dn = await addUser(`OU=Enseignants,${root}`, t.given, t.sn, 'enseignant');
      allTeachers.push(dn);
      for (const k of t.classes) teacherDns[k] = [...(teacherDns[k] ?? []), dn];
    }
    const allPupils: string[] = [];
    const classDns: Record<string, string[]> = {};
    for (const [classe, names] of Object.entries(PUPILS)) {
      for (const [given, sn] of names) {
        const dn = await addUser(`OU=${escapeDnValue(classe)},OU=Eleves,${root}`, given, sn, 'eleve', classe);
        allPupils.push(dn);
        classDns[classe] = [...(classDns[classe] ?? []), dn];
      }
    }
    let gid = 20_000;
    const addGroup = (name: string, description: string, members: string[]) =>
      c.add(`CN=${escapeDnValue(name)},OU=Groupes,${root}`, {
        objectClass: ['top', 'group'],
        sAMAccountName: name,
        description,
        gidNumber: String(++gid),
        groupType: '-2147483646',
        ...(members.length > 0 ? { member: members } : {}),
      });
    await addGroup('enseignants', 'Tous les enseignants', allTeachers);
    await addGroup('eleves', 'Tous les élèves', allPupils);
    for (const classe of Object.keys(PUPILS)) {
      await addGroup(`classe-${classe.toLowerCase()}`, `Élèves de la classe ${classe}`, classDns[classe] ?? []);
      await addGroup(`equipe-${classe.toLowerCase()}`, `Équipe pédagogique de la classe ${classe}`, teacherDns[classe] ?? []);
    }
  });
  return accounts;
}
