// The rooms of « Salles et appareils »: list, « Nouvelle salle », edit, delete (by retyping the name).
import { api } from '../../api.ts';
import type { Room, RoomInput } from '../../devices-types.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { notify } from '../../notify.ts';
import type { PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { confirmDialog, openDialog } from '../../widgets/dialog.ts';
import { FieldError, textField } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, plural } from '../directory/common.ts';
import { devicePaths } from './common.ts';
import { deleteConfirmed, textareaField } from './io.ts';

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export const SUBNET_EXPLANATION =
  'Le réseau de la salle, par exemple 10.1.20.0/24. Il sert au réveil à distance des ordinateurs : Trousse envoie le signal de réveil sur ce réseau. Le technicien ou le prestataire réseau peut vous l’indiquer.';

interface RoomsCardOptions {
  ctx: PageContext;
  rooms: Room[];
  /** After a room was created, changed or deleted. */
  onChanged(): void;
  /** « Voir ses appareils »: filter the devices table on the room. */
  onShowRoom(room: Room): void;
}

export function roomsCard(options: RoomsCardOptions): HTMLElement {
  const { ctx, rooms } = options;
  const add = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'room-add' }, '+ Nouvelle salle');
  add.addEventListener('click', () => openRoomDialog(ctx, null, options.onChanged));

  const body = rooms.length
    ? h(
        'div',
        { class: 'table-wrap' },
        dataTable<Room>({
          caption: 'Salles de l’établissement',
          testId: 'rooms-table',
          rows: rooms,
          rowAttrs: (room) => ({ 'data-testid': 'room-row', 'data-id': room.id, 'data-name': room.name }),
          columns: [
            {
              label: 'Salle',
              cell: (room) =>
                h('span', null, h('strong', null, room.name), room.notes ? h('span', { class: 'cell-sub muted' }, room.notes) : null),
            },
            {
              label: 'Réseau (réveil à distance)',
              cell: (room) =>
                room.subnet ? h('span', { class: 'login' }, room.subnet) : h('span', { class: 'muted' }, 'non renseigné'),
            },
            {
              label: 'Appareils',
              className: 'numeric',
              cell: (room) => {
                const show = h('button', { type: 'button', class: 'link-button', 'data-testid': 'room-show-devices' }, formatInteger(room.deviceCount ?? 0));
                show.setAttribute('aria-label', `Voir les ${plural(room.deviceCount ?? 0, 'appareil', 'appareils')} de ${room.name}`);
                show.addEventListener('click', () => options.onShowRoom(room));
                return show;
              },
            },
            {
              label: 'Actions',
              cell: (room) => {
                const edit = h('button', { type: 'button', class: 'button button-small', 'data-testid': 'room-edit', 'aria-label': `Modifier la salle ${room.name}` }, 'Modifier');
                edit.addEventListener('click', () => openRoomDialog(ctx, room, options.onChanged));
                const remove = h(
                  'button',
                  { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'room-delete', 'aria-label': `Supprimer la salle ${room.name}` },
                  'Supprimer',
                );
                remove.addEventListener('click', () => openDeleteRoomDialog(ctx, room, options.onChanged));
                return h('span', { class: 'device-row-actions' }, edit, remove);
              },
            },
          ],
        }),
      )
    : emptyState(
        'Aucune salle pour le moment.',
        'Créez les salles de l’établissement (« Salle 101 », « CDI »…) pour y ranger les ordinateurs et les vidéoprojecteurs. Les enseignants choisissent ensuite leur salle dans « Ma salle ».',
      );

  return card(
    { title: 'Salles', icon: 'rooms', testId: 'rooms-card', aside: add },
    h(
      'p',
      { class: 'lead' },
      'Pour chaque salle, indiquez si possible son réseau (par exemple 10.1.20.0/24) : il sert au réveil à distance des ordinateurs, Trousse y envoie le signal qui les allume.',
    ),
    body,
  );
}

export function openRoomDialog(ctx: PageContext, room: Room | null, onSaved: () => void): void {
  const name = textField({ label: 'Nom de la salle', name: 'name', required: true, value: room?.name ?? '', placeholder: 'Salle 101', maxlength: 100, testId: 'room-name' });
  const subnet = textField({
    label: 'Réseau de la salle',
    name: 'subnet',
    optional: true,
    mono: true,
    spellcheck: false,
    value: room?.subnet ?? '',
    placeholder: '10.1.20.0/24',
    hint: SUBNET_EXPLANATION,
    testId: 'room-subnet',
  });
  const notes = textareaField({ label: 'Remarques', name: 'notes', optional: true, value: room?.notes ?? '', rows: 2 });

  openDialog({
    title: room ? `Modifier la salle « ${room.name} »` : 'Nouvelle salle',
    testId: 'room-dialog',
    signal: ctx.signal,
    content: [name.element, subnet.element, notes.element],
    submitLabel: room ? 'Enregistrer' : 'Créer la salle',
    busyLabel: 'Enregistrement…',
    async submit() {
      name.setError(null);
      subnet.setError(null);
      const body: RoomInput = {
        name: name.control.value.trim(),
        subnet: subnet.control.value.trim() || null,
        notes: notes.control.value.trim(),
      };
      if (!body.name) throw new FieldError('Indiquez le nom de la salle.', name);
      if (body.subnet && !validCidr(body.subnet)) {
        throw new FieldError('Écrivez le réseau sous la forme adresse/longueur, par exemple 10.1.20.0/24.', subnet);
      }
      if (room) await api.put<Room>(devicePaths.room(room.id), body);
      else await api.post<Room>(devicePaths.rooms, body);
      notify(room ? `La salle « ${body.name} » a été modifiée.` : `La salle « ${body.name} » a été créée.`);
      return undefined;
    },
    onSuccess: onSaved,
  });
}

function validCidr(text: string): boolean {
  const match = CIDR.exec(text);
  if (!match) return false;
  const parts = match.slice(1, 5).map(Number);
  return parts.every((part) => part <= 255) && Number(match[5]) <= 32;
}

export function openDeleteRoomDialog(ctx: PageContext, room: Room, onDeleted: () => void): void {
  const count = room.deviceCount ?? 0;
  confirmDialog({
    title: `Supprimer la salle « ${room.name} »`,
    testId: 'room-delete-dialog',
    signal: ctx.signal,
    danger: true,
    content: [
      h('p', null, 'La salle disparaîtra de la liste, de « Ma salle » et des planifications.'),
      count
        ? h(
            'p',
            { class: 'alert alert-warning' },
            `Ses ${plural(count, 'appareil n’est pas supprimé', 'appareils ne sont pas supprimés')} : ${count > 1 ? 'ils restent' : 'il reste'} dans la liste, « sans salle ». Vous pourrez ${count > 1 ? 'les' : 'le'} ranger dans une autre salle.`,
          )
        : h('p', { class: 'muted' }, 'Aucun appareil n’est rangé dans cette salle.'),
    ],
    typeToConfirm: { label: `Pour confirmer, saisissez le nom de la salle : ${room.name}`, expected: room.name },
    confirmLabel: 'Supprimer la salle',
    busyLabel: 'Suppression…',
    action: async () => {
      await deleteConfirmed(devicePaths.room(room.id), room.name);
    },
    onSuccess: () => {
      notify(`La salle « ${room.name} » a été supprimée.`);
      onDeleted();
    },
  });
}
