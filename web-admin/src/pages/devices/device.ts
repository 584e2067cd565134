// A device's page (/salles/appareil/:id): live status, actions, diagnostic, open alerts, identity,
// lamp-hours history. The status follows the `devices.status` socket event.
import { api, errorMessage } from '../../api.ts';
import type { Device, Room } from '../../devices-types.ts';
import { h } from '../../dom.ts';
import { formatMoment, formatSince } from '../../format.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { card, facts } from '../../widgets/card.ts';
import { withBusy } from '../../widgets/fields.ts';
import { backLink, loadInto } from '../directory/common.ts';
import { parseId } from '../homework/common.ts';
import {
  ALERT_EVENT,
  devicePaths,
  deviceRoutes,
  ERROR_CATEGORIES,
  fetchDevice,
  fetchRooms,
  formatDay,
  formatHours,
  inputLabel,
  isPjlink,
  kindLabel,
  levelBadge,
  mergeDevice,
  readAlertEvent,
  readStatusEvent,
  STATUS_EVENT,
  statusBadge,
} from './common.ts';
import { actionsCard } from './device-actions.ts';
import { openDeleteDeviceDialog, openDeviceDialog } from './device-form.ts';
import { historyCard } from './history-chart.ts';

export const devicePage: Page = {
  path: '/salles/appareil/:id',
  title: 'Appareil',
  roles: ['administrator'],
  icon: 'rooms',
  nav: false,
  render(container, ctx) {
    const id = parseId(ctx.params['id']);
    const slot = h('div');
    container.append(backLink(`#${deviceRoutes.devices}`, 'Retour aux salles et appareils'), slot);
    if (id === null) {
      slot.append(h('p', { class: 'alert alert-danger', role: 'alert' }, 'Cet appareil n’existe pas.'));
      return;
    }
    const load = async () => {
      const [device, rooms] = await Promise.all([
        fetchDevice(id, ctx.signal),
        fetchRooms(ctx.signal).catch(() => [] as Room[]),
      ]);
      return { device, rooms };
    };
    const show = (data: { device: Device; rooms: Room[] }) => renderDevice(slot, data.device, data.rooms, ctx, () => void reload());
    const reload = async () => {
      try {
        show(await load());
      } catch (error) {
        if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
      }
    };
    return loadInto(slot, ctx, load, show, 'Chargement de l’appareil…');
  },
};

function renderDevice(slot: HTMLElement, initial: Device, rooms: Room[], ctx: PageContext, reload: () => void): void {
  let device = initial;
  document.title = `${device.name} — Trousse`;
  const heading = slot.closest('main')?.querySelector('.page-title');
  if (heading) heading.textContent = device.name;

  // The parts that follow the status are re-rendered in place; the buttons are not.
  const statusBody = h('div', { 'aria-live': 'polite' });
  const errorsSlot = h('div');
  const alertsSlot = h('div');
  const fetchAgain = async () => {
    try {
      update(await fetchDevice(device.id, ctx.signal));
    } catch {
      // The socket brings the next status anyway.
    }
  };
  const actions = actionsCard(ctx, device, () => void fetchAgain());
  const update = (next: Device) => {
    device = next;
    statusBody.replaceChildren(statusView(device));
    errorsSlot.replaceChildren(isPjlink(device) ? errorsCard(device) : '');
    alertsSlot.replaceChildren(alertsCard(device));
    actions.update(device);
  };

  const check = h('button', { type: 'button', class: 'button', 'data-testid': 'device-check' }, 'Vérifier maintenant');
  const checkMessage = h('p', { class: 'form-message form-message-error', role: 'alert' });
  check.addEventListener('click', async () => {
    checkMessage.textContent = '';
    try {
      const next = await withBusy(check, 'Vérification…', () => api.post<Device>(devicePaths.check(device.id)));
      if (next && typeof next === 'object') update(mergeDevice(device, { ...next, id: device.id }));
      notify(`« ${device.name} » a été vérifié.`);
    } catch (error) {
      if (!ctx.signal.aborted) checkMessage.textContent = errorMessage(error);
    }
  });

  ctx.live.on(
    STATUS_EVENT,
    (payload) => {
      const patch = readStatusEvent(payload);
      if (patch && patch.id === device.id) update(mergeDevice(device, patch));
    },
    ctx.signal,
  );
  ctx.live.on(
    ALERT_EVENT,
    (payload) => {
      if (readAlertEvent(payload) === device.id) void fetchAgain();
    },
    ctx.signal,
  );

  const statusCard = card(
    { title: 'État', icon: 'health', testId: 'device-live-status', aside: check },
    statusBody,
    checkMessage,
  );
  update(device);

  slot.replaceChildren(
    h(
      'div',
      { class: 'directory-page page-fit', 'data-testid': 'device-detail', 'data-id': device.id },
      h(
        'div',
        { class: 'detail-grid' },
        h('div', { class: 'detail-column' }, statusCard, actions.element, errorsSlot, alertsSlot),
        h('div', { class: 'detail-column' }, identityCard(device, rooms, ctx, reload), isPjlink(device) ? historyCard(ctx, device.id) : null),
      ),
    ),
  );
}

function muteText(mute: Device['status']['mute']): string {
  if (!mute) return '—';
  if (mute.video && mute.audio) return 'image et son coupés';
  if (mute.video) return 'image coupée';
  if (mute.audio) return 'son coupé';
  return 'image et son normaux';
}

function statusView(device: Device): HTMLElement {
  const s = device.status;
  const rows: [string, Node | string][] = [['État', statusBadge(device)]];
  if (isPjlink(device)) {
    rows.push(
      ['Entrée', h('span', { 'data-testid': 'device-input' }, inputLabel(s.input))],
      ['Image et son', h('span', { 'data-testid': 'device-mute' }, muteText(s.mute))],
    );
    if (s.lamps.length === 0) rows.push(['Lampe', '—']);
    s.lamps.forEach((lamp, index) => {
      rows.push([
        s.lamps.length > 1 ? `Lampe ${index + 1}` : 'Lampe',
        h('span', { 'data-testid': 'device-lamp', 'data-on': String(Boolean(lamp.on)) }, `${formatHours(lamp.hours)} · ${lamp.on ? 'allumée' : 'éteinte'}`),
      ]);
    });
    rows.push(['Filtre', h('span', { 'data-testid': 'device-filter-hours' }, formatHours(s.filterHours))]);
  }
  rows.push(['Dernière vérification', h('span', { 'data-testid': 'device-checked-at' }, s.checkedAt ? formatMoment(s.checkedAt) : 'jamais')]);
  return h(
    'div',
    null,
    facts(rows),
    s.problem ? h('p', { class: 'alert alert-danger', 'data-testid': 'device-problem' }, s.problem) : null,
    !s.checkedAt && !s.problem
      ? h('p', { class: 'muted small' }, device.host ? 'Trousse vérifiera bientôt cet appareil ; vous pouvez aussi cliquer sur « Vérifier maintenant ».' : 'Sans adresse IP, Trousse ne peut pas vérifier cet appareil.')
      : null,
  );
}

function errorsCard(device: Device): HTMLElement {
  const errors = device.status.errors;
  return card(
    { title: 'Diagnostic', icon: 'warn', testId: 'device-errors' },
    errors
      ? h(
          'ul',
          { class: 'device-error-list' },
          ERROR_CATEGORIES.map((category) =>
            h('li', { 'data-testid': 'device-error', 'data-category': category.key, 'data-level': errors[category.key] ?? 'unknown' }, h('span', null, category.label), levelBadge(errors[category.key])),
          ),
        )
      : h('p', { class: 'muted' }, 'Pas encore de diagnostic : il apparaît après la première vérification réussie.'),
  );
}

function alertsCard(device: Device): HTMLElement {
  const alerts = device.alerts;
  return card(
    { title: 'Alertes en cours', icon: 'warn', testId: 'device-alerts-card' },
    alerts.length
      ? h(
          'ul',
          { class: 'report-list' },
          alerts.map((alert) =>
            h(
              'li',
              { class: `report-item ${alert.level === 'error' ? 'report-error' : 'report-warning'}`, 'data-testid': 'device-alert', 'data-type': alert.type },
              h('span', null, h('strong', null, alert.message), h('span', { class: 'cell-sub' }, formatSince(alert.openedAt))),
            ),
          ),
        )
      : h('p', { class: 'muted', 'data-testid': 'device-no-alert' }, 'Aucune alerte en cours. Les alertes (lampe à changer, filtre à nettoyer, panne, appareil injoignable) s’ouvrent et se ferment d’elles-mêmes.'),
  );
}

function identityCard(device: Device, rooms: Room[], ctx: PageContext, reload: () => void): HTMLElement {
  const s = device.status;
  const edit = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'device-edit' }, 'Modifier');
  edit.addEventListener('click', () => openDeviceDialog({ ctx, rooms, device, onSaved: reload }));
  const remove = h('button', { type: 'button', class: 'button button-danger-outline', 'data-testid': 'device-delete' }, 'Supprimer');
  remove.addEventListener('click', () => openDeleteDeviceDialog(ctx, device, () => ctx.navigate(deviceRoutes.devices)));

  const reported = [s.manufacturer, s.model].filter(Boolean).join(' ');
  const registered = [device.manufacturer, device.model].filter(Boolean).join(' ');
  const today = new Date().toISOString().slice(0, 10);
  const rows: [string, Node | string][] = [
    ['Type', kindLabel(device.kind)],
    ['Salle', device.room ?? 'sans salle'],
    ['Adresse IP ou nom', device.host ? h('span', { class: 'login' }, device.host) : '—'],
    ['Adresse MAC', device.mac ? h('span', { class: 'login' }, device.mac) : '—'],
    ['Marque et modèle', registered || reported || '—'],
  ];
  if (reported && registered && reported !== registered) rows.push(['Annoncé par l’appareil', reported]);
  rows.push(['Numéro de série', h('span', { 'data-testid': 'device-serial' }, device.serial || s.serial || '—')]);
  if (isPjlink(device)) {
    rows.push(
      ['Version du logiciel', s.softwareVersion || '—'],
      [
        'PJLink',
        device.pjlink.enabled
          ? `${s.pjlinkClass ? `classe ${s.pjlinkClass}, ` : ''}port ${device.pjlink.port}, ${device.pjlink.hasPassword ? 'mot de passe enregistré' : 'sans mot de passe'}`
          : 'désactivé',
      ],
    );
  }
  if (device.kind === 'pc') rows.push(['Système', device.os === 'windows' ? 'Windows' : device.os === 'linux' ? 'Linux' : 'non précisé']);
  rows.push(
    ['Date d’achat', formatDay(device.purchaseDate)],
    ['Fin de garantie', device.warrantyEnd ? `${formatDay(device.warrantyEnd)}${device.warrantyEnd < today ? ' (terminée)' : ''}` : '—'],
  );
  return card(
    { title: 'Fiche de l’appareil', icon: 'info', testId: 'device-identity' },
    facts(rows),
    device.notes ? h('p', { class: 'device-notes' }, device.notes) : null,
    h('div', { class: 'actions-row' }, edit, remove),
  );
}
