import t, { type Test } from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { GlpiSim, HubSim, type HubSimOptions } from './hub-sim.ts';

const TOKEN = 'jeton-de-test';
const UAI = '0931234X';
const now = () => new Date().toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- report bodies, from the contract

type Kind = 'inventory' | 'alert' | 'health';

function data(kind: Kind): Record<string, unknown> {
  if (kind === 'inventory') {
    return {
      schemaVersion: 1,
      generatedAt: now(),
      school: { uai: UAI, name: 'Collège Jean Moulin' },
      rules: {},
      summary: { total: 2, byStatus: { ok: 1, to_renew: 1 }, byKind: { pc: 1, projector: 1 } },
      items: [
        { id: 1, kind: 'pc', name: 'PC-CDI-01', status: 'ok', reasons: [] },
        { id: 2, kind: 'projector', name: 'VP salle 104', status: 'to_renew', reasons: [{ code: 'age', status: 'to_renew', message: 'Acheté il y a 9 ans' }] },
      ],
    };
  }
  if (kind === 'alert') {
    return {
      item: { id: 2, kind: 'projector', name: 'VP salle 104', room: '104', serial: null, manufacturer: 'Epson', model: null },
      previousStatus: 'ok',
      status: 'to_watch',
      reasons: [{ code: 'lamp.hours', status: 'to_watch', message: 'Lampe à 2 600 h' }],
      deviceAlert: { type: 'lamp.hours', level: 'warning', opened: true },
      at: now(),
      droppedBefore: 0,
    };
  }
  return {
    uptimeSeconds: 3600,
    ready: true,
    reasons: [],
    dc: { state: 'running', ldaps: true, restarts: 0 },
    disks: [{ mount: '/srv', label: 'données', sizeBytes: 1e12, usedBytes: 2e11, availBytes: 8e11 }],
    outbox: { queued: 0, oldestAt: null, rejected: 0 },
  };
}

function report(kind: Kind, sequence = 1, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    kind,
    school: { uai: UAI, name: 'Collège Jean Moulin' },
    sequence,
    createdAt: now(),
    trousseVersion: '0.1.0',
    data: data(kind),
    ...patch,
  };
}

// ---------------------------------------------------------------- client

interface PostOpts {
  key?: string | null;
  token?: string | null;
  uai?: string | null;
  attempt?: number | string | null;
  contentType?: string | null;
  encoding?: string | null; // Content-Encoding header (default gzip)
  raw?: Buffer; // body as sent (default: gzip of JSON.stringify(body))
  path?: string;
  method?: string;
}

type Json = Record<string, unknown>;

interface Answer { status: number; json: Json | null; headers: Headers }

async function post(base: string, body: unknown, o: PostOpts = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const set = (name: string, v: string | number | null | undefined, dflt: string | null) => {
    const value = v === undefined ? dflt : v;
    if (value !== null) headers[name] = String(value);
  };
  const uai = (body as { school?: { uai?: string } } | null)?.school?.uai ?? UAI;
  set('idempotency-key', o.key, randomUUID());
  set('authorization', o.token === undefined ? `Bearer ${TOKEN}` : o.token === null ? null : `Bearer ${o.token}`, null);
  set('x-trousse-uai', o.uai, uai);
  set('x-trousse-attempt', o.attempt, '1');
  set('content-type', o.contentType, 'application/json');
  set('content-encoding', o.encoding, 'gzip');
  const method = o.method ?? 'POST';
  const payload = o.raw ?? zlib.gzipSync(JSON.stringify(body));
  const res = await fetch(`${base}${o.path ?? '/reports'}`, { method, headers, body: method === 'GET' ? undefined : new Uint8Array(payload) });
  const text = await res.text();
  let json: Json | null = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, headers: res.headers };
}

async function hub(t: Test, opts: HubSimOptions = {}): Promise<HubSim> {
  const s = new HubSim({ token: TOKEN, ...opts });
  await s.start();
  t.teardown(() => s.stop());
  return s;
}

// ---------------------------------------------------------------- hub: acceptance and idempotency

t.test('a valid report of each kind is accepted and recorded', async (t) => {
  const s = await hub(t);
  t.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(s.url, `http://127.0.0.1:${s.port}`);
  const keys: string[] = [];
  for (const [i, kind] of (['inventory', 'alert', 'health'] as const).entries()) {
    const key = randomUUID();
    keys.push(key);
    const r = await post(s.url, report(kind, i + 1), { key, attempt: 1 });
    t.equal(r.status, 200, kind);
    t.same(r.json, { status: 'ok' }, `${kind}: plain ack`);
    t.match(r.headers.get('content-type'), /^application\/json/);
  }
  t.equal(s.reports.length, 3);
  t.same(s.reports.map((r) => r.key), keys, 'arrival order');
  t.same(s.reports.map((r) => r.body.kind), ['inventory', 'alert', 'health']);
  t.equal(s.reports[0]?.uai, UAI);
  t.equal(s.reports[0]?.attempt, 1);
  t.ok((s.reports[0]?.at ?? 0) <= Date.now() && (s.reports[0]?.at ?? 0) > Date.now() - 10_000);
  t.equal(s.byKind('alert').length, 1);
  t.equal(s.byKind('alert')[0]?.body.data.deviceAlert.type, 'lamp.hours');
  t.same(s.byKind('nope'), []);
  t.same(s.requests.map((r) => r.status), [200, 200, 200]);
  t.same(s.invalid, []);
  t.equal(s.duplicates, 0);

  const r = await post(s.url, report('alert', 4, { data: { ...data('alert'), previousStatus: null, deviceAlert: null, droppedBefore: 3 } }), { attempt: null });
  t.equal(r.status, 200, 'nullable previousStatus / deviceAlert, no X-Trousse-Attempt');
  t.equal(s.reports.at(-1)?.attempt, null);
});

t.test('no token configured: Authorization not required', async (t) => {
  const s = await hub(t, { token: null });
  t.equal((await post(s.url, report('health'), { token: null })).status, 200);
  t.equal((await post(s.url, report('health'), { token: 'anything' })).status, 200);
});

t.test('replay of an accepted key → 200 duplicate, stored once; same key, other body → 422', async (t) => {
  const s = await hub(t);
  const key = randomUUID();
  const body = report('inventory', 7);
  t.equal((await post(s.url, body, { key, attempt: 1 })).status, 200);
  const again = await post(s.url, body, { key, attempt: 2 });
  t.equal(again.status, 200);
  t.same(again.json, { status: 'ok', duplicate: true });
  // Same document, keys in another order: still the same report.
  const reordered = Object.fromEntries(Object.entries(body).reverse());
  t.same((await post(s.url, reordered, { key, attempt: 3 })).json, { status: 'ok', duplicate: true }, 'key order does not matter');
  t.equal(s.reports.length, 1, 'stored once');
  t.equal(s.duplicates, 2);
  t.same(s.requests, [{ key, status: 200, attempt: 1 }, { key, status: 200, attempt: 2 }, { key, status: 200, attempt: 3 }]);

  const other = await post(s.url, { ...body, sequence: 8 }, { key });
  t.equal(other.status, 422);
  t.match(other.json, { message: /different body/, code: 'idempotency_key_reused' });
  t.equal(s.reports.length, 1);
  t.equal(s.duplicates, 2);
  t.same(s.invalid.map((i) => i.status), [422]);
});

// ---------------------------------------------------------------- hub: refusals

t.test('contract checks: statuses, Problem bodies, nothing stored', async (t) => {
  const s = await hub(t);
  const good = report('health');
  const cases: [string, number, Promise<Answer>][] = [
    ['wrong path', 404, post(s.url, good, { path: '/report' })],
    ['GET', 404, post(s.url, good, { method: 'GET' })],
    ['no Authorization', 401, post(s.url, good, { token: null })],
    ['wrong token', 401, post(s.url, good, { token: 'faux' })],
    ['UAI header ≠ body.school.uai', 403, post(s.url, good, { uai: '0000001A' })],
    ['missing Idempotency-Key', 400, post(s.url, good, { key: null })],
    ['Idempotency-Key not a UUID', 400, post(s.url, good, { key: 'report-42' })],
    ['missing X-Trousse-UAI', 400, post(s.url, good, { uai: null })],
    ['malformed X-Trousse-UAI', 400, post(s.url, good, { uai: '931234x' })],
    ['X-Trousse-Attempt 0', 400, post(s.url, good, { attempt: 0 })],
    ['no Content-Encoding, plain JSON', 415, post(s.url, good, { encoding: null, raw: Buffer.from(JSON.stringify(good)) })],
    ['Content-Encoding deflate', 415, post(s.url, good, { encoding: 'deflate', raw: zlib.deflateSync(JSON.stringify(good)) })],
    ['Content-Type text/plain', 415, post(s.url, good, { contentType: 'text/plain' })],
    ['gzip header but not gzip data', 400, post(s.url, good, { raw: Buffer.from(JSON.stringify(good)) })],
    ['gzip of invalid JSON', 400, post(s.url, good, { raw: zlib.gzipSync('{"kind": "health",') })],
    ['gzip of invalid UTF-8', 400, post(s.url, good, { raw: zlib.gzipSync(Buffer.from([0x7b, 0xff, 0x7d])) })],
    ['unknown kind', 422, post(s.url, report('health', 1, { kind: 'weather' }))],
    ['schemaVersion 2', 422, post(s.url, report('health', 1, { schemaVersion: 2 }))],
    ['sequence 0', 422, post(s.url, report('health', 0))],
    ['createdAt not a date-time', 422, post(s.url, report('health', 1, { createdAt: '2026-05-04 10:00:00' }))],
    ['extra top-level property', 422, post(s.url, report('health', 1, { extra: true }))],
    ['alert without droppedBefore', 422, post(s.url, report('alert', 1, { data: { ...data('alert'), droppedBefore: undefined } }))],
    ['alert with an unknown status', 422, post(s.url, report('alert', 1, { data: { ...data('alert'), status: 'broken' } }))],
    ['health data under kind inventory', 422, post(s.url, report('inventory', 1, { data: data('health') }))],
    ['health with an unknown property', 422, post(s.url, report('health', 1, { data: { ...data('health'), cpu: 3 } }))],
    ['JSON array', 422, post(s.url, [good])],
  ];
  for (const [name, status, p] of cases) {
    const r = await p;
    t.equal(r.status, status, name);
    t.type(r.json?.message, 'string', `${name}: Problem message`);
    t.type(r.json?.code, 'string', `${name}: Problem code`);
  }
  t.equal(s.reports.length, 0, 'nothing stored');
  t.equal(s.invalid.length, cases.length, 'every refusal recorded');
  t.same(s.invalid.map((i) => i.status).sort(), cases.map((c) => c[1]).sort());
  t.equal(s.requests.length, cases.length);
  const unknownKind = s.invalid.find((i) => i.status === 422 && /kind/.test(i.message));
  t.ok(unknownKind, 'the ajv errors are in the message');
  t.ok(s.invalid.some((i) => /\/data.*droppedBefore/.test(i.message)), 'kind-specific data schema applied');
  const unauth = await post(s.url, good, { token: null });
  t.match(unauth.headers.get('www-authenticate'), /^Bearer/);
});

t.test('413 over 50 MB once decompressed', async (t) => {
  const s = await hub(t);
  const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024 + 1, 0x20));
  t.ok(bomb.length < 1024 * 1024, 'small on the wire');
  const r = await post(s.url, null, { raw: bomb });
  t.equal(r.status, 413);
  t.same(s.invalid.map((i) => i.status), [413]);
  t.equal((await post(s.url, report('health'))).status, 200, 'still serving');
});

// ---------------------------------------------------------------- hub: fault injection

t.test('failNext: n answers with the status and Retry-After, nothing stored, then normal', async (t) => {
  const s = await hub(t);
  s.failNext(2, 503, 7);
  const key = randomUUID();
  const body = report('alert');
  const a = await post(s.url, body, { key, attempt: 1 });
  t.equal(a.status, 503);
  t.equal(a.headers.get('retry-after'), '7');
  t.equal((await post(s.url, body, { key, attempt: 2 })).status, 503);
  t.equal(s.reports.length, 0, 'not stored while failing');
  const c = await post(s.url, body, { key, attempt: 3 });
  t.equal(c.status, 200);
  t.same(c.json, { status: 'ok' }, 'first acceptance, not a duplicate');
  t.same(s.requests.map((r) => [r.status, r.attempt]), [[503, 1], [503, 2], [200, 3]]);
  t.same(s.invalid, [], 'injected failures are not contract refusals');

  s.failNext(1);
  const d = await post(s.url, report('alert', 2));
  t.equal(d.status, 503, 'default status 503');
  t.equal(d.headers.get('retry-after'), null, 'no Retry-After unless asked');
  s.failNext(1, 429, 1);
  const e = await post(s.url, report('alert', 2));
  t.equal(e.status, 429);
  t.equal(e.headers.get('retry-after'), '1');
  s.failNext(1, 500);
  t.equal((await post(s.url, report('alert', 2), { path: '/elsewhere' })).status, 404, 'a wrong path does not use up a failure');
  t.equal((await post(s.url, report('alert', 2))).status, 500);
  t.equal((await post(s.url, report('alert', 2))).status, 200);
});

t.test('dropNext: the report is stored, the client sees a socket error, the retry is a duplicate', async (t) => {
  const s = await hub(t);
  s.dropNext(1);
  const key = randomUUID();
  const body = report('inventory', 3);
  await t.rejects(post(s.url, body, { key, attempt: 1 }), 'no answer: the connection is destroyed');
  t.equal(s.reports.length, 1, 'stored anyway');
  t.equal(s.reports[0]?.key, key);
  const retry = await post(s.url, body, { key, attempt: 2 });
  t.equal(retry.status, 200);
  t.same(retry.json, { status: 'ok', duplicate: true });
  t.equal(s.reports.length, 1);
  t.equal(s.duplicates, 1);
  t.same(s.requests.map((r) => r.status), [0, 200], '0 = dropped');

  s.dropNext(2);
  const key2 = randomUUID();
  const body2 = report('inventory', 4);
  await t.rejects(post(s.url, body2, { key: key2, attempt: 1 }));
  await t.rejects(post(s.url, body2, { key: key2, attempt: 2 }), 'the first retry is dropped too');
  t.same((await post(s.url, body2, { key: key2, attempt: 3 })).json, { status: 'ok', duplicate: true });
  t.equal(s.byKind('inventory').length, 2);
  t.equal(s.duplicates, 2, 'dropped replays are not counted');

  s.dropNext(1);
  t.equal((await post(s.url, report('health'), { token: 'faux' })).status, 401, 'refusals are answered, not dropped');
  await t.rejects(post(s.url, report('health')));
  t.equal(s.byKind('health').length, 1);
});

t.test('delayMs delays every answer; stop cuts a delayed answer short', async (t) => {
  const s = await hub(t);
  s.delayMs = 150;
  let t0 = Date.now();
  t.equal((await post(s.url, report('health'))).status, 200);
  t.ok(Date.now() - t0 >= 140, `accepted after the delay (${Date.now() - t0} ms)`);
  t0 = Date.now();
  t.equal((await post(s.url, report('health'), { key: 'x' })).status, 400);
  t.ok(Date.now() - t0 >= 140, 'refusals delayed too');
  s.delayMs = 10_000;
  t0 = Date.now();
  const pending = post(s.url, report('health', 2));
  await s.waitFor((h) => h.reports.length === 2);
  await s.stop();
  await t.rejects(pending, 'connection destroyed by stop');
  t.ok(Date.now() - t0 < 5000, 'without waiting for the delay');
  t.equal(s.reports.length, 2, 'stored before the delay');
});

t.test('stop / start on the same port keeps the data and the accepted keys', async (t) => {
  const s = await hub(t);
  const port = s.port;
  const key = randomUUID();
  const body = report('alert', 1);
  t.equal((await post(s.url, body, { key })).status, 200);
  await s.stop();
  await s.stop(); // idempotent
  await t.rejects(post(s.url, body, { key }), 'down: connection refused');
  await s.start();
  t.equal(s.port, port, 'same port again');
  await t.rejects(s.start(), /already started/);
  const r = await post(s.url, body, { key, attempt: 2 });
  t.same(r.json, { status: 'ok', duplicate: true }, 'the key survived the restart');
  t.equal(s.reports.length, 1);
  t.equal((await post(s.url, report('alert', 2))).status, 200);
  t.equal(s.reports.length, 2);
  t.same(s.requests.map((q) => q.status), [200, 200, 200]);

  const fixed = new HubSim({ port, token: null });
  await s.stop();
  await fixed.start();
  t.teardown(() => fixed.stop());
  t.equal(fixed.port, port, 'a fixed port is honoured');
  t.equal((await post(fixed.url, report('health'), { token: null })).status, 200);
});

t.test('waitFor resolves on the condition, rejects with a clear message on timeout', async (t) => {
  const s = await hub(t);
  setTimeout(() => void post(s.url, report('health')), 50);
  await s.waitFor((h) => h.byKind('health').length === 1, 2000);
  t.pass('condition met');
  await t.rejects(s.waitFor((h) => h.reports.length > 5, 100), /HubSim\.waitFor: condition not met within 100 ms \(1 reports, 1 requests/);
  await t.rejects(s.waitFor(() => {
    throw new Error('boom');
  }), /boom/, 'a throwing predicate rejects');
});

// ---------------------------------------------------------------- hub: mutual TLS

interface Pki { dir: string; ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string; rogueCert: string; rogueKey: string }

function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'hub-sim-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string) => ssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (name: string, cn: string, issuer: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.crt`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  };
  ca('ca');
  ca('rogue-ca');
  leaf('server', 'hub.test', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', `${UAI}.trousse`, 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf('rogue', 'intrus', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  const r = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { dir, ca: r('ca.crt'), serverCert: r('server.crt'), serverKey: r('server.key'), clientCert: r('client.crt'), clientKey: r('client.key'), rogueCert: r('rogue.crt'), rogueKey: r('rogue.key') };
}

function tlsPost(url: string, ca: string, client: { cert: string; key: string } | null, body: unknown): Promise<{ status: number; json: Json }> {
  const payload = zlib.gzipSync(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(`${url}/reports`, {
      method: 'POST',
      ca,
      ...(client ?? {}),
      agent: false,
      headers: {
        authorization: `Bearer ${TOKEN}`, 'idempotency-key': randomUUID(), 'x-trousse-uai': UAI,
        'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(payload.length),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

t.test('TLS with a required client certificate', async (t) => {
  const pki = makePki();
  t.teardown(() => rmSync(pki.dir, { recursive: true, force: true }));
  const s = await hub(t, { tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true } });
  t.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  await t.rejects(tlsPost(s.url, pki.ca, null, report('health')), 'no client certificate: refused');
  await t.rejects(tlsPost(s.url, pki.ca, { cert: pki.rogueCert, key: pki.rogueKey }, report('health')), 'certificate from another CA: refused');
  t.equal(s.reports.length, 0);
  t.same(s.clientCertSubjects, []);
  const ok = await tlsPost(s.url, pki.ca, { cert: pki.clientCert, key: pki.clientKey }, report('health'));
  t.equal(ok.status, 200);
  t.same(ok.json, { status: 'ok' });
  t.equal(s.reports.length, 1);
  t.same(s.clientCertSubjects, [`${UAI}.trousse`], 'CN recorded');
  await tlsPost(s.url, pki.ca, { cert: pki.clientCert, key: pki.clientKey }, report('health', 2));
  t.same(s.clientCertSubjects, [`${UAI}.trousse`], 'each CN once');

  const plain = await hub(t, { tls: { cert: pki.serverCert, key: pki.serverKey } });
  t.equal((await tlsPost(plain.url, pki.ca, null, report('health'))).status, 200, 'server TLS only: no client certificate needed');
  t.same(plain.clientCertSubjects, []);
});

// ---------------------------------------------------------------- GLPI

const computer = JSON.parse(readFileSync(fileURLToPath(new URL('../../daemon/src/inventory/glpi-format/computer_1.json', import.meta.url)), 'utf8'));
const AGENT_ID = '3b4f1c7a-1e2d-4c5b-9a8f-0123456789ab';

async function glpi(t: Test): Promise<GlpiSim> {
  const g = new GlpiSim();
  await g.start();
  t.teardown(() => g.stop());
  return g;
}

async function glpiPost(g: GlpiSim, body: Buffer, contentType: string | null, agentId: string | null = AGENT_ID, path = '/front/inventory.php'): Promise<{ status: number; contentType: string | null; raw: Buffer }> {
  const headers: Record<string, string> = { pragma: 'no-cache' };
  if (contentType !== null) headers['content-type'] = contentType;
  if (agentId !== null) headers['glpi-agent-id'] = agentId;
  const res = await fetch(`${g.url}${path}`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: res.status, contentType: res.headers.get('content-type'), raw: Buffer.from(await res.arrayBuffer()) };
}

const XML_INVENTORY = '<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST><CONTENT><HARDWARE><NAME>PC-CDI-01</NAME></HARDWARE>'
  + '<VERSIONCLIENT>FusionInventory-Agent_v2.5.2</VERSIONCLIENT></CONTENT><DEVICEID>pc-cdi-01-2026-05-04-10-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>\n';

t.test('GLPI: computer_1.json zlib-compressed with GLPI-Agent-ID is accepted, answered zlib', async (t) => {
  const g = await glpi(t);
  const r = await glpiPost(g, zlib.deflateSync(JSON.stringify(computer)), 'application/x-compress-zlib');
  t.equal(r.status, 200);
  t.equal(r.contentType, 'application/x-compress-zlib', 'same compression content type');
  t.same(JSON.parse(zlib.inflateSync(r.raw).toString('utf8')), { status: 'ok', expiration: 24 });
  t.equal(g.inventories.length, 1);
  t.match(g.inventories[0], { deviceId: 'glpixps-2018-07-09-09-07-13', agentId: AGENT_ID, format: 'json', compression: 'zlib', contentType: 'application/x-compress-zlib' });
  t.same(g.inventories[0]?.body, computer);
  t.same(g.invalid, []);
});

t.test('GLPI: refusals (schema, agent id, content type, XML shape, path)', async (t) => {
  const g = await glpi(t);
  const noVersion = structuredClone(computer);
  delete noVersion.content.versionclient;
  const a = await glpiPost(g, zlib.deflateSync(JSON.stringify(noVersion)), 'application/x-compress-zlib');
  t.equal(a.status, 400, 'missing content.versionclient');
  t.equal(a.contentType, 'application/x-compress-zlib');
  const err = JSON.parse(zlib.inflateSync(a.raw).toString('utf8'));
  t.match(err, { status: 'error', message: /versionclient/ });

  const b = await glpiPost(g, Buffer.from(JSON.stringify(computer)), 'application/json', null);
  t.equal(b.status, 400);
  t.match(JSON.parse(b.raw.toString('utf8')), { status: 'error', message: /GLPI-Agent-ID/ });
  t.equal((await glpiPost(g, Buffer.from(JSON.stringify(computer)), 'application/json', 'not-a-uuid')).status, 400);
  t.equal((await glpiPost(g, Buffer.from(JSON.stringify({ ...computer, extra: 1 })), 'application/json')).status, 400, 'additional top-level property');
  t.equal((await glpiPost(g, Buffer.from('{"deviceid":'), 'application/json')).status, 400, 'invalid JSON');
  t.equal((await glpiPost(g, Buffer.from(JSON.stringify(computer)), 'application/octet-stream')).status, 415);
  t.equal((await glpiPost(g, Buffer.from(JSON.stringify(computer)), 'application/x-compress-zlib')).status, 400, 'not zlib data');
  t.equal((await glpiPost(g, zlib.deflateSync(JSON.stringify(computer)), 'application/json', AGENT_ID, '/front/other.php')).status, 404);
  t.equal((await glpiPost(g, zlib.deflateSync(Buffer.alloc(50 * 1024 * 1024 + 1, 0x20)), 'application/x-compress-zlib')).status, 413);

  const x1 = await glpiPost(g, Buffer.from('<REQUEST><QUERY>INVENTORY</QUERY><CONTENT/></REQUEST>'), 'application/xml', null);
  t.equal(x1.status, 400, 'XML without DEVICEID');
  t.match(x1.raw.toString('utf8'), /<REPLY><ERROR>missing or empty &lt;DEVICEID&gt;<\/ERROR><\/REPLY>/);
  t.equal((await glpiPost(g, Buffer.from('<REPLY><DEVICEID>x</DEVICEID></REPLY>'), 'application/xml', null)).status, 400, 'wrong root');
  t.equal((await glpiPost(g, Buffer.from('<REQUEST><DEVICEID>x</DEVICEID><QUERY>SNMPQUERY</QUERY><CONTENT/></REQUEST>'), 'application/xml', null)).status, 400, 'other query');
  t.equal((await glpiPost(g, Buffer.from('<REQUEST><DEVICEID>x</DEVICEID><CONTENT></REQUEST>'), 'application/xml', null)).status, 400, 'malformed XML');
  t.equal((await glpiPost(g, Buffer.from(XML_INVENTORY), 'application/json', null)).status, 400, 'XML sent as application/json');

  t.equal(g.inventories.length, 0);
  t.equal(g.invalid.length, 14);
  t.same(g.requests.map((r) => r.status), g.invalid.map((i) => i.status));
});

t.test('GLPI: other encodings, legacy XML, contact, failNext', async (t) => {
  const g = await glpi(t);
  const json = JSON.stringify(computer);
  const gz = await glpiPost(g, zlib.gzipSync(json), 'application/x-compress-gzip');
  t.equal(gz.status, 200);
  t.equal(gz.contentType, 'application/x-compress-gzip');
  t.same(JSON.parse(zlib.gunzipSync(gz.raw).toString('utf8')), { status: 'ok', expiration: 24 });
  const plain = await glpiPost(g, Buffer.from(json), 'application/json');
  t.equal(plain.status, 200);
  t.match(plain.contentType, /^application\/json/);
  t.same(JSON.parse(plain.raw.toString('utf8')), { status: 'ok', expiration: 24 });
  t.equal((await glpiPost(g, zlib.deflateRawSync(json), 'application/x-compress-deflate')).status, 200, 'raw deflate');

  const xz = await glpiPost(g, zlib.deflateSync(XML_INVENTORY), 'application/x-compress-zlib', null);
  t.equal(xz.status, 200, 'legacy XML, zlib');
  t.equal(xz.contentType, 'application/x-compress-zlib');
  t.equal(zlib.inflateSync(xz.raw).toString('utf8'), '<?xml version="1.0" encoding="UTF-8"?><REPLY></REPLY>');
  const xp = await glpiPost(g, Buffer.from(XML_INVENTORY), 'application/xml', null);
  t.equal(xp.status, 200);
  t.match(xp.contentType, /^application\/xml/);
  t.equal(xp.raw.toString('utf8'), '<?xml version="1.0" encoding="UTF-8"?><REPLY></REPLY>');
  const noQuery = await glpiPost(g, Buffer.from('<REQUEST><DEVICEID>pc-2</DEVICEID><CONTENT><HARDWARE/></CONTENT></REQUEST>'), 'application/xml', null);
  t.equal(noQuery.status, 200, 'QUERY defaults to INVENTORY');

  t.same(g.inventories.map((i) => [i.format, i.compression, i.deviceId]), [
    ['json', 'gzip', 'glpixps-2018-07-09-09-07-13'],
    ['json', 'none', 'glpixps-2018-07-09-09-07-13'],
    ['json', 'deflate', 'glpixps-2018-07-09-09-07-13'],
    ['xml', 'zlib', 'pc-cdi-01-2026-05-04-10-00-00'],
    ['xml', 'none', 'pc-cdi-01-2026-05-04-10-00-00'],
    ['xml', 'none', 'pc-2'],
  ]);
  t.equal(g.inventories[3]?.body, XML_INVENTORY, 'the XML text as sent');
  t.equal(g.inventories[3]?.agentId, null);

  const contact = await glpiPost(g, Buffer.from(JSON.stringify({ action: 'contact', deviceid: 'pc-3', name: 'GLPI-Agent', version: '1.7' })), 'application/json');
  t.equal(contact.status, 200);
  t.match(JSON.parse(contact.raw.toString('utf8')), { status: 'ok', expiration: 24 });
  t.equal(g.inventories.length, 6, 'a contact is not an inventory');

  g.failNext(1, 503, 30);
  const f = await fetch(`${g.url}/front/inventory.php`, { method: 'POST', headers: { 'content-type': 'application/json', 'glpi-agent-id': AGENT_ID }, body: json });
  t.equal(f.status, 503);
  t.equal(f.headers.get('retry-after'), '30');
  t.equal(g.inventories.length, 6);
  await g.waitFor((s) => s.requests.length === 8);
  await t.rejects(g.waitFor((s) => s.inventories.length > 6, 50), /GlpiSim\.waitFor: condition not met within 50 ms \(6 inventories/);
});

// ---------------------------------------------------------------- CLI

t.test('CLI: ready line, one line per report, duplicates, GLPI inventories', async (t) => {
  const script = fileURLToPath(new URL('./hub-sim.ts', import.meta.url));
  const child = spawn(process.execPath, [script, '--port', '0', '--token', TOKEN, '--glpi-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: Json[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(JSON.parse(l)));
  const until = async (n: number) => {
    const deadline = Date.now() + 5000;
    while (lines.length < n && Date.now() < deadline) await sleep(20);
    if (lines.length < n) throw new Error(`CLI: ${lines.length} lines (${JSON.stringify(lines)}), stderr: ${stderr}`);
  };
  await until(1);
  const ready = lines[0] ?? {};
  const hubUrl = String(ready.hub);
  t.match(ready, { ready: true, hub: /^http:\/\/127\.0\.0\.1:\d+$/, glpi: /^http:\/\/127\.0\.0\.1:\d+$/ });
  const key = randomUUID();
  const body = report('alert', 5);
  t.equal((await post(hubUrl, body, { key, attempt: 1 })).status, 200);
  t.equal((await post(hubUrl, body, { key, attempt: 2 })).status, 200);
  await until(3);
  t.same(lines[1], { event: 'report', kind: 'alert', sequence: 5, key, uai: UAI, attempt: 1 });
  t.same(lines[2], { event: 'duplicate', key, attempt: 2 });
  const r = await fetch(`${String(ready.glpi)}/front/inventory.php`, { method: 'POST', headers: { 'content-type': 'application/x-compress-zlib', 'glpi-agent-id': AGENT_ID }, body: new Uint8Array(zlib.deflateSync(JSON.stringify(computer))) });
  t.equal(r.status, 200);
  await until(4);
  t.same(lines[3], { event: 'glpi', deviceId: 'glpixps-2018-07-09-09-07-13', format: 'json', compression: 'zlib' });
  t.equal((await post(hubUrl, report('alert', 6), { token: 'faux' })).status, 401);
  const deadline = Date.now() + 5000;
  while (!stderr.includes('refused 401') && Date.now() < deadline) await sleep(20);
  t.match(stderr, /hub-sim: refused 401: wrong bearer token/);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'clean exit on SIGTERM');
});
