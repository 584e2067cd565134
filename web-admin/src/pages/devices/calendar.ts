// The calendar of « Planification »: closure periods (manual or from the national school calendar),
// public holidays, and the import of the « Calendrier scolaire » file for the school's zone.
import { api, errorMessage } from '../../api.ts';
import type { CalendarImportResult, CalendarInfo, ClosureInput, ClosurePeriod, SchoolZone } from '../../devices-types.ts';
import { h, uid } from '../../dom.ts';
import { notify } from '../../notify.ts';
import type { PageContext } from '../../router.ts';
import { card, loadingText } from '../../widgets/card.ts';
import { confirmDialog, openDialog } from '../../widgets/dialog.ts';
import { FieldError, selectField, textField, withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, plural } from '../directory/common.ts';
import { asArray, devicePaths, formatDay, getFeature } from './common.ts';
import { dateField, postText, readTextFile, remember, remembered } from './io.ts';

const DATASET_URL = 'https://data.education.gouv.fr/explore/dataset/fr-en-calendrier-scolaire/';
const ZONE_KEY = 'trousse.devices.zone';

const ZONES: { value: SchoolZone; label: string }[] = [
  { value: 'A', label: 'Zone A — Besançon, Bordeaux, Clermont-Ferrand, Dijon, Grenoble, Limoges, Lyon, Poitiers' },
  { value: 'B', label: 'Zone B — Aix-Marseille, Amiens, Lille, Nancy-Metz, Nantes, Nice, Normandie, Orléans-Tours, Reims, Rennes, Strasbourg' },
  { value: 'C', label: 'Zone C — Créteil, Montpellier, Paris, Toulouse, Versailles' },
];

/** The calendar card; `onChanged` after a closure was added, deleted or imported (next runs change). */
export function calendarCard(ctx: PageContext, onChanged: () => void): HTMLElement {
  const body = h('div', null, loadingText('Chargement du calendrier…'));
  // Kept across reloads: the zone chosen and the result of the last import stay shown.
  let importer: ReturnType<typeof importSection> | null = null;
  const load = async () => {
    try {
      const info = await getFeature<CalendarInfo>(devicePaths.calendar, ctx.signal);
      importer ??= importSection(ctx, changed);
      importer.setZone(info?.zone ?? null);
      body.replaceChildren(calendarView(ctx, info, importer.element, changed));
    } catch (error) {
      if (ctx.signal.aborted) return;
      const retry = h('button', { type: 'button', class: 'button', onClick: () => void load() }, 'Réessayer');
      body.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)), h('p', { class: 'actions-row' }, retry));
    }
  };
  const changed = () => {
    void load();
    onChanged();
  };
  void load();
  return card(
    { title: 'Calendrier : vacances et jours fériés', icon: 'calendar', testId: 'calendar-card' },
    h('p', { class: 'lead' }, 'Les règles marquées « sauf jours fériés et vacances » ne s’exécutent pas pendant ces périodes.'),
    body,
  );
}

function calendarView(ctx: PageContext, info: CalendarInfo | undefined, importer: HTMLElement, changed: () => void): HTMLElement {
  const closures = asArray<ClosurePeriod>(info?.closures).sort((a, b) => a.start.localeCompare(b.start));
  const holidays = asArray<{ date: string; label: string }>(info?.holidays).sort((a, b) => a.date.localeCompare(b.date));
  const add = h('button', { type: 'button', class: 'button', 'data-testid': 'closure-add' }, '+ Ajouter une période de fermeture');
  add.addEventListener('click', () => openClosureDialog(ctx, changed));

  return h(
    'div',
    { class: 'device-calendar' },
    h('h3', { class: 'section-title' }, 'Périodes de fermeture'),
    closures.length
      ? h(
          'div',
          { class: 'table-wrap' },
          dataTable<ClosurePeriod>({
            caption: 'Périodes de fermeture',
            testId: 'closures-table',
            rows: closures,
            rowAttrs: (c) => ({ 'data-testid': 'closure-row', 'data-id': c.id, 'data-source': c.source }),
            columns: [
              { label: 'Période', cell: (c) => h('strong', null, c.label) },
              { label: 'Du', cell: (c) => formatDay(c.start) },
              { label: 'Au (inclus)', cell: (c) => formatDay(c.end) },
              {
                label: 'Origine',
                cell: (c) =>
                  c.source === 'import' ? h('span', { class: 'badge badge-info' }, 'calendrier national') : h('span', { class: 'badge badge-neutral' }, 'ajoutée à la main'),
              },
              {
                label: 'Actions',
                cell: (c) => {
                  const remove = h('button', { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'closure-delete', 'aria-label': `Supprimer la période ${c.label}` }, 'Supprimer');
                  remove.addEventListener('click', () =>
                    confirmDialog({
                      title: 'Supprimer cette période ?',
                      testId: 'closure-delete-dialog',
                      signal: ctx.signal,
                      danger: true,
                      content: [h('p', null, `« ${c.label} » (du ${formatDay(c.start)} au ${formatDay(c.end)}) : les règles s’exécuteront à nouveau ces jours-là.`)],
                      confirmLabel: 'Supprimer la période',
                      busyLabel: 'Suppression…',
                      action: async () => {
                        await api.delete<unknown>(devicePaths.closure(c.id));
                      },
                      onSuccess: () => {
                        notify('La période a été supprimée.');
                        changed();
                      },
                    }),
                  );
                  return remove;
                },
              },
            ],
          }),
        )
      : emptyState('Aucune période de fermeture.', 'Importez le calendrier scolaire national ci-dessous, ou ajoutez une période à la main (pont, journée banalisée…).'),
    h('div', { class: 'actions-row' }, add),
    importer,
    h('h3', { class: 'section-title' }, 'Jours fériés'),
    holidays.length
      ? h(
          'ul',
          { class: 'device-holidays', 'data-testid': 'holidays' },
          holidays.map((day) => h('li', { 'data-testid': 'holiday-row', 'data-date': day.date }, h('span', { class: 'device-holiday-date' }, formatDay(day.date)), h('span', null, day.label))),
        )
      : h('p', { class: 'muted' }, 'Aucun jour férié connu.'),
    h('p', { class: 'muted small' }, 'Les jours fériés sont calculés par Trousse : rien à saisir.'),
  );
}

function openClosureDialog(ctx: PageContext, changed: () => void): void {
  const label = textField({ label: 'Nom de la période', name: 'label', required: true, maxlength: 100, placeholder: 'Pont de l’Ascension', testId: 'closure-label' });
  const start = dateField({ label: 'Premier jour de fermeture', name: 'start', testId: 'closure-start' });
  const end = dateField({ label: 'Dernier jour de fermeture (inclus)', name: 'end', testId: 'closure-end' });
  start.control.addEventListener('change', () => {
    if (!end.control.value || end.control.value < start.control.value) end.control.value = start.control.value;
  });
  openDialog({
    title: 'Ajouter une période de fermeture',
    testId: 'closure-dialog',
    signal: ctx.signal,
    content: [label.element, h('div', { class: 'form-row' }, start.element, end.element)],
    submitLabel: 'Ajouter',
    busyLabel: 'Enregistrement…',
    async submit() {
      for (const field of [label, start, end]) field.setError(null);
      const body: ClosureInput = { label: label.control.value.trim(), start: start.control.value, end: end.control.value };
      if (!body.label) throw new FieldError('Donnez un nom à la période.', label);
      if (!body.start) throw new FieldError('Indiquez le premier jour.', start);
      if (!body.end) throw new FieldError('Indiquez le dernier jour.', end);
      if (body.end < body.start) throw new FieldError('Le dernier jour ne peut pas précéder le premier.', end);
      await api.post<ClosurePeriod>(devicePaths.closures, body);
      notify(`La période « ${body.label} » a été ajoutée.`);
      return undefined;
    },
    onSuccess: changed,
  });
}

function importSection(ctx: PageContext, changed: () => void): { element: HTMLElement; setZone(zone: SchoolZone | null): void } {
  const zone = selectField({
    label: 'Zone de l’établissement',
    name: 'zone',
    value: remembered(ZONE_KEY) ?? '',
    options: [{ value: '', label: 'Choisissez la zone de votre académie…' }, ...ZONES],
    testId: 'calendar-zone',
  });
  let touched = false;
  zone.control.addEventListener('change', () => {
    touched = true;
  });
  const id = uid('calendar-file');
  const file = h('input', { type: 'file', id, accept: '.csv,.json,.ics,text/csv,application/json,text/calendar', 'data-testid': 'calendar-file' });
  const message = h('p', { class: 'form-message', role: 'status', 'data-testid': 'calendar-import-result' });
  const button = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'calendar-import' }, 'Importer le calendrier');
  button.addEventListener('click', async () => {
    message.className = 'form-message';
    message.textContent = '';
    const chosenZone = zone.control.value as SchoolZone | '';
    const chosen = file.files?.[0];
    const fail = (text: string) => {
      message.className = 'form-message form-message-error';
      message.textContent = text;
    };
    if (!chosenZone) return fail('Choisissez d’abord la zone de votre académie.');
    if (!chosen) return fail('Choisissez le fichier du calendrier scolaire téléchargé.');
    remember(ZONE_KEY, chosenZone);
    try {
      const answer = await withBusy(button, 'Import en cours…', async () => {
        const text = await readTextFile(chosen);
        return postText<CalendarImportResult | undefined>(devicePaths.calendarImport(chosenZone), text, 'text/plain; charset=utf-8', ctx.signal);
      });
      const count = typeof answer?.imported === 'number' ? answer.imported : null;
      const warnings = asArray<string>(answer?.warnings);
      message.className = 'form-message form-message-success';
      message.replaceChildren(
        count === null
          ? `Calendrier de la zone ${chosenZone} importé.`
          : `Calendrier de la zone ${chosenZone} importé : ${plural(count, 'période de vacances', 'périodes de vacances')}.`,
        warnings.length ? h('ul', { class: 'small' }, warnings.slice(0, 20).map((text) => h('li', null, text))) : '',
      );
      file.value = '';
      changed();
    } catch (error) {
      if (!ctx.signal.aborted) fail(errorMessage(error));
    }
  });

  const element = h(
    'section',
    { class: 'settings-group device-calendar-import', 'aria-labelledby': `${id}-title`, 'data-testid': 'calendar-import-section' },
    h('h3', { class: 'section-title', id: `${id}-title` }, 'Importer le calendrier scolaire national'),
    h(
      'ol',
      { class: 'where-list' },
      h(
        'li',
        null,
        'Sur le site ',
        h('a', { href: DATASET_URL, target: '_blank', rel: 'noopener noreferrer' }, 'data.education.gouv.fr'),
        ', ouvrez le jeu de données « Calendrier scolaire ».',
      ),
      h('li', null, 'Dans l’onglet « Export », téléchargez le fichier au format CSV (ou JSON, ou iCalendar .ics).'),
      h('li', null, 'Choisissez ci-dessous la zone de votre académie et le fichier téléchargé, puis cliquez sur « Importer le calendrier ».'),
    ),
    h('p', { class: 'muted small' }, 'Trousse ne garde que les vacances de la zone choisie. Recommencez chaque année, quand le calendrier de l’année suivante est publié.'),
    h('div', { class: 'form-row' }, zone.element, h('div', { class: 'field' }, h('label', { for: id }, 'Fichier du calendrier'), file)),
    message,
    h('div', { class: 'actions-row' }, button),
  );
  return {
    element,
    /** The zone of the last import (the daemon knows it), unless the user already chose one here. */
    setZone(last) {
      if (last && !touched) zone.control.value = last;
    },
  };
}
