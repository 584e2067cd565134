/**
 * Import of the national school calendar (vacances scolaires) into closure periods. Pure.
 *
 * Source: the ministry's open dataset "fr-en-calendrier-scolaire" (data.education.gouv.fr), in
 * any of its three shapes:
 * - CSV export: ';' separated, a header of field names (description;population;start_date;
 *   end_date;location;zones;annee_scolaire) or of their French labels ("Date de début"...);
 * - JSON export: an array of records, or the API's `{ results: [...] }` (also v1's
 *   `{ records: [{ fields }] }`), fields description, population, start_date, end_date, location,
 *   zones, annee_scolaire;
 * - ICS files (Zone-A.ics, Zone-B.ics, Zone-C.ics, Zone-A-B-C-Corse.ics): all-day VEVENTs,
 *   SUMMARY "Vacances d'Hiver - Zones A/B", LOCATION "Zones A/B". The combined file cuts a
 *   period into pieces by the set of zones on holiday (A alone, then A/B, then A/B/C...); the
 *   pieces of one period are joined again here.
 *
 * Conventions of the dataset (its description: "Le départ en vacances a lieu après la classe des
 * jours indiqués. La reprise des cours s'effectue le matin des jours indiqués."):
 * - dates are Paris midnights, serialised in UTC in the CSV/JSON exports
 *   ("2025-10-17T22:00:00+00:00" is 18 October): they are read as Europe/Paris calendar dates;
 * - the end date is the day classes resume: the last closed day is the day before;
 * - the start date is the day of departure, after that day's classes. It is usually a Saturday
 *   (no lessons in a collège: the Saturday is closed); on a weekday (lessons that day) the first
 *   closed day is the next day. "Pont de l'Ascension" is published from the Thursday (itself a
 *   public holiday), which is closed;
 * - per-académie records repeat the same dates: deduplicated; teachers' records (population
 *   "Enseignants", "prérentrée Enseignants") are left out, pupils' ("-", "Élèves") kept;
 * - "Début des Vacances d'Été" is a one-day marker (start = end) when the next rentrée is not
 *   published yet: closed until 31 August, with a warning.
 */

import { addDays, isIsoDate, isoWeekday } from './holidays.ts';

export type SchoolZone = 'A' | 'B' | 'C';

export interface SchoolPeriod {
  label: string;
  /** First and last closed day, YYYY-MM-DD, inclusive. */
  start: string;
  end: string;
}

export interface SchoolCalendarImport {
  periods: SchoolPeriod[];
  format: 'csv' | 'json' | 'ics';
  /** French notes for the administrator (assumptions made, lines ignored). */
  warnings: string[];
}

export interface SchoolCalendarOptions {
  /** YYYY-MM-DD: drop the periods whose last closed day is before this date. */
  from?: string;
}

/** One record as read from the file; dates are Paris calendar dates, `end` the resumption day. */
interface RawRecord {
  label: string;
  population: string;
  /** Zone letters the record is for; null when the record does not say. */
  zones: Set<SchoolZone> | null;
  start: string;
  end: string;
}

const NOT_EXPECTED = 'Ce fichier n’est pas le calendrier scolaire attendu : ';

function refuse(reason: string): never {
  throw new Error(NOT_EXPECTED + reason);
}

const FR_DATE = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "4 juillet 2026" */
export function frenchDate(date: string): string {
  return FR_DATE.format(new Date(`${date}T00:00:00Z`));
}

export function parseSchoolCalendar(
  text: string,
  zone: SchoolZone | `Zone ${SchoolZone}`,
  opts: SchoolCalendarOptions = {},
): SchoolCalendarImport {
  const letter = zone.replace(/^Zone\s+/i, '').toUpperCase();
  if (letter !== 'A' && letter !== 'B' && letter !== 'C') throw new Error(`Zone inconnue : « ${zone} » (A, B ou C).`);
  if (opts.from !== undefined && !isIsoDate(opts.from)) throw new Error(`Date invalide : « ${opts.from} ».`);
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') refuse('il est vide.');
  const warnings: string[] = [];
  let format: SchoolCalendarImport['format'];
  let records: RawRecord[];
  if (/^BEGIN:VCALENDAR/i.test(body) || /^BEGIN:VEVENT/im.test(body)) {
    format = 'ics';
    records = readIcs(body, warnings);
  } else if (body.startsWith('[') || body.startsWith('{')) {
    format = 'json';
    records = readJson(body, warnings);
  } else {
    format = 'csv';
    records = readCsv(body, warnings);
  }
  const periods = buildPeriods(records, letter, format, warnings);
  if (periods.length === 0) refuse(`aucune période de vacances pour la zone ${letter}.`);
  const kept = opts.from === undefined ? periods : periods.filter((p) => p.end >= (opts.from as string));
  if (kept.length === 0) {
    refuse(`toutes ses périodes pour la zone ${letter} sont terminées avant le ${frenchDate(opts.from as string)}.`);
  }
  return { periods: kept, format, warnings };
}

// ---------------------------------------------------------------------------------------------
// From raw records to closure periods

function buildPeriods(records: RawRecord[], zone: SchoolZone, format: string, warnings: string[]): SchoolPeriod[] {
  const pupils = records.filter((r) => isPupils(r.population) && !/enseignant/i.test(r.label));
  const zoned = pupils.filter((r) => r.zones !== null);
  let forZone: RawRecord[];
  if (format === 'ics' && zoned.length === 0) {
    forZone = pupils;
    if (pupils.length > 0) {
      warnings.push(`Le fichier ne précise pas de zone : vérifiez qu’il s’agit bien de celui de la zone ${zone}.`);
    }
  } else {
    forZone = zoned.filter((r) => r.zones?.has(zone));
  }
  // Deduplicate (one record per académie), then join pieces of one period (same label, touching).
  const unique = new Map<string, RawRecord>();
  for (const r of forZone) unique.set(`${r.label.toLowerCase()}|${r.start}|${r.end}`, r);
  const sorted = [...unique.values()].sort((a, b) => cmp(a.start, b.start) || cmp(a.end, b.end));
  const markers: RawRecord[] = [];
  const spans: RawRecord[] = [];
  for (const r of sorted) {
    if (r.end < r.start) warnings.push(`« ${r.label} » ignoré : la date de fin précède la date de début.`);
    else if (r.end === r.start) markers.push(r);
    else spans.push(r);
  }
  const joined: RawRecord[] = [];
  for (const r of spans) {
    const prev = joined.findLast((p) => p.label.toLowerCase() === r.label.toLowerCase());
    if (prev && r.start <= prev.end) {
      if (r.end > prev.end) prev.end = r.end;
    } else {
      joined.push({ ...r });
    }
  }
  const periods: SchoolPeriod[] = [];
  for (const r of joined) {
    const first = isoWeekday(r.start) >= 6 || /^pont\b/i.test(r.label) ? r.start : addDays(r.start, 1);
    const last = addDays(r.end, -1);
    if (first <= last) periods.push({ label: r.label, start: first, end: last });
  }
  const ignored: string[] = [];
  for (const m of markers) {
    if (!/^debut des vacances d.ete/.test(fold(m.label))) {
      ignored.push(m.label);
      continue;
    }
    const label = m.label.replace(/^début des\s+/i, '').replace(/^v/, 'V');
    const first = isoWeekday(m.start) >= 6 ? m.start : addDays(m.start, 1);
    const last = `${m.start.slice(0, 4)}-08-31`;
    if (periods.some((p) => p.start <= first && p.end >= first) || first > last) continue;
    periods.push({ label, start: first, end: last });
    warnings.push(
      `${label} : le fichier donne le début (${frenchDate(m.start)}) mais pas la date de rentrée ; ` +
        `fermeture retenue jusqu’au ${frenchDate(last)}, à ajuster si besoin.`,
    );
  }
  if (ignored.length > 0) {
    const names = [...new Set(ignored)];
    warnings.push(`Événements d’un jour ignorés (${ignored.length}) : ${names.slice(0, 5).join(', ')}${names.length > 5 ? '…' : ''}.`);
  }
  return periods.sort((a, b) => cmp(a.start, b.start) || cmp(a.end, b.end));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().trim();
}

/** '-', '' and 'Élèves' are pupils' records; 'Enseignants' (and anything else) are not. */
function isPupils(population: string): boolean {
  const p = fold(population);
  return p === '' || p === '-' || p.startsWith('eleve');
}

/**
 * The zone letters named in a text: "Zone A", "Zones A/B/C - Corse", "Zones A B C", "A".
 * Null when the text names none (a Corse or overseas record has a text but no letter: empty set).
 */
function zonesIn(text: string, bareLetter: boolean): Set<SchoolZone> | null {
  const t = text.trim();
  if (t === '') return null;
  const m = /\bzones?\s*:?\s*([abc](?:\s*[/,&\s-]\s*[abc]\b)*)/i.exec(t);
  const letters = m?.[1] ?? (bareLetter && /^[abc]$/i.test(t) ? t : null);
  if (letters === null) return bareLetter ? new Set() : null;
  return new Set(letters.toUpperCase().match(/[ABC]/g) as SchoolZone[]);
}

/** A dataset date as a Paris calendar date: "2025-10-17T22:00:00+00:00" → "2025-10-18". */
const PARIS = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

function parisDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (isIsoDate(v)) return v;
  const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  if (fr) return isIsoDate(`${fr[3]}-${fr[2]}-${fr[1]}`) ? `${fr[3]}-${fr[2]}-${fr[1]}` : null;
  const iso = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(v);
  if (!iso?.[1] || !isIsoDate(iso[1])) return null;
  if (!iso[2]) return iso[1]; // no offset: already a local (Paris) wall time
  const ms = Date.parse(v.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) return null;
  const parts = Object.fromEntries(PARIS.formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']}`;
}

function cleanLabel(label: string): string {
  return label.replace(/\s+/g, ' ').trim();
}

/** Shared by CSV and JSON: one dataset record (fields by their API names) or null if unusable. */
function fromFields(f: Record<string, unknown>, where: string, warnings: string[]): RawRecord | null {
  const label = cleanLabel(String(f['description'] ?? ''));
  const start = parisDate(f['start_date']);
  const end = parisDate(f['end_date']);
  if (label === '' || start === null || end === null) {
    warnings.push(`${where} ignoré${label ? ` (« ${label} »)` : ''} : date ou description illisible.`);
    return null;
  }
  const zones = typeof f['zones'] === 'string' ? zonesIn(f['zones'], true) : null;
  return { label, population: String(f['population'] ?? ''), zones: zones ?? new Set(), start, end };
}

// ---------------------------------------------------------------------------------------------
// JSON

function readJson(body: string, warnings: string[]): RawRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    refuse('JSON illisible.');
  }
  let rows: unknown = data;
  if (!Array.isArray(rows) && rows !== null && typeof rows === 'object') {
    const o = rows as Record<string, unknown>;
    rows = Array.isArray(o['results']) ? o['results'] : Array.isArray(o['records']) ? o['records'] : null;
  }
  if (!Array.isArray(rows)) refuse('le JSON n’est ni un tableau d’enregistrements ni un objet { results: [...] }.');
  if (rows.length === 0) refuse('il ne contient aucun enregistrement.');
  const out: RawRecord[] = [];
  rows.forEach((row: unknown, i) => {
    let f = row !== null && typeof row === 'object' ? (row as Record<string, unknown>) : null;
    // API v1: { records: [{ fields: {...} }] }
    if (f?.['fields'] && typeof f['fields'] === 'object' && !('description' in f)) f = f['fields'] as Record<string, unknown>;
    if (!f || !('description' in f) || !('start_date' in f) || !('end_date' in f)) {
      if (i === 0) refuse('il manque les champs description, start_date et end_date.');
      warnings.push(`Enregistrement ${i + 1} ignoré : champs manquants.`);
      return;
    }
    if (!('zones' in f) && i === 0) refuse('il manque le champ zones.');
    const r = fromFields(f, `Enregistrement ${i + 1}`, warnings);
    if (r) out.push(r);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// CSV

const HEADER_ALIASES: Record<string, string> = {
  description: 'description',
  population: 'population',
  start_date: 'start_date',
  date_de_debut: 'start_date',
  debut: 'start_date',
  end_date: 'end_date',
  date_de_fin: 'end_date',
  fin: 'end_date',
  zones: 'zones',
  zone: 'zones',
  location: 'location',
  academies: 'location',
  academie: 'location',
  annee_scolaire: 'annee_scolaire',
};

/** Splits CSV text into rows (quoted fields may hold the separator, quotes and newlines). */
function csvRows(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text.charAt(i + 1) === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  rows.push(row);
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

function readCsv(body: string, warnings: string[]): RawRecord[] {
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const counts = [';', ',', '\t'].map((s) => [s, firstLine.split(s).length] as const);
  const sep = counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
  const rows = csvRows(body, sep);
  const header = (rows.shift() ?? []).map((h) => HEADER_ALIASES[fold(h).replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')]);
  const missing = ['description', 'start_date', 'end_date', 'zones'].filter((k) => !header.includes(k));
  if (missing.length === 4) refuse('ni iCalendar, ni JSON, ni CSV avec les colonnes Description, Date de début, Date de fin et Zones.');
  if (missing.length > 0) refuse(`colonne${missing.length > 1 ? 's' : ''} absente${missing.length > 1 ? 's' : ''} : ${missing.join(', ')}.`);
  if (rows.length === 0) refuse('il ne contient aucune ligne de données.');
  const out: RawRecord[] = [];
  rows.forEach((cells, i) => {
    const f: Record<string, unknown> = {};
    header.forEach((key, j) => {
      if (key) f[key] = cells[j] ?? '';
    });
    const r = fromFields(f, `Ligne ${i + 2}`, warnings);
    if (r) out.push(r);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// ICS

function unescapeIcs(v: string): string {
  return v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? ' ' : c));
}

/** DTSTART / DTEND value: "20251018" (VALUE=DATE), "20251017T220000Z", "20251018T000000" (local). */
function icsDate(value: string | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (!isIsoDate(date)) return null;
  return m[7] ? parisDate(`${date}T${m[4]}:${m[5]}:${m[6]}Z`) : date;
}

function readIcs(body: string, warnings: string[]): RawRecord[] {
  const lines = body.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const events: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  for (const line of lines) {
    if (/^BEGIN:VEVENT$/i.test(line.trim())) current = new Map();
    else if (/^END:VEVENT$/i.test(line.trim())) {
      if (current) events.push(current);
      current = null;
    } else if (current) {
      const m = /^([A-Za-z-]+)((?:;[^:]*)?):(.*)$/.exec(line.trim());
      if (m?.[1] && !current.has(m[1].toUpperCase())) current.set(m[1].toUpperCase(), m[3] ?? '');
    }
  }
  if (events.length === 0) refuse('le fichier iCalendar ne contient aucun événement.');
  const out: RawRecord[] = [];
  events.forEach((e, i) => {
    const summary = unescapeIcs(e.get('SUMMARY') ?? e.get('DESCRIPTION') ?? '');
    const label = cleanLabel(summary.replace(/\s+-\s+(zones?\b|corse\b).*$/i, ''));
    const start = icsDate(e.get('DTSTART'));
    const end = e.has('DTEND') ? icsDate(e.get('DTEND')) : start;
    if (label === '' || start === null || end === null) {
      warnings.push(`Événement ${i + 1} ignoré${label ? ` (« ${label} »)` : ''} : date ou titre illisible.`);
      return;
    }
    let zones: Set<SchoolZone> | null = null;
    for (const source of [e.get('LOCATION'), summary, e.get('DESCRIPTION')]) {
      zones = zonesIn(unescapeIcs(source ?? ''), false);
      if (zones) break;
    }
    const uid = /-Zone-([A-C](?:-[A-C])*)\b/i.exec(e.get('UID') ?? '');
    if (!zones && uid?.[1]) zones = new Set(uid[1].toUpperCase().split('-') as SchoolZone[]);
    if (!zones && /\bcorse\b/i.test(e.get('LOCATION') ?? summary)) zones = new Set();
    out.push({ label, population: /enseignant/i.test(summary) ? 'Enseignants' : '-', zones, start, end });
  });
  return out;
}
