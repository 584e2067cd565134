// « Ma salle » (/ma-salle), for teachers (and administrators): choose the room once (remembered on
// this computer), then big buttons for its projectors and PCs, usable on an interactive whiteboard.
import { api } from '../../api.ts';
import type { ActionRequest, ActionResult, Device, Room, RoomAction } from '../../devices-types.ts';
import { h, uid } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { icon } from '../../icons.ts';
import type { Page, PageContext } from '../../router.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { withBusy } from '../../widgets/fields.ts';
import { emptyState, loadInto, plural } from '../directory/common.ts';
import {
  asArray,
  type DevicePatch,
  deviceAction,
  devicePaths,
  deviceRoutes,
  failureView,
  fetchDevices,
  fetchRooms,
  inputLabel,
  isPjlink,
  mergeDevice,
  readStatusEvent,
  resultsView,
  STATUS_EVENT,
  statusBadge,
  statusKey,
} from './common.ts';
import { remember, remembered } from './io.ts';

const ROOM_KEY = 'trousse.ma-salle';
/** Without the live connection, the statuses are read again this often. */
const FALLBACK_POLL_MS = 30_000;

export const myRoomPage: Page = {
  path: deviceRoutes.myRoom,
  title: 'Ma salle',
  roles: ['teacher', 'administrator'],
  icon: 'projector',
  render(container, ctx) {
    const pickerSlot = h('div');
    const roomSlot = h('div', { class: 'my-room-body' });
    container.append(h('div', { class: 'directory-page page-fit my-room', 'data-testid': 'my-room-page' }, pickerSlot, roomSlot));
    return loadInto(
      pickerSlot,
      ctx,
      () => fetchRooms(ctx.signal),
      (rooms) => {
        if (rooms.length === 0) {
          pickerSlot.replaceChildren(
            h(
              'section',
              { class: 'card', 'data-testid': 'my-room-no-room' },
              ctx.user.role === 'administrator'
                ? emptyState(
                    'Aucune salle n’est encore enregistrée.',
                    'Créez d’abord les salles et rangez-y les vidéoprojecteurs et les ordinateurs.',
                    h('a', { class: 'button button-primary', href: `#${deviceRoutes.devices}` }, 'Aller à Salles et appareils'),
                  )
                : emptyState('Aucune salle n’est encore enregistrée.', 'L’administrateur de la console doit d’abord créer les salles et y ranger les vidéoprojecteurs et les ordinateurs.'),
            ),
          );
          return;
        }
        pickerSlot.replaceChildren(roomPicker(rooms, (room) => showRoom(roomSlot, room, ctx)));
      },
      'Chargement des salles…',
    );
  },
};

function roomPicker(rooms: Room[], onPick: (room: Room | null) => void): HTMLElement {
  const id = uid('room-picker');
  const saved = remembered(ROOM_KEY);
  const initial = rooms.find((room) => String(room.id) === saved) ?? (rooms.length === 1 ? rooms[0] : undefined) ?? null;
  const select = h(
    'select',
    { id, class: 'my-room-select', 'data-testid': 'room-picker', 'aria-describedby': `${id}-hint` },
    h('option', { value: '' }, 'Choisissez votre salle…'),
    rooms.map((room) => h('option', { value: String(room.id) }, room.name)),
  );
  select.value = initial ? String(initial.id) : '';
  select.addEventListener('change', () => {
    const room = rooms.find((r) => String(r.id) === select.value) ?? null;
    remember(ROOM_KEY, room ? String(room.id) : null);
    onPick(room);
  });
  onPick(initial);
  return h(
    'section',
    { class: 'card my-room-picker' },
    h('label', { for: id, class: 'my-room-picker-label' }, 'Votre salle'),
    select,
    h('p', { class: 'field-hint', id: `${id}-hint` }, 'Ce choix est retenu sur cet ordinateur : la prochaine fois, votre salle s’affiche directement.'),
  );
}

/** The current room's view; replaced (and its requests cancelled) when another room is chosen. */
let roomScope: AbortController | null = null;

function showRoom(slot: HTMLElement, room: Room | null, ctx: PageContext): void {
  roomScope?.abort();
  if (!room) {
    slot.replaceChildren(h('p', { class: 'muted my-room-hint' }, 'Choisissez ci-dessus la salle où vous êtes pour piloter son vidéoprojecteur et ses ordinateurs.'));
    return;
  }
  const scope = new AbortController();
  roomScope = scope;
  const signal = AbortSignal.any([ctx.signal, scope.signal]);
  const roomCtx: PageContext = { ...ctx, signal };
  void loadInto(slot, roomCtx, () => fetchDevices(signal, { room: room.id }), (devices) => renderRoom(slot, room, devices, roomCtx), `Chargement de la salle ${room.name}…`);
}

interface Tile {
  update(device: Device): void;
}

function renderRoom(slot: HTMLElement, room: Room, initial: Device[], ctx: PageContext): void {
  const devices = new Map(initial.map((d) => [d.id, d]));
  const results = h('div', { class: 'device-results-slot my-room-results', 'data-testid': 'action-results', 'aria-live': 'polite' });
  const show = (node: Node) => results.replaceChildren(node);

  const projectors = initial.filter(isPjlink);
  const tiles = new Map<number, Tile>();
  const projectorCards = projectors.map((device) => {
    const tile = projectorCard(device, ctx, show);
    tiles.set(device.id, tile);
    return tile.element;
  });
  const pcs = pcsSection(room, initial.filter((d) => d.kind === 'pc'), ctx, show);

  const apply = (patch: DevicePatch) => {
    const current = devices.get(patch.id);
    if (!current) return;
    const next = mergeDevice(current, patch);
    devices.set(next.id, next);
    tiles.get(next.id)?.update(next);
    pcs.update(next);
  };
  ctx.live.on(
    STATUS_EVENT,
    (payload) => {
      const patch = readStatusEvent(payload);
      if (patch) apply(patch);
    },
    ctx.signal,
  );
  const timer = setInterval(() => {
    if (ctx.live.get().connection === 'live') return;
    fetchDevices(ctx.signal, { room: room.id }).then((list) => list.forEach(apply), () => undefined);
  }, FALLBACK_POLL_MS);
  ctx.signal.addEventListener('abort', () => clearInterval(timer), { once: true });

  slot.replaceChildren(
    h('h2', { class: 'my-room-title', 'data-testid': 'my-room-name' }, room.name),
    results,
    h(
      'section',
      { class: 'my-room-section', 'aria-label': 'Vidéoprojecteurs' },
      projectorCards.length
        ? h('div', { class: 'my-room-projectors' }, projectorCards)
        : h('p', { class: 'card muted', 'data-testid': 'my-room-no-projector' }, 'Aucun vidéoprojecteur n’est enregistré dans cette salle.'),
    ),
    pcs.element,
  );
}

// ---- projectors ---------------------------------------------------------------------------------

const STATE_HINTS: Record<string, string> = {
  warming: 'Il chauffe : l’image arrive dans une minute environ.',
  cooling: 'Il refroidit : attendez qu’il soit en veille pour le rallumer.',
  unreachable: 'Il ne répond pas : vérifiez qu’il est branché (voyant allumé), sinon prévenez l’administrateur.',
  unchecked: 'Son état n’est pas encore connu.',
};

function projectorCard(initial: Device, ctx: PageContext, show: (node: Node) => void): Tile & { element: HTMLElement } {
  let device = initial;
  const badgeSlot = h('span');
  const hint = h('p', { class: 'my-room-state-hint muted' });
  const problem = h('p', { class: 'text-danger small' });
  const buttons: HTMLButtonElement[] = [];
  const big = (label: string, testId: string, tone: string, iconName?: 'power') => {
    const button = h('button', { type: 'button', class: `button button-huge ${tone}`.trim(), 'data-testid': testId }, iconName ? icon(iconName) : null, label);
    buttons.push(button);
    return button;
  };

  const run = async (button: HTMLButtonElement, busy: string, heading: string, body: ActionRequest) => {
    const others = buttons.filter((b) => b !== button);
    for (const other of others) other.disabled = true;
    try {
      const result = await withBusy(button, busy, () => deviceAction(device, body));
      show(resultsView([result], `${device.name} — ${heading}`));
    } catch (error) {
      if (!ctx.signal.aborted) show(failureView(error, `${device.name} — ${heading}`));
    } finally {
      for (const other of others) other.disabled = false;
      // A status that arrived while the button was busy: its label is right again now.
      update(device);
    }
  };

  const on = big('Allumer', 'projector-power-on', 'button-primary', 'power');
  const off = big('Éteindre', 'projector-power-off', '', 'power');
  on.addEventListener('click', () => void run(on, 'Allumage…', 'Allumer', { action: 'power-on' }));
  off.addEventListener('click', () => void run(off, 'Extinction…', 'Éteindre', { action: 'power-off' }));

  const mute = big('Masquer l’image', 'projector-mute-video', '');
  mute.addEventListener('click', () => {
    const hidden = Boolean(device.status.mute?.video);
    void run(mute, hidden ? 'Affichage…' : 'Masquage…', hidden ? 'Afficher l’image' : 'Masquer l’image', { action: hidden ? 'unmute' : 'mute', what: 'video' });
  });

  const inputsRow = h('div', { class: 'my-room-inputs', role: 'group', 'aria-label': 'Choix de l’entrée' });
  const inputsBlock = h('div', { class: 'my-room-inputs-block' }, h('p', { class: 'my-room-inputs-label' }, 'Entrée (ce qui s’affiche)'), inputsRow);
  let inputButtons: HTMLButtonElement[] = [];
  let knownInputs = '';
  const renderInputs = () => {
    const codes = device.status.inputs;
    knownInputs = codes.join(',');
    for (const old of inputButtons) buttons.splice(buttons.indexOf(old), 1);
    inputButtons = codes.map((code) => {
      const button = h('button', { type: 'button', class: 'button button-input', 'data-testid': 'projector-input', 'data-input': code }, inputLabel(code));
      button.addEventListener('click', () => void run(button, 'Changement…', `Entrée ${inputLabel(code)}`, { action: 'input', input: code }));
      buttons.push(button);
      return button;
    });
    inputsRow.replaceChildren(...inputButtons);
    inputsBlock.hidden = codes.length === 0;
  };

  const update = (next: Device) => {
    device = next;
    const key = statusKey(device.status);
    badgeSlot.replaceChildren(statusBadge(device, 'projector-status'));
    hint.textContent = STATE_HINTS[key] ?? '';
    problem.textContent = device.status.problem ?? '';
    const hidden = Boolean(device.status.mute?.video);
    if (!mute.hasAttribute('aria-busy')) mute.lastChild?.replaceWith(hidden ? 'Afficher l’image' : 'Masquer l’image');
    mute.setAttribute('aria-pressed', String(hidden));
    if (device.status.inputs.join(',') !== knownInputs) renderInputs();
    for (const button of inputButtons) button.setAttribute('aria-pressed', String(button.dataset.input === device.status.input));
  };
  renderInputs();
  update(device);

  const title = ctx.user.role === 'administrator' ? h('a', { href: `#${deviceRoutes.device(device.id)}` }, device.name) : device.name;
  const element = h(
    'article',
    { class: 'card my-room-projector', 'data-testid': 'projector-card', 'data-id': device.id },
    h('div', { class: 'my-room-card-head' }, h('h3', { class: 'my-room-card-title' }, icon('projector'), h('span', null, title)), badgeSlot),
    hint,
    problem,
    h('div', { class: 'my-room-buttons' }, on, off),
    inputsBlock,
    h('div', { class: 'my-room-buttons' }, mute),
  );
  return { element, update };
}

// ---- PCs --------------------------------------------------------------------------------------

function pcsSection(room: Room, initial: Device[], ctx: PageContext, show: (node: Node) => void): Tile & { element: HTMLElement } {
  const pcs = new Map(initial.map((d) => [d.id, d]));
  const summary = h('p', { class: 'my-room-pc-summary', 'data-testid': 'pc-summary' });
  const rows = new Map<number, HTMLElement>();
  const list = h(
    'ul',
    { class: 'my-room-pc-list', 'data-testid': 'room-pcs' },
    initial.map((pc) => {
      const badge = h('span');
      rows.set(pc.id, badge);
      return h('li', { 'data-testid': 'room-pc', 'data-id': pc.id }, h('span', null, pc.name), badge);
    }),
  );
  const refresh = () => {
    let on = 0;
    for (const pc of pcs.values()) {
      if (statusKey(pc.status) === 'on') on += 1;
      rows.get(pc.id)?.replaceChildren(statusBadge(pc, 'pc-status'));
    }
    summary.textContent = `${plural(pcs.size, 'ordinateur', 'ordinateurs')} dans la salle, ${formatInteger(on)} allumé${on > 1 ? 's' : ''}.`;
  };
  refresh();

  const wake = h('button', { type: 'button', class: 'button button-huge button-primary', 'data-testid': 'wake-pcs' }, icon('power'), 'Réveiller les ordinateurs');
  const shutdown = h('button', { type: 'button', class: 'button button-huge', 'data-testid': 'shutdown-pcs' }, icon('power'), 'Éteindre les ordinateurs');
  const roomAction = async (action: RoomAction): Promise<ActionResult[]> => {
    const answer = await api.post<{ results?: ActionResult[] }>(devicePaths.roomActions(room.id), { action }, { signal: ctx.signal });
    return asArray<ActionResult>(answer, 'results');
  };
  wake.addEventListener('click', async () => {
    shutdown.disabled = true;
    try {
      const results = await withBusy(wake, 'Réveil en cours… (jusqu’à deux minutes)', () => roomAction('wake-pcs'));
      show(resultsView(results, 'Réveiller les ordinateurs'));
    } catch (error) {
      if (!ctx.signal.aborted) show(failureView(error, 'Réveiller les ordinateurs'));
    } finally {
      shutdown.disabled = false;
    }
  });
  shutdown.addEventListener('click', () => {
    let results: ActionResult[] = [];
    confirmDialog({
      title: 'Éteindre les ordinateurs de la salle ?',
      testId: 'shutdown-pcs-dialog',
      signal: ctx.signal,
      danger: true,
      content: [
        h('p', { class: 'alert alert-warning' }, h('strong', null, 'Les élèves vont perdre ce qui n’est pas enregistré.')),
        h('p', null, `Demandez-leur d’enregistrer leur travail et de fermer leur session. ${plural(pcs.size, 'ordinateur sera éteint', 'ordinateurs seront éteints')} dans « ${room.name} ».`),
      ],
      confirmLabel: 'Éteindre les ordinateurs',
      busyLabel: 'Extinction…',
      action: async () => {
        results = await roomAction('shutdown-pcs');
      },
      onSuccess: () => show(resultsView(results, 'Éteindre les ordinateurs')),
    });
  });

  const element = h(
    'section',
    { class: 'card my-room-pcs', 'data-testid': 'my-room-pcs', 'aria-label': 'Ordinateurs de la salle' },
    h('div', { class: 'my-room-card-head' }, h('h3', { class: 'my-room-card-title' }, icon('rooms'), h('span', null, 'Ordinateurs'))),
    pcs.size
      ? [summary, h('div', { class: 'my-room-buttons' }, wake, shutdown), h('details', { class: 'my-room-pc-details' }, h('summary', null, 'Voir chaque ordinateur'), list)]
      : h('p', { class: 'muted', 'data-testid': 'my-room-no-pc' }, 'Aucun ordinateur n’est enregistré dans cette salle.'),
  );
  return {
    element,
    update(device) {
      if (!pcs.has(device.id)) return;
      pcs.set(device.id, device);
      refresh();
    },
  };
}
