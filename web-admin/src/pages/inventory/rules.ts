// « Règles de vieillissement » (/inventaire/regles): when an item is « À surveiller », « Hors
// garantie », « À renouveler » or « En panne » — warranty and renewal ages, notice, lamp and filter
// hours (with exceptions per projector model), disk fill, agents that stopped reporting. Saving
// re-assesses the whole park and says which items changed status.
import { api, errorMessage } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { type AgeingRules, DEFAULT_AGEING_RULES, type InventoryItem, type LampRule } from '../../inventory-types.ts';
import type { Page, PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { type Field, numberField, withBusy } from '../../widgets/fields.ts';
import { loadInto, plural } from '../directory/common.ts';
import { fetchItems, getInventory, inventoryPaths, inventoryRoutes, statusBadge, statusMoves } from './common.ts';

type NumberKey = Exclude<keyof AgeingRules, 'lampRules'>;

interface NumberSpec {
  label: string;
  hint: string;
  min: number;
  max: number;
  unit: string;
}

const fr = (n: number) => formatInteger(n);

/** Bounds of daemon/src/inventory/ageing.ts (validateRules). */
const NUMBERS: Record<NumberKey, NumberSpec> = {
  warrantyYears: {
    label: 'Durée de garantie supposée',
    hint: `Quand la fin de garantie n’est pas connue, Trousse la compte à partir de la date d’achat. Par défaut : ${fr(DEFAULT_AGEING_RULES.warrantyYears)} ans.`,
    min: 1,
    max: 20,
    unit: 'ans',
  },
  renewalYears: {
    label: 'Âge de renouvellement',
    hint: `Au-delà, le matériel est « À renouveler ». Par défaut : ${fr(DEFAULT_AGEING_RULES.renewalYears)} ans.`,
    min: 1,
    max: 20,
    unit: 'ans',
  },
  warnDays: {
    label: 'Préavis',
    hint: `Le matériel passe « À surveiller » ce nombre de jours avant la fin de sa garantie ou son âge de renouvellement, le temps de prévoir le budget. Par défaut : ${fr(DEFAULT_AGEING_RULES.warnDays)} jours.`,
    min: 0,
    max: 730,
    unit: 'jours',
  },
  lampWarnHours: {
    label: 'Lampe : alerte à',
    hint: `« À surveiller » à partir de ce nombre d’heures : le temps de commander une lampe. Par défaut : ${fr(DEFAULT_AGEING_RULES.lampWarnHours)} heures.`,
    min: 1,
    max: 100_000,
    unit: 'heures',
  },
  lampReplaceHours: {
    label: 'Lampe : remplacement à',
    hint: `« En panne » à partir de ce nombre d’heures (la durée de vie indiquée dans la notice). Par défaut : ${fr(DEFAULT_AGEING_RULES.lampReplaceHours)} heures.`,
    min: 1,
    max: 100_000,
    unit: 'heures',
  },
  filterCleanHours: {
    label: 'Filtre : nettoyage toutes les',
    hint: `Par défaut : ${fr(DEFAULT_AGEING_RULES.filterCleanHours)} heures.`,
    min: 1,
    max: 100_000,
    unit: 'heures',
  },
  diskWarnPercent: {
    label: 'Disque : alerte à',
    hint: `« À surveiller » quand un disque est rempli à ce point. Par défaut : ${fr(DEFAULT_AGEING_RULES.diskWarnPercent)} %.`,
    min: 1,
    max: 100,
    unit: '%',
  },
  diskFullPercent: {
    label: 'Disque : plein à',
    hint: `« En panne » au-delà : l’ordinateur risque de ne plus fonctionner correctement. Par défaut : ${fr(DEFAULT_AGEING_RULES.diskFullPercent)} %.`,
    min: 1,
    max: 100,
    unit: '%',
  },
  staleDays: {
    label: 'Ordinateur silencieux depuis',
    hint: `Un ordinateur dont l’agent n’a pas envoyé d’inventaire depuis ce nombre de jours passe « À surveiller » (agent arrêté, ordinateur débranché ou disparu ?). Par défaut : ${fr(DEFAULT_AGEING_RULES.staleDays)} jours.`,
    min: 1,
    max: 3650,
    unit: 'jours',
  },
};

const GROUPS: { legend: string; intro: string; keys: NumberKey[]; lampRules?: boolean }[] = [
  {
    legend: 'Garantie et renouvellement',
    intro: 'Pour tout le matériel dont la date d’achat est connue (registre des achats ou fiche du matériel). Sans date d’achat, l’âge des ordinateurs est estimé d’après la date de leur BIOS.',
    keys: ['warrantyYears', 'renewalYears', 'warnDays'],
  },
  {
    legend: 'Vidéoprojecteurs, tableaux et écrans interactifs',
    intro: 'Les heures de lampe et de filtre viennent des appareils eux-mêmes (PJLink, dans « Salles et appareils »).',
    keys: ['lampWarnHours', 'lampReplaceHours', 'filterCleanHours'],
    lampRules: true,
  },
  { legend: 'Disques des ordinateurs', intro: 'D’après le dernier inventaire de chaque ordinateur.', keys: ['diskWarnPercent', 'diskFullPercent'] },
  { legend: 'Ordinateurs qui n’envoient plus leur inventaire', intro: '', keys: ['staleDays'] },
];

export const rulesPage: Page = {
  path: inventoryRoutes.rules,
  title: 'Règles de vieillissement',
  roles: ['administrator'],
  group: 'inventaire',
  render(container, ctx) {
    const slot = h('div');
    container.append(h('div', { class: 'settings-page page-fit', 'data-testid': 'inventory-rules-page' }, slot));
    return loadInto(
      slot,
      ctx,
      () => getInventory<AgeingRules>(inventoryPaths.rules, ctx.signal),
      (rules) => slot.replaceChildren(rulesCard(ctx, { ...DEFAULT_AGEING_RULES, ...(rules ?? {}) })),
      'Chargement des règles…',
    );
  },
};

interface LampRow {
  element: HTMLTableRowElement;
  match: HTMLInputElement;
  warn: HTMLInputElement;
  replace: HTMLInputElement;
  filter: HTMLInputElement;
}

function rulesCard(ctx: PageContext, loaded: AgeingRules): HTMLElement {
  const numbers = new Map<NumberKey, ReturnType<typeof numberField>>();
  for (const key of Object.keys(NUMBERS) as NumberKey[]) {
    const spec = NUMBERS[key];
    numbers.set(key, numberField({ label: spec.label, name: key, value: loaded[key], min: spec.min, max: spec.max, unit: spec.unit, hint: spec.hint, testId: `rule-${key}` }));
  }

  // ---- lamp rules per model
  const lampBody = h('tbody');
  const lampRows: LampRow[] = [];
  const lampEmpty = h('p', { class: 'muted small', 'data-testid': 'lamp-rules-empty' }, 'Aucune règle particulière : tous les modèles suivent les valeurs ci-dessus.');
  const lampTable = h(
    'table',
    { class: 'data-table inventory-lamp-rules', 'data-testid': 'lamp-rules' },
    h('caption', { class: 'sr-only' }, 'Règles de lampe par modèle'),
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, 'Modèle (tout ou partie du nom)'), h('th', { scope: 'col' }, 'Alerte (h)'), h('th', { scope: 'col' }, 'Remplacement (h)'), h('th', { scope: 'col' }, 'Filtre (h, facultatif)'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Retirer'))),
    ),
    lampBody,
  );
  const refreshLamp = () => {
    lampTable.hidden = lampRows.length === 0;
    lampEmpty.hidden = lampRows.length > 0;
  };
  const addLampRow = (rule: Partial<LampRule>) => {
    const n = lampRows.length + 1;
    const input = (label: string, value: string | number | null | undefined, kind: 'text' | 'number', testId: string) => {
      const control = h('input', { type: kind, 'aria-label': `${label}, règle ${n}`, class: kind === 'number' ? 'input-number' : 'inventory-lamp-match', 'data-testid': testId, min: kind === 'number' ? 1 : undefined, max: kind === 'number' ? 100_000 : undefined, step: kind === 'number' ? 1 : undefined, maxlength: kind === 'text' ? 100 : undefined, placeholder: kind === 'text' ? 'par exemple EB-X41' : undefined });
      control.value = value === null || value === undefined ? '' : String(value);
      return control;
    };
    const row: LampRow = {
      match: input('Modèle', rule.match, 'text', 'lamp-rule-match'),
      warn: input('Alerte en heures', rule.warnHours, 'number', 'lamp-rule-warn'),
      replace: input('Remplacement en heures', rule.replaceHours, 'number', 'lamp-rule-replace'),
      filter: input('Filtre en heures', rule.filterHours, 'number', 'lamp-rule-filter'),
      element: h('tr', { 'data-testid': 'lamp-rule' }),
    };
    const remove = h('button', { type: 'button', class: 'button button-small button-danger-outline', 'aria-label': `Retirer la règle ${n}` }, 'Retirer');
    remove.addEventListener('click', () => {
      lampRows.splice(lampRows.indexOf(row), 1);
      row.element.remove();
      refreshLamp();
      success.textContent = '';
    });
    row.element.append(h('td', null, row.match), h('td', null, row.warn), h('td', null, row.replace), h('td', null, row.filter), h('td', null, remove));
    lampRows.push(row);
    lampBody.append(row.element);
    refreshLamp();
    return row;
  };
  for (const rule of loaded.lampRules ?? []) addLampRow(rule);
  refreshLamp();
  const addLamp = h('button', { type: 'button', class: 'button button-small', 'data-testid': 'lamp-rule-add' }, '+ Ajouter un modèle');
  addLamp.addEventListener('click', () => {
    addLampRow({ warnHours: Number(numbers.get('lampWarnHours')?.control.value) || DEFAULT_AGEING_RULES.lampWarnHours, replaceHours: Number(numbers.get('lampReplaceHours')?.control.value) || DEFAULT_AGEING_RULES.lampReplaceHours }).match.focus();
  });
  const lampSection = h(
    'fieldset',
    { class: 'settings-subgroup' },
    h('legend', null, 'Modèles dont la lampe dure plus ou moins longtemps'),
    h('p', { class: 'field-hint' }, 'Par exemple une lampe laser de 20 000 heures. Le modèle est reconnu s’il apparaît dans le fabricant ou le modèle du vidéoprojecteur (majuscules indifférentes).'),
    lampEmpty,
    h('div', { class: 'table-wrap' }, lampTable),
    h('div', null, addLamp),
  );

  // ---- form
  const message = h('p', { class: 'form-message', role: 'alert', 'data-testid': 'rules-error' });
  const success = h('div', { role: 'status', 'data-testid': 'rules-saved' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'rules-submit' }, 'Enregistrer');
  const defaults = h('button', { type: 'button', class: 'button', 'data-testid': 'rules-defaults' }, 'Remettre les valeurs par défaut');
  defaults.addEventListener('click', () => {
    for (const [key, field] of numbers) field.control.value = String(DEFAULT_AGEING_RULES[key]);
    success.replaceChildren(h('p', { class: 'form-message form-message-info' }, 'Valeurs par défaut remises dans le formulaire (les règles par modèle sont gardées) : cliquez sur « Enregistrer » pour les appliquer.'));
  });

  const groups = GROUPS.map((group) =>
    h(
      'fieldset',
      { class: 'settings-group' },
      h('legend', null, group.legend),
      group.intro ? h('p', { class: 'field-hint' }, group.intro) : null,
      group.keys.map((key) => numbers.get(key)?.element),
      group.lampRules ? lampSection : null,
    ),
  );
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true, 'aria-label': 'Règles de vieillissement' },
    h(
      'p',
      { class: 'lead' },
      'Ces règles décident de l’état de chaque matériel du parc. Les valeurs par défaut (garantie de 4 ans, renouvellement à 5 ans, lampe de 2 500 à 3 000 heures) conviennent à la plupart des établissements ; adaptez-les aux marchés du département.',
    ),
    groups,
    message,
    success,
    h('div', { class: 'form-actions' }, submit, defaults),
  );

  const fail = (text: string, field: Field<HTMLElement> | HTMLInputElement | null) => {
    message.className = 'form-message form-message-error';
    message.textContent = text;
    if (field instanceof HTMLInputElement) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    } else if (field) {
      field.setError(text);
      field.control.focus();
    }
  };
  form.addEventListener('input', () => {
    success.replaceChildren();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.className = 'form-message';
    message.textContent = '';
    success.replaceChildren();
    for (const field of numbers.values()) field.setError(null);
    for (const row of lampRows) for (const c of [row.match, row.warn, row.replace, row.filter]) c.removeAttribute('aria-invalid');

    const body: Partial<AgeingRules> = {};
    for (const [key, field] of numbers) {
      const spec = NUMBERS[key];
      const value = field.read();
      if (value === null || value < spec.min || value > spec.max) {
        return fail(`${spec.label} : un nombre entier de ${fr(spec.min)} à ${fr(spec.max)} ${spec.unit}.`, field);
      }
      body[key] = value;
    }
    if ((body.lampWarnHours ?? 0) > (body.lampReplaceHours ?? 0)) {
      return fail('L’alerte de lampe doit venir avant le remplacement (moins d’heures).', numbers.get('lampWarnHours') ?? null);
    }
    if ((body.diskWarnPercent ?? 0) >= (body.diskFullPercent ?? 0)) {
      return fail('L’alerte de remplissage des disques doit être inférieure au seuil « plein ».', numbers.get('diskWarnPercent') ?? null);
    }
    const lampRules: LampRule[] = [];
    for (const [index, row] of lampRows.entries()) {
      const where = `Règle de lampe n° ${index + 1}`;
      const match = row.match.value.trim();
      if (!match) return fail(`${where} : indiquez le modèle visé (par exemple « EB-X41 »), ou retirez la ligne.`, row.match);
      const int = (control: HTMLInputElement) => (/^\d+$/.test(control.value.trim()) ? Number(control.value.trim()) : null);
      const warn = int(row.warn);
      const replace = int(row.replace);
      if (warn === null || warn < 1 || warn > 100_000) return fail(`${where} : l’alerte est un nombre d’heures de 1 à 100 000.`, row.warn);
      if (replace === null || replace < 1 || replace > 100_000) return fail(`${where} : le remplacement est un nombre d’heures de 1 à 100 000.`, row.replace);
      if (warn > replace) return fail(`${where} : l’alerte doit venir avant le remplacement.`, row.warn);
      const rule: LampRule = { match, warnHours: warn, replaceHours: replace };
      if (row.filter.value.trim()) {
        const filter = int(row.filter);
        if (filter === null || filter < 1 || filter > 100_000) return fail(`${where} : le filtre est un nombre d’heures de 1 à 100 000, ou vide.`, row.filter);
        rule.filterHours = filter;
      }
      lampRules.push(rule);
    }
    body.lampRules = lampRules;

    try {
      const result = await withBusy(submit, 'Enregistrement et nouveau calcul…', async () => {
        const before = await fetchItems(ctx.signal).catch(() => null);
        await api.put<AgeingRules>(inventoryPaths.rules, body);
        const after = await fetchItems(ctx.signal).catch(() => null);
        return { before, after };
      });
      success.replaceChildren(savedView(result.before, result.after));
    } catch (error) {
      if (!ctx.signal.aborted) fail(errorMessage(error), null);
    }
  });
  return card({ title: 'Règles', icon: 'settings', testId: 'inventory-rules' }, form);
}

function savedView(before: InventoryItem[] | null, after: InventoryItem[] | null): HTMLElement {
  if (!before || !after) return h('p', { class: 'form-message form-message-success' }, 'Les règles ont été enregistrées et le parc a été réévalué.');
  const changed = statusMoves(before, after);
  const moved = changed.length;
  return h(
    'div',
    { class: 'form-message form-message-success', 'data-testid': 'rules-result', 'data-changed': moved },
    h(
      'p',
      null,
      'Les règles ont été enregistrées et le parc a été réévalué : ',
      moved === 0 ? 'aucun matériel n’a changé d’état.' : `${plural(moved, 'matériel a changé d’état', 'matériels ont changé d’état')}.`,
    ),
    changed.length
      ? h(
          'ul',
          { class: 'inventory-moved' },
          changed.slice(0, 10).map(({ item, was }) =>
            h(
              'li',
              { 'data-testid': 'rules-moved', 'data-id': item.id },
              h('a', { href: `#${inventoryRoutes.item(item.id)}` }, item.name),
              ' : ',
              statusBadge(was, 'rules-moved-before'),
              ' → ',
              statusBadge(item.status, 'rules-moved-after'),
            ),
          ),
          changed.length > 10 ? h('li', { class: 'muted' }, `… et ${formatInteger(changed.length - 10)} autres.`) : null,
        )
      : null,
  );
}
