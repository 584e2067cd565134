/**
 * The legacy FusionInventory XML protocol (formats.md §2.4): `<REQUEST><DEVICEID>…</DEVICEID>
 * <QUERY>PROLOG|INVENTORY|…</QUERY><CONTENT>…</CONTENT></REQUEST>`, answered by `<REPLY>…</REPLY>`.
 *
 * Parsing is safe: saxes without namespaces, any DOCTYPE refused (so no entity definitions, no
 * external entities: entity bombs and XXE are impossible), only the five predefined entities,
 * bounded depth and element count.
 *
 * The CONTENT is converted to the GLPI native JSON `content`, as the glpi-project/inventory_format
 * converter does (lib/php/Converter.php): keys lower-cased, empty elements dropped, repeated
 * elements gathered into arrays, its renames and fixes. The types come from the official schema
 * (inventory.schema.json, `properties.content.properties`): array or object sections, integer,
 * boolean and date fields, patterns. A value that cannot be converted is dropped, and so is an
 * array entry that misses a required field, so that the result validates. Unknown keys are kept,
 * lower-cased, as strings (objects when they have children).
 */
import { readFileSync } from 'node:fs';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AppError } from '../../core/errors.ts';

export interface FusionRequest {
  deviceId: string;
  /** PROLOG, INVENTORY, SNMPQUERY…, upper-case; INVENTORY when absent. */
  query: string;
  /** The agent's TAG (CONTENT/ACCOUNTINFO with KEYNAME TAG), or null. */
  tag: string | null;
  /** The CONTENT converted to the GLPI JSON content shape, null when there is no CONTENT. */
  content: Record<string, unknown> | null;
}

export const DEFAULT_XML_MAX_DEPTH = 32;
export const DEFAULT_XML_MAX_ELEMENTS = 500_000;
/** `content.versionclient` is required by the schema: what we put when the agent sent none. */
export const DEFAULT_VERSIONCLIENT = 'FusionInventory-Agent (XML)';

// ————————————————————————————————————————————————— XML tree

interface XmlNode {
  name: string;
  text: string;
  children: XmlNode[];
}

function saxesMessageFr(m: string): string {
  if (m.startsWith('undefined entity')) return 'entité non définie (seules &amp; &lt; &gt; &quot; &apos; sont admises)';
  const unclosed = /^unclosed tag: (.*)$/.exec(m);
  if (unclosed) return `balise <${unclosed[1]}> non fermée`;
  const unmatched = /^unmatched closing tag: (.*?)\.?$/.exec(m);
  if (unmatched) return `balise fermante </${unmatched[1]}> sans balise ouvrante`;
  if (m.startsWith('unexpected close tag')) return 'balise fermante inattendue';
  if (m.startsWith('unexpected end')) return 'fin du document inattendue (tronqué ?)';
  if (m.startsWith('document must contain a root element')) return 'aucun élément racine';
  if (m.startsWith('text data outside of root node')) return 'texte en dehors de l’élément racine';
  if (m.startsWith('documents may contain only one root')) return 'plusieurs éléments racines';
  if (m.startsWith('disallowed character')) return 'caractère interdit';
  if (m.startsWith('malformed character entity')) return 'référence de caractère invalide';
  return `erreur de syntaxe : ${m.slice(0, 200)}`;
}

function doctypeRefused(): AppError {
  return new AppError('INVENTORY_XML_DOCTYPE', 'Les déclarations DOCTYPE et entités XML sont refusées.', 400);
}

function parseTree(xml: string, maxDepth: number, maxElements: number): XmlNode {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlNode[] = [];
  const state: { root: XmlNode | null } = { root: null };
  let count = 0;

  parser.on('error', (err: Error) => {
    const message = err.message.replace(/^\d+:\d+: /, '');
    throw new AppError(
      'INVENTORY_BAD_XML',
      `XML de l’inventaire mal formé (ligne ${parser.line}, colonne ${parser.column + 1}) : ${saxesMessageFr(message)}.`,
      400,
      { line: parser.line, column: parser.column + 1 },
    );
  });
  parser.on('doctype', () => {
    throw doctypeRefused();
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (stack.length >= maxDepth) {
      throw new AppError('INVENTORY_XML_TOO_DEEP', `XML de l’inventaire trop imbriqué : plus de ${maxDepth} niveaux d’éléments.`, 400, { maxDepth });
    }
    if (++count > maxElements) {
      throw new AppError('INVENTORY_TOO_LARGE', `Inventaire trop volumineux : plus de ${maxElements} éléments XML.`, 413, { maxElements });
    }
    const node: XmlNode = { name: tag.name, text: '', children: [] };
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      state.root = node;
      if (tag.name.toUpperCase() !== 'REQUEST') {
        throw new AppError(
          'INVENTORY_BAD_REQUEST',
          `Requête d’agent invalide : l’élément racine doit être <REQUEST> (reçu <${tag.name.slice(0, 40)}>).`,
          400,
        );
      }
    } else {
      if (parent.children.length === 0) parent.text = ''; // indentation before the first child
      parent.children.push(node);
    }
    stack.push(node);
  });
  const onText = (s: string) => {
    const node = stack[stack.length - 1];
    if (node !== undefined && node.children.length === 0) node.text += s;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    stack.pop();
  });

  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      'INVENTORY_BAD_XML',
      `XML de l’inventaire illisible (ligne ${parser.line}) : ${saxesMessageFr(err instanceof Error ? err.message : String(err))}.`,
      400,
    );
  }
  if (state.root === null) throw new AppError('INVENTORY_BAD_XML', 'XML de l’inventaire mal formé : aucun élément racine.', 400);
  return state.root;
}

/** Children grouped by lower-cased name, in document order. */
function groupChildren(node: XmlNode): Map<string, XmlNode[]> {
  const groups = new Map<string, XmlNode[]>();
  for (const child of node.children) {
    const key = child.name.toLowerCase();
    if (key === '__proto__') continue;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [child]);
    else list.push(child);
  }
  return groups;
}

function childText(node: XmlNode, name: string): string | null {
  const child = node.children.find((c) => c.name.toUpperCase() === name);
  return child === undefined ? null : child.text.trim();
}

// ————————————————————————————————————————————————— schema

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  pattern?: string;
  $ref?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

type Kind =
  | { t: 'string'; pattern: RegExp | null }
  | { t: 'integer' }
  | { t: 'number' }
  | { t: 'boolean' }
  | { t: 'date' }
  | { t: 'datetime' }
  | { t: 'dateordatetime' }
  | { t: 'array'; items: Kind }
  | { t: 'object'; props: Readonly<Record<string, JsonSchema>>; required: readonly string[] }
  | { t: 'string-or-array' }
  | { t: 'any' };

type ObjectKind = Extract<Kind, { t: 'object' }>;

let schemaCache: JsonSchema | null = null;

/** The official GLPI inventory JSON schema (draft-07), read once. */
export function loadInventorySchema(): Readonly<Record<string, unknown>> {
  return rootSchema() as Record<string, unknown>;
}

function rootSchema(): JsonSchema {
  schemaCache ??= JSON.parse(readFileSync(new URL('../glpi-format/inventory.schema.json', import.meta.url), 'utf8')) as JsonSchema;
  return schemaCache;
}

function resolveRef(ref: string): JsonSchema {
  let node: unknown = rootSchema();
  for (const part of ref.replace(/^#\//, '').split('/')) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return node !== null && typeof node === 'object' ? (node as JsonSchema) : {};
}

const kinds = new WeakMap<JsonSchema, Kind>();

function kindOf(s: JsonSchema): Kind {
  let k = kinds.get(s);
  if (k === undefined) {
    k = computeKind(s);
    kinds.set(s, k);
  }
  return k;
}

function computeKind(s: JsonSchema): Kind {
  if (s.$ref !== undefined) {
    const def = /^#\/definitions\/(date|datetime|dateordatetime)$/.exec(s.$ref)?.[1];
    if (def === 'date' || def === 'datetime' || def === 'dateordatetime') return { t: def };
    return kindOf(resolveRef(s.$ref));
  }
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives !== undefined) {
    if (alternatives.some((a) => a.type === 'array')) return { t: 'string-or-array' };
    if (alternatives.every((a) => a.type === 'string')) return { t: 'string', pattern: null };
    return { t: 'any' };
  }
  switch (s.type) {
    case 'string':
      return { t: 'string', pattern: s.pattern === undefined ? null : new RegExp(s.pattern, 'u') };
    case 'integer':
      return { t: 'integer' };
    case 'number':
      return { t: 'number' };
    case 'boolean':
      return { t: 'boolean' };
    case 'array':
      return { t: 'array', items: s.items === undefined ? { t: 'any' } : kindOf(s.items) };
    case 'object':
      return { t: 'object', props: s.properties ?? {}, required: s.required ?? [] };
  }
  if (s.type === undefined && s.properties !== undefined) return { t: 'object', props: s.properties, required: s.required ?? [] };
  return { t: 'any' };
}

function contentKind(): ObjectKind {
  const content = rootSchema().properties?.content;
  const k = content === undefined ? undefined : kindOf(content);
  if (k?.t !== 'object') throw new Error('inventory.schema.json: properties.content is not an object schema');
  return k;
}

// ————————————————————————————————————————————————— the converter's rules
// Paths: the content key ("networks"), then the field ("networks.mac"), nested objects appended
// ("operatingsystem.timezone.offset"). Array entries share their array's path.

/** Content-level sections renamed (old → new, when new is absent). */
const SECTION_RENAMES: ReadonlyArray<readonly [string, string]> = [
  ['firewall', 'firewalls'],
  ['user', 'users'],
];

/** Content-level sections that no longer exist (ACCOUNTINFO becomes the top-level tag). */
const SECTION_DROPS = ['registry', 'userslist', 'mib_applications', 'mib_components', 'jvms', 'accountinfo'];

/** Field renames per section, in order: the first old name present wins when the new one is absent. */
const FIELD_RENAMES: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  networks: [['macaddr', 'mac']],
  local_groups: [['member', 'members']],
  storages: [['serialnumber', 'serial']],
  softwares: [['installdate', 'install_date']],
  antivirus: [
    ['datfilecreation', 'base_creation'],
    ['datfileversion', 'base_version'],
    ['engineversion64', 'base_version'],
    ['engineversion32', 'base_version'],
  ],
  simcards: [['line_number', 'phone_number']],
};

/** Obsolete fields dropped per section. */
const FIELD_DROPS: Readonly<Record<string, readonly string[]>> = {
  hardware: ['archname', 'osname', 'checksum', 'etime', 'ipaddr', 'osversion', 'oscomments', 'processorn', 'processors', 'processort', 'userid', 'lastdate', 'userdomain'],
  operatingsystem: ['boot_date'],
  bios: ['type'],
  network_device: ['comments', 'id'],
  licenseinfos: ['oem'],
  drives: ['numfiles'],
  inputs: ['pointtype'],
  networks: ['typemib'],
  softwares: ['filename', 'source', 'language', 'is64bit', 'releasetype'],
  controllers: ['description', 'version'],
  slots: ['shared'],
  physical_volumes: ['pv_name'],
  videos: ['pciid'],
  cpus: ['type'],
  sensors: ['power'],
  batteries: ['temperature', 'level', 'health', 'status'],
  simcards: ['serial', 'subscriber_id'],
  network_components: ['ip', 'mac'],
  virtualmachines: ['vmid'],
};

/** Lower-cased values mapped before a pattern is checked. */
const ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'networks.type': { local: 'loopback' },
  'slots.status': { 'in use': 'used', available: 'free' },
  'virtualmachines.status': { pause: 'paused', stopped: 'off' },
  'cpus.arch': { amd64: 'x86_64', x64: 'x86_64', x86: 'i686' },
};

const TIMEZONE_OFFSET = (v: string): string => {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(v);
  return m === null ? v : `${m[1]}${m[2]}${m[3] ?? '00'}`;
};

/** String fixes applied before the pattern check. */
const STRING_FIXES: Readonly<Record<string, (v: string) => string>> = {
  'storages.interface': (v) => (v.toLowerCase() === 'serial-ata' ? 'SATA' : v),
  'virtualmachines.vmtype': (v) => {
    const l = v.toLowerCase();
    if (l === 'hyper-v') return 'hyperv';
    if (l === 'solaris zones' || l === 'solaris zone') return 'solariszone';
    return l;
  },
  'operatingsystem.timezone.offset': TIMEZONE_OFFSET,
  'virtualmachines.operatingsystem.timezone.offset': TIMEZONE_OFFSET,
};

/** "42.5 Wh" → 42500 (mWh), "42500 mWh" → 42500, "42500" → 42500. */
function batteryPower(v: string): number | undefined {
  let m = /^(\d+(?:\.\d+)?) ?Wh$/i.exec(v);
  if (m?.[1] !== undefined) return Math.round(Number(m[1]) * 1000);
  m = /^(\d+)(?:\.0+)? ?(?:mWh)?$/i.exec(v);
  return m?.[1] === undefined ? undefined : safeInteger(Number(m[1]));
}

/** "11.1 V" → 11100 (mV), "11100 mV" → 11100, "11100" → 11100. */
function batteryVoltage(v: string): number | undefined {
  let m = /^(\d+(?:\.\d+)?) ?V$/i.exec(v);
  if (m?.[1] !== undefined) return Math.round(Number(m[1]) * 1000);
  m = /^(\d+) ?(?:mV)?$/i.exec(v);
  return m?.[1] === undefined ? undefined : safeInteger(Number(m[1]));
}

/** Fields whose value needs more than a type cast. */
const VALUE_CONVERTERS: Readonly<Record<string, (v: string) => unknown>> = {
  'batteries.capacity': batteryPower,
  'batteries.real_capacity': batteryPower,
  'batteries.voltage': batteryVoltage,
};

/** Values for required fields the old agents may omit; other entries missing a required field are dropped. */
const DEFAULTS: Readonly<Record<string, (o: Record<string, unknown>) => unknown>> = {
  'envs.val': () => '',
  'ports.type': () => 'None',
  'operatingsystem.timezone.name': (o) => o.offset,
  'virtualmachines.operatingsystem.timezone.name': (o) => o.offset,
};

/** Whole-entry fixes, after the fields are converted. */
const FIXUPS: Readonly<Record<string, (o: Record<string, unknown>) => void>> = {
  // An old "vendor:product" PCI id becomes vendorid / productid.
  controllers: (o) => {
    if (typeof o.pciid !== 'string') return;
    const [vendor, product] = o.pciid.split(':');
    if (o.vendorid === undefined && vendor) o.vendorid = vendor;
    if (o.productid === undefined && product) o.productid = product;
    delete o.pciid;
  },
};

/** A rule for `path`, own properties only. */
function rule<T>(table: Readonly<Record<string, T>>, path: string): T | undefined {
  return Object.hasOwn(table, path) ? table[path] : undefined;
}

// ————————————————————————————————————————————————— values

function safeInteger(n: number): number | undefined {
  return Number.isSafeInteger(n) ? n : undefined;
}

function parseInteger(v: string): number | undefined {
  if (!/^[+-]?\d+(?:\.\d+)?$/.test(v)) return undefined;
  return safeInteger(Math.trunc(Number(v)));
}

function parseNumber(v: string): number | undefined {
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function parseBoolean(v: string): boolean | undefined {
  const l = v.toLowerCase();
  if (l === '1' || l === 'true' || l === 'yes' || l === 'y' || l === 'on') return true;
  if (l === '0' || l === 'false' || l === 'no' || l === 'n' || l === 'off') return false;
  return undefined;
}

interface DateParts {
  y: number;
  m: number;
  d: number;
  time: [number, number, number] | null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function dateParts(y: number, m: number, d: number, hh?: string, mm?: string, ss?: string): DateParts | null {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return null;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > daysInMonth) return null;
  if (hh === undefined || mm === undefined) return { y, m, d, time: null };
  const time: [number, number, number] = [Number(hh), Number(mm), Number(ss ?? '0')];
  if (time[0] > 23 || time[1] > 59 || time[2] > 59) return null;
  return { y, m, d, time };
}

/**
 * The date formats the agents send (the converter's list): ISO with or without time, seconds or
 * zone; "d/m/Y" and "m/d/Y" (told apart when a number exceeds 12, else by `slashOrder`: SMBIOS
 * dates are m/d/Y, Windows ones d/m/Y); "d.m.Y"; "Ymd"; "Thu Mar 14 15:05:41 2013".
 */
function parseDate(v: string, slashOrder: 'dmy' | 'mdy'): DateParts | null {
  let r = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?)?$/i.exec(v);
  if (r) return dateParts(Number(r[1]), Number(r[2]), Number(r[3]), r[4], r[5], r[6]);
  r = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?: (\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$/.exec(v);
  if (r) return dateParts(Number(r[1]), Number(r[2]), Number(r[3]), r[4], r[5], r[6]);
  r = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$/.exec(v);
  if (r) {
    const a = Number(r[1]);
    const b = Number(r[2]);
    const dayFirst = a > 12 ? true : b > 12 ? false : slashOrder === 'dmy';
    return dateParts(Number(r[3]), dayFirst ? b : a, dayFirst ? a : b, r[4], r[5], r[6]);
  }
  r = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v);
  if (r) return dateParts(Number(r[3]), Number(r[2]), Number(r[1]));
  r = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (r) return dateParts(Number(r[1]), Number(r[2]), Number(r[3]));
  r = /^[a-z]{3},? +([a-z]{3}) +(\d{1,2}) +(\d{1,2}):(\d{2}):(\d{2}) +(\d{4})$/i.exec(v);
  if (r) {
    const month = MONTHS.indexOf((r[1] ?? '').toLowerCase()) + 1;
    return month === 0 ? null : dateParts(Number(r[6]), month, Number(r[2]), r[3], r[4], r[5]);
  }
  return null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function formatDate(p: DateParts | null, target: 'date' | 'datetime' | 'dateordatetime'): string | undefined {
  if (p === null) return undefined;
  const date = `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
  // Like the converter, a "date or date-time" keeps the date only.
  if (target !== 'datetime') return date;
  const [hh, mm, ss] = p.time ?? [0, 0, 0];
  return `${date} ${pad(hh)}:${pad(mm)}:${pad(ss)}`;
}

function matchPattern(v: string, pattern: RegExp, aliases: Readonly<Record<string, string>> | undefined): string | undefined {
  if (pattern.test(v)) return v;
  const lower = v.toLowerCase();
  const candidates = [aliases !== undefined && Object.hasOwn(aliases, lower) ? aliases[lower] : undefined, lower, lower.charAt(0).toUpperCase() + lower.slice(1), v.toUpperCase()];
  return candidates.find((c): c is string => c !== undefined && pattern.test(c));
}

function convertScalar(text: string, kind: Kind, path: string): unknown {
  const special = rule(VALUE_CONVERTERS, path);
  if (special !== undefined) return special(text);
  switch (kind.t) {
    case 'string': {
      const v = rule(STRING_FIXES, path)?.(text) ?? text;
      return kind.pattern === null ? v : matchPattern(v, kind.pattern, rule(ALIASES, path));
    }
    case 'integer':
      return parseInteger(text);
    case 'number':
      return parseNumber(text);
    case 'boolean':
      return parseBoolean(text);
    case 'date':
    case 'datetime':
    case 'dateordatetime':
      return formatDate(parseDate(text, path === 'bios.bdate' ? 'mdy' : 'dmy'), kind.t);
    default:
      return text;
  }
}

// ————————————————————————————————————————————————— conversion

/** An element the schema does not know: a string, or an object (arrays for repeated children). */
function convertGeneric(node: XmlNode): unknown {
  if (node.children.length === 0) {
    const text = node.text.trim();
    return text === '' ? undefined : text;
  }
  const out: Record<string, unknown> = {};
  for (const [key, nodes] of groupChildren(node)) {
    const v = convertUnknown(nodes);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function convertUnknown(nodes: readonly XmlNode[]): unknown {
  if (nodes.length === 1 && nodes[0] !== undefined) return convertGeneric(nodes[0]);
  const values = nodes.map(convertGeneric).filter((v) => v !== undefined);
  return values.length === 0 ? undefined : values;
}

function isScalarKind(k: Kind): boolean {
  return k.t !== 'object' && k.t !== 'array' && k.t !== 'any' && k.t !== 'string-or-array';
}

function convertOne(node: XmlNode, kind: Kind, path: string): unknown {
  switch (kind.t) {
    case 'object':
      return convertObject(node, kind, path);
    case 'array':
    case 'string-or-array':
      return convertNodes([node], kind, path);
    case 'any':
      return convertGeneric(node);
    default: {
      if (node.children.length > 0) return undefined;
      const text = node.text.trim();
      return text === '' ? undefined : convertScalar(text, kind, path);
    }
  }
}

function convertNodes(nodes: readonly XmlNode[], kind: Kind, path: string): unknown {
  if (kind.t === 'array') {
    const out: unknown[] = [];
    for (const node of nodes) {
      // <IPS><IP>…</IP><IP>…</IP></IPS>: a wrapper around the values of a scalar array.
      const members = isScalarKind(kind.items) && node.children.length > 0 ? node.children : [node];
      for (const member of members) {
        const v = convertOne(member, kind.items, path);
        if (v !== undefined) out.push(v);
      }
    }
    return out.length === 0 ? undefined : out;
  }
  if (kind.t === 'string-or-array') {
    const values = nodes.filter((n) => n.children.length === 0).map((n) => n.text.trim()).filter((v) => v !== '');
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  }
  // A single value expected: the first element that converts (an object section sent twice keeps the first).
  for (const node of nodes) {
    const v = convertOne(node, kind, path);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Renames groups in place (keeping their position); an old name is dropped when the new one is present. */
function renameGroups(groups: Map<string, XmlNode[]>, renames: ReadonlyArray<readonly [string, string]> | undefined): Map<string, XmlNode[]> {
  if (renames === undefined || !renames.some(([from]) => groups.has(from))) return groups;
  const target = new Map<string, string>();
  for (const [from, to] of renames) {
    if (groups.has(from) && !groups.has(to) && ![...target.values()].includes(to)) target.set(from, to);
  }
  const out = new Map<string, XmlNode[]>();
  for (const [key, nodes] of groups) {
    if (renames.some(([from]) => from === key)) {
      const to = target.get(key);
      if (to !== undefined) out.set(to, nodes);
    } else {
      out.set(key, nodes);
    }
  }
  return out;
}

function convertObject(node: XmlNode, kind: ObjectKind, path: string): Record<string, unknown> | undefined {
  const groups = renameGroups(groupChildren(node), rule(FIELD_RENAMES, path));
  for (const drop of rule(FIELD_DROPS, path) ?? []) groups.delete(drop);
  const out: Record<string, unknown> = {};
  for (const [key, nodes] of groups) {
    const prop = Object.hasOwn(kind.props, key) ? kind.props[key] : undefined;
    const v = prop === undefined ? convertUnknown(nodes) : convertNodes(nodes, kindOf(prop), `${path}.${key}`);
    if (v !== undefined) out[key] = v;
  }
  rule(FIXUPS, path)?.(out);
  if (Object.keys(out).length === 0) return undefined;
  for (const field of kind.required) {
    if (out[field] !== undefined) continue;
    const fallback = rule(DEFAULTS, `${path}.${field}`)?.(out);
    if (fallback === undefined) return undefined; // would not validate: drop the entry
    out[field] = fallback;
  }
  return out;
}

function convertContent(contentNode: XmlNode): Record<string, unknown> {
  const schema = contentKind();
  const groups = renameGroups(groupChildren(contentNode), SECTION_RENAMES);
  for (const drop of SECTION_DROPS) groups.delete(drop);
  const content: Record<string, unknown> = {};
  for (const [key, nodes] of groups) {
    const prop = Object.hasOwn(schema.props, key) ? schema.props[key] : undefined;
    const v = prop === undefined ? convertUnknown(nodes) : convertNodes(nodes, kindOf(prop), key);
    if (v !== undefined) content[key] = v;
  }
  // Old agents put VERSIONCLIENT under HARDWARE.
  const hardware = content.hardware;
  if (hardware !== null && typeof hardware === 'object' && !Array.isArray(hardware)) {
    const hw = hardware as Record<string, unknown>;
    if (content.versionclient === undefined && typeof hw.versionclient === 'string') content.versionclient = hw.versionclient;
    delete hw.versionclient;
    if (Object.keys(hw).length === 0) delete content.hardware;
  }
  if (typeof content.versionclient !== 'string' || content.versionclient === '') content.versionclient = DEFAULT_VERSIONCLIENT;
  return content;
}

function tagOf(contentNode: XmlNode): string | null {
  for (const info of contentNode.children) {
    if (info.name.toUpperCase() !== 'ACCOUNTINFO') continue;
    if (childText(info, 'KEYNAME')?.toUpperCase() !== 'TAG') continue;
    const value = childText(info, 'KEYVALUE');
    if (value) return value;
  }
  return null;
}

// ————————————————————————————————————————————————— API

/**
 * Parses a FusionInventory `<REQUEST>` (already decompressed and decoded) and converts its CONTENT.
 * Throws AppError INVENTORY_XML_DOCTYPE, INVENTORY_BAD_XML, INVENTORY_XML_TOO_DEEP (400),
 * INVENTORY_TOO_LARGE (413, too many elements), INVENTORY_BAD_REQUEST (400: root, DEVICEID).
 */
export function parseFusionRequest(xml: string, limits?: { maxDepth?: number; maxElements?: number }): FusionRequest {
  const root = parseTree(xml, limits?.maxDepth ?? DEFAULT_XML_MAX_DEPTH, limits?.maxElements ?? DEFAULT_XML_MAX_ELEMENTS);
  const deviceId = childText(root, 'DEVICEID');
  if (!deviceId) {
    throw new AppError('INVENTORY_BAD_REQUEST', 'Requête d’agent invalide : l’identifiant de l’agent (DEVICEID) est absent ou vide.', 400);
  }
  const query = childText(root, 'QUERY')?.toUpperCase() || 'INVENTORY';
  const contentNode = root.children.find((c) => c.name.toUpperCase() === 'CONTENT');
  return {
    deviceId,
    query,
    tag: contentNode === undefined ? null : tagOf(contentNode),
    content: contentNode === undefined ? null : convertContent(contentNode),
  };
}

/** The GLPI native inventory for an INVENTORY request (throws for other queries or without CONTENT). */
export function fusionToGlpiJson(req: FusionRequest): { deviceid: string; action: 'inventory'; content: Record<string, unknown>; tag?: string } {
  if (req.query !== 'INVENTORY') {
    throw new AppError(
      'INVENTORY_UNSUPPORTED_QUERY',
      `Requête FusionInventory « ${req.query.slice(0, 40)} » non prise en charge : seul l’inventaire (INVENTORY) est accepté.`,
      400,
    );
  }
  if (req.content === null) throw new AppError('INVENTORY_BAD_REQUEST', 'Requête d’inventaire sans contenu (CONTENT absent).', 400);
  const content = { ...req.content };
  if (typeof content.versionclient !== 'string' || content.versionclient === '') content.versionclient = DEFAULT_VERSIONCLIENT;
  const out: { deviceid: string; action: 'inventory'; content: Record<string, unknown>; tag?: string } = {
    deviceid: req.deviceId,
    action: 'inventory',
    content,
  };
  if (req.tag !== null && req.tag !== '') out.tag = req.tag;
  return out;
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Escapes text for an XML element, dropping the characters XML 1.0 forbids. */
function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The answer to a PROLOG: come back in `frequencyHours` hours, and send the inventory now. */
export function prologReply(frequencyHours = 24): string {
  const hours = Number.isFinite(frequencyHours) ? Math.min(Math.max(Math.round(frequencyHours), 1), 24 * 365) : 24;
  return `${XML_DECL}<REPLY><PROLOG_FREQ>${hours}</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>\n`;
}

/**
 * The acknowledgement of an inventory. `<REPLY></REPLY>`, not `<REPLY/>`: the FusionInventory
 * agent (XML::TreePP) reads an empty-element tag as no REPLY at all and reports an error.
 */
export function inventoryReply(): string {
  return `${XML_DECL}<REPLY></REPLY>\n`;
}

/** An error for the agent, which logs it. */
export function errorReply(messageFr: string): string {
  return `${XML_DECL}<REPLY><ERROR>${escapeXml(messageFr)}</ERROR></REPLY>\n`;
}
