/**
 * The whole test suite, as CI runs it: lint, typecheck, build, then the tap suites against one
 * real Samba AD DC started for this run, and finally the standalone CLI tests (which run their
 * own DC, so the shared one is stopped first). Ends with one line: "N passed, N failed".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO, startSharedDc, stopSharedDc } from '../tests/harness/shared-dc.ts';

let passed = 0;
let failed = 0;
const failures: string[] = [];
const t0 = performance.now();

function step(name: string, cmd: string, args: string[]): boolean {
  const s = performance.now();
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit', env: process.env });
  const ok = r.status === 0;
  console.log(`# ${ok ? 'ok' : 'ÉCHEC'} ${name} (${((performance.now() - s) / 1000).toFixed(1)} s)`);
  if (ok) passed++;
  else {
    failed++;
    failures.push(name);
  }
  return ok;
}

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(relative(REPO, p));
  }
  return out.sort();
}

function tap(name: string, files: string[], jobs: number, env: NodeJS.ProcessEnv): void {
  if (files.length === 0) return;
  const s = performance.now();
  const r = spawnSync(
    'npx',
    ['tap', '--disable-coverage', '--reporter=tap', `--jobs=${jobs}`, '--timeout=240', ...files],
    { cwd: REPO, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  // tap's closing summary: "# { total: 12, pass: 11, fail: 1, skip: 0 }"
  const summary = [...r.stdout.matchAll(/^# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/gm)].at(-1);
  if (!summary) {
    failed++;
    failures.push(`${name} (aucun résumé tap, code ${r.status})`);
    return;
  }
  const total = Number(summary[1]);
  const pass = Number(summary[2]);
  const fail = Number(summary[3] ?? 0);
  passed += pass;
  failed += fail;
  const notCounted = r.status !== 0 && fail === 0;
  if (notCounted) {
    failed++;
    failures.push(`${name} (code ${r.status})`);
  } else if (fail > 0) failures.push(`${name} : ${fail} échec(s)`);
  console.log(`# ${name} : ${pass}/${total} en ${((performance.now() - s) / 1000).toFixed(1)} s`);
}

const skipStatic = process.argv.includes('--no-static');
if (!skipStatic) {
  step('lint (biome)', 'npx', ['biome', 'lint', 'daemon/src', 'web-admin/src', 'tests', 'scripts']);
  step('typecheck (tsc strict)', 'npm', ['run', '--silent', 'typecheck']);
}
step('build (console + démon)', 'npm', ['run', '--silent', 'build']);

const all = testFiles(join(REPO, 'tests'));
const serial = all.filter((f) => f.startsWith('tests/serial/'));
const standalone = all.filter((f) => f.startsWith('tests/standalone/'));
const parallel = all.filter((f) => !serial.includes(f) && !standalone.includes(f));

const artifacts = join(REPO, 'artifacts');
mkdirSync(artifacts, { recursive: true });
let harness: Awaited<ReturnType<typeof startSharedDc>> | null = null;
try {
  const s = performance.now();
  harness = await startSharedDc();
  console.log(`# contrôleur de domaine de test prêt en ${((performance.now() - s) / 1000).toFixed(1)} s (${harness.dir})`);
  passed++;
} catch (err) {
  failed++;
  failures.push(`démarrage du contrôleur de domaine de test : ${(err as Error).message}`);
}
if (harness) {
  const env = { TROUSSE_HARNESS: join(harness.dir, 'harness.json'), TROUSSE_ARTIFACTS: artifacts };
  tap('tests (parallèles)', parallel, 2, env);
  tap('tests (en série, contrôleur partagé)', serial, 1, env);
  const problems = await stopSharedDc(harness);
  if (problems.length === 0) passed++;
  else {
    failed++;
    failures.push(`arrêt du contrôleur de test : ${problems.join(' ; ')}`);
  }
}
tap('tests autonomes (CLI)', standalone, 1, { TROUSSE_ARTIFACTS: artifacts });

writeFileSync(join(artifacts, 'totals.json'), JSON.stringify({ passed, failed, failures }, null, 2));
console.log(`# durée totale : ${((performance.now() - t0) / 1000).toFixed(0)} s`);
for (const f of failures) console.log(`# échec : ${f}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
