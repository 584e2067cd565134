import { AppError } from '../core/errors.ts';
import {
  type AgeingRules,
  DEFAULT_AGEING_RULES,
  type DeviceAlertFact,
  type ItemFacts,
  type ItemKind,
  type ItemSource,
  ITEM_STATUSES,
  type ItemStatus,
  type LampRule,
  type PurchaseInfo,
  type StatusReason,
} from './model.ts';

/**
 * The ageing rules (pure, no I/O): an item's status and the reasons behind it, from its facts,
 * its purchase data, the open alerts of its device and when it was last reported. Dates are
 * whole UTC days (YYYY-MM-DD); messages are French, numbers in French format.
 */

export interface AgeingInput {
  kind: ItemKind;
  facts: ItemFacts;
  purchase: PurchaseInfo;
  deviceAlerts: DeviceAlertFact[];
  /** ISO date-time of the last report about the item. */
  lastSeen: string;
  sources: ItemSource[];
}

export interface Assessment {
  status: ItemStatus;
  /** Worst first; `info` reasons last. */
  reasons: StatusReason[];
  /** Years since the purchase (or the BIOS date), one decimal, rounded down; null when unknown. */
  ageYears: number | null;
  ageEstimated: boolean;
  /** Effective warranty end (YYYY-MM-DD): the one given, else purchase date + warrantyYears; null when unknown. */
  warrantyEnd: string | null;
}

const DAY_MS = 86_400_000;

/** Kinds whose lamp and filter hours are watched. */
const LAMP_KINDS: ReadonlySet<ItemKind> = new Set(['projector', 'whiteboard', 'display']);

/** File systems that are not disks: never "full" in a way that matters. */
const PSEUDO_FILESYSTEMS: ReadonlySet<string> = new Set(['tmpfs', 'devtmpfs', 'squashfs', 'overlay', 'iso9660', 'udf']);

/** Volumes smaller than this (MB) are ignored (boot partitions, recovery, USB keys). */
const MIN_VOLUME_MB = 1024;

// ---------------------------------------------------------------------------------------------
// Statuses

export function statusRank(s: ItemStatus): number {
  return ITEM_STATUSES.indexOf(s);
}

export function worse(a: ItemStatus, b: ItemStatus): ItemStatus {
  return statusRank(b) > statusRank(a) ? b : a;
}

const reasonRank = (r: StatusReason): number => (r.status === 'info' ? -1 : statusRank(r.status));

// ---------------------------------------------------------------------------------------------
// UTC days

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function parseDay(iso: string | null | undefined): Ymd | null {
  if (!iso) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const fmtDay = ({ y, m, d }: Ymd): string => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
const dayNumber = ({ y, m, d }: Ymd): number => Date.UTC(y, m - 1, d) / DAY_MS;

/**
 * YYYY-MM-DD plus some months; the day is kept, or the month's last day when it has fewer
 * (31/01 + 1 month → 28/02 or 29/02; 29/02 + 48 months → 29/02, + 12 months → 28/02).
 */
export function addMonths(iso: string, months: number): string {
  const day = parseDay(iso);
  if (!day) throw new RangeError(`not a date: ${iso}`);
  const index = day.y * 12 + (day.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return fmtDay({ y, m, d: Math.min(day.d, daysInMonth(y, m)) });
}

/** YYYY-MM-DD plus whole years; 29/02 of a leap year lands on 28/02 when the target year is not one. */
export function addYears(iso: string, years: number): string {
  return addMonths(iso, years * 12);
}

/** Days from `from` to `to` (both YYYY-MM-DD), negative when `to` is before. */
export function daysBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  if (!a || !b) throw new RangeError(`not a date: ${a ? to : from}`);
  return dayNumber(b) - dayNumber(a);
}

/** The UTC day of a date, YYYY-MM-DD. */
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * Age in years at `today`: whole anniversaries passed, plus the fraction of the current year,
 * rounded down to one decimal (so 5,0 appears on the fifth anniversary, never the day before).
 */
function ageInYears(since: string, today: string): number {
  if (daysBetween(since, today) <= 0) return 0;
  let years = 0;
  while (addYears(since, years + 1) <= today) years++;
  const last = addYears(since, years);
  const next = addYears(since, years + 1);
  const fraction = daysBetween(last, today) / daysBetween(last, next);
  return Math.floor((years + fraction) * 10 + 1e-9) / 10;
}

// ---------------------------------------------------------------------------------------------
// French formatting

const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
/** 3120 → « 3 120 », 5.2 → « 5,2 ». */
const num = (n: number): string => numberFormat.format(n);
const oneDecimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const hours = (n: number): string => `${num(n)} h`;
/** YYYY-MM-DD → DD/MM/YYYY. */
const frDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const plural = (n: number, one: string, many: string): string => `${num(n)} ${n >= 2 ? many : one}`;
const inDays = (n: number): string => (n === 0 ? 'aujourd’hui' : n === 1 ? 'demain' : `dans ${num(n)} jours`);

// ---------------------------------------------------------------------------------------------
// Lamps

/** The lamp and filter thresholds of a model: the first lamp rule matching "manufacturer model", else the defaults. */
export function lampThresholds(
  rules: AgeingRules,
  manufacturer: string | null,
  model: string | null,
): { warnHours: number; replaceHours: number; filterHours: number } {
  const haystack = `${manufacturer ?? ''} ${model ?? ''}`.trim().toLowerCase();
  const rule = haystack === '' ? undefined : rules.lampRules.find((r) => r.match.trim() !== '' && haystack.includes(r.match.trim().toLowerCase()));
  if (!rule) return { warnHours: rules.lampWarnHours, replaceHours: rules.lampReplaceHours, filterHours: rules.filterCleanHours };
  return { warnHours: rule.warnHours, replaceHours: rule.replaceHours, filterHours: rule.filterHours ?? rules.filterCleanHours };
}

// ---------------------------------------------------------------------------------------------
// Assessment

export function assess(input: AgeingInput, rules: AgeingRules, today: Date): Assessment {
  const reasons: StatusReason[] = [];
  const day = utcDay(today);
  const purchaseDate = parseDay(input.purchase.purchaseDate) ? (input.purchase.purchaseDate as string).slice(0, 10) : null;
  const biosDate = parseDay(input.facts.biosDate) ? (input.facts.biosDate as string).slice(0, 10) : null;

  // Age, and the renewal it calls for
  const since = purchaseDate ?? biosDate;
  const ageEstimated = purchaseDate === null && biosDate !== null;
  let ageYears: number | null = null;
  if (since === null) {
    reasons.push({ code: 'age.unknown', status: 'info', message: 'Date d’achat inconnue : importez le registre des achats.' });
  } else {
    ageYears = ageInYears(since, day);
    const renewal = addYears(since, rules.renewalYears);
    const left = daysBetween(day, renewal);
    const renewalYears = plural(rules.renewalYears, 'an', 'ans');
    const age = `${oneDecimal.format(ageYears)} ${ageYears >= 2 ? 'ans' : 'an'}`;
    if (ageEstimated) {
      reasons.push({
        code: 'age.estimated',
        status: 'info',
        message: `Date d’achat inconnue : âge estimé d’après la date du BIOS (${frDate(since)}) ; importez le registre des achats.`,
      });
    }
    if (left <= 0) {
      reasons.push({
        code: 'age.renew',
        status: 'to_renew',
        message: ageEstimated
          ? `Âge de ${age}, estimé d’après la date du BIOS : renouvellement prévu après ${renewalYears}.`
          : `Acheté il y a ${age} : renouvellement prévu après ${renewalYears}.`,
      });
    } else if (left <= rules.warnDays) {
      reasons.push({
        code: 'age.soon',
        status: 'to_watch',
        message: ageEstimated
          ? `Renouvellement prévu vers le ${frDate(renewal)}, ${inDays(left)} (${renewalYears} d’âge, estimé d’après la date du BIOS).`
          : `Renouvellement prévu le ${frDate(renewal)}, ${inDays(left)} (${renewalYears} après l’achat du ${frDate(since)}).`,
      });
    }
  }

  // Warranty: the end given, else the assumed duration from the purchase date (never from an estimated age)
  const givenEnd = parseDay(input.purchase.warrantyEnd) ? (input.purchase.warrantyEnd as string).slice(0, 10) : null;
  const warrantyEnd = givenEnd ?? (purchaseDate ? addYears(purchaseDate, rules.warrantyYears) : null);
  if (warrantyEnd !== null) {
    const assumed = givenEnd === null ? ` (garantie supposée de ${plural(rules.warrantyYears, 'an', 'ans')})` : '';
    const left = daysBetween(day, warrantyEnd);
    if (left < 0) {
      reasons.push({ code: 'warranty.ended', status: 'out_of_warranty', message: `Garantie terminée le ${frDate(warrantyEnd)}${assumed}.` });
    } else if (left <= rules.warnDays) {
      reasons.push({
        code: 'warranty.ending',
        status: 'to_watch',
        message: left === 0 ? `Garantie jusqu’au ${frDate(warrantyEnd)}${assumed} : dernier jour aujourd’hui.` : `Garantie jusqu’au ${frDate(warrantyEnd)}${assumed}, ${inDays(left)}.`,
      });
    }
  }

  // Lamp and filter
  if (LAMP_KINDS.has(input.kind)) {
    const t = lampThresholds(rules, input.facts.manufacturer, input.facts.model);
    const lamps = input.facts.lampHours.filter((h) => Number.isFinite(h));
    if (lamps.length > 0) {
      const lamp = Math.max(...lamps);
      if (lamp >= t.replaceHours) {
        reasons.push({ code: 'lamp.replace', status: 'failing', message: `Lampe : ${hours(lamp)} (remplacement à ${hours(t.replaceHours)}).` });
      } else if (lamp >= t.warnHours) {
        reasons.push({
          code: 'lamp.warn',
          status: 'to_watch',
          message: `Lampe : ${hours(lamp)}, bientôt en fin de vie (alerte à ${hours(t.warnHours)}, remplacement à ${hours(t.replaceHours)}) : prévoyez-en une.`,
        });
      }
    }
    const filter = input.facts.filterHours;
    if (filter !== null && Number.isFinite(filter) && filter >= t.filterHours) {
      reasons.push({
        code: 'filter.clean',
        status: 'to_watch',
        message: `Filtre : ${hours(filter)} depuis le dernier nettoyage (à nettoyer toutes les ${hours(t.filterHours)}).`,
      });
    }
  }

  // Open alerts of the device (its lamp and filter hours are covered above, with the item's own thresholds)
  for (const alert of input.deviceAlerts) {
    if (/^(lamp|filter)\.hours(\.|$)/.test(alert.type)) continue;
    reasons.push(
      alert.level === 'error'
        ? { code: 'device.error', status: 'failing', message: alert.message }
        : { code: 'device.warning', status: 'to_watch', message: alert.message },
    );
  }

  // Volumes
  for (const v of input.facts.volumes) {
    if (v.freeMb === null || !(v.totalMb > 0) || v.totalMb < MIN_VOLUME_MB) continue;
    if (v.filesystem !== null && PSEUDO_FILESYSTEMS.has(v.filesystem.toLowerCase())) continue;
    const usedMb = Math.min(Math.max(v.totalMb - v.freeMb, 0), v.totalMb);
    // compared as products: no rounding at the thresholds
    const full = usedMb * 100 >= rules.diskFullPercent * v.totalMb;
    const high = usedMb * 100 >= rules.diskWarnPercent * v.totalMb;
    if (!full && !high) continue;
    const percent = Math.floor(((usedMb * 100) / v.totalMb) * 10 + 1e-9) / 10;
    const free = v.freeMb >= 1024 ? `${num(Math.floor((v.freeMb / 1024) * 10) / 10)} Go libres` : `${num(Math.max(v.freeMb, 0))} Mo libres`;
    reasons.push(
      full
        ? { code: 'disk.full', status: 'failing', message: `Disque ${v.mount} rempli à ${num(percent)} % (seuil ${num(rules.diskFullPercent)} %) : ${free}.` }
        : {
            code: 'disk.high',
            status: 'to_watch',
            message: `Disque ${v.mount} rempli à ${num(percent)} % (alerte à ${num(rules.diskWarnPercent)} %, plein à ${num(rules.diskFullPercent)} %) : ${free}.`,
          },
    );
  }

  // An agent that stopped reporting
  if (input.sources.includes('agent')) {
    const seen = Date.parse(input.lastSeen);
    if (Number.isFinite(seen)) {
      const elapsed = today.getTime() - seen;
      if (elapsed >= rules.staleDays * DAY_MS) {
        const days = Math.floor(elapsed / DAY_MS);
        reasons.push({ code: 'stale', status: 'to_watch', message: `Pas d’inventaire reçu depuis ${plural(days, 'jour', 'jours')} (agent arrêté ?).` });
      }
    }
  }

  // Worst first; the sort is stable, so equal reasons keep the order above
  reasons.sort((a, b) => reasonRank(b) - reasonRank(a));
  let status: ItemStatus = 'ok';
  for (const r of reasons) if (r.status !== 'info') status = worse(status, r.status);
  return { status, reasons, ageYears, ageEstimated, warrantyEnd };
}

// ---------------------------------------------------------------------------------------------
// Validation of the rules (settings key `inventory`)

function invalid(message: string): AppError {
  return new AppError('RULES_INVALID', message, 400);
}

const show = (v: unknown): string => {
  if (typeof v === 'string') return `« ${v.length > 40 ? `${v.slice(0, 40)}…` : v} »`;
  if (v === undefined) return 'rien';
  try {
    return JSON.stringify(v)?.slice(0, 40) ?? String(v);
  } catch {
    return String(v);
  }
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type NumberKey = Exclude<keyof AgeingRules, 'lampRules'>;

const NUMBER_FIELDS: Record<NumberKey, { label: string; min: number; max: number; unit: string }> = {
  warrantyYears: { label: 'Durée de garantie supposée', min: 1, max: 20, unit: 'ans' },
  renewalYears: { label: 'Âge de renouvellement', min: 1, max: 20, unit: 'ans' },
  warnDays: { label: 'Préavis avant fin de garantie ou renouvellement', min: 0, max: 730, unit: 'jours' },
  lampWarnHours: { label: 'Heures de lampe avant alerte', min: 1, max: 100_000, unit: 'heures' },
  lampReplaceHours: { label: 'Heures de lampe avant remplacement', min: 1, max: 100_000, unit: 'heures' },
  filterCleanHours: { label: 'Heures entre deux nettoyages du filtre', min: 1, max: 100_000, unit: 'heures' },
  diskWarnPercent: { label: 'Remplissage des disques avant alerte', min: 1, max: 100, unit: '%' },
  diskFullPercent: { label: 'Remplissage des disques considéré comme plein', min: 1, max: 100, unit: '%' },
  staleDays: { label: 'Jours sans inventaire de l’agent avant alerte', min: 1, max: 3650, unit: 'jours' },
};

const RULE_NUMBER_FIELDS = {
  warnHours: 'heures avant alerte',
  replaceHours: 'heures avant remplacement',
  filterHours: 'heures entre deux nettoyages du filtre',
} as const;

const MAX_LAMP_RULES = 100;
const MAX_MATCH = 100;

function integer(value: unknown, label: string, key: string, min: number, max: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${label} (${key}) : un nombre entier de ${num(min)} à ${num(max)} ${unit} est attendu, reçu ${show(value)}.`);
  }
  return value;
}

function lampRule(value: unknown, index: number): LampRule {
  const where = `Règle de lampe n° ${index + 1}`;
  if (!isRecord(value)) throw invalid(`${where} (lampRules) : un objet { match, warnHours, replaceHours, filterHours } est attendu.`);
  for (const key of Object.keys(value)) {
    if (key !== 'match' && !(key in RULE_NUMBER_FIELDS)) throw invalid(`${where} : réglage inconnu ${show(key)} (match, warnHours, replaceHours ou filterHours).`);
  }
  const match = typeof value.match === 'string' ? value.match.trim() : '';
  if (match === '' || match.length > MAX_MATCH || /[\u0000-\u001f\u007f]/.test(match)) {
    throw invalid(`${where} : le modèle visé (match) doit être un texte de 1 à ${MAX_MATCH} caractères, par exemple « EB-X41 », reçu ${show(value.match)}.`);
  }
  const label = `${where} (« ${match} »)`;
  const warnHours = integer(value.warnHours, `${label}, ${RULE_NUMBER_FIELDS.warnHours}`, 'warnHours', 1, 100_000, 'heures');
  const replaceHours = integer(value.replaceHours, `${label}, ${RULE_NUMBER_FIELDS.replaceHours}`, 'replaceHours', 1, 100_000, 'heures');
  if (warnHours > replaceHours) {
    throw invalid(`${label} : l’alerte (${hours(warnHours)}) doit venir avant le remplacement (${hours(replaceHours)}).`);
  }
  const rule: LampRule = { match, warnHours, replaceHours };
  if (value.filterHours !== undefined && value.filterHours !== null) {
    rule.filterHours = integer(value.filterHours, `${label}, ${RULE_NUMBER_FIELDS.filterHours}`, 'filterHours', 1, 100_000, 'heures');
  } else if (value.filterHours === null) rule.filterHours = null;
  return rule;
}

/**
 * The ageing rules from what the settings or the console hold: the given fields over
 * DEFAULT_AGEING_RULES. Throws AppError('RULES_INVALID', French sentence naming the field, 400).
 */
export function validateRules(input: unknown): AgeingRules {
  if (input === undefined || input === null) return { ...DEFAULT_AGEING_RULES, lampRules: [] };
  if (!isRecord(input)) throw invalid('Règles de vieillissement : un objet de réglages est attendu.');
  const out: AgeingRules = { ...DEFAULT_AGEING_RULES, lampRules: [] };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'lampRules') {
      if (!Array.isArray(value)) throw invalid('Règles de lampe par modèle (lampRules) : une liste est attendue.');
      if (value.length > MAX_LAMP_RULES) throw invalid(`Règles de lampe par modèle (lampRules) : ${MAX_LAMP_RULES} au plus, reçu ${num(value.length)}.`);
      out.lampRules = value.map(lampRule);
    } else if (key in NUMBER_FIELDS) {
      const f = NUMBER_FIELDS[key as NumberKey];
      out[key as NumberKey] = integer(value, f.label, key, f.min, f.max, f.unit);
    } else {
      throw invalid(`Règles de vieillissement : réglage inconnu ${show(key)}.`);
    }
  }
  if (out.lampWarnHours > out.lampReplaceHours) {
    throw invalid(
      `Heures de lampe avant alerte (lampWarnHours) : l’alerte (${hours(out.lampWarnHours)}) doit venir avant le remplacement (lampReplaceHours, ${hours(out.lampReplaceHours)}).`,
    );
  }
  if (out.diskWarnPercent >= out.diskFullPercent) {
    throw invalid(
      `Remplissage des disques avant alerte (diskWarnPercent) : ${num(out.diskWarnPercent)} % doit être inférieur au seuil « plein » (diskFullPercent, ${num(out.diskFullPercent)} %).`,
    );
  }
  return out;
}
