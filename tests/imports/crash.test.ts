// kill -9 in the middle of an apply, then a restart: the next run completes the import without
// duplicates or losses (every new account exists once and has its initial password).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { isolatedOverrides, readHarness, startTestApp, tempDir } from '../helpers.ts';
import { smbLogon } from '../directory/smb.ts';
import { makeSchool, siecleXml } from './generate.ts';

t.test('a crash in the middle of an apply, then a re-run', async (t) => {
  const dir = tempDir(t);
  const overrides = isolatedOverrides(join(dir, 'homes'));
  const uai = readHarness().school.uai;
  const school = makeSchool({ seed: 31, uai, classes: 10, pupils: 250, teachers: 0, staff: 0, homonyms: 3 });
  const total = school.pupils.length;
  t.ok(total > 200, `${total} pupils: more than two chunks of creations`);
  const file = join(dir, 'ElevesSansAdresses.xml');
  writeFileSync(file, siecleXml(school, { encoding: 'ISO-8859-15' }));
  writeFileSync(join(dir, 'overrides.json'), JSON.stringify(overrides));

  const child = spawn(process.execPath, ['tests/imports/crash-child.ts', dir, join(dir, 'overrides.json'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr += String(c);
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // watch the journal from outside (as a second SQLite reader) and kill -9 once creation is under way
  let db: Database.Database | null = null;
  let killedAt = '';
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`the child never got to the creations: ${stderr}`);
    if (child.exitCode !== null) throw new Error(`the child ended by itself: ${stderr}`);
    let done = 0;
    try {
      db ??= new Database(join(dir, 'trousse.db'), { readonly: true, fileMustExist: true, timeout: 5000 });
      done = (db.prepare("SELECT COUNT(*) AS n FROM import_ops WHERE type = 'user.create' AND state = 'done'").get() as { n: number }).n;
    } catch {
      /* tables not there yet */
    }
    if (done >= 1) {
      // into the second chunk of 100
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 400)));
      child.kill('SIGKILL');
      killedAt = `${done} chunk(s) done`;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  t.equal(await exited, 'SIGKILL', `the daemon was killed with SIGKILL (${killedAt})`);
  if (!db) throw new Error('no database');
  const state = db.prepare('SELECT state FROM import_runs ORDER BY id DESC LIMIT 1').get() as { state: string };
  const pending = (db.prepare("SELECT COUNT(*) AS n FROM import_ops WHERE state = 'pending'").get() as { n: number }).n;
  db.close();
  t.equal(state.state, 'applying', 'the journal shows an apply under way');
  t.ok(pending > 0, `${pending} operation(s) still pending`);

  // restart on the same data
  const app = await startTestApp(t, {}, { dataDir: dir, overrides });
  const actor = { role: 'administrator' as const, login: 'test', name: 'test' };
  const [run] = app.imports.listRuns();
  if (!run) throw new Error('no run');
  t.equal(run.state, 'interrupted', 'marked interrupted at start');
  t.ok(app.journal.latest(50).some((e) => e.type === 'imports.interrupted'), 'and the journal tells the administrator');
  const before = (await app.directory.allUsers()).filter((u) => u.nationalId?.startsWith('SIECLE:')).length;
  t.ok(before > 0 && before < total, `${before} of ${total} accounts existed at the crash`);

  // a new import is refused until the interrupted one is completed
  const other = app.imports.createRun('update', actor);
  await app.imports.addFile(other.id, file, 'ElevesSansAdresses.xml');
  await app.imports.analyse(other.id);
  await t.rejects(app.imports.apply(other.id, {}, actor), { code: 'IMPORT_INTERRUPTED_PENDING' }, 'another apply waits for the resume');

  await app.imports.apply(run.id, {}, actor);
  const after = await app.imports.settled(run.id);
  t.equal(after.state, 'applied', 'the resume completes the import');
  t.equal(after.report?.failed, 0);
  const users = (await app.directory.allUsers()).filter((u) => u.nationalId?.startsWith('SIECLE:'));
  t.equal(users.length, total, 'every pupil has an account');
  t.equal(new Set(users.map((u) => u.nationalId)).size, total, 'exactly one each: no duplicate');
  const accounts = await app.imports.createdAccounts(run.id);
  t.equal(accounts.length, total, 'the report lists every new account once');
  t.same(
    accounts.filter((a) => !a.password).map((a) => a.login),
    [],
    'no lost password: every new account has its initial password',
  );
  const sample = accounts[Math.floor(accounts.length / 2)];
  if (!sample?.password) throw new Error('no sample');
  t.same(await smbLogon(sample.login, sample.password), { ok: true, status: 'OK' }, `a pupil of the interrupted chunk logs on (${sample.login})`);

  // the waiting import, analysed again, now has nothing left to do
  const again = await app.imports.analyse(other.id);
  t.equal(again.diff?.counts.create, 0, 'nothing left to create');
  t.equal(again.diff?.counts.unchanged, total);
});
