// "Quotas": the limits per profile (settings), each account's usage with its state, particular
// quotas, « Mesurer maintenant ».
import { api, errorMessage, isAbort } from '../../api.ts';
import type { Profile } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatBytes, formatDateTime, formatInteger, formatMoment, formatPercent } from '../../format.ts';
import { notify } from '../../notify.ts';
import { type Page, type PageContext, replaceQuery } from '../../router.ts';
import type { MeasureResult, QuotaLimits, QuotaLine, QuotaList, ShareSettings } from '../../shares-types.ts';
import { card, loadingText } from '../../widgets/card.ts';
import { openDialog } from '../../widgets/dialog.ts';
import { checkboxField, type Field, FieldError, numberField, textField, withBusy } from '../../widgets/fields.ts';
import { dataTable, pager } from '../../widgets/paged-table.ts';
import { emptyState, loginText, PROFILE_LABELS, PROFILE_PLURALS, plural, routes, toolbar } from '../directory/common.ts';
import { MB, quotaModeBlock, quotaStateBadge, sharePaths, shareRoutes } from './common.ts';

const PROFILES: Profile[] = ['eleve', 'enseignant', 'personnel'];
const MIN_MB = 10;
const MAX_MB = 10_000_000;
const PAGE_SIZE = 100;

type NumberInput = ReturnType<typeof numberField>;

export const quotasPage: Page = {
  path: shareRoutes.quotas,
  title: 'Quotas',
  roles: ['administrator'],
  group: 'partages',
  render(container, ctx) {
    const state = {
      over: ctx.query.get('over') === '1',
      q: (ctx.query.get('q') ?? '').slice(0, 100),
      page: 1,
      items: [] as QuotaLine[],
    };

    const measureMessage = h('p', { class: 'form-message form-message-error', role: 'alert', 'data-testid': 'quota-measure-message' });
    const measure = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'quota-measure' }, 'Mesurer maintenant');
    measure.addEventListener('click', async () => {
      measureMessage.textContent = '';
      try {
        const result = await withBusy(measure, 'Mesure en cours…', () => api.post<MeasureResult>(sharePaths.measure));
        notify(
          `${plural(result.measured, 'compte mesuré', 'comptes mesurés')}${result.over ? `, dont ${formatInteger(result.over)} au-delà d’une limite` : ', aucun dépassement'}.`,
        );
        void load();
      } catch (error) {
        if (!ctx.signal.aborted) measureMessage.textContent = errorMessage(error);
      }
    });

    const over = checkboxField({ label: 'Seulement les dépassements', name: 'over', checked: state.over, testId: 'quota-over' });
    const search = textField({
      label: 'Rechercher',
      name: 'q',
      type: 'search',
      value: state.q,
      placeholder: 'Nom ou identifiant',
      spellcheck: false,
      testId: 'quota-search',
    });
    const mode = h('div');
    const total = h('p', { class: 'list-total', role: 'status', 'data-testid': 'quota-total' });
    const lastMeasure = h('p', { class: 'muted', 'data-testid': 'quota-last-measure' });
    const results = h('div', { class: 'list-results' });
    const resultsCard = h(
      'section',
      { class: 'card', 'aria-label': 'Occupation des comptes' },
      mode,
      h(
        'form',
        { class: 'quota-filters', role: 'search', 'aria-label': 'Filtrer les comptes', onSubmit: (e: Event) => e.preventDefault() },
        h('div', { class: 'filters-search' }, search.element),
        over.element,
      ),
      h('div', { class: 'list-head' }, total, lastMeasure),
      results,
    );

    container.append(
      h(
        'div',
        { class: 'directory-page page-fit', 'data-testid': 'quotas-page' },
        toolbar(
          h(
            'p',
            { class: 'muted' },
            'L’espace occupé par chacun compte son dossier personnel et son profil itinérant. Trousse le mesure toutes les heures ; chaque dépassement est signalé dans le journal.',
          ),
          measure,
        ),
        measureMessage,
        quotaSettingsCard(ctx, () => void load()),
        resultsCard,
      ),
    );

    let request: AbortController | null = null;
    async function load(): Promise<void> {
      if (ctx.signal.aborted) return;
      request?.abort();
      const controller = new AbortController();
      request = controller;
      resultsCard.setAttribute('aria-busy', 'true');
      if (!results.firstChild) results.append(loadingText('Chargement de l’occupation…'));
      try {
        const answer = await api.get<QuotaList>(sharePaths.quotas(state.over), { signal: AbortSignal.any([ctx.signal, controller.signal]) });
        state.items = answer.items ?? [];
        mode.replaceChildren(quotaModeBlock(answer));
        show();
      } catch (error) {
        if (isAbort(error) || controller.signal.aborted || ctx.signal.aborted) return;
        total.textContent = '';
        lastMeasure.textContent = '';
        const retry = h('button', { type: 'button', class: 'button', onClick: () => void load() }, 'Réessayer');
        results.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)), h('p', { class: 'actions-row' }, retry));
      } finally {
        if (request === controller) resultsCard.removeAttribute('aria-busy');
      }
    }

    function show(): void {
      replaceQuery({ over: state.over ? '1' : null, q: state.q });
      const needle = state.q.toLowerCase();
      const rows = needle
        ? state.items.filter((line) => `${line.displayName} ${line.login}`.toLowerCase().includes(needle))
        : state.items;
      const soft = rows.filter((line) => line.state === 'soft').length;
      const hard = rows.filter((line) => line.state === 'hard').length;
      total.textContent = `${plural(rows.length, 'compte', 'comptes')} · ${formatInteger(soft)} en avertissement · ${plural(hard, 'dépassé', 'dépassés')}`;
      const measured = state.items.map((line) => line.measuredAt).filter((at): at is string => Boolean(at)).sort();
      const latest = measured[measured.length - 1];
      lastMeasure.textContent = latest ? `Dernière mesure : ${formatMoment(latest)}` : 'Pas encore de mesure : cliquez sur « Mesurer maintenant ».';

      if (rows.length === 0) {
        results.replaceChildren(
          state.over && !needle
            ? emptyState('Aucun dépassement.', 'Aucun compte n’est au-delà de sa limite d’avertissement lors de la dernière mesure.')
            : needle
              ? emptyState('Aucun compte ne correspond à votre recherche.', 'Vérifiez l’orthographe du nom ou de l’identifiant.')
              : emptyState('Aucun compte pour le moment.', 'Les comptes de l’annuaire apparaîtront ici.'),
        );
        return;
      }
      const pageCount = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
      state.page = Math.min(state.page, pageCount);
      const first = (state.page - 1) * PAGE_SIZE;
      const shown = rows.slice(first, first + PAGE_SIZE);
      results.replaceChildren(
        h('div', { class: 'table-wrap' }, quotaTable(shown, ctx, replaceLine)),
        pageCount > 1
          ? h(
              'div',
              { class: 'list-footer' },
              h('p', { class: 'muted' }, `Comptes ${formatInteger(first + 1)} à ${formatInteger(first + shown.length)} sur ${formatInteger(rows.length)}`),
              pager({
                page: state.page,
                pageCount,
                label: 'Pages de la liste des quotas',
                onChange: (page) => {
                  state.page = page;
                  show();
                  resultsCard.scrollIntoView({ block: 'start' });
                },
              }),
            )
          : '',
      );
    }

    /** A row changed (particular quota set or removed): shown as answered, without reloading. */
    function replaceLine(line: QuotaLine): void {
      state.items = state.items.map((item) => (item.login === line.login ? line : item));
      show();
    }

    let timer: ReturnType<typeof setTimeout> | undefined;
    ctx.signal.addEventListener('abort', () => clearTimeout(timer));
    search.control.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        state.q = search.control.value.trim();
        state.page = 1;
        show();
      }, 250);
    });
    over.control.addEventListener('change', () => {
      state.over = over.control.checked;
      state.page = 1;
      void load();
    });

    void load();
  },
};

function quotaTable(lines: QuotaLine[], ctx: PageContext, onChange: (line: QuotaLine) => void): HTMLTableElement {
  return dataTable<QuotaLine>({
    caption: 'Occupation et quotas des comptes, les plus pleins d’abord',
    testId: 'quota-table',
    rows: lines,
    rowAttrs: (line) => ({ 'data-testid': 'quota-row', 'data-login': line.login, 'data-state': line.state }),
    columns: [
      {
        label: 'Compte',
        cell: (line) =>
          h(
            'span',
            null,
            h('a', { href: `#${routes.user(line.login)}` }, line.displayName || line.login),
            h('span', { class: 'cell-sub' }, loginText(line.login)),
            line.custom ? h('span', { class: 'cell-sub' }, h('span', { class: 'badge badge-info', 'data-testid': 'quota-custom' }, 'quota particulier')) : null,
          ),
      },
      { label: 'Profil', cell: (line) => PROFILE_LABELS[line.profile] ?? line.profile },
      { label: 'Utilisé', className: 'quota-used-cell', cell: usedCell },
      {
        label: 'Limite',
        cell: (line) =>
          h('span', null, formatBytes(line.hardBytes), h('span', { class: 'cell-sub muted' }, `avertissement à ${formatBytes(line.softBytes)}`)),
      },
      { label: 'État', cell: (line) => (line.measuredAt ? quotaStateBadge(line.state) : h('span', { class: 'muted' }, '—')) },
      { label: 'Actions', cell: (line) => rowActions(line, ctx, onChange) },
    ],
  });
}

function usedCell(line: QuotaLine): Node {
  if (!line.measuredAt) return h('span', { class: 'muted', 'data-testid': 'quota-unmeasured' }, 'pas encore mesuré');
  const ratio = line.hardBytes > 0 ? Math.min(1, Math.max(0, line.usedBytes / line.hardBytes)) : 0;
  const fill = h('div', { class: 'meter-fill' });
  fill.style.width = `${(ratio * 100).toFixed(1)}%`;
  const detail = line.profileBytes > 0 ? ` (dont profil itinérant : ${formatBytes(line.profileBytes)})` : '';
  return h(
    'div',
    { class: `quota-usage quota-${line.state}` },
    h('span', { class: 'quota-used' }, formatBytes(line.usedBytes), h('span', { class: 'muted small' }, ` · ${formatPercent(line.usedBytes / (line.hardBytes || 1))}`)),
    h(
      'div',
      {
        class: 'meter',
        role: 'meter',
        'aria-label': `Espace utilisé par ${line.displayName || line.login}`,
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': Math.round(ratio * 100),
        'aria-valuetext': `${formatBytes(line.usedBytes)} sur ${formatBytes(line.hardBytes)}`,
      },
      fill,
    ),
    h('span', { class: 'cell-sub muted' }, `Mesuré le ${formatDateTime(line.measuredAt)}${detail}`),
  );
}

function rowActions(line: QuotaLine, ctx: PageContext, onChange: (line: QuotaLine) => void): HTMLElement {
  const who = line.displayName || line.login;
  const set = h(
    'button',
    { type: 'button', class: 'button button-small', 'data-testid': 'quota-set', 'aria-label': `Quota particulier pour ${who}` },
    'Quota particulier…',
  );
  set.addEventListener('click', () => openQuotaDialog(line, ctx, onChange));
  if (!line.custom) return h('div', { class: 'row-actions' }, set);
  const reset = h(
    'button',
    { type: 'button', class: 'button button-small button-ghost', 'data-testid': 'quota-reset', 'aria-label': `Revenir au quota du profil pour ${who}` },
    'Quota du profil',
  );
  reset.addEventListener('click', async () => {
    try {
      const next = await withBusy(reset, 'Retour…', () => api.delete<QuotaLine>(sharePaths.quota(line.login)));
      notify(`${who} revient au quota des ${PROFILE_PLURALS[line.profile]?.toLowerCase() ?? 'comptes de son profil'}.`);
      if (next) onChange(next);
    } catch (error) {
      if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
    }
  });
  return h('div', { class: 'row-actions' }, set, reset);
}

/** Reads two limits in Mo; throws a FieldError (French) when one is not acceptable. */
function readLimits(soft: NumberInput, hard: NumberInput): QuotaLimits {
  const value = (field: NumberInput, what: string) => {
    const n = field.read();
    if (n === null || n < MIN_MB || n > MAX_MB) {
      throw new FieldError(`${what} : indiquez un nombre entier de Mo, entre ${formatInteger(MIN_MB)} et ${formatInteger(MAX_MB)}.`, field);
    }
    return n;
  };
  const softMb = value(soft, 'Avertissement');
  const hardMb = value(hard, 'Limite');
  if (softMb > hardMb) {
    throw new FieldError(
      `L’avertissement (${formatInteger(softMb)} Mo) ne peut pas dépasser la limite (${formatInteger(hardMb)} Mo).`,
      soft,
    );
  }
  return { softMb, hardMb };
}

function limitFields(name: string, limits: QuotaLimits, testPrefix?: string): { soft: NumberInput; hard: NumberInput } {
  return {
    soft: numberField({
      label: 'Avertissement',
      name: `${name}.softMb`,
      value: limits.softMb,
      min: MIN_MB,
      max: MAX_MB,
      unit: 'Mo',
      hint: 'Au-delà, le compte est signalé.',
      testId: testPrefix ? `${testPrefix}-soft` : undefined,
    }),
    hard: numberField({
      label: 'Limite',
      name: `${name}.hardMb`,
      value: limits.hardMb,
      min: MIN_MB,
      max: MAX_MB,
      unit: 'Mo',
      hint: 'À ne pas dépasser (1 Go = 1 024 Mo).',
      testId: testPrefix ? `${testPrefix}-hard` : undefined,
    }),
  };
}

function openQuotaDialog(line: QuotaLine, ctx: PageContext, onChange: (line: QuotaLine) => void): void {
  const who = line.displayName || line.login;
  const fields = limitFields('quota', { softMb: Math.round(line.softBytes / MB), hardMb: Math.round(line.hardBytes / MB) });
  openDialog({
    title: 'Quota particulier',
    testId: 'quota-dialog',
    signal: ctx.signal,
    content: [
      h('p', null, 'Compte : ', h('strong', null, who), ` (${line.login}).`),
      h(
        'p',
        { class: 'muted' },
        `Ce quota remplace celui des ${PROFILE_PLURALS[line.profile]?.toLowerCase() ?? 'comptes de son profil'} pour ce compte seulement. Vous pourrez revenir au quota du profil à tout moment.`,
      ),
      h('div', { class: 'form-row' }, fields.soft.element, fields.hard.element),
    ],
    submitLabel: 'Enregistrer',
    busyLabel: 'Enregistrement…',
    async submit() {
      fields.soft.setError(null);
      fields.hard.setError(null);
      const limits = readLimits(fields.soft, fields.hard);
      const next = await api.put<QuotaLine>(sharePaths.quota(line.login), limits);
      notify(`Quota particulier enregistré pour ${who}.`);
      if (next) onChange(next);
      return undefined;
    },
  });
}

// ---- quotas per profile (PUT /shares/settings { quotas }) ---------------------------------

function quotaSettingsCard(ctx: PageContext, onSaved: () => void): HTMLElement {
  const body = h('div', null, loadingText('Chargement des quotas par profil…'));
  const section = card({ title: 'Quotas par profil', icon: 'settings', testId: 'quota-settings' }, body);
  api.get<ShareSettings>(sharePaths.settings, { signal: ctx.signal }).then(
    (settings) => body.replaceChildren(quotaSettingsForm(settings, ctx, onSaved)),
    (error) => {
      if (!ctx.signal.aborted) body.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)));
    },
  );
  return section;
}

function quotaSettingsForm(loaded: ShareSettings, ctx: PageContext, onSaved: () => void): HTMLFormElement {
  const fields = Object.fromEntries(
    PROFILES.map((profile) => [profile, limitFields(`quotas.${profile}`, loaded.quotas[profile], `quota-${profile}`)]),
  ) as Record<Profile, { soft: NumberInput; hard: NumberInput }>;
  const message = h('p', { class: 'form-message', role: 'alert', 'data-testid': 'quota-settings-message' });
  const success = h('p', { class: 'form-message form-message-success', role: 'status', 'data-testid': 'quota-settings-saved' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'quota-settings-submit' }, 'Enregistrer les quotas');

  const fill = (settings: ShareSettings) => {
    for (const profile of PROFILES) {
      fields[profile].soft.control.value = String(settings.quotas[profile].softMb);
      fields[profile].hard.control.value = String(settings.quotas[profile].hardMb);
    }
  };

  const form = h(
    'form',
    { class: 'settings-form', novalidate: true, 'aria-label': 'Quotas par profil' },
    h(
      'p',
      { class: 'lead' },
      'En mégaoctets (Mo). L’avertissement signale le compte ; la limite est le maximum autorisé. Un quota particulier, réglé compte par compte dans le tableau, passe avant celui du profil.',
    ),
    PROFILES.map((profile) =>
      h(
        'fieldset',
        { class: 'settings-group', 'data-profile': profile },
        h('legend', null, PROFILE_PLURALS[profile]),
        h('div', { class: 'form-row' }, fields[profile].soft.element, fields[profile].hard.element),
      ),
    ),
    message,
    success,
    h('div', { class: 'form-actions' }, submit),
  );

  form.addEventListener('input', () => {
    success.textContent = '';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    message.textContent = '';
    success.textContent = '';
    const all: Field<HTMLElement>[] = PROFILES.flatMap((profile) => [fields[profile].soft, fields[profile].hard]);
    for (const field of all) field.setError(null);

    const quotas = {} as Record<Profile, QuotaLimits>;
    const errors: FieldError[] = [];
    for (const profile of PROFILES) {
      try {
        quotas[profile] = readLimits(fields[profile].soft, fields[profile].hard);
      } catch (error) {
        if (error instanceof FieldError) errors.push(new FieldError(`${PROFILE_PLURALS[profile]} — ${error.message}`, error.field));
        else throw error;
      }
    }
    if (errors.length) {
      for (const error of errors) error.field?.setError(error.message);
      message.className = 'form-message form-message-error';
      message.textContent = errors.length === 1 ? (errors[0]?.message ?? '') : `${errors.length} quotas sont à corriger (voir ci-dessous).`;
      errors[0]?.field?.control.focus();
      return;
    }
    try {
      const saved = await withBusy(submit, 'Enregistrement…', () => api.put<ShareSettings>(sharePaths.settings, { quotas }));
      fill(saved ?? { ...loaded, quotas });
      success.textContent = 'Les quotas par profil ont été enregistrés.';
      onSaved();
    } catch (error) {
      if (ctx.signal.aborted) return;
      message.className = 'form-message form-message-error';
      message.textContent = errorMessage(error);
    }
  });
  return form;
}
