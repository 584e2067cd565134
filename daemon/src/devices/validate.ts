import { isIP, isIPv4 } from 'node:net';
import { AppError } from '../core/errors.ts';
import { DEVICE_KIND_LABELS, DEVICE_KINDS, type DeviceKind } from './model.ts';

/** Pure checks and normalisation of what an administrator types or imports. French messages. */

export class InvalidField extends AppError {
  constructor(message: string) {
    super('DEVICE_INVALID', message, 400);
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/;

export function text(value: unknown, label: string, max: number, required = false): string {
  const s = typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value).trim();
  if (required && s === '') throw new InvalidField(`${label} : à renseigner.`);
  if (s.length > max) throw new InvalidField(`${label} : ${max} caractères au plus.`);
  if (CONTROL.test(s)) throw new InvalidField(`${label} : caractères invisibles (tabulation, retour à la ligne…) non permis.`);
  return s;
}

/** "aa:bb:cc:dd:ee:ff" from the usual spellings (colons, dashes, dots, none); null when empty. */
export function mac(value: unknown): string | null {
  const s = text(value, 'Adresse MAC', 40);
  if (s === '') return null;
  const hex = s.replace(/[:\-.\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hex)) throw new InvalidField(`Adresse MAC « ${s} » non reconnue : 12 chiffres hexadécimaux attendus, par exemple 00:1a:2b:3c:4d:5e.`);
  if (hex === 'ffffffffffff' || hex === '000000000000') throw new InvalidField(`Adresse MAC « ${s} » impossible pour un appareil.`);
  if (Number.parseInt(hex.slice(0, 2), 16) & 1) throw new InvalidField(`Adresse MAC « ${s} » : c’est une adresse de groupe (multicast), pas celle d’un appareil.`);
  return hex.match(/../g)?.join(':') ?? null;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** An IP address or a host name; null when empty. */
export function host(value: unknown): string | null {
  const s = text(value, 'Adresse IP ou nom', 253);
  if (s === '') return null;
  if (isIP(s)) return s;
  if (/^[\d.]+$/.test(s)) throw new InvalidField(`Adresse IP « ${s} » invalide (quatre nombres de 0 à 255, par exemple 10.1.20.31).`);
  if (!HOSTNAME.test(s)) throw new InvalidField(`« ${s} » n’est ni une adresse IP ni un nom d’ordinateur valide (lettres, chiffres, tirets et points).`);
  return s.toLowerCase();
}

/** YYYY-MM-DD from YYYY-MM-DD or DD/MM/YYYY; null when empty. */
export function date(value: unknown, label: string): string | null {
  const s = text(value, label, 20);
  if (s === '') return null;
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (!match) throw new InvalidField(`${label} : « ${s} » n’est pas une date (JJ/MM/AAAA).`);
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d || y < 1980 || y > 2100) {
    throw new InvalidField(`${label} : « ${s} » n’est pas une date valide.`);
  }
  return dt.toISOString().slice(0, 10);
}

const KIND_ALIASES: Record<string, DeviceKind> = {
  pc: 'pc', ordinateur: 'pc', poste: 'pc', portable: 'pc', computer: 'pc',
  projector: 'projector', videoprojecteur: 'projector', projecteur: 'projector', vp: 'projector',
  whiteboard: 'whiteboard', 'tableau interactif': 'whiteboard', tbi: 'whiteboard', tni: 'whiteboard', vpi: 'whiteboard',
  display: 'display', 'ecran interactif': 'display', eni: 'display', ecran: 'display',
  printer: 'printer', imprimante: 'printer', copieur: 'printer',
  server: 'server', serveur: 'server',
  other: 'other', autre: 'other',
};

export function plain(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

export function kind(value: unknown): DeviceKind {
  const s = text(value, 'Type', 40, true);
  const k = (DEVICE_KINDS as readonly string[]).includes(s) ? (s as DeviceKind) : KIND_ALIASES[plain(s)];
  if (!k) throw new InvalidField(`Type « ${s} » inconnu. Types possibles : ${Object.values(DEVICE_KIND_LABELS).join(', ')}.`);
  return k;
}

export function os(value: unknown): 'windows' | 'linux' | null {
  const s = plain(text(value, 'Système', 20));
  if (s === '') return null;
  if (s.startsWith('win')) return 'windows';
  if (s.startsWith('lin') || s === 'debian' || s === 'ubuntu') return 'linux';
  throw new InvalidField(`Système « ${s} » inconnu : Windows ou Linux.`);
}

/** "10.1.20.0/24" (the network's own address); null when empty. */
export function subnet(value: unknown): string | null {
  const s = text(value, 'Réseau de la salle', 40);
  if (s === '') return null;
  const [addr, bitsText] = s.split('/');
  const bits = Number(bitsText);
  if (!addr || !isIPv4(addr) || !Number.isInteger(bits) || bits < 8 || bits > 30) {
    throw new InvalidField(`Réseau « ${s} » non reconnu : adresse et masque attendus, par exemple 10.1.20.0/24.`);
  }
  const n = ipToInt(addr);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return `${intToIp((n & mask) >>> 0)}/${bits}`;
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The directed broadcast of a subnet ("10.1.20.0/24" → "10.1.20.255"). */
export function broadcastOf(cidr: string): string {
  const [addr, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return intToIp(((ipToInt(addr ?? '0.0.0.0') & mask) | (~mask >>> 0)) >>> 0);
}

export function inSubnet(ip: string, cidr: string): boolean {
  if (!isIPv4(ip)) return false;
  const [addr, bitsText] = cidr.split('/');
  const mask = (0xffffffff << (32 - Number(bitsText))) >>> 0;
  return ((ipToInt(ip) & mask) >>> 0) === ((ipToInt(addr ?? '0.0.0.0') & mask) >>> 0);
}

export function port(value: unknown): number {
  const n = value === undefined || value === null || value === '' ? 4352 : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidField(`Port PJLink « ${String(value)} » invalide (1 à 65535, 4352 d’habitude).`);
  return n;
}

/** PJLink passwords: up to 32 printable ASCII characters; null/'' = none. */
export function pjlinkPassword(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,32}$/.test(value)) {
    throw new InvalidField('Mot de passe PJLink : 32 caractères au plus, lettres, chiffres et signes sans accents ni espaces.');
  }
  return value;
}
