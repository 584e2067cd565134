// "Mes classes" (teachers): their classes, the pupils, and a password reset per pupil.
import { api } from '../../api.ts';
import type { ClassDetail, UserSummary } from '../../directory-types.ts';
import { h, uid } from '../../dom.ts';
import type { Page, PageContext } from '../../router.ts';
import { selectField, textField } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, fetchClasses, loadInto, loginText, paths, plural, stateBadge } from './common.ts';
import { openResetPasswordDialog } from './password-dialog.ts';

export const myClassesPage: Page = {
  path: '/mes-classes',
  title: 'Mes classes',
  roles: ['teacher'],
  icon: 'classes',
  render(container, ctx) {
    const slot = h('div', { class: 'directory-page', 'data-testid': 'my-classes' });
    container.append(slot);
    const load = async () => {
      const classes = await fetchClasses(ctx.signal);
      return Promise.all(classes.map((c) => api.get<ClassDetail>(paths.class(c.name), { signal: ctx.signal })));
    };
    return loadInto(slot, ctx, load, (classes) => renderClasses(slot, classes, ctx), 'Chargement de vos classes…');
  },
};

function renderClasses(slot: HTMLElement, classes: ClassDetail[], ctx: PageContext): void {
  if (classes.length === 0) {
    slot.replaceChildren(
      h(
        'section',
        { class: 'card' },
        emptyState(
          'Aucune classe pour le moment.',
          'Vous n’êtes encore dans l’équipe pédagogique d’aucune classe. Demandez à l’administrateur de la console de vous y ajouter : vos classes apparaîtront alors ici.',
        ),
      ),
    );
    return;
  }

  const search = textField({
    label: 'Rechercher un élève',
    name: 'pupil-search',
    type: 'search',
    spellcheck: false,
    placeholder: 'Nom, prénom ou identifiant',
  });
  const classFilter = selectField({
    label: 'Classe',
    name: 'classe',
    options: [
      { value: '', label: 'Toutes mes classes' },
      ...classes.map((c) => ({ value: c.name, label: c.name })),
    ],
  });
  const noMatch = h('p', { class: 'card muted', hidden: true }, 'Aucun élève ne correspond à votre recherche.');
  const sections = classes.map((detail) => classSection(detail, ctx));

  const apply = () => {
    const needle = search.control.value.trim().toLowerCase();
    const only = classFilter.control.value;
    let visibleRows = 0;
    for (const section of sections) {
      const inClass = only === '' || section.name === only;
      let shown = 0;
      for (const row of section.rows) {
        const match = needle === '' || (row.dataset.search ?? '').includes(needle);
        row.hidden = !match;
        if (match) shown += 1;
      }
      section.element.hidden = !inClass || (needle !== '' && shown === 0);
      if (!section.element.hidden) visibleRows += shown;
    }
    noMatch.hidden = visibleRows > 0 || needle === '';
  };
  search.control.addEventListener('input', apply);
  classFilter.control.addEventListener('change', apply);

  const filters =
    classes.length > 1 || classes.some((c) => c.pupils.length > 10)
      ? h(
          'form',
          { class: 'card filters', role: 'search', 'aria-label': 'Filtrer les élèves', onSubmit: (e: Event) => e.preventDefault() },
          h('div', { class: 'filters-search' }, search.element),
          classes.length > 1 ? classFilter.element : null,
        )
      : '';
  slot.replaceChildren(
    h(
      'p',
      { class: 'muted intro' },
      'Un élève a oublié son mot de passe ? Réinitialisez-le ici : le nouveau mot de passe s’affiche une seule fois, notez-le pour le lui remettre.',
    ),
    filters,
    noMatch,
    ...sections.map((s) => s.element),
  );
}

function classSection(detail: ClassDetail, ctx: PageContext): { name: string; element: HTMLElement; rows: HTMLElement[] } {
  const titleId = uid('class-title');
  const pupils = [...detail.pupils].sort((a, b) => (a.displayName || a.login).localeCompare(b.displayName || b.login, 'fr'));
  const table = pupils.length
    ? dataTable<UserSummary>({
        caption: `Élèves de la classe ${detail.name}`,
        testId: 'class-pupils',
        rows: pupils,
        rowAttrs: (user) => ({
          'data-testid': 'user-row',
          'data-login': user.login,
          'data-search': `${user.displayName} ${user.givenName} ${user.surname} ${user.login}`.toLowerCase(),
        }),
        columns: [
          { label: 'Nom', cell: (user) => user.displayName || user.login },
          { label: 'Identifiant', cell: (user) => loginText(user.login) },
          { label: 'État', cell: (user) => stateBadge(user.state) },
          {
            label: 'Mot de passe',
            cell: (user) => {
              const button = h(
                'button',
                {
                  type: 'button',
                  class: 'button button-small',
                  'data-testid': 'reset-password',
                  'aria-label': `Réinitialiser le mot de passe de ${user.displayName || user.login}`,
                },
                'Réinitialiser le mot de passe',
              );
              button.addEventListener('click', () => openResetPasswordDialog({ user, signal: ctx.signal, isAdmin: false }));
              return button;
            },
          },
        ],
      })
    : null;
  const teachers = detail.teachers.map((t) => t.displayName || t.login).join(', ');
  const element = h(
    'section',
    { class: 'card my-class', 'aria-labelledby': titleId, 'data-name': detail.name },
    h(
      'div',
      { class: 'card-header' },
      h('h2', { class: 'card-title', id: titleId }, `Classe ${detail.name}`),
      h('span', { class: 'muted' }, plural(pupils.length, 'élève', 'élèves')),
    ),
    teachers ? h('p', { class: 'lead' }, `Équipe pédagogique : ${teachers}`) : null,
    table ? h('div', { class: 'table-wrap' }, table) : emptyState('Aucun élève dans cette classe.', 'Les élèves apparaîtront ici dès leur inscription.'),
  );
  return { name: detail.name, element, rows: table ? [...table.tBodies[0]?.rows ?? []] : [] };
}
