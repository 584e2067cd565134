import { emptyFacts, type ItemFacts, type ItemKind } from './model.ts';

/**
 * From a GLPI native inventory (formats.md §2: what glpi-agent sends, what the legacy XML is
 * converted to, what the server's own inventory is) to the facts Trousse keeps. Pure; tolerant of
 * missing sections (partial inventories), never trusts types.
 */

export interface NormalizedInventory {
  deviceId: string;
  kind: ItemKind;
  name: string;
  facts: ItemFacts;
  software: { name: string; version: string; publisher: string }[];
  /** Sections present in a partial inventory (null: a full one). */
  partialSections: string[] | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Obj => x !== null) : obj(v) ? [v as Obj] : []);
const str = (v: unknown, max = 200): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  // control characters out, whitespace collapsed, bounded
  const s = v.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  return s ? s.slice(0, max) : null;
};
const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
};

const JUNK_SERIALS = /^(to be filled.*|default string|system serial number|0+|0123456789|none|not specified|not applicable|n\/a|na|unknown|serial|chassis serial number|base board serial number|123456789|xxxxxxxx+|\.+|-+)$/i;

/** A serial that identifies a machine, or null for the placeholders BIOSes ship with. */
export function identifyingSerial(s: unknown): string | null {
  const v = str(s, 100);
  if (!v || v.length < 3 || JUNK_SERIALS.test(v)) return null;
  return v;
}

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

/** "AA-BB-..." or "aa:bb:..." → "aa:bb:...", null for a missing, malformed, zero or broadcast address. */
export function normalMac(v: unknown): string | null {
  const s = str(v, 40);
  if (!s || !MAC.test(s)) return null;
  const m = s.toLowerCase().replace(/-/g, ':');
  if (m === '00:00:00:00:00:00' || m === 'ff:ff:ff:ff:ff:ff') return null;
  return m;
}

function dateOnly(v: unknown): string | null {
  const s = str(v, 40);
  if (!s) return null;
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s); // BIOS dates are US: mm/dd/yyyy
  if (m) return `${m[3]}-${m[1]}-${m[2]}`;
  return null;
}

/** The GLPI content of one inventory → facts. `itemtype`/`action` decide printers (SNMP) from computers. */
export function normalizeInventory(inv: { deviceid?: unknown; action?: unknown; itemtype?: unknown; partial?: unknown; content?: unknown }): NormalizedInventory {
  const content = obj(inv.content) ?? {};
  const deviceId = str(inv.deviceid, 250) ?? '';
  const facts = emptyFacts();
  const software: NormalizedInventory['software'] = [];
  const partialSections = inv.partial === true ? Object.keys(content) : null;
  const netDevice = obj(content.network_device);

  if (netDevice || inv.itemtype === 'Printer' || inv.action === 'netinventory') {
    const nd = netDevice ?? {};
    facts.manufacturer = str(nd.manufacturer);
    facts.model = str(nd.model);
    facts.serial = identifyingSerial(nd.serial);
    const mac = normalMac(nd.mac);
    if (mac) facts.macs = [mac];
    facts.ips = (Array.isArray(nd.ips) ? nd.ips : []).map((x) => str(x, 45)).filter((x): x is string => !!x && !x.startsWith('127.')).slice(0, 16);
    facts.firmware = str(nd.firmware);
    facts.memoryMb = num(nd.memory) ?? num(nd.ram);
    const counters = obj(content.pagecounters);
    facts.pageCount = counters ? num(counters.total) : null;
    const type = str(nd.type);
    const kind: ItemKind = inv.itemtype === 'Printer' || type === 'Printer' ? 'printer' : 'other';
    return { deviceId, kind, name: str(nd.name, 100) ?? (deviceId || 'sans nom'), facts, software, partialSections };
  }

  const hardware = obj(content.hardware) ?? {};
  const bios = obj(content.bios) ?? {};
  const os = obj(content.operatingsystem);
  facts.manufacturer = str(bios.smanufacturer) ?? str(bios.mmanufacturer);
  facts.model = str(bios.smodel) ?? str(bios.mmodel);
  facts.serial = identifyingSerial(bios.ssn) ?? identifyingSerial(bios.msn);
  facts.uuid = str(hardware.uuid, 64);
  facts.biosDate = dateOnly(bios.bdate);
  facts.lastUser = str(hardware.lastloggeduser, 100);

  const macs = new Set<string>();
  const ips = new Set<string>();
  for (const n of arr(content.networks)) {
    const type = str(n.type)?.toLowerCase();
    if (n.virtualdev === true || n.virtualdev === 1 || n.virtualdev === '1' || type === 'loopback') continue;
    const mac = normalMac(n.mac);
    if (mac) macs.add(mac);
    const ip = str(n.ipaddress, 45);
    if (ip && !ip.startsWith('127.')) ips.add(ip);
  }
  facts.macs = [...macs].slice(0, 32);
  facts.ips = [...ips].slice(0, 32);
  facts.hostName = str(os?.fqdn, 253) ?? str(hardware.name, 253);
  if (os) {
    const name = str(os.full_name) ?? str(os.name);
    if (name) facts.os = { name, version: str(os.version), arch: str(os.arch, 40) };
  }
  const cpus = arr(content.cpus);
  const cpu = cpus[0];
  const cpuName = cpu ? (str(cpu.name) ?? str(cpu.model)) : null;
  if (cpu && cpuName) facts.cpu = { name: cpuName, cores: num(cpu.core), threads: num(cpu.thread), speedMhz: num(cpu.speed), count: cpus.length };
  const memories = arr(content.memories);
  const memSum = memories.reduce((s, m) => s + (num(m.capacity) ?? 0), 0);
  facts.memoryMb = num(hardware.memory) ?? (memSum > 0 ? memSum : null);
  facts.disks = arr(content.storages)
    .filter((d) => (str(d.type)?.toLowerCase() ?? '') !== 'cdrom' && !/cd|dvd/i.test(str(d.name) ?? ''))
    .map((d) => ({ name: str(d.name) ?? str(d.model) ?? 'disque', sizeMb: num(d.disksize) }))
    .slice(0, 32);
  facts.volumes = arr(content.drives)
    .map((d) => ({
      mount: str(d.letter, 200) ?? str(d.type, 200) ?? str(d.volumn, 200) ?? '?',
      filesystem: str(d.filesystem, 40),
      totalMb: num(d.total) ?? 0,
      freeMb: num(d.free),
    }))
    .filter((v) => v.totalMb > 0)
    .slice(0, 64);
  for (const s of arr(content.softwares)) {
    const name = str(s.name, 250);
    if (!name) continue;
    software.push({ name, version: str(s.version, 100) ?? '', publisher: str(s.publisher, 200) ?? '' });
  }
  facts.softwareCount = content.softwares === undefined ? null : software.length;
  const chassis = str(hardware.chassis_type)?.toLowerCase() ?? '';
  const kind: ItemKind = /server|rack|blade/.test(chassis) ? 'server' : 'pc';
  const name = str(hardware.name, 100) ?? str(os?.fqdn, 100)?.split('.')[0] ?? (deviceId.replace(/-\d{4}(-\d{2}){5}$/, '') || 'sans nom');
  return { deviceId, kind, name, facts, software, partialSections };
}

/** Facts of a partial inventory laid over the previous ones: only the sections sent replace. */
export function mergePartial(previous: ItemFacts, next: ItemFacts, sections: string[]): ItemFacts {
  const has = (s: string) => sections.includes(s);
  const out = { ...previous };
  if (has('bios')) Object.assign(out, { manufacturer: next.manufacturer, model: next.model, serial: next.serial, biosDate: next.biosDate });
  if (has('hardware')) Object.assign(out, { uuid: next.uuid, lastUser: next.lastUser, memoryMb: next.memoryMb ?? out.memoryMb });
  if (has('networks')) Object.assign(out, { macs: next.macs, ips: next.ips });
  if (has('operatingsystem')) Object.assign(out, { os: next.os, hostName: next.hostName });
  if (has('cpus')) out.cpu = next.cpu;
  if (has('memories') && !has('hardware')) out.memoryMb = next.memoryMb;
  if (has('storages')) out.disks = next.disks;
  if (has('drives')) out.volumes = next.volumes;
  if (has('softwares')) out.softwareCount = next.softwareCount;
  return out;
}
