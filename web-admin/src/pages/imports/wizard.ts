// /imports/:id — the wizard of one run: 1 Fichiers, 2 Différences, 3 Application, 4 Rapport.
// The step shown follows the run's state; each step lives in its own module.
import { api, errorMessage } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatDateTime } from '../../format.ts';
import { IMPORT_MODE_LABELS, type ImportRun } from '../../imports-types.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { backLink, loadInto } from '../directory/common.ts';
import {
  fetchRun,
  importPaths,
  importRoutes,
  runStateBadge,
  runTitle,
  stepOf,
  type Wizard,
  type WizardStep,
} from './common.ts';
import { renderDiffStep } from './diff-view.ts';
import { renderFilesStep } from './files.ts';
import { renderApplyStep } from './progress.ts';
import { renderReportStep } from './report.ts';

const STEPS: { step: WizardStep; label: string }[] = [
  { step: 'files', label: 'Fichiers' },
  { step: 'diff', label: 'Différences' },
  { step: 'apply', label: 'Application' },
  { step: 'report', label: 'Rapport' },
];

export const importRunPage: Page = {
  path: '/imports/:id',
  title: 'Import',
  roles: ['administrator'],
  group: 'imports',
  nav: false,
  render(container, ctx) {
    const id = Number(ctx.params['id']);
    const slot = h('div');
    container.append(backLink(`#${importRoutes.list}`, 'Retour à la liste des imports'), slot);
    if (!Number.isInteger(id) || id <= 0) {
      slot.append(h('p', { class: 'alert alert-danger', role: 'alert' }, 'Cet import n’existe pas.'));
      return;
    }
    return loadInto(slot, ctx, () => fetchRun(id, ctx.signal), (run) => startWizard(slot, run, ctx), 'Chargement de l’import…');
  },
};

function startWizard(slot: HTMLElement, first: ImportRun, ctx: PageContext): void {
  const header = h('div');
  const body = h('div', { class: 'import-step-body' });
  slot.replaceChildren(h('div', { class: 'import-wizard', 'data-testid': 'import-wizard', 'data-id': first.id }, header, body));
  let stepScope: AbortController | null = null;
  let shownStep: WizardStep = stepOf(first);
  ctx.signal.addEventListener('abort', () => stepScope?.abort(), { once: true });

  const wizard: Wizard = {
    ctx,
    get signal() {
      return stepScope?.signal ?? ctx.signal;
    },
    show(run, step) {
      if (ctx.signal.aborted) return;
      stepScope?.abort();
      stepScope = new AbortController();
      const shown = step ?? stepOf(run);
      shownStep = shown;
      renderHeader(header, run, shown, wizard);
      body.replaceChildren();
      body.dataset.step = shown;
      if (shown === 'files') renderFilesStep(body, run, wizard);
      else if (shown === 'diff') renderDiffStep(body, run, wizard);
      else if (shown === 'apply') renderApplyStep(body, run, wizard);
      else renderReportStep(body, run, wizard);
    },
    header(run) {
      if (!ctx.signal.aborted) renderHeader(header, run, shownStep, wizard);
    },
    async reload() {
      try {
        wizard.show(await fetchRun(first.id, ctx.signal));
      } catch (error) {
        if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
      }
    },
  };
  wizard.show(first);
}

function renderHeader(header: HTMLElement, run: ImportRun, shown: WizardStep, wizard: Wizard): void {
  const title = runTitle(run);
  document.title = `${title} — Trousse`;
  const heading = header.closest('main')?.querySelector('.page-title');
  if (heading) heading.textContent = title;

  const current = STEPS.findIndex((s) => s.step === shown);
  const stepper = h(
    'ol',
    { class: 'import-stepper', 'aria-label': 'Étapes de l’import' },
    STEPS.map((s, index) =>
      h(
        'li',
        {
          class: `import-stepper-item${index < current ? ' is-done' : ''}${index === current ? ' is-current' : ''}`,
          'aria-current': index === current ? 'step' : undefined,
          'data-step': s.step,
        },
        h('span', { class: 'import-stepper-number', 'aria-hidden': 'true' }, String(index + 1)),
        h('span', null, s.label),
        index < current ? h('span', { class: 'sr-only' }, ' (terminée)') : null,
      ),
    ),
  );

  const abandon =
    run.state === 'draft' || run.state === 'analysed'
      ? h('button', { type: 'button', class: 'button button-danger-outline button-small', 'data-testid': 'import-abandon' }, 'Abandonner cet import')
      : null;
  abandon?.addEventListener('click', () => abandonDialog(run, wizard.ctx));

  header.replaceChildren(
    h(
      'section',
      { class: 'card import-header', 'aria-label': 'Résumé de l’import' },
      h(
        'div',
        { class: 'import-header-main' },
        h(
          'div',
          null,
          h('p', { class: 'import-header-mode' }, IMPORT_MODE_LABELS[run.mode] ?? run.mode),
          h('p', { class: 'muted small' }, `Créé le ${formatDateTime(run.createdAt)} par ${run.createdBy}`, run.appliedAt ? ` · appliqué le ${formatDateTime(run.appliedAt)}` : ''),
        ),
        h('div', { class: 'import-header-side' }, runStateBadge(run.state, 'import-state'), abandon),
      ),
      stepper,
    ),
  );
}

function abandonDialog(run: ImportRun, ctx: PageContext): void {
  confirmDialog({
    title: 'Abandonner l’import',
    testId: 'import-abandon-dialog',
    signal: ctx.signal,
    danger: true,
    content: [
      h('p', null, `L’import n° ${run.id} et les fichiers déposés seront supprimés.`),
      h('p', { class: 'muted' }, 'Aucun compte n’a été modifié : rien n’est écrit dans l’annuaire avant l’application.'),
    ],
    confirmLabel: 'Abandonner l’import',
    busyLabel: 'Suppression…',
    action: async () => {
      await api.delete<void>(importPaths.run(run.id));
      notify(`L’import n° ${run.id} a été abandonné.`);
    },
    onSuccess: () => ctx.navigate(importRoutes.list),
  });
}
