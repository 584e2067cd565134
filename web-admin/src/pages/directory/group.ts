// A group's page: details and members; free groups can be edited (members) and deleted.
import { api, errorMessage, isAbort } from '../../api.ts';
import { type GroupDetail, type GroupDetailAnswer, toGroupDetail, type UserList, type UserSummary } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { card, facts } from '../../widgets/card.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { textField, withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import {
  backLink,
  emptyState,
  GROUP_KIND_SINGULAR,
  groupTitle,
  loadInto,
  loginText,
  paths,
  plural,
  roleText,
  routes,
  stateBadge,
  userLink,
} from './common.ts';
import { KIND_EXPLANATIONS } from './groups.ts';

const SEARCH_DELAY_MS = 300;

export const groupPage: Page = {
  path: '/annuaire/groupes/:name',
  title: 'Groupe',
  roles: ['administrator'],
  group: 'annuaire',
  nav: false,
  render(container, ctx) {
    const name = ctx.params['name'] ?? '';
    const slot = h('div');
    container.append(backLink(`#${routes.groups}`, 'Retour à la liste des groupes'), slot);
    const load = () => api.get<GroupDetailAnswer>(paths.group(name), { signal: ctx.signal }).then(toGroupDetail);
    return loadInto(slot, ctx, load, (detail) => renderGroup(slot, detail, ctx, load), 'Chargement du groupe…');
  },
};

function renderGroup(slot: HTMLElement, first: GroupDetail, ctx: PageContext, load: () => Promise<GroupDetail>): void {
  const free = first.kind === 'libre';
  const title = groupTitle(first);
  document.title = `${title} — Trousse`;
  const heading = slot.closest('main')?.querySelector('.page-title');
  if (heading) heading.textContent = title;

  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
  const infoSlot = h('div');
  const membersSlot = h('div');
  let detail = first;

  const show = () => {
    infoSlot.replaceChildren(infoCard(detail));
    membersSlot.replaceChildren(membersCard(detail, free ? remove : null));
  };
  /** Reads the group again (quietly: the page stays as it is on failure). */
  const refresh = async () => {
    try {
      detail = await load();
      show();
    } catch (error) {
      if (!ctx.signal.aborted) message.textContent = errorMessage(error);
    }
  };
  const remove = (user: UserSummary, button: HTMLButtonElement) => {
    message.textContent = '';
    withBusy(button, 'Retrait…', () => api.delete(paths.groupMember(detail.name, user.login))).then(
      () => {
        notify(`${user.displayName || user.login} a été retiré du groupe.`);
        void refresh();
      },
      (error) => {
        if (!ctx.signal.aborted) message.textContent = errorMessage(error);
      },
    );
  };

  const remover = h('button', { type: 'button', class: 'button button-danger-outline' }, 'Supprimer le groupe');
  remover.addEventListener('click', () =>
    confirmDialog({
      title: 'Supprimer le groupe',
      signal: ctx.signal,
      danger: true,
      content: [
        h('p', null, 'Le groupe ', h('strong', null, title), ' sera supprimé.'),
        h('p', { class: 'muted' }, 'Ses membres ne sont pas supprimés, mais perdent les droits donnés par ce groupe.'),
      ],
      confirmLabel: 'Supprimer le groupe',
      busyLabel: 'Suppression…',
      action: async () => {
        await api.delete<void>(paths.group(detail.name));
        notify(`Le groupe ${title} a été supprimé.`);
        ctx.navigate(routes.groups);
      },
    }),
  );

  slot.replaceChildren(
    h(
      'div',
      { class: 'group-detail', 'data-testid': 'group-detail', 'data-name': first.name, 'data-kind': first.kind },
      free
        ? h('div', { class: 'toolbar' }, h('p', { class: 'toolbar-text muted' }, KIND_EXPLANATIONS.libre), h('div', { class: 'toolbar-actions' }, remover))
        : h(
            'div',
            { class: 'alert alert-neutral read-only-notice' },
            h('p', { class: 'alert-title' }, 'Groupe tenu à jour automatiquement'),
            h('p', null, readOnlyExplanation(first)),
          ),
      message,
      free ? h('div', { class: 'detail-grid detail-grid-even' }, infoSlot, addMembersCard(ctx, () => detail, refresh, message)) : infoSlot,
      membersSlot,
    ),
  );
  show();
}

function readOnlyExplanation(group: GroupDetail): Node[] {
  const classesLink = h('a', { href: `#${routes.classes}` }, 'Classes');
  if (group.kind === 'classe') {
    return [document.createTextNode('Il contient les élèves d’une classe. Pour le modifier, changez les élèves de classe depuis leur fiche.')];
  }
  if (group.kind === 'equipe') {
    return [
      document.createTextNode('Il contient l’équipe pédagogique d’une classe. Pour la modifier, ouvrez la classe depuis la page '),
      classesLink,
      document.createTextNode('.'),
    ];
  }
  return [document.createTextNode('Il contient tous les comptes d’un profil : chaque nouveau compte y est ajouté automatiquement.')];
}

function infoCard(group: GroupDetail): HTMLElement {
  return card(
    { title: 'Informations', icon: 'info' },
    facts([
      ['Nom du groupe', loginText(group.name)],
      ['Type', GROUP_KIND_SINGULAR[group.kind] ?? group.kind],
      ['Description', group.description || '—'],
      ['Numéro de groupe (gidNumber)', group.gidNumber ? formatInteger(group.gidNumber) : '—'],
      ['Membres', formatInteger(group.members.length)],
    ]),
  );
}

type Remove = (user: UserSummary, button: HTMLButtonElement) => void;

function membersCard(group: GroupDetail, remove: Remove | null): HTMLElement {
  const members = [...group.members].sort((a, b) => (a.displayName || a.login).localeCompare(b.displayName || b.login, 'fr'));
  const columns = [
    { label: 'Nom', cell: (user: UserSummary) => userLink(user) },
    { label: 'Identifiant', cell: (user: UserSummary) => loginText(user.login) },
    { label: 'Profil', cell: (user: UserSummary) => roleText(user) },
    { label: 'État', cell: (user: UserSummary) => stateBadge(user.state) },
  ];
  if (remove) {
    columns.push({
      label: 'Retirer',
      cell: (user: UserSummary) => {
        const button = h(
          'button',
          { type: 'button', class: 'button button-small', 'aria-label': `Retirer ${user.displayName || user.login} du groupe` },
          'Retirer',
        );
        button.addEventListener('click', () => remove(user, button));
        return button;
      },
    });
  }
  const body = members.length
    ? h(
        'div',
        { class: 'table-wrap' },
        dataTable<UserSummary>({
          caption: `Membres du groupe ${group.name}`,
          testId: 'group-members',
          rows: members,
          rowAttrs: (user) => ({ 'data-testid': 'member-row', 'data-login': user.login }),
          columns,
        }),
      )
    : emptyState(
        'Ce groupe n’a aucun membre.',
        remove ? 'Ajoutez des membres avec la recherche « Ajouter des membres ».' : 'Il se remplira automatiquement.',
      );
  return card({ title: `Membres (${formatInteger(members.length)})`, icon: 'directory' }, body);
}

function addMembersCard(
  ctx: PageContext,
  current: () => GroupDetail,
  refresh: () => Promise<void>,
  message: HTMLElement,
): HTMLElement {
  const search = textField({
    label: 'Rechercher une personne à ajouter',
    name: 'member-search',
    type: 'search',
    spellcheck: false,
    placeholder: 'Nom, prénom ou identifiant',
    hint: 'Tapez au moins deux lettres.',
  });
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let request: AbortController | null = null;
  ctx.signal.addEventListener('abort', () => clearTimeout(timer));

  const run = async () => {
    const q = search.control.value.trim();
    request?.abort();
    if (q.length < 2) {
      results.replaceChildren();
      return;
    }
    const controller = new AbortController();
    request = controller;
    try {
      const answer = await api.get<UserList>(paths.users({ q, pageSize: 10, state: 'active' }), {
        signal: AbortSignal.any([ctx.signal, controller.signal]),
      });
      showResults(answer);
    } catch (error) {
      if (!isAbort(error) && !controller.signal.aborted) {
        results.replaceChildren(h('p', { class: 'alert alert-danger' }, errorMessage(error)));
      }
    }
  };

  const showResults = (answer: UserList) => {
    if (answer.items.length === 0) {
      results.replaceChildren(h('p', { class: 'muted' }, 'Personne ne correspond à cette recherche.'));
      return;
    }
    const members = new Set(current().members.map((m) => m.login));
    const more =
      answer.total > answer.items.length
        ? h('p', { class: 'muted' }, `${plural(answer.total, 'résultat', 'résultats')} : précisez la recherche pour voir les autres.`)
        : '';
    results.replaceChildren(
      h(
        'ul',
        { class: 'person-list' },
        answer.items.map((user) => {
          const already = members.has(user.login);
          const add = h(
            'button',
            {
              type: 'button',
              class: 'button button-small',
              disabled: already,
              'aria-label': already ? `${user.displayName} est déjà membre` : `Ajouter ${user.displayName || user.login}`,
            },
            already ? 'Déjà membre' : 'Ajouter',
          );
          add.addEventListener('click', () => {
            message.textContent = '';
            withBusy(add, 'Ajout…', () => api.post(paths.groupMembers(current().name), { logins: [user.login] })).then(
              async () => {
                notify(`${user.displayName || user.login} a été ajouté au groupe.`);
                await refresh();
                add.disabled = true;
                add.textContent = 'Ajouté';
                add.setAttribute('aria-label', `${user.displayName || user.login} a été ajouté`);
              },
              (error) => {
                if (!ctx.signal.aborted) message.textContent = errorMessage(error);
              },
            );
          });
          return h(
            'li',
            { class: 'person-item' },
            h('span', null, h('span', { class: 'person-name' }, user.displayName || user.login), ' ', h('span', { class: 'muted' }, roleText(user))),
            add,
          );
        }),
      ),
      more,
    );
  };

  search.control.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), SEARCH_DELAY_MS);
  });
  search.control.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      clearTimeout(timer);
      void run();
    }
  });

  return card({ title: 'Ajouter des membres', icon: 'directory', testId: 'group-add-members' }, search.element, results);
}
