// « Planification » (/salles/planification): the schedule rules, the next runs (with those skipped
// for a holiday or closure), and the calendar (closures, public holidays, national calendar import).
import { api, errorMessage } from '../../api.ts';
import { type Room, SCHEDULE_ACTIONS, type ScheduleAction, type ScheduleInput, type ScheduleList, type ScheduleRule, type ScheduleRun } from '../../devices-types.ts';
import { h, uid } from '../../dom.ts';
import { formatMoment } from '../../format.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { confirmDialog, openDialog } from '../../widgets/dialog.ts';
import { checkboxField, FieldError, selectField, textField } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, loadInto, toolbar } from '../directory/common.ts';
import { calendarCard } from './calendar.ts';
import { shutdownCard } from './shutdown.ts';
import { ACTION_LABELS, asArray, daysText, devicePaths, deviceRoutes, fetchRooms, getFeature, WEEKDAYS } from './common.ts';

const MAX_NEXT = 15;

interface Data {
  rules: ScheduleRule[];
  next: ScheduleRun[];
  rooms: Room[];
}

export const planningPage: Page = {
  path: deviceRoutes.planning,
  title: 'Planification',
  roles: ['administrator'],
  group: 'salles',
  render(container, ctx) {
    let data: Data = { rules: [], next: [], rooms: [] };
    const rulesSlot = h('div', { class: 'directory-page' });
    const add = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'schedule-add' }, '+ Nouvelle règle');
    add.addEventListener('click', () => openRuleDialog(ctx, null, data.rooms, () => void reload()));
    container.append(
      h(
        'div',
        { class: 'directory-page page-fit', 'data-testid': 'planning-page' },
        toolbar(
          h(
            'p',
            { class: 'muted' },
            'Trousse peut réveiller les ordinateurs avant la première heure et éteindre ordinateurs et vidéoprojecteurs le soir, salle par salle. Les jours fériés et les vacances sont sautés si vous le souhaitez : renseignez pour cela le calendrier plus bas.',
          ),
          add,
        ),
        rulesSlot,
        calendarCard(ctx, () => void reload()),
        shutdownCard(ctx),
      ),
    );

    const load = async (): Promise<Data> => {
      const [list, rooms] = await Promise.all([
        getFeature<ScheduleList>(devicePaths.schedules, ctx.signal),
        fetchRooms(ctx.signal).catch(() => [] as Room[]),
      ]);
      return { rules: asArray<ScheduleRule>(list?.rules), next: asArray<ScheduleRun>(list?.next), rooms };
    };
    const show = (next: Data) => {
      data = next;
      rulesSlot.replaceChildren(rulesCard(ctx, data, () => void reload()), nextCard(data));
    };
    const reload = async () => {
      try {
        show(await load());
      } catch (error) {
        if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
      }
    };
    return loadInto(rulesSlot, ctx, load, show, 'Chargement de la planification…');
  },
};

function roomsText(rule: ScheduleRule, rooms: Room[]): string {
  if (!rule.rooms?.length) return 'toutes les salles';
  const names = new Map(rooms.map((room) => [room.id, room.name]));
  return rule.rooms.map((id) => names.get(id) ?? `salle n° ${id} (supprimée)`).join(', ');
}

function actionLabel(action: string): string {
  return (ACTION_LABELS as Record<string, string>)[action] ?? action;
}

function inputOf(rule: ScheduleRule): ScheduleInput {
  return { label: rule.label, action: rule.action, rooms: rule.rooms ?? [], days: rule.days ?? [], time: rule.time, skipClosures: rule.skipClosures, enabled: rule.enabled };
}

function rulesCard(ctx: PageContext, data: Data, reload: () => void): HTMLElement {
  const rules = [...data.rules].sort((a, b) => (a.time ?? '').localeCompare(b.time ?? '') || a.label.localeCompare(b.label, 'fr'));
  const body = rules.length
    ? h(
        'div',
        { class: 'table-wrap' },
        dataTable<ScheduleRule>({
          caption: 'Règles de planification',
          testId: 'schedule-table',
          rows: rules,
          rowAttrs: (rule) => ({ 'data-testid': 'schedule-row', 'data-id': rule.id, 'data-enabled': String(rule.enabled), class: rule.enabled ? undefined : 'is-disabled' }),
          columns: [
            { label: 'Règle', cell: (rule) => h('strong', null, rule.label || actionLabel(rule.action)) },
            { label: 'Action', cell: (rule) => actionLabel(rule.action) },
            { label: 'Salles', cell: (rule) => roomsText(rule, data.rooms) },
            { label: 'Jours', cell: (rule) => daysText(rule.days) },
            { label: 'Heure', cell: (rule) => h('span', { class: 'numeric-text' }, rule.time) },
            { label: 'Fériés et vacances', cell: (rule) => (rule.skipClosures ? 'sautés' : h('span', { class: 'text-warning' }, 'aussi')) },
            { label: 'Active', cell: (rule) => enabledToggle(ctx, rule, reload) },
            {
              label: 'Actions',
              cell: (rule) => {
                const edit = h('button', { type: 'button', class: 'button button-small', 'data-testid': 'schedule-edit', 'aria-label': `Modifier la règle ${rule.label}` }, 'Modifier');
                edit.addEventListener('click', () => openRuleDialog(ctx, rule, data.rooms, reload));
                const remove = h('button', { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'schedule-delete', 'aria-label': `Supprimer la règle ${rule.label}` }, 'Supprimer');
                remove.addEventListener('click', () =>
                  confirmDialog({
                    title: 'Supprimer cette règle ?',
                    testId: 'schedule-delete-dialog',
                    signal: ctx.signal,
                    danger: true,
                    content: [h('p', null, `« ${rule.label || actionLabel(rule.action)} » (${actionLabel(rule.action).toLowerCase()}, ${daysText(rule.days)} à ${rule.time}) ne s’exécutera plus.`)],
                    confirmLabel: 'Supprimer la règle',
                    busyLabel: 'Suppression…',
                    action: async () => {
                      await api.delete<unknown>(devicePaths.schedule(rule.id));
                    },
                    onSuccess: () => {
                      notify('La règle a été supprimée.');
                      reload();
                    },
                  }),
                );
                return h('span', { class: 'device-row-actions' }, edit, remove);
              },
            },
          ],
        }),
      )
    : emptyState(
        'Aucune règle pour le moment.',
        'Par exemple : « Réveiller les ordinateurs » du lundi au vendredi à 7 h 45, et « Éteindre les ordinateurs » et « Éteindre les vidéoprojecteurs » à 18 h 30.',
      );
  return card({ title: 'Règles', icon: 'clock', testId: 'schedule-rules' }, body);
}

function enabledToggle(ctx: PageContext, rule: ScheduleRule, reload: () => void): HTMLElement {
  const id = uid('schedule-enabled');
  const box = h('input', { type: 'checkbox', id, 'data-testid': 'schedule-enabled' });
  box.checked = rule.enabled;
  box.addEventListener('change', async () => {
    const enabled = box.checked;
    box.disabled = true;
    try {
      await api.put<ScheduleRule>(devicePaths.schedule(rule.id), { ...inputOf(rule), enabled });
      notify(enabled ? 'La règle est active.' : 'La règle est en pause : elle ne s’exécutera plus jusqu’à ce que vous la réactiviez.');
      reload();
    } catch (error) {
      box.checked = !enabled;
      if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
    } finally {
      box.disabled = false;
    }
  });
  return h('span', { class: 'field-check-row' }, box, h('label', { for: id }, rule.enabled ? 'oui' : 'en pause'));
}

function nextCard(data: Data): HTMLElement {
  const rules = new Map(data.rules.map((rule) => [rule.id, rule]));
  const next = [...data.next].sort((a, b) => a.at.localeCompare(b.at)).slice(0, MAX_NEXT);
  return card(
    { title: 'Prochaines exécutions', icon: 'clock', testId: 'schedule-next' },
    next.length
      ? h(
          'ul',
          { class: 'device-next-list' },
          next.map((run) => {
            const rule = rules.get(run.ruleId);
            return h(
              'li',
              { class: run.skipped ? 'is-skipped' : undefined, 'data-testid': 'next-run', 'data-rule': run.ruleId, 'data-skipped': String(Boolean(run.skipped)) },
              h('span', { class: 'device-next-when' }, formatMoment(run.at)),
              h(
                'span',
                null,
                h('strong', null, rule ? rule.label || actionLabel(rule.action) : `Règle n° ${run.ruleId}`),
                rule ? h('span', { class: 'cell-sub muted' }, `${actionLabel(rule.action)} · ${roomsText(rule, data.rooms)}`) : null,
              ),
              run.skipped ? h('span', { class: 'badge badge-warning' }, `sautée : ${run.skipped}`) : h('span', { class: 'badge badge-info' }, 'prévue'),
            );
          }),
        )
      : h('p', { class: 'muted' }, data.rules.some((rule) => rule.enabled) ? 'Aucune exécution prévue dans les prochains jours.' : 'Aucune règle active : rien n’est prévu.'),
  );
}

export function openRuleDialog(ctx: PageContext, rule: ScheduleRule | null, rooms: Room[], onSaved: () => void): void {
  const action = selectField({
    label: 'Action',
    name: 'action',
    value: rule?.action ?? 'wake-pcs',
    options: SCHEDULE_ACTIONS.map((value) => ({ value, label: ACTION_LABELS[value] })),
    testId: 'schedule-action',
  });
  const label = textField({
    label: 'Nom de la règle',
    name: 'label',
    optional: true,
    value: rule?.label ?? '',
    maxlength: 100,
    placeholder: 'Réveil des PC avant la première heure',
    hint: 'Pour vous y retrouver. Laissé vide, le nom de l’action est utilisé.',
    testId: 'schedule-label',
  });
  const time = textField({ label: 'Heure', name: 'time', required: true, value: rule?.time ?? '07:45', hint: 'Heure de Paris.', testId: 'schedule-time' });
  time.control.type = 'time';

  const dayBoxes = WEEKDAYS.map((w) => {
    const id = uid('schedule-day');
    const box = h('input', { type: 'checkbox', id, value: w.day, 'data-testid': 'schedule-day', 'data-day': w.day });
    box.checked = rule ? (rule.days ?? []).includes(w.day) : w.day <= 5;
    return { day: w.day, box, element: h('span', { class: 'device-day' }, box, h('label', { for: id, title: w.long }, w.short)) };
  });
  const roomBoxes = rooms.map((room) => {
    const id = uid('schedule-room');
    const box = h('input', { type: 'checkbox', id, value: room.id, 'data-testid': 'schedule-room', 'data-room': room.name });
    box.checked = (rule?.rooms ?? []).includes(room.id);
    return { id: room.id, box, element: h('li', { class: 'check-item' }, box, h('label', { for: id }, room.name)) };
  });
  const roomsHint = h('p', { class: 'field-hint' });
  const refreshRoomsHint = () => {
    const count = roomBoxes.filter((r) => r.box.checked).length;
    roomsHint.textContent = count === 0 ? 'Aucune salle cochée : la règle s’applique à toutes les salles.' : 'La règle s’applique seulement aux salles cochées.';
  };
  for (const r of roomBoxes) r.box.addEventListener('change', refreshRoomsHint);
  refreshRoomsHint();

  const skip = checkboxField({
    label: 'Sauf jours fériés et vacances',
    name: 'skipClosures',
    checked: rule?.skipClosures ?? true,
    hint: 'Les jours fériés et les périodes de fermeture du calendrier ci-dessous sont sautés.',
    testId: 'schedule-skip-closures',
  });
  const enabled = checkboxField({ label: 'Règle active', name: 'enabled', checked: rule?.enabled ?? true, testId: 'schedule-enabled-field' });
  const daysGroup = h('fieldset', { class: 'settings-subgroup' }, h('legend', null, 'Jours'), h('div', { class: 'device-days' }, dayBoxes.map((d) => d.element)));

  const handle = openDialog({
    title: rule ? 'Modifier la règle' : 'Nouvelle règle',
    testId: 'schedule-dialog',
    signal: ctx.signal,
    content: [
      action.element,
      label.element,
      h(
        'fieldset',
        { class: 'settings-subgroup' },
        h('legend', null, 'Salles'),
        roomsHint,
        roomBoxes.length ? h('div', { class: 'check-list' }, h('ul', null, roomBoxes.map((r) => r.element))) : h('p', { class: 'muted small' }, 'Aucune salle n’est encore créée.'),
      ),
      daysGroup,
      time.element,
      skip.element,
      enabled.element,
    ],
    submitLabel: rule ? 'Enregistrer' : 'Créer la règle',
    busyLabel: 'Enregistrement…',
    async submit() {
      time.setError(null);
      const chosen = action.control.value as ScheduleAction;
      const body: ScheduleInput = {
        label: label.control.value.trim() || ACTION_LABELS[chosen],
        action: chosen,
        rooms: roomBoxes.filter((r) => r.box.checked).map((r) => r.id),
        days: dayBoxes.filter((d) => d.box.checked).map((d) => d.day),
        time: time.control.value.trim(),
        skipClosures: skip.control.checked,
        enabled: enabled.control.checked,
      };
      if (body.days.length === 0) throw new FieldError('Cochez au moins un jour.');
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(body.time)) throw new FieldError('Indiquez l’heure sous la forme 07:45.', time);
      if (rule) await api.put<ScheduleRule>(devicePaths.schedule(rule.id), body);
      else await api.post<ScheduleRule>(devicePaths.schedules, body);
      notify(rule ? 'La règle a été enregistrée.' : 'La règle a été créée.');
      return undefined;
    },
    onSuccess: onSaved,
  });
  handle.element.classList.add('dialog-wide');
}
