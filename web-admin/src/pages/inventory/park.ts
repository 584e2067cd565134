// « Inventaire » (/inventaire): the school's park. Counts per status (a click filters), filters
// (type, état, salle, text), the table worst status first, the report (printable page, CSV, JSON)
// and how the PCs' inventory agents are set up.
import { api, errorMessage } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { icon } from '../../icons.ts';
import { ITEM_KINDS, ITEM_STATUSES, type InventoryItem, type InventorySummary, type ItemStatus } from '../../inventory-types.ts';
import { notify } from '../../notify.ts';
import { type Page, replaceQuery } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { selectField, textField, withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, loadInto, plural, toolbar } from '../directory/common.ts';
import { downloadWithButton } from '../imports/common.ts';
import { copyable } from '../shares/common.ts';
import {
  STATUS_HINTS,
  agentAddress,
  ageText,
  fetchItems,
  fetchSummary,
  firstReason,
  formatDay,
  inventoryPaths,
  inventoryRoutes,
  kindLabel,
  statusBadge,
  statusLabel,
  worstFirst,
} from './common.ts';

const NO_ROOM = 'aucune';

interface Data {
  items: InventoryItem[];
  summary: InventorySummary;
}

interface Filters {
  kind: string;
  status: string;
  room: string;
  q: string;
}

export const parkPage: Page = {
  path: inventoryRoutes.park,
  title: 'Parc informatique',
  roles: ['administrator'],
  group: 'inventaire',
  render(container, ctx) {
    const filters: Filters = {
      kind: ctx.query.get('type') ?? '',
      status: ctx.query.get('etat') ?? '',
      room: ctx.query.get('salle') ?? '',
      q: (ctx.query.get('q') ?? '').slice(0, 100),
    };
    const slot = h('div', { class: 'directory-page page-fit' });
    const load = async (): Promise<Data> => {
      const [items, summary] = await Promise.all([fetchItems(ctx.signal), fetchSummary(ctx.signal)]);
      return { items, summary };
    };
    const reload = async () => {
      try {
        show(await load());
      } catch (error) {
        if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
      }
    };

    const printable = h(
      'a',
      { class: 'button', href: inventoryPaths.report('html'), target: '_blank', rel: 'noopener', 'data-testid': 'inventory-report-html' },
      icon('file'),
      'Rapport imprimable',
    );
    const csv = h('button', { type: 'button', class: 'button', 'data-testid': 'inventory-export-csv' }, icon('download'), 'Exporter (CSV)');
    csv.addEventListener('click', () => {
      void downloadWithButton(csv, { method: 'GET', path: inventoryPaths.report('csv', true), filename: `inventaire-${new Date().toISOString().slice(0, 10)}.csv`, busyLabel: 'Export…', signal: ctx.signal });
    });
    const json = h('button', { type: 'button', class: 'button', 'data-testid': 'inventory-export-json', title: 'Le rapport complet au format JSON (pour un autre logiciel)' }, 'JSON');
    json.addEventListener('click', () => {
      void downloadWithButton(json, { method: 'GET', path: inventoryPaths.report('json', true), filename: `inventaire-${new Date().toISOString().slice(0, 10)}.json`, busyLabel: 'Export…', signal: ctx.signal });
    });
    const refreshServer = h('button', { type: 'button', class: 'button', 'data-testid': 'inventory-refresh-local', title: 'Relit le matériel, les disques et les logiciels du serveur Trousse' }, 'Inventorier le serveur');
    refreshServer.addEventListener('click', async () => {
      try {
        const item = await withBusy(refreshServer, 'Inventaire du serveur…', () => api.post<InventoryItem>(inventoryPaths.refreshLocal));
        notify(`L’inventaire du serveur « ${item?.name ?? ''} » est à jour.`);
        await reload();
      } catch (error) {
        if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
      }
    });

    const content = h('div', { class: 'directory-page page-fit' });
    slot.append(
      toolbar(
        h(
          'p',
          { class: 'muted' },
          'Tout le matériel de l’établissement : les ordinateurs qui envoient leur inventaire, les appareils de « Salles et appareils » et ceux du registre des achats. Trousse calcule l’état de chacun (garantie, âge, lampe, disques) d’après les règles de vieillissement.',
        ),
        printable,
        csv,
        json,
        refreshServer,
      ),
      content,
      agentsHelp(),
    );
    container.append(h('div', { class: 'directory-page page-fit', 'data-testid': 'inventory-page' }, slot));

    const show = (data: Data) => renderPark(content, data, filters);
    return loadInto(content, ctx, load, show, 'Chargement de l’inventaire…');
  },
};

function renderPark(content: HTMLElement, data: Data, filters: Filters): void {
  const rooms = [...new Set(data.items.map((i) => i.room).filter((r): r is string => Boolean(r)))].sort((a, b) => a.localeCompare(b, 'fr', { numeric: true }));
  if (filters.kind && !(ITEM_KINDS as readonly string[]).includes(filters.kind)) filters.kind = '';
  if (filters.status && !(ITEM_STATUSES as readonly string[]).includes(filters.status)) filters.status = '';
  if (filters.room && filters.room !== NO_ROOM && !rooms.includes(filters.room)) filters.room = '';

  // ---- counts per status (buttons that filter)
  const countButtons = new Map<string, HTMLButtonElement>();
  const countButton = (status: ItemStatus | '', value: number, label: string, sub: string) => {
    const button = h(
      'button',
      { type: 'button', class: `import-count inventory-count${status ? ` inventory-count-${status}` : ' import-count-all'}`, 'data-testid': 'inventory-count', 'data-status': status || 'all', 'data-count': value, 'aria-pressed': 'false' },
      h('span', { class: 'import-count-value' }, formatInteger(value)),
      h('span', { class: 'import-count-label' }, label),
      h('span', { class: 'import-count-sub' }, sub),
    );
    button.addEventListener('click', () => {
      filters.status = status && filters.status !== status ? status : '';
      statusSelect.control.value = filters.status;
      render();
    });
    countButtons.set(status, button);
    return button;
  };
  const counts = h(
    'div',
    { class: 'import-counts inventory-counts', role: 'group', 'aria-label': 'Nombre de matériels par état (cliquez pour filtrer)' },
    countButton('', data.summary.total, 'Tout le parc', 'tous les états'),
    ITEM_STATUSES.map((s) => countButton(s, data.summary.byStatus[s] ?? 0, statusLabel(s), STATUS_HINTS[s])),
  );

  // ---- filters
  const search = textField({ label: 'Rechercher', name: 'q', type: 'search', value: filters.q, placeholder: 'Nom, n° de série, modèle, adresse…', spellcheck: false, testId: 'inventory-search' });
  const kind = selectField({
    label: 'Type',
    name: 'type',
    value: filters.kind,
    options: [{ value: '', label: 'Tous les types' }, ...ITEM_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))],
    testId: 'inventory-filter-kind',
  });
  const statusSelect = selectField({
    label: 'État',
    name: 'etat',
    value: filters.status,
    options: [{ value: '', label: 'Tous les états' }, ...ITEM_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))],
    testId: 'inventory-filter-status',
  });
  const room = selectField({
    label: 'Salle',
    name: 'salle',
    value: filters.room,
    options: [{ value: '', label: 'Toutes les salles' }, ...rooms.map((r) => ({ value: r, label: r })), { value: NO_ROOM, label: 'Sans salle' }],
    testId: 'inventory-filter-room',
  });
  const total = h('p', { class: 'list-total', role: 'status', 'data-testid': 'inventory-total' });
  const results = h('div', { class: 'list-results' });

  const filtered = () => {
    const needle = filters.q.trim().toLowerCase();
    return data.items
      .filter((i) => {
        if (filters.kind && i.kind !== filters.kind) return false;
        if (filters.status && i.status !== filters.status) return false;
        if (filters.room === NO_ROOM && i.room) return false;
        if (filters.room && filters.room !== NO_ROOM && i.room !== filters.room) return false;
        if (!needle) return true;
        const f = i.facts;
        return [i.name, i.room, f.serial, f.model, f.manufacturer, f.hostName, ...(f.macs ?? []), ...(f.ips ?? [])].some((v) => (v ?? '').toLowerCase().includes(needle));
      })
      .sort(worstFirst);
  };

  const render = () => {
    replaceQuery({ etat: filters.status, type: filters.kind, salle: filters.room, q: filters.q.trim() });
    for (const [status, button] of countButtons) button.setAttribute('aria-pressed', String(status === filters.status));
    const rows = filtered();
    const shown = plural(rows.length, 'matériel', 'matériels');
    total.textContent = rows.length === data.items.length ? shown : `${shown} sur ${formatInteger(data.items.length)}`;
    if (rows.length === 0) {
      results.replaceChildren(
        data.items.length === 0
          ? emptyState(
              'L’inventaire est vide pour le moment.',
              'Il se remplit tout seul : installez l’agent d’inventaire sur les ordinateurs (voir plus bas), ajoutez les appareils dans « Salles et appareils », ou importez le registre des achats.',
              h('p', null, h('a', { href: `#${inventoryRoutes.purchases}` }, 'Importer le registre des achats')),
            )
          : emptyState('Aucun matériel ne correspond à ces filtres.', 'Choisissez « Tous les états », « Tous les types » et « Toutes les salles », ou videz la recherche.'),
      );
      return;
    }
    results.replaceChildren(h('div', { class: 'table-wrap inventory-table-wrap' }, itemsTable(rows)));
  };

  search.control.addEventListener('input', () => {
    filters.q = search.control.value.slice(0, 100);
    render();
  });
  kind.control.addEventListener('change', () => {
    filters.kind = kind.control.value;
    render();
  });
  statusSelect.control.addEventListener('change', () => {
    filters.status = statusSelect.control.value;
    render();
  });
  room.control.addEventListener('change', () => {
    filters.room = room.control.value;
    render();
  });
  render();

  content.replaceChildren(
    counts,
    card(
      { title: 'Matériels', icon: 'inventory', testId: 'inventory-card' },
      h(
        'form',
        { class: 'filters inventory-filters', role: 'search', 'aria-label': 'Filtrer les matériels', onSubmit: (e: Event) => e.preventDefault() },
        search.element,
        kind.element,
        statusSelect.element,
        room.element,
      ),
      h('div', { class: 'list-head' }, total),
      results,
    ),
  );
}

function itemsTable(rows: InventoryItem[]): HTMLTableElement {
  const table = dataTable<InventoryItem>({
    caption: 'Matériels de l’établissement, le plus préoccupant en premier',
    testId: 'inventory-table',
    rows,
    rowAttrs: (i) => ({ 'data-testid': 'inventory-row', 'data-id': i.id, 'data-name': i.name, 'data-status': i.status, 'data-kind': i.kind }),
    rowHref: (i) => `#${inventoryRoutes.item(i.id)}`,
    columns: [
      {
        label: 'Nom',
        cell: (i) => h('a', { href: `#${inventoryRoutes.item(i.id)}`, 'data-testid': 'inventory-link', class: 'inventory-name' }, i.name),
      },
      { label: 'Type', cell: (i) => kindLabel(i.kind) },
      { label: 'Salle', cell: (i) => i.room ?? h('span', { class: 'muted' }, '—') },
      {
        label: 'Fabricant / modèle',
        cell: (i) => {
          const text = [i.facts.manufacturer, i.facts.model].filter(Boolean).join(' ');
          return text || h('span', { class: 'muted' }, '—');
        },
      },
      { label: 'N° de série', cell: (i) => (i.facts.serial ? h('span', { class: 'login' }, i.facts.serial) : h('span', { class: 'muted' }, '—')) },
      {
        label: 'Âge',
        className: 'numeric',
        cell: (i) =>
          h(
            'span',
            { 'data-testid': 'inventory-age', title: i.ageEstimated ? 'Âge estimé d’après la date du BIOS : la date d’achat n’est pas connue.' : undefined },
            ageText(i),
          ),
      },
      { label: 'Garantie jusqu’au', className: 'numeric', cell: (i) => h('span', { 'data-testid': 'inventory-warranty' }, formatDay(i.purchase?.warrantyEnd)) },
      {
        label: 'État',
        cell: (i) => {
          const reason = firstReason(i);
          return h(
            'span',
            { class: 'inventory-state-cell' },
            statusBadge(i.status),
            reason ? h('span', { class: `cell-sub ${reason.status === 'info' ? 'muted' : ''} inventory-reason`.trim(), 'data-testid': 'inventory-reason' }, reason.message) : null,
          );
        },
      },
    ],
  });
  table.classList.add('inventory-table');
  for (const cell of table.querySelectorAll('th, td')) cell.classList.add('inventory-cell');
  return table;
}

function agentsHelp(): HTMLElement {
  const address = agentAddress();
  return h(
    'details',
    { class: 'card inventory-help', 'data-testid': 'inventory-agents-help' },
    h('summary', { class: 'inventory-help-summary' }, icon('info'), h('span', null, 'Comment les ordinateurs remontent leur inventaire')),
    h(
      'div',
      { class: 'inventory-help-body' },
      h(
        'p',
        null,
        'Chaque ordinateur envoie son inventaire (matériel, système, logiciels) grâce à un petit programme, l’agent d’inventaire. Ce sont les mêmes agents que pour le GLPI du département : ',
        h('strong', null, 'GLPI Agent'),
        ' (Windows, Linux, macOS) ou l’ancien ',
        h('strong', null, 'FusionInventory Agent'),
        '. Seule l’adresse du serveur change.',
      ),
      h(
        'ol',
        { class: 'import-help-list' },
        h('li', null, 'Installez l’agent sur l’ordinateur (ou gardez celui qui est déjà installé).'),
        h('li', null, 'Dans sa configuration, à la ligne « server » (ou « Serveur » à l’installation sous Windows), indiquez l’adresse :', h('div', { class: 'inventory-help-address' }, copyable(address, 'l’adresse du serveur d’inventaire', 'inventory-agent-address'))),
        h('li', null, 'L’ordinateur apparaît dans cette liste après son premier inventaire (au démarrage de l’agent, puis une fois par jour).'),
      ),
      h(
        'p',
        { class: 'muted small' },
        'Pour que le GLPI du département reçoive aussi ces inventaires, renseignez son adresse dans « Remontée au département » : Trousse les lui transmet.',
      ),
    ),
  );
}
