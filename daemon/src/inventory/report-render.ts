/**
 * The inventory report as people read it: a CSV file for spreadsheet software and a printable HTML
 * page (A4 landscape) for the help desk and the technicians who audit the park. Pure functions of the report
 * (daemon/src/inventory/model.ts, InventoryReport); both are built in one pass over the items.
 */

import { csvFile } from '../core/csv.ts';
import {
  type AgeingRules,
  type InventoryReport,
  ITEM_KIND_LABELS,
  ITEM_KINDS,
  ITEM_STATUS_LABELS,
  ITEM_STATUSES,
  type ItemKind,
  type ItemSource,
  type ItemStatus,
  type ReportItem,
  type SummaryCounts,
} from './model.ts';

const TIME_ZONE = 'Europe/Paris';

/** Short source labels for the CSV column (the long ones are in ITEM_SOURCE_LABELS). */
const SOURCE_SHORT_LABELS: Record<ItemSource, string> = {
  agent: 'Agent',
  system: 'Serveur',
  pjlink: 'PJLink',
  manual: 'Saisie',
  purchase: 'Achats',
};

/** Statuses from worst to best: the order of the groups and of the summary columns. */
const STATUSES_WORST_FIRST: readonly ItemStatus[] = [...ITEM_STATUSES].reverse();

const KIND_ORDER = new Map<ItemKind, number>(ITEM_KINDS.map((k, i) => [k, i]));
const COLLATOR = new Intl.Collator('fr', { numeric: true, sensitivity: 'base' });

const SEEN_FORMAT = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const LONG_DATE_PARTS = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const NUMBER_FORMAT = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

function emptyStatusCounts(): Record<ItemStatus, number> {
  return { ok: 0, to_watch: 0, out_of_warranty: 0, to_renew: 0, failing: 0 };
}

/** Counts by status and by kind; every status and every kind is present, zeros included. */
export function summarize(items: ReportItem[]): InventoryReport['summary'] {
  const byStatus = emptyStatusCounts();
  const byKind = Object.fromEntries(ITEM_KINDS.map((k) => [k, { total: 0, byStatus: emptyStatusCounts() }])) as Record<ItemKind, SummaryCounts>;
  for (const item of items) {
    byStatus[item.status]++;
    const kind = byKind[item.kind];
    kind.total++;
    kind.byStatus[item.status]++;
  }
  return { total: items.length, byStatus, byKind };
}

// ---------------------------------------------------------------------------------------------
// Formatting shared by both renderings

/** YYYY-MM-DD → dd/mm/yyyy (no time zone involved); anything else is returned as it is. */
function frDate(date: string | null): string {
  if (date === null) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m === null ? date : `${m[3]}/${m[2]}/${m[1]}`;
}

function parts(format: Intl.DateTimeFormat, date: Date): Partial<Record<Intl.DateTimeFormatPartTypes, string>> {
  const out: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of format.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** An ISO date-time → dd/mm/yyyy HH:MM, Paris time; an unreadable one is returned as it is. */
function frDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = parts(SEEN_FORMAT, d);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** An ISO date-time → « 1er mars 2026 à 09:05 », Paris time. */
function frLongDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = parts(LONG_DATE_PARTS, d);
  const day = p.day === '1' ? '1er' : p.day;
  return `${day} ${p.month} ${p.year} à ${p.hour}:${p.minute}`;
}

/** One decimal, decimal comma: 4.25 → "4,3"; 5 → "5,0". */
function decimal1(n: number): string {
  return n.toFixed(1).replace('.', ',');
}

/** A number the way French texts write it (2 500, 4,5). */
function frNumber(n: number): string {
  return NUMBER_FORMAT.format(n);
}

function age(item: ReportItem, sep: string): string {
  if (item.ageYears === null) return '';
  return (item.ageEstimated ? `≈${sep}` : '') + decimal1(item.ageYears);
}

/** Integers stay numbers; other values are written with a decimal comma (what French spreadsheets read). */
function csvNumber(n: number | null): number | string | null {
  if (n === null || Number.isInteger(n)) return n;
  return String(n).replace('.', ',');
}

// ---------------------------------------------------------------------------------------------
// CSV

const CSV_HEADER = [
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

/**
 * The report as a CSV file for spreadsheet software (core/csv.ts: `;`, BOM, CRLF, quoting, formula
 * defusing): French headers, one line per item in the report's order, dates dd/mm/yyyy, the age
 * with a decimal comma (≈ when estimated from the BIOS date), "Vu le" in Paris time.
 */
export function reportCsv(report: InventoryReport): string {
  const rows = report.items.map((item) => [
    item.name,
    ITEM_KIND_LABELS[item.kind] ?? item.kind,
    item.room,
    ITEM_STATUS_LABELS[item.status] ?? item.status,
    item.reasons.map((r) => r.message).join(' ; '),
    item.manufacturer,
    item.model,
    item.serial,
    item.macs.join(' '),
    item.os,
    item.cpu,
    csvNumber(item.memoryMb),
    csvNumber(item.diskMb),
    item.softwareCount,
    csvNumber(item.lampHours),
    csvNumber(item.filterHours),
    frDate(item.purchaseDate),
    frDate(item.warrantyEnd),
    age(item, ' '),
    item.sources.map((s) => SOURCE_SHORT_LABELS[s] ?? s).join(', '),
    frDateTime(item.lastSeen),
  ]);
  return csvFile(CSV_HEADER, rows);
}

// ---------------------------------------------------------------------------------------------
// HTML

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML text node or a quoted attribute value. */
function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const NONE = '<span class="none">—</span>';

/** An escaped value, or a dash when it is unknown or empty. */
function cell(value: string | null): string {
  return value === null || value.trim() === '' ? NONE : esc(value);
}

function plural(n: number, one: string, many: string): string {
  return `${frNumber(n)} ${Math.abs(n) >= 2 ? many : one}`;
}

function badge(status: ItemStatus): string {
  return `<span class="badge s-${esc(status)}">${esc(ITEM_STATUS_LABELS[status] ?? status)}</span>`;
}

/** « garantie 4 ans, renouvellement 5 ans, lampe 2 500/3 000 h, filtre 300 h, disque 85 %/95 % ». */
function rulesSentence(rules: AgeingRules): string {
  const nbsp = '\u00a0';
  const perModel = rules.lampRules.length === 0 ? '' : ` (${plural(rules.lampRules.length, 'modèle', 'modèles')} à seuils propres)`;
  return (
    `garantie ${plural(rules.warrantyYears, 'an', 'ans')}, ` +
    `renouvellement ${plural(rules.renewalYears, 'an', 'ans')}, ` +
    `lampe ${frNumber(rules.lampWarnHours)}/${frNumber(rules.lampReplaceHours)}${nbsp}h${perModel}, ` +
    `filtre ${frNumber(rules.filterCleanHours)}${nbsp}h, ` +
    `disque ${frNumber(rules.diskWarnPercent)}${nbsp}%/${frNumber(rules.diskFullPercent)}${nbsp}%`
  );
}

function makerModel(item: ReportItem): string | null {
  const maker = item.manufacturer?.trim() ?? '';
  const model = item.model?.trim() ?? '';
  if (maker === '') return model === '' ? null : model;
  if (model === '') return maker;
  // "Epson" + "Epson EB-680" → "Epson EB-680"
  return model.toLowerCase().startsWith(maker.toLowerCase()) ? model : `${maker} ${model}`;
}

function ageCell(item: ReportItem): string {
  if (item.ageYears === null) return NONE;
  const text = `${decimal1(item.ageYears)}\u00a0${Math.abs(item.ageYears) >= 2 ? 'ans' : 'an'}`;
  return item.ageEstimated ? `<span class="estimated" title="Estimé d’après la date du BIOS">≈\u00a0${text}</span>` : text;
}

function reasonsCell(item: ReportItem): string {
  if (item.reasons.length === 0) return NONE;
  const lis = item.reasons.map((r) => `<li${r.status === 'info' ? ' class="info"' : ''}>${esc(r.message)}</li>`);
  return `<ul class="reasons">${lis.join('')}</ul>`;
}

/** Within a group: by kind (model order), then room, then name; rooms unknown last. */
function compareItems(a: ReportItem, b: ReportItem): number {
  return (
    (KIND_ORDER.get(a.kind) ?? 99) - (KIND_ORDER.get(b.kind) ?? 99) ||
    (a.room === null ? 1 : 0) - (b.room === null ? 1 : 0) ||
    COLLATOR.compare(a.room ?? '', b.room ?? '') ||
    COLLATOR.compare(a.name, b.name) ||
    a.id - b.id
  );
}

function summaryTable(summary: InventoryReport['summary']): string {
  const head = `<tr><th scope="col">Type</th>${STATUSES_WORST_FIRST.map((s) => `<th scope="col">${badge(s)}</th>`).join('')}<th scope="col">Total</th></tr>`;
  const num = (n: number, cls = ''): string => `<td class="num${n === 0 ? ' zero' : ''}${cls}">${frNumber(n)}</td>`;
  const rows: string[] = [];
  for (const kind of ITEM_KINDS) {
    const counts = summary.byKind[kind];
    if (counts === undefined || counts.total === 0) continue;
    rows.push(
      `<tr><th scope="row">${esc(ITEM_KIND_LABELS[kind])}</th>${STATUSES_WORST_FIRST.map((s) => num(counts.byStatus[s])).join('')}${num(counts.total, ' total')}</tr>`,
    );
  }
  const totalRow = `<tr class="total"><th scope="row">Total</th>${STATUSES_WORST_FIRST.map((s) => num(summary.byStatus[s])).join('')}${num(summary.total, ' total')}</tr>`;
  return `<table class="summary"><caption>Synthèse par type et par état</caption><thead>${head}</thead><tbody>${rows.join('')}</tbody><tfoot>${totalRow}</tfoot></table>`;
}

/** Column titles and widths (percent), the same in every group so that the tables line up. */
const ITEM_COLUMNS: [string, number][] = [
  ['Nom', 12],
  ['Type', 10],
  ['Salle', 9],
  ['Fabricant / modèle', 14],
  ['N° de série', 11],
  ['Achat', 7.5],
  ['Garantie', 7.5],
  ['Âge', 6],
  ['Raisons', 23],
];
const ITEM_COLGROUP = `<colgroup>${ITEM_COLUMNS.map(([, w]) => `<col style="width: ${w}%">`).join('')}</colgroup>`;
const ITEM_THEAD = `<thead><tr>${ITEM_COLUMNS.map(([c]) => `<th scope="col">${c}</th>`).join('')}</tr></thead>`;

function groupSection(status: ItemStatus, items: ReportItem[]): string {
  const rows = items.sort(compareItems).map(
    (item) =>
      `<tr><td class="name">${cell(item.name)}</td>` +
      `<td>${esc(ITEM_KIND_LABELS[item.kind] ?? item.kind)}</td>` +
      `<td>${cell(item.room)}</td>` +
      `<td>${cell(makerModel(item))}</td>` +
      `<td class="serial">${cell(item.serial)}</td>` +
      `<td class="date">${cell(frDate(item.purchaseDate))}</td>` +
      `<td class="date">${cell(frDate(item.warrantyEnd))}</td>` +
      `<td class="age">${ageCell(item)}</td>` +
      `<td>${reasonsCell(item)}</td></tr>`,
  );
  return (
    `<section class="group g-${esc(status)}" id="etat-${esc(status)}">` +
    `<h2>${badge(status)} <span class="count">${plural(items.length, 'matériel', 'matériels')}</span></h2>` +
    `<table class="items">${ITEM_COLGROUP}${ITEM_THEAD}` +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #1a1a1a; margin: 1.5em auto; max-width: 80em; padding: 0 1em; line-height: 1.35; }
h1 { font-size: 1.5em; margin: 0 0 .3em; }
h2 { font-size: 1.15em; margin: 1.4em 0 .4em; break-after: avoid; page-break-after: avoid; }
p { margin: .2em 0; }
.meta { color: #444; }
.none { color: #888; }
.empty { margin-top: 2em; font-size: 1.2em; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
caption { text-align: left; font-weight: 600; padding: .2em 0; }
th, td { border: 1px solid #bbb; padding: .25em .4em; text-align: left; vertical-align: top; }
thead th { background: #eceff1; }
thead { display: table-header-group; }
tfoot { display: table-row-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.summary { width: auto; min-width: 50%; }
table.items { table-layout: fixed; }
table.items td { overflow-wrap: break-word; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #999; }
td.total, tr.total th, tr.total td { font-weight: 700; }
tr.total th, tr.total td { border-top: 2px solid #555; }
td.name { font-weight: 600; overflow-wrap: anywhere; }
td.serial { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
td.date, td.age { white-space: nowrap; }
.estimated { font-style: italic; }
ul.reasons { margin: 0; padding-left: 1.1em; }
ul.reasons li.info { color: #555; font-style: italic; }
.badge { display: inline-block; padding: .05em .55em; border: 1px solid; border-radius: .7em; font-weight: 700; font-size: .92em; white-space: nowrap; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.s-failing { background: #c62828; border-color: #7f0000; color: #fff; }
.s-to_renew { background: #ffccbc; border-color: #bf360c; color: #6d1b00; }
.s-out_of_warranty { background: #ffe0b2; border-color: #e65100; color: #5d2c00; }
.s-to_watch { background: #fff59d; border-color: #9e8600; color: #4a3f00; }
.s-ok { background: #c8e6c9; border-color: #2e7d32; color: #1b4d1e; }
.count { font-weight: 400; color: #444; }
.note { color: #444; font-size: .9em; }
@page { size: A4 landscape; margin: 10mm 10mm 12mm; @bottom-right { content: "page " counter(page) "/" counter(pages); font-size: 8pt; color: #555; } }
@media print {
  body { font-size: 8.5pt; margin: 0; max-width: none; padding: 0; }
  th, td { padding: .2em .3em; }
  h1 { font-size: 14pt; }
  h2 { font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
}
`;

/**
 * The report as one self-contained printable HTML page (inline CSS, no script, no external
 * resource): title, generation date, ageing rules, a summary by kind and status, then the items
 * grouped by status from worst to best. Every value coming from the report is escaped.
 */
export function reportHtml(report: InventoryReport, opts: { title?: string } = {}): string {
  const title = `${opts.title ?? 'Inventaire du parc'} — ${report.school.name} (${report.school.uai})`;
  const count = report.items.length;
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="fr"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<header><h1>${esc(title)}</h1>`,
    `<p class="meta">Rapport généré le ${esc(frLongDateTime(report.generatedAt))} (heure de Paris)${count === 0 ? '' : ` — ${plural(count, 'matériel', 'matériels')}`}.</p>`,
    `<p class="meta">Règles de vieillissement : ${esc(rulesSentence(report.rules))}.</p></header>`,
  ];
  if (count === 0) {
    out.push('<p class="empty">Aucun matériel inventorié.</p>');
  } else {
    out.push(summaryTable(report.summary));
    const groups = new Map<ItemStatus, ReportItem[]>(STATUSES_WORST_FIRST.map((s) => [s, []]));
    for (const item of report.items) {
      let group = groups.get(item.status);
      if (group === undefined) {
        group = [];
        groups.set(item.status, group);
      }
      group.push(item);
    }
    for (const [status, items] of groups) if (items.length > 0) out.push(groupSection(status, items));
    if (report.items.some((i) => i.ageEstimated && i.ageYears !== null)) {
      out.push('<p class="note">≈ : âge estimé d’après la date du BIOS, la date d’achat étant inconnue.</p>');
    }
  }
  out.push('</body></html>\n');
  return out.join('\n');
}
