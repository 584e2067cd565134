/**
 * French public holidays (jours fériés) and the calendar-date arithmetic the other calendar
 * modules share. Pure: dates are "YYYY-MM-DD" strings, computed in UTC so no local time zone or
 * DST can shift them.
 */

export interface PublicHoliday {
  /** YYYY-MM-DD */
  date: string;
  /** French label, e.g. "Lundi de Pâques". */
  label: string;
}

export interface HolidayOptions {
  /** Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle): adds Vendredi saint and the 26 December. */
  alsaceMoselle?: boolean;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date written "YYYY-MM-DD" (2026-02-30 is refused). */
export function isIsoDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** "YYYY-MM-DD" of a UTC midnight timestamp. */
function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function toUtcMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function isoDate(year: number, month: number, day: number): string {
  return fromUtcMs(Date.UTC(year, month - 1, day));
}

/** The date `n` days after (before, if negative) `date`. */
export function addDays(date: string, n: number): string {
  return fromUtcMs(toUtcMs(date) + n * DAY_MS);
}

/** ISO weekday of a date: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(toUtcMs(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Whole days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtcMs(b) - toUtcMs(a)) / DAY_MS);
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  checkYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`Année invalide : ${year} (attendu une année entre 1583 et 9999).`);
  }
}

/** The public holidays of a year, sorted by date. */
export function publicHolidays(year: number, opts: HolidayOptions = {}): PublicHoliday[] {
  const easter = easterSunday(year);
  const list: PublicHoliday[] = [
    { date: isoDate(year, 1, 1), label: 'Jour de l’an' },
    { date: addDays(easter, 1), label: 'Lundi de Pâques' },
    { date: isoDate(year, 5, 1), label: 'Fête du Travail' },
    { date: isoDate(year, 5, 8), label: 'Victoire 1945' },
    { date: addDays(easter, 39), label: 'Ascension' },
    { date: addDays(easter, 50), label: 'Lundi de Pentecôte' },
    { date: isoDate(year, 7, 14), label: 'Fête nationale' },
    { date: isoDate(year, 8, 15), label: 'Assomption' },
    { date: isoDate(year, 11, 1), label: 'Toussaint' },
    { date: isoDate(year, 11, 11), label: 'Armistice 1918' },
    { date: isoDate(year, 12, 25), label: 'Noël' },
  ];
  if (opts.alsaceMoselle) {
    list.push({ date: addDays(easter, -2), label: 'Vendredi saint' });
    list.push({ date: isoDate(year, 12, 26), label: 'Saint-Étienne' });
  }
  // Stable: two holidays on one day (1 May = Ascension happens, e.g. 2008) keep the order above.
  return list.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

/** The public holidays of every year from `first` to `last` (inclusive dates), sorted. */
export function publicHolidaysBetween(first: string, last: string, opts: HolidayOptions = {}): PublicHoliday[] {
  const out: PublicHoliday[] = [];
  for (let y = Number(first.slice(0, 4)); y <= Number(last.slice(0, 4)); y++) {
    for (const h of publicHolidays(y, opts)) if (h.date >= first && h.date <= last) out.push(h);
  }
  return out;
}
