// French formatting helpers (Intl, locale fr-FR).

const LOCALE = 'fr-FR';
const NBSP = '\u00a0';

const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 0 });
const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'long', year: 'numeric' });
const timeOnly = new Intl.DateTimeFormat(LOCALE, { timeStyle: 'medium' });
const shortTime = new Intl.DateTimeFormat(LOCALE, { timeStyle: 'short' });

const BYTE_UNITS = ['Ko', 'Mo', 'Go', 'To', 'Po'] as const;

/** 13 207 024 435 → "12,3 Go" (binary multiples, French unit names). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${integer.format(bytes)}${NBSP}o`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${decimal.format(value)}${NBSP}${BYTE_UNITS[unit]}`;
}

/** 0.853 → "85 %" */
export function formatPercent(ratio: number): string {
  return percent.format(Number.isFinite(ratio) ? ratio : 0);
}

export function formatInteger(value: number): string {
  return integer.format(value);
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "23/11/2025 14:05" */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? dateTime.format(date) : '—';
}

/** "aujourd'hui à 14:05:12", "hier à 09:30", "20 novembre 2025 à 09:30" */
export function formatMoment(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return '—';
  const days = dayDifference(date, now);
  if (days === 0) return `aujourd’hui à ${timeOnly.format(date)}`;
  if (days === 1) return `hier à ${shortTime.format(date)}`;
  return `${dateOnly.format(date)} à ${shortTime.format(date)}`;
}

/** "depuis 14:05" today, otherwise "depuis le 20/11/2025 14:05" */
export function formatSince(iso: string | null | undefined, now: Date = new Date()): string {
  const date = parse(iso);
  if (!date) return '—';
  if (dayDifference(date, now) === 0) return `depuis ${shortTime.format(date)}`;
  return `depuis le ${dateTime.format(date)}`;
}

function dayDifference(date: Date, now: Date): number {
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((startOf(now) - startOf(date)) / 86_400_000);
}

/** 273 600 → "3 j 4 h" ; 4 320 → "1 h 12 min" ; 20 → "moins d'une minute" */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 60) return 'moins d’une minute';
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600) % 24;
  const days = Math.floor(totalSeconds / 86_400);
  if (days > 0) return hours > 0 ? `${days}${NBSP}j ${hours}${NBSP}h` : `${days}${NBSP}j`;
  if (hours > 0) return minutes > 0 ? `${hours}${NBSP}h ${minutes}${NBSP}min` : `${hours}${NBSP}h`;
  return `${minutes}${NBSP}min`;
}
