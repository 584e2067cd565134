// « Nouvel appareil » / « Modifier l’appareil » (every field of DeviceInput) and the deletion of a
// device by retyping its name.
import { api } from '../../api.ts';
import { DEVICE_KINDS, type Device, type DeviceInput, type DeviceKind, PJLINK_KINDS, type Room } from '../../devices-types.ts';
import { h, uid } from '../../dom.ts';
import { notify } from '../../notify.ts';
import type { PageContext } from '../../router.ts';
import { confirmDialog, openDialog } from '../../widgets/dialog.ts';
import { checkboxField, FieldError, numberField, selectField, textField } from '../../widgets/fields.ts';
import { devicePaths, kindLabel, normalizeDevice } from './common.ts';
import { dateField, deleteConfirmed, looksLikeMac, textareaField } from './io.ts';

const NEW_ROOM = '__nouvelle__';
const NO_ROOM = '';

export interface DeviceDialogOptions {
  ctx: PageContext;
  rooms: Room[];
  /** null: a new device. */
  device: Device | null;
  /** Room name chosen for a new device (the filter of the list). */
  presetRoom?: string | null;
  onSaved(device: Device | null): void;
}

export function openDeviceDialog(options: DeviceDialogOptions): void {
  const d = options.device;
  const kind = selectField({
    label: 'Type d’appareil',
    name: 'kind',
    value: d?.kind ?? 'projector',
    options: DEVICE_KINDS.map((value) => ({ value, label: kindLabel(value) })),
    testId: 'device-kind',
  });
  const name = textField({ label: 'Nom', name: 'name', required: true, value: d?.name ?? '', maxlength: 100, placeholder: 'Vidéoprojecteur salle 101', testId: 'device-name' });

  const room = roomChooser(options.rooms, d ? d.room : (options.presetRoom ?? null));

  const mac = textField({
    label: 'Adresse MAC',
    name: 'mac',
    optional: true,
    mono: true,
    spellcheck: false,
    value: d?.mac ?? '',
    placeholder: 'aa:bb:cc:dd:ee:ff',
    hint: 'L’identifiant de la carte réseau, indispensable pour réveiller un ordinateur à distance. Elle figure souvent sur une étiquette de l’appareil.',
    testId: 'device-mac',
  });
  const host = textField({
    label: 'Adresse IP ou nom sur le réseau',
    name: 'host',
    optional: true,
    mono: true,
    spellcheck: false,
    value: d?.host ?? '',
    placeholder: '10.1.20.50',
    hint: 'Nécessaire pour surveiller et piloter l’appareil (allumer, éteindre, choisir l’entrée).',
    testId: 'device-host',
  });
  const manufacturer = textField({ label: 'Marque', name: 'manufacturer', optional: true, value: d?.manufacturer ?? '', testId: 'device-manufacturer' });
  const model = textField({ label: 'Modèle', name: 'model', optional: true, value: d?.model ?? '', testId: 'device-model' });
  const serial = textField({ label: 'Numéro de série', name: 'serial', optional: true, mono: true, value: d?.serial ?? '', testId: 'device-serial' });
  const purchase = dateField({ label: 'Date d’achat', name: 'purchaseDate', optional: true, value: d?.purchaseDate, testId: 'device-purchase-date' });
  const warranty = dateField({ label: 'Fin de garantie', name: 'warrantyEnd', optional: true, value: d?.warrantyEnd, testId: 'device-warranty-end' });
  const notes = textareaField({ label: 'Remarques', name: 'notes', optional: true, value: d?.notes ?? '' });

  const os = selectField({
    label: 'Système de l’ordinateur',
    name: 'os',
    value: d?.os ?? '',
    options: [
      { value: '', label: 'Non précisé' },
      { value: 'windows', label: 'Windows' },
      { value: 'linux', label: 'Linux' },
    ],
    hint: 'Indispensable pour l’éteindre à distance : Trousse ne s’y prend pas de la même façon (voir Salles et appareils → Extinction et réglages).',
    testId: 'device-os',
  });

  const pjlinkEnabled = checkboxField({
    label: 'Surveiller et piloter par le réseau (PJLink)',
    name: 'pjlinkEnabled',
    checked: d ? d.pjlink.enabled : true,
    hint: 'PJLink est le langage commun des vidéoprojecteurs en réseau. Il faut aussi l’activer dans le menu réseau de l’appareil.',
    testId: 'device-pjlink-enabled',
  });
  const port = numberField({ label: 'Port PJLink', name: 'pjlinkPort', value: d?.pjlink.port ?? 4352, min: 1, max: 65535, hint: '4352 sauf réglage particulier de l’appareil.', testId: 'device-pjlink-port' });
  const password = passwordChoice(Boolean(d?.pjlink.hasPassword));
  const pjlinkBlock = h(
    'fieldset',
    { class: 'settings-group', 'data-testid': 'device-pjlink' },
    h('legend', null, 'Pilotage du vidéoprojecteur (PJLink)'),
    pjlinkEnabled.element,
    port.element,
    password.element,
  );

  const refresh = () => {
    const chosen = kind.control.value as DeviceKind;
    os.element.hidden = chosen !== 'pc';
    pjlinkBlock.hidden = !PJLINK_KINDS.includes(chosen);
  };
  kind.control.addEventListener('change', refresh);
  refresh();

  const handle = openDialog({
    title: d ? `Modifier « ${d.name} »` : 'Nouvel appareil',
    testId: 'device-form',
    signal: options.ctx.signal,
    content: [
      h('div', { class: 'form-row' }, kind.element, name.element),
      room.element,
      h('div', { class: 'form-row' }, host.element, mac.element),
      os.element,
      pjlinkBlock,
      h('div', { class: 'form-row' }, manufacturer.element, model.element, serial.element),
      h('div', { class: 'form-row' }, purchase.element, warranty.element),
      notes.element,
    ],
    submitLabel: d ? 'Enregistrer' : 'Ajouter l’appareil',
    busyLabel: 'Enregistrement…',
    async submit() {
      for (const field of [name, room.newRoom, mac, port, warranty]) field.setError(null);
      const chosen = kind.control.value as DeviceKind;
      const body: DeviceInput = {
        kind: chosen,
        name: name.control.value.trim(),
        room: room.read(),
        mac: mac.control.value.trim() || null,
        host: host.control.value.trim() || null,
        manufacturer: manufacturer.control.value.trim(),
        model: model.control.value.trim(),
        serial: serial.control.value.trim(),
        purchaseDate: purchase.control.value || null,
        warrantyEnd: warranty.control.value || null,
        notes: notes.control.value.trim(),
      };
      if (!body.name) throw new FieldError('Indiquez le nom de l’appareil.', name);
      if (body.room === undefined) throw new FieldError('Indiquez le nom de la nouvelle salle.', room.newRoom);
      if (body.mac && !looksLikeMac(body.mac)) throw new FieldError('L’adresse MAC compte 12 chiffres ou lettres de a à f, par exemple aa:bb:cc:dd:ee:ff.', mac);
      if (body.purchaseDate && body.warrantyEnd && body.warrantyEnd < body.purchaseDate) {
        throw new FieldError('La fin de garantie ne peut pas précéder la date d’achat.', warranty);
      }
      if (chosen === 'pc') body.os = (os.control.value || null) as DeviceInput['os'];
      if (PJLINK_KINDS.includes(chosen)) {
        const portValue = port.read();
        if (portValue === null || portValue < 1 || portValue > 65535) throw new FieldError('Le port est un nombre entre 1 et 65535 (4352 en général).', port);
        body.pjlink = { enabled: pjlinkEnabled.control.checked, port: portValue };
        const secret = password.read();
        if (secret !== undefined) body.pjlink.password = secret;
      }
      const saved = d
        ? await api.put<Device>(devicePaths.device(d.id), body)
        : await api.post<Device>(devicePaths.create, body);
      notify(d ? `« ${body.name} » a été enregistré.` : `« ${body.name} » a été ajouté.`);
      options.onSaved(saved && typeof saved === 'object' ? normalizeDevice(saved) : null);
      return undefined;
    },
  });
  handle.element.classList.add('dialog-wide');
}

/**
 * The room of a device: an existing one, none, or a new one typed here (the daemon creates it).
 * read() gives the room name, null (no room), or undefined when the new room has no name yet.
 */
export function roomChooser(rooms: Room[], current: string | null) {
  const names = rooms.map((room) => room.name);
  if (current && !names.includes(current)) names.push(current);
  const select = selectField({
    label: 'Salle',
    name: 'room',
    value: current ?? NO_ROOM,
    options: [
      { value: NO_ROOM, label: 'Sans salle' },
      ...names.map((value) => ({ value, label: value })),
      { value: NEW_ROOM, label: 'Nouvelle salle…' },
    ],
    testId: 'device-room',
  });
  const newRoom = textField({ label: 'Nom de la nouvelle salle', name: 'newRoom', maxlength: 100, placeholder: 'Salle 204', hint: 'La salle est créée à l’enregistrement de l’appareil.', testId: 'device-new-room' });
  const refresh = () => {
    newRoom.element.hidden = select.control.value !== NEW_ROOM;
  };
  select.control.addEventListener('change', () => {
    refresh();
    if (select.control.value === NEW_ROOM) newRoom.control.focus();
  });
  refresh();
  return {
    element: h('div', { class: 'form-row device-room-chooser' }, select.element, newRoom.element),
    select,
    newRoom,
    read(): string | null | undefined {
      if (select.control.value === NEW_ROOM) return newRoom.control.value.trim() || undefined;
      return select.control.value || null;
    },
  };
}

/**
 * The PJLink password: never shown. With one recorded, « garder », « changer » or « effacer »;
 * read() gives undefined (unchanged), the new password, or null (no password).
 */
function passwordChoice(hasPassword: boolean): { element: HTMLElement; read(): string | null | undefined } {
  const id = uid('pjlink-password');
  const input = h('input', { type: 'password', id, name: 'pjlinkPassword', autocomplete: 'new-password', spellcheck: 'false', 'data-testid': 'device-pjlink-password' });
  const inputField = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, hasPassword ? 'Nouveau mot de passe PJLink' : 'Mot de passe PJLink', hasPassword ? null : h('span', { class: 'field-optional' }, ' (facultatif)')),
    h('p', { class: 'field-hint' }, 'Celui réglé dans le menu réseau du vidéoprojecteur. Laissez vide s’il n’en demande pas.'),
    input,
  );
  if (!hasPassword) {
    return { element: inputField, read: () => input.value || undefined };
  }

  const name = uid('pjlink-choice');
  const radio = (value: string, label: string, checked = false) => {
    const radioId = uid('pjlink-choice');
    const control = h('input', { type: 'radio', id: radioId, name, value, checked, 'data-testid': `device-password-${value}` });
    return { control, element: h('div', { class: 'field-check-row' }, control, h('label', { for: radioId }, label)) };
  };
  const keep = radio('keep', 'Garder le mot de passe enregistré', true);
  const change = radio('change', 'Le remplacer');
  const clear = radio('clear', 'L’effacer (le vidéoprojecteur ne demande plus de mot de passe)');
  const refresh = () => {
    inputField.hidden = !change.control.checked;
  };
  for (const choice of [keep, change, clear]) choice.control.addEventListener('change', refresh);
  refresh();
  return {
    element: h(
      'fieldset',
      { class: 'settings-subgroup field-check' },
      h('legend', null, 'Mot de passe PJLink'),
      h('p', { class: 'badge badge-success', 'data-testid': 'device-password-saved' }, 'Mot de passe enregistré'),
      keep.element,
      change.element,
      clear.element,
      inputField,
    ),
    read() {
      if (change.control.checked) return input.value || null;
      if (clear.control.checked) return null;
      return undefined;
    },
  };
}

export function openDeleteDeviceDialog(ctx: PageContext, device: Device, onDeleted: () => void): void {
  confirmDialog({
    title: `Supprimer « ${device.name} »`,
    testId: 'device-delete-dialog',
    signal: ctx.signal,
    danger: true,
    content: [
      h('p', null, `${kindLabel(device.kind)}${device.room ? ` (${device.room})` : ''}. Il disparaîtra de la liste et de « Ma salle », et ne sera plus surveillé ni piloté.`),
      h('p', { class: 'muted' }, 'L’appareil lui-même n’est pas touché : vous pourrez l’ajouter à nouveau.'),
    ],
    typeToConfirm: { label: `Pour confirmer, saisissez le nom de l’appareil : ${device.name}`, expected: device.name },
    confirmLabel: 'Supprimer l’appareil',
    busyLabel: 'Suppression…',
    action: async () => {
      await deleteConfirmed(devicePaths.device(device.id), device.name);
    },
    onSuccess: () => {
      notify(`« ${device.name} » a été supprimé.`);
      onDeleted();
    },
  });
}
