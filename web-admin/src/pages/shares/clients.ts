// "Postes Windows et Linux": the values of the Windows GPO, and the two configuration files of
// the Linux PCs (downloads) with the commands to put them in place.
import { api, errorMessage } from '../../api.ts';
import { h } from '../../dom.ts';
import type { Page, PageContext } from '../../router.ts';
import type { LinuxClientFile, SssdCheck, WindowsSettings } from '../../shares-types.ts';
import { card, facts } from '../../widgets/card.ts';
import { withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { loadInto } from '../directory/common.ts';
import { downloadWithButton } from '../imports/common.ts';
import { commandBlock, copyable, sharePaths, shareRoutes } from './common.ts';

export const clientsPage: Page = {
  path: shareRoutes.clients,
  title: 'Postes Windows et Linux',
  roles: ['administrator'],
  group: 'partages',
  render(container, ctx) {
    const windows = h('div');
    container.append(
      h(
        'div',
        { class: 'directory-page page-fit', 'data-testid': 'clients-page' },
        h(
          'p',
          { class: 'muted intro' },
          'Ce qu’il faut régler sur les ordinateurs de l’établissement pour que chacun y retrouve ses dossiers. Ces informations sont surtout destinées au technicien qui prépare les postes.',
        ),
        windows,
        linuxCard(ctx),
      ),
    );
    return loadInto(
      windows,
      ctx,
      () => api.get<WindowsSettings>(sharePaths.windows, { signal: ctx.signal }),
      (settings) => windows.replaceChildren(windowsCard(settings)),
      'Chargement des réglages Windows…',
    );
  },
};

function windowsCard(settings: WindowsSettings): HTMLElement {
  const excluded = settings.excludeProfileDirs.join(';');
  return card(
    { title: 'Postes Windows', icon: 'server', testId: 'clients-windows' },
    h(
      'p',
      { class: 'lead' },
      'Trousse inscrit lui-même sur chaque compte le lecteur personnel et, s’il est activé pour son profil, le profil itinérant : Windows les utilise dès l’ouverture de session. La redirection des dossiers et les dossiers exclus du profil se règlent, eux, dans une stratégie de groupe (GPO) créée une fois pour tout l’établissement.',
    ),
    h(
      'p',
      { class: 'alert alert-neutral' },
      'Pour le technicien : la marche à suivre pas à pas (création de la GPO, cases à cocher, pièges) est dans le fichier provisioning/gpo/README.md fourni avec Trousse.',
    ),
    h('h3', { class: 'section-title' }, 'Lecteur personnel et profil itinérant'),
    facts([
      ['Lettre du lecteur personnel', h('strong', { 'data-testid': 'windows-home-drive' }, settings.homeDrive)],
      ['Dossier personnel', copyable(settings.homeDirectoryPattern, 'le chemin du dossier personnel', 'windows-home-path')],
      ['Profil itinérant', copyable(settings.profilePathPattern, 'le chemin du profil itinérant', 'windows-profile-path')],
    ]),
    h('p', { class: 'muted small' }, '%USERNAME% est remplacé par Windows par l’identifiant de la personne connectée.'),
    h('h3', { class: 'section-title' }, 'Redirection de dossiers (GPO)'),
    h(
      'p',
      { class: 'field-hint' },
      'Configuration utilisateur → Stratégies → Paramètres Windows → Redirection de dossiers : pour chaque dossier, « Rediriger vers l’emplacement suivant » avec la cible indiquée.',
    ),
    h(
      'div',
      { class: 'table-wrap' },
      dataTable({
        caption: 'Dossiers à rediriger et leur cible',
        testId: 'windows-redirections',
        rows: settings.redirections,
        rowAttrs: (row) => ({ 'data-testid': 'windows-redirection', 'data-folder': row.knownFolder }),
        columns: [
          { label: 'Dossier', cell: (row) => h('strong', null, row.folder) },
          { label: 'Nom dans la console GPO', cell: (row) => h('span', { class: 'login' }, row.knownFolder) },
          { label: 'Cible', cell: (row) => copyable(row.target, `la cible de ${row.folder}`) },
        ],
      }),
    ),
    h('h3', { class: 'section-title' }, 'Dossiers exclus du profil itinérant (GPO)'),
    h(
      'p',
      { class: 'field-hint' },
      'Ces dossiers restent sur chaque ordinateur et ne sont pas copiés sur le serveur : le profil reste petit et les sessions s’ouvrent vite. À saisir dans « Exclure des répertoires du profil itinérant », séparés par des points-virgules.',
    ),
    h('ul', { class: 'chip-list', 'data-testid': 'windows-excluded' }, settings.excludeProfileDirs.map((name) => h('li', { class: 'chip' }, name))),
    h('p', null, copyable(excluded, 'la liste des dossiers exclus', 'windows-excluded-value')),
  );
}

const LINUX_FILES: { file: LinuxClientFile; label: string; testId: string }[] = [
  { file: 'sssd.conf', label: 'Télécharger sssd.conf', testId: 'download-sssd' },
  { file: 'pam_mount.conf.xml', label: 'Télécharger pam_mount.conf.xml', testId: 'download-pam-mount' },
];

function linuxCard(ctx: PageContext): HTMLElement {
  const domain = ctx.live.get().status?.school?.dnsDomain || '<domaine>';
  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
  const buttons = LINUX_FILES.map(({ file, label, testId }) => {
    const button = h('button', { type: 'button', class: 'button button-primary', 'data-testid': testId }, label);
    button.addEventListener('click', () =>
      void downloadWithButton(button, {
        method: 'GET',
        path: sharePaths.client(file),
        filename: file,
        busyLabel: 'Téléchargement…',
        signal: ctx.signal,
        message,
      }),
    );
    return button;
  });
  return card(
    { title: 'Postes Linux', icon: 'download', testId: 'clients-linux' },
    h(
      'p',
      { class: 'lead' },
      'Deux fichiers, préparés pour ce serveur : sssd.conf permet de se connecter avec son identifiant de l’établissement, pam_mount.conf.xml fait apparaître le dossier personnel du serveur dans le dossier « Reseau ». Leurs commentaires détaillent chaque étape.',
    ),
    h('div', { class: 'actions-row' }, buttons),
    message,
    sssdCheck(ctx),
    h('h3', { class: 'section-title' }, 'Mise en place, en administrateur (root) sur chaque poste'),
    h('p', { class: 'field-hint' }, 'Debian 12, Ubuntu 22.04 ou plus récent. Le poste doit utiliser le serveur comme DNS et être à l’heure.'),
    commandBlock(
      [
        'apt install sssd-ad sssd-tools libpam-mount cifs-utils keyutils krb5-user adcli realmd',
        `realm join --user=Administrator ${domain}`,
        'install -m 0600 -o root -g root sssd.conf /etc/sssd/sssd.conf',
        'install -m 0644 pam_mount.conf.xml /etc/security/pam_mount.conf.xml',
        'sssctl config-check && systemctl restart sssd',
        'pam-auth-update --enable mkhomedir',
        'id <identifiant d’un élève>',
      ],
      'Commandes pour installer les fichiers sur un poste Linux',
    ),
    h(
      'p',
      { class: 'muted small' },
      'sssd refuse de démarrer si sssd.conf n’appartient pas à root ou n’est pas en mode 0600. Dans /etc/pam.d/common-session, la ligne pam_mkhomedir.so doit venir avant pam_mount.so. La dernière commande doit afficher le numéro d’utilisateur du serveur.',
    ),
  );
}

/** « Vérifier sssd.conf »: the daemon runs `sssctl config-check` on the file it generates. */
function sssdCheck(ctx: PageContext): HTMLElement {
  const result = h('div', { 'aria-live': 'polite', 'data-testid': 'sssd-check-result' });
  const button = h('button', { type: 'button', class: 'button button-small', 'data-testid': 'sssd-check' }, 'Vérifier sssd.conf sur le serveur');
  button.addEventListener('click', async () => {
    result.replaceChildren();
    try {
      const check = await withBusy(button, 'Vérification…', () => api.post<SssdCheck | null>(sharePaths.clientCheck));
      if (!check) {
        result.replaceChildren(
          h('p', { class: 'muted small' }, 'L’outil sssctl n’est pas installé sur le serveur : la vérification se fera sur le poste, avec « sssctl config-check ».'),
        );
      } else if (check.ok) {
        result.replaceChildren(h('p', { class: 'form-message form-message-success' }, 'sssd.conf est accepté par « sssctl config-check ».'));
      } else {
        result.replaceChildren(
          h(
            'div',
            { class: 'alert alert-danger' },
            h('p', { class: 'alert-title' }, 'sssd.conf est refusé par « sssctl config-check »'),
            h('p', null, 'Transmettez ce message à l’assistance : le fichier généré par Trousse devrait toujours être accepté.'),
            check.output ? h('pre', { class: 'command-block' }, check.output) : null,
          ),
        );
      }
    } catch (error) {
      if (!ctx.signal.aborted) result.replaceChildren(h('p', { class: 'form-message form-message-error', role: 'alert' }, errorMessage(error)));
    }
  });
  return h('div', { class: 'sssd-check' }, h('div', { class: 'actions-row' }, button), result);
}
