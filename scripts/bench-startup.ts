/**
 * Start-up benchmark of `trousse demo` on an already provisioned data dir.
 *
 *   node scripts/bench-startup.ts [--runs N] [--data DIR]      (npm run bench:startup)
 *
 * For each run: cold start of the built daemon (daemon/bin/trousse.js) until GET /readyz answers
 * 200, the RSS of the node process ~2 s after ready (samba's processes apart), then SIGTERM and
 * the time until the daemon and every samba process of DIR are gone. Baselines measured in the
 * same run: samba alone (`samba -i`) until an LDAPS rootDSE read answers, and a bare Node.js
 * process's RSS. Prints a French table and a last line `BENCH_JSON {...}`.
 *
 * Without --data, a fresh temp dir is provisioned by an untimed warm-up run and removed at the end.
 * Only one DC can run on the machine: the script refuses to start when one already runs.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instanceProcesses, listProcesses, terminateAll, type ProcInfo } from '../daemon/src/dc/procs.ts';
import { printTable } from './bench-common.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(REPO, 'daemon/bin/trousse.js');
const DIST_MAIN = join(REPO, 'daemon/dist/main.js');

const TARGET_READY_MS = 8000;
const TARGET_RSS_MB = 150;

const POLL_MS = 50;
const READY_TIMEOUT_MS = 60_000;
const PROVISION_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 30_000;
const SAMBA_READY_TIMEOUT_MS = 60_000;
const SAMBA_STOP_TIMEOUT_MS = 15_000;
const RSS_DELAY_MS = 2000;
const NODE_RSS_DELAY_MS = 1000;

class BenchError extends Error {}

// ---------------------------------------------------------------- arguments

interface Options {
  runs: number;
  data: string | null;
}

const USAGE = `Utilisation : node scripts/bench-startup.ts [--runs N] [--data DOSSIER]
  --runs N         nombre de démarrages mesurés (défaut 3, de 1 à 50)
  --data DOSSIER   dossier de données de la démo (provisionné au besoin) ; par défaut un dossier
                   temporaire neuf sous ${tmpdir()}, supprimé à la fin`;

function parseArgs(argv: string[]): Options {
  const opts: Options = { runs: 3, data: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new BenchError(`L’option ${name} attend une valeur.\n\n${USAGE}`);
      return v;
    };
    switch (name) {
      case '--runs': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 50) throw new BenchError(`--runs attend un nombre entier de 1 à 50 (reçu « ${v} »).`);
        opts.runs = n;
        break;
      }
      case '--data':
        opts.data = resolve(value());
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new BenchError(`Option inconnue : ${arg}\n\n${USAGE}`);
    }
  }
  return opts;
}

// ---------------------------------------------------------------- interruption

/** Ctrl+C / SIGTERM abort the current wait, so that the `finally` blocks clean up; a second one exits. */
const interrupt = new AbortController();
let interrupts = 0;
function onInterrupt(sig: NodeJS.Signals): void {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  console.error(`\n${sig} reçu : arrêt du banc d’essai et nettoyage…`);
  interrupt.abort();
}
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onInterrupt);

function checkInterrupt(): void {
  if (interrupt.signal.aborted) throw new BenchError('Banc d’essai interrompu.');
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      interrupt.signal.removeEventListener('abort', done);
      res();
    }
    interrupt.signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls `probe` every POLL_MS until it returns a value, or fails after timeoutMs. Clean-up waits
 * are not interruptible: they must run to the end (each is bounded anyway).
 */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null> | T | null, interruptible = true): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (interruptible) checkInterrupt();
    const v = await probe();
    if (v !== null) return v;
    if (performance.now() > deadline) throw new BenchError(`Délai dépassé (${Math.round(timeoutMs / 1000)} s) : ${what}.`);
    await sleep(POLL_MS);
  }
}

// ---------------------------------------------------------------- helpers

function rssKb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Proportional set size: shared pages divided among the processes that share them. Summing the
 * RSS of samba's ~57 forked processes would count the shared pages dozens of times.
 */
function pssKb(pid: number): number | null {
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = connect({ host: '127.0.0.1', port });
    const done = (open: boolean): void => {
      sock.destroy();
      res(open);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Refuses to go on when a DC (any samba, or something on the DC's ports) runs on the machine:
 * checked at the start and before each start-up (ours are all stopped by then), since another
 * DC started meanwhile would make samba fail on "address already in use".
 */
async function assertNoDcRunning(): Promise<void> {
  const sambas = listProcesses().filter((p) => p.comm === 'samba' && p.pid !== process.pid);
  if (sambas.length > 0) {
    throw new BenchError(
      `Un contrôleur de domaine tourne déjà sur cette machine (${sambas.map((p) => `pid ${p.pid} « ${p.cmdline} »`).join(', ')}). ` +
        'Un seul peut fonctionner à la fois (ports 88, 389, 445, 636) : arrêtez-le avant de lancer le banc d’essai.',
    );
  }
  for (const port of [389, 636, 88, 445]) {
    if (await portOpen(port)) {
      throw new BenchError(`Le port ${port} est déjà utilisé sur 127.0.0.1 : arrêtez le service qui l’occupe (un autre contrôleur de domaine ?) avant de lancer le banc d’essai.`);
    }
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(journal illisible)';
  }
}

function describeProcs(procs: ProcInfo[]): string {
  return procs.map((p) => `${p.pid} ${p.cmdline || p.comm}`).join(' ; ');
}

function waitExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) res({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => res({ code, signal }));
  });
}

interface Stats {
  min: number;
  median: number;
  max: number;
}

function stats(values: number[]): Stats | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { min: s[0] as number, median, max: s[s.length - 1] as number };
}

// ---------------------------------------------------------------- the daemon

interface DaemonRun {
  /** Until the first HTTP answer (any status): the daemon listens. */
  httpMs: number;
  readyMs: number;
  rssMb: number;
  /** Peak RSS of the node process so far (VmHWM). */
  peakRssMb: number;
  /** PSS of samba's processes at the same moment, for information (not part of the target). */
  sambaPssMb: number;
  sambaProcesses: number;
  stopMs: number;
  exitCode: number | null;
  leftovers: string[];
}

interface Ctx {
  dataDir: string;
  smbConf: string;
  logDir: string;
  problems: string[];
}

/** The daemon child currently running, for the final clean-up. */
let liveDaemon: ChildProcess | null = null;
let liveSamba: ChildProcess | null = null;
/**
 * Process groups of the samba instances started so far: `samba` rewrites its command line
 * ("samba: root process", "samba: task[…]"), so only its process group identifies it.
 */
const sambaGroups = new Set<number>();

/** The samba children of a daemon (started detached: each leads its own process group). */
function rememberSambaGroups(daemonPid: number | undefined): number[] {
  if (daemonPid) {
    for (const p of listProcesses()) if (p.ppid === daemonPid && p.comm === 'samba') sambaGroups.add(p.pgid);
  }
  return [...sambaGroups];
}

async function startDaemon(ctx: Ctx, label: string, readyTimeoutMs: number): Promise<{ child: ChildProcess; port: number; logFile: string; t0: number; httpMs: number; readyMs: number }> {
  await assertNoDcRunning();
  const port = await freePort();
  const logFile = join(ctx.logDir, `${label}.log`);
  const out = openSync(logFile, 'w');
  const t0 = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [BIN, 'demo', '--data', ctx.dataDir, '--port', String(port)], {
      cwd: REPO,
      stdio: ['ignore', out, out],
      env: { ...process.env },
    });
  } finally {
    closeSync(out);
  }
  liveDaemon = child;
  let spawnError: Error | null = null;
  child.once('error', (err) => {
    spawnError = err;
  });
  let httpMs: number | null = null;
  const url = `http://127.0.0.1:${port}/readyz`;
  const readyMs = await waitFor(`le démon n’est pas prêt (GET /readyz ≠ 200) ; voir ${logFile}`, readyTimeoutMs, async () => {
    if (spawnError) throw new BenchError(`Impossible de lancer le démon : ${(spawnError as Error).message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new BenchError(`Le démon s’est arrêté pendant le démarrage (code ${child.exitCode ?? child.signalCode}). Fin de son journal (${logFile}) :\n${tail(logFile)}`);
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      httpMs ??= performance.now() - t0;
      return r.status === 200 ? performance.now() - t0 : null;
    } catch {
      return null; // not listening yet
    }
  });
  return { child, port, logFile, t0, httpMs: httpMs ?? readyMs, readyMs };
}

/** SIGTERM, then waits until the daemon and every samba process of the instance are gone. */
async function stopDaemon(ctx: Ctx, child: ChildProcess): Promise<{ stopMs: number; exitCode: number | null; leftovers: string[] }> {
  const groups = rememberSambaGroups(child.pid);
  const t0 = performance.now();
  const exited = waitExit(child);
  child.kill('SIGTERM');
  const leftovers: string[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((e) => {
    exit = e;
  });
  try {
    await waitFor(
      'le démon et samba ne sont pas arrêtés 30 s après SIGTERM',
      STOP_TIMEOUT_MS,
      () => (exit !== null && instanceProcesses(ctx.smbConf, groups).length === 0 ? true : null),
      false,
    );
  } catch {
    if (exit === null) {
      leftovers.push(`démon (pid ${child.pid}) encore vivant`);
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(3000)]);
    }
    const left = instanceProcesses(ctx.smbConf, groups);
    if (left.length > 0) {
      leftovers.push(describeProcs(left));
      await terminateAll(left);
    }
  }
  const stopMs = performance.now() - t0;
  if (liveDaemon === child) liveDaemon = null;
  const e = exit as { code: number | null; signal: NodeJS.Signals | null } | null;
  return { stopMs, exitCode: e ? (e.code ?? null) : null, leftovers };
}

async function benchDaemon(ctx: Ctx, run: number): Promise<DaemonRun> {
  const { child, httpMs, readyMs } = await startDaemon(ctx, `demon-${run}`, READY_TIMEOUT_MS);
  try {
    await sleep(RSS_DELAY_MS);
    checkInterrupt();
    const pid = child.pid as number;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (!rss) throw new BenchError(`VmRSS introuvable dans /proc/${pid}/status.`);
    const sambas = instanceProcesses(ctx.smbConf, rememberSambaGroups(pid)).filter((p) => p.pid !== pid);
    const sambaKb = sambas.reduce((sum, p) => sum + (pssKb(p.pid) ?? 0), 0);
    const stop = await stopDaemon(ctx, child);
    if (stop.leftovers.length > 0) ctx.problems.push(`run ${run} : restes après SIGTERM : ${stop.leftovers.join(' ; ')}`);
    if (stop.exitCode !== 0) ctx.problems.push(`run ${run} : le démon s’est terminé avec le code ${stop.exitCode ?? 'inconnu (signal)'}`);
    return {
      httpMs,
      readyMs,
      rssMb: mb(Number(rss[1])),
      peakRssMb: hwm ? mb(Number(hwm[1])) : mb(Number(rss[1])),
      sambaPssMb: mb(sambaKb),
      sambaProcesses: sambas.length,
      stopMs: stop.stopMs,
      exitCode: stop.exitCode,
      leftovers: stop.leftovers,
    };
  } finally {
    if (liveDaemon === child) await stopDaemon(ctx, child).catch(() => {});
  }
}

// ---------------------------------------------------------------- baseline: samba alone

interface SambaRun {
  readyMs: number;
  stopMs: number;
}

function ldapRootDse(realm: string, password: string): Promise<boolean> {
  return new Promise((res) => {
    execFile(
      'ldapsearch',
      ['-H', 'ldaps://127.0.0.1', '-x', '-D', `Administrator@${realm}`, '-w', password, '-b', '', '-s', 'base'],
      { env: { ...process.env, LDAPTLS_REQCERT: 'never' }, timeout: 3000 },
      (err) => res(err === null),
    );
  });
}

async function benchSamba(ctx: Ctx, run: number, realm: string, password: string): Promise<SambaRun> {
  await assertNoDcRunning();
  const logFile = join(ctx.logDir, `samba-seul-${run}.log`);
  const out = openSync(logFile, 'w');
  const t0 = performance.now();
  let child: ChildProcess;
  try {
    // stdin is a pipe kept open: `samba -i` stops when it reads EOF
    child = spawn('samba', ['-i', '-s', ctx.smbConf], { stdio: ['pipe', out, out], detached: true });
  } finally {
    closeSync(out);
  }
  liveSamba = child;
  child.stdin?.on('error', () => {});
  let spawnError: Error | null = null;
  child.once('error', (err) => {
    spawnError = err;
  });
  if (child.pid) sambaGroups.add(child.pid);
  try {
    const readyMs = await waitFor(`samba seul ne répond pas en LDAPS ; voir ${logFile}`, SAMBA_READY_TIMEOUT_MS, async () => {
      if (spawnError) throw new BenchError(`Impossible de lancer samba : ${(spawnError as Error).message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new BenchError(`samba s’est arrêté pendant le démarrage (code ${child.exitCode ?? child.signalCode}). Fin de son journal (${logFile}) :\n${tail(logFile)}`);
      }
      return (await ldapRootDse(realm, password)) ? performance.now() - t0 : null;
    });
    const stopMs = await stopSamba(ctx, child, run);
    return { readyMs, stopMs };
  } finally {
    if (liveSamba === child) await stopSamba(ctx, child, run).catch(() => {});
  }
}

async function stopSamba(ctx: Ctx, child: ChildProcess, run: number): Promise<number> {
  const t0 = performance.now();
  const pid = child.pid;
  const exited = waitExit(child);
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  child.stdin?.end();
  if (pid) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  try {
    await waitFor(
      'samba seul ne s’arrête pas',
      SAMBA_STOP_TIMEOUT_MS,
      () => ((gone || child.exitCode !== null || child.signalCode !== null) && instanceProcesses(ctx.smbConf, pid ? [pid] : []).length === 0 ? true : null),
      false,
    );
  } catch {
    const left = instanceProcesses(ctx.smbConf, pid ? [pid] : []);
    if (left.length > 0) {
      ctx.problems.push(`samba seul, run ${run} : restes après SIGTERM : ${describeProcs(left)}`);
      await terminateAll(left);
    }
    if (!gone && pid) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  if (liveSamba === child) liveSamba = null;
  return performance.now() - t0;
}

// ---------------------------------------------------------------- baseline: bare node

async function bareNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(()=>{},3000)'], { stdio: 'ignore' });
  try {
    await sleep(NODE_RSS_DELAY_MS);
    checkInterrupt();
    const kb = child.pid ? rssKb(child.pid) : null;
    if (kb === null) throw new BenchError('Impossible de lire la mémoire du processus Node.js témoin.');
    return mb(kb);
  } finally {
    const exited = waitExit(child);
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
}

// ---------------------------------------------------------------- report

const sec = (ms: number): string => `${(ms / 1000).toFixed(2).replace('.', ',')} s`;
const mbStr = (v: number): string => `${v.toFixed(1).replace('.', ',')} Mo`;

function verdict(value: number, target: number): string {
  return value <= target ? 'OK' : 'AU-DELÀ DE LA CIBLE';
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  if (!existsSync(DIST_MAIN)) {
    console.error('Le démon n’est pas compilé (daemon/dist/main.js manquant) : lancez d’abord « npm run build » à la racine du projet, puis relancez le banc d’essai.');
    return 1;
  }
  await assertNoDcRunning();

  const tempDir = opts.data === null ? mkdtempSync(join(tmpdir(), 'trousse-bench-')) : null;
  const dataDir = opts.data ?? join(tempDir as string, 'data');
  const logDir = tempDir ? join(tempDir, 'journaux') : mkdtempSync(join(tmpdir(), 'trousse-bench-journaux-'));
  mkdirSync(logDir, { recursive: true });
  const ctx: Ctx = { dataDir, smbConf: join(dataDir, 'samba/etc/smb.conf'), logDir, problems: [] };
  const marker = join(dataDir, 'samba/.trousse-provisioned.json');
  let ok = false;

  try {
    console.log(`Banc d’essai du démarrage de Trousse — ${opts.runs} démarrage(s) mesuré(s), données : ${dataDir}${tempDir ? ' (temporaire)' : ''}`);
    console.log(`Node.js ${process.version}, journaux : ${logDir}`);

    let warmupMs: number | null = null;
    if (!existsSync(marker)) {
      console.log('Ce dossier n’est pas encore provisionné : un premier démarrage, non chronométré, provisionne le domaine de démonstration…');
      const w = await startDaemon(ctx, 'provisionnement', PROVISION_TIMEOUT_MS);
      warmupMs = w.readyMs;
      const stop = await stopDaemon(ctx, w.child);
      if (stop.leftovers.length > 0) ctx.problems.push(`provisionnement : restes après SIGTERM : ${stop.leftovers.join(' ; ')}`);
      if (!existsSync(marker)) throw new BenchError(`Le provisionnement n’a pas écrit ${marker} ; voir ${w.logFile}`);
      console.log(`Provisionnement terminé en ${sec(warmupMs)} (à titre indicatif, hors mesures).`);
    }

    const { realm } = JSON.parse(readFileSync(marker, 'utf8')) as { realm?: string };
    if (!realm) throw new BenchError(`Champ « realm » absent de ${marker}.`);
    const password = readFileSync(join(dataDir, 'secrets/dc-admin.password'), 'utf8').trim();

    const daemonRuns: DaemonRun[] = [];
    const sambaRuns: SambaRun[] = [];
    const nodeRss: number[] = [];
    for (let i = 1; i <= opts.runs; i++) {
      process.stdout.write(`Démarrage ${i}/${opts.runs} : démon… `);
      const d = await benchDaemon(ctx, i);
      daemonRuns.push(d);
      process.stdout.write(`prêt en ${sec(d.readyMs)}, ${mbStr(d.rssMb)} ; samba seul… `);
      const s = await benchSamba(ctx, i, realm, password);
      sambaRuns.push(s);
      process.stdout.write(`${sec(s.readyMs)} ; Node.js nu… `);
      const n = await bareNodeRssMb();
      nodeRss.push(n);
      console.log(mbStr(n));
    }

    printTable(
      'Mesures par démarrage',
      ['Démarrage', 'HTTP', 'Prêt (/readyz)', 'RSS démon', 'RSS pic', 'PSS samba (info)', 'Arrêt', 'samba seul prêt', 'samba seul arrêt', 'Node.js nu RSS'],
      daemonRuns.map((d, i) => {
        const s = sambaRuns[i] as SambaRun;
        return [
          String(i + 1),
          sec(d.httpMs),
          `${sec(d.readyMs)} ${verdict(d.readyMs, TARGET_READY_MS)}`,
          `${mbStr(d.rssMb)} ${verdict(d.rssMb, TARGET_RSS_MB)}`,
          mbStr(d.peakRssMb),
          `${mbStr(d.sambaPssMb)} (${d.sambaProcesses} proc.)`,
          sec(d.stopMs),
          sec(s.readyMs),
          sec(s.stopMs),
          mbStr(nodeRss[i] as number),
        ];
      }),
    );

    const ready = stats(daemonRuns.map((d) => d.readyMs)) as Stats;
    const http = stats(daemonRuns.map((d) => d.httpMs)) as Stats;
    const rss = stats(daemonRuns.map((d) => d.rssMb)) as Stats;
    const peak = stats(daemonRuns.map((d) => d.peakRssMb)) as Stats;
    const sambaPss = stats(daemonRuns.map((d) => d.sambaPssMb)) as Stats;
    const stop = stats(daemonRuns.map((d) => d.stopMs)) as Stats;
    const sambaReady = stats(sambaRuns.map((s) => s.readyMs)) as Stats;
    const sambaStop = stats(sambaRuns.map((s) => s.stopMs)) as Stats;
    const node = stats(nodeRss) as Stats;

    const fmtS = (s: Stats): string[] => [sec(s.min), sec(s.median), sec(s.max)];
    const fmtM = (s: Stats): string[] => [mbStr(s.min), mbStr(s.median), mbStr(s.max)];
    printTable(
      'Synthèse',
      ['Mesure', 'min', 'médiane', 'max', 'Cible', 'Verdict (pire cas)', 'Référence'],
      [
        ['Démarrage à froid, prêt (/readyz 200)', ...fmtS(ready), `≤ ${sec(TARGET_READY_MS)}`, verdict(ready.max, TARGET_READY_MS), `samba seul : ${sec(sambaReady.median)} (médiane)`],
        ['  dont écoute HTTP', ...fmtS(http), '', '', ''],
        ['  écart démon − samba seul', sec(ready.min - sambaReady.min), sec(ready.median - sambaReady.median), sec(ready.max - sambaReady.max), '', '', ''],
        ['RSS du démon (node, 2 s après prêt)', ...fmtM(rss), `≤ ${mbStr(TARGET_RSS_MB)}`, verdict(rss.max, TARGET_RSS_MB), `Node.js nu : ${mbStr(node.median)} (médiane)`],
        ['  pic RSS du démon (VmHWM)', ...fmtM(peak), '', '', ''],
        ['  PSS des processus samba (info)', ...fmtM(sambaPss), '', '', ''],
        ['Arrêt (SIGTERM → tout arrêté)', ...fmtS(stop), '', '', `samba seul : ${sec(sambaStop.median)} (médiane)`],
        ['Référence : samba seul, LDAPS répond', ...fmtS(sambaReady), '', '', ''],
        ['Référence : RSS Node.js nu', ...fmtM(node), '', '', ''],
      ],
    );
    console.log(
      `\nCibles : prêt ≤ ${sec(TARGET_READY_MS)} → ${verdict(ready.max, TARGET_READY_MS)} (médiane ${sec(ready.median)}) ; ` +
        `RSS du démon ≤ ${mbStr(TARGET_RSS_MB)} → ${verdict(rss.max, TARGET_RSS_MB)} (médiane ${mbStr(rss.median)}).`,
    );
    if (ctx.problems.length > 0) {
      console.log('\nProblèmes constatés :');
      for (const p of ctx.problems) console.log(`  - ${p}`);
    }

    const round = (s: Stats, digits = 0) => {
      const f = 10 ** digits;
      return { min: Math.round(s.min * f) / f, median: Math.round(s.median * f) / f, max: Math.round(s.max * f) / f };
    };
    const json = {
      node: process.version,
      runs: opts.runs,
      dataDir,
      temporaryDataDir: tempDir !== null,
      provisionWarmupMs: warmupMs === null ? null : Math.round(warmupMs),
      targets: { readyMs: TARGET_READY_MS, rssMb: TARGET_RSS_MB },
      daemon: {
        httpMs: round(http),
        readyMs: round(ready),
        rssMb: round(rss, 1),
        peakRssMb: round(peak, 1),
        sambaPssMb: round(sambaPss, 1),
        stopMs: round(stop),
        readyOk: ready.max <= TARGET_READY_MS,
        rssOk: rss.max <= TARGET_RSS_MB,
        perRun: daemonRuns.map((d) => ({
          httpMs: Math.round(d.httpMs),
          readyMs: Math.round(d.readyMs),
          rssMb: d.rssMb,
          peakRssMb: d.peakRssMb,
          sambaPssMb: d.sambaPssMb,
          sambaProcesses: d.sambaProcesses,
          stopMs: Math.round(d.stopMs),
          exitCode: d.exitCode,
          leftovers: d.leftovers,
        })),
      },
      baselines: {
        sambaAlone: {
          readyMs: round(sambaReady),
          stopMs: round(sambaStop),
          perRun: sambaRuns.map((s) => ({ readyMs: Math.round(s.readyMs), stopMs: Math.round(s.stopMs) })),
        },
        bareNodeRssMb: { ...round(node, 1), perRun: nodeRss },
      },
      problems: ctx.problems,
    };
    console.log(`BENCH_JSON ${JSON.stringify(json)}`);
    ok = true;
    return 0;
  } finally {
    // whatever happened: nothing of ours may be left running
    if (liveDaemon) await stopDaemon(ctx, liveDaemon).catch(() => {});
    if (liveSamba) await stopSamba(ctx, liveSamba, 0).catch(() => {});
    // (a recorded group id could have been reused since: only samba's own programs are stopped)
    const left = instanceProcesses(ctx.smbConf, [...sambaGroups]).filter((p) => /^(samba|smbd|winbindd|rpcd_|samba-dcerpcd)/.test(p.comm));
    if (left.length > 0) {
      console.error(`Processus samba restants, arrêtés : ${describeProcs(left)}`);
      await terminateAll(left);
    }
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    else if (ok) rmSync(logDir, { recursive: true, force: true });
    else console.error(`Journaux conservés dans ${logDir}`);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof BenchError ? `Erreur : ${err.message}` : `Erreur inattendue : ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
