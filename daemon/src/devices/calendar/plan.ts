/**
 * The schedule planner. Pure: the clock is always passed in.
 *
 * A rule runs at its local wall time ("HH:MM" in the given IANA zone, Europe/Paris by default) on
 * each of its ISO weekdays. Time zones go through Intl.DateTimeFormat (no dependency), DST-aware:
 * - spring forward (a wall time in the skipped hour, e.g. 02:30 on the last Sunday of March): the
 *   run happens at the first instant after the gap (03:00 local);
 * - fall back (a wall time in the repeated hour): the run happens once, at the first occurrence.
 * A run on a public holiday or in a closure period is still returned, flagged `skipped` with the
 * French reason, when the rule has `skipClosures`, so that the caller can journal the skip.
 */

import { SCHEDULE_ACTIONS, type ScheduleAction, type ScheduleRule } from '../model.ts';
import { addDays, daysBetween, isoWeekday, type PublicHoliday } from './holidays.ts';

export interface CalendarClosure {
  label: string;
  /** First and last closed day, YYYY-MM-DD, inclusive. */
  start: string;
  end: string;
  /** "manual" closures read "Fermeture : …", imported (or unspecified) ones "Vacances : …". */
  source?: 'manual' | 'import';
}

export interface CalendarView {
  closures: readonly CalendarClosure[];
  /** The public holidays: a list, or the list of a year (e.g. `(y) => publicHolidays(y)`). */
  holidays: readonly PublicHoliday[] | ((year: number) => readonly PublicHoliday[]);
}

export interface PlannedRun {
  rule: ScheduleRule;
  at: Date;
  /** French reason when the run falls on a closed day and the rule skips closures, else null. */
  skipped: string | null;
}

/** How far `nextRuns` looks, and the longest window `dueRuns` accepts. */
export const MAX_LOOKAHEAD_DAYS = 400;

const MINUTE = 60_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new Error(`Fuseau horaire inconnu : « ${tz} ».`);
    }
    formatters.set(tz, f);
  }
  return f;
}

/** The wall clock of an instant in `tz`, as the UTC timestamp of the same digits. */
function wallClock(ms: number, tz: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p['year'] ?? 0, (p['month'] ?? 1) - 1, p['day'] ?? 1, p['hour'] ?? 0, p['minute'] ?? 0, p['second'] ?? 0);
}

function offsetAt(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClock(whole, tz) - whole;
}

/** The local calendar date of an instant in `tz`: "YYYY-MM-DD". */
export function localDateOf(at: Date, tz = 'Europe/Paris'): string {
  return new Date(wallClock(at.getTime(), tz)).toISOString().slice(0, 10);
}

/** The instant a local wall time happens (DST rules as described at the top of this file). */
function localToMs(date: string, time: string, tz: string): number {
  const [h = 0, m = 0] = time.split(':').map(Number);
  const wall = Date.parse(`${date}T00:00:00Z`) + (h * 60 + m) * MINUTE;
  // The offsets a day before and a day after bracket any transition that could touch this time.
  const guesses = [...new Set([wall - offsetAt(wall - DAY, tz), wall - offsetAt(wall + DAY, tz)])].sort((a, b) => a - b);
  const exact = guesses.find((t) => wallClock(t, tz) === wall);
  if (exact !== undefined) return exact; // the earlier one when the hour repeats
  // In the gap: the first minute whose wall clock is at or past the wanted time.
  let lo = Math.floor((guesses[0] ?? wall) / MINUTE);
  let hi = Math.ceil((guesses[guesses.length - 1] ?? wall) / MINUTE);
  if (wallClock(hi * MINUTE, tz) < wall) return hi * MINUTE;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(mid * MINUTE, tz) >= wall) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE;
}

/** The instant of a local date and "HH:MM" in `tz`. */
export function localTime(date: string, time: string, tz = 'Europe/Paris'): Date {
  return new Date(localToMs(date, time, tz));
}

// ---------------------------------------------------------------------------------------------
// Closed days

function holidaysOf(cal: CalendarView, year: number): readonly PublicHoliday[] {
  return typeof cal.holidays === 'function' ? cal.holidays(year) : cal.holidays;
}

/** Why a day is closed ("Jour férié : Lundi de Pâques", "Vacances : Vacances de la Toussaint"), or null. */
export function closedReason(date: string, cal: CalendarView): string | null {
  const holiday = holidaysOf(cal, Number(date.slice(0, 4))).find((h) => h.date === date);
  if (holiday) return `Jour férié : ${holiday.label}`;
  const closure = cal.closures.find((c) => c.start <= date && date <= c.end);
  if (closure) return `${closure.source === 'manual' ? 'Fermeture' : 'Vacances'} : ${closure.label}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Planning

/** A per-call planner: caches closed days and local times, iterates days (never minutes). */
function planner(rules: readonly ScheduleRule[], cal: CalendarView, tz: string) {
  formatter(tz); // an unknown zone fails here, before any work
  const active = rules.filter((r) => r.enabled);
  const reasons = new Map<string, string | null>();
  const instants = new Map<string, number>();
  return (date: string): PlannedRun[] => {
    const weekday = isoWeekday(date);
    const runs: PlannedRun[] = [];
    for (const rule of active) {
      if (!rule.days.includes(weekday)) continue;
      const key = `${date} ${rule.time}`;
      let ms = instants.get(key);
      if (ms === undefined) {
        ms = localToMs(date, rule.time, tz);
        instants.set(key, ms);
      }
      let skipped: string | null = null;
      if (rule.skipClosures) {
        if (!reasons.has(date)) reasons.set(date, closedReason(date, cal));
        skipped = reasons.get(date) ?? null;
      }
      runs.push({ rule, at: new Date(ms), skipped });
    }
    return runs;
  };
}

function byTimeThenId(a: PlannedRun, b: PlannedRun): number {
  return a.at.getTime() - b.at.getTime() || a.rule.id - b.rule.id;
}

/** Every run of the enabled rules with from < at <= to, by time then rule id. */
export function dueRuns(
  rules: readonly ScheduleRule[],
  from: Date,
  to: Date,
  cal: CalendarView,
  tz = 'Europe/Paris',
): PlannedRun[] {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new Error('Dates de planification invalides.');
  if (toMs <= fromMs) return [];
  const first = localDateOf(from, tz);
  const last = localDateOf(to, tz);
  if (daysBetween(first, last) > MAX_LOOKAHEAD_DAYS) {
    throw new Error(`Fenêtre de planification trop longue (plus de ${MAX_LOOKAHEAD_DAYS} jours).`);
  }
  const runsOn = planner(rules, cal, tz);
  const out: PlannedRun[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) {
    for (const run of runsOn(date)) {
      const t = run.at.getTime();
      if (t > fromMs && t <= toMs) out.push(run);
    }
  }
  return out.sort(byTimeThenId);
}

/** The next `count` runs after `from` (skipped ones included, flagged), within 400 days. */
export function nextRuns(
  rules: readonly ScheduleRule[],
  from: Date,
  count: number,
  cal: CalendarView,
  tz = 'Europe/Paris',
): PlannedRun[] {
  const fromMs = from.getTime();
  if (Number.isNaN(fromMs)) throw new Error('Date de planification invalide.');
  if (!(count > 0) || !rules.some((r) => r.enabled)) return [];
  const runsOn = planner(rules, cal, tz);
  const first = localDateOf(from, tz);
  const out: PlannedRun[] = [];
  // Runs of one local day all come before those of the next: stop after the day that fills `count`.
  for (let i = 0; i <= MAX_LOOKAHEAD_DAYS && out.length < count; i++) {
    for (const run of runsOn(addDays(first, i))) if (run.at.getTime() > fromMs) out.push(run);
  }
  return out.sort(byTimeThenId).slice(0, count);
}

// ---------------------------------------------------------------------------------------------
// Rules

export const MAX_LABEL_LENGTH = 80;

/** French names of the actions, for the console and the journal. */
export const SCHEDULE_ACTION_LABELS: Record<ScheduleAction, string> = {
  'wake-pcs': 'Allumer les PC',
  'shutdown-pcs': 'Éteindre les PC',
  'projectors-off': 'Éteindre les vidéoprojecteurs',
  'projectors-on': 'Allumer les vidéoprojecteurs',
};

function isIdList(v: unknown, min: number, max: number): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= min && x <= max);
}

/** Checks a rule from the API (French messages) and returns a normalised copy. */
export function validateRule(input: unknown): ScheduleRule {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new Error('Règle invalide : un objet est attendu.');
  }
  const o = input as Record<string, unknown>;
  const id = o['id'] ?? 0;
  if (!Number.isInteger(id) || (id as number) < 0) throw new Error('Identifiant de règle invalide.');
  if (typeof o['label'] !== 'string' || o['label'].trim() === '') throw new Error('Le libellé est obligatoire.');
  const label = o['label'].trim().replace(/\s+/g, ' ');
  if ([...label].length > MAX_LABEL_LENGTH) {
    throw new Error(`Libellé trop long : ${[...label].length} caractères (${MAX_LABEL_LENGTH} au plus).`);
  }
  const action = o['action'];
  if (typeof action !== 'string' || !(SCHEDULE_ACTIONS as readonly string[]).includes(action)) {
    throw new Error(`Action inconnue : « ${String(action)} » (attendu : ${SCHEDULE_ACTIONS.join(', ')}).`);
  }
  const timeMatch = typeof o['time'] === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(o['time'].trim()) : null;
  const hours = Number(timeMatch?.[1]);
  const minutes = Number(timeMatch?.[2]);
  if (!timeMatch || hours > 23 || minutes > 59) {
    throw new Error(`Heure invalide : « ${String(o['time'] ?? '')} » (attendu HH:MM, de 00:00 à 23:59).`);
  }
  const time = `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  const days = o['days'];
  if (!Array.isArray(days) || days.length === 0) throw new Error('Choisissez au moins un jour.');
  const badDay = days.find((d) => !Number.isInteger(d) || d < 1 || d > 7);
  if (badDay !== undefined) throw new Error(`Jour invalide : « ${String(badDay)} » (1 = lundi … 7 = dimanche).`);
  const rooms = o['rooms'] ?? [];
  if (!isIdList(rooms, 1, Number.MAX_SAFE_INTEGER)) throw new Error('Salles invalides : une liste d’identifiants est attendue.');
  for (const key of ['skipClosures', 'enabled'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new Error(`Valeur invalide pour « ${key} » : oui ou non attendu.`);
  }
  return {
    id: id as number,
    label,
    action: action as ScheduleAction,
    rooms: [...new Set(rooms)].sort((a, b) => a - b),
    days: [...new Set(days as number[])].sort((a, b) => a - b),
    time,
    skipClosures: o['skipClosures'] !== false,
    enabled: o['enabled'] !== false,
  };
}

/**
 * The rules a collège usually wants, all disabled until the administrator turns them on (waking
 * or shutting down machines unasked on install day would surprise). Every room, closures skipped.
 * Wednesday: no afternoon lessons in most collèges, so projectors and PCs go off at 12:45; the
 * 18:00/18:15 evening rules still run on Wednesday as a safety net (clubs, meetings).
 */
export function defaultRules(): ScheduleRule[] {
  const rule = (label: string, action: ScheduleAction, time: string, days: number[]): ScheduleRule => ({
    id: 0,
    label,
    action,
    rooms: [],
    days,
    time,
    skipClosures: true,
    enabled: false,
  });
  const monToFri = [1, 2, 3, 4, 5];
  const withoutWednesday = [1, 2, 4, 5];
  return [
    rule('Réveil des PC avant la première heure', 'wake-pcs', '07:50', monToFri),
    rule('Extinction des vidéoprojecteurs à la pause de midi', 'projectors-off', '12:30', withoutWednesday),
    rule('Mercredi midi : extinction des vidéoprojecteurs', 'projectors-off', '12:45', [3]),
    rule('Mercredi midi : extinction des PC', 'shutdown-pcs', '12:45', [3]),
    rule('Extinction des vidéoprojecteurs en fin de journée', 'projectors-off', '18:00', monToFri),
    rule('Extinction des PC en fin de journée', 'shutdown-pcs', '18:15', monToFri),
  ];
}
