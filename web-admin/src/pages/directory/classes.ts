// "Classes": the list with pupil counts and teaching teams; "Nouvelle classe".
import { api } from '../../api.ts';
import type { ClassSummary } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { openDialog } from '../../widgets/dialog.ts';
import { FieldError, textField } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { emptyState, fetchClasses, loadInto, namesList, paths, plural, routes, toolbar } from './common.ts';

export const classesPage: Page = {
  path: routes.classes,
  title: 'Classes',
  roles: ['administrator'],
  group: 'annuaire',
  render(container, ctx) {
    const slot = h('div');
    const create = h('button', { type: 'button', class: 'button button-primary' }, '+ Nouvelle classe');
    container.append(
      h(
        'div',
        { class: 'directory-page' },
        toolbar(
          h(
            'p',
            { class: 'muted' },
            'Chaque classe regroupe ses élèves et son équipe pédagogique : les enseignants de l’équipe retrouvent leurs élèves dans « Mes classes ».',
          ),
          create,
        ),
        slot,
      ),
    );
    const load = () => fetchClasses(ctx.signal);
    const show = (classes: ClassSummary[]) => slot.replaceChildren(classesCard(classes, create));
    const refresh = () => loadInto(slot, ctx, load, show);
    create.addEventListener('click', () => openCreateClassDialog(ctx, () => void refresh()));
    return loadInto(slot, ctx, load, show, 'Chargement des classes…');
  },
};

function classesCard(classes: ClassSummary[], create: HTMLButtonElement): HTMLElement {
  if (classes.length === 0) {
    const first = h('button', { type: 'button', class: 'button button-primary', onClick: () => create.click() }, 'Créer une classe');
    return h(
      'section',
      { class: 'card', 'aria-label': 'Liste des classes' },
      emptyState(
        'Aucune classe pour le moment.',
        'Créez les classes de l’établissement (6e A, 6e B…) avant d’y inscrire les élèves.',
        first,
      ),
    );
  }
  const pupils = classes.reduce((sum, c) => sum + (c.pupils ?? 0), 0);
  return h(
    'section',
    { class: 'card', 'aria-label': 'Liste des classes' },
    h(
      'p',
      { class: 'list-total' },
      `${plural(classes.length, 'classe', 'classes')} · ${plural(pupils, 'élève', 'élèves')}`,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      dataTable<ClassSummary>({
        caption: 'Classes de l’établissement',
        testId: 'classes-table',
        rows: classes,
        rowAttrs: (c) => ({ 'data-testid': 'class-row', 'data-name': c.name }),
        rowHref: (c) => `#${routes.class(c.name)}`,
        columns: [
          { label: 'Classe', cell: (c) => h('a', { href: `#${routes.class(c.name)}` }, c.name) },
          { label: 'Élèves', className: 'numeric', cell: (c) => formatInteger(c.pupils ?? 0) },
          {
            label: 'Équipe pédagogique',
            cell: (c) =>
              c.teachers?.length
                ? namesList(c.teachers, '')
                : h('span', { class: 'muted' }, 'Aucun enseignant désigné'),
          },
        ],
      }),
    ),
  );
}

function openCreateClassDialog(ctx: PageContext, onCreated: () => void): void {
  const name = textField({
    label: 'Nom de la classe',
    name: 'name',
    required: true,
    maxlength: 64,
    hint: 'Tel qu’il apparaîtra aux élèves et aux enseignants, par exemple « 6e A », « 5°B » ou « 4/3 ».',
  });
  openDialog({
    title: 'Nouvelle classe',
    testId: 'create-class-dialog',
    signal: ctx.signal,
    content: [name.element],
    submitLabel: 'Créer la classe',
    busyLabel: 'Création…',
    async submit() {
      const value = name.control.value.trim();
      if (!value) throw new FieldError('Indiquez le nom de la classe.', name);
      const created = await api.post<{ name: string }>(paths.classes, { name: value });
      notify(`La classe ${created?.name ?? value} a été créée.`);
    },
    onSuccess: onCreated,
  });
}
