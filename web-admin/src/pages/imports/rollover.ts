// /rentree — what the start-of-year rollover does, then a rollover run in the import wizard.
import { api, errorMessage } from '../../api.ts';
import { h } from '../../dom.ts';
import type { ImportRun } from '../../imports-types.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { withBusy } from '../../widgets/fields.ts';
import { directorySettings } from '../directory/common.ts';
import { importPaths, importRoutes } from './common.ts';

export const rolloverPage: Page = {
  path: importRoutes.rollover,
  title: 'Rentrée',
  roles: ['administrator'],
  group: 'imports',
  render(container, ctx) {
    const ongoing = h('div');
    const grace = h('span', null, 'quelques semaines (90 jours au plus)');
    const start = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'rollover-start' }, 'Commencer la rentrée');
    start.addEventListener('click', async () => {
      try {
        const run = await withBusy(start, 'Création…', () => api.post<ImportRun>(importPaths.list, { mode: 'rollover' }));
        ctx.navigate(importRoutes.run(run.id));
      } catch (error) {
        if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
      }
    });

    container.append(
      h(
        'div',
        { class: 'directory-page import-rollover' },
        h('p', { class: 'intro muted' }, 'En début d’année scolaire, la bascule met l’annuaire à l’image de la nouvelle année : classes, équipes pédagogiques, arrivées et départs.'),
        ongoing,
        card(
          { title: 'Ce que fait la bascule', icon: 'info' },
          h(
            'ul',
            { class: 'import-help-list' },
            h('li', null, 'Elle ', h('strong', null, 'reconstruit les classes et les équipes pédagogiques'), ' d’après les nouveaux fichiers SIECLE (élèves) et STS-Web (enseignants) ; les classes devenues vides sont supprimées.'),
            h('li', null, 'Elle ', h('strong', null, 'crée les comptes des nouveaux arrivants'), ' ; vous imprimerez ensuite leurs fiches de connexion.'),
            h('li', null, 'Ceux qui restent ', h('strong', null, 'gardent leur identifiant, leur mot de passe et leurs fichiers'), ' ; les élèves changent simplement de classe.'),
            h('li', null, 'Les comptes importés ', h('strong', null, 'absents des fichiers'), ' sont désactivés tout de suite, puis supprimés définitivement au bout de ', grace, ', avec leur dossier personnel archivé. D’ici là, ils peuvent être restaurés.'),
            h('li', null, 'Les comptes que vous avez créés à la main ne sont jamais retirés par la bascule.'),
          ),
        ),
        card(
          { title: 'Avant de commencer', icon: 'warn' },
          h(
            'ol',
            { class: 'import-help-list' },
            h('li', null, 'Attendez que la bascule d’année soit faite dans SIECLE et que les services des enseignants soient saisis dans STS-Web.'),
            h('li', null, 'Exportez de SIECLE Base Élèves le fichier « Exports › XML › ElevesSansAdresses » de la nouvelle année, et de STS-Web le fichier « sts_emp_<UAI>_<année>.xml ».'),
            h('li', null, 'Vous déposerez ces fichiers à l’étape suivante. Rien ne sera modifié avant que vous ayez vérifié la liste des changements et confirmé.'),
          ),
          h('p', { class: 'actions-row' }, start),
        ),
      ),
    );

    directorySettings().then((settings) => {
      if (settings && !ctx.signal.aborted) grace.textContent = `${settings.deletionGraceDays} jours`;
    });
    void showOngoing(ongoing, ctx);
  },
};

/** A rollover already started (not applied): continue it rather than starting another. */
async function showOngoing(slot: HTMLElement, ctx: PageContext): Promise<void> {
  let runs: ImportRun[];
  try {
    runs = await api.get<ImportRun[]>(importPaths.list, { signal: ctx.signal });
  } catch {
    return; // only a convenience
  }
  if (ctx.signal.aborted || !Array.isArray(runs)) return;
  const run = runs.find((r) => r.mode === 'rollover' && r.state !== 'applied' && r.state !== 'failed');
  if (!run) return;
  slot.replaceChildren(
    h(
      'div',
      { class: 'alert alert-neutral', 'data-testid': 'rollover-ongoing' },
      h('p', { class: 'alert-title' }, 'Une rentrée est déjà commencée'),
      h('p', null, h('a', { href: `#${importRoutes.run(run.id)}` }, `Continuer la rentrée en cours (import n° ${run.id})`)),
    ),
  );
}
