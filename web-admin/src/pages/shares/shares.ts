// "Partages": the school's shares (UNC paths), the quota mode, the last check with its report,
// « Vérifier et réparer maintenant », and the settings (roaming profiles, drive letter, group shares).
import { api, errorMessage } from '../../api.ts';
import type { GroupSummary, Profile } from '../../directory-types.ts';
import { h, uid } from '../../dom.ts';
import { formatInteger, formatMoment } from '../../format.ts';
import { icon } from '../../icons.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import type { ReconcileReport, SharesStatus, ShareInfo, ShareSettings } from '../../shares-types.ts';
import { card, facts, loadingText } from '../../widgets/card.ts';
import { checkboxField, type Field, selectField, withBusy } from '../../widgets/fields.ts';
import { GROUP_KIND_SINGULAR, groupTitle, loadInto, PROFILE_PLURALS, plural } from '../directory/common.ts';
import { copyable, quotaModeBlock, sharePaths, shareRoutes } from './common.ts';

const PROFILES: Profile[] = ['eleve', 'enseignant', 'personnel'];
const DRIVES = 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((letter) => `${letter}:`);

export const sharesPage: Page = {
  path: shareRoutes.shares,
  title: 'Partages',
  roles: ['administrator'],
  group: 'partages',
  render(container, ctx) {
    const top = h('div', { class: 'directory-page page-fit' });
    const settings = h('div');
    container.append(h('div', { class: 'directory-page page-fit', 'data-testid': 'shares-page' }, top, settings));
    const load = () => api.get<SharesStatus>(sharePaths.status, { signal: ctx.signal });
    const show = (status: SharesStatus) => renderStatus(top, status, ctx);
    /** After the settings are saved: the list of shares may have changed. */
    const refresh = async () => {
      try {
        show(await load());
      } catch {
        // The page keeps what it shows; the next visit reads it again.
      }
    };
    return loadInto(
      top,
      ctx,
      load,
      (status) => {
        show(status);
        settings.replaceChildren(settingsCard(ctx, status.enabled, refresh));
      },
      'Chargement des partages…',
    );
  },
};

function renderStatus(slot: HTMLElement, status: SharesStatus, ctx: PageContext): void {
  if (!status.enabled) {
    slot.replaceChildren(disabledState());
    return;
  }
  slot.replaceChildren(
    status.included ? '' : notIncludedAlert(status),
    h(
      'p',
      { class: 'muted intro' },
      'Chaque utilisateur retrouve ses dossiers sur les ordinateurs de l’établissement. Trousse crée les dossiers, pose les droits et les répare si besoin : au démarrage, après chaque changement de l’annuaire, et chaque nuit.',
    ),
    h(
      'section',
      { class: 'share-grid', 'aria-label': 'Dossiers partagés', 'data-testid': 'share-list' },
      status.shares.map(shareCard),
    ),
    h(
      'div',
      { class: 'detail-grid detail-grid-even' },
      h(
        'div',
        { class: 'detail-column' },
        lastCheckCard(status.last, ctx),
      ),
      h(
        'div',
        { class: 'detail-column' },
        card(
          { title: 'Quotas', icon: 'disk', testId: 'shares-quota', aside: h('a', { class: 'card-link', href: `#${shareRoutes.quotas}` }, 'Voir l’occupation') },
          quotaModeBlock(status.quota),
        ),
        card(
          { title: 'Emplacements sur le serveur', icon: 'server', testId: 'shares-paths' },
          h('p', { class: 'lead' }, 'Pour le technicien : où se trouvent les dossiers sur le disque du serveur.'),
          facts([
            ['Nom du serveur', status.serverName],
            ['Dossiers personnels', h('span', { class: 'login' }, status.homeRoot)],
            ['Classes, commun, profils, groupes', h('span', { class: 'login' }, status.root)],
            ['Configuration Samba des partages', h('span', { class: 'login' }, status.includeFile)],
          ]),
        ),
      ),
    ),
  );
}

function disabledState(): HTMLElement {
  return h(
    'section',
    { class: 'card empty-state', 'data-testid': 'shares-disabled' },
    h('span', { class: 'empty-state-icon' }, icon('shares')),
    h('p', { class: 'empty-state-title' }, 'Les partages ne sont pas gérés par Trousse sur ce serveur.'),
    h(
      'p',
      { class: 'muted' },
      'Trousse ne crée donc ni les dossiers personnels, ni les dossiers des classes, ni le dossier commun, et les devoirs ne sont pas disponibles. C’est un choix fait à l’installation (réglage « shares.enabled » à « false » dans /etc/trousse/config.json).',
    ),
    h(
      'p',
      { class: 'muted' },
      'Pour les activer, demandez au technicien de passer ce réglage à « true » puis de redémarrer Trousse. Vous pouvez dès maintenant préparer les réglages ci-dessous et récupérer la configuration des postes sur la page ',
      h('a', { href: `#${shareRoutes.clients}` }, 'Postes Windows et Linux'),
      '.',
    ),
  );
}

function notIncludedAlert(status: SharesStatus): HTMLElement {
  return h(
    'div',
    { class: 'alert alert-danger', role: 'alert', 'data-testid': 'shares-not-included' },
    h('p', { class: 'alert-title' }, 'Les partages ne sont pas encore servis aux ordinateurs'),
    h(
      'p',
      null,
      'Trousse prépare les dossiers, mais Samba (le service qui les met à disposition sur le réseau) ne lit pas encore le fichier où Trousse les décrit. Tant que ce n’est pas fait, personne ne voit ses dossiers.',
    ),
    h(
      'p',
      null,
      'À faire par le technicien : ajouter la ligne ',
      h('code', { class: 'login' }, `include = ${status.includeFile}`),
      ' à la fin de la section [global] du fichier smb.conf de Samba (le script d’installation de provisioning/ le fait), puis cliquer ici sur « Vérifier et réparer maintenant ».',
    ),
  );
}

function shareCard(share: ShareInfo): HTMLElement {
  return card(
    { title: share.name, icon: 'shares', className: 'share-card', testId: 'share-card' },
    h('p', { class: 'share-unc' }, copyable(share.unc, `le chemin de ${share.name}`, 'share-unc')),
    h('p', { class: 'muted' }, share.description),
  );
}

// ---- the last check ------------------------------------------------------------------------

function lastCheckCard(initial: ReconcileReport | null, ctx: PageContext): HTMLElement {
  const body = h('div', { 'data-testid': 'reconcile-report', 'aria-live': 'polite' }, reportView(initial));
  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
  const running = h('p', { class: 'muted small', hidden: true }, 'Vérification en cours : cela peut prendre quelques minutes dans un grand établissement.');
  const button = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'reconcile' }, 'Vérifier et réparer maintenant');
  button.addEventListener('click', async () => {
    message.textContent = '';
    running.hidden = false;
    body.setAttribute('aria-busy', 'true');
    try {
      const report = await withBusy(button, 'Vérification en cours…', () => api.post<ReconcileReport>(sharePaths.reconcile));
      body.replaceChildren(reportView(report));
      notify(report.errors.length ? 'Vérification terminée : des problèmes restent à corriger.' : 'Vérification terminée.');
    } catch (error) {
      if (!ctx.signal.aborted) message.textContent = errorMessage(error);
    } finally {
      running.hidden = true;
      body.removeAttribute('aria-busy');
    }
  });
  return card(
    { title: 'Dernière vérification', icon: 'check', testId: 'shares-last' },
    body,
    message,
    running,
    h('div', { class: 'actions-row' }, button),
  );
}

function reportView(report: ReconcileReport | null): HTMLElement {
  if (!report) {
    return h(
      'p',
      { class: 'muted' },
      'Aucune vérification depuis le dernier démarrage du serveur. Elle a lieu toute seule au démarrage, après chaque changement de l’annuaire et chaque nuit ; vous pouvez aussi la lancer maintenant.',
    );
  }
  const errors = report.errors ?? [];
  const warnings = report.warnings ?? [];
  const outcome = errors.length
    ? h('p', { class: 'alert alert-danger', 'data-testid': 'reconcile-outcome' }, `${plural(errors.length, 'problème empêche', 'problèmes empêchent')} une partie des partages de fonctionner.`)
    : warnings.length
      ? h('p', { class: 'alert alert-warning', 'data-testid': 'reconcile-outcome' }, `Tout fonctionne, avec ${plural(warnings.length, 'remarque', 'remarques')} à lire ci-dessous.`)
      : h('p', { class: 'alert alert-success', 'data-testid': 'reconcile-outcome' }, 'Tout est en ordre.');
  return h(
    'div',
    null,
    facts([
      ['Vérifiée', formatMoment(report.at)],
      ['Durée', duration(report.ms)],
      ['Dossiers créés', formatInteger(report.foldersCreated)],
      ['Droits d’accès écrits', formatInteger(report.aclsWritten)],
      ['Comptes dont les chemins Windows ont changé', formatInteger(report.windowsPathsChanged)],
      ['Configuration de Samba modifiée', report.confChanged ? 'Oui' : 'Non'],
    ]),
    outcome,
    errors.length || warnings.length
      ? h(
          'ul',
          { class: 'report-list' },
          errors.map((text) =>
            h('li', { class: 'report-item report-error', 'data-testid': 'reconcile-error' }, icon('error'), h('span', null, h('strong', null, 'Erreur : '), text)),
          ),
          warnings.map((text) =>
            h('li', { class: 'report-item report-warning', 'data-testid': 'reconcile-warning' }, icon('warn'), h('span', null, h('strong', null, 'Remarque : '), text)),
          ),
        )
      : null,
  );
}

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return `${formatInteger(Math.max(0, ms || 0))}\u00a0ms`;
  if (ms < 60_000) return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(ms / 1000)}\u00a0s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}\u00a0min ${seconds}\u00a0s`;
}

// ---- settings: roaming profiles, drive letter, group shares ---------------------------------

function settingsCard(ctx: PageContext, enabled: boolean, onSaved: () => Promise<void>): HTMLElement {
  const body = h('div', null, loadingText('Chargement des réglages…'));
  const section = card({ title: 'Réglages', icon: 'settings', testId: 'shares-settings' }, body);
  Promise.all([
    api.get<ShareSettings>(sharePaths.settings, { signal: ctx.signal }),
    api.get<{ items: GroupSummary[] }>(sharePaths.groups, { signal: ctx.signal }).then(
      (answer) => answer.items,
      (error: unknown) => errorMessage(error),
    ),
  ]).then(
    ([settings, groups]) => body.replaceChildren(settingsForm(settings, groups, enabled, ctx, onSaved)),
    (error) => {
      if (!ctx.signal.aborted) body.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)));
    },
  );
  return section;
}

function settingsForm(
  loaded: ShareSettings,
  groups: GroupSummary[] | string,
  enabled: boolean,
  ctx: PageContext,
  onSaved: () => Promise<void>,
): HTMLFormElement {
  const roaming = Object.fromEntries(
    PROFILES.map((profile) => [
      profile,
      checkboxField({ label: PROFILE_PLURALS[profile], name: `roaming.${profile}`, checked: Boolean(loaded.roamingProfiles?.[profile]) }),
    ]),
  ) as Record<Profile, Field<HTMLInputElement>>;
  const drive = selectField({
    label: 'Lettre du lecteur personnel',
    name: 'homeDrive',
    value: loaded.homeDrive,
    options: DRIVES.map((letter) => ({ value: letter, label: letter })),
    hint: 'Sous Windows, le dossier personnel de chacun apparaît sous cette lettre (H: en général).',
    testId: 'shares-home-drive',
  });

  // Group shares: the free groups and the structure's groups, plus any chosen group that no longer exists.
  const chosen = new Set(loaded.groupShares);
  const boxes = new Map<string, HTMLInputElement>();
  const groupItem = (name: string, label: string, note: string) => {
    const id = uid('group-share');
    const input = h('input', { type: 'checkbox', id, name: 'groupShares', value: name, 'data-testid': 'group-share' });
    input.checked = chosen.has(name);
    boxes.set(name, input);
    return h(
      'li',
      { class: 'check-item' },
      input,
      h('label', { for: id }, label, ' ', h('span', { class: 'muted small' }, note)),
    );
  };
  let groupsBlock: HTMLElement;
  if (typeof groups === 'string') {
    groupsBlock = h(
      'div',
      null,
      h('p', { class: 'alert alert-warning' }, `La liste des groupes n’a pas pu être chargée : ${groups}`),
      loaded.groupShares.length
        ? h('div', { class: 'check-list' }, h('ul', null, loaded.groupShares.map((name) => groupItem(name, name, 'partage actuel'))))
        : null,
    );
  } else {
    const eligible = groups
      .filter((g) => g.kind === 'libre' || g.kind === 'groupe')
      .sort((a, b) => groupTitle(a).localeCompare(groupTitle(b), 'fr', { numeric: true }));
    const known = new Set(eligible.map((g) => g.name));
    const gone = loaded.groupShares.filter((name) => !known.has(name));
    groupsBlock =
      eligible.length || gone.length
        ? h(
            'div',
            { class: 'check-list' },
            h(
              'ul',
              null,
              eligible.map((g) => groupItem(g.name, groupTitle(g), `${GROUP_KIND_SINGULAR[g.kind] ?? g.kind} · ${g.name}`)),
              gone.map((name) => groupItem(name, name, 'ce groupe n’existe plus : décochez-le')),
            ),
          )
        : h('p', { class: 'muted' }, 'Aucun groupe libre ni groupe de la structure pour le moment (voir Annuaire → Groupes).');
  }

  const message = h('p', { class: 'form-message', role: 'alert' });
  const success = h('p', { class: 'form-message form-message-success', role: 'status', 'data-testid': 'shares-settings-saved' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'shares-settings-submit' }, 'Enregistrer');

  const fill = (settings: ShareSettings) => {
    for (const profile of PROFILES) roaming[profile].control.checked = Boolean(settings.roamingProfiles?.[profile]);
    drive.control.value = settings.homeDrive;
    const names = new Set(settings.groupShares);
    for (const [name, box] of boxes) box.checked = names.has(name);
  };

  const form = h(
    'form',
    { class: 'settings-form', novalidate: true, 'aria-label': 'Réglages des partages' },
    enabled
      ? h('p', { class: 'lead' }, 'Après l’enregistrement, Trousse met aussitôt les dossiers et les comptes à jour.')
      : h('p', { class: 'lead' }, 'Ces réglages seront appliqués dès que les partages seront activés sur ce serveur.'),
    h(
      'fieldset',
      { class: 'settings-group' },
      h('legend', null, 'Profils itinérants Windows'),
      h(
        'p',
        { class: 'field-hint' },
        'Avec un profil itinérant, une personne retrouve son bureau et ses réglages Windows sur n’importe quel ordinateur de l’établissement. Sans, chaque ordinateur garde un profil à part (les fichiers du lecteur personnel restent disponibles partout).',
      ),
      h('div', { class: 'check-row' }, PROFILES.map((profile) => roaming[profile].element)),
    ),
    drive.element,
    h(
      'fieldset',
      { class: 'settings-group' },
      h('legend', null, 'Partages de groupes'),
      h(
        'p',
        { class: 'field-hint' },
        'Cochez les groupes qui doivent avoir leur propre dossier partagé (\\\\serveur\\grp-<nom du groupe>) : leurs membres peuvent y lire et écrire.',
      ),
      groupsBlock,
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
    const body: Pick<ShareSettings, 'roamingProfiles' | 'homeDrive' | 'groupShares'> = {
      roamingProfiles: {
        eleve: roaming.eleve.control.checked,
        enseignant: roaming.enseignant.control.checked,
        personnel: roaming.personnel.control.checked,
      },
      homeDrive: drive.control.value,
      groupShares: [...boxes].filter(([, box]) => box.checked).map(([name]) => name),
    };
    try {
      const saved = await withBusy(submit, enabled ? 'Enregistrement et mise à jour…' : 'Enregistrement…', () =>
        api.put<ShareSettings>(sharePaths.settings, body),
      );
      fill(saved ?? { ...loaded, ...body });
      success.textContent = 'Les réglages des partages ont été enregistrés.';
      void onSaved();
    } catch (error) {
      if (ctx.signal.aborted) return;
      message.className = 'form-message form-message-error';
      message.textContent = errorMessage(error);
    }
  });
  return form;
}
