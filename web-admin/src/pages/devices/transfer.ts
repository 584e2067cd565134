// Getting devices in and out: CSV export, CSV import (check first, then apply), and the search of
// the network for projectors (PJLink class 2) with « Ajouter » for each unknown one.
import { api, errorMessage } from '../../api.ts';
import type { AdoptInput, Device, DeviceImportResult, DeviceKind, DiscoverAnswer, DiscoveredDevice, Room } from '../../devices-types.ts';
import { PJLINK_KINDS } from '../../devices-types.ts';
import { h, uid } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { icon } from '../../icons.ts';
import { notify } from '../../notify.ts';
import type { PageContext } from '../../router.ts';
import { openDialog } from '../../widgets/dialog.ts';
import { FieldError, selectField, textField, withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { plural } from '../directory/common.ts';
import { downloadWithButton } from '../imports/common.ts';
import { asArray, devicePaths, deviceRoutes, kindLabel } from './common.ts';
import { postText, readTextFile } from './io.ts';
import { roomChooser } from './device-form.ts';

const DISCOVER_SECONDS = 10;

export function exportButton(ctx: PageContext): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button', 'data-testid': 'devices-export' }, icon('download'), 'Exporter (CSV)');
  button.addEventListener('click', () => {
    const day = new Date().toISOString().slice(0, 10);
    void downloadWithButton(button, { method: 'GET', path: devicePaths.exportCsv, filename: `appareils-${day}.csv`, busyLabel: 'Export…', signal: ctx.signal });
  });
  return button;
}

// ---- CSV import ----------------------------------------------------------------------------

export function openImportDialog(ctx: PageContext, onImported: () => void): void {
  const id = uid('devices-csv');
  const input = h('input', { type: 'file', id, accept: '.csv,text/csv', 'data-testid': 'devices-import-file', 'aria-describedby': `${id}-hint` });
  const field = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, 'Fichier CSV des appareils'),
    h('p', { class: 'field-hint', id: `${id}-hint` }, 'Un fichier .csv enregistré depuis un tableur (séparateur point-virgule ou virgule).'),
    input,
  );
  openDialog({
    title: 'Importer des appareils (CSV)',
    testId: 'devices-import-dialog',
    signal: ctx.signal,
    content: [
      h(
        'p',
        null,
        'Le plus simple : cliquez sur « Exporter (CSV) », complétez le fichier dans un tableur (une ligne par appareil, mêmes colonnes), enregistrez-le au format CSV puis importez-le ici.',
      ),
      h('p', { class: 'muted' }, 'Rien n’est modifié tout de suite : Trousse vérifie d’abord le fichier et vous montre ce qui va changer.'),
      field,
    ],
    submitLabel: 'Vérifier le fichier',
    busyLabel: 'Vérification…',
    canSubmit: () => Boolean(input.files?.length),
    async submit() {
      const file = input.files?.[0];
      if (!file) throw new FieldError('Choisissez d’abord le fichier CSV.');
      const text = await readTextFile(file);
      if (!text.trim()) throw new FieldError('Ce fichier est vide.');
      const preview = await postText<DeviceImportResult>(devicePaths.importCsv(true), text, 'text/csv; charset=utf-8', ctx.signal);
      return importPreview(file.name, text, preview, ctx, onImported);
    },
  });
  input.addEventListener('change', () => input.dispatchEvent(new Event('input', { bubbles: true })));
}

function importPreview(fileName: string, text: string, preview: DeviceImportResult, ctx: PageContext, onImported: () => void): HTMLElement {
  const slot = h('div', { class: 'device-import-result' });
  const changes = (preview?.created ?? 0) + (preview?.updated ?? 0);
  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
  const apply = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'devices-import-apply' }, 'Appliquer l’import');
  apply.addEventListener('click', async () => {
    message.textContent = '';
    try {
      const result = await withBusy(apply, 'Import en cours…', () =>
        postText<DeviceImportResult>(devicePaths.importCsv(false), text, 'text/csv; charset=utf-8', ctx.signal),
      );
      // The daemon applies nothing when a line is wrong (the file changed in between): it says so with dryRun.
      if (result?.dryRun) {
        slot.replaceChildren(h('p', { class: 'alert alert-warning', role: 'alert' }, 'Rien n’a été importé : des lignes sont en erreur. Corrigez le fichier puis recommencez.'), importCounts(result, true));
        return;
      }
      slot.replaceChildren(h('p', { class: 'alert alert-success', role: 'status', 'data-testid': 'devices-import-done' }, 'Import terminé.'), importCounts(result, false));
      notify(`Import terminé : ${formatInteger(result?.created ?? 0)} ajouté(s), ${formatInteger(result?.updated ?? 0)} modifié(s).`);
      onImported();
    } catch (error) {
      if (!ctx.signal.aborted) message.textContent = errorMessage(error);
    }
  });
  const errorCount = asArray(preview?.errors).length;
  slot.append(
    h('p', null, 'Vérification de « ', h('strong', null, fileName), ' » : voici ce que l’import changerait.'),
    importCounts(preview, true),
    errorCount > 0
      ? h(
          'p',
          { class: 'alert alert-warning', 'data-testid': 'devices-import-blocked' },
          'L’import se fait en entier ou pas du tout : corrigez d’abord les lignes en erreur dans le fichier, enregistrez-le, puis vérifiez-le de nouveau (fermez cette fenêtre et recommencez).',
        )
      : changes > 0
        ? h('div', null, message, h('div', { class: 'actions-row' }, apply))
        : h('p', { class: 'alert alert-neutral', 'data-testid': 'devices-import-nothing' }, 'Il n’y a rien à importer : la liste des appareils est déjà à jour.'),
  );
  return slot;
}

function importCounts(result: DeviceImportResult, dryRun: boolean): HTMLElement {
  const errors = asArray<{ line: number; message: string }>(result?.errors);
  const count = (value: number | undefined, one: string, many: string, testId: string) =>
    h('li', { 'data-testid': testId, 'data-count': value ?? 0 }, h('strong', null, formatInteger(value ?? 0)), ` ${(value ?? 0) > 1 ? many : one}`);
  return h(
    'div',
    { 'data-testid': 'devices-import-counts', 'data-dry-run': String(dryRun) },
    h(
      'ul',
      { class: 'device-import-counts' },
      count(result?.created, dryRun ? 'appareil à ajouter' : 'appareil ajouté', dryRun ? 'appareils à ajouter' : 'appareils ajoutés', 'import-created'),
      count(result?.updated, dryRun ? 'appareil à modifier' : 'appareil modifié', dryRun ? 'appareils à modifier' : 'appareils modifiés', 'import-updated'),
      count(result?.unchanged, 'appareil inchangé', 'appareils inchangés', 'import-unchanged'),
      count(errors.length, 'ligne en erreur', 'lignes en erreur', 'import-error-count'),
    ),
    errors.length
      ? h(
          'ul',
          { class: 'report-list', 'data-testid': 'import-errors' },
          errors.slice(0, 200).map((e) =>
            h('li', { class: 'report-item report-error', 'data-testid': 'import-error', 'data-line': e.line }, icon('error'), h('span', null, h('strong', null, `Ligne ${e.line} : `), e.message)),
          ),
          errors.length > 200 ? h('li', { class: 'muted small' }, `… et ${formatInteger(errors.length - 200)} autres.`) : null,
        )
      : null,
  );
}

// ---- discovery -----------------------------------------------------------------------------

export function openDiscoverDialog(ctx: PageContext, rooms: Room[], onAdopted: () => void): void {
  const fill = h('div', { class: 'meter-fill' });
  const bar = h('div', { class: 'meter', role: 'progressbar', 'aria-label': 'Avancement de la recherche', 'aria-valuemin': '0', 'aria-valuemax': String(DISCOVER_SECONDS) }, fill);
  const label = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const progress = h('div', { class: 'device-discover-progress', 'data-testid': 'discover-progress', hidden: true }, label, bar);

  openDialog({
    title: 'Rechercher les vidéoprojecteurs',
    testId: 'discover-dialog',
    signal: ctx.signal,
    content: [
      h('p', null, `Trousse interroge le réseau pendant ${DISCOVER_SECONDS} secondes : les vidéoprojecteurs allumés ou en veille répondent avec leur nom, leur marque et leur adresse.`),
      h(
        'p',
        { class: 'muted' },
        'Seuls les appareils récents (PJLink « classe 2 ») répondent à cette recherche, et seulement sur le réseau du serveur. Les autres s’ajoutent à la main avec « Nouvel appareil » et leur adresse IP.',
      ),
      progress,
    ],
    submitLabel: 'Lancer la recherche',
    busyLabel: 'Recherche en cours…',
    async submit() {
      progress.hidden = false;
      const started = Date.now();
      const tick = () => {
        const seconds = Math.min(DISCOVER_SECONDS, Math.floor((Date.now() - started) / 1000));
        fill.style.width = `${(seconds / DISCOVER_SECONDS) * 100}%`;
        bar.setAttribute('aria-valuenow', String(seconds));
        label.textContent = seconds < DISCOVER_SECONDS ? `Recherche en cours… ${seconds} s sur ${DISCOVER_SECONDS}` : 'Lecture des réponses…';
      };
      tick();
      const timer = setInterval(tick, 500);
      try {
        const answer = await api.post<DiscoverAnswer>(devicePaths.discover, { seconds: DISCOVER_SECONDS }, { signal: ctx.signal });
        return discoverResults(asArray<DiscoveredDevice>(answer, 'found'), ctx, rooms, onAdopted);
      } finally {
        clearInterval(timer);
        progress.hidden = true;
      }
    },
  });
}

function discoverResults(found: DiscoveredDevice[], ctx: PageContext, rooms: Room[], onAdopted: () => void): HTMLElement {
  if (found.length === 0) {
    return h(
      'div',
      { 'data-testid': 'discover-results', 'data-count': '0' },
      h('p', { class: 'empty-state-title' }, 'Aucun vidéoprojecteur n’a répondu.'),
      h(
        'p',
        { class: 'muted' },
        'Vérifiez qu’ils sont branchés, que leur réseau est activé (menu Réseau ou LAN, option « PJLink » ou « Contrôle réseau », parfois « Veille réseau » à activer), puis relancez la recherche. Vous pouvez aussi les ajouter à la main avec leur adresse IP.',
      ),
    );
  }
  const unknown = found.filter((f) => f.deviceId === null || f.deviceId === undefined).length;
  return h(
    'div',
    { 'data-testid': 'discover-results', 'data-count': found.length },
    h('p', null, `${plural(found.length, 'appareil a répondu', 'appareils ont répondu')}, dont ${plural(unknown, 'nouveau', 'nouveaux')}.`),
    h(
      'div',
      { class: 'table-wrap' },
      dataTable<DiscoveredDevice>({
        caption: 'Vidéoprojecteurs trouvés sur le réseau',
        rows: found,
        rowAttrs: (f) => ({ 'data-testid': 'discover-row', 'data-mac': f.mac, 'data-known': String(f.deviceId !== null && f.deviceId !== undefined) }),
        columns: [
          {
            label: 'Appareil',
            cell: (f) =>
              h('span', null, h('strong', null, f.name || [f.manufacturer, f.model].filter(Boolean).join(' ') || 'Sans nom'), h('span', { class: 'cell-sub muted' }, [f.manufacturer, f.model].filter(Boolean).join(' · '))),
          },
          { label: 'Adresse', cell: (f) => h('span', null, h('span', { class: 'login' }, f.host || '—'), h('span', { class: 'cell-sub login muted' }, f.mac || '')) },
          { label: '', cell: (f) => adoptCell(f, ctx, rooms, onAdopted) },
        ],
      }),
    ),
  );
}

function adoptCell(found: DiscoveredDevice, ctx: PageContext, rooms: Room[], onAdopted: () => void): HTMLElement {
  const slot = h('span');
  if (found.deviceId !== null && found.deviceId !== undefined) {
    slot.append(h('a', { href: `#${deviceRoutes.device(found.deviceId)}` }, 'Déjà enregistré'));
    return slot;
  }
  const button = h('button', { type: 'button', class: 'button button-small button-primary', 'data-testid': 'discover-adopt' }, 'Ajouter');
  button.addEventListener('click', () =>
    openAdoptDialog(ctx, found, rooms, (device) => {
      slot.replaceChildren(device ? h('a', { href: `#${deviceRoutes.device(device.id)}`, 'data-testid': 'discover-adopted' }, 'Ajouté ✓') : h('span', { class: 'text-success' }, 'Ajouté ✓'));
      onAdopted();
    }),
  );
  slot.append(button);
  return slot;
}

function openAdoptDialog(ctx: PageContext, found: DiscoveredDevice, rooms: Room[], onDone: (device: Device | null) => void): void {
  const suggested = found.name || [found.manufacturer, found.model].filter(Boolean).join(' ') || `Vidéoprojecteur ${found.host}`;
  const name = textField({ label: 'Nom', name: 'name', required: true, value: suggested, maxlength: 100, hint: 'Le nom sous lequel les enseignants le verront, par exemple « Vidéoprojecteur salle 101 ».', testId: 'adopt-name' });
  const room = roomChooser(rooms, null);
  const kind = selectField({
    label: 'Type d’appareil',
    name: 'kind',
    value: 'projector',
    options: PJLINK_KINDS.map((value) => ({ value, label: kindLabel(value) })),
    testId: 'adopt-kind',
  });
  openDialog({
    title: 'Ajouter cet appareil',
    testId: 'adopt-dialog',
    signal: ctx.signal,
    content: [h('p', { class: 'muted' }, `${[found.manufacturer, found.model].filter(Boolean).join(' ') || 'Appareil'} à l’adresse ${found.host} (${found.mac}).`), name.element, room.element, kind.element],
    submitLabel: 'Ajouter',
    busyLabel: 'Ajout…',
    async submit() {
      name.setError(null);
      room.newRoom.setError(null);
      const chosenRoom = room.read();
      const body: AdoptInput = { mac: found.mac, host: found.host, name: name.control.value.trim(), room: chosenRoom ?? null, kind: kind.control.value as DeviceKind };
      if (!body.name) throw new FieldError('Indiquez un nom.', name);
      if (chosenRoom === undefined) throw new FieldError('Indiquez le nom de la nouvelle salle.', room.newRoom);
      const device = await api.post<Device>(devicePaths.adopt, body);
      notify(`« ${body.name} » a été ajouté.`);
      onDone(device && typeof device === 'object' && typeof device.id === 'number' ? device : null);
      return undefined;
    },
  });
}
