import t from 'tap';
import { easterSunday, publicHolidays } from '../../daemon/src/devices/calendar/holidays.ts';
import {
  type CalendarView,
  closedReason,
  defaultRules,
  dueRuns,
  nextRuns,
  validateRule,
} from '../../daemon/src/devices/calendar/plan.ts';
import { parseSchoolCalendar } from '../../daemon/src/devices/calendar/school-calendar.ts';
import type { ScheduleRule } from '../../daemon/src/devices/model.ts';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error thrown';
}

// ---------------------------------------------------------------------------------------------
// Public holidays

t.test('Easter by the Gregorian algorithm', async (t) => {
  const known: Record<number, string> = {
    2024: '2024-03-31',
    2025: '2025-04-20',
    2026: '2026-04-05',
    2027: '2027-03-28',
    2030: '2030-04-21',
  };
  for (const [year, date] of Object.entries(known)) t.equal(easterSunday(Number(year)), date, `Easter ${year}`);
  t.match(errorOf(() => easterSunday(1200)), /^Année invalide/);
});

t.test('the eleven public holidays of 2026, sorted, with French labels', async (t) => {
  t.same(publicHolidays(2026), [
    { date: '2026-01-01', label: 'Jour de l’an' },
    { date: '2026-04-06', label: 'Lundi de Pâques' },
    { date: '2026-05-01', label: 'Fête du Travail' },
    { date: '2026-05-08', label: 'Victoire 1945' },
    { date: '2026-05-14', label: 'Ascension' },
    { date: '2026-05-25', label: 'Lundi de Pentecôte' },
    { date: '2026-07-14', label: 'Fête nationale' },
    { date: '2026-08-15', label: 'Assomption' },
    { date: '2026-11-01', label: 'Toussaint' },
    { date: '2026-11-11', label: 'Armistice 1918' },
    { date: '2026-12-25', label: 'Noël' },
  ]);
  const y2024 = publicHolidays(2024);
  t.equal(y2024.find((h) => h.label === 'Lundi de Pâques')?.date, '2024-04-01');
  t.equal(y2024.find((h) => h.label === 'Ascension')?.date, '2024-05-09');
  t.equal(y2024.find((h) => h.label === 'Lundi de Pentecôte')?.date, '2024-05-20');
});

t.test('Alsace-Moselle adds Vendredi saint and the 26 December, still sorted', async (t) => {
  const list = publicHolidays(2026, { alsaceMoselle: true });
  t.equal(list.length, 13);
  t.same(list[1], { date: '2026-04-03', label: 'Vendredi saint' });
  t.same(list[12], { date: '2026-12-26', label: 'Saint-Étienne' });
  t.same(list.map((h) => h.date), [...list.map((h) => h.date)].sort());
  t.notOk(publicHolidays(2026).some((h) => h.date === '2026-04-03'), 'not outside Alsace-Moselle');
});

// ---------------------------------------------------------------------------------------------
// National school calendar. Fixtures in the shapes of the fr-en-calendrier-scolaire exports:
// UTC stamps of Paris midnights (22:00Z in summer time, 23:00Z in winter time), one record per
// académie, pupils' and teachers' records, Corse, the Ascension bridge and the summer marker.

const CSV_ROWS: [string, string, string, string, string, string][] = [
  // description, population, start_date, end_date, location, zones
  ["Vacances d'Été", 'Élèves', '2025-07-04T22:00:00+00:00', '2025-08-31T22:00:00+00:00', 'Lyon', 'Zone A'],
  ['Vacances de la Toussaint', '-', '2025-10-17T22:00:00+00:00', '2025-11-02T23:00:00+00:00', 'Lyon', 'Zone A'],
  ['Vacances de la Toussaint', '-', '2025-10-17T22:00:00+00:00', '2025-11-02T23:00:00+00:00', 'Dijon', 'Zone A'],
  ['Vacances de la Toussaint', '-', '2025-10-17T22:00:00+00:00', '2025-11-02T23:00:00+00:00', 'Rennes', 'Zone B'],
  ['Vacances de la Toussaint', 'Enseignants', '2025-10-16T22:00:00+00:00', '2025-11-03T23:00:00+00:00', 'Lyon', 'Zone A'],
  ['Vacances de Noël', '-', '2025-12-19T23:00:00+00:00', '2026-01-04T23:00:00+00:00', 'Lyon', 'Zone A'],
  ['Vacances de Noël', '-', '2025-12-19T23:00:00+00:00', '2026-01-04T23:00:00+00:00', 'Corse', 'Corse'],
  ["Vacances d'Hiver", '-', '2026-02-06T23:00:00+00:00', '2026-02-22T23:00:00+00:00', 'Lyon', 'Zone A'],
  ["Vacances d'Hiver", '-', '2026-02-06T23:00:00+00:00', '2026-02-22T23:00:00+00:00', 'Grenoble', 'Zone A'],
  ["Vacances d'Hiver", '-', '2026-02-13T23:00:00+00:00', '2026-03-01T23:00:00+00:00', 'Rennes', 'Zone B'],
  ["Vacances d'Hiver", '-', '2026-02-20T23:00:00+00:00', '2026-03-08T23:00:00+00:00', 'Paris', 'Zone C'],
  ['Vacances de Printemps', '-', '2026-04-03T22:00:00+00:00', '2026-04-19T22:00:00+00:00', 'Lyon', 'Zone A'],
  ['Vacances de Printemps', '-', '2026-04-10T22:00:00+00:00', '2026-04-26T22:00:00+00:00', 'Rennes', 'Zone B'],
  ['Vacances de Printemps', '-', '2026-04-17T22:00:00+00:00', '2026-05-03T22:00:00+00:00', 'Paris', 'Zone C'],
  ["Pont de l'Ascension", '-', '2026-05-13T22:00:00+00:00', '2026-05-17T22:00:00+00:00', 'Lyon', 'Zone A'],
  ["Début des Vacances d'Été", 'Élèves', '2026-07-03T22:00:00+00:00', '2026-07-03T22:00:00+00:00', 'Lyon', 'Zone A'],
  ["Début des Vacances d'Été", 'Enseignants', '2026-07-03T22:00:00+00:00', '2026-07-03T22:00:00+00:00', 'Lyon', 'Zone A'],
];
const CSV =
  'description;population;start_date;end_date;location;zones;annee_scolaire\r\n' +
  CSV_ROWS.map((r) => [...r, '2025-2026'].join(';')).join('\r\n') +
  '\r\n';
const JSON_RECORDS = CSV_ROWS.map(([description, population, start_date, end_date, location, zones]) => ({
  description,
  population,
  start_date,
  end_date,
  location,
  zones,
  annee_scolaire: '2025-2026',
}));

const ZONE_A_2025_2026 = [
  { label: "Vacances d'Été", start: '2025-07-05', end: '2025-08-31' },
  { label: 'Vacances de la Toussaint', start: '2025-10-18', end: '2025-11-02' },
  { label: 'Vacances de Noël', start: '2025-12-20', end: '2026-01-04' },
  { label: "Vacances d'Hiver", start: '2026-02-07', end: '2026-02-22' },
  { label: 'Vacances de Printemps', start: '2026-04-04', end: '2026-04-19' },
  { label: "Pont de l'Ascension", start: '2026-05-14', end: '2026-05-17' },
  { label: "Vacances d'Été", start: '2026-07-04', end: '2026-08-31' },
];

t.test('CSV export: deduplicated, zone A only, pupils only, Paris dates, last day = day before resumption', async (t) => {
  const res = parseSchoolCalendar(CSV, 'A');
  t.equal(res.format, 'csv');
  t.same(res.periods, ZONE_A_2025_2026);
  t.equal(res.warnings.length, 1);
  t.match(res.warnings[0], /rentrée.*31 août 2026/);
});

t.test('zones B and C get their own winter and spring holidays; "Zone B" is accepted too', async (t) => {
  const b = parseSchoolCalendar(CSV, 'Zone B').periods;
  t.same(b, [
    { label: 'Vacances de la Toussaint', start: '2025-10-18', end: '2025-11-02' },
    { label: "Vacances d'Hiver", start: '2026-02-14', end: '2026-03-01' },
    { label: 'Vacances de Printemps', start: '2026-04-11', end: '2026-04-26' },
  ]);
  const c = parseSchoolCalendar(CSV, 'C').periods;
  t.same(c, [
    { label: "Vacances d'Hiver", start: '2026-02-21', end: '2026-03-08' },
    { label: 'Vacances de Printemps', start: '2026-04-18', end: '2026-05-03' },
  ]);
});

t.test('the from option drops the periods over before it', async (t) => {
  const res = parseSchoolCalendar(CSV, 'A', { from: '2025-09-01' });
  t.same(res.periods, ZONE_A_2025_2026.slice(1));
  t.equal(parseSchoolCalendar(CSV, 'A', { from: '2025-08-31' }).periods.length, ZONE_A_2025_2026.length, 'last day kept');
  t.match(
    errorOf(() => parseSchoolCalendar(CSV, 'A', { from: '2026-09-01' })),
    /^Ce fichier n’est pas le calendrier scolaire attendu : toutes ses périodes pour la zone A sont terminées/,
  );
});

t.test('CSV with French column labels, quoted fields and a BOM', async (t) => {
  const csv =
    '\uFEFFDescription;Population;Date de début;Date de fin;Académies;Zones;Année scolaire\n' +
    '"Vacances de Noël";-;2025-12-19T23:00:00+00:00;2026-01-04T23:00:00+00:00;"Nancy-Metz";Zone B;2025-2026\n' +
    '"Vacances ""de"" Printemps";-;2026-04-11;2026-04-27;Rennes;Zone B;2025-2026\n';
  t.same(parseSchoolCalendar(csv, 'B').periods, [
    { label: 'Vacances de Noël', start: '2025-12-20', end: '2026-01-04' },
    { label: 'Vacances "de" Printemps', start: '2026-04-11', end: '2026-04-26' },
  ]);
});

t.test('JSON export: a bare array and the API { results } envelope give the same periods', async (t) => {
  const arr = parseSchoolCalendar(JSON.stringify(JSON_RECORDS), 'A');
  t.equal(arr.format, 'json');
  t.same(arr.periods, ZONE_A_2025_2026);
  const wrapped = parseSchoolCalendar(JSON.stringify({ total_count: JSON_RECORDS.length, results: JSON_RECORDS }), 'A');
  t.equal(wrapped.format, 'json');
  t.same(wrapped.periods, ZONE_A_2025_2026);
});

t.test('time-zone shifted stamps are read as Paris dates, whatever their offset', async (t) => {
  const rec = (start: string, end: string) => ({ description: 'Vacances de la Toussaint', population: '-', start_date: start, end_date: end, zones: 'Zone A' });
  // 2024-10-18T22:00Z is Saturday 19 October in Paris; 2024-11-03T23:00Z is Monday 4 November.
  for (const [start, end] of [
    ['2024-10-18T22:00:00+00:00', '2024-11-03T23:00:00+00:00'],
    ['2024-10-19T00:00:00+02:00', '2024-11-04T00:00:00+01:00'],
    ['2024-10-18T22:00:00Z', '2024-11-03T23:00:00.000Z'],
    ['2024-10-19', '2024-11-04'],
  ] as const) {
    t.same(parseSchoolCalendar(JSON.stringify([rec(start, end)]), 'A').periods, [{ label: 'Vacances de la Toussaint', start: '2024-10-19', end: '2024-11-03' }], start);
  }
});

t.test('a weekday departure still has lessons that day: the closure starts the next day', async (t) => {
  // Synthetic: a Friday 3 July departure (2026-07-02T22:00Z), resumption on Tuesday 1 September.
  const json = JSON.stringify([
    { description: "Vacances d'Été", population: 'Élèves', start_date: '2026-07-02T22:00:00+00:00', end_date: '2026-08-31T22:00:00+00:00', zones: 'A' },
  ]);
  t.same(parseSchoolCalendar(json, 'A').periods, [{ label: "Vacances d'Été", start: '2026-07-04', end: '2026-08-31' }]);
});

// The combined ICS file (Zone-A-B-C-Corse.ics) cuts a period by the set of zones on holiday.
const ICS_EVENTS: [string, string, string][] = [
  ['20260704', '20260704', 'Début des Vacances d\'Été - Zones A/B/C'],
  ['20260514', '20260518', "Pont de l'Ascension - Zones A/B/C"],
  ['20260302', '20260309', "Vacances d'Hiver - Zone C"],
  ['20260223', '20260302', "Vacances d'Hiver - Zones B/C"],
  ['20260221', '20260223', "Vacances d'Hiver - Zones A/B/C"],
  ['20260214', '20260221', "Vacances d'Hiver - Zones A/B"],
  ['20260207', '20260214', "Vacances d'Hiver - Zone A"],
  ['20251220', '20260105', 'Vacances de Noël - Zones A/B/C'],
  ['20251018', '20251103', 'Vacances de la Toussaint - Zones A/B/C'],
  ['20250829', '20250901', "Vacances d'Été(prérentrée Enseignants) - Zones A/B/C"],
  ['20250609', '20250609', 'Lundi de Pentecôte - Corse'],
  ['20250428', '20250505', 'Vacances de Printemps - Zone A'],
  ['20250422', '20250428', 'Vacances de Printemps - Zones A/C - Corse'],
  ['20250419', '20250422', 'Vacances de Printemps - Zones A/B/C - Corse'],
];
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//opendatasoft//calendrier-scolaire//FR',
  ...ICS_EVENTS.flatMap(([start, end, summary], i) => {
    const zones = summary.slice(summary.indexOf(' - ') + 3);
    return [
      'BEGIN:VEVENT',
      'DTSTAMP:20250114T124531Z',
      `DTSTART;VALUE=DATE:${start}`,
      `DTEND;VALUE=DATE:${end}`,
      // Folded as RFC 5545 allows: the continuation line starts with a space.
      `SUMMARY:${summary.slice(0, 12)}`,
      ` ${summary.slice(12)}`,
      `UID:20250114T1248${String(i).padStart(2, '0')}Z-Zone-A-B-C-Corse@data.education.gouv.fr`,
      `LOCATION:${zones}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    ];
  }),
  'END:VCALENDAR',
].join('\r\n');

t.test('ICS: pieces joined per zone, folded lines, teachers and Corse-only events left out', async (t) => {
  const a = parseSchoolCalendar(ICS, 'A');
  t.equal(a.format, 'ics');
  t.same(a.periods, [
    { label: 'Vacances de Printemps', start: '2025-04-19', end: '2025-05-04' },
    { label: 'Vacances de la Toussaint', start: '2025-10-18', end: '2025-11-02' },
    { label: 'Vacances de Noël', start: '2025-12-20', end: '2026-01-04' },
    { label: "Vacances d'Hiver", start: '2026-02-07', end: '2026-02-22' },
    { label: "Pont de l'Ascension", start: '2026-05-14', end: '2026-05-17' },
    { label: "Vacances d'Été", start: '2026-07-04', end: '2026-08-31' },
  ]);
  t.ok(a.warnings.some((w) => /Lundi de Pentecôte/.test(w)), 'the one-day Corse event is reported as ignored');
  const b = parseSchoolCalendar(ICS, 'B').periods.filter((p) => p.label === "Vacances d'Hiver");
  t.same(b, [{ label: "Vacances d'Hiver", start: '2026-02-14', end: '2026-03-01' }]);
  const c = parseSchoolCalendar(ICS, 'C').periods.filter((p) => p.label === "Vacances d'Hiver");
  t.same(c, [{ label: "Vacances d'Hiver", start: '2026-02-21', end: '2026-03-08' }]);
});

t.test('ICS per zone: zone read from the UID, or a warning when the file does not say', async (t) => {
  const event = (uid: string) =>
    `BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:${uid}\nDTSTART;VALUE=DATE:20251018\nDTEND;VALUE=DATE:20251103\nSUMMARY:Vacances de la Toussaint\nEND:VEVENT\nEND:VCALENDAR\n`;
  const zoneB = event('20250918T084701Z-Zone-B@data.education.gouv.fr');
  t.same(parseSchoolCalendar(zoneB, 'B').periods, [{ label: 'Vacances de la Toussaint', start: '2025-10-18', end: '2025-11-02' }]);
  t.same(parseSchoolCalendar(zoneB, 'B').warnings, []);
  t.match(errorOf(() => parseSchoolCalendar(zoneB, 'A')), /aucune période de vacances pour la zone A/);
  const anonymous = parseSchoolCalendar(event('abc@example.org'), 'C');
  t.equal(anonymous.periods.length, 1);
  t.match(anonymous.warnings[0], /ne précise pas de zone.*zone C/);
});

t.test('unusable files are refused with a French message', async (t) => {
  const prefix = /^Ce fichier n’est pas le calendrier scolaire attendu : /;
  const cases: [string, RegExp][] = [
    ['', /vide/],
    ['Bonjour, voici les vacances.', /ni iCalendar, ni JSON, ni CSV/],
    ['{"results": [', /JSON illisible/],
    ['{"total": 3}', /ni un tableau/],
    ['[{"name": "x"}]', /il manque les champs/],
    ['description;population;start_date;zones\nNoël;-;2025-12-20;Zone A', /colonne absente : end_date/],
    ['BEGIN:VCALENDAR\nEND:VCALENDAR', /aucun événement/],
    [CSV_ROWS.filter((r) => r[5] === 'Corse').map((r) => r.join(';')).join('\n').replace(/^/, 'description;population;start_date;end_date;location;zones\n'), /aucune période de vacances pour la zone A/],
  ];
  for (const [text, reason] of cases) {
    const message = errorOf(() => parseSchoolCalendar(text, 'A'));
    t.match(message, prefix, text.slice(0, 30));
    t.match(message, reason, text.slice(0, 30));
  }
  t.match(errorOf(() => parseSchoolCalendar(CSV, 'D' as 'A')), /^Zone inconnue/);
});

// ---------------------------------------------------------------------------------------------
// Planner

function rule(id: number, time: string, days: number[], extra: Partial<ScheduleRule> = {}): ScheduleRule {
  return { id, label: `Règle ${id}`, action: 'wake-pcs', rooms: [], days, time, skipClosures: true, enabled: true, ...extra };
}
const WEEKDAYS = [1, 2, 3, 4, 5];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const holidaysOnly: CalendarView = { closures: [], holidays: (y) => publicHolidays(y) };
const iso = (runs: { at: Date }[]) => runs.map((r) => r.at.toISOString());

t.test('a winter week: exact instants, weekend not produced, disabled rule silent', async (t) => {
  const rules = [
    rule(2, '18:15', WEEKDAYS, { action: 'shutdown-pcs' }),
    rule(1, '07:50', WEEKDAYS),
    rule(3, '12:45', [3], { action: 'projectors-off' }),
    rule(4, '08:00', EVERY_DAY, { enabled: false }),
  ];
  // Monday 5 January 2026 00:00 Paris → Monday 12 January 00:00 Paris.
  const runs = dueRuns(rules, new Date('2026-01-04T23:00:00Z'), new Date('2026-01-11T23:00:00Z'), holidaysOnly);
  t.same(iso(runs), [
    '2026-01-05T06:50:00.000Z', '2026-01-05T17:15:00.000Z',
    '2026-01-06T06:50:00.000Z', '2026-01-06T17:15:00.000Z',
    '2026-01-07T06:50:00.000Z', '2026-01-07T11:45:00.000Z', '2026-01-07T17:15:00.000Z',
    '2026-01-08T06:50:00.000Z', '2026-01-08T17:15:00.000Z',
    '2026-01-09T06:50:00.000Z', '2026-01-09T17:15:00.000Z',
  ]);
  t.same(runs.map((r) => r.rule.id), [1, 2, 1, 2, 1, 3, 2, 1, 2, 1, 2]);
  t.same(runs.map((r) => r.skipped), new Array(11).fill(null));
});

t.test('same instant: ordered by rule id', async (t) => {
  const runs = dueRuns([rule(9, '07:50', WEEKDAYS), rule(5, '07:50', WEEKDAYS)], new Date('2026-01-05T00:00:00Z'), new Date('2026-01-05T12:00:00Z'), holidaysOnly);
  t.same(runs.map((r) => r.rule.id), [5, 9]);
});

t.test('window: start exclusive, end inclusive', async (t) => {
  const rules = [rule(1, '07:50', WEEKDAYS)];
  const at = (s: string) => new Date(s);
  t.same(iso(dueRuns(rules, at('2026-01-05T06:50:00Z'), at('2026-01-06T06:50:00Z'), holidaysOnly)), ['2026-01-06T06:50:00.000Z']);
  t.same(iso(dueRuns(rules, at('2026-01-05T06:49:00Z'), at('2026-01-05T06:50:00Z'), holidaysOnly)), ['2026-01-05T06:50:00.000Z']);
  t.same(dueRuns(rules, at('2026-01-05T06:50:00Z'), at('2026-01-05T06:50:00Z'), holidaysOnly), []);
  t.same(dueRuns(rules, at('2026-01-05T06:51:00Z'), at('2026-01-05T06:40:00Z'), holidaysOnly), []);
  t.match(errorOf(() => dueRuns(rules, at('2026-01-01T00:00:00Z'), at('2027-06-01T00:00:00Z'), holidaysOnly)), /trop longue/);
});

t.test('summer time, a public holiday and closures give skipped runs with their reason', async (t) => {
  const cal: CalendarView = {
    holidays: (y) => publicHolidays(y),
    closures: [
      { label: 'Vacances de Printemps', start: '2026-04-04', end: '2026-04-19', source: 'import' },
      { label: 'Stage de 3e', start: '2026-05-27', end: '2026-05-27', source: 'manual' },
    ],
  };
  const rules = [rule(1, '07:50', WEEKDAYS), rule(2, '07:55', WEEKDAYS, { skipClosures: false })];
  // Week of Monday 25 May 2026 (Lundi de Pentecôte), 07:50 Paris = 05:50Z in summer.
  const week = dueRuns(rules, new Date('2026-05-24T22:00:00Z'), new Date('2026-05-29T22:00:00Z'), cal);
  t.same(iso(week.filter((r) => r.rule.id === 1)), ['25', '26', '27', '28', '29'].map((d) => `2026-05-${d}T05:50:00.000Z`));
  t.same(week.filter((r) => r.rule.id === 1).map((r) => r.skipped), ['Jour férié : Lundi de Pentecôte', null, 'Fermeture : Stage de 3e', null, null]);
  t.same(week.filter((r) => r.rule.id === 2).map((r) => r.skipped), [null, null, null, null, null], 'skipClosures false runs anyway');
  const spring = dueRuns(rules, new Date('2026-04-06T00:00:00Z'), new Date('2026-04-08T00:00:00Z'), cal).filter((r) => r.rule.id === 1);
  t.same(spring.map((r) => r.skipped), ['Jour férié : Lundi de Pâques', 'Vacances : Vacances de Printemps']);
  t.equal(closedReason('2026-04-20', cal), null);
  t.equal(closedReason('2026-05-14', { closures: [], holidays: publicHolidays(2026) }), 'Jour férié : Ascension');
});

t.test('DST spring forward (29 March 2026): 02:30 runs at 03:00 local, 07:50 moves to UTC+2', async (t) => {
  const rules = [rule(1, '02:30', EVERY_DAY), rule(2, '07:50', EVERY_DAY)];
  const runs = dueRuns(rules, new Date('2026-03-28T00:00:00Z'), new Date('2026-03-30T12:00:00Z'), holidaysOnly);
  t.same(iso(runs), [
    '2026-03-28T01:30:00.000Z', '2026-03-28T06:50:00.000Z',
    '2026-03-29T01:00:00.000Z', '2026-03-29T05:50:00.000Z',
    '2026-03-30T00:30:00.000Z', '2026-03-30T05:50:00.000Z',
  ]);
});

t.test('DST fall back (25 October 2026): 02:30 runs once, at its first occurrence', async (t) => {
  const rules = [rule(1, '02:30', EVERY_DAY), rule(2, '07:50', EVERY_DAY)];
  const runs = dueRuns(rules, new Date('2026-10-24T00:00:00Z'), new Date('2026-10-26T12:00:00Z'), holidaysOnly);
  t.same(iso(runs), [
    '2026-10-24T00:30:00.000Z', '2026-10-24T05:50:00.000Z',
    '2026-10-25T00:30:00.000Z', '2026-10-25T06:50:00.000Z',
    '2026-10-26T01:30:00.000Z', '2026-10-26T06:50:00.000Z',
  ]);
  // The second 02:30 (01:30Z) is not a run: a window around it finds nothing.
  t.same(dueRuns(rules, new Date('2026-10-25T00:45:00Z'), new Date('2026-10-25T01:45:00Z'), holidaysOnly), []);
});

t.test('nextRuns across the Ascension bridge, with the imported closures', async (t) => {
  const closures = parseSchoolCalendar(CSV, 'A').periods;
  const cal: CalendarView = { closures, holidays: (y) => publicHolidays(y) };
  const rules = [rule(1, '07:50', WEEKDAYS), rule(2, '08:00', WEEKDAYS, { enabled: false })];
  const next = nextRuns(rules, new Date('2026-05-13T12:00:00Z'), 3, cal);
  t.same(iso(next), ['2026-05-14T05:50:00.000Z', '2026-05-15T05:50:00.000Z', '2026-05-18T05:50:00.000Z']);
  t.same(next.map((r) => r.skipped), ['Jour férié : Ascension', "Vacances : Pont de l'Ascension", null]);
  t.same(nextRuns(rules, new Date('2026-05-13T12:00:00Z'), 0, cal), []);
  t.same(nextRuns([rules[1] as ScheduleRule], new Date('2026-05-13T12:00:00Z'), 3, cal), [], 'only disabled rules');
  // From the very instant of a run: that run is not "next".
  t.equal(nextRuns(rules, new Date('2026-05-18T05:50:00Z'), 1, cal)[0]?.at.toISOString(), '2026-05-19T05:50:00.000Z');
});

t.test('validateRule normalises and refuses with French messages', async (t) => {
  const ok = validateRule({ label: '  Réveil   du matin ', action: 'wake-pcs', days: [5, 1, 3, 1], time: '7:05', rooms: [3, 1, 3] });
  t.same(ok, { id: 0, label: 'Réveil du matin', action: 'wake-pcs', rooms: [1, 3], days: [1, 3, 5], time: '07:05', skipClosures: true, enabled: true });
  t.equal(validateRule({ ...ok, time: '23:59', enabled: false }).time, '23:59');
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ time: '24:00' }, /^Heure invalide : « 24:00 »/],
    [{ time: '12:60' }, /^Heure invalide/],
    [{ time: 'midi' }, /^Heure invalide/],
    [{ days: [] }, /^Choisissez au moins un jour/],
    [{ days: [0, 1] }, /^Jour invalide : « 0 »/],
    [{ days: [8] }, /^Jour invalide : « 8 »/],
    [{ days: [1.5] }, /^Jour invalide/],
    [{ action: 'reboot' }, /^Action inconnue : « reboot »/],
    [{ label: 'x'.repeat(81) }, /^Libellé trop long : 81 caractères \(80 au plus\)/],
    [{ label: '   ' }, /^Le libellé est obligatoire/],
    [{ rooms: ['a'] }, /^Salles invalides/],
    [{ enabled: 'oui' }, /^Valeur invalide pour « enabled »/],
  ];
  for (const [patch, message] of bad) t.match(errorOf(() => validateRule({ ...ok, ...patch })), message, JSON.stringify(patch));
  t.equal(validateRule({ ...ok, label: 'é'.repeat(80) }).label.length, 80, '80 characters are fine');
  t.match(errorOf(() => validateRule(null)), /^Règle invalide/);
});

t.test('default rules: valid, disabled, the collège day', async (t) => {
  const rules = defaultRules();
  for (const r of rules) t.same(validateRule(r), r, r.label);
  t.ok(rules.every((r) => !r.enabled && r.id === 0 && r.skipClosures && r.rooms.length === 0));
  const find = (action: string, time: string) => rules.find((r) => r.action === action && r.time === time)?.days;
  t.same(find('wake-pcs', '07:50'), WEEKDAYS);
  t.same(find('shutdown-pcs', '18:15'), WEEKDAYS);
  t.same(find('projectors-off', '18:00'), WEEKDAYS);
  t.same(find('projectors-off', '12:30'), [1, 2, 4, 5]);
  t.same(find('projectors-off', '12:45'), [3]);
  t.same(find('shutdown-pcs', '12:45'), [3]);
  t.equal(dueRuns(rules, new Date('2026-01-04T23:00:00Z'), new Date('2026-01-11T23:00:00Z'), holidaysOnly).length, 0, 'nothing runs until enabled');
});
