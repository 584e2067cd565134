/**
 * Import benchmark (npm run bench:import).
 *
 *   node scripts/bench-import.ts [--pupils N] [--big N]        (defaults 1000 and 10000)
 *
 * 1. Raw baseline: the same directory content as ONE LDIF sent with `ldapmodify` over LDAPS —
 *    class OUs, class and team groups, N pupils + 80 teachers with their passwords, then the
 *    memberships (class groups, profile groups, teams): the DC's own limit.
 * 2. A generated SIECLE file of N pupils in 40 classes and an STS file of 80 teachers, imported
 *    into an empty directory through the ImportService: read, analyse (diff), apply. Ratio of the
 *    full import to the raw ldapmodify (target ≤ 1.5).
 * 3. The same files again: read + analyse + apply of zero operations (target ≤ 3 s).
 * 4. In a child process, a daemon reads and analyses a generated SIECLE file of `--big` pupils:
 *    its peak RSS (target ≤ 250 MB), next to the same daemon's RSS once started (baseline).
 *
 * Uses the DC named by $TROUSSE_HARNESS (scripts/dev-dc.ts) or starts the tests' shared DC itself
 * (only one DC can run on the machine). Prints a French table and a last line `BENCH_JSON {...}`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type TrousseApp } from '../daemon/src/app.ts';
import { createLogger } from '../daemon/src/core/logger.ts';
import { escapeDnValue } from '../daemon/src/dc/escape.ts';
import { pupilPassword, staffPassword } from '../daemon/src/directory/passwords.ts';
import type { HarnessInfo } from '../tests/harness/shared-dc.ts';
import { ldapTool, testConfig, treeDelete } from '../tests/helpers.ts';
import { benchDc, secs } from './bench-common.ts';
import { makeSchool, siecleXml, stsXml } from '../tests/imports/generate.ts';

const TARGET_RATIO = 1.5;
const TARGET_REIMPORT_MS = 3000;
const TARGET_RSS_MB = 250;

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v < 40 || v > 50_000) {
    console.error(`${name} attend un nombre entier entre 40 et 50000.`);
    process.exit(2);
  }
  return v;
}

// ---- child mode: a daemon that reads and analyses one big file, then reports its peak RSS ----
if (process.argv[2] === '--child-rss') {
  const [, , , harnessFile, work, file] = process.argv;
  const h = JSON.parse(readFileSync(harnessFile as string, 'utf8')) as HarnessInfo;
  const tag = `rss${Math.random().toString(36).slice(2, 7).replace(/[0-9]/g, 'x')}`;
  const app = await buildApp(testConfig(work as string, h, overrides(tag)), { logger: createLogger('silent') });
  await app.start();
  await app.directory.listClasses();
  const idle = process.memoryUsage().rss;
  const actor = { role: 'administrator' as const, login: 'bench', name: 'bench' };
  const run = app.imports.createRun('rollover', actor);
  const t0 = performance.now();
  await app.imports.addFile(run.id, file as string, 'ElevesSansAdresses.xml');
  const view = await app.imports.analyse(run.id);
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  await app.close();
  await treeDelete(`OU=${escapeDnValue(app.config.directory.ou)},${app.dc.identity.baseDn}`);
  process.stdout.write(`${JSON.stringify({ idle, peak, ms, create: view.diff?.counts.create ?? 0 })}\n`);
  process.exit(0);
}

function overrides(tag: string): Record<string, unknown> {
  return {
    auth: { teacherGroup: `ens-${tag}` },
    directory: { ou: `bench-${tag}`, groupPrefix: `${tag}-`, pupilsGroup: `elv-${tag}`, staffGroup: `pers-${tag}`, firstUidNumber: 700_000, firstGidNumber: 700_000 },
  };
}

const mb = (x: number): string => `${(x / 1024 / 1024).toFixed(0)} Mo`;

const N = arg('--pupils', 1000);
const BIG = arg('--big', 10_000);
const { h, harnessFile, stop } = await benchDc();
const work = mkdtempSync(join(tmpdir(), 'trousse-bench-imp-'));
const tag = Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, 'x');
const results: Record<string, number> = {};
let app: TrousseApp | null = null;
const base = () => (app as TrousseApp).dc.identity.baseDn;
try {
  const school = makeSchool({ seed: 2026, uai: h.school.uai, classes: 40, pupils: N, teachers: 80, staff: 0, homonyms: 0 });
  const siecleFile = join(work, 'ElevesSansAdresses.xml');
  const stsFile = join(work, `sts_emp_${h.school.uai}_2026.xml`);
  writeFileSync(siecleFile, siecleXml(school, { encoding: 'ISO-8859-15' }));
  writeFileSync(stsFile, stsXml(school, { encoding: 'ISO-8859-15' }));
  const people = school.pupils.length + school.teachers.length;

  app = await buildApp(testConfig(work, h, overrides(tag)), { logger: createLogger('silent') });
  await app.start();
  const identity = app.dc.identity;

  // ---- 1. raw LDIF through ldapmodify: the same content as the import makes ----
  // class OUs, a class group and a teaching-team group per class, users (pupils in their class
  // OU), then the memberships: class groups, the two profile groups, the teams.
  const rawOu = `OU=raw-${tag},${base()}`;
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  writeFileSync(join(work, 'setup.ldif'), [`dn: ${rawOu}`, 'objectClass: top', 'objectClass: organizationalUnit', ''].join('\n'));
  let gid = 800_000;
  const group = (cn: string) => [`dn: CN=${cn},${rawOu}`, 'changetype: add', 'objectClass: top', 'objectClass: group', `sAMAccountName: ${cn}`, `gidNumber: ${++gid}`, 'groupType: -2147483646', ''].join('\n');
  const ldif: string[] = [];
  const classDn = new Map<string, string>();
  for (const [i, c] of school.classes.entries()) {
    const dn = `OU=${escapeDnValue(c)},${rawOu}`;
    classDn.set(c, dn);
    ldif.push([`dn: ${dn}`, 'changetype: add', 'objectClass: top', 'objectClass: organizationalUnit', ''].join('\n'), group(`raw${tag}c${i}`), group(`raw${tag}e${i}`));
  }
  ldif.push(group(`raw${tag}pupils`), group(`raw${tag}teachers`));
  const members = new Map<string, string[]>();
  const addMember = (g: string, dn: string) => members.set(g, [...(members.get(g) ?? []), dn]);
  const entries = [...school.pupils.map((p, i) => ({ ...p, i, pupil: true })), ...school.teachers.map((p, i) => ({ ...p, i: i + 100_000, pupil: false }))];
  for (const p of entries) {
    const login = `raw${tag}${p.i}`;
    const dn = `CN=${login},${p.pupil ? classDn.get((p as { classe: string }).classe) : rawOu}`;
    if (p.pupil) {
      addMember(`raw${tag}c${school.classes.indexOf((p as { classe: string }).classe)}`, dn);
      addMember(`raw${tag}pupils`, dn);
    } else {
      addMember(`raw${tag}teachers`, dn);
      for (const c of (p as { classes: string[] }).classes) addMember(`raw${tag}e${school.classes.indexOf(c)}`, dn);
    }
    ldif.push(
      [
        `dn: ${dn}`,
        'changetype: add',
        'objectClass: top',
        'objectClass: person',
        'objectClass: organizationalPerson',
        'objectClass: user',
        `sAMAccountName: ${login}`,
        `userPrincipalName: ${login}@${identity.dnsDomain}`,
        `givenName:: ${b64(p.givenName)}`,
        `sn:: ${b64(p.surname)}`,
        `displayName:: ${b64(`${p.givenName} ${p.surname}`)}`,
        `employeeType: ${p.pupil ? 'eleve' : 'enseignant'}`,
        `employeeNumber: CSV:raw-${p.i}`,
        `uidNumber: ${800_000 + p.i}`,
        'gidNumber: 800000',
        `unixHomeDirectory: /srv/trousse/homes/${login}`,
        'loginShell: /bin/bash',
        'userAccountControl: 512',
        ...(p.pupil ? [] : ['pwdLastSet: 0']),
        `unicodePwd:: ${Buffer.from(`"${p.pupil ? pupilPassword(8) : staffPassword(14)}"`, 'utf16le').toString('base64')}`,
        '',
      ].join('\n'),
    );
  }
  for (const [g, dns] of members) ldif.push([`dn: CN=${g},${rawOu}`, 'changetype: modify', 'add: member', ...dns.map((dn) => `member: ${dn}`), '-', ''].join('\n'));
  writeFileSync(join(work, 'raw.ldif'), ldif.join('\n'));
  await ldapTool('ldapadd', ['-f', join(work, 'setup.ldif')]);
  let t0 = performance.now();
  await ldapTool('ldapmodify', ['-f', join(work, 'raw.ldif')]);
  results.rawMs = performance.now() - t0;

  // ---- 2. the import ----
  const actor = { role: 'administrator' as const, login: 'bench', name: 'bench' };
  const imports = app.imports;
  let run = imports.createRun('rollover', actor);
  t0 = performance.now();
  await imports.addFile(run.id, siecleFile, 'ElevesSansAdresses.xml');
  await imports.addFile(run.id, stsFile, 'sts_emp.xml');
  results.readMs = performance.now() - t0;
  let t1 = performance.now();
  let view = await imports.analyse(run.id);
  results.diffMs = performance.now() - t1;
  if (view.diff?.counts.create !== people) throw new Error(`${view.diff?.counts.create} créations au lieu de ${people}`);
  t1 = performance.now();
  await imports.apply(run.id, {}, actor);
  view = await imports.settled(run.id);
  results.applyMs = performance.now() - t1;
  results.importMs = performance.now() - t0;
  if (view.state !== 'applied' || (view.report?.failed ?? 1) > 0) throw new Error(`import : ${view.state} ${view.error ?? ''} ${view.report?.failed} échecs`);
  results.ratio = results.importMs / results.rawMs;

  // ---- 3. the same files again ----
  run = imports.createRun('rollover', actor);
  t0 = performance.now();
  await imports.addFile(run.id, siecleFile, 'ElevesSansAdresses.xml');
  await imports.addFile(run.id, stsFile, 'sts_emp.xml');
  view = await imports.analyse(run.id);
  await imports.apply(run.id, {}, actor);
  view = await imports.settled(run.id);
  results.reimportMs = performance.now() - t0;
  const c = view.diff?.counts;
  results.reimportChanges = (c?.create ?? 0) + (c?.update ?? 0) + (c?.move ?? 0) + (c?.disable ?? 0) + (c?.reactivate ?? 0) + (view.report?.operations ?? 0);

  // ---- 4. peak RSS on a big file, in a child daemon ----
  const big = makeSchool({ seed: 10_000, uai: h.school.uai, classes: Math.max(40, Math.round(BIG / 25)), pupils: BIG, teachers: 0, staff: 0, homonyms: 0 });
  const bigFile = join(work, 'big.xml');
  writeFileSync(bigFile, siecleXml(big, { encoding: 'ISO-8859-15' }));
  results.bigPupils = big.pupils.length;
  results.bigFileMb = readFileSync(bigFile).length / 1024 / 1024;
  const childWork = mkdtempSync(join(tmpdir(), 'trousse-bench-rss-'));
  const out = await new Promise<string>((resolve, reject) => {
    // the daemon's own V8 flag (systemd/trousse.service, scripts/demo.sh)
    const child = spawn(process.execPath, ['--max-semi-space-size=8', process.argv[1] as string, '--child-rss', harnessFile as string, childWork, bigFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => {
      text += String(d);
    });
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`enfant : code ${code}`))));
  });
  rmSync(childWork, { recursive: true, force: true });
  const rss = JSON.parse(out.trim().split('\n').pop() as string) as { idle: number; peak: number; ms: number; create: number };
  results.bigIdleRss = rss.idle;
  results.bigPeakRss = rss.peak;
  results.bigAnalyseMs = rss.ms;

  console.log('');
  console.log(`Import de ${school.pupils.length} élèves (40 classes) et ${school.teachers.length} enseignants, annuaire vide`);
  console.log(`  référence : ldapmodify brut des mêmes comptes      ${secs(results.rawMs)}`);
  console.log(`  lecture des fichiers                               ${secs(results.readMs)}`);
  console.log(`  analyse (différences)                              ${secs(results.diffMs)}`);
  console.log(`  application                                        ${secs(results.applyMs)}`);
  console.log(`  import complet                                     ${secs(results.importMs)}  (${results.ratio.toFixed(2)} × la référence ; cible ≤ ${TARGET_RATIO})`);
  console.log(`Ré-import des mêmes fichiers                         ${secs(results.reimportMs)}  (cible ≤ ${TARGET_REIMPORT_MS / 1000} s ; ${results.reimportChanges} changement(s))`);
  console.log(`Fichier de ${results.bigPupils} élèves (${results.bigFileMb.toFixed(1)} Mo) lu et analysé en ${secs(results.bigAnalyseMs)}`);
  console.log(`  RSS du démon démarré (référence)                   ${mb(results.bigIdleRss)}`);
  console.log(`  RSS maximal                                        ${mb(results.bigPeakRss)}  (cible ≤ ${TARGET_RSS_MB} Mo ; node --max-semi-space-size=8 comme le service)`);
  const ok = results.ratio <= TARGET_RATIO && results.reimportMs <= TARGET_REIMPORT_MS && results.bigPeakRss <= TARGET_RSS_MB * 1024 * 1024 && results.reimportChanges === 0;
  console.log(ok ? 'Cibles atteintes.' : 'ATTENTION : au moins une cible n’est pas atteinte.');
  console.log(`BENCH_JSON ${JSON.stringify(results)}`);
} finally {
  if (app) {
    const a = app;
    console.log('# nettoyage du contrôleur de domaine…');
    await a.dc.ldap
      .withClient((c) => c.del(`CN=${escapeDnValue(`Trousse ${a.config.directory.ou}`)},CN=Password Settings Container,CN=System,${base()}`))
      .catch(() => {});
    await a.close();
    for (const ou of [`OU=raw-${tag},${base()}`, `OU=${escapeDnValue(a.config.directory.ou)},${base()}`]) await treeDelete(ou).catch((err) => console.error(String(err)));
  }
  rmSync(work, { recursive: true, force: true });
  await stop();
}
