/**
 * The server's own inventory, collected for real on this machine: valid against the official GLPI
 * inventory schema, no empty/null values, and faithful to what the system itself says (memory,
 * CPU name, installed packages, network interfaces, OS, root volume). Plus the deviceid, the
 * abort signal and the serial-number placeholder filter.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { Ajv } from 'ajv';
import t from 'tap';
import { collectLocalInventory, installedPackages, usableSerial } from '../../daemon/src/inventory/local.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../daemon/src/inventory/glpi-format/inventory.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);

type Row = Record<string, unknown>;

function rows(content: Row, key: string): Row[] {
  const v = content[key];
  return Array.isArray(v) ? (v as Row[]) : [];
}

/** Paths of the values a GLPI server would choke on or that carry nothing. */
function emptyValues(value: unknown, path = ''): string[] {
  if (value === null || value === undefined || value === '') return [path];
  if (typeof value === 'number' && !Number.isFinite(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => emptyValues(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const entries = Object.entries(value as Row);
    if (entries.length === 0) return [path];
    return entries.flatMap(([k, v]) => emptyValues(v, `${path}.${k}`));
  }
  return [];
}

const t0 = performance.now();
const inventory = await collectLocalInventory({ version: '0.1.0' });
const elapsed = Math.round(performance.now() - t0);
const content = inventory.content;

t.test('the collection is quick', async (t) => {
  t.comment(`collectLocalInventory: ${elapsed} ms`);
  t.ok(elapsed < 10_000, `collected in ${elapsed} ms (< 10 s)`);
});

t.test('the inventory is valid against the GLPI inventory schema', async (t) => {
  const ok = validate(inventory);
  t.ok(ok, 'valid');
  if (!ok) t.comment(JSON.stringify(validate.errors, null, 2));
  t.same(emptyValues(inventory), [], 'no null, undefined, empty or NaN value');
  t.equal(inventory.action, 'inventory');
  t.equal(inventory.itemtype, 'Computer');
  t.equal(content.versionclient, 'Trousse_v0.1.0');
  t.match(inventory.deviceid, new RegExp(`^${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}$`));
  for (const key of ['hardware', 'cpus', 'drives', 'networks', 'operatingsystem', 'softwares']) t.ok(content[key], `${key} present`);
});

t.test('hardware.memory is MemTotal in MB', async (t) => {
  const kb = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  const expected = kb / 1024;
  const memory = (content.hardware as Row).memory as number;
  t.ok(Number.isInteger(memory), 'an integer');
  t.ok(Math.abs(memory - expected) / expected < 0.01, `${memory} MB ≈ ${Math.round(expected)} MB`);
  t.match((content.hardware as Row).vmsystem, /\S/, 'vmsystem set');
  t.equal((content.hardware as Row).name, os.hostname().split('.')[0]);
});

t.test('cpus[0] is the processor of /proc/cpuinfo', async (t) => {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const modelName = /^model name\s*:(.*)$/m.exec(cpuinfo)?.[1]?.trim();
  const cpus = rows(content, 'cpus');
  t.ok(cpus.length >= 1, 'at least one CPU');
  const cpu = cpus[0] ?? {};
  if (modelName) t.equal(cpu.name, modelName);
  else t.comment('no "model name" in /proc/cpuinfo');
  const logical = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const threads = cpus.reduce((sum, c) => sum + ((c.thread as number | undefined) ?? 0), 0);
  t.equal(threads, logical, 'threads of all sockets = logical processors');
  t.equal(cpu.arch, os.machine());
});

t.test('softwares are the installed dpkg packages', async (t) => {
  const statuses = execFileSync('dpkg-query', ['-W', '-f', `\${db:Status-Abbrev}\\n`], { encoding: 'utf8' });
  const installed = statuses.split('\n').filter((l) => l.startsWith('ii')).length;
  const softwares = rows(content, 'softwares');
  t.equal(softwares.length, installed, `${installed} packages`);
  t.ok(softwares.every((s) => s.from === 'deb' && s.system_category === 'application' && typeof s.version === 'string'));
  t.notOk(
    softwares.some((s) => String(s.name).endsWith(`:${String(s.arch)}`)),
    'no ":arch" suffix in names',
  );
  const packages = await installedPackages();
  t.equal(packages.length, installed);
  const bash = packages.find((p) => p.name === 'bash');
  t.ok(bash && /\S/.test(bash.version) && /\S/.test(bash.arch), 'bash with its version and arch');
});

t.test('networks: every interface but the loopback, with the default route', async (t) => {
  const networks = rows(content, 'networks');
  const names = new Set(networks.map((n) => n.description));
  t.notOk(names.has('lo'), 'no "lo"');
  t.notOk(networks.some((n) => n.type === 'loopback'), 'no loopback type');
  const expected = readdirSync('/sys/class/net').filter((n) => n !== 'lo');
  t.same([...names].sort(), expected.sort(), 'the interfaces of /sys/class/net');
  t.ok(networks.every((n) => typeof n.virtualdev === 'boolean'), 'virtualdev always told');
  const route = readFileSync('/proc/net/route', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1] === '00000000');
  if (!route?.[0]) {
    t.comment('no default route here');
    return;
  }
  const iface = route[0];
  const ipv4 = (os.networkInterfaces()[iface] ?? []).find((a) => a.family === 'IPv4');
  const entry = networks.find((n) => n.description === iface && n.ipaddress !== undefined);
  t.ok(entry, `${iface} with an IPv4 address`);
  t.equal(entry?.ipaddress, ipv4?.address);
  t.equal(entry?.ipmask, ipv4?.netmask);
  t.equal(entry?.status, 'up');
  t.equal(entry?.virtualdev, false);
  t.match(entry?.ipgateway, /^\d+\.\d+\.\d+\.\d+$/);
  t.equal((content.hardware as Row).defaultgateway, entry?.ipgateway);
});

t.test('operatingsystem is Debian, with its kernel, boot time and time zone', async (t) => {
  const o = content.operatingsystem as Row;
  t.match(o.name, /Debian/);
  t.match(o.full_name, /Debian/);
  t.equal(o.kernel_name, 'linux');
  t.equal(o.kernel_version, os.release());
  t.equal(o.arch, os.machine());
  t.match(o.boot_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  const btime = Number(/^btime\s+(\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]) * 1000;
  const boot = new Date(String(o.boot_time).replace(' ', 'T')).getTime(); // read as local time
  t.ok(Math.abs(boot - btime) < 2000, 'boot_time is /proc/stat btime, local time');
  t.match(o.timezone, { offset: /^[+-]\d{4}$/ });
});

t.test('drives include the root volume; storages are disks', async (t) => {
  const root = rows(content, 'drives').find((d) => d.type === '/');
  t.ok(root, 'a drive mounted on /');
  t.ok(Number.isInteger(root?.total) && (root?.total as number) > 0, 'total in MB');
  t.ok(Number.isInteger(root?.free) && (root?.free as number) <= (root?.total as number), 'free ≤ total');
  for (const s of rows(content, 'storages')) {
    t.ok(Number.isInteger(s.disksize) && (s.disksize as number) > 0, `${String(s.name)}: size in MB`);
    t.notMatch(String(s.name), /^(loop|ram|zram)/);
  }
});

t.test('deviceid: <hostName>-YYYY-MM-DD-HH-MM-SS of now, or the one given', async (t) => {
  const now = new Date(2026, 8, 1, 7, 5, 3);
  const a = await collectLocalInventory({ version: '1.2.3', now, hostName: 'srv-college' });
  t.equal(a.deviceid, 'srv-college-2026-09-01-07-05-03');
  t.equal(a.content.versionclient, 'Trousse_v1.2.3');
  const b = await collectLocalInventory({ version: '1.2.3', deviceId: 'srv-college-2025-01-02-03-04-05' });
  t.equal(b.deviceid, 'srv-college-2025-01-02-03-04-05');
  t.ok(validate(b), 'still valid');
});

t.test('the signal bounds the collection', async (t) => {
  const reason = new Error('arrêt demandé');
  await t.rejects(collectLocalInventory({ version: '1', signal: AbortSignal.abort(reason) }), reason, 'already aborted');
  const ac = new AbortController();
  const started = performance.now();
  const p = collectLocalInventory({ version: '1', signal: ac.signal });
  ac.abort(reason);
  await t.rejects(p, reason, 'aborted while collecting');
  t.ok(performance.now() - started < 100, 'rejected at once');
  await t.rejects(installedPackages(AbortSignal.abort(reason)), reason, 'installedPackages too');
});

t.test('usableSerial drops placeholders and keeps real serials', async (t) => {
  const junk = [
    'To be filled by O.E.M.',
    'To Be Filled By O.E.M.',
    '  To be filled by O.E.M. ',
    'Default string',
    'System Serial Number',
    'Chassis Serial Number',
    'Base Board Serial Number',
    '0123456789',
    '1234567890',
    'None',
    'NONE',
    'Not Specified',
    'Not Applicable',
    'N/A',
    'Unknown',
    'OEM',
    '-',
    '.',
    '',
    '   ',
    '00000000',
    '0000-0000-0000',
    'FFFFFFFF',
    'xxxxxxxxxx',
    '00000000-0000-0000-0000-000000000000',
    null,
    undefined,
  ];
  for (const s of junk) t.equal(usableSerial(s), null, JSON.stringify(s));
  const real = ['640HP72', 'PF2ABCDE', '5CG1234XYZ', 'CZC4321ABC', 'S29NNXAH146409', 'C0366791B0E970YU', '/640HP72/CE129536461378/', '0A1B'];
  for (const s of real) t.equal(usableSerial(s), s, s);
  t.equal(usableSerial('  PF2ABCDE \n'), 'PF2ABCDE', 'trimmed');
});
