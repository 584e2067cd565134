// The lamp-hours history of a device (GET /devices/:id/history): a small inline SVG line chart
// with a legend, and the values in a folded table.
import { api, errorMessage } from '../../api.ts';
import type { DeviceHistory } from '../../devices-types.ts';
import { h } from '../../dom.ts';
import type { PageContext } from '../../router.ts';
import { card, loadingText } from '../../widgets/card.ts';
import { asArray, devicePaths, formatDay, formatHours } from './common.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 420;
const HEIGHT = 200;
const PAD = { left: 62, right: 10, top: 12, bottom: 30 };
const MAX_TABLE_ROWS = 120;

interface Series {
  label: string;
  className: string;
  points: { day: string; hours: number }[];
}

export function historyCard(ctx: PageContext, deviceId: number): HTMLElement {
  const body = h('div', null, loadingText('Chargement de l’historique…'));
  api.get<DeviceHistory>(devicePaths.history(deviceId, 365), { signal: ctx.signal }).then(
    (history) => body.replaceChildren(historyView(history)),
    (error) => {
      if (!ctx.signal.aborted) body.replaceChildren(h('p', { class: 'alert alert-warning', role: 'alert' }, `L’historique n’a pas pu être chargé. ${errorMessage(error)}`));
    },
  );
  return card(
    { title: 'Heures de lampe sur un an', icon: 'health', testId: 'device-history' },
    h('p', { class: 'lead' }, 'Les heures relevées chaque jour : une lampe dure en général de 2 000 à 10 000 heures selon les modèles et le mode d’éclairage.'),
    body,
  );
}

function historyView(history: DeviceHistory | undefined): HTMLElement {
  const series = toSeries(history);
  if (series.every((s) => s.points.length === 0)) {
    return h(
      'p',
      { class: 'muted', 'data-testid': 'device-history-empty' },
      'Pas encore d’historique : les heures de lampe sont relevées à chaque vérification, et gardées une fois par jour.',
    );
  }
  return h(
    'div',
    null,
    chart(series),
    h(
      'ul',
      { class: 'history-legend' },
      series.filter((s) => s.points.length).map((s) => h('li', null, h('span', { class: `history-swatch ${s.className}`, 'aria-hidden': 'true' }), s.label)),
    ),
    valuesTable(series),
  );
}

function toSeries(history: DeviceHistory | undefined): Series[] {
  const lamps = asArray<{ day: string; lamp: number; hours: number }>(history?.lamps).filter((p) => typeof p.hours === 'number' && p.day);
  const filter = asArray<{ day: string; hours: number }>(history?.filter).filter((p) => typeof p.hours === 'number' && p.day);
  const numbers = [...new Set(lamps.map((p) => p.lamp))].sort((a, b) => a - b);
  const byDay = (a: { day: string }, b: { day: string }) => a.day.localeCompare(b.day);
  const series: Series[] = numbers.map((lamp, index) => ({
    label: numbers.length > 1 ? `Lampe ${index + 1}` : 'Lampe',
    className: `history-series-${Math.min(index, 3)}`,
    points: lamps.filter((p) => p.lamp === lamp).sort(byDay),
  }));
  if (filter.length) series.push({ label: 'Filtre', className: 'history-series-filter', points: [...filter].sort(byDay) });
  return series;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function dayTime(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
}

function chart(series: Series[]): SVGSVGElement {
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(dayTime(p.day)));
  const times = all.map((p) => dayTime(p.day));
  const minT = Math.min(...times);
  const maxT = Math.max(...times);
  const maxH = Math.max(1, ...all.map((p) => p.hours));
  const top = niceCeiling(maxH);
  const x = (t: number) => PAD.left + (maxT === minT ? (WIDTH - PAD.left - PAD.right) / 2 : ((t - minT) / (maxT - minT)) * (WIDTH - PAD.left - PAD.right));
  const y = (hours: number) => HEIGHT - PAD.bottom - (hours / top) * (HEIGHT - PAD.top - PAD.bottom);

  const firstDay = all.reduce((a, b) => (dayTime(b.day) < dayTime(a.day) ? b : a)).day;
  const lastDay = all.reduce((a, b) => (dayTime(b.day) > dayTime(a.day) ? b : a)).day;
  const described = series
    .filter((s) => s.points.length)
    .map((s) => `${s.label} : de ${formatHours(s.points[0]?.hours)} à ${formatHours(s.points[s.points.length - 1]?.hours)}`)
    .join(' ; ');

  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'history-chart', role: 'img', 'data-testid': 'device-history-chart' });
  root.append(svg('title', {}, `Heures du ${formatDay(firstDay)} au ${formatDay(lastDay)}. ${described}.`));

  for (const fraction of [0, 0.5, 1]) {
    const value = top * fraction;
    root.append(
      svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: 'history-grid' }),
      svg('text', { x: PAD.left - 8, y: y(value) + 4, class: 'history-axis', 'text-anchor': 'end' }, formatHours(value)),
    );
  }
  root.append(
    svg('text', { x: PAD.left, y: HEIGHT - 8, class: 'history-axis', 'text-anchor': 'start' }, formatDay(firstDay, true)),
    svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 8, class: 'history-axis', 'text-anchor': 'end' }, formatDay(lastDay, true)),
  );

  for (const s of series) {
    const points = s.points.filter((p) => Number.isFinite(dayTime(p.day)));
    if (points.length === 1) {
      const only = points[0];
      if (only) root.append(svg('circle', { cx: x(dayTime(only.day)), cy: y(only.hours), r: 4, class: `history-dot ${s.className}` }));
    } else if (points.length > 1) {
      const coords = points.map((p) => `${x(dayTime(p.day)).toFixed(1)},${y(p.hours).toFixed(1)}`).join(' ');
      root.append(svg('polyline', { points: coords, class: `history-line ${s.className}` }));
    }
  }
  return root;
}

/** 1 234 → 1 500; 87 → 100: a round top for the vertical axis. */
function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

function valuesTable(series: Series[]): HTMLElement {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort().reverse();
  const shown = days.slice(0, MAX_TABLE_ROWS);
  const lookup = series.map((s) => new Map(s.points.map((p) => [p.day, p.hours])));
  return h(
    'details',
    { class: 'history-values' },
    h('summary', null, 'Voir les valeurs'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table', 'data-testid': 'device-history-table' },
        h('caption', { class: 'sr-only' }, 'Heures relevées par jour'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Jour'), series.map((s) => h('th', { scope: 'col', class: 'numeric' }, s.label)))),
        h(
          'tbody',
          null,
          shown.map((day) => h('tr', null, h('td', null, formatDay(day)), lookup.map((map) => h('td', { class: 'numeric' }, formatHours(map.get(day)))))),
        ),
      ),
    ),
    days.length > MAX_TABLE_ROWS ? h('p', { class: 'muted small' }, `Les ${MAX_TABLE_ROWS} relevés les plus récents.`) : null,
  );
}
