// A whole school year against the real DC: first import, unchanged re-import, mid-year update,
// next year's rollover, grace period over (fake clock), purge.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { TrousseApp } from '../../daemon/src/app.ts';
import { classSlug } from '../../daemon/src/directory/index.ts';
import type { UserSummary } from '../../daemon/src/directory/model.ts';
import { login, startTestApp, tempDir } from '../helpers.ts';
import { smbLogon } from '../directory/smb.ts';
import { importApi, parseCsv } from './api.ts';
import { aafFileName, aafXml, makeSchool, midYear, nextYear, pupilsCsv, siecleXml, siecleZip, stsFileName, stsXml, type GenSchool } from './generate.ts';

const bySiecle = (users: UserSummary[], eleveId: string) => users.find((u) => u.nationalId === `SIECLE:${eleveId}`);
const bySts = (users: UserSummary[], id: string) => users.find((u) => u.nationalId === `STS:${id}`);
const active = (s: GenSchool) => s.pupils.filter((p) => p.leftOn === null);

/** The groups of the structure in the directory match the file's: same codes, same pupils. */
async function checkGroups(t: Test, app: TrousseApp, s: GenSchool, what: string): Promise<void> {
  const users = await app.directory.allUsers();
  const want = new Map<string, string[]>();
  for (const p of active(s)) for (const g of p.groups) want.set(classSlug(g), [...(want.get(classSlug(g)) ?? []), bySiecle(users, p.eleveId)?.login ?? p.eleveId]);
  const got = await app.directory.importedGroups();
  t.ok(want.size > 0, `${what}: the files have groups`);
  t.same(
    Object.fromEntries(got.map((g) => [g.slug, [...g.members].sort()])),
    Object.fromEntries([...want].map(([k, v]) => [k, v.sort()])),
    `${what}: the groups of the structure (type G) with their pupils`,
  );
}

t.test('a whole school year', async (t) => {
  const app = await startTestApp(t);
  const api = importApi(app, await login(app));
  const uai = app.config.school.uai;
  const y1 = makeSchool({ seed: 7, uai, classes: 8, pupils: 48, teachers: 6, staff: 2, homonyms: 2 });
  t.ok(y1.pupils.length >= 30, 'a real-looking school');

  // an account made by hand, in a class of its own: no import may touch it
  await app.directory.createClass('Atelier');
  const manual = await app.directory.createUser({ givenName: 'Main', surname: 'Levée', profile: 'eleve', classe: 'Atelier' });

  // ---- 1. first import: SIECLE (zip, ISO-8859-15) + STS -------------------------------------
  let run = await api.create('update');
  let up = await api.upload(run.id, 'ExportXML_ElevesSansAdresses.zip', siecleZip(y1, { encoding: 'ISO-8859-15' }));
  t.equal(up.status, 200, 'the SIECLE zip is read');
  up = await api.upload(run.id, stsFileName(y1), stsXml(y1, { encoding: 'ISO-8859-15' }));
  t.equal(up.status, 200, 'the STS file is read');
  const files = (up.json as { files: { kind: string; persons: number; uai: string }[] }).files;
  t.same(
    files.map((f) => f.kind),
    ['siecle', 'sts'],
    'kinds recognised from the content',
  );
  t.equal(files[0]?.persons, y1.pupils.length);
  run = await api.analyse(run.id);
  const d1 = run.diff;
  if (!d1) throw new Error('no diff');
  t.equal(d1.counts.create, y1.pupils.length + y1.teachers.length, 'everyone is to be created');
  t.equal(d1.counts.error + d1.counts.ambiguous, 0, 'no error, no ambiguity');
  t.same([...d1.classes.create].sort(), [...y1.classes].sort(), 'the classes of the files are to be created');
  t.ok(d1.teams > 0, 'teaching teams to set');
  t.equal((await app.directory.allUsers()).filter((u) => u.nationalId).length, 0, 'dry run: nothing written');

  run = await api.applyAndWait(run.id);
  t.equal(run.state, 'applied');
  t.equal(run.report?.failed, 0, 'no failed operation');
  t.equal(run.report?.created, y1.pupils.length + y1.teachers.length);
  let users = await app.directory.allUsers();
  for (const p of y1.pupils) {
    const u = bySiecle(users, p.eleveId);
    if (!u) {
      t.fail(`pupil ${p.eleveId} missing`);
      continue;
    }
    if (u.classe !== p.classe || u.givenName !== p.givenName || u.surname !== p.surname.toUpperCase()) t.fail(`pupil ${u.login}: ${u.classe} ${u.displayName}`);
  }
  t.pass('every pupil is in their class, names with their accents (surnames in capitals, as SIECLE gives them)');
  await checkGroups(t, app, y1, 'first import');
  const classes = await app.directory.listClasses();
  for (const c of y1.classes) {
    const want = y1.teachers
      .filter((x) => x.classes.includes(c))
      .map((x) => bySts(users, x.stsId)?.login)
      .sort();
    const got = classes
      .find((x) => x.name === c)
      ?.teachers.map((x) => x.login)
      .sort();
    t.same(got, want, `teaching team of ${c}`);
  }

  // the new accounts' CSV, and a pupil logs on over SMB with it
  const pw = await api.get(`/imports/${run.id}/passwords.csv`);
  t.equal(pw.status, 200);
  const rows = parseCsv(pw.body);
  t.equal(rows.length, y1.pupils.length + y1.teachers.length, 'one line per new account');
  t.same(Object.keys(rows[0] ?? {}), ['login', 'password', 'class', 'name'], 'login;password;class;name');
  const pupilRow = rows.find((r) => r.class === y1.pupils[0]?.classe);
  if (!pupilRow) throw new Error('no pupil row');
  t.same(await smbLogon(pupilRow.login as string, pupilRow.password as string), { ok: true, status: 'OK' }, 'an imported pupil logs on with the password of the CSV');
  const seen = JSON.parse((await api.get(`/imports/${run.id}`)).body) as { report: { created: number; passwords: number } };
  t.equal(seen.report.passwords, seen.report.created - 1, 'an initial password used at a logon is no longer counted as available');
  const report = await api.get(`/imports/${run.id}/report.csv`);
  t.match(report.body, /Création des comptes;/, 'the report lists the operations');

  // password sheets of a class, read back with pdftotext
  const sheet = await api.post('/sheets', { classe: y1.classes[0] });
  t.equal(sheet.status, 200);
  t.equal(sheet.headers['content-type'], 'application/pdf');
  const dir = tempDir(t);
  writeFileSync(join(dir, 'fiches.pdf'), sheet.raw);
  const text = execFileSync('pdftotext', ['-layout', join(dir, 'fiches.pdf'), '-'], { encoding: 'utf8' });
  const classRows = rows.filter((r) => r.class === y1.classes[0]);
  t.ok(classRows.length > 0);
  // the pupil who logged on above has used their initial password: it is forgotten
  const others = classRows.filter((r) => r.login !== pupilRow.login);
  t.same(
    others.filter((r) => !text.includes(r.login as string) || !text.includes(r.password as string)).map((r) => `${r.login} ${r.password}`),
    [],
    'every other pupil of the class has their card with login and password',
  );
  t.ok(text.includes(pupilRow.login as string) && !text.includes(pupilRow.password as string), 'the pupil who has logged on: card without the used password');
  t.match(text, /déjà remis/);
  t.match(text, new RegExp(`Classe ${y1.classes[0]}`));

  // ---- 2. the same files again (UTF-8 this time): nothing to do ------------------------------
  run = await api.create('update');
  await api.upload(run.id, 'ElevesSansAdresses.xml', siecleXml(y1, { encoding: 'UTF-8' }));
  await api.upload(run.id, stsFileName(y1), stsXml(y1, { encoding: 'UTF-8' }));
  run = await api.analyse(run.id);
  const d2 = run.diff;
  if (!d2) throw new Error('no diff');
  t.same(
    { create: d2.counts.create, update: d2.counts.update, move: d2.counts.move, disable: d2.counts.disable, reactivate: d2.counts.reactivate, teams: d2.teams, groups: d2.groups.set },
    { create: 0, update: 0, move: 0, disable: 0, reactivate: 0, teams: 0, groups: 0 },
    'an unchanged re-import changes nothing',
  );
  t.equal(d2.counts.unchanged, y1.pupils.length + y1.teachers.length);
  run = await api.applyAndWait(run.id);
  t.equal(run.state, 'applied');
  t.equal(run.report?.operations ?? 0, 0, 'and applying it runs zero operations');

  // ---- 3. mid-year: moves, leavers, arrivals, corrected names -------------------------------
  const mid = midYear(y1, { seed: 8, moves: 3, leavers: 2, arrivals: 2, renames: 2 });
  run = await api.create('update');
  await api.upload(run.id, 'ElevesSansAdresses.xml', siecleXml(mid.school, { encoding: 'ISO-8859-15' }));
  run = await api.analyse(run.id);
  const d3 = run.diff;
  if (!d3) throw new Error('no diff');
  t.same(
    { move: d3.counts.move, disable: d3.counts.disable, create: d3.counts.create, update: d3.counts.update, teams: d3.teams },
    { move: 3, disable: 2, create: 2, update: 2, teams: 0 },
    'mid-year: 3 moves, 2 leavers, 2 arrivals, 2 renames, teams untouched without a teacher file',
  );
  const moves = await api.items(run.id, 'move');
  t.ok(
    moves.items.every((i) => i.changes.some((c) => c.field === 'classe' && c.from !== c.to)),
    'each move says from which class to which',
  );
  run = await api.applyAndWait(run.id);
  t.equal(run.report?.failed, 0);
  users = await app.directory.allUsers();
  for (const id of mid.moved) {
    const want = mid.school.pupils.find((p) => p.eleveId === id)?.classe;
    t.equal(bySiecle(users, id)?.classe, want, `moved pupil ${id} is in ${want}`);
  }
  for (const id of mid.left) t.equal(bySiecle(users, id)?.state, 'deleted', `leaver ${id} is retired`);
  for (const id of mid.arrived) t.equal(bySiecle(users, id)?.state, 'active', `newcomer ${id} has an account`);
  for (const id of mid.renamed) t.equal(bySiecle(users, id)?.surname, mid.school.pupils.find((p) => p.eleveId === id)?.surname.toUpperCase(), `renamed pupil ${id}`);

  // ---- 4. next year's rollover ---------------------------------------------------------------
  const y2 = nextYear(mid.school, { seed: 9, teachersLeaving: 1, teachersArriving: 1 });
  const gone = active(mid.school).filter((p) => !y2.pupils.some((q) => q.eleveId === p.eleveId));
  const goneTeachers = mid.school.teachers.filter((x) => !y2.teachers.some((y) => y.stsId === x.stsId));
  t.ok(gone.length > 0 && goneTeachers.length === 1, 'the 3e leave, a teacher leaves');
  // a leaver's home: archived when the account is retired, erased with it
  const leaver = bySiecle(users, gone[0]?.eleveId as string);
  if (!leaver) throw new Error('no leaver');
  const home = join(app.config.directory.homeRoot, leaver.login);
  mkdirSync(join(home, 'Documents'), { recursive: true });
  writeFileSync(join(home, 'Documents', 'exposé.odt'), 'travail');

  run = await api.create('rollover');
  await api.upload(run.id, 'ExportXML_ElevesSansAdresses.zip', siecleZip(y2, { encoding: 'ISO-8859-15' }));
  await api.upload(run.id, stsFileName(y2), stsXml(y2));
  run = await api.analyse(run.id);
  const d4 = run.diff;
  if (!d4) throw new Error('no diff');
  t.equal(d4.counts.disable, gone.length + goneTeachers.length, 'absent pupils and teachers are to be retired');
  t.ok(d4.untouchedManual >= 1, 'the hand-made account is left alone');
  t.equal(d4.counts.create, y2.pupils.filter((p) => !mid.school.pupils.some((q) => q.eleveId === p.eleveId)).length + 1, 'new 6e pupils and the new teacher');
  t.equal(d4.graceDays, 90);
  run = await api.applyAndWait(run.id);
  t.equal(run.state, 'applied');
  t.equal(run.report?.failed, 0);
  users = await app.directory.allUsers();
  for (const p of gone) t.equal(bySiecle(users, p.eleveId)?.state, 'deleted', `${p.eleveId} retired`);
  t.equal(bySts(users, goneTeachers[0]?.stsId as string)?.state, 'deleted', 'the teacher who left is retired');
  for (const p of y2.pupils) {
    const u = bySiecle(users, p.eleveId);
    if (u?.classe !== p.classe || u.state !== 'active') t.fail(`${p.eleveId}: ${u?.classe} ${u?.state}, expected ${p.classe}`);
  }
  t.pass('everyone who stays is active, in the new class, with the same login');
  await checkGroups(t, app, y2, 'rollover');
  const retired = await app.directory.getUser(leaver.login);
  const days = (Date.parse(retired.purgeAfter ?? '') - Date.now()) / 86_400_000;
  t.ok(days > 89 && days <= 90, `erased after the grace period (${days.toFixed(1)} days)`);
  t.equal((await app.directory.getUser(manual.user.login)).state, 'active', 'the hand-made account is still active');
  t.notOk(existsSync(home), 'the leaver’s home is moved away…');
  const archive = join(app.config.dataDir, 'archives', 'homes', `${leaver.login}.tar.gz`);
  t.ok(existsSync(archive), '…into an archive');
  t.match(execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }), /exposé\.odt/, 'the archive holds the work');

  // ---- 5. grace period over (fake clock): purge ----------------------------------------------
  const links = () => (app.db.prepare('SELECT COUNT(*) AS n FROM import_links WHERE login = ?').get(leaver.login) as { n: number }).n;
  t.ok(links() > 0, 'the national ids of the leaver are still known during the grace period');
  const purged = await app.directory.purgeDue(new Date(Date.now() + 91 * 86_400_000));
  t.ok(purged.purged >= gone.length + goneTeachers.length + mid.left.length, `purged ${purged.purged} accounts`);
  users = await app.directory.allUsers();
  t.notOk(bySiecle(users, gone[0]?.eleveId as string), 'the leaver’s account is gone');
  t.notOk(existsSync(archive), 'and so is the archive of the home');
  t.equal(links(), 0, 'and what the imports kept about them (ids, date of birth)');
});

t.test('ambiguous people, record errors, another school’s file', async (t) => {
  const app = await startTestApp(t);
  const api = importApi(app, await login(app));
  const y = makeSchool({ seed: 21, uai: app.config.school.uai, classes: 4, pupils: 10, teachers: 2, staff: 0, homonyms: 0 });
  const first = y.pupils[0];
  if (!first) throw new Error('no pupil');
  await app.directory.createClass(first.classe);
  const byHand = await app.directory.createUser({ givenName: first.givenName, surname: first.surname, profile: 'eleve', classe: first.classe });

  // another school's file is refused, and nothing is kept of it
  let run = await api.create('update');
  const other = makeSchool({ seed: 22, uai: '0111111A', classes: 4, pupils: 4 });
  const refused = await api.upload(run.id, 'ElevesSansAdresses.xml', siecleXml(other));
  t.equal(refused.status, 400);
  t.equal(refused.json.code, 'IMPORT_WRONG_SCHOOL');
  t.match(String(refused.json.message), /0111111A/, 'the message names the other UAI');
  t.same((JSON.parse((await api.get(`/imports/${run.id}`)).body) as { files: unknown[] }).files, [], 'no file kept');
  const malformed = await api.upload(run.id, 'ElevesSansAdresses.xml', siecleXml(y).subarray(0, 900));
  t.equal(malformed.status, 400);
  t.match(String(malformed.json.message), /ligne/, 'a truncated file: the message says where');

  // one bad date, one homonym of an account made by hand
  const broken = siecleXml(y, { encoding: 'UTF-8' }).toString('utf8');
  const victim = y.pupils[1];
  if (!victim) throw new Error('no pupil');
  const [yy, mm, dd] = victim.birthDate.split('-');
  const withBadDate = broken.replace(`<DATE_NAISS>${dd}/${mm}/${yy}</DATE_NAISS>`, '<DATE_NAISS>31/02/2014</DATE_NAISS>');
  t.not(withBadDate, broken, 'a date was broken');
  t.equal((await api.upload(run.id, 'ElevesSansAdresses.xml', Buffer.from(withBadDate))).status, 200);
  run = await api.analyse(run.id);
  t.equal(run.diff?.counts.error, 1, 'the bad date is an error of one record');
  t.equal(run.diff?.counts.ambiguous, 1, 'the homonym of the hand-made account is ambiguous');
  const [amb] = (await api.items(run.id, 'ambiguous')).items;
  t.same(
    amb?.candidates.map((c) => c.login),
    [byHand.user.login],
    'the hand-made account is the candidate',
  );
  const [err] = (await api.items(run.id, 'error')).items;
  t.match(err?.where ?? '', /ELEVE/, 'the error says which element');

  let r = await api.apply(run.id);
  t.equal(r.status, 409);
  t.equal(r.json.code, 'IMPORT_UNRESOLVED', 'cannot apply with an unsettled case');
  t.equal((await api.resolve(run.id, amb?.key as string, 'quelqu.un')).status, 400, 'only a proposed account can be chosen');
  r = await api.resolve(run.id, amb?.key as string, byHand.user.login);
  t.equal(r.status, 200);
  t.equal((r.json.diff as { counts: { ambiguous: number } }).counts.ambiguous, 0, 'settled');
  r = await api.apply(run.id);
  t.equal(r.json.code, 'IMPORT_HAS_ERRORS', 'cannot apply with errors unless told to skip them');
  const done = await api.applyAndWait(run.id, { confirm: true, skipErrors: true });
  t.equal(done.state, 'applied');
  const users = await app.directory.allUsers();
  t.equal(users.filter((u) => u.givenName === first.givenName && u.surname.toUpperCase() === first.surname.toUpperCase() && u.profile === 'eleve').length, 1, 'no duplicate of the settled person');
  t.equal((await app.directory.getUser(byHand.user.login)).nationalId, `SIECLE:${first.eleveId}`, 'the hand-made account now carries the SIECLE id');
  t.notOk(users.some((u) => u.nationalId === `SIECLE:${victim.eleveId}`), 'the record in error was left out');
  t.equal(users.filter((u) => u.nationalId?.startsWith('SIECLE:')).length, y.pupils.length - 1, 'the others were created');
  const report = await api.get(`/imports/${done.id}/report.csv`);
  t.match(report.body, /NON IMPORTÉ/, 'the report lists the record left out');

  // data minimisation: abandoned drafts go after 30 days, reports after a year
  const draft = await api.create('update');
  await api.upload(draft.id, 'ElevesSansAdresses.xml', siecleXml(y));
  const day = 86_400_000;
  t.equal(app.imports.cleanup(new Date(Date.now() + 29 * day)), 0, 'nothing before 30 days');
  t.equal(app.imports.cleanup(new Date(Date.now() + 31 * day)), 1, 'the draft goes after 30 days');
  t.same(
    app.imports.listRuns().map((r) => r.id),
    [done.id],
    'the applied run stays, with its report',
  );
  t.equal((app.db.prepare('SELECT COUNT(*) AS n FROM import_files WHERE parsed IS NOT NULL').get() as { n: number }).n, 0, 'no person read from a file is kept');
  t.equal(app.imports.cleanup(new Date(Date.now() + 366 * day)), 1, 'the report goes after a year');
});

t.test('AAF, then SIECLE and a CSV for the same people: matched by name and date of birth, never duplicated', async (t) => {
  const app = await startTestApp(t);
  const api = importApi(app, await login(app));
  const y = makeSchool({ seed: 51, uai: app.config.school.uai, classes: 4, pupils: 24, teachers: 3, staff: 1, homonyms: 2 });
  const people = y.pupils.length + y.teachers.length;
  const importFiles = async (mode: 'update' | 'rollover', files: [string, Buffer][]) => {
    let run = await api.create(mode);
    for (const [name, body] of files) {
      const r = await api.upload(run.id, name, body);
      if (r.status !== 200) throw new Error(`${name}: ${JSON.stringify(r.json)}`);
    }
    run = await api.analyse(run.id);
    return run;
  };
  const aaf = (complete: boolean, deleted: string[] = []): [string, Buffer][] => [
    [aafFileName('EtabEducNat', { complete }), aafXml(y, 'EtabEducNat', { complete })],
    [aafFileName('Eleve', { complete }), aafXml(y, 'Eleve', { complete, deleted })],
    [aafFileName('PersEducNat', { complete }), aafXml(y, 'PersEducNat', { complete })],
    [aafFileName('PersRelEleve', { complete }), aafXml(y, 'PersRelEleve', { complete })],
  ];

  let run = await importFiles('update', aaf(true));
  t.same(
    run.files.map((f) => f.kind),
    ['aaf-etab', 'aaf-eleve', 'aaf-perseducnat', 'aaf-persreleleve'],
    'the four AAF files are recognised',
  );
  t.equal(run.diff?.counts.create, people, 'pupils and staff from AAF; parents left out');
  // two clicks on "Appliquer": one apply
  const [one, two] = await Promise.all([api.apply(run.id), api.apply(run.id)]);
  t.same([one.status, two.status].sort(), [202, 409], 'the second apply is refused…');
  t.equal((one.status === 409 ? one : two).json.code, 'IMPORT_BUSY', '…as busy');
  run = await app.imports.settled(run.id);
  t.equal(run.report?.failed, 0);
  const users = await app.directory.allUsers();
  t.equal(users.filter((u) => u.nationalId?.startsWith('AAF:')).length, people, 'accounts keyed on the AAF jointure');

  run = await importFiles('update', aaf(true));
  t.equal(run.diff?.counts.unchanged, people, 'the same AAF files again: unchanged');

  // SIECLE knows other ids for the same pupils: name + date of birth link them
  run = await importFiles('update', [['ElevesSansAdresses.xml', siecleXml(y)]]);
  t.same(
    { create: run.diff?.counts.create, ambiguous: run.diff?.counts.ambiguous, move: run.diff?.counts.move },
    { create: 0, ambiguous: 0, move: 0 },
    'SIECLE after AAF: everyone found, homonyms included',
  );
  run = await api.applyAndWait(run.id);
  t.equal(run.report?.failed, 0);
  run = await importFiles('update', [['ElevesSansAdresses.xml', siecleXml(y)]]);
  t.equal(run.diff?.counts.unchanged, y.pupils.length, 'the SIECLE ids are now known: unchanged at once');

  // a CSV without ids, in Windows-1252, typed by the school
  run = await importFiles('update', [['eleves.csv', pupilsCsv(y, { encoding: 'windows-1252', withId: false })]]);
  t.equal(run.files[0]?.kind, 'csv');
  t.same({ create: run.diff?.counts.create, ambiguous: run.diff?.counts.ambiguous }, { create: 0, ambiguous: 0 }, 'the CSV finds the same pupils');

  // an AAF Delta says one pupil left: only that one is retired (a Delta retires nobody by absence)
  const leaver = y.pupils[5];
  if (!leaver) throw new Error('no pupil');
  run = await importFiles('rollover', [[aafFileName('Eleve', { complete: false }), aafXml(y, 'Eleve', { complete: false, deleted: [leaver.aafId], only: [] })]]);
  t.equal(run.files[0]?.complete, false, 'a Delta file');
  t.equal(run.diff?.counts.disable, 1, 'one departure');
  run = await api.applyAndWait(run.id);
  const after = await app.directory.allUsers();
  t.equal(after.find((u) => u.nationalId === `AAF:${leaver.aafId}`)?.state, 'deleted', 'the pupil the Delta removes is retired');
  t.equal(after.filter((u) => u.state === 'active' && u.nationalId).length, people - 1, 'nobody else');
});
