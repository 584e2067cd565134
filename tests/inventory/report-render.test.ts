/**
 * The inventory report: its published JSON Schema (strict-mode clean, accepts a realistic report,
 * rejects broken ones), the summary counts, the CSV (BOM, French headers, formulas defused,
 * decimal comma, ≈ for estimated ages, Paris time) and the printable HTML page (everything
 * escaped, groups worst → best, summary numbers, empty park), linear in the number of items.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import t from 'tap';
import { parseCsvText } from '../../daemon/src/core/csv.ts';
import {
  DEFAULT_AGEING_RULES,
  type InventoryReport,
  ITEM_KINDS,
  ITEM_STATUSES,
  type ItemStatus,
  type ReportItem,
  type StatusReason,
} from '../../daemon/src/inventory/model.ts';
import { reportCsv, reportHtml, summarize } from '../../daemon/src/inventory/report-render.ts';

const schema = JSON.parse(readFileSync(new URL('../../daemon/src/inventory/report.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

const FORMULA = "=cmd|' /C calc'!A0";
const IMG = '<img src=x onerror=alert(1)>';
const ROOM = 'Salle "B" & C';

function item(id: number, fields: Partial<ReportItem>): ReportItem {
  return {
    id,
    kind: 'pc',
    name: `PC-${id}`,
    room: 'Salle 12',
    sources: ['agent'],
    manufacturer: null,
    model: null,
    serial: null,
    macs: [],
    os: null,
    cpu: null,
    memoryMb: null,
    diskMb: null,
    softwareCount: null,
    lampHours: null,
    filterHours: null,
    purchaseDate: null,
    warrantyEnd: null,
    ageYears: null,
    ageEstimated: false,
    status: 'ok',
    reasons: [],
    lastSeen: '2026-03-13T16:42:10.000Z',
    ...fields,
  };
}

const reason = (code: string, status: StatusReason['status'], message: string): StatusReason => ({ code, status, message });

const pc = (id: number, fields: Partial<ReportItem>): ReportItem =>
  item(id, {
    manufacturer: 'Dell Inc.',
    model: 'OptiPlex 3080',
    macs: [`3c:7c:3f:00:00:${id.toString(16).padStart(2, '0')}`],
    os: 'Windows 11 Éducation 23H2',
    cpu: 'Intel(R) Core(TM) i5-10500 CPU @ 3.10GHz',
    memoryMb: 8192,
    diskMb: 256000,
    softwareCount: 74,
    sources: ['agent', 'purchase'],
    ...fields,
  });

function buildItems(): ReportItem[] {
  return [
    item(1, {
      kind: 'server',
      name: 'SRV-TROUSSE',
      room: 'Local technique',
      sources: ['system', 'purchase'],
      manufacturer: 'Dell Inc.',
      model: 'PowerEdge T150',
      serial: '7XK2LM3',
      macs: ['b0:7b:25:11:22:33'],
      os: 'Debian GNU/Linux 12 (bookworm)',
      cpu: 'Intel(R) Xeon(R) E-2314 CPU @ 2.80GHz',
      memoryMb: 16384,
      diskMb: 1907729.5,
      softwareCount: 812,
      purchaseDate: '2024-09-02',
      warrantyEnd: '2028-09-02',
      ageYears: 1.5,
      reasons: [reason('warranty.running', 'info', 'Sous garantie jusqu’au 02/09/2028.')],
      lastSeen: '2025-07-01T06:00:00.000Z',
    }),
    pc(2, {
      name: FORMULA,
      room: ROOM,
      serial: 'CZC1234XYZ',
      purchaseDate: '2020-08-25',
      warrantyEnd: '2024-08-25',
      ageYears: 5.6,
      status: 'to_renew',
      reasons: [reason('age.renew', 'to_renew', 'A 5,6 ans (renouvellement à 5 ans).'), reason('warranty.ended', 'out_of_warranty', 'Garantie terminée le 25/08/2024.')],
    }),
    pc(3, {
      name: IMG,
      serial: '<script>alert("sn")</script>',
      purchaseDate: '2023-09-01',
      warrantyEnd: '2027-09-01',
      ageYears: 2.5,
      status: 'failing',
      reasons: [reason('disk.full', 'failing', 'Disque C: plein à 98 % <b>urgent</b>.')],
    }),
    pc(4, { name: 'PC-S12-03', serial: 'CZC5550003', purchaseDate: '2024-09-02', warrantyEnd: '2028-09-02', ageYears: 1.5 }),
    pc(5, {
      name: 'PC-S12-04',
      serial: 'CZC5550004',
      purchaseDate: '2022-04-20',
      warrantyEnd: '2026-04-20',
      ageYears: 3.9,
      status: 'to_watch',
      reasons: [reason('warranty.ending', 'to_watch', 'Garantie se terminant le 20/04/2026.')],
    }),
    pc(6, {
      name: 'PC-CDI-01',
      room: 'CDI',
      sources: ['agent'],
      serial: 'MXL0001CDI',
      ageYears: 4.4,
      ageEstimated: true,
      status: 'out_of_warranty',
      reasons: [
        reason('warranty.ended', 'out_of_warranty', 'Garantie supposée terminée (4 ans).'),
        reason('age.unknown', 'info', 'Date d’achat inconnue : âge estimé d’après le BIOS.'),
      ],
    }),
    item(7, {
      kind: 'projector',
      name: 'VP-S12',
      sources: ['pjlink', 'manual'],
      manufacturer: 'Epson',
      model: 'Epson EB-680',
      serial: 'X4PK8300123',
      lampHours: 3120,
      filterHours: 310,
      purchaseDate: '2021-09-01',
      warrantyEnd: '2025-09-01',
      ageYears: 4.5,
      status: 'to_renew',
      reasons: [reason('lamp.replace', 'to_renew', 'Lampe : 3 120 h (à remplacer dès 3 000 h).'), reason('filter.clean', 'to_watch', 'Filtre : 310 h, à nettoyer.')],
    }),
    item(8, {
      kind: 'projector',
      name: 'VP-S14',
      room: 'Salle 14',
      sources: ['pjlink'],
      manufacturer: 'Epson',
      model: 'EB-W49',
      lampHours: 2600,
      filterHours: 120,
      status: 'to_watch',
      reasons: [reason('lamp.warn', 'to_watch', 'Lampe : 2 600 h (à surveiller dès 2 500 h).')],
    }),
    item(9, { kind: 'whiteboard', name: 'TBI-S12', sources: ['manual'], manufacturer: 'Promethean', model: 'ActivBoard 10 Touch', purchaseDate: '2024-09-02', ageYears: 1.5 }),
    item(10, { kind: 'display', name: 'ECRAN-S07', room: null, sources: ['manual'], manufacturer: 'Speechi', model: null }),
    item(11, {
      kind: 'printer',
      name: 'IMP-CDI',
      room: 'CDI',
      sources: ['manual', 'purchase'],
      manufacturer: 'HP',
      model: 'LaserJet Pro M404dn',
      serial: '@SUM(A1:A9)',
      purchaseDate: '2023-01-10',
      warrantyEnd: '2024-01-10',
      ageYears: 3.2,
      status: 'failing',
      reasons: [reason('device.error', 'failing', 'Bourrage papier signalé.')],
    }),
    item(12, { kind: 'other', name: 'Borne "Wi-Fi" ; couloir', room: 'Couloir 1er étage', sources: ['manual'], manufacturer: 'Ubiquiti', model: 'U6-Lite' }),
  ];
}

function buildReport(items: ReportItem[]): InventoryReport {
  return {
    schemaVersion: 1,
    generatedAt: '2026-03-14T08:05:00.000Z',
    school: { uai: '0751234A', name: 'Collège Jean Moulin' },
    rules: { ...DEFAULT_AGEING_RULES, lampRules: [{ match: 'EB-680', warnHours: 3000, replaceHours: 3500, filterHours: 400 }, { match: 'EB-W49', warnHours: 2500, replaceHours: 3000 }] },
    summary: summarize(items),
    items,
  };
}

const clone = <T>(v: T): T => structuredClone(v);
/** Thin, narrow and ordinary spaces alike, for comparing French formatted text. */
const spaces = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

t.test('the published schema accepts a realistic report and rejects broken ones', async (t) => {
  const report = buildReport(buildItems());
  t.ok(validate(report), JSON.stringify(validate.errors));
  t.equal(schema['$id'], 'https://trousse.example/schemas/inventory-report-1.json');
  t.equal(schema['$schema'], 'http://json-schema.org/draft-07/schema#');
  t.ok(validate(buildReport([])), 'an empty park');

  const rejects = (what: string, mutate: (r: InventoryReport & Record<string, unknown>) => void, keyword: string): void => {
    const r = clone(report) as InventoryReport & Record<string, unknown>;
    mutate(r);
    t.notOk(validate(r), what);
    t.ok(
      validate.errors?.some((e) => e.keyword === keyword),
      `${what}: ${keyword} (${JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`))})`,
    );
  };
  rejects('unknown item status', (r) => {
    (r.items[0] as unknown as Record<string, unknown>)['status'] = 'broken';
  }, 'enum');
  rejects('"info" is a reason status, not an item status', (r) => {
    (r.items[0] as unknown as Record<string, unknown>)['status'] = 'info';
  }, 'enum');
  rejects('unknown reason status', (r) => {
    (r.items[1]?.reasons[0] as unknown as Record<string, unknown>)['status'] = 'grave';
  }, 'enum');
  rejects('unknown kind', (r) => {
    (r.items[0] as unknown as Record<string, unknown>)['kind'] = 'tablet';
  }, 'enum');
  rejects('unknown source', (r) => {
    (r.items[0] as unknown as Record<string, unknown>)['sources'] = ['glpi'];
  }, 'enum');
  rejects('missing item field', (r) => {
    delete (r.items[0] as unknown as Record<string, unknown>)['serial'];
  }, 'required');
  rejects('missing top-level field', (r) => {
    delete (r as Record<string, unknown>)['rules'];
  }, 'required');
  rejects('missing kind in summary.byKind', (r) => {
    delete (r.summary.byKind as Record<string, unknown>)['display'];
  }, 'required');
  rejects('missing status in summary.byStatus', (r) => {
    delete (r.summary.byStatus as Record<string, unknown>)['to_watch'];
  }, 'required');
  rejects('extra top-level property', (r) => {
    r['extra'] = true;
  }, 'additionalProperties');
  rejects('extra item property', (r) => {
    (r.items[0] as unknown as Record<string, unknown>)['notes'] = 'à voir';
  }, 'additionalProperties');
  rejects('extra lamp rule property', (r) => {
    (r.rules.lampRules[0] as unknown as Record<string, unknown>)['comment'] = 'x';
  }, 'additionalProperties');
  rejects('schema version 2', (r) => {
    (r as Record<string, unknown>)['schemaVersion'] = 2;
  }, 'const');
  rejects('French date instead of YYYY-MM-DD', (r) => {
    (r.items[0] as ReportItem).purchaseDate = '02/09/2024';
  }, 'pattern');
  rejects('date-time without time zone', (r) => {
    r.generatedAt = '2026-03-14T08:05:00';
  }, 'pattern');
  rejects('null where null is not allowed', (r) => {
    (r.items[0] as unknown as Record<string, unknown>)['name'] = null;
  }, 'type');
  rejects('bad UAI', (r) => {
    r.school.uai = '751234';
  }, 'pattern');
});

t.test('summarize counts by status and by kind, every key present', async (t) => {
  const s = summarize(buildItems());
  t.equal(s.total, 12);
  t.same(s.byStatus, { ok: 5, to_watch: 2, out_of_warranty: 1, to_renew: 2, failing: 2 });
  t.same(Object.keys(s.byKind).sort(), [...ITEM_KINDS].sort());
  t.same(s.byKind.pc, { total: 5, byStatus: { ok: 1, to_watch: 1, out_of_warranty: 1, to_renew: 1, failing: 1 } });
  t.same(s.byKind.projector, { total: 2, byStatus: { ok: 0, to_watch: 1, out_of_warranty: 0, to_renew: 1, failing: 0 } });
  t.same(s.byKind.printer, { total: 1, byStatus: { ok: 0, to_watch: 0, out_of_warranty: 0, to_renew: 0, failing: 1 } });
  for (const k of ['server', 'whiteboard', 'display', 'other'] as const) t.same(s.byKind[k], { total: 1, byStatus: { ok: 1, to_watch: 0, out_of_warranty: 0, to_renew: 0, failing: 0 } }, k);
  const empty = summarize([]);
  t.equal(empty.total, 0);
  t.same(empty.byStatus, { ok: 0, to_watch: 0, out_of_warranty: 0, to_renew: 0, failing: 0 });
  for (const k of ITEM_KINDS) t.same(empty.byKind[k], { total: 0, byStatus: { ok: 0, to_watch: 0, out_of_warranty: 0, to_renew: 0, failing: 0 } }, `${k} at zero`);
});

const HEADER = [
  'Nom',
  'Type',
  'Salle',
  'État',
  'Raisons',
  'Fabricant',
  'Modèle',
  'Numéro de série',
  'Adresses MAC',
  'Système',
  'Processeur',
  'Mémoire (Mo)',
  'Disque (Mo)',
  'Logiciels',
  'Heures lampe',
  'Heures filtre',
  'Date d’achat',
  'Fin de garantie',
  'Âge (ans)',
  'Sources',
  'Vu le',
];

t.test('CSV', async (t) => {
  const csv = reportCsv(buildReport(buildItems()));
  t.ok(csv.startsWith('\uFEFF'), 'byte order mark');
  const lines = csv.split('\r\n');
  t.equal(lines.length, 14, 'header + 12 items + the final line end');
  t.equal(lines[13], '');
  t.equal(lines[0], `\uFEFF${HEADER.join(';')}`, 'French headers');

  const parsed = parseCsvText(csv, { maxField: 10_000, error: (kind, line) => new Error(`${kind} at ${line}`) });
  t.ok(parsed);
  if (parsed === null) return;
  t.same(parsed.header, HEADER);
  t.equal(parsed.rows.length, 12, 'one line per item');
  const rows = parsed.rows.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r.fields[i]])) as Record<string, string>);
  for (const r of parsed.rows) t.equal(r.fields.length, HEADER.length, `line ${r.line}: ${HEADER.length} fields`);
  for (const r of rows) for (const v of Object.values(r)) t.notMatch(v, /^[=+\-@]/, `no field starts a formula: ${v}`);

  const [srv, formula, img, , , cdi, vp, , , display, printer, borne] = rows;
  t.equal(formula?.['Nom'], `'${FORMULA}`, 'the formula is defused');
  t.equal(formula?.['Salle'], ROOM, 'quotes and ampersand kept as they are');
  t.equal(formula?.['Type'], 'Ordinateur');
  t.equal(formula?.['État'], 'À renouveler');
  t.equal(formula?.['Raisons'], 'A 5,6 ans (renouvellement à 5 ans). ; Garantie terminée le 25/08/2024.', 'reasons joined with " ; "');
  t.equal(formula?.['Date d’achat'], '25/08/2020');
  t.equal(formula?.['Fin de garantie'], '25/08/2024');
  t.equal(formula?.['Âge (ans)'], '5,6', 'decimal comma');
  t.equal(formula?.['Sources'], 'Agent, Achats');
  t.equal(formula?.['Mémoire (Mo)'], '8192');
  t.equal(formula?.['Logiciels'], '74');
  t.equal(formula?.['Adresses MAC'], '3c:7c:3f:00:00:02');
  t.equal(formula?.['Vu le'], '13/03/2026 17:42', 'Paris time in winter');
  t.equal(img?.['Nom'], IMG, 'the CSV keeps HTML as text');
  t.equal(img?.['État'], 'En panne');
  t.equal(srv?.['Type'], 'Serveur');
  t.equal(srv?.['Âge (ans)'], '1,5');
  t.equal(srv?.['Disque (Mo)'], '1907729,5', 'decimal comma for a fractional size');
  t.equal(srv?.['Sources'], 'Serveur, Achats');
  t.equal(srv?.['Raisons'], 'Sous garantie jusqu’au 02/09/2028.', 'info reasons are listed too');
  t.equal(srv?.['Vu le'], '01/07/2025 08:00', 'Paris time in summer');
  t.equal(cdi?.['Âge (ans)'], '≈ 4,4', 'estimated age');
  t.equal(cdi?.['Date d’achat'], '');
  t.equal(vp?.['Heures lampe'], '3120');
  t.equal(vp?.['Heures filtre'], '310');
  t.equal(vp?.['Type'], 'Vidéoprojecteur');
  t.equal(vp?.['Sources'], 'PJLink, Saisie');
  t.equal(display?.['Salle'], '', 'unknown room → empty');
  t.equal(display?.['Âge (ans)'], '');
  t.equal(printer?.['Numéro de série'], "'@SUM(A1:A9)", 'a leading @ is defused too');
  t.equal(borne?.['Nom'], 'Borne "Wi-Fi" ; couloir', 'quotes and separator survive the round trip');
  t.match(csv, /\r\n"Borne ""Wi-Fi"" ; couloir";Autre;/, 'quoted, quotes doubled');
  t.match(csv, /\r\n'=cmd\|' \/C calc'!A0;Ordinateur;/, 'the defused formula in the raw text');

  t.equal(reportCsv(buildReport([])), `\uFEFF${HEADER.join(';')}\r\n`, 'an empty park: the header only');
});

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (s: string): string => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/** The rows of the first table with this class, each as its cells' text. */
function tableCells(html: string, cls: string): string[][] {
  const m = new RegExp(`<table class="${cls}">([\\s\\S]*?)</table>`).exec(html);
  if (m === null) return [];
  const body = (m[1] ?? '').replace(/<caption>[\s\S]*?<\/caption>/, '');
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => unescapeHtml(spaces((c[1] ?? '').replace(/<[^>]+>/g, ''))).trim()),
  );
}

t.test('HTML', async (t) => {
  const report = buildReport(buildItems());
  const html = reportHtml(report);

  t.match(html, /^<!DOCTYPE html>\n<html lang="fr">/);
  t.match(html, /<meta charset="utf-8">/);
  t.notMatch(html, /<script/i, 'no script, from the template or the data');
  t.notMatch(html, /<img/i, 'no image, from the template or the data');
  t.notMatch(html, /<(link|iframe|object|embed|svg)\b|url\(|@import|https?:\/\//i, 'no external resource');
  t.notMatch(html, /<b>urgent/, 'markup in a reason message is escaped');
  t.match(html, '&lt;img src=x onerror=alert(1)&gt;');
  t.match(html, '&lt;script&gt;alert(&quot;sn&quot;)&lt;/script&gt;');
  t.match(html, 'Salle &quot;B&quot; &amp; C');
  t.match(html, '=cmd|&#39; /C calc&#39;!A0');
  t.match(html, 'Borne &quot;Wi-Fi&quot; ; couloir');

  t.match(html, '<title>Inventaire du parc — Collège Jean Moulin (0751234A)</title>');
  t.match(html, '<h1>Inventaire du parc — Collège Jean Moulin (0751234A)</h1>');
  t.match(spaces(html), 'généré le 14 mars 2026 à 09:05', 'generation date in French, Paris time');
  t.match(spaces(html), 'garantie 4 ans, renouvellement 5 ans, lampe 2 500/3 000 h (2 modèles à seuils propres), filtre 300 h, disque 85 %/95 %');
  t.match(html, /@page\s*\{\s*size: A4/, 'A4 print styles');
  t.match(html, 'thead { display: table-header-group; }', 'table headers repeat on each page');
  t.match(html, /tr \{ break-inside: avoid;/, 'rows are not split across pages');
  t.match(html, /print-color-adjust: exact/, 'badge colours print');

  t.same(
    tableCells(html, 'summary'),
    [
      ['Type', 'En panne', 'À renouveler', 'Hors garantie', 'À surveiller', 'OK', 'Total'],
      ['Serveur', '0', '0', '0', '0', '1', '1'],
      ['Ordinateur', '1', '1', '1', '1', '1', '5'],
      ['Vidéoprojecteur', '0', '1', '0', '1', '0', '2'],
      ['Tableau interactif', '0', '0', '0', '0', '1', '1'],
      ['Écran interactif', '0', '0', '0', '0', '1', '1'],
      ['Imprimante', '1', '0', '0', '0', '0', '1'],
      ['Autre', '0', '0', '0', '0', '1', '1'],
      ['Total', '2', '2', '1', '2', '5', '12'],
    ],
    'summary: kinds with items × statuses worst → best, totals',
  );

  const order: ItemStatus[] = ['failing', 'to_renew', 'out_of_warranty', 'to_watch', 'ok'];
  const at = order.map((s) => html.indexOf(`id="etat-${s}"`));
  t.ok(
    at.every((i) => i > 0),
    'one group per status present',
  );
  t.same([...at].sort((a, b) => a - b), at, 'groups from worst to best');
  const group = (s: ItemStatus): string => {
    const start = html.indexOf(`id="etat-${s}"`);
    return html.slice(start, html.indexOf('</section>', start));
  };
  t.match(group('failing'), /<span class="badge s-failing">En panne<\/span> <span class="count">2 matériels<\/span>/, 'status as a badge with its text');
  t.match(group('out_of_warranty'), '1 matériel<', 'singular');
  t.match(group('failing'), '&lt;img src=x');
  t.match(group('failing'), 'IMP-CDI');
  t.match(group('to_renew'), 'VP-S12');
  t.match(group('to_renew'), '=cmd|');
  t.match(group('to_renew'), /Epson EB-680</, 'the maker is not repeated when the model starts with it');
  t.match(group('to_watch'), /Epson EB-W49</);
  t.match(group('out_of_warranty'), /≈\u00a04,4\u00a0ans/, 'estimated age');
  t.match(html, '≈ : âge estimé d’après la date du BIOS', 'the ≈ is explained on paper');
  t.match(group('ok'), '1,5\u00a0an<', 'age with a decimal comma');
  t.match(group('ok'), '02/09/2024', 'dates dd/mm/yyyy');

  const items = tableCells(group('ok'), 'items');
  t.same(items[0], ['Nom', 'Type', 'Salle', 'Fabricant / modèle', 'N° de série', 'Achat', 'Garantie', 'Âge', 'Raisons']);
  t.same(
    items.slice(1).map((r) => r[0]),
    ['SRV-TROUSSE', 'PC-S12-03', 'TBI-S12', 'ECRAN-S07', 'Borne "Wi-Fi" ; couloir'],
    'within a group: by kind, then room, then name',
  );
  t.same(items[4], ['ECRAN-S07', 'Écran interactif', '—', 'Speechi', '—', '—', '—', '—', '—'], 'unknowns shown as a dash');

  const custom = reportHtml({ ...report, school: { uai: '0751234A', name: 'Collège <Les "Tilleuls"> & Cie' } }, { title: 'Audit <avant> renouvellement' });
  t.match(custom, '<h1>Audit &lt;avant&gt; renouvellement — Collège &lt;Les &quot;Tilleuls&quot;&gt; &amp; Cie (0751234A)</h1>');
  t.notMatch(custom, /<Les|<avant/);
});

t.test('HTML of an empty park', async (t) => {
  const html = reportHtml(buildReport([]));
  t.match(html, 'Aucun matériel inventorié.');
  t.notMatch(html, 'class="summary"', 'no summary table');
  t.notMatch(html, 'id="etat-', 'no group');
  t.match(html, 'Inventaire du parc — Collège Jean Moulin (0751234A)');
});

t.test('rendering is linear in the number of items', async (t) => {
  const base = buildItems();
  const many = (n: number): InventoryReport => {
    const items: ReportItem[] = [];
    for (let i = 0; i < n; i++) {
      const b = base[i % base.length] as ReportItem;
      items.push({ ...b, id: i + 1, name: `${b.name}-${i}`, room: b.room === null ? null : `${b.room} ${i % 40}`, status: ITEM_STATUSES[i % ITEM_STATUSES.length] as ItemStatus });
    }
    return buildReport(items);
  };
  const small = many(1_000);
  const large = many(8_000);
  t.ok(validate(small), 'a generated report is valid too');
  const best = (f: () => unknown): number => {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      f();
      min = Math.min(min, performance.now() - t0);
    }
    return min;
  };
  for (const [what, render] of [
    ['reportHtml', reportHtml],
    ['reportCsv', reportCsv],
  ] as const) {
    t.ok(render(small).length > 0, `${what} over 1,000 items completes`);
    const tSmall = best(() => render(small));
    const tLarge = best(() => render(large));
    // 8× the items: about 8× the time when linear (n log n for the HTML sort), 64× when quadratic.
    t.ok(tLarge < 24 * Math.max(tSmall, 1), `${what}: 1,000 items ${tSmall.toFixed(1)} ms, 8,000 items ${tLarge.toFixed(1)} ms`);
  }
});
