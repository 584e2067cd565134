// Step 2 "Différences": counts per action (each filters the table), classes and teams,
// the rollover's departures warning, the items table, file errors and "Appliquer".
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { DIFF_ACTION_LABELS, DIFF_ACTIONS, type DiffAction, type DiffSummary, type ImportRun } from '../../imports-types.ts';
import { card } from '../../widgets/card.ts';
import { PROFILE_PLURALS, plural } from '../directory/common.ts';
import { applySection } from './apply.ts';
import { issuesList, type Wizard } from './common.ts';
import { itemsTable } from './diff-items.ts';

export function renderDiffStep(slot: HTMLElement, first: ImportRun, wizard: Wizard): void {
  let run = first;
  if (!run.diff) {
    const again = h('button', { type: 'button', class: 'button button-primary', onClick: () => wizard.show(run, 'files') }, 'Revenir aux fichiers');
    slot.append(h('div', { class: 'card' }, h('p', { class: 'alert alert-warning', role: 'alert' }, 'Le résultat de l’analyse n’est pas disponible. Relancez l’analyse depuis l’étape « Fichiers ».'), h('p', { class: 'actions-row' }, again)));
    return;
  }
  let active: DiffAction | '' = '';
  const counts = h('div', { class: 'import-counts', role: 'group', 'aria-label': 'Filtrer le tableau par action' });
  const overview = h('div');
  const errors = h('div');
  const apply = h('div');
  const table = itemsTable(run.id, wizard, (next) => update(next));

  const select = (action: DiffAction | '') => {
    active = active === action ? '' : action;
    renderCounts();
    table.setAction(active);
  };

  const renderCounts = () => {
    const diff = run.diff as DiffSummary;
    const all = h(
      'button',
      { type: 'button', class: 'import-count import-count-all', 'aria-pressed': String(active === ''), 'data-testid': 'import-count-all', onClick: () => select('') },
      h('span', { class: 'import-count-label' }, 'Tout afficher'),
    );
    const cards = DIFF_ACTIONS.filter((action) => action !== 'ignored' || (diff.counts.ignored ?? 0) > 0).map((action) => {
      // "Cas à trancher": those still to settle (settled ones may stay listed as ambiguous).
      const value = action === 'ambiguous' ? diff.unresolved : (diff.counts[action] ?? 0);
      const settled = Math.max(0, (diff.counts.ambiguous ?? 0) - diff.unresolved);
      const tone = value > 0 && (action === 'ambiguous' || action === 'error') ? ' is-alert' : value > 0 && action === 'disable' ? ' is-warning' : '';
      return h(
        'button',
        {
          type: 'button',
          class: `import-count import-count-${action}${tone}`,
          'aria-pressed': String(active === action),
          'data-testid': `import-count-${action}`,
          'data-count': value,
          onClick: () => select(action),
        },
        h('span', { class: 'import-count-value' }, formatInteger(value)),
        h('span', { class: 'import-count-label' }, DIFF_ACTION_LABELS[action]),
        settled > 0 && action === 'ambiguous' ? h('span', { class: 'import-count-sub' }, `${formatInteger(settled)} déjà tranché${settled > 1 ? 's' : ''}`) : null,
      );
    });
    counts.replaceChildren(all, ...cards);
  };

  const update = (next: ImportRun) => {
    run = next;
    if (!run.diff) return wizard.show(run);
    wizard.header(run);
    renderCounts();
    overview.replaceChildren(overviewCard(run, run.diff));
    const fileErrors = (run.files ?? []).flatMap((file) => file.errors ?? []);
    errors.replaceChildren(
      fileErrors.length
        ? card({ title: 'Erreurs dans les fichiers', icon: 'warn', testId: 'import-errors' }, h('p', { class: 'lead' }, 'Ces lignes ne peuvent pas être importées telles quelles. Corrigez-les dans le logiciel d’origine puis refaites l’export, ou importez le reste sans elles.'), issuesList(fileErrors, plural(fileErrors.length, 'ligne en erreur', 'lignes en erreur'), { open: true }))
        : '',
    );
    apply.replaceChildren(applySection(run, wizard));
  };

  const edit = h('button', { type: 'button', class: 'button', 'data-testid': 'import-edit-files', onClick: () => wizard.show(run, 'files') }, 'Modifier les fichiers');
  slot.append(
    h(
      'div',
      { class: 'directory-page' },
      h(
        'section',
        { class: 'card', 'aria-label': 'Résumé des différences' },
        h('div', { class: 'list-head' }, h('p', { class: 'list-total' }, 'Ce que l’import va changer'), edit),
        h('p', { class: 'lead' }, 'Rien n’a encore été modifié. Vérifiez les différences ; cliquez sur un nombre pour afficher les personnes concernées.'),
        counts,
      ),
      overview,
      table.element,
      errors,
      apply,
    ),
  );
  update(run);
}

function overviewCard(run: ImportRun, diff: DiffSummary): HTMLElement {
  const departures = diff.counts.disable ?? 0;
  const warning =
    run.mode === 'rollover'
      ? h(
          'div',
          { class: 'alert alert-warning', 'data-testid': 'import-rollover-warning' },
          h('p', { class: 'alert-title' }, 'Départs de la rentrée'),
          h(
            'p',
            null,
            departures === 1
              ? `1 compte absent des fichiers sera désactivé tout de suite et supprimé définitivement dans ${diff.graceDays} jours (avec son dossier personnel archivé).`
              : `${formatInteger(departures)} comptes absents des fichiers seront désactivés tout de suite et supprimés définitivement dans ${diff.graceDays} jours (avec leur dossier personnel archivé).`,
          ),
          h('p', null, 'D’ici là, un compte retiré par erreur peut être restauré depuis sa fiche. Vérifiez la liste avec le filtre « ', DIFF_ACTION_LABELS.disable, ' ».'),
        )
      : departures > 0
        ? h('p', { class: 'alert alert-warning' }, `${plural(departures, 'compte sera désactivé', 'comptes seront désactivés')} (départs indiqués dans les fichiers), puis supprimé${departures > 1 ? 's' : ''} définitivement dans ${diff.graceDays} jours.`)
        : null;

  const names = (list: string[]) => (list.length ? list.join(', ') : 'aucune');
  const rows: [string, string][] = [
    ['Classes à créer', names(diff.classes.create)],
    ['Classes à supprimer (vides)', names(diff.classes.remove)],
    ['Équipes pédagogiques mises à jour', diff.teams ? plural(diff.teams, 'classe', 'classes') : 'aucune'],
    ['Groupes (langues, options…) créés ou mis à jour', diff.groups?.set ? plural(diff.groups.set, 'groupe', 'groupes') : 'aucun'],
    ['Groupes disparus à supprimer', diff.groups?.remove.length ? diff.groups.remove.join(', ') : 'aucun'],
    ['Profils concernés', diff.profiles.length ? diff.profiles.map((p) => PROFILE_PLURALS[p] ?? p).join(', ') : 'aucun'],
  ];
  return card(
    { title: 'Classes et équipes', icon: 'classes', testId: 'import-overview' },
    h(
      'dl',
      { class: 'facts' },
      rows.map(([label, value]) => h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, value))),
    ),
    diff.untouchedManual
      ? h('p', { class: 'muted small' }, `${plural(diff.untouchedManual, 'compte créé', 'comptes créés')} à la main ${diff.untouchedManual > 1 ? 'ne sont' : 'n’est'} pas concerné${diff.untouchedManual > 1 ? 's' : ''} par cet import.`)
      : null,
    warning,
  );
}
