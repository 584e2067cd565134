// "Imports": the runs (newest first), "Nouvel import (mise à jour)", "Rentrée", "Reprendre".
import { api, errorMessage } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatDateTime } from '../../format.ts';
import { IMPORT_MODE_LABELS, type ImportRun } from '../../imports-types.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, loadInto, plural, toolbar } from '../directory/common.ts';
import { importPaths, importRoutes, kindShort, runStateBadge } from './common.ts';

export const importsPage: Page = {
  path: importRoutes.list,
  title: 'Imports',
  roles: ['administrator'],
  group: 'imports',
  render(container, ctx) {
    const slot = h('div');
    const create = h(
      'button',
      { type: 'button', class: 'button button-primary', 'data-testid': 'import-new' },
      'Nouvel import (mise à jour)',
    );
    create.addEventListener('click', async () => {
      try {
        const run = await withBusy(create, 'Création…', () => api.post<ImportRun>(importPaths.list, { mode: 'update' }));
        ctx.navigate(importRoutes.run(run.id));
      } catch (error) {
        if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
      }
    });
    const rollover = h(
      'a',
      { class: 'button', href: `#${importRoutes.rollover}`, 'data-testid': 'import-rollover' },
      'Rentrée : bascule d’année',
    );
    container.append(
      h(
        'div',
        { class: 'directory-page' },
        toolbar(
          h(
            'p',
            { class: 'muted' },
            'Importez les fichiers de SIECLE, STS-Web ou de l’annuaire académique (AAF) pour créer, mettre à jour ou retirer les comptes. Rien n’est modifié avant que vous ne confirmiez.',
          ),
          create,
          rollover,
        ),
        slot,
      ),
    );
    const load = () => api.get<ImportRun[]>(importPaths.list, { signal: ctx.signal });
    const show = (runs: ImportRun[]) => slot.replaceChildren(runsCard(runs, ctx));
    return loadInto(slot, ctx, load, show, 'Chargement des imports…');
  },
};

function runsCard(runs: ImportRun[], ctx: PageContext): HTMLElement {
  if (!Array.isArray(runs) || runs.length === 0) {
    return h(
      'section',
      { class: 'card', 'aria-label': 'Liste des imports' },
      emptyState(
        'Aucun import pour le moment.',
        'Commencez par « Nouvel import (mise à jour) », ou par « Rentrée : bascule d’année » en début d’année scolaire.',
      ),
    );
  }
  const interrupted = runs.filter((run) => run.state === 'interrupted');
  return h(
    'section',
    { class: 'card', 'aria-label': 'Liste des imports' },
    interrupted.length
      ? h(
          'div',
          { class: 'alert alert-warning', role: 'status' },
          h('p', { class: 'alert-title' }, 'Un import a été interrompu'),
          h(
            'p',
            null,
            'Son application s’est arrêtée avant la fin (redémarrage du serveur, coupure…). Reprenez-le : les opérations déjà faites ne seront pas refaites.',
          ),
        )
      : null,
    h('p', { class: 'list-total' }, plural(runs.length, 'import', 'imports')),
    h(
      'div',
      { class: 'table-wrap' },
      dataTable<ImportRun>({
        caption: 'Imports, du plus récent au plus ancien',
        testId: 'imports-table',
        rows: runs,
        rowAttrs: (run) => ({
          'data-testid': 'import-row',
          'data-id': run.id,
          'data-state': run.state,
          class: run.state === 'interrupted' ? 'import-row-interrupted' : undefined,
        }),
        rowHref: (run) => `#${importRoutes.run(run.id)}`,
        columns: [
          {
            label: 'Date',
            cell: (run) =>
              h(
                'span',
                null,
                h('a', { href: `#${importRoutes.run(run.id)}` }, formatDateTime(run.createdAt)),
                h('span', { class: 'cell-sub muted' }, `n° ${run.id} · par ${run.createdBy}`),
              ),
          },
          { label: 'Type', cell: (run) => IMPORT_MODE_LABELS[run.mode] ?? run.mode },
          { label: 'Fichiers', cell: (run) => filesText(run) },
          { label: 'État', cell: (run) => runStateBadge(run.state) },
          { label: 'Résultat', cell: (run) => resultText(run) },
          {
            label: 'Actions',
            cell: (run) => (run.state === 'interrupted' ? resumeButton(run, ctx) : null),
          },
        ],
      }),
    ),
  );
}

function filesText(run: ImportRun): string {
  const files = run.files ?? [];
  if (files.length === 0) return 'Aucun fichier';
  const kinds = [...new Set(files.map((file) => kindShort(file.kind)))];
  return `${kinds.join(', ')} (${plural(files.length, 'fichier', 'fichiers')})`;
}

function resultText(run: ImportRun): string {
  if (run.report && (run.state === 'applied' || run.state === 'failed' || run.state === 'interrupted')) {
    const parts = [
      `${run.report.done} / ${run.report.operations} opérations`,
      plural(run.report.created, 'compte créé', 'comptes créés'),
    ];
    if (run.report.failed) parts.push(plural(run.report.failed, 'échec', 'échecs'));
    return parts.join(' · ');
  }
  if (run.diff) {
    const c = run.diff.counts;
    const parts = [`${c.create ?? 0} à créer`, `${c.disable ?? 0} départs`];
    if (run.diff.unresolved) parts.push(`${run.diff.unresolved} à trancher`);
    return parts.join(' · ');
  }
  if (run.state === 'applying' && run.progress) return `${run.progress.done} / ${run.progress.total}`;
  return '—';
}

/** "Reprendre": POST apply on an interrupted run (confirmed), then its page (or `after`). */
export function resumeButton(run: ImportRun, ctx: PageContext, after?: () => void, label = 'Reprendre'): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'button button-primary button-small', 'data-testid': 'import-resume' },
    label,
  );
  button.addEventListener('click', () =>
    confirmDialog({
      title: 'Reprendre l’import',
      testId: 'import-resume-dialog',
      signal: ctx.signal,
      content: [
        h('p', null, `L’application de l’import n° ${run.id} va reprendre là où elle s’est arrêtée.`),
        h('p', { class: 'muted' }, 'Les opérations déjà faites ne sont pas refaites ; aucun compte ne sera créé en double.'),
      ],
      confirmLabel: 'Reprendre',
      busyLabel: 'Reprise…',
      action: async () => {
        await api.post<ImportRun>(importPaths.apply(run.id), { confirm: true });
      },
      onSuccess: () => (after ? after() : ctx.navigate(importRoutes.run(run.id))),
    }),
  );
  return button;
}
