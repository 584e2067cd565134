import type { Db } from '../db/index.ts';
import { AppError, errorMessage } from '../core/errors.ts';
import { readSetting, writeSetting } from '../db/settings.ts';
import { addDays, isIsoDate, publicHolidays } from './calendar/holidays.ts';
import { type CalendarView, dueRuns, localDateOf, nextRuns, type PlannedRun, validateRule } from './calendar/plan.ts';
import { parseSchoolCalendar, type SchoolZone } from './calendar/school-calendar.ts';
import type { ClosurePeriod, ScheduleRule } from './model.ts';
import { text } from './validate.ts';

/**
 * Schedules and the school's calendar in SQLite. `due(now)` returns what must run since the
 * last call (persisted), never more than the last 10 minutes: a server down all night does not
 * wake the PCs at 9:00 for the 7:50 rule, and a restart at 7:51 still runs it.
 */

const CATCH_UP_MS = 10 * 60_000;
const LAST_KEY = 'devices.schedules.last';

interface RuleRow {
  id: number;
  label: string;
  action: string;
  rooms: string;
  days: string;
  time: string;
  skip_closures: number;
  enabled: number;
}

const toRule = (r: RuleRow): ScheduleRule => ({
  id: r.id,
  label: r.label,
  action: r.action as ScheduleRule['action'],
  rooms: JSON.parse(r.rooms) as number[],
  days: JSON.parse(r.days) as number[],
  time: r.time,
  skipClosures: r.skip_closures === 1,
  enabled: r.enabled === 1,
});

function check<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof AppError ? err : new AppError('SCHEDULE_INVALID', errorMessage(err), 400);
  }
}

export class Schedules {
  readonly #db: Db;
  readonly #tz: string;
  readonly #alsaceMoselle: boolean;

  constructor(db: Db, opts: { timezone: string; alsaceMoselle: boolean }) {
    this.#db = db;
    this.#tz = opts.timezone;
    this.#alsaceMoselle = opts.alsaceMoselle;
  }

  rules(): ScheduleRule[] {
    return (this.#db.prepare('SELECT * FROM device_schedules ORDER BY time, id').all() as RuleRow[]).map(toRule);
  }

  rule(id: number): ScheduleRule {
    const row = this.#db.prepare('SELECT * FROM device_schedules WHERE id = ?').get(id) as RuleRow | undefined;
    if (!row) throw new AppError('SCHEDULE_NOT_FOUND', 'Cette planification n’existe pas (ou plus).', 404);
    return toRule(row);
  }

  #checkRooms(rule: ScheduleRule): void {
    for (const id of rule.rooms) {
      if (!this.#db.prepare('SELECT 1 FROM rooms WHERE id = ?').get(id)) throw new AppError('ROOM_NOT_FOUND', `Salle n° ${id} inconnue.`, 400);
    }
  }

  create(input: unknown): ScheduleRule {
    const rule = check(() => validateRule({ ...(input as object), id: 0 }));
    this.#checkRooms(rule);
    const id = Number(
      this.#db
        .prepare('INSERT INTO device_schedules (label, action, rooms, days, time, skip_closures, enabled) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(rule.label, rule.action, JSON.stringify(rule.rooms), JSON.stringify(rule.days), rule.time, rule.skipClosures ? 1 : 0, rule.enabled ? 1 : 0).lastInsertRowid,
    );
    return this.rule(id);
  }

  update(id: number, input: unknown): { before: ScheduleRule; after: ScheduleRule } {
    const before = this.rule(id);
    const rule = check(() => validateRule({ ...before, ...(input as object), id }));
    this.#checkRooms(rule);
    this.#db
      .prepare('UPDATE device_schedules SET label = ?, action = ?, rooms = ?, days = ?, time = ?, skip_closures = ?, enabled = ? WHERE id = ?')
      .run(rule.label, rule.action, JSON.stringify(rule.rooms), JSON.stringify(rule.days), rule.time, rule.skipClosures ? 1 : 0, rule.enabled ? 1 : 0, id);
    return { before, after: this.rule(id) };
  }

  delete(id: number): ScheduleRule {
    const rule = this.rule(id);
    this.#db.prepare('DELETE FROM device_schedules WHERE id = ?').run(id);
    return rule;
  }

  /** Rooms deleted: they leave the rules (a rule left with no room would mean "every room"). */
  dropRoom(roomId: number): void {
    for (const r of this.rules()) {
      if (!r.rooms.includes(roomId)) continue;
      const rooms = r.rooms.filter((x) => x !== roomId);
      this.#db.prepare('UPDATE device_schedules SET rooms = ?, enabled = CASE WHEN ? THEN 0 ELSE enabled END WHERE id = ?').run(JSON.stringify(rooms), rooms.length === 0 ? 1 : 0, r.id);
    }
  }

  // ---- calendar

  closures(): ClosurePeriod[] {
    return this.#db.prepare('SELECT id, label, start, end, source FROM closure_periods ORDER BY start, id').all() as ClosurePeriod[];
  }

  addClosure(input: { label?: unknown; start?: unknown; end?: unknown }): ClosurePeriod {
    const label = text(input.label, 'Libellé', 80, true);
    const start = String(input.start ?? '');
    const end = String(input.end ?? '');
    if (!isIsoDate(start) || !isIsoDate(end)) throw new AppError('CLOSURE_INVALID', 'Dates de début et de fin attendues (AAAA-MM-JJ).', 400);
    if (end < start) throw new AppError('CLOSURE_INVALID', 'La fin de la fermeture est avant son début.', 400);
    if (addDays(start, 400) < end) throw new AppError('CLOSURE_INVALID', 'Une fermeture de plus d’un an ? Vérifiez les dates.', 400);
    const id = Number(this.#db.prepare("INSERT INTO closure_periods (label, start, end, source) VALUES (?, ?, ?, 'manual')").run(label, start, end).lastInsertRowid);
    return this.closures().find((c) => c.id === id) as ClosurePeriod;
  }

  deleteClosure(id: number): ClosurePeriod {
    const c = this.closures().find((x) => x.id === id);
    if (!c) throw new AppError('CLOSURE_NOT_FOUND', 'Cette fermeture n’existe pas (ou plus).', 404);
    this.#db.prepare('DELETE FROM closure_periods WHERE id = ?').run(id);
    return c;
  }

  /** The national calendar replaces the periods imported before; manual closures stay. */
  importCalendar(body: string, zone: SchoolZone, now: Date): { imported: number; warnings: string[]; format: string } {
    const parsed = check(() => parseSchoolCalendar(body, zone, { from: addDays(localDateOf(now, this.#tz), -366) }));
    this.#db.transaction(() => {
      this.#db.prepare("DELETE FROM closure_periods WHERE source = 'import'").run();
      const insert = this.#db.prepare("INSERT INTO closure_periods (label, start, end, source) VALUES (?, ?, ?, 'import')");
      for (const p of parsed.periods) insert.run(p.label, p.start, p.end);
    })();
    writeSetting(this.#db, 'devices.calendar.zone', zone);
    return { imported: parsed.periods.length, warnings: parsed.warnings, format: parsed.format };
  }

  zone(): string | null {
    const z = readSetting(this.#db, 'devices.calendar.zone');
    return typeof z === 'string' ? z : null;
  }

  view(): CalendarView {
    const alsaceMoselle = this.#alsaceMoselle;
    return { closures: this.closures(), holidays: (y: number) => publicHolidays(y, { alsaceMoselle }) };
  }

  holidaysAround(now: Date): { date: string; label: string }[] {
    const today = localDateOf(now, this.#tz);
    const y = Number(today.slice(0, 4));
    return [...publicHolidays(y, { alsaceMoselle: this.#alsaceMoselle }), ...publicHolidays(y + 1, { alsaceMoselle: this.#alsaceMoselle })].filter(
      (h) => h.date >= addDays(today, -31) && h.date <= addDays(today, 366),
    );
  }

  next(now: Date, count = 10): PlannedRun[] {
    return nextRuns(this.rules(), now, count, this.view(), this.#tz);
  }

  /** The runs due since the last call (at most the last 10 minutes), and remembers `now`. */
  due(now: Date): PlannedRun[] {
    const stored = readSetting(this.#db, LAST_KEY);
    const last = typeof stored === 'string' ? new Date(stored) : new Date(now.getTime() - 60_000);
    const from = new Date(Math.max(last.getTime(), now.getTime() - CATCH_UP_MS));
    writeSetting(this.#db, LAST_KEY, now.toISOString());
    if (from >= now) return [];
    return dueRuns(this.rules(), from, now, this.view(), this.#tz);
  }
}
