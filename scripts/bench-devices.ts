/**
 * Devices benchmark (npm run bench:devices).
 *
 *   node scripts/bench-devices.ts [--devices N] [--cycles C] [--keep-connections]   (defaults 200 and 5)
 *
 * N simulated PJLink projectors (tests/devices/pjlink-sim.ts, in a CHILD process so that their
 * memory and CPU are not the daemon's) answer every command after 50 ms; 10 % of them are dead
 * (half silent: the connection opens but nothing ever comes; half refusing the connection).
 * In this process, the daemon's own Poller (default settings: concurrency and timeoutMs from DEFAULT_DEVICE_SETTINGS)
 * over a fresh SQLite database:
 *
 * 1. the first cycle (identity read: CLSS, NAME, INF1... then the status), then C further cycles
 *    (status only). Between two cycles the connections are closed, as the transports' 20 s idle
 *    close does between two polls 60 s apart in the service; `--keep-connections` keeps them open.
 *    Target: ≤ 3 s per cycle.
 * 2. the RSS of this process (after a forced GC) before the first cycle and after each cycle.
 *    Target: growth (max after − before) ≤ 30 Mo.
 * 3. baseline measured in the same run: the network floor for the same fleet, concurrency and
 *    deadlines: per device a raw TCP connect, the greeting, ONE `%1POWR ?` and its reply.
 *
 * Needs `node --expose-gc` (re-executes itself with it, and with the service's
 * --max-semi-space-size=8, when missing). No DC, no Samba. Prints a French table and a last line
 * `BENCH_JSON {...}`; the exit code is 0 even when a target is missed (the verdict is printed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus } from '../daemon/src/core/events.ts';
import { Journal } from '../daemon/src/core/journal.ts';
import { createLogger } from '../daemon/src/core/logger.ts';
import { type Db, openDb } from '../daemon/src/db/index.ts';
import { PjlinkDriver } from '../daemon/src/devices/pjlink/driver.ts';
import { Poller } from '../daemon/src/devices/poller.ts';
import { Registry } from '../daemon/src/devices/registry.ts';
import { DEFAULT_DEVICE_SETTINGS, type DeviceSettings } from '../daemon/src/devices/settings.ts';
import { PjlinkSimulator } from '../tests/devices/pjlink-sim.ts';
import { secs, intArg, printTable, mb, ensureNodeFlags } from './bench-common.ts';

const TARGET_CYCLE_MS = 3000;
const TARGET_RSS_GROWTH_MB = 30;
const REPLY_DELAY_MS = 50;
const DEAD_PCT = 10;
const BASELINE_RUNS = 3;
const SIM = fileURLToPath(new URL('../tests/devices/pjlink-sim.ts', import.meta.url));

await ensureNodeFlags();

const N = intArg('--devices', 200, 10, 2000);
const CYCLES = intArg('--cycles', 5, 1, 50);
const KEEP = process.argv.includes('--keep-connections');
const settings: DeviceSettings = { ...DEFAULT_DEVICE_SETTINGS };

const ok = (b: boolean): string => (b ? 'OK' : 'HORS CIBLE');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};

/** RSS once the garbage is collected (twice: weak references and finalizers of the first pass). */
async function rssAfterGc(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  const gc = globalThis.gc as NodeJS.GCFunction;
  gc();
  gc();
  return process.memoryUsage().rss;
}

// ---- the simulators, in their own process ----

function portsFree(base: number, count: number): Promise<boolean> {
  const one = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  return Promise.all(Array.from({ length: count }, (_, i) => one(base + i))).then((r) => r.every(Boolean));
}

interface Fleet {
  child: ChildProcess;
  base: number;
  ports: number[];
  dead: number[];
}

/** The simulators on base..base+N-1 (below the kernel's ephemeral range 32768+): a free range is tried, up to 5 times. */
async function startFleet(count: number): Promise<Fleet> {
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const base = attempt === 0 && count <= 400 ? 14352 : 20000 + Math.floor(Math.random() * (32000 - count - 20000));
    if (!(await portsFree(base, count))) {
      lastError = `ports ${base}–${base + count - 1} occupés`;
      continue;
    }
    const args = [SIM, '--count', String(count), '--base-port', String(base), '--delay', String(REPLY_DELAY_MS), '--dead', String(DEAD_PCT)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr?.on('data', (d) => {
      err += String(d);
    });
    const ready = await new Promise<{ ports: number[]; dead: number[] } | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 30_000);
      child.stdout?.on('data', (d) => {
        out += String(d);
        const nl = out.indexOf('\n');
        if (nl < 0) return;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out.slice(0, nl)) as { ports: number[]; dead: number[] });
        } catch {
          resolve(null);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    if (ready) return { child, base, ports: ready.ports, dead: ready.dead };
    lastError = err.trim() || out.trim() || 'pas de ligne « ready »';
    await stopFleet(child);
  }
  throw new Error(`Les simulateurs PJLink n’ont pas démarré : ${lastError}`);
}

async function stopFleet(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

// ---- baseline: one raw round trip per device ----

/** Connect, greeting line, `%1POWR ?`, its reply: each step under `timeoutMs`, like the transport. */
function rawRoundTrip(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    let buf = '';
    let greeted = false;
    let settled = false;
    let timer = setTimeout(() => done(false), timeoutMs);
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), timeoutMs);
    };
    function done(answered: boolean): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    }
    socket.once('connect', rearm);
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let i = buf.indexOf('\r'); i >= 0 && !settled; i = buf.indexOf('\r')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!greeted) {
          greeted = true;
          rearm();
          socket.write('%1POWR ?\r');
        } else {
          done(line.startsWith('%1POWR='));
        }
      }
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

/** The same worker pool as the poller's: at most `limit` devices at a time, the next as soon as one ends. */
async function baselineCycle(ports: number[], limit: number, timeoutMs: number): Promise<{ ms: number; answered: number }> {
  const t0 = performance.now();
  let next = 0;
  let answered = 0;
  const worker = async () => {
    while (next < ports.length) {
      const port = ports[next++] as number;
      if (await rawRoundTrip(port, timeoutMs)) answered++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, ports.length) }, worker));
  return { ms: performance.now() - t0, answered };
}

/** PJLink commands one status read sends, counted on an in-process simulator (no delay). */
async function queriesPerCheck(): Promise<{ identity: number; status: number }> {
  const sim = new PjlinkSimulator({ replyDelayMs: 0 });
  await sim.start();
  const driver = new PjlinkDriver({ host: sim.host, port: sim.port }, { connectTimeoutMs: settings.timeoutMs, replyTimeoutMs: settings.timeoutMs });
  try {
    await driver.status({ identity: true });
    const identity = sim.stats.commands;
    await driver.status();
    return { identity, status: sim.stats.commands - identity };
  } finally {
    driver.close();
    await sim.stop();
  }
}

// ---- main ----

const work = mkdtempSync(join(tmpdir(), 'trousse-bench-devices-'));
let fleet: Fleet | null = null;
let db: Db | null = null;
let poller: Poller | null = null;
let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  poller?.closeAll();
  db?.close();
  if (fleet) await stopFleet(fleet.child);
  rmSync(work, { recursive: true, force: true });
}
// Interrupted: everything at once and exit, before the cycle under way trips over what is closed.
// `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and forwarded by the re-exec).
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (cleaned) return;
    cleaned = true;
    console.error('\n# interrompu : arrêt des simulateurs, nettoyage…');
    poller?.closeAll();
    fleet?.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}

try {
  console.log(`Appareils — ${N} vidéoprojecteurs PJLink simulés (réponse après ${REPLY_DELAY_MS} ms, ${DEAD_PCT} % hors service), Node.js ${process.version}`);
  const queries = await queriesPerCheck();
  fleet = await startFleet(N);
  const { ports, dead } = fleet;
  const live = N - dead.length;
  console.log(`  simulateurs : processus ${fleet.child.pid}, ports ${fleet.base}–${fleet.base + N - 1}, ${dead.length} hors service (moitié muets, moitié connexion refusée)`);
  console.log(
    `  réglages du Poller : concurrency ${settings.concurrency}, timeoutMs ${settings.timeoutMs} ; requêtes par appareil : ${queries.identity} au premier cycle (identité), ${queries.status} ensuite`,
  );
  console.log(`  entre deux cycles : ${KEEP ? 'connexions gardées ouvertes (--keep-connections)' : 'connexions fermées, comme la fermeture après 20 s d’inactivité du service (relevé toutes les 60 s)'}`);

  // the daemon's part: database, registry, bus, journal, poller — as DevicesService builds them
  const opened = openDb(join(work, 'trousse.db'));
  db = opened.db;
  const registry = new Registry(db);
  const bus = new EventBus();
  const journal = new Journal(db, bus);
  for (const [i, port] of ports.entries()) {
    registry.create({
      kind: 'projector',
      name: `VP ${String(i + 1).padStart(3, '0')}`,
      room: `Salle ${String(Math.floor(i / 20) + 1).padStart(2, '0')}`,
      host: '127.0.0.1',
      pjlink: { port },
    });
  }
  const p = new Poller({ db, registry, bus, journal, log: createLogger('silent'), settings: () => settings, now: () => new Date() });
  poller = p;

  const rssBefore = await rssAfterGc();
  const heapBefore = process.memoryUsage();
  const cycles: { n: number; queries: number; ms: number; cpuMs: number; reachable: number; failed: number; rss: number; heapUsed: number; external: number }[] = [];
  const problems: string[] = [];
  for (let n = 1; n <= CYCLES + 1; n++) {
    if (n > 1 && !KEEP) for (const t of registry.targets()) p.driver(t).transport.close();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await p.cycle();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const rss = await rssAfterGc();
    const { heapUsed, external } = process.memoryUsage();
    cycles.push({ n, queries: n === 1 ? queries.identity : queries.status, ms, cpuMs: (cpu.user + cpu.system) / 1000, reachable: r.reachable, failed: r.failed, rss, heapUsed, external });
    if (r.reachable !== live || r.failed !== dead.length) problems.push(`cycle ${n} : ${r.reachable} joignables et ${r.failed} échecs au lieu de ${live} et ${dead.length}`);
    console.log(`  cycle ${n} : ${secs(ms)}, ${r.reachable} joignables, ${r.failed} échecs, RSS ${mb(rss)}`);
  }
  const peakRss = process.resourceUsage().maxRSS * 1024;
  p.closeAll();

  // baseline after the measured cycles: its sockets must not count in the RSS measured above
  const base: { ms: number; answered: number }[] = [];
  for (let i = 0; i < BASELINE_RUNS; i++) base.push(await baselineCycle(ports, settings.concurrency, settings.timeoutMs));
  const baseMs = median(base.map((b) => b.ms));
  if (base.some((b) => b.answered !== live)) problems.push(`référence : ${base.map((b) => b.answered).join(', ')} réponses au lieu de ${live}`);

  // A dead projector costs up to timeoutMs: nothing ever answers it, only the deadline (connect, or greeting once connected) ends the wait, and it holds one of the `concurrency` slots meanwhile.
  const batches = Math.ceil(N / settings.concurrency);
  const floorIdentity = batches * queries.identity * REPLY_DELAY_MS;
  const floorStatus = batches * queries.status * REPLY_DELAY_MS;
  const first = cycles[0] as (typeof cycles)[number];
  const steady = cycles.slice(1);
  const steadyMax = Math.max(...steady.map((c) => c.ms));
  const steadyMed = median(steady.map((c) => c.ms));
  const rssMax = Math.max(...cycles.map((c) => c.rss));
  const growth = rssMax - rssBefore;
  const pass = { first: first.ms <= TARGET_CYCLE_MS, steady: steadyMax <= TARGET_CYCLE_MS, rss: growth <= TARGET_RSS_GROWTH_MB * 1024 * 1024 };

  printTable(
    'Cycles de relevé (Poller)',
    ['Cycle', 'Requêtes/appareil', 'Durée', 'CPU', 'Joignables', 'Échecs', 'RSS après (gc)', 'Δ RSS', 'tas V8 utilisé', 'mémoire externe'],
    [
      ['avant le 1er cycle', '', '', '', '', '', mb(rssBefore), '', mb(heapBefore.heapUsed), mb(heapBefore.external)],
      ...cycles.map((c) => [
        c.n === 1 ? '1 (identité)' : String(c.n),
        String(c.queries),
        secs(c.ms),
        secs(c.cpuMs),
        String(c.reachable),
        String(c.failed),
        mb(c.rss),
        `${c.rss >= rssBefore ? '+' : '−'}${mb(Math.abs(c.rss - rssBefore))}`,
        mb(c.heapUsed),
        mb(c.external),
      ]),
    ],
  );
  printTable(
    `Synthèse — ${N} appareils, concurrence ${settings.concurrency}, délai ${settings.timeoutMs} ms`,
    ['Mesure', 'Valeur', 'Référence (même exécution)', 'Rapport', 'Cible', 'Verdict'],
    [
      ['Premier cycle (identité)', secs(first.ms), `1 aller-retour brut : ${secs(baseMs)}`, (first.ms / baseMs).toFixed(2), `≤ ${secs(TARGET_CYCLE_MS)}`, ok(pass.first)],
      [`Cycle courant, pire des ${steady.length}`, secs(steadyMax), `1 aller-retour brut : ${secs(baseMs)}`, (steadyMax / baseMs).toFixed(2), `≤ ${secs(TARGET_CYCLE_MS)}`, ok(pass.steady)],
      [`Cycle courant, médiane`, secs(steadyMed), '', (steadyMed / baseMs).toFixed(2), '', ''],
      ['Croissance du RSS (max après − avant)', mb(growth), `RSS avant : ${mb(rssBefore)}`, '', `≤ ${TARGET_RSS_GROWTH_MB} Mo`, ok(pass.rss)],
      ['  RSS maximal du processus (info)', mb(peakRss), '', '', '', ''],
      [
        `Plancher théorique, identité`,
        secs(floorIdentity),
        `⌈${N}/${settings.concurrency}⌉ × ${queries.identity} × ${REPLY_DELAY_MS} ms`,
        (first.ms / floorIdentity).toFixed(2),
        '',
        '',
      ],
      [`Plancher théorique, cycle courant`, secs(floorStatus), `⌈${N}/${settings.concurrency}⌉ × ${queries.status} × ${REPLY_DELAY_MS} ms`, (steadyMed / floorStatus).toFixed(2), '', ''],
      [`Référence : 1 aller-retour brut (médiane)`, secs(baseMs), `${BASELINE_RUNS} passages : ${base.map((b) => secs(b.ms)).join(', ')}`, '', '', ''],
      [`  coût d’un appareil hors service (timeoutMs)`, secs(settings.timeoutMs), `${dead.length} sur ${N}, un créneau occupé chacun`, '', '', ''],
    ],
  );
  if (problems.length > 0) {
    console.log('\nProblèmes constatés :');
    for (const x of problems) console.log(`  - ${x}`);
  }
  console.log(
    pass.first && pass.steady && pass.rss
      ? '\nCibles atteintes.'
      : `\nATTENTION : au moins une cible n’est pas atteinte (${[!pass.first && 'premier cycle', !pass.steady && 'cycle courant', !pass.rss && 'RSS'].filter(Boolean).join(', ')}).`,
  );
  console.log(
    `BENCH_JSON ${JSON.stringify({
      devices: N,
      dead: dead.length,
      replyDelayMs: REPLY_DELAY_MS,
      concurrency: settings.concurrency,
      timeoutMs: settings.timeoutMs,
      keepConnections: KEEP,
      queries,
      cycles: cycles.map((c) => ({ ms: Math.round(c.ms), cpuMs: Math.round(c.cpuMs), heapUsedMb: Number((c.heapUsed / 1048576).toFixed(1)), reachable: c.reachable, failed: c.failed, rssMb: Number((c.rss / 1048576).toFixed(1)) })),
      firstCycleMs: Math.round(first.ms),
      steadyMaxMs: Math.round(steadyMax),
      steadyMedianMs: Math.round(steadyMed),
      baselineMs: Math.round(baseMs),
      baselineRunsMs: base.map((b) => Math.round(b.ms)),
      floorIdentityMs: floorIdentity,
      floorStatusMs: floorStatus,
      rssBeforeMb: Number((rssBefore / 1048576).toFixed(1)),
      rssGrowthMb: Number((growth / 1048576).toFixed(1)),
      peakRssMb: Number((peakRss / 1048576).toFixed(1)),
      pass,
      problems,
    })}`,
  );
} finally {
  await cleanup();
}
