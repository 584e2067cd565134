/**
 * Delivery to the departmental hub and relay to the département's GLPI, end to end through the
 * durable outbox, against the simulators written from the contracts (tests/hub/hub-sim.ts):
 * the hub stopped during 50 changes and a daemon restart, then started again: every report
 * delivered, none twice, in order for each kind, snapshots superseded; retries, set-aside
 * reports, a wrong token, a client certificate; PC inventories relayed as the agents sent them.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { TrousseApp } from '../../daemon/src/app.ts';
import type { InventoryItem } from '../../daemon/src/inventory/model.ts';
import { apiClient, login, startTestApp, tempDir } from '../helpers.ts';
import { GlpiSim, HubSim } from './hub-sim.ts';

const computer1 = JSON.parse(readFileSync(new URL('../../daemon/src/inventory/glpi-format/computer_1.json', import.meta.url), 'utf8')) as Record<string, unknown> & {
  content: Record<string, unknown>;
};
const FAST = { hub: { retryBaseMs: 100, retryMaxMs: 800, timeoutMs: 5000 } };
const TOKEN = 'jeton-du-departement-0042';

async function listen(app: TrousseApp): Promise<string> {
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.app.server.address() as { port: number }).port}`;
}

/** Posts an agent inventory as glpi-agent does (plain JSON). */
async function postInventory(base: string, deviceid: string, serial: string, agentId = randomUUID()): Promise<void> {
  const inv = structuredClone(computer1);
  inv.deviceid = deviceid;
  (inv.content.hardware as Record<string, unknown>).name = deviceid.replace(/-\d{4}(-\d{2}){5}$/, '');
  (inv.content.bios as Record<string, unknown>).ssn = serial;
  inv.content.networks = [];
  const r = await fetch(`${base}/front/inventory.php`, { method: 'POST', headers: { 'content-type': 'application/json', 'glpi-agent-id': agentId }, body: JSON.stringify(inv) });
  if (r.status !== 200) throw new Error(`inventory refused: ${r.status} ${await r.text()}`);
}

async function configure(app: TrousseApp, hub: HubSim | null, glpi: GlpiSim | null, token: string | null = TOKEN) {
  const api = apiClient(app, await login(app));
  const s = await api('PUT', '/hub/settings', { url: hub ? hub.url : null, glpiUrl: glpi ? glpi.url : null });
  if (s.status !== 200) throw new Error(`settings: ${s.raw}`);
  if (token) await api('PUT', '/hub/secrets', { token });
  return api;
}

t.test('hub stopped during 50 changes and a restart: every report delivered once, in order per kind', async (t) => {
  const hub = new HubSim({ token: TOKEN });
  await hub.start();
  const glpi = new GlpiSim();
  await glpi.start();
  t.teardown(async () => {
    await hub.stop();
    await glpi.stop();
  });
  const first = await startTestApp(t, FAST);
  const dataDir = first.config.dataDir;
  const overrides = (first as unknown as { config: { directory: unknown; auth: unknown } }).config;
  let api = await configure(first, hub, glpi);
  let base = await listen(first);

  // two PCs, reported by their agents
  await postInventory(base, 'pc-101-01-2026-01-05-08-00-00', 'SN-PC-101-01');
  await postInventory(base, 'pc-101-02-2026-01-05-08-00-00', 'SN-PC-101-02');
  await hub.waitFor(() => true);
  const items = (await api<InventoryItem[]>('GET', '/inventory/items')).body.filter((i) => i.facts.serial?.startsWith('SN-PC-101'));
  t.equal(items.length, 2, 'two PCs in the inventory');
  await glpi.waitFor((g) => g.inventories.length === 2, 10_000);
  t.equal(glpi.inventories[0]?.format, 'json', 'relayed to GLPI as JSON, as the agent sent it');
  t.ok(glpi.inventories.every((i) => i.agentId), 'with a GLPI-Agent-ID');

  // both bought recently (the BIOS date alone would make them « à renouveler »)
  const isoDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  for (const item of items) {
    const r = await api<InventoryItem>('PATCH', `/inventory/items/${item.id}`, { purchase: { purchaseDate: isoDay(30), warrantyEnd: isoDay(-1400) } });
    t.not(r.body.status, 'to_renew');
  }
  await hub.waitFor((h) => h.byKind('alert').length === 2, 10_000);
  const alertsBefore = hub.byKind('alert').length;

  await hub.stop();
  await glpi.stop();

  // 50 changes: the purchase records say bought 10 years ago, then bought last month, alternately on
  // the two PCs (each changes the status: to renew, then not)
  const expected: { item: number; status: string }[] = [];
  const change = async (n: number) => {
    const item = items[n % 2] as InventoryItem;
    const old = Math.floor(n / 2) % 2 === 0;
    const purchase = old ? { purchaseDate: isoDay(3650), warrantyEnd: null } : { purchaseDate: isoDay(30), warrantyEnd: isoDay(-1400) };
    const r = await api<InventoryItem>('PATCH', `/inventory/items/${item.id}`, { purchase });
    t.equal(r.status, 200, `change ${n + 1}`);
    t.equal(r.body.status === 'to_renew', old, `change ${n + 1}: ${r.body.status}`);
    expected.push({ item: item.id, status: r.body.status });
  };
  for (let n = 0; n < 25; n++) await change(n);
  // a daily snapshot, then a newer one: only the newer may leave
  await api('POST', '/hub/send-now');
  // the same PC reports twice while GLPI is down: only the newest is relayed
  await postInventory(base, 'pc-101-01-2026-01-05-08-00-00', 'SN-PC-101-01');
  await postInventory(base, 'pc-101-01-2026-01-05-08-00-00', 'SN-PC-101-01');
  await postInventory(base, 'pc-101-02-2026-01-05-08-00-00', 'SN-PC-101-02');
  const queuedBefore = (await api<{ targets: { target: string; queued: number; lastError: string | null }[] }>('GET', '/hub')).body;
  t.ok((queuedBefore.targets.find((x) => x.target === 'hub')?.queued ?? 0) >= 25, 'the reports wait in the outbox');
  t.match(queuedBefore.targets.find((x) => x.target === 'hub')?.lastError ?? '', /hub départemental/, 'the console says the hub is unreachable');

  // the daemon restarts (the outbox is on disk)
  await first.close();
  const second = await startTestApp(t, {}, { dataDir, overrides: { ...FAST, directory: overrides.directory, auth: overrides.auth } });
  api = apiClient(second, await login(second));
  base = await listen(second);
  for (let n = 25; n < 50; n++) await change(n);
  await api('POST', '/hub/send-now');
  const view = (await api<{ queue: { kind: string; target: string }[] }>('GET', '/hub')).body;
  t.equal(view.queue.filter((q) => q.target === 'hub' && q.kind === 'alert').length, 50, '50 alert reports queued across the restart');
  t.equal(view.queue.filter((q) => q.target === 'hub' && q.kind === 'inventory').length, 1, 'one inventory snapshot: the newer replaced the older');
  t.equal(view.queue.filter((q) => q.target === 'glpi').length, 2, 'one GLPI inventory per PC');

  // the hub comes back; the first answer is lost on the way (stored by the hub, never answered)
  hub.dropNext(1);
  await hub.start();
  await glpi.start();
  await api('POST', '/hub/outbox/retry', {});
  await hub.waitFor((h) => h.byKind('alert').length === alertsBefore + 50 && h.byKind('inventory').length === 1 && h.byKind('health').length === 1, 30_000);
  await glpi.waitFor((g) => g.inventories.length === 4, 30_000);

  const alerts = hub.byKind('alert').slice(alertsBefore);
  t.equal(alerts.length, 50, 'every alert delivered');
  t.equal(new Set(alerts.map((a) => a.key)).size, 50, 'none stored twice');
  t.ok(hub.duplicates >= 1, 'the report whose answer was lost was sent again and recognised as a duplicate');
  t.same(
    alerts.map((a) => a.body.sequence),
    Array.from({ length: 50 }, (_, i) => alerts[0]?.body.sequence + i),
    'in order, without gaps',
  );
  t.same(
    alerts.map((a) => ({ item: a.body.data.item.id, status: a.body.data.status })),
    expected,
    'each report says what changed, in the order it changed',
  );
  t.ok(alerts.every((a) => a.uai === second.config.school.uai.toUpperCase() && a.body.school.uai === a.uai), 'each carries the school’s UAI');
  const inventory = hub.byKind('inventory')[0];
  t.ok(inventory, 'the inventory snapshot arrived');
  t.equal(inventory?.body.data.schemaVersion, 1);
  t.ok(inventory?.body.data.items.some((i: { serial: string }) => i.serial === 'SN-PC-101-01'), 'with the park');
  t.equal(hub.invalid.length, 0, 'every report matched the contract');
  const relayed = glpi.inventories.slice(2);
  t.equal(relayed.length, 2, 'GLPI got one inventory per PC, the newest');
  t.same(
    relayed.map((r) => r.deviceId).sort(),
    ['pc-101-01-2026-01-05-08-00-00', 'pc-101-02-2026-01-05-08-00-00'],
    'each PC once',
  );

  await t.resolves(
    (async () => {
      for (let i = 0; i < 50; i++) {
        const v = (await api<{ queue: unknown[] }>('GET', '/hub')).body;
        if (v.queue.length === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('outbox not empty');
    })(),
    'the outbox is empty',
  );
  const after = (await api<{ targets: { target: string; lastDeliveryAt: string | null; delivered: number }[] }>('GET', '/hub')).body;
  const hubState = after.targets.find((x) => x.target === 'hub');
  t.ok(hubState?.lastDeliveryAt, 'the console shows the last delivery');
  t.ok((hubState?.delivered ?? 0) >= 52, 'and the count');
});

t.test('refused for good, wrong token, 503 with Retry-After: what the administrator sees', async (t) => {
  const hub = new HubSim({ token: TOKEN });
  await hub.start();
  t.teardown(() => hub.stop());
  const app = await startTestApp(t, FAST);
  const api = await configure(app, hub, null, 'un-autre-jeton');
  const base = await listen(app);
  await postInventory(base, 'pc-cdi-01-2026-01-05-08-00-00', 'SN-CDI-01');

  // wrong token: retried, never set aside, the message says what to do
  await api('POST', '/hub/send-now');
  await hub.waitFor((h) => h.requests.some((r) => r.status === 401), 10_000);
  let v = (await api<{ targets: { target: string; lastError: string | null }[]; queue: { state: string }[] }>('GET', '/hub')).body;
  await new Promise((r) => setTimeout(r, 300));
  v = (await api<typeof v>('GET', '/hub')).body;
  t.match(v.targets.find((x) => x.target === 'hub')?.lastError ?? '', /jeton/, 'the error names the token');
  t.ok(v.queue.every((q) => q.state === 'queued'), 'nothing set aside for a wrong token');
  t.equal(hub.reports.length, 0);

  // the right token, and the hub refuses the next report once (422): set aside, the others go on
  hub.failNext(1, 422);
  await api('PUT', '/hub/secrets', { token: TOKEN });
  await hub.waitFor((h) => h.reports.length >= 1, 10_000);
  v = (await api<typeof v>('GET', '/hub')).body;
  const rejected = (await api<{ queue: { id: number; state: string; lastError: string | null }[] }>('GET', '/hub')).body.queue.filter((q) => q.state === 'rejected');
  t.equal(rejected.length, 1, 'one report set aside');
  t.match(rejected[0]?.lastError ?? '', /refuse ce rapport \(422\)/);
  const retry = await api('POST', '/hub/outbox/retry', { id: rejected[0]?.id });
  t.equal(retry.status, 200);
  await hub.waitFor((h) => h.reports.length >= 2, 10_000);
  t.equal((await api<{ queue: unknown[] }>('GET', '/hub')).body.queue.length, 0, 'sent again on request');

  // busy hub: 503 with Retry-After 1 s, then accepted
  hub.failNext(2, 503, 1);
  const t0 = Date.now();
  await api('POST', '/hub/send-now');
  await hub.waitFor((h) => h.byKind('health').length >= 2, 15_000);
  t.ok(Date.now() - t0 >= 900, 'Retry-After was honoured');

  // the daily report: at the school's time (Paris), once a day
  const parisHm = () => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date());
  const hm = parisHm();
  const other = hm === '03:00' ? '04:00' : '03:00';
  await api('PUT', '/hub/settings', { dailyTime: other });
  t.equal(app.hub.dailyTick(), false, 'not at another time');
  await api('PUT', '/hub/settings', { dailyTime: hm });
  const inventoriesBefore = hub.byKind('inventory').length;
  let ticked = app.hub.dailyTick();
  if (!ticked) {
    // the minute turned between the two reads: once more at the new minute
    await api('PUT', '/hub/settings', { dailyTime: parisHm() });
    ticked = app.hub.dailyTick();
  }
  t.equal(ticked, true, 'at the daily time, the snapshots are queued');
  t.equal(app.hub.dailyTick(), false, 'and only once that day');
  await hub.waitFor((h) => h.byKind('inventory').length === inventoriesBefore + 1, 10_000);
  t.pass('the daily inventory arrived');

  // discard needs the id; an unknown one is a clear 404
  const gone = await api<{ message: string }>('DELETE', '/hub/outbox/999999');
  t.equal(gone.status, 404);
  t.match(gone.body.message, /plus dans la file/);

  // bad settings change nothing
  const bad = await api<{ message: string }>('PUT', '/hub/settings', { url: 'ftp://hub.example' });
  t.equal(bad.status, 400);
  t.match(bad.body.message, /https:\/\//);
  const creds = await api<{ message: string }>('PUT', '/hub/settings', { url: 'https://user:pw@hub.example' });
  t.equal(creds.status, 400);
  t.equal((await api<{ settings: { url: string } }>('GET', '/hub')).body.settings.url, hub.url, 'the URL was kept');
  const badToken = await api('PUT', '/hub/secrets', { token: 'a b' });
  t.equal(badToken.status, 400);
  const view = await api<Record<string, unknown>>('GET', '/hub');
  t.notMatch(view.raw, new RegExp(TOKEN), 'the token is never returned');
  t.equal((view.body.secrets as { hasToken: boolean }).hasToken, true);
});

t.test('client certificate (mutual TLS) and the « Tester » button', async (t) => {
  const dir = tempDir(t);
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=CA du departement']);
  const issue = (name: string, cn: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
  };
  issue('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1');
  issue('client', 'college-0751234A', 'extendedKeyUsage=clientAuth');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const hub = new HubSim({ token: TOKEN, tls: { cert: read('server.crt'), key: read('server.key'), ca: read('ca.crt'), requestCert: true } });
  await hub.start();
  t.teardown(() => hub.stop());
  const app = await startTestApp(t, FAST);
  const api = await configure(app, hub, null);
  t.match(hub.url, /^https:/);

  // without the CA the server's certificate is not trusted; without a client certificate the hub refuses
  const noCa = await api<{ ok: boolean; message: string }>('POST', '/hub/test');
  t.equal(noCa.body.ok, false, 'not delivered without the CA');
  t.match(noCa.body.message, /certificat|sécurisée|coupé|injoignable/);

  const wrongPair = await api<{ message: string }>('PUT', '/hub/secrets', { cert: read('client.crt'), key: read('server.key') });
  t.equal(wrongPair.status, 400, 'a key that does not match the certificate is refused');
  t.match(wrongPair.body.message, /ne correspond pas/);
  const set = await api<{ clientCertificate: { subject: string } }>('PUT', '/hub/secrets', { cert: read('client.crt'), key: read('client.key'), ca: read('ca.crt') });
  t.equal(set.status, 200);
  t.match(set.body.clientCertificate.subject, /college-0751234A/, 'the console shows whose certificate it is');
  const ok = await api<{ ok: boolean; message: string }>('POST', '/hub/test');
  t.equal(ok.body.ok, true, ok.body.message);
  t.match(ok.body.message, /bien reçu/);
  t.ok(hub.clientCertSubjects.includes('college-0751234A'), 'the hub saw the school’s certificate');
  t.ok(hub.byKind('health').length >= 1, 'a health report arrived');
  const view = await api('GET', '/hub');
  t.notMatch(view.raw, /PRIVATE KEY/, 'the key is never returned');
});
