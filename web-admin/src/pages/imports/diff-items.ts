// The differences table (server-side search and paging) and the settling of ambiguous cases.
import { api, errorMessage, isAbort } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import {
  CHANGED_FIELD_LABELS,
  DIFF_ACTION_ITEM_LABELS,
  DIFF_ACTION_LABELS,
  DIFF_ACTION_TONES,
  type Candidate,
  type DiffAction,
  type DiffItem,
  type DiffItemPage,
  type FieldChange,
  type ImportRun,
} from '../../imports-types.ts';
import { notify } from '../../notify.ts';
import { textField, withBusy } from '../../widgets/fields.ts';
import { dataTable, pager } from '../../widgets/paged-table.ts';
import { emptyState, loginText, PROFILE_LABELS, plural, STATE_LABELS, staffFunctionLabel } from '../directory/common.ts';
import { importPaths, type Wizard } from './common.ts';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;

export interface ItemsTable {
  element: HTMLElement;
  setAction(action: DiffAction | ''): void;
  reload(): Promise<void>;
}

export function itemsTable(runId: number, wizard: Wizard, onRun: (run: ImportRun) => void): ItemsTable {
  const filters = { action: '' as DiffAction | '', q: '', page: 1 };
  const search = textField({
    label: 'Rechercher une personne',
    name: 'q',
    type: 'search',
    placeholder: 'Nom, prénom, identifiant ou classe',
    spellcheck: false,
    testId: 'import-items-search',
  });
  const total = h('p', { class: 'list-total', role: 'status' });
  const results = h('div', { class: 'list-results' });
  const element = h(
    'section',
    { class: 'card', 'aria-label': 'Personnes concernées', 'data-testid': 'import-items' },
    h('div', { class: 'import-items-head' }, total, h('form', { role: 'search', class: 'import-items-search', onSubmit: (e: Event) => { e.preventDefault(); applySearch(); } }, search.element)),
    results,
  );

  let request: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  wizard.signal.addEventListener('abort', () => clearTimeout(timer));

  async function load(): Promise<void> {
    if (wizard.signal.aborted) return;
    request?.abort();
    const controller = new AbortController();
    request = controller;
    element.setAttribute('aria-busy', 'true');
    if (!results.firstChild) results.append(h('p', { class: 'muted loading' }, 'Chargement…'));
    try {
      const answer = await api.get<DiffItemPage>(importPaths.items(runId, { ...filters, pageSize: PAGE_SIZE }), {
        signal: AbortSignal.any([wizard.signal, controller.signal]),
      });
      const pageCount = Math.max(1, Math.ceil(answer.total / (answer.pageSize || PAGE_SIZE)));
      if (answer.items.length === 0 && answer.total > 0 && filters.page > pageCount) {
        filters.page = pageCount;
        return load();
      }
      show(answer, pageCount);
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted || wizard.signal.aborted) return;
      total.textContent = '';
      const retry = h('button', { type: 'button', class: 'button', onClick: () => void load() }, 'Réessayer');
      results.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)), h('p', { class: 'actions-row' }, retry));
    } finally {
      if (request === controller) element.removeAttribute('aria-busy');
    }
  }

  function show(answer: DiffItemPage, pageCount: number): void {
    const what = filters.action ? ` · ${DIFF_ACTION_LABELS[filters.action]}` : '';
    total.textContent = `${plural(answer.total, 'personne', 'personnes')}${what}`;
    if (answer.items.length === 0) {
      results.replaceChildren(
        filters.q || filters.action
          ? emptyState('Personne ne correspond à ce filtre.', 'Changez la recherche ou choisissez « Tout afficher ».')
          : emptyState('Aucune personne dans les fichiers.', 'Vérifiez les fichiers déposés.'),
      );
      return;
    }
    const first = (answer.page - 1) * answer.pageSize + 1;
    results.replaceChildren(
      h('div', { class: 'table-wrap' }, table(answer.items)),
      h(
        'div',
        { class: 'list-footer' },
        h('p', { class: 'muted' }, `Personnes ${formatInteger(first)} à ${formatInteger(first + answer.items.length - 1)} sur ${formatInteger(answer.total)}`),
        pageCount > 1
          ? pager({
              page: answer.page,
              pageCount,
              label: 'Pages du tableau des différences',
              onChange: (page) => {
                filters.page = page;
                void load().then(() => element.scrollIntoView({ block: 'start' }));
              },
            })
          : null,
      ),
    );
  }

  function table(items: DiffItem[]): HTMLTableElement {
    return dataTable<DiffItem>({
      caption: 'Personnes concernées par l’import et ce qui change pour elles',
      rows: items,
      rowAttrs: (item) => ({ 'data-testid': 'import-item', 'data-key': item.key, 'data-actions': item.actions.join(' ') }),
      columns: [
        {
          label: 'Personne',
          cell: (item) =>
            h('span', null, h('strong', null, item.displayName), item.where ? h('span', { class: 'cell-sub muted' }, item.file ? `${item.file}, ${item.where}` : item.where) : null),
        },
        { label: 'Identifiant', cell: (item) => (item.login ? loginText(item.login) : h('span', { class: 'muted' }, item.actions.includes('create') ? 'nouveau' : '—')) },
        { label: 'Profil', cell: (item) => PROFILE_LABELS[item.profile] ?? item.profile },
        { label: 'Classe', cell: (item) => classText(item) },
        { label: 'Changements', cell: (item) => changesCell(item) },
        { label: 'Détail', cell: (item) => detailCell(item) },
      ],
    });
  }

  function detailCell(item: DiffItem): Node | string {
    const reason = item.reason ? h('p', { class: item.actions.includes('error') ? 'text-danger' : undefined }, item.reason) : null;
    if (!item.actions.includes('ambiguous') || item.candidates.length === 0) return reason ?? '—';
    return h(
      'div',
      { class: 'import-candidates' },
      reason,
      h('p', { class: 'small' }, 'Est-ce un de ces comptes ?'),
      h('ul', null, item.candidates.map((candidate) => h('li', null, candidateText(candidate), resolveButton(item, candidate)))),
      resolveButton(item, null),
    );
  }

  function resolveButton(item: DiffItem, candidate: Candidate | null): HTMLButtonElement {
    const button = h(
      'button',
      {
        type: 'button',
        class: `button button-small${candidate ? '' : ' import-resolve-new'}`,
        'data-testid': candidate ? 'import-resolve-same' : 'import-resolve-new',
        'data-login': candidate?.login,
      },
      candidate ? `C’est la même personne que ${candidate.login}` : 'Nouvelle personne',
    );
    button.addEventListener('click', async () => {
      try {
        const run = await withBusy(button, 'Enregistrement…', () =>
          api.post<ImportRun>(importPaths.resolve(runId), { key: item.key, login: candidate?.login ?? null }, { signal: wizard.signal }),
        );
        notify(candidate ? `${item.displayName} sera rattaché au compte ${candidate.login}.` : `${item.displayName} aura un nouveau compte.`);
        onRun(run);
        await load();
      } catch (error) {
        if (!wizard.signal.aborted) notify(errorMessage(error), 'error');
      }
    });
    return button;
  }

  const applySearch = () => {
    clearTimeout(timer);
    const q = search.control.value.trim().slice(0, 100);
    if (q === filters.q) return;
    filters.q = q;
    filters.page = 1;
    void load();
  };
  search.control.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(applySearch, SEARCH_DELAY_MS);
  });

  void load();
  return {
    element,
    setAction(action) {
      filters.action = action;
      filters.page = 1;
      void load();
    },
    reload: load,
  };
}

function classText(item: DiffItem): string {
  const move = item.changes.find((change) => change.field === 'classe');
  if (move) return `${move.from ?? '—'} → ${move.to ?? '—'}`;
  return item.classe ?? '—';
}

function changesCell(item: DiffItem): HTMLElement {
  const changes = item.changes.filter((change) => change.field !== 'classe' || !item.actions.includes('move'));
  return h(
    'div',
    { class: 'import-changes' },
    h('span', { class: 'import-badges' }, item.actions.map((action) => h('span', { class: `badge badge-${DIFF_ACTION_TONES[action] ?? 'neutral'}` }, DIFF_ACTION_ITEM_LABELS[action] ?? action))),
    changes.length ? h('ul', { class: 'import-change-list' }, changes.map((change) => h('li', null, describeChange(change)))) : null,
  );
}

/** "Nom : DUPONT → DUPOND", "État : Désactivé → Actif". */
function describeChange(change: FieldChange): string {
  const value = (text: string | null) => {
    if (text === null || text === '') return '(vide)';
    if (change.field === 'state') return (STATE_LABELS as Record<string, string>)[text] ?? text;
    if (change.field === 'staffFunction') return staffFunctionLabel(text);
    return text;
  };
  return `${CHANGED_FIELD_LABELS[change.field] ?? change.field} : ${value(change.from)} → ${value(change.to)}`;
}

function candidateText(candidate: Candidate): HTMLElement {
  const details = [
    candidate.classe ? `classe ${candidate.classe}` : null,
    candidate.birthDate ? `né(e) le ${frenchDate(candidate.birthDate)}` : null,
    candidate.state !== 'active' ? (STATE_LABELS[candidate.state] ?? candidate.state).toLowerCase() : null,
  ].filter(Boolean);
  return h('span', { class: 'import-candidate' }, h('strong', null, candidate.displayName), ' ', loginText(candidate.login), details.length ? ` (${details.join(', ')})` : '');
}

/** "2012-03-04" → "04/03/2012" (no time zone shift). */
function frenchDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso;
}
