// "Appliquer": why it is not possible yet, "Importer quand même le reste", the confirmation.
import { ApiError, api } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { DIFF_ACTION_LABELS, type DiffAction, type DiffSummary, type ImportRun } from '../../imports-types.ts';
import { notify } from '../../notify.ts';
import { openDialog } from '../../widgets/dialog.ts';
import { checkboxField } from '../../widgets/fields.ts';
import { plural } from '../directory/common.ts';
import { importPaths, type Wizard } from './common.ts';

const SUMMARY_ACTIONS: DiffAction[] = ['create', 'update', 'move', 'reactivate', 'disable', 'unchanged'];

export function applySection(run: ImportRun, wizard: Wizard): HTMLElement {
  const diff = run.diff as DiffSummary;
  const errors = diff.counts.error ?? 0;
  const unresolved = diff.unresolved ?? 0;
  const skip = errors > 0
    ? checkboxField({
        label: `Importer quand même le reste (${errors > 1 ? `les ${formatInteger(errors)} lignes en erreur seront ignorées` : 'la ligne en erreur sera ignorée'})`,
        name: 'skipErrors',
        checked: false,
        testId: 'import-skip-errors',
        hint: 'Les personnes de ces lignes ne seront ni créées ni modifiées ; vous pourrez les importer plus tard.',
      })
    : null;
  const reason = h('p', { class: 'import-apply-reason', id: `import-apply-reason-${run.id}`, role: 'status' });
  const button = h(
    'button',
    { type: 'button', class: 'button button-primary', 'data-testid': 'import-apply', 'aria-describedby': reason.id },
    run.mode === 'rollover' ? 'Appliquer la rentrée' : 'Appliquer',
  );

  const refresh = () => {
    const blocked =
      unresolved > 0
        ? `Il reste ${plural(unresolved, 'cas à trancher', 'cas à trancher')} : pour chacun, indiquez s’il s’agit d’un compte existant ou d’une nouvelle personne (filtre « ${DIFF_ACTION_LABELS.ambiguous} »).`
        : errors > 0 && !skip?.control.checked
          ? 'Les fichiers contiennent des lignes en erreur : corrigez-les et refaites l’import, ou cochez « Importer quand même le reste ».'
          : '';
    button.disabled = blocked !== '';
    reason.textContent = blocked || 'Vous confirmerez une dernière fois avant que l’annuaire soit modifié.';
    reason.classList.toggle('text-warning', blocked !== '');
  };
  skip?.control.addEventListener('change', refresh);
  button.addEventListener('click', () => confirmApply(run, diff, Boolean(skip?.control.checked), wizard));
  refresh();

  return h(
    'section',
    { class: 'card import-apply', 'aria-label': 'Appliquer l’import' },
    skip?.element,
    h('div', { class: 'actions-row' }, button),
    reason,
  );
}

function confirmApply(run: ImportRun, diff: DiffSummary, skipErrors: boolean, wizard: Wizard): void {
  const rollover = run.mode === 'rollover';
  const departures = diff.counts.disable ?? 0;
  const checked = rollover
    ? checkboxField({ label: 'J’ai vérifié la liste des départs', name: 'departuresChecked', checked: false, testId: 'import-confirm-departures' })
    : null;
  const lines = SUMMARY_ACTIONS.filter((action) => (diff.counts[action] ?? 0) > 0).map((action) =>
    h('li', null, h('strong', null, formatInteger(diff.counts[action] ?? 0)), ` ${DIFF_ACTION_LABELS[action].toLowerCase()}`),
  );
  if (diff.classes.create.length) lines.push(h('li', null, `Classes créées : ${diff.classes.create.join(', ')}`));
  if (diff.classes.remove.length) lines.push(h('li', null, `Classes supprimées (vides) : ${diff.classes.remove.join(', ')}`));
  if (diff.teams) lines.push(h('li', null, `Équipes pédagogiques mises à jour : ${plural(diff.teams, 'classe', 'classes')}`));
  if (skipErrors) lines.push(h('li', null, `Lignes en erreur ignorées : ${formatInteger(diff.counts.error ?? 0)}`));

  let started: ImportRun | null = null;
  let stale: ApiError | null = null;
  openDialog({
    title: rollover ? 'Appliquer la rentrée' : 'Appliquer l’import',
    testId: 'import-confirm',
    signal: wizard.signal,
    content: [
      h('p', null, 'L’annuaire va être modifié :'),
      lines.length ? h('ul', { class: 'import-confirm-list' }, lines) : h('p', { class: 'muted' }, 'Aucun changement de compte.'),
      departures > 0
        ? h(
            'p',
            { class: 'alert alert-warning' },
            `${plural(departures, 'compte sera désactivé', 'comptes seront désactivés')} tout de suite, puis supprimé${departures > 1 ? 's' : ''} définitivement dans ${diff.graceDays} jours avec ${departures > 1 ? 'leur' : 'son'} dossier personnel archivé.`,
          )
        : null,
      h('p', { class: 'muted small' }, 'L’application peut prendre plusieurs minutes. Vous pouvez quitter la page : elle continue sur le serveur.'),
      checked?.element,
    ],
    submitLabel: rollover ? 'Appliquer la rentrée' : 'Appliquer l’import',
    busyLabel: 'Lancement…',
    canSubmit: checked ? () => checked.control.checked : undefined,
    async submit() {
      try {
        started = await api.post<ImportRun>(importPaths.apply(run.id), { confirm: true, skipErrors });
      } catch (error) {
        // The directory changed since the analysis: the daemon recomputed it, show the new one.
        if (!(error instanceof ApiError && error.code === 'IMPORT_STALE')) throw error;
        stale = error;
      }
      return undefined;
    },
    onSuccess: () => {
      if (stale) notify(stale.message, 'error');
      if (started) wizard.show(started);
      else void wizard.reload();
    },
  });
}
