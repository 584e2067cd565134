// A user's page: details, groups and actions (see user-actions.ts).
import { api } from '../../api.ts';
import type { DirectoryUser } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import type { Page, PageContext } from '../../router.ts';
import { card, facts } from '../../widgets/card.ts';
import {
  backLink,
  GROUP_KIND_SINGULAR,
  loadInto,
  loginText,
  PROFILE_LABELS,
  paths,
  routes,
  stateBadge,
  staffFunctionLabel,
} from './common.ts';
import { actionsCard } from './user-actions.ts';
import { usersListPath } from './users.ts';

export const userPage: Page = {
  path: '/annuaire/utilisateurs/:login',
  title: 'Fiche du compte',
  roles: ['administrator'],
  group: 'annuaire',
  nav: false,
  render(container, ctx) {
    const login = ctx.params['login'] ?? '';
    const slot = h('div');
    container.append(backLink(`#${usersListPath()}`, 'Retour à la liste des comptes'), slot);
    const load = () => api.get<DirectoryUser>(paths.user(login), { signal: ctx.signal });
    const show = (user: DirectoryUser) => renderUser(slot, user, ctx, reload);
    // After an action whose answer is not the user (password): refresh quietly.
    const reload = async () => {
      try {
        show(await load());
      } catch {
        // Keep the page as it is; the next visit will show the change.
      }
    };
    return loadInto(slot, ctx, load, show, 'Chargement du compte…');
  },
};

/** Re-renders the page with `user` (after an action the daemon answers the updated user). */
function renderUser(slot: HTMLElement, user: DirectoryUser, ctx: PageContext, reload: () => Promise<void>): void {
  const update = (next: DirectoryUser) => renderUser(slot, next, ctx, reload);
  const name = user.displayName || `${user.givenName} ${user.surname}`.trim() || user.login;
  document.title = `${name} — Trousse`;

  slot.replaceChildren(
    h(
      'div',
      { class: 'user-detail', 'data-testid': 'user-detail', 'data-login': user.login },
      h(
        'section',
        { class: 'card user-header', 'aria-label': 'Résumé du compte' },
        h(
          'div',
          { class: 'user-header-main' },
          h('span', { class: 'avatar avatar-lg', 'aria-hidden': 'true' }, initials(user)),
          h(
            'div',
            null,
            h('h2', { class: 'user-name-title' }, name),
            h('p', { class: 'muted' }, headerLine(user)),
          ),
          stateBadge(user.state, 'user-state'),
        ),
        stateNotice(user),
      ),
      h(
        'div',
        { class: 'detail-grid' },
        h('div', { class: 'detail-column' }, infoCard(user), groupsCard(user)),
        h('div', { class: 'detail-column' }, actionsCard(user, ctx, { update, reload })),
      ),
    ),
  );
}

function headerLine(user: DirectoryUser): Node[] {
  const parts: Node[] = [document.createTextNode(PROFILE_LABELS[user.profile] ?? user.profile)];
  if (user.profile === 'eleve' && user.classe) {
    parts.push(document.createTextNode(' · classe '), h('a', { href: `#${routes.class(user.classe)}` }, user.classe));
  }
  if (user.profile === 'personnel' && user.staffFunction) {
    parts.push(document.createTextNode(` · ${staffFunctionLabel(user.staffFunction)}`));
  }
  parts.push(document.createTextNode(' · '), loginText(user.login));
  return parts;
}

function stateNotice(user: DirectoryUser): HTMLElement | null {
  if (user.state === 'disabled') {
    return h(
      'p',
      { class: 'alert alert-warning' },
      'Ce compte est désactivé : la personne ne peut plus se connecter. Ses fichiers et ses groupes sont conservés ; vous pouvez le réactiver à tout moment.',
    );
  }
  if (user.state === 'deleted') {
    return h(
      'div',
      { class: 'alert alert-danger' },
      h('p', { class: 'alert-title' }, 'Compte dans la corbeille'),
      h(
        'p',
        null,
        `Supprimé le ${formatDateTime(user.deletedAt)}. `,
        user.purgeAfter
          ? `Il sera supprimé définitivement, avec ses données, à partir du ${formatDateTime(user.purgeAfter)}. `
          : 'Il sera supprimé définitivement à la fin du délai de grâce. ',
        'D’ici là, vous pouvez le restaurer.',
      ),
    );
  }
  return null;
}

function infoCard(user: DirectoryUser): HTMLElement {
  const rows: [string, Node | string][] = [
    ['Prénom', user.givenName || '—'],
    ['Nom', user.surname || '—'],
    ['Identifiant de connexion', loginText(user.login)],
    ['Profil', PROFILE_LABELS[user.profile] ?? user.profile],
  ];
  if (user.profile === 'personnel') rows.push(['Fonction', staffFunctionLabel(user.staffFunction)]);
  if (user.profile === 'eleve') {
    rows.push(['Classe', user.classe ? h('a', { href: `#${routes.class(user.classe)}` }, user.classe) : '—']);
  }
  rows.push(
    ['État', stateBadge(user.state)],
    ['Numéro d’utilisateur (uidNumber)', formatInteger(user.uidNumber)],
    ['Identifiant national', user.nationalId ? h('span', { class: 'login' }, user.nationalId) : 'Non renseigné'],
    ['Compte créé le', formatDateTime(user.createdAt)],
    ['Dernière connexion', user.lastLogonAt ? formatDateTime(user.lastLogonAt) : 'Jamais connecté'],
    [
      'Mot de passe à changer',
      user.mustChangePassword ? 'Oui, à la prochaine connexion' : 'Non',
    ],
    [
      'Mot de passe initial',
      user.initialPasswordKept ? 'Conservé pour les fiches' : 'Non conservé',
    ],
  );
  if (user.state === 'deleted') {
    rows.push(['Supprimé le', formatDateTime(user.deletedAt)], ['Suppression définitive', formatDateTime(user.purgeAfter)]);
  }
  return card({ title: 'Informations', icon: 'info', testId: 'user-info' }, facts(rows));
}

function groupsCard(user: DirectoryUser): HTMLElement {
  const groups = [...(user.groups ?? [])].sort((a, b) => a.label.localeCompare(b.label, 'fr'));
  const body = groups.length
    ? h(
        'ul',
        { class: 'chip-list', 'data-testid': 'user-groups' },
        groups.map((group) =>
          h(
            'li',
            null,
            h(
              'a',
              { class: 'chip', href: `#${routes.group(group.name)}` },
              group.label || group.name,
              h('span', { class: 'chip-kind' }, GROUP_KIND_SINGULAR[group.kind] ?? group.kind),
            ),
          ),
        ),
      )
    : h('p', { class: 'muted' }, 'Ce compte ne fait partie d’aucun groupe.');
  return card({ title: 'Groupes', icon: 'directory' }, body);
}

function initials(user: DirectoryUser): string {
  const letters = `${user.givenName.charAt(0)}${user.surname.charAt(0)}`.trim();
  return (letters || user.login.slice(0, 2)).toUpperCase();
}
