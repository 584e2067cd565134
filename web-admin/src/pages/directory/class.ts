// A class's page: its pupils, its teaching team (editable) and its deletion when empty.
import { api, errorMessage } from '../../api.ts';
import type { ClassDetail, UserSummary } from '../../directory-types.ts';
import { h, uid } from '../../dom.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { confirmDialog, openDialog } from '../../widgets/dialog.ts';
import { withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { downloadSheets, safeFileName } from '../imports/common.ts';
import {
  backLink,
  emptyState,
  fetchAllUsers,
  fetchClasses,
  loadInto,
  loginText,
  paths,
  plural,
  routes,
  stateBadge,
  userLink,
} from './common.ts';
import { openCreateUserDialog } from './user-create.ts';

export const classPage: Page = {
  path: '/annuaire/classes/:name',
  title: 'Classe',
  roles: ['administrator'],
  group: 'annuaire',
  nav: false,
  render(container, ctx) {
    const name = ctx.params['name'] ?? '';
    const slot = h('div');
    container.append(backLink(`#${routes.classes}`, 'Retour à la liste des classes'), slot);
    const load = () => api.get<ClassDetail>(paths.class(name), { signal: ctx.signal });
    const show = (detail: ClassDetail) => renderClass(slot, detail, ctx, refresh);
    const refresh = () => loadInto(slot, ctx, load, show);
    return loadInto(slot, ctx, load, show, 'Chargement de la classe…');
  },
};

function renderClass(slot: HTMLElement, detail: ClassDetail, ctx: PageContext, refresh: () => Promise<void>): void {
  document.title = `Classe ${detail.name} — Trousse`;
  const heading = slot.closest('main')?.querySelector('.page-title');
  if (heading) heading.textContent = `Classe ${detail.name}`;
  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });

  const addPupil = h('button', { type: 'button', class: 'button button-primary' }, '+ Nouvel élève dans cette classe');
  addPupil.addEventListener('click', async () => {
    const names = await fetchClasses(ctx.signal).then(
      (list) => list.map((c) => c.name),
      () => [detail.name],
    );
    openCreateUserDialog({
      signal: ctx.signal,
      classes: names,
      preset: { profile: 'eleve', classe: detail.name },
      onCreated: () => void refresh(),
    });
  });

  const sheets = h(
    'button',
    { type: 'button', class: 'button', 'data-testid': 'class-sheets', disabled: detail.pupils.length === 0 },
    'Fiches de connexion (PDF)',
  );
  sheets.addEventListener('click', () =>
    void downloadSheets(sheets, { classe: detail.name }, `codes-${safeFileName(detail.name)}.pdf`, { signal: ctx.signal, message }),
  );

  const empty = detail.pupils.length === 0;
  const remove = h(
    'button',
    { type: 'button', class: 'button button-danger-outline', disabled: !empty },
    'Supprimer la classe',
  );
  remove.addEventListener('click', () =>
    confirmDialog({
      title: 'Supprimer la classe',
      signal: ctx.signal,
      danger: true,
      content: [
        h('p', null, 'La classe ', h('strong', null, detail.name), ' et ses groupes (classe et équipe pédagogique) seront supprimés.'),
        h('p', { class: 'muted' }, 'Aucun compte n’est supprimé : la classe est vide.'),
      ],
      confirmLabel: 'Supprimer la classe',
      busyLabel: 'Suppression…',
      action: async () => {
        await api.delete<void>(paths.class(detail.name));
        notify(`La classe ${detail.name} a été supprimée.`);
        ctx.navigate(routes.classes);
      },
    }),
  );

  slot.replaceChildren(
    h(
      'div',
      { class: 'class-detail', 'data-testid': 'class-detail', 'data-name': detail.name },
      h(
        'div',
        { class: 'toolbar' },
        h(
          'p',
          { class: 'toolbar-text' },
          `${plural(detail.pupils.length, 'élève', 'élèves')} · ${plural(detail.teachers.length, 'enseignant', 'enseignants')}`,
        ),
        h('div', { class: 'toolbar-actions' }, addPupil, sheets, remove),
      ),
      empty ? null : h('p', { class: 'muted small' }, 'Pour supprimer cette classe, changez d’abord ses élèves de classe ou supprimez leurs comptes.'),
      message,
      h(
        'div',
        { class: 'detail-grid' },
        h('div', { class: 'detail-column' }, pupilsCard(detail)),
        h('div', { class: 'detail-column' }, teachersCard(detail, ctx, refresh, message)),
      ),
    ),
  );
}

function pupilsCard(detail: ClassDetail): HTMLElement {
  const pupils = [...detail.pupils].sort((a, b) => (a.displayName || a.login).localeCompare(b.displayName || b.login, 'fr'));
  const body = pupils.length
    ? h(
        'div',
        { class: 'table-wrap' },
        dataTable<UserSummary>({
          caption: `Élèves de la classe ${detail.name}`,
          rows: pupils,
          rowAttrs: (user) => ({ 'data-testid': 'user-row', 'data-login': user.login }),
          rowHref: (user) => `#${routes.user(user.login)}`,
          columns: [
            { label: 'Nom', cell: (user) => userLink(user) },
            { label: 'Identifiant', cell: (user) => loginText(user.login) },
            { label: 'État', cell: (user) => stateBadge(user.state) },
          ],
        }),
      )
    : emptyState('Aucun élève dans cette classe.', 'Ajoutez des élèves avec « Nouvel élève dans cette classe ».');
  return card({ title: `Élèves (${pupils.length})`, icon: 'directory', testId: 'class-pupils' }, body);
}

function teachersCard(detail: ClassDetail, ctx: PageContext, refresh: () => Promise<void>, message: HTMLElement): HTMLElement {
  const edit = h('button', { type: 'button', class: 'button' }, 'Modifier l’équipe');
  edit.addEventListener('click', async () => {
    message.textContent = '';
    let teachers: UserSummary[];
    try {
      teachers = await withBusy(edit, 'Chargement…', () => fetchAllUsers({ profile: 'enseignant', state: 'active' }, ctx.signal));
    } catch (error) {
      if (!ctx.signal.aborted) message.textContent = errorMessage(error);
      return;
    }
    openTeamDialog(detail, teachers, ctx, refresh);
  });
  const list = detail.teachers.length
    ? h(
        'ul',
        { class: 'person-list' },
        [...detail.teachers]
          .sort((a, b) => (a.displayName || a.login).localeCompare(b.displayName || b.login, 'fr'))
          .map((teacher) => h('li', { 'data-login': teacher.login }, userLink(teacher), ' ', loginText(teacher.login))),
      )
    : h('p', { class: 'muted' }, 'Aucun enseignant désigné pour le moment.');
  return card(
    { title: 'Équipe pédagogique', icon: 'classes', testId: 'class-teachers' },
    h('p', { class: 'lead' }, 'Ces enseignants voient la classe dans « Mes classes » et peuvent réinitialiser les mots de passe de ses élèves.'),
    list,
    h('p', { class: 'actions-row' }, edit),
  );
}

function openTeamDialog(detail: ClassDetail, active: UserSummary[], ctx: PageContext, refresh: () => Promise<void>): void {
  // Current members stay listed even when disabled, so that they can be unticked.
  const byLogin = new Map<string, UserSummary>();
  for (const teacher of [...active, ...detail.teachers]) byLogin.set(teacher.login, teacher);
  const everyone = [...byLogin.values()].sort((a, b) => (a.displayName || a.login).localeCompare(b.displayName || b.login, 'fr'));
  const current = new Set(detail.teachers.map((t) => t.login));

  const boxes = everyone.map((teacher) => {
    const id = uid('teacher');
    const box = h('input', { type: 'checkbox', id, name: 'logins', value: teacher.login, checked: current.has(teacher.login) });
    const item = h(
      'li',
      { class: 'check-item', 'data-search': `${teacher.displayName} ${teacher.login}`.toLowerCase() },
      box,
      h('label', { for: id }, teacher.displayName || teacher.login, ' ', h('span', { class: 'login muted' }, teacher.login)),
    );
    return { box, item };
  });

  const filterId = uid('team-filter');
  const filter = h('input', { type: 'search', id: filterId, autocomplete: 'off', placeholder: 'Nom ou identifiant' });
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const updateCount = () => {
    const n = boxes.filter((b) => b.box.checked).length;
    count.textContent = `${plural(n, 'enseignant sélectionné', 'enseignants sélectionnés')}.`;
  };
  filter.addEventListener('input', () => {
    const needle = filter.value.trim().toLowerCase();
    for (const { item } of boxes) item.hidden = needle !== '' && !(item.dataset.search ?? '').includes(needle);
  });
  for (const { box } of boxes) box.addEventListener('change', updateCount);
  updateCount();

  openDialog({
    title: `Équipe pédagogique de la classe ${detail.name}`,
    testId: 'class-team-dialog',
    signal: ctx.signal,
    content: everyone.length
      ? [
          h('p', { class: 'muted' }, 'Cochez les enseignants de la classe.'),
          h('div', { class: 'field' }, h('label', { for: filterId }, 'Filtrer les enseignants'), filter),
          h('fieldset', { class: 'check-list' }, h('legend', { class: 'sr-only' }, 'Enseignants'), h('ul', null, boxes.map((b) => b.item))),
          count,
        ]
      : [h('p', { class: 'alert alert-warning' }, 'Aucun compte enseignant n’existe encore. Créez-les depuis la page Utilisateurs.')],
    submitLabel: 'Enregistrer l’équipe',
    busyLabel: 'Enregistrement…',
    async submit() {
      const logins = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
      await api.put(paths.classTeachers(detail.name), { logins });
      notify(`L’équipe pédagogique de la classe ${detail.name} est enregistrée.`);
    },
    onSuccess: () => void refresh(),
  });
}
