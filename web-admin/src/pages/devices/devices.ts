// « Salles et appareils » (/salles): the rooms, then every device with its live status, filtered by
// room, kind and text; add, edit, delete, CSV export and import, search for projectors.
import { DEVICE_KINDS, type Device, type Room } from '../../devices-types.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { type Page, type PageContext, replaceQuery } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { selectField, textField } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, loadInto, plural, toolbar } from '../directory/common.ts';
import {
  ALERT_EVENT,
  type DevicePatch,
  deviceRoutes,
  fetchDevice,
  fetchDevices,
  fetchRooms,
  kindLabel,
  lampHoursText,
  mergeDevice,
  readAlertEvent,
  readStatusEvent,
  STATUS_EVENT,
  statusBadge,
  statusKey,
} from './common.ts';
import { openDeleteDeviceDialog, openDeviceDialog } from './device-form.ts';
import { roomsCard } from './rooms.ts';
import { exportButton, openDiscoverDialog, openImportDialog } from './transfer.ts';

const NO_ROOM = 'aucune';

interface Data {
  rooms: Room[];
  devices: Device[];
}

interface LiveCells {
  status: HTMLElement;
  lamp: HTMLElement;
  alerts: HTMLElement;
}

export const devicesPage: Page = {
  path: deviceRoutes.devices,
  title: 'Salles et appareils',
  roles: ['administrator'],
  group: 'salles',
  render(container, ctx) {
    let data: Data = { rooms: [], devices: [] };
    const filters = {
      room: ctx.query.get('salle') ?? '',
      kind: ctx.query.get('type') ?? '',
      q: (ctx.query.get('q') ?? '').slice(0, 100),
    };
    const cells = new Map<number, LiveCells>();

    const roomsSlot = h('div');
    const devicesSlot = h('div');
    const add = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'device-add' }, '+ Nouvel appareil');
    const discover = h('button', { type: 'button', class: 'button', 'data-testid': 'devices-discover' }, 'Rechercher les vidéoprojecteurs');
    const importCsv = h('button', { type: 'button', class: 'button', 'data-testid': 'devices-import' }, 'Importer (CSV)');
    add.addEventListener('click', () =>
      openDeviceDialog({ ctx, rooms: data.rooms, device: null, presetRoom: presetRoomName(), onSaved: () => void reload() }),
    );
    discover.addEventListener('click', () => openDiscoverDialog(ctx, data.rooms, () => void reload()));
    importCsv.addEventListener('click', () => openImportDialog(ctx, () => void reload()));

    container.append(
      h(
        'div',
        { class: 'directory-page page-fit', 'data-testid': 'devices-page' },
        toolbar(
          h(
            'p',
            { class: 'muted' },
            'Les salles et ce qui s’y trouve : ordinateurs, vidéoprojecteurs, tableaux et écrans interactifs… Trousse surveille les vidéoprojecteurs (état, heures de lampe, pannes) et permet d’allumer ou d’éteindre à distance. Les enseignants pilotent leur salle depuis « Ma salle ».',
          ),
          add,
          discover,
          importCsv,
          exportButton(ctx),
        ),
        roomsSlot,
        devicesSlot,
      ),
    );

    const presetRoomName = () => {
      const id = Number(filters.room);
      return data.rooms.find((room) => room.id === id)?.name ?? null;
    };

    const load = async (): Promise<Data> => {
      const [rooms, devices] = await Promise.all([fetchRooms(ctx.signal), fetchDevices(ctx.signal)]);
      return { rooms, devices };
    };
    const show = (next: Data) => {
      data = next;
      roomsSlot.replaceChildren(
        roomsCard({
          ctx,
          rooms: data.rooms,
          onChanged: () => void reload(),
          onShowRoom: (room) => {
            filters.room = String(room.id);
            showDevices();
            devicesSlot.scrollIntoView({ behavior: 'smooth', block: 'start' });
          },
        }),
      );
      showDevices();
    };
    const reload = async () => {
      try {
        show(await load());
      } catch {
        // The page keeps what it shows; « Réessayer » appears on the next full load.
      }
    };

    let devicesCard: { element: HTMLElement; refresh(): void } | null = null;
    const showDevices = () => {
      devicesCard = devicesSection(ctx, data, filters, cells, () => void reload());
      devicesSlot.replaceChildren(devicesCard.element);
    };

    const apply = (patch: DevicePatch) => {
      const index = data.devices.findIndex((d) => d.id === patch.id);
      const current = data.devices[index];
      if (!current) return;
      const device = mergeDevice(current, patch);
      data.devices[index] = device;
      const live = cells.get(device.id);
      if (live) fillLiveCells(live, device);
      devicesCard?.refresh();
    };
    ctx.live.on(
      STATUS_EVENT,
      (payload) => {
        const patch = readStatusEvent(payload);
        if (patch) apply(patch);
      },
      ctx.signal,
    );
    // An alert opened or closed: read that device again for its alerts.
    ctx.live.on(
      ALERT_EVENT,
      (payload) => {
        const id = readAlertEvent(payload);
        if (id === null || !data.devices.some((d) => d.id === id)) return;
        fetchDevice(id, ctx.signal).then(apply, () => undefined);
      },
      ctx.signal,
    );

    return loadInto(devicesSlot, ctx, load, show, 'Chargement des salles et des appareils…');
  },
};

function devicesSection(
  ctx: PageContext,
  data: Data,
  filters: { room: string; kind: string; q: string },
  cells: Map<number, LiveCells>,
  reload: () => void,
): { element: HTMLElement; refresh(): void } {
  if (filters.room && filters.room !== NO_ROOM && !data.rooms.some((r) => String(r.id) === filters.room)) filters.room = '';
  if (filters.kind && !(DEVICE_KINDS as readonly string[]).includes(filters.kind)) filters.kind = '';
  const room = selectField({
    label: 'Salle',
    name: 'salle',
    value: filters.room,
    options: [
      { value: '', label: 'Toutes les salles' },
      ...data.rooms.map((r) => ({ value: String(r.id), label: r.name })),
      { value: NO_ROOM, label: 'Sans salle' },
    ],
    testId: 'devices-filter-room',
  });
  const kind = selectField({
    label: 'Type',
    name: 'type',
    value: filters.kind,
    options: [{ value: '', label: 'Tous les types' }, ...DEVICE_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))],
    testId: 'devices-filter-kind',
  });
  const search = textField({ label: 'Rechercher', name: 'q', type: 'search', value: filters.q, placeholder: 'Nom, adresse, modèle…', spellcheck: false, testId: 'devices-search' });
  const total = h('p', { class: 'list-total', role: 'status', 'data-testid': 'devices-total' });
  const results = h('div', { class: 'list-results' });

  const filtered = () => {
    const needle = filters.q.trim().toLowerCase();
    return data.devices
      .filter((d) => {
        const hasRoom = d.roomId !== null && d.roomId !== undefined;
        if (filters.room === NO_ROOM && hasRoom) return false;
        if (filters.room && filters.room !== NO_ROOM && String(d.roomId) !== filters.room) return false;
        if (filters.kind && d.kind !== filters.kind) return false;
        if (!needle) return true;
        return [d.name, d.room, d.host, d.mac, d.manufacturer, d.model, d.serial].some((v) => (v ?? '').toLowerCase().includes(needle));
      })
      .sort((a, b) => (a.room ?? '\uffff').localeCompare(b.room ?? '\uffff', 'fr', { numeric: true }) || a.name.localeCompare(b.name, 'fr', { numeric: true }));
  };

  const summary = (rows: Device[]) => {
    const unreachable = rows.filter((d) => statusKey(d.status) === 'unreachable' && d.kind !== 'pc').length;
    const alerts = rows.reduce((sum, d) => sum + d.alerts.length, 0);
    const parts = [plural(rows.length, 'appareil', 'appareils')];
    if (unreachable) parts.push(plural(unreachable, 'injoignable', 'injoignables'));
    if (alerts) parts.push(plural(alerts, 'alerte ouverte', 'alertes ouvertes'));
    total.textContent = parts.join(' · ');
  };

  const render = () => {
    replaceQuery({ salle: filters.room, type: filters.kind, q: filters.q.trim() });
    const rows = filtered();
    summary(rows);
    cells.clear();
    if (rows.length === 0) {
      results.replaceChildren(
        data.devices.length === 0
          ? emptyState(
              'Aucun appareil pour le moment.',
              'Ajoutez les appareils un par un avec « Nouvel appareil », tous à la fois avec « Importer (CSV) », ou laissez Trousse trouver les vidéoprojecteurs du réseau avec « Rechercher les vidéoprojecteurs ».',
            )
          : emptyState('Aucun appareil ne correspond à ces filtres.', 'Choisissez « Toutes les salles » et « Tous les types », ou videz la recherche.'),
      );
      return;
    }
    results.replaceChildren(h('div', { class: 'table-wrap' }, devicesTable(ctx, data, rows, cells, reload)));
  };

  room.control.addEventListener('change', () => {
    filters.room = room.control.value;
    render();
  });
  kind.control.addEventListener('change', () => {
    filters.kind = kind.control.value;
    render();
  });
  search.control.addEventListener('input', () => {
    filters.q = search.control.value.slice(0, 100);
    render();
  });
  render();

  const element = card(
    { title: 'Appareils', icon: 'inventory', testId: 'devices-card' },
    h(
      'form',
      { class: 'filters device-filters', role: 'search', 'aria-label': 'Filtrer les appareils', onSubmit: (e: Event) => e.preventDefault() },
      search.element,
      room.element,
      kind.element,
    ),
    h('div', { class: 'list-head' }, total),
    results,
  );
  // A live change only refreshes the counts: the rows were updated in place.
  return { element, refresh: () => summary(filtered()) };
}

function devicesTable(ctx: PageContext, data: Data, rows: Device[], cells: Map<number, LiveCells>, reload: () => void): HTMLTableElement {
  const liveCells = (device: Device): LiveCells => {
    let entry = cells.get(device.id);
    if (!entry) {
      entry = { status: h('span', { class: 'device-status-cell' }), lamp: h('span'), alerts: h('span') };
      fillLiveCells(entry, device);
      cells.set(device.id, entry);
    }
    return entry;
  };
  return dataTable<Device>({
    caption: 'Appareils des salles, avec leur état',
    testId: 'devices-table',
    rows,
    rowAttrs: (d) => ({ 'data-testid': 'device-row', 'data-id': d.id, 'data-name': d.name, 'data-kind': d.kind }),
    rowHref: (d) => `#${deviceRoutes.device(d.id)}`,
    columns: [
      {
        label: 'Nom',
        cell: (d) =>
          h(
            'span',
            null,
            h('a', { href: `#${deviceRoutes.device(d.id)}`, 'data-testid': 'device-link' }, d.name),
            h('span', { class: 'cell-sub muted', 'data-testid': 'device-kind-label' }, [kindLabel(d.kind), [d.manufacturer, d.model].filter(Boolean).join(' ')].filter(Boolean).join(' · ')),
          ),
      },
      { label: 'Salle', cell: (d) => d.room ?? h('span', { class: 'muted' }, 'sans salle') },
      {
        label: 'Adresse',
        cell: (d) =>
          h('span', null, d.host ? h('span', { class: 'login' }, d.host) : h('span', { class: 'muted' }, '—'), d.mac ? h('span', { class: 'cell-sub login muted' }, d.mac) : null),
      },
      { label: 'État', cell: (d) => liveCells(d).status },
      { label: 'Lampe', className: 'numeric', cell: (d) => liveCells(d).lamp },
      { label: 'Alertes', className: 'numeric', cell: (d) => liveCells(d).alerts },
      {
        label: 'Actions',
        cell: (d) => {
          const edit = h('button', { type: 'button', class: 'button button-small', 'data-testid': 'device-edit', 'aria-label': `Modifier ${d.name}` }, 'Modifier');
          edit.addEventListener('click', () => openDeviceDialog({ ctx, rooms: data.rooms, device: d, onSaved: reload }));
          const remove = h('button', { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'device-delete', 'aria-label': `Supprimer ${d.name}` }, 'Supprimer');
          remove.addEventListener('click', () => openDeleteDeviceDialog(ctx, d, reload));
          return h('span', { class: 'device-row-actions' }, edit, remove);
        },
      },
    ],
  });
}

function fillLiveCells(cells: LiveCells, device: Device): void {
  const problem = device.status.problem;
  cells.status.replaceChildren(statusBadge(device), problem ? h('span', { class: 'cell-sub text-danger device-problem-text' }, problem) : '');
  cells.lamp.replaceChildren(lampHoursText(device.status));
  const count = device.alerts.length;
  const worst = device.alerts.some((a) => a.level === 'error') ? 'danger' : 'warning';
  cells.alerts.replaceChildren(
    count
      ? h('span', { class: `badge badge-${worst}`, 'data-testid': 'device-alerts', 'data-count': count, title: device.alerts.map((a) => a.message).join('\n') }, formatInteger(count))
      : h('span', { class: 'muted', 'data-testid': 'device-alerts', 'data-count': 0 }, '0'),
  );
}
