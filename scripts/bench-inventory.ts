/**
 * Inventory benchmark (npm run bench:inventory).
 *
 *   node scripts/bench-inventory.ts [--inventories N] [--parallel P] [--items M] [--runs R]
 *                                   (defaults 200, 8, 1000 and 5)
 *
 * No DC, no Samba: the daemon's real pieces, assembled as daemon/src/app.ts wires them, over a fresh
 * SQLite database in a temporary directory — EventBus, Journal, Scheduler (not started), Outbox
 * (hub and GLPI relay both "configured", so every inventory also queues its zlib-compressed copy for
 * the département's GLPI, superseding the previous one), InventoryService (no devices), and a
 * Fastify server on 127.0.0.1:0 with the `agentEndpoint` plugin (app.ts's options: concurrency 4,
 * queue 64; silent logger).
 *
 * 1. N agent inventories the size of the official glpi-format/computer_1.json (N distinct PCs:
 *    deviceid, hardware name and uuid, BIOS serial, MAC and IP addresses), zlib-compressed and posted
 *    like glpi-agent does (POST /front/inventory.php, Content-Type application/x-compress-zlib,
 *    GLPI-Agent-ID), P in flight at a time over keep-alive connections: total time, inventories per
 *    second, latency p50/p95/max, CPU, RSS before/after (after a forced GC). Every answer must be
 *    200 {"status":"ok"} and the database must hold N items afterwards. Target: ≥ 20 inventories/s.
 * 2. Baseline measured in the same run, before round 1 and after round 2 (the better one counts):
 *    the same N bodies, P at a time, to a trivial route of the same server (POST /bench/echo: body
 *    read as bytes, inflated, decoded, JSON.parse'd, a zlib-compressed "ok" sent back) — the floor of
 *    HTTP + decompression + parsing, so that the inventory logic's own cost shows.
 * 3. Round 2: the same N inventories again (updates of existing items: history diff, software
 *    replaced, relay copy superseded), reported separately.
 * 4. More PCs posted the same way up to M items, then the report over M items: inventory.report(),
 *    render('json'), render('csv'), render('html') (each render builds the report itself), best and
 *    worst of R. Baseline: `SELECT * FROM inventory_items` + JSON.stringify of the rows.
 *    Target: ≤ 1 s per format (worst of R).
 *
 * Needs `node --expose-gc` (re-executes itself with it, and with the service's
 * --max-semi-space-size=8, when missing). Prints a French table and a last line `BENCH_JSON {...}`;
 * the exit code is 0 even when a target is missed (the verdict is printed), 1 when a check fails.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { parseConfig } from '../daemon/src/core/config.ts';
import { EventBus } from '../daemon/src/core/events.ts';
import { Journal } from '../daemon/src/core/journal.ts';
import { createLogger } from '../daemon/src/core/logger.ts';
import { Outbox } from '../daemon/src/core/outbox.ts';
import { Scheduler } from '../daemon/src/core/scheduler.ts';
import { type Db, openDb } from '../daemon/src/db/index.ts';
import { agentEndpoint } from '../daemon/src/inventory/agent/endpoint.ts';
import { InventoryService } from '../daemon/src/inventory/service.ts';
import { TROUSSE_VERSION } from '../daemon/src/version.ts';
import { intArg, printTable, mb, ensureNodeFlags } from './bench-common.ts';

const TARGET_RATE = 20;
const TARGET_REPORT_MS = 1000;
const COMPUTER_1 = new URL('../daemon/src/inventory/glpi-format/computer_1.json', import.meta.url);

await ensureNodeFlags();

const N = intArg('--inventories', 200, 10, 5000);
const P = intArg('--parallel', 8, 1, 64);
const M = intArg('--items', 1000, N, 20_000);
const RUNS = intArg('--runs', 5, 1, 50);

const inflate = promisify(zlib.inflate);
const deflate = promisify(zlib.deflate);
const utf8 = new TextDecoder('utf-8', { fatal: true });

const ko = (x: number): string => `${(x / 1024).toFixed(1)} Ko`;
const msf = (x: number): string => `${x.toFixed(1)} ms`;
const sf = (x: number): string => `${(x / 1000).toFixed(2)} s`;
const ok = (b: boolean): string => (b ? 'OK' : 'HORS CIBLE');
const round1 = (x: number): number => Math.round(x * 10) / 10;
const toMb = (x: number): number => round1(x / 1048576);
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/** RSS once the garbage is collected (twice: weak references and finalizers of the first pass). */
async function rssAfterGc(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  const gc = globalThis.gc as NodeJS.GCFunction;
  gc();
  gc();
  return process.memoryUsage().rss;
}

// ---- the agents' inventories ----

type Json = Record<string, unknown>;
const template = JSON.parse(readFileSync(COMPUTER_1, 'utf8')) as Json;
const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

/** computer_1.json as PC n: its own deviceid, name, uuid, serial, MACs (one per original card) and IPs. */
function inventoryOf(n: number): Json {
  const inv = structuredClone(template);
  const content = inv.content as Json;
  const name = `pc-banc-${String(n).padStart(5, '0')}`;
  inv.deviceid = `${name}-2024-09-02-08-00-00`;
  const hardware = content.hardware as Json;
  hardware.name = name;
  hardware.uuid = `4c4c4544-${String(n).padStart(4, '0').slice(-4)}-3010-8048-${n.toString(16).padStart(12, '0')}`;
  const bios = content.bios as Json;
  bios.ssn = `BANC${String(n).padStart(6, '0')}`;
  bios.msn = `/${bios.ssn}/CE${String(n).padStart(12, '0')}/`;
  const macs = new Map<string, string>();
  for (const [k, net] of (content.networks as Json[]).entries()) {
    const mac = String(net.mac ?? '');
    if (mac && mac !== '00:00:00:00:00:00') {
      if (!macs.has(mac)) macs.set(mac, `02:ba:${hex2(n >> 16)}:${hex2(n >> 8)}:${hex2(n)}:${hex2(macs.size)}`);
      net.mac = macs.get(mac);
    }
    if (typeof net.ipaddress === 'string' && !net.ipaddress.startsWith('127.')) net.ipaddress = `10.${(n >> 8) & 0xff}.${n & 0xff}.${10 + k}`;
  }
  return inv;
}

interface Body {
  agentId: string;
  zlib: Buffer;
  rawBytes: number;
}

function bodies(from: number, count: number): Body[] {
  return Array.from({ length: count }, (_, i) => {
    const raw = Buffer.from(JSON.stringify(inventoryOf(from + i)), 'utf8');
    return { agentId: randomUUID(), zlib: zlib.deflateSync(raw), rawBytes: raw.length };
  });
}

// ---- the client: glpi-agent's request, P at a time over keep-alive connections ----

interface Answer {
  status: number;
  text: string;
  ms: number;
}

function post(agent: Agent, url: string, b: Body): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-compress-zlib', 'content-length': String(b.zlib.length), 'glpi-agent-id': b.agentId, 'user-agent': 'GLPI-Agent_v1.11' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const raw = Buffer.concat(chunks);
          let text: string;
          try {
            text = String(res.headers['content-type']).includes('zlib') ? zlib.inflateSync(raw).toString('utf8') : raw.toString('utf8');
          } catch {
            text = raw.toString('utf8');
          }
          resolve({ status: res.statusCode ?? 0, text, ms });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(b.zlib);
  });
}

interface Round {
  ms: number;
  cpuMs: number;
  rate: number;
  p50: number;
  p95: number;
  max: number;
  failures: string[];
}

async function round(agent: Agent, url: string, list: Body[]): Promise<Round> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (next < list.length) {
      const b = list[next++] as Body;
      const a = await post(agent, url, b);
      latencies.push(a.ms);
      let good = false;
      try {
        good = a.status === 200 && (JSON.parse(a.text) as { status?: unknown }).status === 'ok';
      } catch {
        good = false;
      }
      if (!good && failures.length < 5) failures.push(`${a.status} ${a.text.slice(0, 200)}`);
      else if (!good) failures.push('');
    }
  };
  await Promise.all(Array.from({ length: Math.min(P, list.length) }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, rate: (list.length * 1000) / ms, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies), failures };
}

/** Best and worst of `runs` timings of fn. */
function timeRuns(runs: number, fn: () => unknown): { best: number; worst: number; size: number } {
  const ts: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out = fn();
    ts.push(performance.now() - t0);
    if (typeof out === 'string') size = Buffer.byteLength(out);
    else if (out && typeof out === 'object' && 'body' in out) size = Buffer.byteLength(String((out as { body: unknown }).body));
  }
  return { best: Math.min(...ts), worst: Math.max(...ts), size };
}

// ---- main ----

const work = mkdtempSync(join(tmpdir(), 'trousse-bench-inventory-'));
let db: Db | null = null;
let app: FastifyInstance | null = null;
let httpAgent: Agent | null = null;
let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  httpAgent?.destroy();
  await app?.close();
  db?.close();
  rmSync(work, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (cleaned) return;
    cleaned = true;
    console.error('\n# interrompu : nettoyage…');
    httpAgent?.destroy();
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}

const problems: string[] = [];
try {
  console.log(`Inventaire — ${N} inventaires d’agent (${P} à la fois), puis rapport sur ${M} matériels, Node.js ${process.version}`);

  // the daemon's part, as app.ts wires it (no DC: no buildApp)
  const config = parseConfig({ school: { uai: '0751234A', name: 'Collège de banc d’essai' }, dataDir: work, log: { level: 'silent' } }, work, 'bench');
  const log = createLogger('silent');
  const opened = openDb(join(work, 'trousse.db'));
  const d = opened.db;
  db = d;
  const bus = new EventBus();
  const journal = new Journal(d, bus);
  const scheduler = new Scheduler(log);
  const outbox = new Outbox(d, { school: { uai: config.school.uai.toUpperCase(), name: config.school.name }, version: TROUSSE_VERSION, enabled: () => true });
  const inventory = new InventoryService({ config, log, db: d, bus, journal, scheduler, outbox, devices: { list: () => [] } });

  const server = Fastify({ loggerInstance: log as FastifyBaseLogger, bodyLimit: 1024 * 1024, trustProxy: false, forceCloseConnections: true, return503OnClosing: true });
  app = server;
  const maxBodyBytes = config.inventory.maxBodyMb * 1024 * 1024;
  const maxInventoryBytes = config.inventory.maxInventoryMb * 1024 * 1024;
  await server.register(agentEndpoint, { inventory, networks: config.inventory.agentNetworks, maxBodyBytes, maxInventoryBytes, concurrency: 4, queue: 64 });
  // the baseline's route, in a scope of its own that reads bodies as bytes like the agent endpoint
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
    scope.post('/bench/echo', async (req, reply) => {
      const text = utf8.decode(await inflate(req.body as Buffer, { maxOutputLength: maxInventoryBytes }));
      const json = JSON.parse(text) as unknown;
      if (!json || typeof json !== 'object') throw new Error('objet JSON attendu');
      const body = await deflate(Buffer.from(JSON.stringify({ status: 'ok', expiration: 24 }), 'utf8'));
      return reply.code(200).header('content-type', 'application/x-compress-zlib').header('cache-control', 'no-store').send(body);
    });
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  const invUrl = `${base}/front/inventory.php`;
  const echoUrl = `${base}/bench/echo`;
  const agent = new Agent({ keepAlive: true, maxSockets: P });
  httpAgent = agent;

  const list = bodies(1, N);
  const rawAvg = list.reduce((s, b) => s + b.rawBytes, 0) / N;
  const zAvg = list.reduce((s, b) => s + b.zlib.length, 0) / N;
  console.log(
    `  corps : computer_1.json (${ko(readFileSync(COMPUTER_1).length)} tel que publié, ${(template.content as { softwares: unknown[] }).softwares.length} logiciels), ${ko(rawAvg)} en JSON compact, ${ko(zAvg)} compressé (zlib) en moyenne`,
  );
  console.log(`  serveur : Fastify + agentEndpoint (concurrence 4, file 64) sur ${base}, base SQLite neuve, relais GLPI et hub activés`);

  // warm-up of the HTTP path and the client only (the echo route): the inventory starts cold, as in the daemon
  await round(agent, echoUrl, list.slice(0, Math.min(16, N)));

  const rssBefore = await rssAfterGc();
  const echoBefore = await round(agent, echoUrl, list);
  if (echoBefore.failures.length) problems.push(`référence (avant) : ${echoBefore.failures.length} réponses en échec : ${echoBefore.failures[0]}`);

  // round 1: N new PCs
  const r1 = await round(agent, invUrl, list);
  const rssAfter1 = await rssAfterGc();
  const count1 = inventory.store.count();
  const q = (sql: string): number => (d.prepare(sql).get() as { n: number }).n;
  const relay1 = q("SELECT COUNT(*) AS n FROM outbox WHERE target = 'glpi'");
  const changes1 = q('SELECT COUNT(*) AS n FROM inventory_changes');
  const software1 = q('SELECT COUNT(*) AS n FROM inventory_software');
  if (r1.failures.length) problems.push(`1er passage : ${r1.failures.length} réponses en échec : ${r1.failures[0]}`);
  if (count1 !== N) problems.push(`1er passage : ${count1} matériels en base au lieu de ${N}`);
  if (relay1 !== N) problems.push(`1er passage : ${relay1} copies pour le GLPI en attente au lieu de ${N}`);

  // round 2: the same N again (updates)
  const r2 = await round(agent, invUrl, list);
  const rssAfter2 = await rssAfterGc();
  const count2 = inventory.store.count();
  const relay2 = q("SELECT COUNT(*) AS n FROM outbox WHERE target = 'glpi'");
  const changes2 = q('SELECT COUNT(*) AS n FROM inventory_changes') - changes1;
  const software2 = q('SELECT COUNT(*) AS n FROM inventory_software');
  if (r2.failures.length) problems.push(`2e passage : ${r2.failures.length} réponses en échec : ${r2.failures[0]}`);
  if (count2 !== N) problems.push(`2e passage : ${count2} matériels en base au lieu de ${N}`);
  if (relay2 !== N) problems.push(`2e passage : ${relay2} copies pour le GLPI en attente au lieu de ${N} (remplacement)`);
  if (software2 !== software1) problems.push(`2e passage : ${software2} logiciels en base au lieu de ${software1}`);

  const echoAfter = await round(agent, echoUrl, list);
  if (echoAfter.failures.length) problems.push(`référence (après) : ${echoAfter.failures.length} réponses en échec : ${echoAfter.failures[0]}`);
  const echo = echoBefore.ms <= echoAfter.ms ? echoBefore : echoAfter;

  // up to M items: more PCs, posted the same way
  let fill: Round | null = null;
  if (M > N) {
    const more = bodies(N + 1, M - N);
    fill = await round(agent, invUrl, more);
    if (fill.failures.length) problems.push(`remplissage : ${fill.failures.length} réponses en échec : ${fill.failures[0]}`);
  }
  const countM = inventory.store.count();
  if (countM !== M) problems.push(`remplissage : ${countM} matériels en base au lieu de ${M}`);
  const rssAfterFill = await rssAfterGc();

  // the report over M items
  const sampleReport = inventory.report();
  if (sampleReport.items.length !== M) problems.push(`rapport : ${sampleReport.items.length} lignes au lieu de ${M}`);
  const rep = {
    report: timeRuns(RUNS, () => inventory.report()),
    json: timeRuns(RUNS, () => inventory.render('json')),
    csv: timeRuns(RUNS, () => inventory.render('csv')),
    html: timeRuns(RUNS, () => inventory.render('html')),
    baseline: timeRuns(RUNS, () => JSON.stringify(d.prepare('SELECT * FROM inventory_items').all())),
  };
  const rssAfterReport = await rssAfterGc();
  const peakRss = process.resourceUsage().maxRSS * 1024;

  const pass = { rate: r1.rate >= TARGET_RATE, report: Math.max(rep.json.worst, rep.csv.worst, rep.html.worst) <= TARGET_REPORT_MS };
  const ratio = (a: number, b: number): string => (a / b).toFixed(2);
  const perInv = (r: Round): string => msf(r.ms / N);

  printTable(
    `Réception des inventaires — ${N} PC, ${P} requêtes en vol`,
    ['Passage', 'Durée', 'Inventaires/s', 'ms/inventaire', 'Latence p50', 'p95', 'max', 'CPU', 'RSS après (gc)', 'Rapport / référence'],
    [
      ['Référence : /bench/echo (avant)', sf(echoBefore.ms), echoBefore.rate.toFixed(1), perInv(echoBefore), msf(echoBefore.p50), msf(echoBefore.p95), msf(echoBefore.max), sf(echoBefore.cpuMs), '', ''],
      ['1er passage (nouveaux PC)', sf(r1.ms), r1.rate.toFixed(1), perInv(r1), msf(r1.p50), msf(r1.p95), msf(r1.max), sf(r1.cpuMs), mb(rssAfter1), ratio(r1.ms, echo.ms)],
      ['2e passage (mises à jour)', sf(r2.ms), r2.rate.toFixed(1), perInv(r2), msf(r2.p50), msf(r2.p95), msf(r2.max), sf(r2.cpuMs), mb(rssAfter2), ratio(r2.ms, echo.ms)],
      ['Référence : /bench/echo (après)', sf(echoAfter.ms), echoAfter.rate.toFixed(1), perInv(echoAfter), msf(echoAfter.p50), msf(echoAfter.p95), msf(echoAfter.max), sf(echoAfter.cpuMs), '', ''],
      ...(fill
        ? [[`Remplissage : ${M - N} PC de plus (${N + 1}→${M})`, sf(fill.ms), fill.rate.toFixed(1), msf(fill.ms / (M - N)), msf(fill.p50), msf(fill.p95), msf(fill.max), sf(fill.cpuMs), mb(rssAfterFill), ratio(fill.ms / (M - N), echo.ms / N)]]
        : []),
    ],
  );
  printTable(
    `Rapport d’inventaire sur ${M} matériels — meilleur et pire de ${RUNS}`,
    ['Mesure', 'Meilleur', 'Pire', 'Taille', 'Rapport / référence (meilleurs)', 'Cible', 'Verdict'],
    [
      ['inventory.report() seul', msf(rep.report.best), msf(rep.report.worst), '', ratio(rep.report.best, rep.baseline.best), '', ''],
      ["render('json')", msf(rep.json.best), msf(rep.json.worst), ko(rep.json.size), ratio(rep.json.best, rep.baseline.best), `≤ ${sf(TARGET_REPORT_MS)}`, ok(rep.json.worst <= TARGET_REPORT_MS)],
      ["render('csv')", msf(rep.csv.best), msf(rep.csv.worst), ko(rep.csv.size), ratio(rep.csv.best, rep.baseline.best), `≤ ${sf(TARGET_REPORT_MS)}`, ok(rep.csv.worst <= TARGET_REPORT_MS)],
      ["render('html')", msf(rep.html.best), msf(rep.html.worst), ko(rep.html.size), ratio(rep.html.best, rep.baseline.best), `≤ ${sf(TARGET_REPORT_MS)}`, ok(rep.html.worst <= TARGET_REPORT_MS)],
      ['Référence : SELECT * + JSON.stringify', msf(rep.baseline.best), msf(rep.baseline.worst), ko(rep.baseline.size), '1.00', '', ''],
    ],
  );
  printTable(
    'Synthèse',
    ['Mesure', 'Valeur', 'Référence (même exécution)', 'Cible', 'Verdict'],
    [
      ['Débit, 1er passage', `${r1.rate.toFixed(1)} inventaires/s`, `/bench/echo : ${echo.rate.toFixed(1)} /s`, `≥ ${TARGET_RATE} /s`, ok(pass.rate)],
      ['Débit, 2e passage (info)', `${r2.rate.toFixed(1)} inventaires/s`, `/bench/echo : ${echo.rate.toFixed(1)} /s`, '', ''],
      ['Rapport, pire format (pire des passages)', msf(Math.max(rep.json.worst, rep.csv.worst, rep.html.worst)), `SELECT * + JSON.stringify : ${msf(rep.baseline.best)}`, `≤ ${sf(TARGET_REPORT_MS)}`, ok(pass.report)],
      ['RSS avant le 1er passage (gc)', mb(rssBefore), '', '', ''],
      ['  après le 1er passage / le 2e', `${mb(rssAfter1)} / ${mb(rssAfter2)}`, `Δ ${mb(rssAfter1 - rssBefore)} / ${mb(rssAfter2 - rssBefore)}`, '', ''],
      [`  après ${M} matériels / après les rapports`, `${mb(rssAfterFill)} / ${mb(rssAfterReport)}`, `RSS maximal du processus : ${mb(peakRss)}`, '', ''],
      ['Base après le 1er passage', `${count1} matériels`, `${software1} logiciels, ${changes1} lignes d’historique, ${relay1} copies GLPI en attente`, '', ''],
      ['Base après le 2e passage', `${count2} matériels`, `${software2} logiciels, +${changes2} lignes d’historique, ${relay2} copies GLPI en attente`, '', ''],
    ],
  );
  if (problems.length > 0) {
    console.log('\nProblèmes constatés (banc en échec) :');
    for (const x of problems) console.log(`  - ${x}`);
  }
  console.log(
    problems.length > 0
      ? '\nÉCHEC : les vérifications ne sont pas passées, les mesures ne valent rien.'
      : pass.rate && pass.report
        ? '\nCibles atteintes.'
        : `\nATTENTION : au moins une cible n’est pas atteinte (${[!pass.rate && 'débit', !pass.report && 'rapport'].filter(Boolean).join(', ')}).`,
  );
  const roundJson = (r: Round) => ({ ms: Math.round(r.ms), perSecond: round1(r.rate), p50Ms: round1(r.p50), p95Ms: round1(r.p95), maxMs: round1(r.max), cpuMs: Math.round(r.cpuMs) });
  const runJson = (x: { best: number; worst: number; size: number }) => ({ bestMs: round1(x.best), worstMs: round1(x.worst), bytes: x.size });
  console.log(
    `BENCH_JSON ${JSON.stringify({
      inventories: N,
      parallel: P,
      items: M,
      runs: RUNS,
      bodyBytes: Math.round(rawAvg),
      bodyZlibBytes: Math.round(zAvg),
      round1: roundJson(r1),
      round2: roundJson(r2),
      baselineEcho: roundJson(echo),
      baselineEchoRunsMs: [Math.round(echoBefore.ms), Math.round(echoAfter.ms)],
      fill: fill ? roundJson(fill) : null,
      report: { report: runJson(rep.report), json: runJson(rep.json), csv: runJson(rep.csv), html: runJson(rep.html), baseline: runJson(rep.baseline) },
      rssMb: { before: toMb(rssBefore), afterRound1: toMb(rssAfter1), afterRound2: toMb(rssAfter2), afterFill: toMb(rssAfterFill), afterReport: toMb(rssAfterReport), peak: toMb(peakRss) },
      db: { items: count2, software: software2, changesRound1: changes1, changesRound2: changes2, glpiQueued: relay2 },
      pass,
      problems,
    })}`,
  );
  process.exitCode = problems.length > 0 ? 1 : 0;
} finally {
  await cleanup();
}
