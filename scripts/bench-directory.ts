/**
 * Directory benchmark (npm run bench:directory).
 *
 *   node scripts/bench-directory.ts [--count N]        (default 1000)
 *
 * 1. Raw baseline: N pupil entries (the same attributes the service writes, password included)
 *    plus the two group changes that add them to their groups, as ONE LDIF sent with `ldapadd`
 *    over LDAPS — the DC's own limit.
 * 2. The same N people created through DirectoryService.createUsers (logins, uid numbers,
 *    passwords, group memberships, SQLite bookkeeping). Prints both and the ratio (target ≤ 1.5).
 * 3. N more accounts through the service (2N in all), then searches through the HTTP API
 *    (real HTTP, an administrator session): p50/p95 over varied queries (target p95 ≤ 100 ms),
 *    next to the same searches as raw LDAP substring searches on the DC.
 *
 * Uses the DC named by $TROUSSE_HARNESS (scripts/dev-dc.ts) or starts the tests' shared DC itself
 * (only one DC can run on the machine). Prints a French table and a last line `BENCH_JSON {...}`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../daemon/src/app.ts';
import { createLogger } from '../daemon/src/core/logger.ts';
import { escapeDnValue, filter } from '../daemon/src/dc/escape.ts';
import { pupilPassword } from '../daemon/src/directory/passwords.ts';
import { ldapTool, testConfig, treeDelete } from '../tests/helpers.ts';
import { benchDc, secs } from './bench-common.ts';

const TARGET_RATIO = 1.5;
const TARGET_P95_MS = 100;

const countArg = process.argv.indexOf('--count');
const N = countArg > 0 ? Number(process.argv[countArg + 1]) : 1000;
if (!Number.isInteger(N) || N < 10 || N > 20_000) {
  console.error('--count attend un nombre entier entre 10 et 20000.');
  process.exit(2);
}

const GIVEN = ['Léa', 'Hugo', 'Chloé', 'Noé', 'Inès', 'Théo', 'Zoé', 'Maël', 'Jade', 'Louis', 'Emma', 'Gabriel', 'Anaïs', 'Raphaël', 'Lina'];
const SURNAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier'];

function person(i: number, tag: string) {
  return {
    givenName: GIVEN[i % GIVEN.length] as string,
    surname: `${SURNAMES[Math.floor(i / GIVEN.length) % SURNAMES.length]}${tag}`,
  };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;

const { h, stop } = await benchDc();
const work = mkdtempSync(join(tmpdir(), 'trousse-bench-dir-'));
const tag = Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, 'x');
const app = await buildApp(
  testConfig(work, h, {
    auth: { teacherGroup: `ens-${tag}` },
    directory: { ou: `bench-${tag}`, groupPrefix: `${tag}-`, pupilsGroup: `elv-${tag}`, staffGroup: `pers-${tag}`, firstUidNumber: 500_000, firstGidNumber: 500_000 },
  }),
  { logger: createLogger('silent') },
);
const results: Record<string, number> = {};
try {
  await app.start();
  const d = app.directory;
  const base = app.dc.identity.baseDn;
  await d.createClass('Bench');
  await d.createClass('Bench2');
  const settings = d.settings();

  // ---- 1. raw LDIF through ldapadd ----
  const rawOu = `OU=raw-${tag},${base}`;
  const lines: string[] = [`dn: ${rawOu}`, 'objectClass: top', 'objectClass: organizationalUnit', '', `dn: CN=raw-grp1-${tag},${rawOu}`, 'objectClass: top', 'objectClass: group', `sAMAccountName: raw-grp1-${tag}`, 'gidNumber: 600001', '', `dn: CN=raw-grp2-${tag},${rawOu}`, 'objectClass: top', 'objectClass: group', `sAMAccountName: raw-grp2-${tag}`, 'gidNumber: 600002', ''];
  const setup = lines.join('\n');
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const users: string[] = [];
  const dns: string[] = [];
  for (let i = 0; i < N; i++) {
    const p = person(i, 'raw');
    const login = `raw${tag}${i}`;
    const dn = `CN=${escapeDnValue(login)},${rawOu}`;
    dns.push(dn);
    users.push(
      [
        `dn: ${dn}`,
        'changetype: add',
        'objectClass: top',
        'objectClass: person',
        'objectClass: organizationalPerson',
        'objectClass: user',
        `sAMAccountName: ${login}`,
        `userPrincipalName: ${login}@${app.dc.identity.dnsDomain}`,
        `givenName:: ${b64(p.givenName)}`,
        `sn:: ${b64(p.surname)}`,
        `displayName:: ${b64(`${p.givenName} ${p.surname}`)}`,
        'employeeType: eleve',
        `employeeNumber: CSV:raw-${i}`,
        `uidNumber: ${600_000 + i}`,
        'gidNumber: 600001',
        `unixHomeDirectory: /srv/trousse/homes/${login}`,
        'loginShell: /bin/bash',
        'userAccountControl: 512',
        `unicodePwd:: ${Buffer.from(`"${pupilPassword(settings.pupilPasswordLength)}"`, 'utf16le').toString('base64')}`,
        '',
      ].join('\n'),
    );
  }
  const members = (grp: string) => [`dn: CN=${grp},${rawOu}`, 'changetype: modify', 'add: member', ...dns.map((dn) => `member: ${dn}`), '-', ''].join('\n');
  const setupFile = join(work, 'setup.ldif');
  const rawFile = join(work, 'raw.ldif');
  writeFileSync(setupFile, setup);
  writeFileSync(rawFile, [...users, members(`raw-grp1-${tag}`), members(`raw-grp2-${tag}`)].join('\n'));
  await ldapTool('ldapadd', ['-f', setupFile]);
  let t0 = performance.now();
  await ldapTool('ldapmodify', ['-f', rawFile]);
  results.rawMs = performance.now() - t0;

  // ---- 2. through the service ----
  const people = Array.from({ length: N }, (_, i) => ({ ...person(i, 'srv'), profile: 'eleve' as const, classe: 'Bench', nationalId: `CSV:srv-${i}`, mustChange: false }));
  t0 = performance.now();
  const created = await d.createUsers(people);
  results.serviceMs = performance.now() - t0;
  const failed = created.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`${failed.length} échecs : ${JSON.stringify(failed[0])}`);
  results.ratio = results.serviceMs / results.rawMs;

  // ---- 3. 2N accounts, searches through the API ----
  const more = Array.from({ length: N }, (_, i) => ({ ...person(i + 7, 'bis'), profile: 'eleve' as const, classe: 'Bench2', nationalId: `CSV:bis-${i}`, mustChange: false }));
  t0 = performance.now();
  await d.createUsers(more);
  results.service2Ms = performance.now() - t0;
  await app.auth.createAdmin('bench', 'Bench', 'Un-mot-de-passe-de-bench-42');
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const loginRes = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'bench', password: 'Un-mot-de-passe-de-bench-42' }),
  });
  const cookie = (loginRes.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const queries = [
    '',
    'martin',
    'léa',
    'zoe',
    'lefevre',
    'hugo dubois',
    'srv-12',
    'bench2',
    'ra',
    'inès',
    'garcia',
    'gabriel roux',
    'x',
    'michel',
    'th',
  ];
  const apiTimes: number[] = [];
  const ldapTimes: number[] = [];
  const root = d.layout.root;
  // warm-up (first mirror load, JIT)
  await fetch(`${url}/api/v1/directory/users?pageSize=50`, { headers: { cookie } });
  for (let round = 0; round < 14; round++) {
    for (const [qi, q] of queries.entries()) {
      const page = 1 + ((round + qi) % 3);
      const t1 = performance.now();
      const r = await fetch(`${url}/api/v1/directory/users?q=${encodeURIComponent(q)}&page=${page}&pageSize=50&state=all`, { headers: { cookie } });
      const body = (await r.json()) as { total: number };
      apiTimes.push(performance.now() - t1);
      if (r.status !== 200 || typeof body.total !== 'number') throw new Error(`API ${r.status}`);
      const t2 = performance.now();
      const f = q ? filter`(&(objectClass=user)(|(displayName=*${q}*)(sAMAccountName=*${q}*)))` : '(objectClass=user)';
      await app.dc.ldap.withClient((c) =>
        c.search(root, { scope: 'sub', filter: f, attributes: ['sAMAccountName', 'displayName', 'employeeType', 'uidNumber', 'userAccountControl'], paged: { pageSize: 1000 } }),
      );
      ldapTimes.push(performance.now() - t2);
    }
  }
  results.apiP50 = pct(apiTimes, 50);
  results.apiP95 = pct(apiTimes, 95);
  results.ldapP50 = pct(ldapTimes, 50);
  results.ldapP95 = pct(ldapTimes, 95);
  results.searches = apiTimes.length;

  console.log(`\nAnnuaire — ${N} comptes (${app.dc.identity.realm})`);
  console.log(`  Création, référence LDIF brut (ldapmodify, LDAPS) : ${secs(results.rawMs)}  (${ms(results.rawMs / N)} par compte)`);
  console.log(`  Création par le service (createUsers)             : ${secs(results.serviceMs)}  (${ms(results.serviceMs / N)} par compte)`);
  console.log(`  Rapport service / brut                           : ${results.ratio.toFixed(2)}  (objectif ≤ ${TARGET_RATIO}) ${results.ratio <= TARGET_RATIO ? 'OK' : 'HORS OBJECTIF'}`);
  console.log(`  ${N} comptes de plus par le service (${2 * N} au total) : ${secs(results.service2Ms)}`);
  console.log(`  Recherche par l’API sur ${2 * N} comptes (${results.searches} requêtes HTTP) : p50 ${ms(results.apiP50)}, p95 ${ms(results.apiP95)}  (objectif p95 ≤ ${TARGET_P95_MS} ms) ${results.apiP95 <= TARGET_P95_MS ? 'OK' : 'HORS OBJECTIF'}`);
  console.log(`  Référence : la même recherche en LDAP brut (sous-chaîne)          : p50 ${ms(results.ldapP50)}, p95 ${ms(results.ldapP95)}`);
  console.log(`BENCH_JSON ${JSON.stringify({ count: N, ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v * 100) / 100])) })}`);
} finally {
  await app.close();
  // tree deletes of thousands of accounts outlast one LDAP operation's timeout: ldapdelete does them
  for (const dn of [`OU=raw-${tag},${app.dc.identity.baseDn}`, `OU=bench-${tag},${app.dc.identity.baseDn}`]) await treeDelete(dn).catch((err) => console.error(String(err)));
  rmSync(work, { recursive: true, force: true });
  await stop();
}
