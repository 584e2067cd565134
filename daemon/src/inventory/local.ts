import { access, readdir, readFile, readlink } from 'node:fs/promises';
import os from 'node:os';
import { basename } from 'node:path';
import si, { type Systeminformation } from 'systeminformation';
import { run, runChecked } from '../core/exec.ts';

/**
 * The server's own inventory, in the GLPI native inventory format (docs/formats.md §2,
 * glpi-format/inventory.schema.json): the same code then reads it as an agent's inventory, and it
 * can be relayed as is to the département's GLPI.
 *
 * Sources, chosen for their cost (the whole collection stays well under a second on a VM):
 * systeminformation for what needs dmidecode parsing (system, BIOS, baseboard, memory modules) or
 * df (volumes); /proc, /sys and os.* for the rest (memory, CPUs, network interfaces, OS release,
 * boot time); one `lsblk`, `dpkg-query`, `hostname --fqdn` and `systemd-detect-virt` through
 * core/exec.ts (no shell). Each source is guarded: a failing or hanging one only leaves its
 * section (or fields) out. Values that would not match the schema, and empty or placeholder ones,
 * are dropped rather than emitted.
 */

export interface LocalInventoryOptions {
  /** Aborting it rejects the collection with the signal's reason. */
  signal?: AbortSignal;
  /** The time of the inventory (deviceid, time zone offset); default: now. */
  now?: Date;
  /** deviceid prefix; default os.hostname() */
  hostName?: string;
  /** A fixed deviceid (the one first given to this machine, kept across days); default `<hostName>-YYYY-MM-DD-HH-MM-SS` of `now`. */
  deviceId?: string;
  /** agent-like version string */
  version: string;
}

export interface GlpiInventory {
  deviceid: string;
  action: 'inventory';
  itemtype: 'Computer';
  content: Record<string, unknown>;
}

export interface InstalledPackage {
  name: string;
  version: string;
  arch: string;
}

/** Past this, a source is given up and its section left out (the caller's signal bounds the whole). */
const SOURCE_TIMEOUT_MS = 20_000;
const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Placeholder values

/** Normalized values that firmware, vendors and tools put where they have nothing to say. */
const PLACEHOLDERS = new Set([
  'to be filled by o.e.m.',
  'to be filled by oem',
  'default string',
  'default',
  'not specified',
  'not available',
  'not applicable',
  'not present',
  'none',
  'null',
  'undefined',
  'n/a',
  'na',
  'unknown',
  'invalid',
  'empty',
  'oem',
  'o.e.m.',
  'system manufacturer',
  'system product name',
  'system version',
  'system name',
  'type1productconfigid',
]);

/** Placeholders that only mean "no serial number". */
const SERIAL_PLACEHOLDERS = new Set([
  'system serial number',
  'chassis serial number',
  'base board serial number',
  'baseboard serial number',
  'board serial number',
  'serial number',
  'serialnumber',
  'sn',
  'sn12345678',
  '0123456789',
  '1234567890',
  '123456789',
  '12345678',
  '1234567',
  '123456',
  '01234567890',
  '03000200-0400-0500-0006-000700080009',
]);

function normalized(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A trimmed manufacturer / model / version, or null when empty or a firmware placeholder. */
function usableText(s: string | null | undefined): string | null {
  if (typeof s !== 'string') return null;
  const value = s.trim().replace(/\s+/g, ' ');
  if (!value || !/[\p{L}\p{N}]/u.test(value)) return null;
  const n = value.toLowerCase();
  if (PLACEHOLDERS.has(n) || n.startsWith('to be filled')) return null;
  return value;
}

/**
 * A trimmed serial number, or null when it is empty or a placeholder ("To be filled by O.E.M.",
 * "Default string", "System Serial Number", "0123456789", "None", "Not Specified", "0000…", "-"…).
 */
export function usableSerial(s: string | null | undefined): string | null {
  const value = usableText(s);
  if (value === null) return null;
  if (SERIAL_PLACEHOLDERS.has(normalized(value))) return null;
  // One character repeated ("00000000", "FFFFFFFF", "xxxxxxx", "0000-0000"), separators aside.
  const core = value.replace(/[\s\-_.:/]/g, '').toLowerCase();
  if (/^(.)\1*$/.test(core)) return null;
  return value;
}

function usableUuid(s: string | null | undefined): string | null {
  const value = typeof s === 'string' ? s.trim() : '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return null;
  return usableSerial(value);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

type Fields = Record<string, unknown>;

/** The object without its null, undefined, empty-string, NaN and empty-object fields; undefined when nothing is left. */
function compact(obj: Fields): Fields | undefined {
  const out: Fields = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined || v === '') continue;
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function present<T>(v: T | undefined | null): v is T {
  return v !== undefined && v !== null;
}

function str(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  return s ? s : undefined;
}

/** A positive integer (rounded), or undefined. */
function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? Math.round(n) : undefined;
}

function mb(bytes: unknown): number | undefined {
  return typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0 ? Math.round(bytes / MIB) : undefined;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local time as "YYYY-MM-DD hh:mm:ss" (the schema's datetime). */
function localDateTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function deviceIdStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

/** "YYYY-MM-DD" from "YYYY-MM-DD", "YYYY/MM/DD" or the SMBIOS "MM/DD/YYYY"; null otherwise. */
function isoDate(s: string | null | undefined): string | null {
  const v = (s ?? '').trim();
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(v);
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (m) return valid(Number(m[3]), Number(m[1]), Number(m[2]));
  return null;
  function valid(y: number, mo: number, d: number): string | null {
    if (y < 1980 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
    return `${y}-${pad(mo)}-${pad(d)}`;
  }
}

/** Runs a source; null when it throws or takes longer than SOURCE_TIMEOUT_MS. */
async function attempt<T>(fn: () => Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<null>((resolve) => {
        timer = setTimeout(resolve, SOURCE_TIMEOUT_MS, null);
        timer.unref();
      }),
    ]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The promise, or a rejection with the signal's reason as soon as it aborts. */
function bounded<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** "KEY=value" lines (os-release), quotes removed. */
function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    let v = m[2].trim();
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    out.set(m[1], v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Packages

/** Installed Debian packages (`dpkg-query`, state "ii" only). The ":arch" suffix of multi-arch names is removed. */
export async function installedPackages(signal?: AbortSignal): Promise<InstalledPackage[]> {
  signal?.throwIfAborted();
  // dpkg-query's own ${field} placeholders, not JavaScript ones.
  const format = `\${binary:Package}\t\${Version}\t\${Architecture}\t\${db:Status-Abbrev}\n`;
  const result = await bounded(runChecked('dpkg-query', ['-W', '-f', format], { timeoutMs: 60_000 }), signal);
  const packages: InstalledPackage[] = [];
  for (const line of result.stdout.split('\n')) {
    const [binaryName, version, arch, status] = line.split('\t');
    if (!binaryName || status === undefined || !status.startsWith('ii')) continue;
    const name = arch && binaryName.endsWith(`:${arch}`) ? binaryName.slice(0, -(arch.length + 1)) : binaryName;
    packages.push({ name, version: version ?? '', arch: arch ?? '' });
  }
  return packages;
}

// ---------------------------------------------------------------------------------------------
// Sources read directly

async function memInfo(): Promise<{ totalMb: number; swapMb: number | undefined }> {
  const text = await readFile('/proc/meminfo', 'utf8');
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m?.[1] ? Number(m[1]) : undefined;
  };
  const total = kb('MemTotal');
  const swap = kb('SwapTotal');
  return {
    totalMb: total !== undefined ? Math.round(total / 1024) : Math.round(os.totalmem() / MIB),
    swapMb: swap !== undefined ? Math.round(swap / 1024) : undefined,
  };
}

/** /proc/cpuinfo, one map per "processor" block. */
async function cpuInfo(): Promise<Map<string, string>[]> {
  const text = await readFile('/proc/cpuinfo', 'utf8');
  const blocks: Map<string, string>[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    const block = new Map<string, string>();
    for (const line of chunk.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) block.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    if (block.has('processor')) blocks.push(block);
  }
  return blocks;
}

/** The IPv4 default route from /proc/net/route (no process spawned). */
async function defaultRoute(): Promise<{ iface: string; gateway: string } | null> {
  const text = await readFile('/proc/net/route', 'utf8');
  let best: { iface: string; gateway: string; metric: number } | null = null;
  for (const line of text.split('\n').slice(1)) {
    const [iface, destination, gatewayHex, flags, , , metric] = line.trim().split(/\s+/);
    if (!iface || destination !== '00000000' || !gatewayHex || !flags) continue;
    if ((Number.parseInt(flags, 16) & 0x3) !== 0x3) continue; // RTF_UP | RTF_GATEWAY
    const bytes = [3, 2, 1, 0].map((i) => Number.parseInt(gatewayHex.slice(i * 2, i * 2 + 2), 16));
    if (bytes.some((b) => !Number.isInteger(b))) continue;
    const m = Number(metric ?? 0);
    if (!best || m < best.metric) best = { iface, gateway: bytes.join('.'), metric: m };
  }
  return best ? { iface: best.iface, gateway: best.gateway } : null;
}

async function nameServers(): Promise<string[]> {
  const text = await readFile('/etc/resolv.conf', 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m?.[1] && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

async function fqdn(): Promise<string | null> {
  const r = await run('hostname', ['--fqdn'], { timeoutMs: 5000 });
  const name = r.code === 0 ? r.stdout.trim() : '';
  return /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(name) ? name : null;
}

/** systemd-detect-virt's identifier ("none" on bare metal), or null when it cannot tell. */
async function detectVirt(): Promise<string | null> {
  const r = await run('systemd-detect-virt', [], { timeoutMs: 5000 });
  const id = r.stdout.trim();
  return /^[a-z0-9-]+$/.test(id) ? id : null;
}

/** systemd-detect-virt identifiers, named as GLPI agents name them. */
const VIRT_NAMES: Record<string, string> = {
  kvm: 'KVM',
  qemu: 'QEMU',
  vmware: 'VMware',
  oracle: 'VirtualBox',
  microsoft: 'Hyper-V',
  xen: 'Xen',
  parallels: 'Parallels',
  bochs: 'Bochs',
  bhyve: 'bhyve',
  zvm: 'z/VM',
  docker: 'Docker',
  podman: 'Podman',
  lxc: 'lxc',
  'lxc-libvirt': 'lxc',
  openvz: 'OpenVZ',
  'systemd-nspawn': 'systemd-nspawn',
  wsl: 'WSL',
};

interface LsblkDevice {
  name?: string;
  path?: string;
  type?: string;
  size?: number | string | null;
  model?: string | null;
  vendor?: string | null;
  serial?: string | null;
  tran?: string | null;
  rev?: string | null;
  label?: string | null;
  uuid?: string | null;
}

async function lsblk(): Promise<LsblkDevice[]> {
  const r = await runChecked('lsblk', ['-J', '-l', '-b', '-o', 'NAME,PATH,TYPE,SIZE,MODEL,VENDOR,SERIAL,TRAN,REV,LABEL,UUID'], {
    timeoutMs: 10_000,
  });
  const parsed = JSON.parse(r.stdout) as { blockdevices?: LsblkDevice[] };
  return Array.isArray(parsed.blockdevices) ? parsed.blockdevices : [];
}

// ---------------------------------------------------------------------------------------------
// Sections

/** Disk manufacturers recognised from the model string (lsblk's VENDOR is often "ATA" or a PCI id). */
const DISK_VENDORS: [RegExp, string][] = [
  [/^samsung|^mz[-_ ]?[0-9a-z]/i, 'Samsung'],
  [/^(wdc|wd[a-z0-9]|western digital)/i, 'Western Digital'],
  [/^(st\d|seagate)/i, 'Seagate'],
  [/^(hgst|hitachi)/i, 'HGST'],
  [/^toshiba/i, 'Toshiba'],
  [/^kioxia/i, 'Kioxia'],
  [/^intel/i, 'Intel'],
  [/^kingston/i, 'Kingston'],
  [/^(crucial|ct\d)/i, 'Crucial'],
  [/^micron/i, 'Micron'],
  [/^sandisk/i, 'SanDisk'],
  [/^(sk ?hynix|hfs\d)/i, 'SK hynix'],
  [/^(adata|xpg)/i, 'ADATA'],
  [/^transcend|^ts\d/i, 'Transcend'],
  [/^lexar/i, 'Lexar'],
  [/^pny/i, 'PNY'],
  [/^corsair/i, 'Corsair'],
  [/^maxtor/i, 'Maxtor'],
  [/^fujitsu/i, 'Fujitsu'],
  [/^(hp|hpe) /i, 'HP'],
  [/^dell/i, 'Dell'],
  [/^lenovo/i, 'Lenovo'],
  [/^apple/i, 'Apple'],
  [/^verbatim/i, 'Verbatim'],
  [/^qemu/i, 'QEMU'],
  [/^vbox/i, 'VirtualBox'],
  [/^vmware/i, 'VMware'],
];

function diskManufacturer(model: string | undefined, vendor: string | null | undefined): string | undefined {
  if (model) for (const [re, name] of DISK_VENDORS) if (re.test(model)) return name;
  const v = usableText(vendor);
  if (!v || /^ata$/i.test(v) || /^0x[0-9a-f]+$/i.test(v)) return undefined;
  return v;
}

function storagesSection(devices: LsblkDevice[]): Fields[] {
  return devices
    .filter((d) => d.type === 'disk' && d.name && !/^(loop|ram|zram|nbd)\d/.test(d.name) && (positiveInt(d.size) ?? 0) > 0)
    .map((d) => {
      const model = usableText(d.model) ?? undefined;
      const tran = str(d.tran)?.toLowerCase();
      return compact({
        name: d.name,
        model,
        manufacturer: diskManufacturer(model, d.vendor),
        serial: usableSerial(d.serial),
        disksize: mb(positiveInt(d.size)),
        interface: tran === 'nvme' ? 'NVMe' : tran?.toUpperCase(),
        type: 'disk',
        firmware: usableText(d.rev),
      });
    })
    .filter(present);
}

function drivesSection(volumes: Systeminformation.FsSizeData[], devices: LsblkDevice[] | null): Fields[] {
  const byPath = new Map((devices ?? []).filter((d) => d.path).map((d) => [d.path, d]));
  const seen = new Set<string>();
  const out: Fields[] = [];
  for (const v of volumes) {
    if (!v.mount || seen.has(v.mount) || !(v.size > 0)) continue;
    seen.add(v.mount);
    const dev = byPath.get(v.fs);
    const drive = compact({
      volumn: str(v.fs),
      filesystem: str(v.type),
      total: mb(v.size),
      free: mb(v.available),
      type: v.mount,
      label: str(dev?.label),
      serial: str(dev?.uuid),
    });
    if (drive) out.push(drive);
  }
  return out;
}

function cpuVendor(vendorId: string | undefined): string | undefined {
  switch (vendorId) {
    case 'GenuineIntel':
      return 'Intel';
    case 'AuthenticAMD':
      return 'AMD';
    case 'HygonGenuine':
      return 'Hygon';
    case 'CentaurHauls':
      return 'Centaur';
    default:
      return vendorId ? usableText(vendorId) ?? undefined : undefined;
  }
}

const CPU_ARCH = /^(mips|mips64|alpha|sparc|sparc64|m68k|i\d86|x86_64|powerpc|powerpc64|arm.*|aarch64)$/;

function cpusSection(blocks: Map<string, string>[] | null, cpu: Systeminformation.CpuData | null): Fields[] {
  const machine = os.machine();
  const arch = CPU_ARCH.test(machine) ? machine : undefined;
  const siName = cpu ? usableText(`${cpu.manufacturer} ${cpu.brand}`) : null;
  const siSpeed = cpu ? positiveInt(cpu.speed * 1000) : undefined;
  const sockets = new Map<string, Map<string, string>[]>();
  for (const b of blocks ?? []) {
    const id = b.get('physical id') ?? '0';
    sockets.set(id, [...(sockets.get(id) ?? []), b]);
  }
  if (sockets.size === 0) {
    if (!cpu) return [];
    const count = Math.max(1, cpu.processors || 1);
    const one = compact({
      name: siName,
      manufacturer: usableText(cpu.manufacturer),
      core: positiveInt(cpu.physicalCores / count),
      thread: positiveInt(cpu.cores / count),
      speed: siSpeed ?? positiveInt(cpu.speedMax * 1000),
      arch,
    });
    return one ? Array.from({ length: count }, () => ({ ...one })) : [];
  }
  const out: Fields[] = [];
  for (const procs of sockets.values()) {
    const first = procs[0];
    if (!first) continue;
    const name = usableText(first.get('model name')) ?? usableText(first.get('cpu model')) ?? siName;
    const coreIds = new Set(procs.map((p) => p.get('core id')).filter(present));
    // The nominal speed ("… @ 2.30GHz") first: "cpu MHz" is the current one, lower when idle.
    const nominal = name ? /@\s*([\d.]+)\s*GHz/i.exec(name) : null;
    const stepping = positiveInt(first.get('stepping'));
    const entry = compact({
      name,
      manufacturer: cpuVendor(first.get('vendor_id')) ?? usableText(cpu?.manufacturer),
      core: positiveInt(first.get('cpu cores')) ?? positiveInt(coreIds.size),
      thread: positiveInt(first.get('siblings')) ?? procs.length,
      speed: (nominal?.[1] ? positiveInt(Number(nominal[1]) * 1000) : undefined) ?? siSpeed ?? positiveInt(first.get('cpu MHz')),
      arch,
      familynumber: str(first.get('cpu family')),
      model: str(first.get('model')),
      stepping: stepping ?? (first.get('stepping') === '0' ? 0 : undefined),
    });
    if (entry) out.push(entry);
  }
  return out;
}

function memoriesSection(layout: Systeminformation.MemLayoutData[]): Fields[] {
  // Without dmidecode, systeminformation invents one module of the total memory size: not a module.
  const describedModules = layout.filter((m) => m.bank || m.type || m.partNum || m.serialNum || m.manufacturer || m.formFactor);
  if (describedModules.length === 0) return [];
  const out: Fields[] = [];
  layout.forEach((m, index) => {
    if (!(m.size > 0)) return; // empty slot
    const type = usableText(m.type);
    const module = compact({
      capacity: mb(m.size),
      caption: usableText(m.bank),
      description: usableText(m.formFactor),
      type: type && !/^(other|empty)$/i.test(type) ? type : undefined,
      speed: positiveInt(m.clockSpeed) !== undefined ? String(positiveInt(m.clockSpeed)) : undefined,
      serialnumber: usableSerial(m.serialNum),
      manufacturer: usableText(m.manufacturer),
      model: usableText(m.partNum),
      numslots: index + 1,
    });
    if (module) out.push(module);
  });
  return out;
}

const ARPHRD_ETHER = 1;
const ARPHRD_PPP = 512;
const ARPHRD_INFINIBAND = 32;
const ARPHRD_LOOPBACK = 772;
const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_RUNNING = 0x40;
const NETWORK_STATUSES = new Set(['up', 'down', 'dormant', 'notpresent', 'lowerlayerdown', 'unknown', 'testing']);

function ipv4Subnet(ip: string, mask: string): string | undefined {
  const a = ip.split('.').map(Number);
  const m = mask.split('.').map(Number);
  if (a.length !== 4 || m.length !== 4) return undefined;
  return a.map((n, i) => n & (m[i] ?? 0)).join('.');
}

/** Network interfaces, loopback excluded: one entry per address (as GLPI agents do), or one without address. */
async function networksSection(route: { iface: string; gateway: string } | null): Promise<Fields[]> {
  const names = (await readdir('/sys/class/net')).sort();
  const addresses = os.networkInterfaces();
  const perInterface = await Promise.all(
    names.map(async (name): Promise<Fields[]> => {
      const dir = `/sys/class/net/${name}`;
      const [typeText, operstate, flagsText, address, speedText, mtuText, hasDevice, driverLink, wireless, phy, bridge, bonding] =
        await Promise.all([
          readText(`${dir}/type`),
          readText(`${dir}/operstate`),
          readText(`${dir}/flags`),
          readText(`${dir}/address`),
          readText(`${dir}/speed`),
          readText(`${dir}/mtu`),
          exists(`${dir}/device`),
          readlink(`${dir}/device/driver`).catch(() => null),
          exists(`${dir}/wireless`),
          exists(`${dir}/phy80211`),
          exists(`${dir}/bridge`),
          exists(`${dir}/bonding`),
        ]);
      const arpType = Number(typeText?.trim());
      const flags = flagsText ? Number.parseInt(flagsText.trim(), 16) : 0;
      if (name === 'lo' || arpType === ARPHRD_LOOPBACK || flags & IFF_LOOPBACK) return [];
      const type = wireless || phy
        ? 'wifi'
        : bridge
          ? 'bridge'
          : bonding
            ? 'aggregate'
            : arpType === ARPHRD_ETHER
              ? 'ethernet'
              : arpType === ARPHRD_INFINIBAND
                ? 'infiniband'
                : arpType === ARPHRD_PPP
                  ? 'dialup'
                  : undefined;
      let status = operstate?.trim().toLowerCase();
      if (status === 'unknown') status = flags & IFF_UP && flags & IFF_RUNNING ? 'up' : 'down';
      const mac = address?.trim().toLowerCase();
      const speed = positiveInt(speedText?.trim());
      const common: Fields = {
        description: name,
        mac: mac && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) && mac !== '00:00:00:00:00:00' ? mac : undefined,
        status: status && NETWORK_STATUSES.has(status) ? status : undefined,
        type,
        virtualdev: !hasDevice,
        speed: speed !== undefined ? String(speed) : undefined,
        mtu: positiveInt(mtuText?.trim()),
        driver: driverLink ? basename(driverLink) : undefined,
      };
      const entries: Fields[] = [];
      for (const a of addresses[name] ?? []) {
        if (a.family === 'IPv4') {
          entries.push({
            ...common,
            ipaddress: a.address,
            ipmask: a.netmask,
            ipsubnet: ipv4Subnet(a.address, a.netmask),
            ipgateway: route?.iface === name ? route.gateway : undefined,
          });
        } else if (a.family === 'IPv6' && !/^fe[89ab]/i.test(a.address)) {
          entries.push({ ...common, ipaddress6: a.address, ipmask6: a.netmask });
        }
      }
      if (entries.length === 0) entries.push(common);
      return entries.map((e) => compact(e)).filter(present);
    }),
  );
  return perInterface.flat();
}

/** The time zone: its abbreviation when there is a common one ("CEST", "UTC"), else its IANA name; offset "+0200". */
function timezoneOf(now: Date): Fields {
  const minutes = -now.getTimezoneOffset();
  const offset = `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
  const iana = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let abbreviation: string | undefined;
  try {
    abbreviation = new Intl.DateTimeFormat('en-GB', { timeZone: iana, timeZoneName: 'short' })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value;
  } catch {
    abbreviation = undefined;
  }
  const name = abbreviation && /^[A-Z]{2,5}$/.test(abbreviation) ? abbreviation : iana || 'UTC';
  return { name, offset };
}

function vmsystemOf(virt: string | null, system: Systeminformation.SystemData | null): string | undefined {
  if (virt === 'none') return 'Physical';
  if (virt) return VIRT_NAMES[virt] ?? virt;
  if (!system) return undefined;
  return system.virtual ? usableText(system.virtualHost) ?? 'Virtual Machine' : 'Physical';
}

// ---------------------------------------------------------------------------------------------
// The inventory

export async function collectLocalInventory(opts: LocalInventoryOptions): Promise<GlpiInventory> {
  opts.signal?.throwIfAborted();
  const now = opts.now ?? new Date();
  const deviceid = opts.deviceId ?? `${opts.hostName ?? os.hostname()}-${deviceIdStamp(now)}`;
  const content = await bounded(collectContent(opts, now), opts.signal);
  return { deviceid, action: 'inventory', itemtype: 'Computer', content };
}

async function collectContent(opts: LocalInventoryOptions, now: Date): Promise<Record<string, unknown>> {
  const routeP = attempt(defaultRoute);
  const [system, bios, baseboard, cpu, memLayout, volumes, cpuBlocks, mem, devices, osRelease, debianVersion, fqdnName, virt, route, networks, dns, statText, packages] =
    await Promise.all([
      attempt(() => si.system()),
      attempt(() => si.bios()),
      attempt(() => si.baseboard()),
      attempt(() => si.cpu()),
      attempt(() => si.memLayout()),
      attempt(() => si.fsSize()),
      attempt(cpuInfo),
      attempt(memInfo),
      attempt(lsblk),
      attempt(() => readFile('/etc/os-release', 'utf8').catch(() => readFile('/usr/lib/os-release', 'utf8'))),
      attempt(() => readFile('/etc/debian_version', 'utf8')),
      attempt(fqdn),
      attempt(detectVirt),
      routeP,
      attempt(async () => networksSection(await routeP)),
      attempt(nameServers),
      attempt(() => readFile('/proc/stat', 'utf8')),
      attempt(() => installedPackages(opts.signal)),
    ]);

  const hostName = os.hostname();
  const content: Record<string, unknown> = { versionclient: `Trousse_v${opts.version}` };
  const put = (key: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value) && value.length === 0) return;
    content[key] = value;
  };

  put(
    'hardware',
    compact({
      name: hostName.split('.')[0],
      uuid: usableUuid(system?.uuid),
      memory: mem?.totalMb,
      swap: mem?.swapMb,
      vmsystem: vmsystemOf(virt, system),
      dns: dns && dns.length > 0 ? dns.join('/') : undefined,
      defaultgateway: route?.gateway,
    }),
  );

  const smodel = usableText(system?.model);
  put(
    'bios',
    compact({
      bdate: isoDate(bios?.releaseDate),
      bmanufacturer: usableText(bios?.vendor),
      bversion: usableText(bios?.version),
      smanufacturer: usableText(system?.manufacturer),
      // Names systeminformation makes up when it knows no model (a real Hyper-V guest says "Virtual Machine").
      smodel: smodel && !['Computer', 'Docker Container', 'Virtual machine'].includes(smodel) ? smodel : undefined,
      ssn: usableSerial(system?.serial),
      skunumber: usableSerial(system?.sku),
      mmanufacturer: usableText(baseboard?.manufacturer),
      mmodel: usableText(baseboard?.model),
      msn: usableSerial(baseboard?.serial),
      assettag: usableSerial(baseboard?.assetTag),
      biosserial: usableSerial(bios?.serial),
    }),
  );

  put('cpus', cpusSection(cpuBlocks, cpu));
  if (memLayout) put('memories', memoriesSection(memLayout));
  if (devices) put('storages', storagesSection(devices));
  if (volumes) put('drives', drivesSection(volumes, devices));
  put('networks', networks);

  const release = osRelease ? parseKeyValues(osRelease) : new Map<string, string>();
  const debian = debianVersion?.trim();
  const btime = statText ? /^btime\s+(\d+)$/m.exec(statText)?.[1] : undefined;
  const fullFqdn = fqdnName ?? hostName;
  put(
    'operatingsystem',
    compact({
      name: str(release.get('NAME')),
      full_name: str(release.get('PRETTY_NAME')),
      version: release.get('ID') === 'debian' && debian && /^\d+(\.\d+)*$/.test(debian) ? debian : str(release.get('VERSION_ID')),
      arch: os.machine(),
      kernel_name: os.platform(),
      kernel_version: os.release(),
      boot_time: btime ? localDateTime(new Date(Number(btime) * 1000)) : undefined,
      fqdn: fullFqdn,
      dns_domain: fullFqdn.includes('.') ? fullFqdn.slice(fullFqdn.indexOf('.') + 1) : undefined,
      timezone: timezoneOf(now),
    }),
  );

  if (packages) {
    put(
      'softwares',
      packages
        .map((p) => compact({ name: p.name, version: p.version, arch: p.arch, from: 'deb', system_category: 'application' }))
        .filter(present),
    );
  }
  return content;
}
