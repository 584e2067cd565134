// "Devoirs": the assignments (a teacher sees theirs, an administrator every one), newest first.
import { api } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import type { Page } from '../../router.ts';
import type { HomeworkSummary } from '../../shares-types.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, loadInto, loginText, plural, toolbar } from '../directory/common.ts';
import { dueText, homeworkPaths, homeworkRoutes, modeBadge, targetsText } from './common.ts';

export const homeworkListPage: Page = {
  path: homeworkRoutes.list,
  title: 'Devoirs',
  roles: ['teacher', 'administrator'],
  icon: 'homework',
  render(container, ctx) {
    const isAdmin = ctx.user.role === 'administrator';
    const slot = h('div');
    container.append(
      h(
        'div',
        { class: 'directory-page page-fit', 'data-testid': 'homework-page' },
        toolbar(
          h(
            'p',
            { class: 'muted' },
            'Distribuez un fichier ou un dossier de votre dossier personnel à vos classes : chaque élève le trouve dans son dossier « Devoirs ». Ramassez ensuite leurs travaux dans votre dossier « Ramassage », puis rendez-leur vos corrections.',
          ),
          h('a', { class: 'button button-primary', href: `#${homeworkRoutes.create}`, 'data-testid': 'homework-new' }, 'Distribuer un devoir'),
        ),
        slot,
      ),
    );
    const load = () => api.get<HomeworkSummary[]>(homeworkPaths.list, { signal: ctx.signal });
    const show = (items: HomeworkSummary[]) => slot.replaceChildren(listCard(items, isAdmin));
    return loadInto(slot, ctx, load, show, 'Chargement des devoirs…');
  },
};

function listCard(items: HomeworkSummary[], isAdmin: boolean): HTMLElement {
  if (!Array.isArray(items) || items.length === 0) {
    return h(
      'section',
      { class: 'card', 'aria-label': 'Liste des devoirs', 'data-testid': 'homework-empty' },
      emptyState(
        'Aucun devoir pour le moment.',
        'Commencez par « Distribuer un devoir » : choisissez un document de votre dossier personnel et les classes qui le recevront.',
      ),
    );
  }
  return h(
    'section',
    { class: 'card', 'aria-label': 'Liste des devoirs' },
    h('p', { class: 'list-total' }, plural(items.length, 'devoir', 'devoirs')),
    h(
      'div',
      { class: 'table-wrap' },
      dataTable<HomeworkSummary>({
        caption: 'Devoirs, du plus récent au plus ancien',
        testId: 'homework-table',
        rows: items,
        rowAttrs: (item) => ({ 'data-testid': 'homework-row', 'data-id': item.id }),
        rowHref: (item) => `#${homeworkRoutes.one(item.id)}`,
        columns: [
          {
            label: 'Titre',
            cell: (item) =>
              h(
                'span',
                null,
                h('a', { href: `#${homeworkRoutes.one(item.id)}` }, item.title),
                h('span', { class: 'cell-sub muted' }, `Distribué le ${formatDateTime(item.createdAt)}`),
              ),
          },
          ...(isAdmin ? [{ label: 'Enseignant', cell: (item: HomeworkSummary) => loginText(item.teacher) }] : []),
          { label: 'Classes et groupes', cell: (item) => targetsText(item.targets) },
          { label: 'Mode', cell: (item) => modeBadge(item.mode) },
          { label: 'Date limite', cell: (item) => dueText(item, formatDateTime) },
          { label: 'État', cell: (item) => h('span', { 'data-testid': 'homework-state' }, item.state) },
          { label: 'Élèves', cell: countsCell },
        ],
      }),
    ),
  );
}

function countsCell(item: HomeworkSummary): HTMLElement {
  const c = item.counts;
  const parts: (HTMLElement | string)[] = [plural(c.pupils, 'élève', 'élèves')];
  if (c.collected) parts.push(`${formatInteger(c.collected)} rendu${c.collected > 1 ? 's' : ''}`);
  if (c.late) parts.push(h('span', { class: 'text-warning' }, `${formatInteger(c.late)} en retard`));
  if (c.failed) parts.push(h('span', { class: 'text-danger' }, plural(c.failed, 'erreur', 'erreurs')));
  const line = h('span', null);
  parts.forEach((part, index) => {
    if (index > 0) line.append(' · ');
    line.append(part);
  });
  return line;
}
