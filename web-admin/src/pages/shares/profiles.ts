// "Profils itinérants": the roaming profiles on the server, largest first, and « Réinitialiser »
// (archived then removed; Windows builds a fresh one at the next logon).
import { api } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatBytes } from '../../format.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import type { ProfileLine } from '../../shares-types.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, loadInto, loginText, plural, routes, toolbar } from '../directory/common.ts';
import { sharePaths, shareRoutes } from './common.ts';

export const profilesPage: Page = {
  path: shareRoutes.profiles,
  title: 'Profils itinérants',
  roles: ['administrator'],
  group: 'partages',
  render(container, ctx) {
    const slot = h('div');
    container.append(
      h(
        'div',
        { class: 'directory-page page-fit', 'data-testid': 'profiles-page' },
        toolbar(
          h(
            'p',
            { class: 'muted' },
            'Le profil itinérant garde le bureau et les réglages Windows de chacun sur le serveur. Un profil abîmé (session qui ne s’ouvre plus, bureau vide, lenteurs) se répare en le réinitialisant ; un profil très gros ralentit chaque ouverture de session.',
          ),
        ),
        slot,
      ),
    );
    const load = () => api.get<ProfileLine[]>(sharePaths.profiles(), { signal: ctx.signal });
    const show = (lines: ProfileLine[]) => slot.replaceChildren(profilesCard(lines, ctx, reload));
    const reload = () => loadInto(slot, ctx, load, show, 'Mesure des profils…');
    return reload();
  },
};

function profilesCard(lines: ProfileLine[], ctx: PageContext, reload: () => Promise<void>): HTMLElement {
  if (!Array.isArray(lines) || lines.length === 0) {
    return h(
      'section',
      { class: 'card', 'aria-label': 'Profils itinérants' },
      emptyState(
        'Aucun profil itinérant sur le serveur.',
        'Un profil apparaît ici après la première ouverture de session Windows d’un compte dont le profil itinérant est activé (Partages → Réglages).',
      ),
    );
  }
  const total = lines.reduce((sum, line) => sum + line.bytes, 0);
  return h(
    'section',
    { class: 'card', 'aria-label': 'Profils itinérants' },
    h('p', { class: 'list-total' }, `${plural(lines.length, 'profil', 'profils')} · ${formatBytes(total)} au total`),
    h(
      'div',
      { class: 'table-wrap' },
      dataTable<ProfileLine>({
        caption: 'Profils itinérants, les plus gros d’abord',
        testId: 'profiles-table',
        rows: lines,
        rowAttrs: (line) => ({ 'data-testid': 'profile-row', 'data-login': line.login }),
        columns: [
          {
            label: 'Compte',
            cell: (line) =>
              line.displayName
                ? h('a', { href: `#${routes.user(line.login)}` }, line.displayName)
                : h('span', { class: 'muted' }, 'Compte inconnu de l’annuaire'),
          },
          { label: 'Identifiant', cell: (line) => loginText(line.login) },
          {
            label: 'Dossiers',
            cell: (line) =>
              h(
                'ul',
                { class: 'folder-list' },
                line.folders.map((folder) =>
                  h('li', null, h('span', { class: 'login' }, folder.name), h('span', { class: 'muted' }, ` ${formatBytes(folder.bytes)}`)),
                ),
              ),
          },
          { label: 'Taille', className: 'numeric', cell: (line) => h('strong', null, formatBytes(line.bytes)) },
          { label: 'Actions', cell: (line) => resetButton(line, ctx, reload) },
        ],
      }),
    ),
  );
}

function resetButton(line: ProfileLine, ctx: PageContext, reload: () => Promise<void>): HTMLButtonElement {
  const who = line.displayName || line.login;
  const button = h(
    'button',
    { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'profile-reset', 'aria-label': `Réinitialiser le profil de ${who}` },
    'Réinitialiser',
  );
  button.addEventListener('click', () =>
    confirmDialog({
      title: 'Réinitialiser le profil itinérant',
      testId: 'profile-reset-dialog',
      signal: ctx.signal,
      danger: true,
      content: [
        h('p', null, 'Profil de ', h('strong', null, who), ` (${line.folders.map((f) => f.name).join(', ') || line.login}, ${formatBytes(line.bytes)}).`),
        h(
          'ul',
          null,
          h('li', null, 'Le profil est d’abord archivé sur le serveur (une copie est gardée), puis supprimé.'),
          h('li', null, 'À sa prochaine ouverture de session, Windows lui recrée un profil neuf : fond d’écran, raccourcis du bureau et réglages des logiciels reviennent à ceux d’origine.'),
          h('li', null, 'Les fichiers du lecteur personnel (Documents, Bureau redirigé…) ne sont pas touchés.'),
        ),
        h(
          'p',
          { class: 'alert alert-warning' },
          'La personne doit être déconnectée de tous les ordinateurs. Si elle est encore connectée, la réinitialisation est refusée : demandez-lui de fermer sa session, puis recommencez.',
        ),
      ],
      typeToConfirm: { label: `Pour confirmer, saisissez l’identifiant : ${line.login}`, expected: line.login },
      confirmLabel: 'Réinitialiser le profil',
      busyLabel: 'Réinitialisation…',
      action: async () => {
        await api.post<{ folders: string[]; archived: boolean }>(sharePaths.profileReset(line.login), { confirm: line.login });
      },
      onSuccess: () => {
        notify(`Le profil itinérant de ${who} a été archivé puis supprimé.`);
        void reload();
      },
    }),
  );
  return button;
}
