/**
 * The GLPI agent endpoint end to end: the real FusionInventory agent from Debian reporting this
 * machine (legacy XML, zlib), glpi-agent's JSON protocol (contact, then inventory; plain, zlib,
 * gzip), the official examples, and hostile bodies (bomb, 100 MB, invalid JSON, XML entities,
 * unknown actions) that get a clean 4xx and store nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import t from 'tap';
import type { TrousseApp } from '../../daemon/src/app.ts';
import type { InventoryItem } from '../../daemon/src/inventory/model.ts';
import { apiClient, login, startTestApp, tempDir } from '../helpers.ts';

// dpkg-query's own placeholder syntax, not a template
const DPKG_STATUS = ['$', '{db:Status-Abbrev}\n'].join('');
const GLPI_DIR = new URL('../../daemon/src/inventory/glpi-format/', import.meta.url);
const computer1 = JSON.parse(readFileSync(new URL('computer_1.json', GLPI_DIR), 'utf8')) as { deviceid: string; content: Record<string, unknown> };
const printer1 = JSON.parse(readFileSync(new URL('printer_1.json', GLPI_DIR), 'utf8')) as { deviceid: string };

const app: TrousseApp = await startTestApp(t);
const admin = await login(app);
const api = apiClient(app, admin);
await app.app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(app.app.server.address() as { port: number }).port}`;

interface Reply {
  status: number;
  contentType: string;
  text: string;
}

/** A raw POST, like an agent: the body as bytes with the agent's headers. */
function post(path: string, body: Buffer, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const ct = String(res.headers['content-type'] ?? '');
        let text: string;
        try {
          text = ct.includes('zlib') ? inflateSync(raw).toString() : ct.includes('gzip') ? gunzipSync(raw).toString() : raw.toString();
        } catch {
          text = raw.toString();
        }
        resolve({ status: res.statusCode ?? 0, contentType: ct, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function itemCount(): Promise<number> {
  const r = await api<InventoryItem[]>('GET', '/inventory/items');
  return r.body.length;
}

async function findItem(pred: (i: InventoryItem) => boolean): Promise<InventoryItem | undefined> {
  const r = await api<InventoryItem[]>('GET', '/inventory/items');
  return r.body.find(pred);
}

t.test('the real FusionInventory agent reports this machine (legacy XML, zlib)', async (t) => {
  const dir = tempDir(t);
  // a serial for this VM (its BIOS has none): the agent merges additional content into its inventory
  const extra = join(dir, 'extra.xml');
  writeFileSync(extra, '<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST><CONTENT><BIOS><SSN>CZC-TROUSSE-042</SSN></BIOS></CONTENT></REQUEST>\n');
  const out = await new Promise<{ code: number | null; log: string }>((resolve) => {
    const p = spawn('fusioninventory-agent', ['--server', `${url}/front/inventory.php`, '--tasks=inventory', '--force', '--no-httpd', '--logger=stderr', `--additional-content=${extra}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    p.stdout.on('data', (d: Buffer) => (log += d.toString()));
    p.stderr.on('data', (d: Buffer) => (log += d.toString()));
    p.on('close', (code) => resolve({ code, log }));
  });
  t.equal(out.code, 0, `the agent ran and was answered (log: ${out.log.slice(-600)})`);

  const hostname = execFileSync('hostname').toString().trim();
  const item = await findItem((i) => i.facts.serial === 'CZC-TROUSSE-042');
  t.ok(item, 'the PC appears in the inventory with the serial it sent');
  if (!item) return;
  t.equal(item.kind, 'pc');
  t.equal(item.name, hostname, 'named after the machine');
  t.same(item.sources, ['agent']);
  t.equal(item.facts.agent?.protocol, 'xml');
  const cpuName = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim();
  t.equal(item.facts.cpu?.name, cpuName, 'the CPU is the one /proc/cpuinfo names');
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  t.ok(Math.abs((item.facts.memoryMb ?? 0) - memKb / 1024) <= 2, `memory ${item.facts.memoryMb} MB ≈ MemTotal ${Math.round(memKb / 1024)} MB`);
  const packages = execFileSync('dpkg-query', ['-W', '-f', DPKG_STATUS]).toString().split('\n').filter((l) => l.startsWith('ii')).length;
  t.equal(item.facts.softwareCount, packages, `as many software packages as dpkg knows (${packages})`);
  const software = await api<{ name: string }[]>('GET', `/inventory/items/${item.id}/software`);
  t.equal(software.body.length, packages, 'the software list is kept');
  t.ok(software.body.some((s) => s.name === 'samba'), 'samba is among them');
  const detail = await api<{ changes: { field: string }[] }>('GET', `/inventory/items/${item.id}`);
  t.ok(detail.body.changes.some((c) => c.field === 'created'), 'its creation is in the history');

  // a second run updates the same item (same deviceid), no duplicate
  const before = await itemCount();
  const again = spawn('fusioninventory-agent', ['--server', `${url}/front/inventory.php`, '--tasks=inventory', '--force', '--no-httpd', '--logger=stderr', `--additional-content=${extra}`], { stdio: 'ignore' });
  await new Promise((r) => again.on('close', r));
  t.equal(await itemCount(), before, 'a second inventory updates the same item');
});

t.test('glpi-agent JSON protocol: contact then inventory, plain, zlib and gzip', async (t) => {
  const agentId = randomUUID();
  const contact = await post('/front/inventory.php', deflateSync(JSON.stringify({ action: 'contact', deviceid: 'pc-cdi-01-2026-01-05-08-00-00', name: 'GLPI-Agent', version: '1.7', 'installed-tasks': ['inventory'], 'enabled-tasks': ['inventory'] })), {
    'content-type': 'application/x-compress-zlib',
    'glpi-agent-id': agentId,
  });
  t.equal(contact.status, 200);
  t.match(contact.contentType, /x-compress-zlib/, 'answered compressed like the request');
  const c = JSON.parse(contact.text) as { status: string; expiration: number; tasks: Record<string, unknown> };
  t.equal(c.status, 'ok');
  t.equal(c.expiration, 24);
  t.ok(c.tasks.inventory, 'the inventory task is asked for');

  const inv = { ...computer1, deviceid: 'pc-cdi-01-2026-01-05-08-00-00', action: 'inventory' };
  const plain = await post('/front/inventory.php', Buffer.from(JSON.stringify(inv)), { 'content-type': 'application/json', 'glpi-agent-id': agentId });
  t.equal(plain.status, 200, plain.text);
  t.same(JSON.parse(plain.text), { status: 'ok', expiration: 24 });
  const item = await findItem((i) => i.facts.agent?.deviceId === inv.deviceid);
  t.ok(item, 'computer_1.json stored');
  if (!item) return;
  const bios = computer1.content.bios as { ssn: string; smodel: string };
  t.equal(item.facts.serial, bios.ssn, 'serial from bios.ssn');
  t.equal(item.facts.model, bios.smodel);
  t.equal(item.facts.softwareCount, (computer1.content.softwares as unknown[]).length);
  t.equal(item.facts.agent?.protocol, 'json');

  const n = await itemCount();
  const gz = await post('/front/inventory.php', gzipSync(JSON.stringify(inv)), { 'content-type': 'application/x-compress-gzip', 'glpi-agent-id': agentId });
  t.equal(gz.status, 200);
  t.match(gz.contentType, /gzip/);
  t.equal(await itemCount(), n, 'the same agent again: same item');

  const printer = await post('/front/inventory.php', Buffer.from(JSON.stringify(printer1)), { 'content-type': 'application/json', 'glpi-agent-id': randomUUID() });
  t.equal(printer.status, 200, printer.text);
  const p = await findItem((i) => i.facts.agent?.deviceId === printer1.deviceid);
  t.equal(p?.kind, 'printer', 'an SNMP inventory (printer_1.json) is a printer');
  t.equal(p?.facts.serial, 'PHCVN191TG');
});

t.test('hostile or broken requests: a clean 4xx, nothing stored, the daemon keeps serving', async (t) => {
  const agentId = randomUUID();
  const json = { 'content-type': 'application/json', 'glpi-agent-id': agentId };
  const before = await itemCount();

  // decompression bomb: 512 MB of zeros in ~500 kB
  const bomb = deflateSync(Buffer.alloc(512 * 1024 * 1024));
  t.ok(bomb.length < 1024 * 1024, `bomb of ${bomb.length} bytes`);
  const rss0 = process.memoryUsage().rss;
  const b = await post('/front/inventory.php', bomb, { 'content-type': 'application/x-compress-zlib', 'glpi-agent-id': agentId });
  t.equal(b.status, 413, 'decompression bomb refused');
  t.match(JSON.parse(b.text).message, /volumineux|trop|limite/i);
  t.ok(process.memoryUsage().rss - rss0 < 200 * 1024 * 1024, 'the bomb was not inflated in memory');

  // 100 MB body, streamed without content-length
  const big = await new Promise<number>((resolve) => {
    const req = httpRequest(`${url}/front/inventory.php`, { method: 'POST', headers: { 'content-type': 'application/json', 'glpi-agent-id': agentId, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(-1));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 100) {
        sent++;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
  t.ok(big === 413 || big === -1, `100 MB body refused (${big})`);
  const declared = await new Promise<number>((resolve) => {
    const req = httpRequest(`${url}/front/inventory.php`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024), 'glpi-agent-id': agentId } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(-1));
    req.write(Buffer.alloc(64 * 1024));
  });
  t.equal(declared, 413, 'a declared 100 MB body is refused before it is read');

  const bad = await post('/front/inventory.php', Buffer.from('{"action":"inventory","deviceid":"x",'), json);
  t.equal(bad.status, 400, 'invalid JSON');
  t.equal(JSON.parse(bad.text).status, 'error');
  t.match(JSON.parse(bad.text).message, /JSON invalide/);

  const noId = await post('/front/inventory.php', Buffer.from(JSON.stringify(computer1)), { 'content-type': 'application/json' });
  t.equal(noId.status, 400, 'JSON without GLPI-Agent-ID');

  const invalid = await post('/front/inventory.php', Buffer.from(JSON.stringify({ deviceid: 'x-2026-01-01-00-00-00', content: { hardware: { name: 'x' } } })), json);
  t.equal(invalid.status, 400, 'schema violation (no versionclient)');
  t.match(JSON.parse(invalid.text).message, /format d’inventaire GLPI/);

  const unknown = await post('/front/inventory.php', Buffer.from(JSON.stringify({ action: 'deploy', deviceid: 'x' })), json);
  t.equal(unknown.status, 400, 'unknown action');
  t.match(JSON.parse(unknown.text).message, /deploy/);

  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><REQUEST><DEVICEID>&lol2;</DEVICEID><QUERY>INVENTORY</QUERY><CONTENT/></REQUEST>`;
  const x1 = await post('/front/inventory.php', deflateSync(laughs), { 'content-type': 'application/x-compress-zlib' });
  t.equal(x1.status, 400, 'XML with entity definitions');
  t.match(x1.text, /<ERROR>/, 'answered in XML, like the request');
  const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><REQUEST><DEVICEID>&x;</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>`;
  const x2 = await post('/front/inventory.php', Buffer.from(xxe), { 'content-type': 'application/xml' });
  t.equal(x2.status, 400, 'XML with an external entity');
  t.notMatch(x2.text, /root:/, 'nothing of /etc/passwd comes back');
  const snmp = await post('/front/inventory.php', deflateSync('<?xml version="1.0"?><REQUEST><DEVICEID>a</DEVICEID><QUERY>SNMPQUERY</QUERY></REQUEST>'), { 'content-type': 'application/x-compress-zlib' });
  t.equal(snmp.status, 400, 'an unknown legacy query');

  const garbage = await post('/front/inventory.php', Buffer.from([0x78, 0x9c, 1, 2, 3, 4, 5]), { 'content-type': 'application/x-compress-zlib' });
  t.equal(garbage.status, 400, 'corrupt compressed data');

  t.equal(await itemCount(), before, 'nothing was stored');
  const health = await fetch(`${url}/healthz`);
  t.equal(health.status, 200, 'the daemon still serves');

  const get = await fetch(`${url}/front/inventory.php`);
  t.equal(get.status, 405, 'GET is not how agents send');
});

t.test('only the school networks may post', async (t) => {
  const other = await startTestApp(t, { inventory: { agentNetworks: ['10.99.0.0/16'] } });
  await other.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (other.app.server.address() as { port: number }).port;
  const r = await fetch(`http://127.0.0.1:${port}/front/inventory.php`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(computer1) });
  t.equal(r.status, 403);
  t.match(((await r.json()) as { message: string }).message, /réseau de l’établissement/);
});

t.test('reports: JSON against the published schema, CSV, HTML, and `trousse report inventory`', async (t) => {
  const { Ajv } = await import('ajv');
  const schema = JSON.parse(readFileSync(new URL('../../daemon/src/inventory/report.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const json = await api<Record<string, unknown>>('GET', '/inventory/report?format=json');
  t.equal(json.status, 200);
  t.ok(validate(json.body), `the report matches its schema ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  t.ok((json.body.items as unknown[]).length >= 3, 'with the PCs and the printer');
  const published = await api<object>('GET', '/inventory/report.schema.json');
  t.same(published.body, schema, 'the schema is published by the API');
  const csv = await api<string>('GET', '/inventory/report?format=csv');
  t.ok(csv.raw.startsWith('\ufeffNom;Type;Salle;État'), 'CSV with a BOM and French headers');
  const html = await api<string>('GET', '/inventory/report?format=html');
  t.match(html.raw, /<html lang="fr">/);
  t.match(html.raw, /Inventaire du parc/);

  // the CLI asks the running daemon with an API token
  const { runReport } = await import('../../daemon/src/cli/report.ts');
  process.env.TROUSSE_TOKEN = app.auth.createToken('cli-test', 'administrator', 'test').token;
  t.teardown(() => {
    delete process.env.TROUSSE_TOKEN;
  });
  const chunks: Buffer[] = [];
  t.equal(await runReport(['inventory', '--format', 'csv', '--url', url], () => {}, (b) => chunks.push(b)), 0);
  const text = Buffer.concat(chunks).toString('utf8');
  t.ok(text.startsWith('\ufeffNom;'), 'trousse report inventory --format csv prints the CSV');
  t.equal(text.trim().split('\n').length - 1, (json.body.items as unknown[]).length, 'one line per item');
  const dir = tempDir(t);
  const lines: string[] = [];
  t.equal(await runReport(['inventory', '--format', 'html', '--out', join(dir, 'parc.html'), '--url', url], (l) => lines.push(l)), 0);
  t.match(readFileSync(join(dir, 'parc.html'), 'utf8'), /Inventaire du parc/);
  t.match(lines.join('\n'), /écrit dans/);
  await t.rejects(runReport(['inventory', '--format', 'pdf', '--url', url], () => {}), /json, csv ou html/);
  await t.rejects(runReport(['parc'], () => {}), /Rapport inconnu/);
});

t.test('Salles et appareils → inventory: a new, edited or deleted device follows without a poll', async (t) => {
  // bought four and a half years ago: out of the assumed 4-year warranty, not yet due for renewal
  const bought = new Date(Date.now() - 1643 * 86_400_000).toISOString().slice(0, 10);
  const created = await api<{ id: number }>('POST', '/devices', { kind: 'projector', name: 'VP-Salle-204', room: 'Salle 204', manufacturer: 'Epson', model: 'EB-W49', serial: 'X5J1234567', purchaseDate: bought });
  t.equal(created.status, 201);
  const wait = async (pred: () => Promise<boolean>) => {
    for (let i = 0; i < 50 && !(await pred()); i++) await new Promise((r) => setTimeout(r, 100));
  };
  await wait(async () => !!(await findItem((i) => i.deviceId === created.body.id)));
  const item = await findItem((i) => i.deviceId === created.body.id);
  t.ok(item, 'the new device is in the inventory');
  t.equal(item?.room, 'Salle 204');
  t.equal(item?.facts.serial, 'X5J1234567');
  t.same(item?.sources, ['manual']);
  t.equal(item?.warrantyAssumed, true, 'no warranty end given: the rules’ 4 years are assumed');
  t.equal(item?.purchase.warrantyEnd, `${Number(bought.slice(0, 4)) + 4}${bought.slice(4)}`.replace(/-02-29$/, '-02-28'));
  t.equal(item?.status, 'out_of_warranty');
  const managed = await api<{ code: string }>('PATCH', `/inventory/items/${item?.id}`, { room: 'CDI' });
  t.equal(managed.status, 400, 'its room is edited in Salles et appareils');
  t.equal(managed.body.code, 'ITEM_MANAGED');

  await api('PUT', `/devices/${created.body.id}`, { room: 'CDI' });
  await wait(async () => (await findItem((i) => i.deviceId === created.body.id))?.room === 'CDI');
  t.equal((await findItem((i) => i.deviceId === created.body.id))?.room, 'CDI', 'a change of room follows');
  const changes = await api<{ changes: { field: string; before: string; after: string }[] }>('GET', `/inventory/items/${item?.id}`);
  t.ok(changes.body.changes.some((c) => c.field === 'room' && c.before === 'Salle 204' && c.after === 'CDI'), 'and is in the history');

  await api('DELETE', `/devices/${created.body.id}`, { confirm: 'VP-Salle-204' });
  await wait(async () => !(await findItem((i) => i.facts.serial === 'X5J1234567')));
  t.notOk(await findItem((i) => i.facts.serial === 'X5J1234567'), 'a deleted device known from nothing else leaves the inventory');
});

t.test('bad input through the inventory API: a clear French message, nothing changed', async (t) => {
  const items = (await api<InventoryItem[]>('GET', '/inventory/items')).body;
  const pc = items.find((i) => i.facts.agent?.protocol === 'json' && i.kind === 'pc') as InventoryItem;
  t.ok(pc, 'a PC to edit');
  const before = (await api<{ item: InventoryItem; changes: unknown[] }>('GET', `/inventory/items/${pc.id}`)).body;

  const reversed = await api<{ message: string }>('PATCH', `/inventory/items/${pc.id}`, { purchase: { purchaseDate: '2024-05-10', warrantyEnd: '2023-05-10' } });
  t.equal(reversed.status, 400);
  t.match(reversed.body.message, /ne peut pas précéder/);
  const impossible = await api<{ message: string }>('PATCH', `/inventory/items/${pc.id}`, { purchase: { purchaseDate: '2024-02-31' } });
  t.equal(impossible.status, 400);
  t.match(impossible.body.message, /date valide/);
  const negative = await api('PATCH', `/inventory/items/${pc.id}`, { purchase: { value: -5 } });
  t.equal(negative.status, 400, 'a negative amount');
  const unknownKey = await api('PATCH', `/inventory/items/${pc.id}`, { owner: 'x' });
  t.equal(unknownKey.status, 400, 'an unknown field');
  const after = (await api<{ item: InventoryItem; changes: unknown[] }>('GET', `/inventory/items/${pc.id}`)).body;
  t.same(after.item.purchase, before.item.purchase, 'the purchase data did not change');
  t.equal(after.changes.length, before.changes.length, 'nothing in the history');

  const rulesBefore = (await api('GET', '/inventory/rules')).body;
  const badRules = await api<{ message: string }>('PUT', '/inventory/rules', { renewalYears: 0 });
  t.equal(badRules.status, 400);
  t.match(badRules.body.message, /renewalYears/);
  const badLamp = await api<{ message: string }>('PUT', '/inventory/rules', { lampWarnHours: 4000, lampReplaceHours: 3000 });
  t.equal(badLamp.status, 400);
  t.same((await api('GET', '/inventory/rules')).body, rulesBefore, 'the rules did not change');

  const count = items.length;
  const csv = 'Nom;Numéro de série;Date d’achat\nPC-NEUF-01;SN-NEUF-01;12/09/2024\nPC-NEUF-02;SN-NEUF-02;31/02/2024\n';
  const applied = await api<{ dryRun: boolean; errors: { line: number; message: string }[] }>('POST', '/inventory/purchases?apply=true', csv, undefined, { 'content-type': 'text/csv' });
  t.equal(applied.status, 200);
  t.equal(applied.body.dryRun, true, 'a file with an error is not applied, even when asked');
  t.equal(applied.body.errors[0]?.line, 3, 'the error names its line');
  t.equal((await api<InventoryItem[]>('GET', '/inventory/items')).body.length, count, 'nothing was added');
  const empty = await api<{ message: string }>('POST', '/inventory/purchases?apply=true', '', undefined, { 'content-type': 'text/csv' });
  t.ok(empty.status === 400 || (empty.status === 200 && (empty.body as unknown as { errors: unknown[] }).errors.length > 0), 'an empty file is refused');

  const wrongConfirm = await api<{ message: string }>('DELETE', `/inventory/items/${pc.id}`, { confirm: 'autre chose' });
  t.equal(wrongConfirm.status, 400);
  t.match(wrongConfirm.body.message, /retapez exactement/);
  t.equal((await api('GET', `/inventory/items/${pc.id}`)).status, 200, 'the item is still there');
  t.equal((await api('GET', '/inventory/items/999999')).status, 404);
});
