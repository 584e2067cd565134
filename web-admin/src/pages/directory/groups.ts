// "Groupes": every group by kind; free groups can be created here.
import { api } from '../../api.ts';
import type { GroupKind, GroupSummary } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import type { Page, PageContext } from '../../router.ts';
import { openDialog } from '../../widgets/dialog.ts';
import { FieldError, textField } from '../../widgets/fields.ts';
import { GROUP_KIND_LABELS, groupTitle, loadInto, paths, routes, toolbar } from './common.ts';

const KIND_ORDER: GroupKind[] = ['classe', 'equipe', 'groupe', 'profil', 'libre'];

export const KIND_EXPLANATIONS: Record<GroupKind, string> = {
  classe: 'Les élèves de chaque classe. Tenus à jour automatiquement quand un élève change de classe.',
  equipe: 'Les enseignants de chaque classe. Modifiez-les depuis la page de la classe.',
  profil: 'Tous les élèves, tous les enseignants, tous les personnels. Tenus à jour automatiquement.',
  groupe: 'Les groupes des exports SIECLE ou AAF (langues, options…). Tenus à jour à chaque import.',
  libre: 'Vos groupes (options, clubs, projets…) : vous choisissez leurs membres.',
};

export const groupsPage: Page = {
  path: routes.groups,
  title: 'Groupes',
  roles: ['administrator'],
  group: 'annuaire',
  render(container, ctx) {
    const slot = h('div');
    const create = h('button', { type: 'button', class: 'button button-primary' }, '+ Nouveau groupe');
    create.addEventListener('click', () => openCreateGroupDialog(ctx));
    container.append(
      h(
        'div',
        { class: 'directory-page' },
        toolbar(
          h(
            'p',
            { class: 'muted' },
            'Les groupes servent à donner des droits (dossiers partagés, ressources) à plusieurs personnes à la fois.',
          ),
          create,
        ),
        slot,
      ),
    );
    return loadInto(
      slot,
      ctx,
      () => api.get<{ items: GroupSummary[] }>(paths.groups(), { signal: ctx.signal }),
      (answer) => slot.replaceChildren(groupsCard(answer.items)),
      'Chargement des groupes…',
    );
  },
};

function groupsCard(groups: GroupSummary[]): HTMLElement {
  const sorted = [...groups].sort((a, b) => groupTitle(a).localeCompare(groupTitle(b), 'fr', { numeric: true }));
  const bodies = KIND_ORDER.map((kind) => {
    const rows = sorted.filter((g) => g.kind === kind);
    const header = h(
      'tr',
      { class: 'rowgroup-header' },
      h(
        'th',
        { scope: 'rowgroup', colspan: 3 },
        h('span', { class: 'rowgroup-title' }, `${GROUP_KIND_LABELS[kind]} (${formatInteger(rows.length)})`),
        h('span', { class: 'rowgroup-hint' }, KIND_EXPLANATIONS[kind]),
      ),
    );
    const items = rows.map((group) => {
      const href = `#${routes.group(group.name)}`;
      const tr = h(
        'tr',
        { class: 'row-link', 'data-testid': 'group-row', 'data-name': group.name, 'data-kind': group.kind },
        h('td', null, h('a', { href }, groupTitle(group))),
        h('td', null, h('span', { class: 'login' }, group.name)),
        h('td', { class: 'numeric' }, formatInteger(group.members ?? 0)),
      );
      tr.addEventListener('click', (event) => {
        if (!(event.target as Element).closest('a, button')) location.hash = href;
      });
      return tr;
    });
    const empty =
      rows.length === 0
        ? h(
            'tr',
            null,
            h(
              'td',
              { colspan: 3, class: 'muted' },
              kind === 'libre'
                ? 'Aucun groupe libre pour le moment. Créez-en un avec « Nouveau groupe ».'
                : 'Aucun groupe de ce type pour le moment.',
            ),
          )
        : null;
    return h('tbody', { 'data-kind': kind }, header, items, empty);
  });

  return h(
    'section',
    { class: 'card', 'aria-label': 'Liste des groupes' },
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table groups-table', 'data-testid': 'groups-table' },
        h('caption', { class: 'sr-only' }, 'Groupes de l’établissement, par type'),
        h(
          'thead',
          null,
          h('tr', null, h('th', { scope: 'col' }, 'Groupe'), h('th', { scope: 'col' }, 'Nom du groupe'), h('th', { scope: 'col', class: 'numeric' }, 'Membres')),
        ),
        bodies,
      ),
    ),
  );
}

function openCreateGroupDialog(ctx: PageContext): void {
  const name = textField({
    label: 'Nom du groupe',
    name: 'name',
    required: true,
    spellcheck: false,
    maxlength: 64,
    hint: 'Court, en minuscules et sans espace, par exemple « club-robotique » ou « option-latin ».',
  });
  const description = textField({
    label: 'Description',
    name: 'description',
    optional: true,
    maxlength: 200,
    hint: 'Une phrase pour se souvenir à quoi sert le groupe.',
  });
  openDialog({
    title: 'Nouveau groupe',
    testId: 'create-group-dialog',
    signal: ctx.signal,
    content: [name.element, description.element],
    submitLabel: 'Créer le groupe',
    busyLabel: 'Création…',
    async submit() {
      const value = name.control.value.trim();
      if (!value) throw new FieldError('Indiquez le nom du groupe.', name);
      const body: { name: string; description?: string } = { name: value };
      const text = description.control.value.trim();
      if (text) body.description = text;
      const created = await api.post<GroupSummary>(paths.groups(), body);
      ctx.navigate(routes.group(created?.name ?? value));
    },
  });
}
