// /fiches "Fiches de connexion": the PDF of login cards for a class, a group or some logins.
import { api, downloadBlob } from '../../api.ts';
import type { GroupSummary } from '../../directory-types.ts';
import { h, uid } from '../../dom.ts';
import type { SheetsRequest } from '../../imports-types.ts';
import type { Page, PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { checkboxField, selectField } from '../../widgets/fields.ts';
import { fetchClasses, GROUP_KIND_SINGULAR, groupTitle } from '../directory/common.ts';
import { downloadSheets, importPaths, importRoutes, safeFileName, saveBlob } from './common.ts';

type Target = 'classe' | 'group' | 'logins';

const TARGETS: { value: Target; label: string }[] = [
  { value: 'classe', label: 'Une classe' },
  { value: 'group', label: 'Un groupe' },
  { value: 'logins', label: 'Des comptes précis' },
];

export const sheetsPage: Page = {
  path: importRoutes.sheets,
  title: 'Fiches de connexion',
  roles: ['administrator'],
  group: 'imports',
  render(container, ctx) {
    let target: Target = ctx.query.get('groupe') ? 'group' : ctx.query.get('comptes') ? 'logins' : 'classe';
    const radioName = uid('sheets-target');
    const radios = TARGETS.map((t) => {
      const id = uid('sheets-target');
      const input = h('input', { type: 'radio', id, name: radioName, value: t.value, checked: t.value === target });
      input.addEventListener('change', () => {
        target = t.value;
        refresh();
      });
      return h('span', { class: 'import-radio' }, input, h('label', { for: id }, t.label));
    });
    const classe = selectField({ label: 'Classe', name: 'classe', options: [{ value: '', label: 'Chargement des classes…' }], testId: 'sheets-class-select' });
    const group = selectField({ label: 'Groupe', name: 'group', options: [{ value: '', label: 'Chargement des groupes…' }], testId: 'sheets-group-select' });
    const loginsId = uid('sheets-logins');
    const logins = h('textarea', { id: loginsId, name: 'logins', rows: 4, spellcheck: 'false', class: 'input-mono', 'data-testid': 'sheets-logins', 'aria-describedby': `${loginsId}-hint` });
    logins.value = ctx.query.get('comptes') ?? '';
    const loginsField = h(
      'div',
      { class: 'field' },
      h('label', { for: loginsId }, 'Identifiants'),
      h('p', { class: 'field-hint', id: `${loginsId}-hint` }, 'Un identifiant par ligne (ou séparés par des espaces ou des virgules), par exemple « marie.dupont ».'),
      logins,
    );
    const reset = checkboxField({
      label: 'Générer un nouveau mot de passe pour les comptes dont le code a déjà été remis',
      name: 'resetMissing',
      checked: false,
      testId: 'sheets-reset-missing',
      hint: 'Sinon, leur fiche indique « mot de passe déjà remis ».',
    });
    const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
    const download = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'sheets-download' }, 'Télécharger le PDF');

    const refresh = () => {
      classe.element.hidden = target !== 'classe';
      group.element.hidden = target !== 'group';
      loginsField.hidden = target !== 'logins';
    };

    const form = h(
      'form',
      { class: 'settings-form', novalidate: true, 'aria-label': 'Fiches de connexion à imprimer' },
      h('fieldset', { class: 'settings-group' }, h('legend', null, 'Pour qui ?'), h('div', { class: 'import-radios' }, radios), classe.element, group.element, loginsField),
      reset.element,
      message,
      h('div', { class: 'actions-row' }, download),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      message.textContent = '';
      const chosen = requestFor(target, classe.control.value, group.control.value, logins.value);
      if (typeof chosen === 'string') {
        message.textContent = chosen;
        return;
      }
      if (!reset.control.checked) {
        void downloadSheets(download, chosen.body, chosen.filename, { signal: ctx.signal, message });
        return;
      }
      confirmResetDialog(ctx, { ...chosen.body, resetMissing: true }, chosen.filename);
    });

    container.append(
      h(
        'div',
        { class: 'directory-page' },
        h(
          'p',
          { class: 'intro muted' },
          'Chaque fiche donne à une personne son identifiant, son mot de passe initial et la façon de se connecter à un ordinateur de l’établissement et à l’ENT. Le PDF en contient 8 par page A4, à découper.',
        ),
        card({ title: 'Fiches à imprimer', icon: 'download', testId: 'sheets-form' }, form),
      ),
    );
    refresh();
    void fillChoices(ctx, classe, group, message);
  },
};

async function fillChoices(
  ctx: PageContext,
  classe: ReturnType<typeof selectField>,
  group: ReturnType<typeof selectField>,
  message: HTMLElement,
): Promise<void> {
  const [classes, groups] = await Promise.allSettled([
    fetchClasses(ctx.signal),
    api.get<{ items: GroupSummary[] }>('/api/v1/directory/groups', { signal: ctx.signal }),
  ]);
  if (ctx.signal.aborted) return;
  if (classes.status === 'fulfilled') {
    classe.setOptions(
      [{ value: '', label: classes.value.length ? 'Choisissez une classe' : 'Aucune classe' }, ...classes.value.map((c) => ({ value: c.name, label: `${c.name} (${c.pupils} élève${c.pupils > 1 ? 's' : ''})` }))],
      ctx.query.get('classe') ?? '',
    );
  } else {
    classe.setOptions([{ value: '', label: 'Classes indisponibles' }]);
    message.textContent = 'La liste des classes n’a pas pu être chargée. Rechargez la page.';
  }
  if (groups.status === 'fulfilled') {
    const sorted = [...(groups.value.items ?? [])].sort((a, b) => groupTitle(a).localeCompare(groupTitle(b), 'fr', { numeric: true }));
    group.setOptions(
      [{ value: '', label: 'Choisissez un groupe' }, ...sorted.map((g) => ({ value: g.name, label: `${groupTitle(g)} — ${GROUP_KIND_SINGULAR[g.kind] ?? g.kind} (${g.members})` }))],
      ctx.query.get('groupe') ?? '',
    );
  } else {
    group.setOptions([{ value: '', label: 'Groupes indisponibles' }]);
  }
}

/** The request and file name for the choice, or a French message saying what is missing. */
function requestFor(target: Target, classe: string, group: string, logins: string): { body: SheetsRequest; filename: string } | string {
  if (target === 'classe') {
    if (!classe) return 'Choisissez une classe.';
    return { body: { classe }, filename: `codes-${safeFileName(classe)}.pdf` };
  }
  if (target === 'group') {
    if (!group) return 'Choisissez un groupe.';
    return { body: { group }, filename: `codes-${safeFileName(group)}.pdf` };
  }
  const list = [...new Set(logins.split(/[\s,;]+/).map((l) => l.trim()).filter(Boolean))];
  if (list.length === 0) return 'Indiquez au moins un identifiant.';
  const [only] = list;
  return { body: { logins: list }, filename: list.length === 1 && only ? `codes-${safeFileName(only)}.pdf` : 'codes-comptes.pdf' };
}

function confirmResetDialog(ctx: PageContext, body: SheetsRequest, filename: string): void {
  confirmDialog({
    title: 'Générer de nouveaux mots de passe',
    testId: 'sheets-reset-dialog',
    signal: ctx.signal,
    danger: true,
    content: [
      h('p', null, 'Pour chaque compte dont le code a déjà été remis, un nouveau mot de passe sera tiré et imprimé sur sa fiche.'),
      h('p', { class: 'alert alert-warning' }, 'Leur mot de passe actuel cessera de fonctionner tout de suite : remettez la nouvelle fiche à chaque personne concernée.'),
      h('p', { class: 'muted small' }, 'Les comptes dont le mot de passe initial est encore conservé gardent celui-ci.'),
    ],
    confirmLabel: 'Générer et télécharger',
    busyLabel: 'Création du PDF…',
    action: async () => {
      saveBlob(await downloadBlob('POST', importPaths.sheets, body), filename);
    },
  });
}
