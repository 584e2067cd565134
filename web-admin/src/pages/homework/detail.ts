// An assignment's page: summary, « Redistribuer », « Ramasser », « Rendre les corrections », the
// state of each pupil, and « Oublier ce devoir » (the files stay where they are).
import { api, errorMessage } from '../../api.ts';
import type { ClassDetail } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatBytes, formatDateTime, formatInteger } from '../../format.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import type { HomeworkDetail, HomeworkPupil } from '../../shares-types.ts';
import { card, facts } from '../../widgets/card.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { backLink, emptyState, loadInto, loginText, paths, plural } from '../directory/common.ts';
import { dueText, homeworkPaths, homeworkRoutes, MODE_EXPLANATIONS, modeBadge, parseId, targetsText } from './common.ts';

type Action = 'handout' | 'collect' | 'return';

const ACTIONS: { action: Action; label: string; busy: string; explanation: string; testId: string }[] = [
  {
    action: 'handout',
    label: 'Redistribuer',
    busy: 'Redistribution en cours…',
    explanation:
      'Envoie à nouveau le document tel qu’il est maintenant dans votre dossier, y compris aux élèves arrivés depuis dans la classe. Ce que les élèves ont déjà modifié n’est jamais remplacé.',
    testId: 'homework-handout',
  },
  {
    action: 'collect',
    label: 'Ramasser',
    busy: 'Ramassage en cours…',
    explanation:
      'Copie le travail de chaque élève dans votre dossier « Ramassage ». Vous pouvez ramasser plusieurs fois : vos corrections déjà faites ne sont jamais écrasées.',
    testId: 'homework-collect',
  },
  {
    action: 'return',
    label: 'Rendre les corrections',
    busy: 'Retour en cours…',
    explanation:
      'Copie le dossier de chaque élève de votre « Ramassage » (avec vos corrections) dans son dossier du devoir, sous « Corrigé », en lecture seule.',
    testId: 'homework-return',
  },
];

export const homeworkDetailPage: Page = {
  path: '/devoirs/:id',
  title: 'Devoir',
  roles: ['teacher', 'administrator'],
  icon: 'homework',
  nav: false,
  render(container, ctx) {
    const id = parseId(ctx.params['id']);
    const slot = h('div');
    container.append(backLink(`#${homeworkRoutes.list}`, 'Retour à la liste des devoirs'), slot);
    if (id === null) {
      slot.append(h('p', { class: 'alert alert-danger', role: 'alert' }, 'Ce devoir n’existe pas.'));
      return;
    }
    const names = new Map<string, string>();
    const load = async () => {
      const detail = await api.get<HomeworkDetail>(homeworkPaths.one(id), { signal: ctx.signal });
      await fillNames(detail, names, ctx.signal);
      return detail;
    };
    const show = (detail: HomeworkDetail) => renderDetail(slot, detail, names, ctx);
    return loadInto(slot, ctx, load, show, 'Chargement du devoir…');
  },
};

/**
 * The daemon gives pupils' logins only (displayName is null): the names come from the classes
 * the pupils were reached through, when the user may read them. Best effort, silent on failure.
 */
async function fillNames(detail: HomeworkDetail, names: Map<string, string>, signal: AbortSignal): Promise<void> {
  const missing = detail.pupils.filter((p) => !p.displayName && !names.has(p.login));
  const labels = [...new Set(missing.map((p) => p.group))];
  if (labels.length === 0 || labels.length > 40) return;
  const answers = await Promise.allSettled(labels.map((label) => api.get<ClassDetail>(paths.class(label), { signal })));
  for (const answer of answers) {
    if (answer.status !== 'fulfilled') continue;
    for (const pupil of answer.value.pupils ?? []) if (pupil.displayName) names.set(pupil.login, pupil.displayName);
  }
}

function renderDetail(slot: HTMLElement, detail: HomeworkDetail, names: Map<string, string>, ctx: PageContext): void {
  document.title = `${detail.title} — Trousse`;
  const heading = slot.closest('main')?.querySelector('.page-title');
  if (heading) heading.textContent = `Devoir « ${detail.title} »`;
  const isAdmin = ctx.user.role === 'administrator';
  const mine = detail.teacher.toLowerCase() === ctx.user.login.toLowerCase();
  const whose = mine || !isAdmin ? 'votre dossier personnel' : `le dossier personnel de ${detail.teacher}`;
  const update = (next: HomeworkDetail) => {
    void fillNames(next, names, ctx.signal).finally(() => {
      if (!ctx.signal.aborted) renderDetail(slot, next, names, ctx);
    });
  };

  slot.replaceChildren(
    h(
      'div',
      { class: 'directory-page page-fit', 'data-testid': 'homework-detail', 'data-id': detail.id },
      h(
        'div',
        { class: 'detail-grid' },
        h('div', { class: 'detail-column' }, summaryCard(detail, isAdmin), whereCard(detail, whose)),
        h('div', { class: 'detail-column' }, actionsCard(detail, ctx, update), forgetCard(detail, ctx, whose)),
      ),
      pupilsCard(detail, names),
    ),
  );
}

function summaryCard(d: HomeworkDetail, isAdmin: boolean): HTMLElement {
  const rows: [string, Node | string][] = [];
  if (isAdmin) rows.push(['Enseignant', loginText(d.teacher)]);
  rows.push(
    ['Document distribué', h('span', null, h('span', { class: 'login' }, d.source), h('span', { class: 'cell-sub muted' }, `${plural(d.files, 'fichier', 'fichiers')}, ${formatBytes(d.bytes)}`))],
    ['Classes et groupes', targetsText(d.targets)],
    ['Mode', h('span', null, modeBadge(d.mode), h('span', { class: 'cell-sub muted' }, MODE_EXPLANATIONS[d.mode] ?? ''))],
    ['Date limite', dueText(d, formatDateTime)],
    ['Distribué le', formatDateTime(d.handedOutAt ?? d.createdAt)],
    ['Ramassé le', d.collectedAt ? formatDateTime(d.collectedAt) : 'pas encore'],
    ['Corrections rendues le', d.returnedAt ? formatDateTime(d.returnedAt) : 'pas encore'],
    ['État', h('strong', { 'data-testid': 'homework-state' }, d.state)],
  );
  const c = d.counts;
  const parts = [
    plural(c.pupils, 'élève', 'élèves'),
    `${formatInteger(c.handedOut)} distribué${c.handedOut > 1 ? 's' : ''}`,
    c.failed ? plural(c.failed, 'erreur', 'erreurs') : null,
    d.collectedAt ? `${formatInteger(c.collected)} travail${c.collected > 1 ? 'aux' : ''} ramassé${c.collected > 1 ? 's' : ''}${c.late ? ` (${formatInteger(c.late)} en retard)` : ''}` : null,
    d.returnedAt ? `${formatInteger(c.returned)} correction${c.returned > 1 ? 's' : ''} rendue${c.returned > 1 ? 's' : ''}` : null,
  ].filter(Boolean);
  return card(
    { title: 'Résumé', icon: 'info', testId: 'homework-summary' },
    h('p', { class: 'lead', 'data-testid': 'homework-counts' }, parts.join(' · ')),
    facts(rows),
  );
}

function whereCard(d: HomeworkDetail, whose: string): HTMLElement {
  return card(
    { title: 'Où sont les fichiers ?', icon: 'shares', testId: 'homework-where' },
    h(
      'ul',
      { class: 'where-list' },
      h('li', null, 'Chez chaque élève : ', h('span', { class: 'login' }, `Devoirs/${d.folder}`), '.'),
      h(
        'li',
        { 'data-testid': 'homework-collect-path' },
        `Les copies sont dans ${whose} : `,
        h('span', { class: 'login' }, `Ramassage/${d.folder}/<classe>/<élève>`),
        '.',
      ),
      h(
        'li',
        null,
        'Corrigez directement dans le dossier de chaque élève sous « Ramassage », puis cliquez sur « Rendre les corrections » : l’élève les retrouve dans ',
        h('span', { class: 'login' }, `Devoirs/${d.folder}/Corrigé`),
        '.',
      ),
    ),
  );
}

function actionsCard(d: HomeworkDetail, ctx: PageContext, update: (next: HomeworkDetail) => void): HTMLElement {
  const message = h('p', { class: 'form-message form-message-error', role: 'alert', 'data-testid': 'homework-action-message' });
  const status = h('p', { class: 'muted small', role: 'status' });
  const buttons: HTMLButtonElement[] = [];
  const items = ACTIONS.map((spec) => {
    const button = h('button', { type: 'button', class: `button ${spec.action === 'collect' ? 'button-primary' : ''}`.trim(), 'data-testid': spec.testId }, spec.label);
    buttons.push(button);
    button.addEventListener('click', async () => {
      message.textContent = '';
      const others = buttons.filter((b) => b !== button);
      for (const other of others) other.disabled = true;
      status.textContent = `${spec.busy} Cela peut prendre un moment pour une grande classe ; restez sur cette page.`;
      try {
        const next = await withBusy(button, spec.busy, () => api.post<HomeworkDetail>(homeworkPaths.action(d.id, spec.action)));
        notify(doneMessage(spec.action, next));
        update(next);
      } catch (error) {
        if (!ctx.signal.aborted) message.textContent = errorMessage(error);
      } finally {
        for (const other of others) other.disabled = false;
        status.textContent = '';
      }
    });
    return h('li', null, button, h('p', null, spec.explanation));
  });
  return card({ title: 'Actions', icon: 'settings', testId: 'homework-actions' }, h('ul', { class: 'action-list' }, items), status, message);
}

function doneMessage(action: Action, d: HomeworkDetail): string {
  const c = d.counts;
  if (action === 'handout') return `Devoir redistribué : ${formatInteger(c.handedOut)} élève(s) sur ${formatInteger(c.pupils)}${c.failed ? `, ${formatInteger(c.failed)} erreur(s)` : ''}.`;
  if (action === 'collect') return `Ramassage terminé : ${formatInteger(c.collected)} travail(aux) sur ${formatInteger(c.pupils)}${c.late ? `, ${formatInteger(c.late)} en retard` : ''}.`;
  return `Corrections rendues à ${formatInteger(c.returned)} élève(s).`;
}

function forgetCard(d: HomeworkDetail, ctx: PageContext, whose: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'button button-danger-outline', 'data-testid': 'homework-forget' }, 'Oublier ce devoir');
  button.addEventListener('click', () =>
    confirmDialog({
      title: 'Oublier ce devoir',
      testId: 'homework-forget-dialog',
      signal: ctx.signal,
      danger: true,
      content: [
        h('p', null, 'Le devoir ', h('strong', null, `« ${d.title} »`), ' disparaîtra de la liste : vous ne pourrez plus le ramasser ni rendre les corrections depuis la console.'),
        h(
          'p',
          { class: 'alert alert-neutral' },
          `Aucun fichier n’est supprimé : les élèves gardent leur dossier Devoirs/${d.folder}, et les copies ramassées restent dans ${whose} (Ramassage/${d.folder}).`,
        ),
      ],
      typeToConfirm: { label: `Pour confirmer, saisissez le titre du devoir : ${d.folder}`, expected: d.folder },
      confirmLabel: 'Oublier ce devoir',
      busyLabel: 'Suppression…',
      action: async () => {
        await api.delete<void>(homeworkPaths.forget(d.id, d.folder));
      },
      onSuccess: () => {
        notify(`Le devoir « ${d.title} » a été oublié ; ses fichiers sont restés en place.`);
        ctx.navigate(homeworkRoutes.list);
      },
    }),
  );
  return card(
    { title: 'Oublier ce devoir', icon: 'warn', testId: 'homework-forget-card' },
    h('p', { class: 'muted' }, 'Retire le devoir de la console. Les fichiers restent en place chez les élèves et dans votre dossier « Ramassage ».'),
    h('div', { class: 'actions-row' }, button),
  );
}

// ---- pupils -----------------------------------------------------------------------------------

function pupilsCard(d: HomeworkDetail, names: Map<string, string>): HTMLElement {
  const body = d.pupils.length
    ? h(
        'div',
        { class: 'table-wrap' },
        dataTable<HomeworkPupil>({
          caption: 'État du devoir pour chaque élève',
          testId: 'homework-pupils',
          rows: d.pupils,
          rowAttrs: (p) => ({ 'data-testid': 'homework-pupil', 'data-login': p.login }),
          columns: [
            {
              label: 'Élève',
              cell: (p) => {
                const name = p.displayName || names.get(p.login);
                return name ? h('span', null, name, h('span', { class: 'cell-sub' }, loginText(p.login))) : loginText(p.login);
              },
            },
            { label: 'Classe ou groupe', cell: (p) => p.group },
            { label: 'Distribution', cell: handoutCell },
            { label: 'Ramassage', cell: (p) => collectCell(p, d) },
            { label: 'Corrections', cell: returnCell },
          ],
        }),
      )
    : emptyState('Aucun élève.', 'Ce devoir n’a été distribué à personne.');
  return card({ title: 'Élèves', icon: 'directory', testId: 'homework-pupils-card' }, body);
}

function badge(tone: string, text: string, extra: Record<string, string> = {}): HTMLElement {
  return h('span', { class: `badge badge-${tone}`, ...extra }, text);
}

function withNote(main: HTMLElement, note: string | null, tone = 'muted'): HTMLElement {
  return h('span', null, main, note ? h('span', { class: `cell-sub ${tone}` }, note) : null);
}

function handoutCell(p: HomeworkPupil): HTMLElement {
  if (p.handout.state === 'ok') return badge('success', 'OK', { 'data-state': 'ok' });
  if (p.handout.state === 'error') return withNote(badge('danger', 'Erreur', { 'data-state': 'error' }), p.handout.error, 'text-danger');
  return withNote(badge('neutral', 'En attente', { 'data-state': p.handout.state }), p.handout.error);
}

function collectCell(p: HomeworkPupil, d: HomeworkDetail): HTMLElement {
  const c = p.collect;
  switch (c.state) {
    case 'collected': {
      const when = c.lastModified ? `modifié le ${formatDateTime(c.lastModified)}` : null;
      const files = c.files !== null ? plural(c.files, 'fichier', 'fichiers') : null;
      return h(
        'span',
        null,
        badge('success', 'rendu', { 'data-state': 'collected' }),
        c.late ? [' ', badge('warning', 'en retard', { 'data-testid': 'homework-late' })] : null,
        h('span', { class: 'cell-sub muted' }, [files, when].filter(Boolean).join(' · ')),
      );
    }
    case 'empty':
      return badge('neutral', 'rien rendu', { 'data-state': 'empty' });
    case 'missing':
      return withNote(badge('neutral', 'absent', { 'data-state': 'missing' }), c.error ?? 'Pas de dossier personnel, ou élève parti.');
    case 'error':
      return withNote(badge('danger', 'erreur', { 'data-state': 'error' }), c.error, 'text-danger');
    default:
      return h('span', { class: 'muted' }, d.collectedAt ? '—' : 'pas encore ramassé');
  }
}

function returnCell(p: HomeworkPupil): HTMLElement {
  switch (p.returned) {
    case 'returned':
      return badge('success', 'rendu', { 'data-state': 'returned' });
    case 'nothing':
      return badge('neutral', 'rien à rendre', { 'data-state': 'nothing' });
    case 'missing':
      return badge('neutral', 'absent', { 'data-state': 'missing' });
    case 'error':
      return badge('danger', 'erreur', { 'data-state': 'error' });
    default:
      return h('span', { class: 'muted' }, '—');
  }
}
