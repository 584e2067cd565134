// "Utilisateurs": server-side search, filters, paging; "Nouveau compte".
import { api, errorMessage, isAbort } from '../../api.ts';
import type { Profile, StateFilter, UserList, UserSort, UserSummary } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { currentPath, type Page, replaceQuery } from '../../router.ts';
import { selectField, textField } from '../../widgets/fields.ts';
import { dataTable, pager } from '../../widgets/paged-table.ts';
import {
  emptyState,
  fetchClasses,
  loginText,
  PROFILE_LABELS,
  PROFILE_PLURALS,
  paths,
  plural,
  routes,
  stateBadge,
  staffFunctionLabel,
  toolbar,
  userLink,
} from './common.ts';
import { openCreateUserDialog } from './user-create.ts';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;
const PROFILES: Profile[] = ['eleve', 'enseignant', 'personnel'];
const STATES: { value: '' | StateFilter; label: string }[] = [
  { value: '', label: 'Actifs et désactivés' },
  { value: 'active', label: 'Actifs' },
  { value: 'disabled', label: 'Désactivés' },
  { value: 'deleted', label: 'Supprimés (corbeille)' },
  { value: 'all', label: 'Tous, y compris supprimés' },
];
const SORTS: UserSort[] = ['name', 'login', 'classe'];

interface Filters {
  q: string;
  profile: '' | Profile;
  classe: string;
  state: '' | StateFilter;
  page: number;
  sort: UserSort;
}

/** The list as last seen (with its query), for the "back" link of a user page. */
let lastListPath: string = routes.users;

export function usersListPath(): string {
  return lastListPath;
}

function readFilters(query: URLSearchParams): Filters {
  const pick = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
    allowed.includes(value as T) ? (value as T) : fallback;
  const page = Number.parseInt(query.get('page') ?? '1', 10);
  return {
    q: (query.get('q') ?? '').slice(0, 100),
    profile: pick(query.get('profile'), ['', ...PROFILES] as const, ''),
    classe: query.get('classe') ?? '',
    state: pick(query.get('state'), STATES.map((s) => s.value), ''),
    page: Number.isFinite(page) && page > 0 ? page : 1,
    sort: pick(query.get('sort'), SORTS, 'name'),
  };
}

export const usersPage: Page = {
  path: routes.users,
  title: 'Utilisateurs',
  roles: ['administrator'],
  group: 'annuaire',
  render(container, ctx) {
    const filters = readFilters(ctx.query);

    const search = textField({
      label: 'Rechercher',
      name: 'q',
      type: 'search',
      value: filters.q,
      placeholder: 'Nom, prénom ou identifiant',
      testId: 'users-search',
      spellcheck: false,
    });
    const profile = selectField({
      label: 'Profil',
      name: 'profile',
      value: filters.profile,
      options: [{ value: '', label: 'Tous les profils' }, ...PROFILES.map((p) => ({ value: p, label: PROFILE_PLURALS[p] }))],
    });
    const classe = selectField({
      label: 'Classe',
      name: 'classe',
      value: filters.classe,
      options: [
        { value: '', label: 'Toutes les classes' },
        ...(filters.classe ? [{ value: filters.classe, label: filters.classe }] : []),
      ],
    });
    const state = selectField({ label: 'État', name: 'state', value: filters.state, options: STATES });
    const clear = h('button', { type: 'button', class: 'button button-ghost button-small', hidden: true }, 'Effacer les filtres');

    const total = h('p', { class: 'list-total', 'data-testid': 'users-total', role: 'status' });
    const results = h('div', { class: 'list-results' });
    const resultsCard = h(
      'section',
      { class: 'card', 'aria-label': 'Liste des comptes' },
      h('div', { class: 'list-head' }, total, clear),
      results,
    );

    let classNames: string[] | null = null;
    const loadClassNames = async () => {
      classNames = (await fetchClasses(ctx.signal)).map((c) => c.name);
      classe.setOptions([{ value: '', label: 'Toutes les classes' }, ...classNames.map((n) => ({ value: n, label: n }))]);
      return classNames;
    };
    loadClassNames().catch(() => {
      // The filter keeps "Toutes les classes"; the list itself still works.
    });

    const create = h('button', { type: 'button', class: 'button button-primary' }, '+ Nouveau compte');
    create.addEventListener('click', async () => {
      let names = classNames;
      if (!names) names = await loadClassNames().catch(() => []);
      openCreateUserDialog({
        signal: ctx.signal,
        classes: names,
        preset: {
          profile: filters.profile || 'eleve',
          classe: filters.classe || undefined,
        },
        onCreated: () => void load(),
      });
    });

    container.append(
      h(
        'div',
        { class: 'directory-page' },
        toolbar(
          h('p', { class: 'muted' }, 'Recherchez un compte puis ouvrez sa fiche pour le gérer (mot de passe, classe, désactivation…).'),
          create,
        ),
        h(
          'form',
          { class: 'card filters', role: 'search', 'aria-label': 'Filtrer les comptes', onSubmit: searchNow },
          h('div', { class: 'filters-search' }, search.element),
          profile.element,
          classe.element,
          state.element,
        ),
        resultsCard,
      ),
    );

    /** Enter in the search field: no need to wait for the debounce. */
    function searchNow(event: Event): void {
      event.preventDefault();
      applySearch();
    }

    let request: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    ctx.signal.addEventListener('abort', () => clearTimeout(timer));

    const hasFilters = () => Boolean(filters.q || filters.profile || filters.classe || filters.state);
    const syncHash = () => {
      replaceQuery({
        q: filters.q,
        profile: filters.profile,
        classe: filters.classe,
        state: filters.state,
        page: filters.page > 1 ? filters.page : null,
        sort: filters.sort !== 'name' ? filters.sort : null,
      });
      lastListPath = currentPath();
      clear.hidden = !hasFilters();
    };

    async function load(): Promise<void> {
      if (ctx.signal.aborted) return; // e.g. an account created just before leaving the page
      syncHash();
      request?.abort();
      const controller = new AbortController();
      request = controller;
      resultsCard.setAttribute('aria-busy', 'true');
      if (!results.firstChild) results.append(h('p', { class: 'muted loading' }, 'Chargement…'));
      try {
        const answer = await api.get<UserList>(
          paths.users({
            q: filters.q || undefined,
            profile: filters.profile || undefined,
            classe: filters.classe || undefined,
            state: filters.state || undefined,
            page: filters.page,
            pageSize: PAGE_SIZE,
            sort: filters.sort,
          }),
          { signal: AbortSignal.any([ctx.signal, controller.signal]) },
        );
        const pageCount = Math.max(1, Math.ceil(answer.total / (answer.pageSize || PAGE_SIZE)));
        if (answer.items.length === 0 && answer.total > 0 && filters.page > pageCount) {
          filters.page = pageCount; // the hash asked for a page past the end
          return load();
        }
        show(answer, pageCount);
      } catch (error) {
        if (isAbort(error) || controller.signal.aborted || ctx.signal.aborted) return;
        total.textContent = '';
        const retry = h('button', { type: 'button', class: 'button', onClick: () => void load() }, 'Réessayer');
        results.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)), h('p', { class: 'actions-row' }, retry));
      } finally {
        if (request === controller) resultsCard.removeAttribute('aria-busy');
      }
    }

    function show(answer: UserList, pageCount: number): void {
      total.textContent = hasFilters()
        ? `${plural(answer.total, 'compte trouvé', 'comptes trouvés')}`
        : plural(answer.total, 'compte', 'comptes');
      if (answer.items.length === 0) {
        const reset = h('button', { type: 'button', class: 'button', onClick: clearFilters }, 'Effacer les filtres');
        results.replaceChildren(
          hasFilters()
            ? emptyState('Aucun compte ne correspond à votre recherche.', 'Vérifiez l’orthographe ou élargissez les filtres.', reset)
            : emptyState(
                'Aucun compte pour le moment.',
                'Créez le premier compte avec le bouton « Nouveau compte ».',
              ),
        );
        return;
      }
      const first = (answer.page - 1) * answer.pageSize + 1;
      const last = first + answer.items.length - 1;
      results.replaceChildren(
        h('div', { class: 'table-wrap' }, usersTable(answer.items, filters.sort, (sort) => {
          filters.sort = sort as UserSort;
          filters.page = 1;
          void load();
        })),
        h(
          'div',
          { class: 'list-footer' },
          h('p', { class: 'muted' }, `Comptes ${formatInteger(first)} à ${formatInteger(last)} sur ${formatInteger(answer.total)}`),
          pageCount > 1
            ? pager({
                page: answer.page,
                pageCount,
                label: 'Pages de la liste des comptes',
                onChange: (page) => {
                  filters.page = page;
                  void load().then(() => resultsCard.scrollIntoView({ block: 'start' }));
                },
              })
            : null,
        ),
      );
    }

    function clearFilters(): void {
      Object.assign(filters, { q: '', profile: '', classe: '', state: '', page: 1 });
      search.control.value = '';
      profile.control.value = '';
      classe.control.value = '';
      state.control.value = '';
      void load();
      search.control.focus();
    }

    const applySearch = () => {
      clearTimeout(timer);
      const q = search.control.value.trim();
      if (q === filters.q) return;
      filters.q = q;
      filters.page = 1;
      void load();
    };
    search.control.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(applySearch, SEARCH_DELAY_MS);
    });
    const onSelect = (apply: () => void) => () => {
      apply();
      filters.page = 1;
      void load();
    };
    profile.control.addEventListener('change', onSelect(() => {
      filters.profile = profile.control.value as Filters['profile'];
    }));
    classe.control.addEventListener('change', onSelect(() => {
      filters.classe = classe.control.value;
    }));
    state.control.addEventListener('change', onSelect(() => {
      filters.state = state.control.value as Filters['state'];
    }));
    clear.addEventListener('click', clearFilters);

    void load();
  },
};

function usersTable(users: UserSummary[], sort: UserSort, onSort: (key: string) => void): HTMLTableElement {
  return dataTable<UserSummary>({
    caption: 'Comptes de l’annuaire',
    testId: 'users-table',
    rows: users,
    rowAttrs: (user) => ({ 'data-testid': 'user-row', 'data-login': user.login }),
    rowHref: (user) => `#${routes.user(user.login)}`,
    sort: { key: sort, onSort },
    columns: [
      { label: 'Nom', sortKey: 'name', cell: (user) => userLink(user) },
      { label: 'Identifiant', sortKey: 'login', cell: (user) => loginText(user.login) },
      {
        label: 'Profil',
        cell: (user) =>
          user.profile === 'personnel' && user.staffFunction
            ? `${PROFILE_LABELS.personnel} · ${staffFunctionLabel(user.staffFunction)}`
            : (PROFILE_LABELS[user.profile] ?? user.profile),
      },
      { label: 'Classe', sortKey: 'classe', cell: (user) => user.classe ?? '—' },
      { label: 'État', cell: (user) => stateBadge(user.state) },
    ],
  });
}
