/**
 * PJLink (JBMIA) class 1 and class 2: pure encoding and decoding, no I/O.
 * Reference: /work/shared/docs/formats.md §1. Parsers are lenient with the known quirks
 * (`%1CLSS=Class 1`, lower-case bodies, leading NULs, latin1 names) and never throw on what a
 * projector sends; only `encodeCommand` throws, on what *we* would send.
 */
import { createHash } from 'node:crypto';
import type { DeviceErrors, ErrorLevel, PowerState } from '../model.ts';

export const PJLINK_PORT = 4352;
/** A command parameter is at most 128 bytes. */
export const MAX_PARAM_BYTES = 128;

export type PjlinkClass = 1 | 2;
export type ReplyErrorCode = 'ERR1' | 'ERR2' | 'ERR3' | 'ERR4';
export type PjlinkErrorCode =
  | 'TIMEOUT'
  | 'UNREACHABLE'
  | 'AUTH'
  | 'AUTH_REQUIRED'
  | 'PROTOCOL'
  | 'BUSY'
  | 'CLOSED'
  | 'INVALID'
  | ReplyErrorCode;

/** Every PJLink failure: a stable `code` and a French message meant for the user. */
export class PjlinkError extends Error {
  readonly code: PjlinkErrorCode;

  constructor(code: PjlinkErrorCode, message?: string) {
    super(message ?? PJLINK_ERROR_MESSAGES[code]);
    this.name = 'PjlinkError';
    this.code = code;
  }
}

export const PJLINK_ERROR_MESSAGES: Record<PjlinkErrorCode | 'ERRA', string> = {
  ERR1: 'Commande non prise en charge par ce projecteur.',
  ERR2: 'Valeur refusée par le projecteur (paramètre hors limites ou non pris en charge).',
  ERR3: 'Le projecteur ne peut pas le faire maintenant (en préchauffage, en refroidissement ou en veille).',
  ERR4: 'Le projecteur signale une panne.',
  ERRA: 'Mot de passe PJLink refusé par le projecteur.',
  AUTH: 'Mot de passe PJLink refusé par le projecteur.',
  AUTH_REQUIRED: 'Le projecteur exige un mot de passe PJLink, et aucun n’est enregistré pour cet appareil.',
  TIMEOUT: 'Le projecteur ne répond pas à temps.',
  UNREACHABLE: 'Le projecteur est injoignable sur le réseau (éteint, débranché ou veille réseau désactivée ?).',
  PROTOCOL: 'Le projecteur a envoyé une réponse incompréhensible ; la connexion a été coupée.',
  BUSY: 'Trop de commandes en attente pour ce projecteur ; réessayez dans un instant.',
  CLOSED: 'La connexion au projecteur a été fermée.',
  INVALID: 'Commande PJLink invalide.',
};

export type Reply =
  | { cls: PjlinkClass; body: string; value: string }
  | { cls: PjlinkClass; body: string; error: ReplyErrorCode }
  | { erra: true };

export type Greeting = { auth: false } | { auth: true; random: string } | { erra: true };

const BODY_RE = /^[A-Z][A-Z0-9]{3}$/;

/** `%1POWR 1\r`. Throws a PjlinkError 'INVALID' for a bad class, body or parameter. */
export function encodeCommand(cls: PjlinkClass, body: string, param: string): Buffer {
  if (cls !== 1 && cls !== 2) throw new PjlinkError('INVALID', `Classe PJLink invalide : ${String(cls)}.`);
  if (!BODY_RE.test(body)) throw new PjlinkError('INVALID', `Commande PJLink invalide : « ${body} ».`);
  if (/[\r\n\0]/.test(param)) throw new PjlinkError('INVALID', 'Le paramètre ne doit pas contenir de fin de ligne.');
  const p = Buffer.from(param, 'utf8');
  if (p.length > MAX_PARAM_BYTES) {
    throw new PjlinkError('INVALID', `Paramètre trop long (${p.length} octets, ${MAX_PARAM_BYTES} au plus).`);
  }
  return Buffer.concat([Buffer.from(`%${cls}${body} `, 'ascii'), p, Buffer.from('\r', 'ascii')]);
}

/** Lower-case hex MD5(random + password): what is prefixed to the first command of a connection. */
export function digest(random: string, password: string): string {
  return createHash('md5').update(random + password, 'utf8').digest('hex');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A received line: UTF-8 when it is valid UTF-8, else latin1 (older NEC/Epson names). */
export function decodeLine(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

/** Removes NULs and whitespace at both ends (never meaningful in PJLink framing). */
function clean(line: string): string {
  return line.replace(/^[\s\0]+|[\s\0]+$/g, '');
}

/**
 * The greeting a projector sends on connect: `PJLINK 0`, `PJLINK 1 <rnd>`, `PJLINK ERRA`.
 * `PJLINK 2 <token>` (seen in a few vendor notes) is taken as an MD5 challenge too. Without a token
 * an auth greeting is unusable: null, like any garbage.
 */
export function parseGreeting(line: string): Greeting | null {
  const m = /PJLINK[ \t]+(\S+)(?:[ \t]+(\S+))?/i.exec(clean(line));
  if (!m) return null;
  const kind = (m[1] ?? '').toUpperCase();
  if (kind === 'ERRA') return { erra: true };
  if (kind === '0') return { auth: false };
  if ((kind === '1' || kind === '2') && m[2]) return { auth: true, random: m[2] };
  return null;
}

/**
 * A reply line (without its CR): `%1POWR=1`, `%2FILT=ERR1`, `PJLINK ERRA`. Lenient: garbage or
 * NULs before `%`, a lower-case body, a space or nothing instead of `=`. Null for garbage.
 */
export function parseReply(line: string): Reply | null {
  if (typeof line !== 'string') return null;
  const text = clean(line);
  if (/PJLINK[ \t]+ERRA/i.test(text)) return { erra: true };
  const at = text.indexOf('%');
  if (at < 0) return null;
  const m = /^%([12])([A-Za-z][A-Za-z0-9]{3})(?:=| ?)(.*)$/s.exec(text.slice(at));
  if (!m) return null;
  const cls: PjlinkClass = m[1] === '2' ? 2 : 1;
  const body = (m[2] ?? '').toUpperCase();
  const value = clean(m[3] ?? '');
  const upper = value.toUpperCase();
  if (upper === 'ERRA') return { erra: true };
  if (upper === 'ERR1' || upper === 'ERR2' || upper === 'ERR3' || upper === 'ERR4') return { cls, body, error: upper };
  return { cls, body, value };
}

/** French message for an error parameter (ERR1..ERR4, ERRA). */
export function replyErrorMessage(code: ReplyErrorCode | 'ERRA'): string {
  return PJLINK_ERROR_MESSAGES[code];
}

const POWER: Record<string, PowerState> = { '0': 'off', '1': 'on', '2': 'cooling', '3': 'warming' };

export function parsePower(value: string): PowerState | null {
  return POWER[clean(value)] ?? null;
}

const INPUT_TYPES: Record<string, string> = {
  '1': 'RVB',
  '2': 'Vidéo',
  '3': 'HDMI/numérique',
  '4': 'Stockage',
  '5': 'Réseau',
  '6': 'Interne',
};

/** Class 1: type 1-5, number 1-9. Class 2 adds type 6 and numbers A-Z (base 36). Upper case only. */
export function isValidInput(code: string, cls: PjlinkClass = 2): boolean {
  return cls === 1 ? /^[1-5][1-9]$/.test(code) : /^[1-6][1-9A-Z]$/.test(code);
}

/** An INPT reply: the input code (upper-cased), or null. */
export function parseInput(value: string): string | null {
  const code = clean(value).toUpperCase();
  return isValidInput(code, 2) ? code : null;
}

/** "31" → "HDMI/numérique 1", "3A" → "HDMI/numérique 10", "61" → "Interne 1". */
export function describeInput(code: string): string {
  const c = clean(code).toUpperCase();
  const type = INPUT_TYPES[c.charAt(0)];
  if (c.length !== 2 || !type || !isValidInput(c, 2)) return `Entrée ${code}`;
  return `${type} ${Number.parseInt(c.charAt(1), 36)}`;
}

/** AVMT reply: `11` video muted, `21` audio muted, `31` both, `30`/`10`/`20` nothing muted. */
export function parseMute(value: string): { video: boolean; audio: boolean } | null {
  const m = /^([123])([01])$/.exec(clean(value));
  if (!m) return null;
  const on = m[2] === '1';
  if (!on) return { video: false, audio: false };
  return { video: m[1] !== '2', audio: m[1] !== '1' };
}

export const ERROR_CATEGORIES = ['fan', 'lamp', 'temperature', 'cover', 'filter', 'other'] as const;
const LEVELS: Record<string, ErrorLevel> = { '0': 'ok', '1': 'warning', '2': 'error' };

/**
 * ERST `abcdef`: fan, lamp, temperature, cover, filter, other; 0 ok, 1 warning, 2 error. A digit
 * outside 0-2 reads as 'ok' (see `oddErrorDigits` to flag it); null unless exactly 6 characters.
 */
export function parseErrors(value: string): DeviceErrors | null {
  const v = clean(value);
  if (v.length !== 6) return null;
  const out: DeviceErrors = { fan: 'ok', lamp: 'ok', temperature: 'ok', cover: 'ok', filter: 'ok', other: 'ok' };
  ERROR_CATEGORIES.forEach((k, i) => {
    out[k] = LEVELS[v.charAt(i)] ?? 'ok';
  });
  return out;
}

/** The categories whose ERST digit is not 0, 1 or 2 (read as 'ok' by `parseErrors`). */
export function oddErrorDigits(value: string): (keyof DeviceErrors)[] {
  const v = clean(value);
  if (v.length !== 6) return [];
  return ERROR_CATEGORIES.filter((_, i) => !(v.charAt(i) in LEVELS));
}

/** LAMP `1000 1 50 0`: up to 8 `<hours> <on>` pairs; null when no valid pair. */
export function parseLamps(value: string): { hours: number; on: boolean }[] | null {
  const parts = clean(value).split(/\s+/).filter((s) => s !== '');
  const lamps: { hours: number; on: boolean }[] = [];
  for (let i = 0; i + 1 < parts.length && lamps.length < 8; i += 2) {
    const h = parts[i] ?? '';
    const s = parts[i + 1] ?? '';
    if (!/^\d{1,9}$/.test(h) || (s !== '0' && s !== '1')) break;
    lamps.push({ hours: Number(h), on: s === '1' });
  }
  return lamps.length > 0 ? lamps : null;
}

/** CLSS: `1`, `2`, or quirky `Class 1` (Optoma): the last digit. 3 and above read as 2. */
export function parseClass(value: string): PjlinkClass | null {
  const m = /(\d)\D*$/.exec(clean(value));
  if (!m) return null;
  const d = Number(m[1]);
  if (d === 1) return 1;
  return d >= 2 ? 2 : null;
}

/** A space-separated list (INST, RLMP, RFIL). */
export function parseList(value: string): string[] {
  return clean(value)
    .split(/\s+/)
    .filter((s) => s !== '');
}

/** INST: the valid input codes, upper-cased, without duplicates. */
export function parseInputList(value: string): string[] {
  const out: string[] = [];
  for (const item of parseList(value)) {
    const code = item.toUpperCase();
    if (isValidInput(code, 2) && !out.includes(code)) out.push(code);
  }
  return out;
}

/** FILT: filter hours, a non-negative integer; null otherwise. */
export function parseFilter(value: string): number | null {
  const v = clean(value);
  return /^\d{1,9}$/.test(v) ? Number(v) : null;
}

/** `aa:bb:cc:dd:ee:ff` (colons, dashes or nothing between pairs) → lower case with colons, or null. */
export function parseMac(value: string): string | null {
  const v = clean(value).toLowerCase();
  const m = /^([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})$/.exec(v);
  return m ? m.slice(1).join(':') : null;
}
