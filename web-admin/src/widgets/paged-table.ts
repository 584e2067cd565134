// Data tables (one link per row for the keyboard, the whole row clickable with a mouse)
// and a "Page 2 sur 40" pager.
import { type Attrs, h } from '../dom.ts';
import { formatInteger } from '../format.ts';

type Cell = Node | string | null;

export interface Column<T> {
  label: string;
  cell(row: T): Cell;
  className?: string;
  /** Makes the header a sort button (see TableOptions.sort). */
  sortKey?: string;
}

export interface TableOptions<T> {
  columns: Column<T>[];
  rows: T[];
  /** Read by screen readers only. */
  caption: string;
  testId?: string;
  rowAttrs?(row: T): Attrs;
  /** Clicking anywhere on the row (outside a control) goes there. */
  rowHref?(row: T): string;
  sort?: { key: string; onSort(key: string): void };
}

export function dataTable<T>(options: TableOptions<T>): HTMLTableElement {
  const head = h(
    'tr',
    null,
    options.columns.map((column) => {
      if (!options.sort || !column.sortKey) {
        return h('th', { scope: 'col', class: column.className }, column.label);
      }
      const active = options.sort.key === column.sortKey;
      const key = column.sortKey;
      const sort = options.sort;
      return h(
        'th',
        { scope: 'col', class: column.className, 'aria-sort': active ? 'ascending' : undefined },
        h(
          'button',
          {
            type: 'button',
            class: `sort-button${active ? ' is-sorted' : ''}`,
            title: `Trier par ${column.label.toLowerCase()}`,
            onClick: () => sort.onSort(key),
          },
          column.label,
          h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? '▲' : '↕'),
        ),
      );
    }),
  );
  const body = h(
    'tbody',
    null,
    options.rows.map((row) => {
      const tr = h(
        'tr',
        options.rowAttrs?.(row) ?? null,
        options.columns.map((column) => h('td', { class: column.className }, column.cell(row))),
      );
      const href = options.rowHref?.(row);
      if (href) {
        tr.classList.add('row-link');
        tr.addEventListener('click', (event) => {
          const target = event.target as Element;
          if (target.closest('a, button, input, select, label')) return;
          if (window.getSelection()?.toString()) return; // selecting text, not opening
          location.hash = href;
        });
      }
      return tr;
    }),
  );
  return h(
    'table',
    { class: 'data-table', 'data-testid': options.testId },
    h('caption', { class: 'sr-only' }, options.caption),
    h('thead', null, head),
    body,
  );
}

export interface PagerOptions {
  page: number;
  pageCount: number;
  onChange(page: number): void;
  /** Names the navigation landmark. */
  label: string;
}

export function pager(options: PagerOptions): HTMLElement {
  const { page, pageCount } = options;
  const previous = h('button', { type: 'button', class: 'button', disabled: page <= 1 }, '‹ Précédente');
  const next = h('button', { type: 'button', class: 'button', disabled: page >= pageCount }, 'Suivante ›');
  previous.addEventListener('click', () => options.onChange(page - 1));
  next.addEventListener('click', () => options.onChange(page + 1));
  return h(
    'nav',
    { class: 'pager', 'aria-label': options.label },
    previous,
    h('span', { class: 'pager-status', 'data-testid': 'pager-status' }, `Page ${formatInteger(page)} sur ${formatInteger(pageCount)}`),
    next,
  );
}
