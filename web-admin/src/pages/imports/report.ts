// Step 4 "Rapport": the outcome, the counts, the downloads (report, passwords, sheets).
import { h } from '../../dom.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import type { ImportRun } from '../../imports-types.ts';
import { card, facts } from '../../widgets/card.ts';
import { plural, routes } from '../directory/common.ts';
import { downloadSheets, downloadWithButton, importPaths, importRoutes, type Wizard } from './common.ts';
import { resumeButton } from './imports.ts';

export function renderReportStep(slot: HTMLElement, run: ImportRun, wizard: Wizard): void {
  const report = run.report;
  const rows: [string, string][] = report
    ? [
        ['Opérations prévues', formatInteger(report.operations)],
        ['Opérations réussies', formatInteger(report.done)],
        ['Opérations en échec', formatInteger(report.failed)],
        ['Comptes créés', formatInteger(report.created)],
        ['Mots de passe initiaux disponibles', formatInteger(report.passwords)],
      ]
    : [];

  slot.append(
    h(
      'div',
      { class: 'directory-page', 'data-testid': 'import-report', 'data-state': run.state },
      outcome(run, wizard),
      card(
        { title: 'Bilan', icon: 'check', testId: 'import-report-counts' },
        report ? facts(rows) : h('p', { class: 'muted' }, 'Le bilan n’est pas disponible pour cet import.'),
        report?.failed
          ? h(
              'p',
              { class: 'alert alert-warning' },
              `${plural(report.failed, 'opération a échoué', 'opérations ont échoué')} : le rapport (CSV) indique lesquelles et pourquoi.`,
            )
          : null,
      ),
      downloadsCard(run, wizard),
      h(
        'p',
        { class: 'actions-row' },
        h('a', { class: 'button', href: `#${importRoutes.list}` }, 'Retour à la liste des imports'),
        h('a', { class: 'button', href: `#${routes.users}` }, 'Voir les comptes'),
      ),
    ),
  );
}

function outcome(run: ImportRun, wizard: Wizard): HTMLElement {
  const again = () => void wizard.reload();
  if (run.state === 'applied') {
    return h(
      'div',
      { class: 'alert alert-success', role: 'status' },
      h('p', { class: 'alert-title' }, run.mode === 'rollover' ? 'La rentrée est appliquée' : 'L’import est appliqué'),
      h('p', null, run.appliedAt ? `Terminé le ${formatDateTime(run.appliedAt)}.` : 'Terminé.', ' Distribuez maintenant les codes des nouveaux comptes (fiches de connexion ci-dessous).'),
    );
  }
  if (run.state === 'interrupted') {
    return h(
      'div',
      { class: 'alert alert-warning', role: 'status' },
      h('p', { class: 'alert-title' }, 'L’application a été interrompue'),
      h('p', null, 'Le serveur s’est arrêté avant la fin. Reprenez l’import : les opérations déjà faites ne seront pas refaites.'),
      run.error ? h('p', null, run.error) : null,
      h('p', null, resumeButton(run, wizard.ctx, again, 'Reprendre l’application')),
    );
  }
  return h(
    'div',
    { class: 'alert alert-danger', role: 'alert' },
    h('p', { class: 'alert-title' }, 'L’application a échoué'),
    h('p', null, run.error ?? 'Une erreur a arrêté l’application.'),
    h('p', null, 'Les opérations déjà faites sont conservées (voir le rapport). Une fois le problème réglé, faites un nouvel import avec les mêmes fichiers : ce qui est déjà à jour apparaîtra comme inchangé.'),
  );
}

function downloadsCard(run: ImportRun, wizard: Wizard): HTMLElement {
  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
  const noPasswords = run.report !== null && run.report.passwords === 0;
  const reportButton = h('button', { type: 'button', class: 'button', 'data-testid': 'import-download-report' }, 'Télécharger le rapport (CSV)');
  reportButton.addEventListener('click', () =>
    void downloadWithButton(reportButton, {
      method: 'GET',
      path: importPaths.reportCsv(run.id),
      filename: `rapport-import-${run.id}.csv`,
      signal: wizard.signal,
      message,
    }),
  );
  const passwordsButton = h(
    'button',
    { type: 'button', class: 'button', 'data-testid': 'import-download-passwords', disabled: noPasswords },
    'Mots de passe des nouveaux comptes (CSV)',
  );
  passwordsButton.addEventListener('click', () =>
    void downloadWithButton(passwordsButton, {
      method: 'GET',
      path: importPaths.passwordsCsv(run.id),
      filename: `mots-de-passe-import-${run.id}.csv`,
      signal: wizard.signal,
      message,
    }),
  );
  const sheetsButton = h(
    'button',
    { type: 'button', class: 'button button-primary', 'data-testid': 'import-download-sheets', disabled: noPasswords },
    'Fiches de connexion (PDF)',
  );
  sheetsButton.addEventListener('click', () =>
    void downloadSheets(sheetsButton, { importId: run.id }, `codes-import-${run.id}.pdf`, { signal: wizard.signal, message }),
  );

  return card(
    { title: 'Documents', icon: 'download', testId: 'import-downloads' },
    h('div', { class: 'actions-row' }, sheetsButton, passwordsButton, reportButton),
    message,
    noPasswords
      ? h('p', { class: 'muted small' }, 'Aucun mot de passe initial n’est conservé pour cet import (aucun compte créé, ou mots de passe déjà effacés). Pour réimprimer des codes, utilisez la page « Fiches de connexion ».')
      : h(
          'p',
          { class: 'muted small' },
          'Les fiches (8 par page, à découper) donnent à chaque nouveau compte son identifiant et son mot de passe initial. Le fichier des mots de passe est confidentiel : ne l’envoyez pas par courriel et supprimez-le une fois les codes distribués.',
        ),
    h('p', { class: 'muted small' }, 'Le rapport liste chaque opération et son résultat, y compris celles en échec et leur cause.'),
  );
}
