/**
 * Shares benchmark (npm run bench:shares).
 *
 *   node scripts/bench-shares.ts [--pupils N] [--mb M] [--pcs P]     (defaults 30, 20 and 25)
 *
 * 1. Hand-out: a folder of M Mo (40 files) from a teacher's home to a class of N pupils through
 *    the HomeworkService, next to the baseline measured in the same run: `cp -r` of the same
 *    folder N times (target ≤ 2×).
 * 2. Collect: every pupil changed every file; collect them all back into the teacher's
 *    Ramassage, next to `cp -r` of the N pupils' folders (target ≤ 2×).
 * 3. Logon storm: P classroom PCs at once, each an smbclient that opens an SMB session on
 *    `perso` and lists the pupil's home — p50 and p95 (target p95 ≤ 1 s), next to one logon alone.
 *
 * Uses the DC named by $TROUSSE_HARNESS (scripts/dev-dc.ts) or starts the tests' shared DC itself.
 * Prints a French table and a last line `BENCH_JSON {...}`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type TrousseApp } from '../daemon/src/app.ts';
import { createLogger } from '../daemon/src/core/logger.ts';
import { isolatedOverrides, testConfig, treeDelete } from '../tests/helpers.ts';
import { escapeDnValue } from '../daemon/src/dc/escape.ts';
import { benchDc, secs, intArg } from './bench-common.ts';

const TARGET_RATIO = 2;
const TARGET_P95_MS = 1000;

const N = intArg('--pupils', 30, 2, 500);
const M = intArg('--mb', 20, 1, 2000);
const P = intArg('--pcs', 25, 1, 200);

/** One classroom PC's logon: an SMB session, then `ls` of the pupil's home (or of netlogon: the baseline). */
function logon(clientConf: string, login: string, password: string, share: 'perso' | 'netlogon' = 'perso'): Promise<{ ms: number; ok: boolean }> {
  const t0 = performance.now();
  const cmd = share === 'perso' ? `cd ${login}; ls` : 'ls';
  return new Promise((resolve) => {
    execFile('smbclient', [`//127.0.0.1/${share}`, '-U', login, '-s', clientConf, '-m', 'SMB3', '-c', cmd], { env: { ...process.env, PASSWD: password }, timeout: 60_000 }, (err, out) =>
      resolve({ ms: performance.now() - t0, ok: !err && !/NT_STATUS/.test(out) }),
    );
  });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
};

const { h, stop } = await benchDc();
const work = mkdtempSync(join(tmpdir(), 'trousse-bench-shares-'));
chmodSync(work, 0o755);
const results: Record<string, number> = {};
let app: TrousseApp | null = null;
try {
  const settings = isolatedOverrides(join(work, 'homes'), { shares: { enabled: true, root: join(work, 'srv') } });
  app = await buildApp(testConfig(join(work, 'data'), h, settings), { logger: createLogger('silent') });
  await app.start();
  const d = app.directory;
  await d.createClass('3B');
  const teacher = await d.createUser({ givenName: 'Bench', surname: 'Prof', profile: 'enseignant', mustChange: false });
  const created = await d.createUsers(Array.from({ length: Math.max(N, P) }, (_, i) => ({ givenName: `Eleve${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`, surname: 'Bench', profile: 'eleve' as const, classe: '3B' })));
  const pupils = created.flatMap((r) => (r.ok && r.created ? [{ login: r.user.login, password: r.password as string }] : []));
  await d.setClassTeachers('3B', [teacher.user.login]);
  await app.shares.idle();
  await app.shares.reconcile();

  // the lesson: M Mo in 40 files, in the teacher's home
  const home = join(app.config.directory.homeRoot, teacher.user.login);
  const lesson = join(home, 'Cours');
  mkdirSync(lesson);
  const per = Math.ceil((M * 1024 * 1024) / 40);
  for (let i = 0; i < 40; i++) writeFileSync(join(lesson, `fichier-${i}.bin`), randomBytes(per));
  execFileSync('chown', ['-R', String(teacher.user.uidNumber), lesson]);
  execFileSync('sync');

  // baseline: cp -r of the same folder N times
  const base = join(work, 'cp');
  mkdirSync(base);
  let t0 = performance.now();
  for (let i = 0; i < N; i++) execFileSync('cp', ['-r', lesson, join(base, `p${i}`)]);
  results.cpHandOutMs = performance.now() - t0;
  rmSync(base, { recursive: true, force: true });

  const actor = { role: 'administrator' as const, login: 'bench', name: 'bench' };
  t0 = performance.now();
  const hw = await app.homework.create({ title: 'Bench', source: 'Cours', mode: 'copie', targets: [{ kind: 'classe', name: '3B' }], teacher: teacher.user.login }, actor);
  results.handOutMs = performance.now() - t0;
  if (hw.counts.handedOut !== hw.counts.pupils) throw new Error(`hand-out incomplete: ${JSON.stringify(hw.counts)}`);

  // every pupil changes every file (their work), then collect; baseline: cp -r of their folders
  for (const p of hw.pupils) {
    const dir = join(app.config.directory.homeRoot, p.login, 'Devoirs', 'Bench');
    for (const f of readdirSync(dir)) appendFileSync(join(dir, f), 'x');
  }
  execFileSync('sync');
  const base2 = join(work, 'cp2');
  mkdirSync(base2);
  t0 = performance.now();
  for (const p of hw.pupils) execFileSync('cp', ['-r', join(app.config.directory.homeRoot, p.login, 'Devoirs', 'Bench'), join(base2, p.login)]);
  results.cpCollectMs = performance.now() - t0;
  rmSync(base2, { recursive: true, force: true });
  t0 = performance.now();
  const collected = await app.homework.collect(hw.id, actor);
  results.collectMs = performance.now() - t0;
  if (collected.counts.collected !== hw.counts.pupils) throw new Error(`collect incomplete: ${JSON.stringify(collected.counts)}`);

  // logons: one alone, then P at once; baseline: the same P sessions listing netlogon (no home)
  const clientConf = join(work, 'client.conf');
  writeFileSync(clientConf, '[global]\n');
  const alone = await logon(clientConf, pupils[0]?.login as string, pupils[0]?.password as string);
  results.logonAloneMs = alone.ms;
  const baseline = await Promise.all(pupils.slice(0, P).map((p) => logon(clientConf, p.login, p.password, 'netlogon')));
  results.netlogonP50Ms = pct(baseline.map((b) => b.ms), 50);
  results.netlogonP95Ms = pct(baseline.map((b) => b.ms), 95);
  const storm = await Promise.all(pupils.slice(0, P).map((p) => logon(clientConf, p.login, p.password)));
  const times = storm.map((s) => s.ms);
  results.logonP50Ms = pct(times, 50);
  results.logonP95Ms = pct(times, 95);
  results.logonFailures = storm.filter((s) => !s.ok).length;

  const ratio1 = results.handOutMs / results.cpHandOutMs;
  const ratio2 = results.collectMs / results.cpCollectMs;
  const ok = (b: boolean) => (b ? 'OK' : 'HORS CIBLE');
  console.log(`\nPartages — ${N} élèves, ${M} Mo en 40 fichiers, ${P} postes`);
  console.log(`  distribution            ${secs(results.handOutMs).padStart(9)}   référence cp -r ×${N} ${secs(results.cpHandOutMs).padStart(9)}   rapport ${ratio1.toFixed(2)} (cible ≤ ${TARGET_RATIO}) ${ok(ratio1 <= TARGET_RATIO)}`);
  console.log(`  ramassage               ${secs(results.collectMs).padStart(9)}   référence cp -r ×${N} ${secs(results.cpCollectMs).padStart(9)}   rapport ${ratio2.toFixed(2)} (cible ≤ ${TARGET_RATIO}) ${ok(ratio2 <= TARGET_RATIO)}`);
  console.log(`  ouverture de session    seule ${Math.round(results.logonAloneMs)} ms ; ${P} à la fois : p50 ${Math.round(results.logonP50Ms)} ms, p95 ${Math.round(results.logonP95Ms)} ms (cible p95 ≤ ${TARGET_P95_MS} ms) ${ok(results.logonP95Ms <= TARGET_P95_MS)}, échecs ${results.logonFailures}`);
  console.log(`                          référence : ${P} sessions sur netlogon (sans dossier) p50 ${Math.round(results.netlogonP50Ms)} ms, p95 ${Math.round(results.netlogonP95Ms)} ms`);
  console.log(`BENCH_JSON ${JSON.stringify({ pupils: N, mb: M, pcs: P, ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v)])), handOutRatio: Number(ratio1.toFixed(2)), collectRatio: Number(ratio2.toFixed(2)) })}`);
} finally {
  if (app) {
    const ou = `OU=${escapeDnValue(app.config.directory.ou)},${app.dc.identity.baseDn}`;
    await app.close();
    await treeDelete(ou).catch(() => {});
  }
  rmSync(work, { recursive: true, force: true });
  await stop();
}
