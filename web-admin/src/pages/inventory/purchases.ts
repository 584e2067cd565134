// « Registre des achats » (/inventaire/achats): the spreadsheet of purchases (dates, warranty,
// supplier, invoice) brought into the inventory. Download the template, choose the file,
// « Vérifier » (nothing changes: each line and its errors are shown), then « Appliquer » — only
// after a check without errors, with a confirmation; the daemon applies all lines or none.
import { errorMessage } from '../../api.ts';
import { h, uid } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { icon } from '../../icons.ts';
import type { PurchaseImportReport } from '../../inventory-types.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { plural } from '../directory/common.ts';
import { postText, readTextFile } from '../devices/io.ts';
import { downloadWithButton } from '../imports/common.ts';
import { inventoryPaths, inventoryRoutes } from './common.ts';

const CSV = 'text/csv; charset=utf-8';

const ACTION_LABELS: Record<string, string> = {
  update: 'à mettre à jour',
  create: 'à ajouter à l’inventaire',
  unchanged: 'déjà à jour',
};

const COLUMNS: [string, string][] = [
  ['Numéro de série, Nom ou Adresse MAC', 'au moins un des trois : c’est ainsi que Trousse retrouve le matériel dans l’inventaire'],
  ['Date d’achat', 'par exemple 15/09/2023'],
  ['Fin de garantie ou Durée de garantie (mois)', 'facultatives ; sans elles, Trousse compte la durée de garantie des règles de vieillissement'],
  ['Type, Fabricant, Modèle, Salle', 'facultatifs, utiles pour le matériel que Trousse ne connaît pas encore'],
  ['Fournisseur, N° de commande, N° de facture, Montant (€)', 'facultatifs'],
];

export const purchasesPage: Page = {
  path: inventoryRoutes.purchases,
  title: 'Registre des achats',
  roles: ['administrator'],
  group: 'inventaire',
  render(container, ctx) {
    container.append(h('div', { class: 'settings-page page-fit inventory-purchases', 'data-testid': 'inventory-purchases-page' }, purchasesCard(ctx)));
  },
};

function purchasesCard(ctx: PageContext): HTMLElement {
  const template = h('button', { type: 'button', class: 'button', 'data-testid': 'purchases-template' }, icon('download'), 'Télécharger le modèle (CSV)');
  template.addEventListener('click', () => {
    void downloadWithButton(template, { method: 'GET', path: inventoryPaths.purchasesTemplate, filename: 'registre-achats-modele.csv', busyLabel: 'Téléchargement…', signal: ctx.signal });
  });

  const id = uid('purchases-csv');
  const input = h('input', { type: 'file', id, accept: '.csv,text/csv', 'data-testid': 'purchases-file', 'aria-describedby': `${id}-hint` });
  const check = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'purchases-check', disabled: true }, 'Vérifier');
  const apply = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'purchases-apply', disabled: true }, 'Appliquer');
  const applyHint = h('p', { class: 'field-hint', 'data-testid': 'purchases-apply-hint' }, '« Appliquer » devient possible après une vérification sans erreur.');
  const message = h('p', { class: 'form-message form-message-error', role: 'alert', 'data-testid': 'purchases-error' });
  const results = h('div', { class: 'inventory-purchase-results', 'aria-live': 'polite' });

  /** The text that was checked without errors (applied as such: the file may change on disk). */
  let checked: { name: string; text: string; report: PurchaseImportReport } | null = null;
  const setApplicable = (value: typeof checked) => {
    checked = value;
    const changes = value ? value.report.matched + value.report.created : 0;
    apply.disabled = !value || changes === 0;
    applyHint.textContent = !value
      ? '« Appliquer » devient possible après une vérification sans erreur.'
      : changes === 0
        ? 'Rien à appliquer : l’inventaire est déjà à jour avec ce fichier.'
        : `Prêt : ${describe(value.report, true)}.`;
  };

  input.addEventListener('change', () => {
    check.disabled = !input.files?.length;
    message.textContent = '';
    results.replaceChildren();
    setApplicable(null);
  });

  check.addEventListener('click', async () => {
    const file = input.files?.[0];
    message.textContent = '';
    setApplicable(null);
    if (!file) {
      message.textContent = 'Choisissez d’abord le fichier CSV du registre des achats.';
      return;
    }
    try {
      const { text, report } = await withBusy(check, 'Vérification…', async () => {
        const text = await readTextFile(file);
        if (!text.trim()) throw new Error('empty');
        return { text, report: await postText<PurchaseImportReport>(inventoryPaths.purchases(false), text, CSV, ctx.signal) };
      });
      results.replaceChildren(reportView(report, file.name, true));
      if ((report.errors ?? []).length === 0) setApplicable({ name: file.name, text, report });
    } catch (error) {
      if (ctx.signal.aborted) return;
      message.textContent = error instanceof Error && error.message === 'empty' ? 'Ce fichier est vide : choisissez le registre des achats enregistré au format CSV.' : errorMessage(error);
    }
  });

  apply.addEventListener('click', () => {
    const ready = checked;
    if (!ready) return;
    confirmDialog({
      title: 'Appliquer le registre des achats ?',
      testId: 'purchases-apply-dialog',
      signal: ctx.signal,
      content: [
        h('p', null, `Fichier « ${ready.name} » : ${describe(ready.report, true)}.`),
        h('p', { class: 'muted' }, 'Les dates d’achat et de garantie remplacent celles qui étaient connues pour ces matériels ; l’état de chacun est recalculé. Chaque changement reste visible dans l’historique du matériel.'),
      ],
      confirmLabel: 'Appliquer',
      busyLabel: 'Import en cours…',
      async action() {
        const report = await postText<PurchaseImportReport>(inventoryPaths.purchases(true), ready.text, CSV, ctx.signal);
        if (report.dryRun || (report.errors ?? []).length > 0) {
          // the park changed since the check (a line now matches an item twice): nothing applied
          results.replaceChildren(
            h('p', { class: 'alert alert-warning', role: 'alert' }, 'Rien n’a été importé : des lignes sont maintenant en erreur. Corrigez le fichier puis vérifiez-le de nouveau.'),
            reportView(report, ready.name, true),
          );
          setApplicable(null);
          return;
        }
        results.replaceChildren(reportView(report, ready.name, false));
        setApplicable(null);
        notify(`Registre des achats importé : ${describe(report, false)}.`);
      },
    });
  });

  return card(
    { title: 'Importer le registre des achats', icon: 'imports', testId: 'purchases-card' },
    h(
      'p',
      { class: 'lead' },
      'Le registre des achats (un tableur : une ligne par matériel acheté) donne à l’inventaire les dates d’achat et de garantie, le fournisseur et la facture. Trousse en déduit l’âge exact de chaque matériel et la fin de sa garantie.',
    ),
    h(
      'ol',
      { class: 'inventory-steps' },
      h(
        'li',
        null,
        h('strong', null, '1. Préparez le fichier. '),
        'Partez du modèle, ou de votre tableur : Trousse reconnaît les colonnes d’après leur titre.',
        h('ul', { class: 'inventory-columns' }, COLUMNS.map(([name, text]) => h('li', null, h('strong', null, name), ` : ${text}.`))),
        h('p', null, 'Enregistrez-le au format CSV (« CSV UTF-8 » ou « CSV séparateur point-virgule »).'),
        h('div', { class: 'actions-row' }, template),
      ),
      h(
        'li',
        null,
        h('strong', null, '2. Choisissez le fichier puis cliquez sur « Vérifier ». '),
        'Rien n’est modifié : Trousse montre, ligne par ligne, ce qui changerait et les erreurs à corriger.',
        h(
          'div',
          { class: 'field inventory-file' },
          h('label', { for: id }, 'Fichier CSV du registre des achats'),
          h('p', { class: 'field-hint', id: `${id}-hint` }, 'Un fichier .csv de 10 Mo au plus.'),
          input,
        ),
        h('div', { class: 'actions-row' }, check),
        message,
        results,
      ),
      h('li', null, h('strong', null, '3. Cliquez sur « Appliquer ». '), 'Tout le fichier est importé, ou rien s’il reste une erreur.', applyHint, h('div', { class: 'actions-row' }, apply)),
    ),
  );
}

function describe(report: PurchaseImportReport, future: boolean): string {
  const parts = [
    plural(report.matched ?? 0, future ? 'matériel à mettre à jour' : 'matériel mis à jour', future ? 'matériels à mettre à jour' : 'matériels mis à jour'),
    plural(report.created ?? 0, future ? 'matériel à ajouter' : 'matériel ajouté', future ? 'matériels à ajouter' : 'matériels ajoutés'),
  ];
  if (report.unchanged) parts.push(plural(report.unchanged, 'déjà à jour', 'déjà à jour'));
  return parts.join(', ');
}

function reportView(report: PurchaseImportReport, fileName: string, dryRun: boolean): HTMLElement {
  const errors = Array.isArray(report.errors) ? report.errors : [];
  const lines = Array.isArray(report.lines) ? report.lines : [];
  const count = (value: number, label: string, testId: string, tone = '') =>
    h(
      'div',
      { class: `import-count inventory-result-count ${tone}`.trim(), 'data-testid': testId, 'data-count': value },
      h('span', { class: 'import-count-value' }, formatInteger(value)),
      h('span', { class: 'import-count-label' }, label),
    );
  return h(
    'section',
    { class: 'inventory-purchase-report', 'data-testid': 'purchases-report', 'data-dry-run': String(dryRun), 'aria-label': dryRun ? 'Résultat de la vérification' : 'Résultat de l’import' },
    h('h3', { class: 'section-title' }, dryRun ? `Vérification de « ${fileName} »` : `Import de « ${fileName} » terminé`),
    h(
      'div',
      { class: 'import-counts' },
      count(report.matched ?? 0, dryRun ? 'à mettre à jour' : 'mis à jour', 'purchases-matched'),
      count(report.created ?? 0, dryRun ? 'à ajouter' : 'ajoutés', 'purchases-created'),
      count(report.unchanged ?? 0, 'déjà à jour', 'purchases-unchanged'),
      count(errors.length, errors.length > 1 ? 'lignes en erreur' : 'ligne en erreur', 'purchases-error-count', errors.length ? 'is-alert' : ''),
    ),
    errors.length
      ? h(
          'div',
          null,
          h(
            'p',
            { class: 'alert alert-warning', 'data-testid': 'purchases-blocked' },
            'L’import se fait en entier ou pas du tout : corrigez ces lignes dans le tableur, enregistrez de nouveau le fichier en CSV, choisissez-le puis cliquez sur « Vérifier ».',
          ),
          h(
            'ul',
            { class: 'report-list', 'data-testid': 'purchases-errors' },
            errors.slice(0, 200).map((e) =>
              h('li', { class: 'report-item report-error', 'data-testid': 'purchases-line-error', 'data-line': e.line }, icon('error'), h('span', null, h('strong', null, `Ligne ${e.line} : `), stripLine(e.message, e.line))),
            ),
            errors.length > 200 ? h('li', { class: 'muted small' }, `… et ${formatInteger(errors.length - 200)} autres.`) : null,
          ),
        )
      : null,
    !dryRun ? h('p', { class: 'alert alert-success', role: 'status', 'data-testid': 'purchases-done' }, 'C’est fait : l’état du parc a été recalculé. ', h('a', { href: `#${inventoryRoutes.park}` }, 'Voir le parc')) : null,
    lines.length
      ? h(
          'div',
          { class: 'table-wrap' },
          dataTable<PurchaseImportReport['lines'][number]>({
            caption: 'Lignes du fichier',
            testId: 'purchases-lines',
            rows: lines.slice(0, 1000),
            rowAttrs: (l) => ({ 'data-testid': 'purchases-line', 'data-line': l.line, 'data-action': l.action }),
            columns: [
              { label: 'Ligne', className: 'numeric', cell: (l) => formatInteger(l.line) },
              { label: 'Matériel', cell: (l) => l.name },
              {
                label: dryRun ? 'Ce qui changera' : 'Ce qui a changé',
                cell: (l) =>
                  h(
                    'span',
                    { class: `badge badge-${l.action === 'create' ? 'info' : l.action === 'update' ? 'success' : 'neutral'}` },
                    dryRun ? (ACTION_LABELS[l.action] ?? l.action) : ({ update: 'mis à jour', create: 'ajouté', unchanged: 'déjà à jour' }[l.action] ?? l.action),
                  ),
              },
            ],
          }),
        )
      : null,
  );
}

/** « ligne 3 : … » is said once: the daemon's message may start with it already. */
function stripLine(message: string, line: number): string {
  const text = message.replace(new RegExp(`^ligne ${line}\\s*:\\s*`, 'i'), '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
