// The "Actions" card of a user's page: password, names, class, disable/enable, delete,
// restore and permanent deletion. Each action updates the page with the daemon's answer.
import { api, errorMessage } from '../../api.ts';
import { type DirectoryUser, STAFF_FUNCTIONS, type UpdateUserBody } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatDateTime } from '../../format.ts';
import { notify } from '../../notify.ts';
import type { PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { confirmDialog, openDialog } from '../../widgets/dialog.ts';
import { FieldError, selectField, textField, withBusy } from '../../widgets/fields.ts';
import { directorySettings, fetchClasses, paths, routes, STAFF_FUNCTION_LABELS } from './common.ts';
import { openResetPasswordDialog } from './password-dialog.ts';

interface Handlers {
  /** Shows the user as answered by the daemon. */
  update(user: DirectoryUser): void;
  /** Reads the user again (after an action that does not answer it). */
  reload(): Promise<void>;
}

type Action = [button: HTMLButtonElement, explanation: string];

export function actionsCard(user: DirectoryUser, ctx: PageContext, handlers: Handlers): HTMLElement {
  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
  const name = user.displayName || user.login;
  const button = (label: string, onClick: (button: HTMLButtonElement) => void, extra: Record<string, string> = {}) => {
    const element = h('button', { type: 'button', class: `button ${extra.class ?? ''}`.trim(), 'data-testid': extra.testId }, label);
    element.addEventListener('click', () => {
      message.textContent = '';
      onClick(element);
    });
    return element;
  };
  /** Runs a request without dialog (reversible actions): busy button, error shown in the card. */
  const direct = (element: HTMLButtonElement, busyLabel: string, task: () => Promise<DirectoryUser>, done: string) => {
    withBusy(element, busyLabel, task).then(
      (next) => {
        notify(done);
        handlers.update(next);
      },
      (error) => {
        if (!ctx.signal.aborted) message.textContent = errorMessage(error);
      },
    );
  };

  const actions: Action[] = [];
  if (user.state !== 'deleted') {
    actions.push([
      button('Réinitialiser le mot de passe', () =>
        openResetPasswordDialog({ user, signal: ctx.signal, isAdmin: true, onSuccess: () => void handlers.reload() }),
        { testId: 'reset-password' },
      ),
      'Crée un nouveau mot de passe, affiché une seule fois.',
    ]);
    actions.push([
      button('Modifier le nom', () => openEditDialog(user, ctx, handlers)),
      'Corrige le prénom, le nom ou l’identifiant national. L’identifiant de connexion ne change pas.',
    ]);
    if (user.profile === 'eleve') {
      actions.push([
        button('Changer de classe', (element) => void openMoveDialog(element, user, ctx, handlers, message)),
        'Inscrit l’élève dans une autre classe.',
      ]);
    }
    if (user.state === 'active') {
      actions.push([
        button('Désactiver', () =>
          confirmDialog({
            title: 'Désactiver le compte',
            signal: ctx.signal,
            content: [
              h('p', null, `${name} ne pourra plus se connecter tant que le compte restera désactivé.`),
              h('p', { class: 'muted' }, 'Rien n’est effacé : vous pourrez le réactiver à tout moment.'),
            ],
            confirmLabel: 'Désactiver le compte',
            busyLabel: 'Désactivation…',
            action: async () => {
              const next = await api.post<DirectoryUser>(paths.userAction(user.login, 'disable'));
              notify(`Le compte de ${name} est désactivé.`);
              handlers.update(next);
            },
          }),
        ),
        'Empêche temporairement toute connexion (départ, exclusion…).',
      ]);
    } else {
      actions.push([
        button('Réactiver', (element) =>
          direct(
            element,
            'Réactivation…',
            () => api.post<DirectoryUser>(paths.userAction(user.login, 'enable')),
            `Le compte de ${name} est de nouveau actif.`,
          ),
        ),
        'Permet de nouveau la connexion avec le même mot de passe.',
      ]);
    }
    actions.push([
      button('Supprimer', () => void openDeleteDialog(user, ctx, handlers), { class: 'button-danger-outline' }),
      'Place le compte dans la corbeille ; il reste restaurable pendant le délai de grâce.',
    ]);
  } else {
    actions.push([
      button('Restaurer', (element) =>
        direct(
          element,
          'Restauration…',
          () => api.post<DirectoryUser>(paths.userAction(user.login, 'restore')),
          `Le compte de ${name} est restauré.`,
        ),
      ),
      'Sort le compte de la corbeille, avec ses groupes et ses données.',
    ]);
    actions.push([
      button('Supprimer définitivement', () => openPurgeDialog(user, ctx), { class: 'button-danger-outline' }),
      'Efface aussitôt le compte et ses données, sans retour possible.',
    ]);
  }

  return card(
    { title: 'Actions', icon: 'settings', testId: 'user-actions' },
    message,
    h(
      'ul',
      { class: 'action-list' },
      actions.map(([element, explanation]) => h('li', null, element, h('p', { class: 'muted' }, explanation))),
    ),
  );
}

function openEditDialog(user: DirectoryUser, ctx: PageContext, handlers: Handlers): void {
  const givenName = textField({ label: 'Prénom', name: 'givenName', value: user.givenName, required: true });
  const surname = textField({ label: 'Nom', name: 'surname', value: user.surname, required: true });
  const staffFunction =
    user.profile === 'personnel'
      ? selectField({
          label: 'Fonction',
          name: 'staffFunction',
          value: user.staffFunction ?? '',
          options: [
            ...(user.staffFunction ? [] : [{ value: '', label: 'Non renseignée' }]),
            ...STAFF_FUNCTIONS.map((code) => ({ value: code, label: STAFF_FUNCTION_LABELS[code] })),
          ],
        })
      : null;
  const nationalId = textField({
    label: 'Identifiant national',
    name: 'nationalId',
    value: user.nationalId ?? '',
    optional: true,
    mono: true,
    spellcheck: false,
    hint: 'Au format SOURCE:numéro, par exemple SIECLE:1234567. Videz le champ pour le retirer.',
  });

  openDialog({
    title: 'Modifier le nom',
    signal: ctx.signal,
    content: [
      h(
        'div',
        { class: 'alert alert-neutral' },
        h(
          'p',
          null,
          'L’identifiant de connexion ',
          h('strong', { class: 'login' }, user.login),
          ' ne change pas : la personne continue de se connecter avec lui. Seul le nom affiché est corrigé.',
        ),
      ),
      h('div', { class: 'form-row' }, givenName.element, surname.element),
      staffFunction?.element,
      nationalId.element,
    ],
    submitLabel: 'Enregistrer',
    busyLabel: 'Enregistrement…',
    async submit() {
      const body: UpdateUserBody = {};
      const given = givenName.control.value.trim();
      const sur = surname.control.value.trim();
      if (!given) throw new FieldError('Indiquez le prénom.', givenName);
      if (!sur) throw new FieldError('Indiquez le nom.', surname);
      if (given !== user.givenName) body.givenName = given;
      if (sur !== user.surname) body.surname = sur;
      if (staffFunction?.control.value && staffFunction.control.value !== user.staffFunction) {
        body.staffFunction = staffFunction.control.value;
      }
      const id = nationalId.control.value.trim();
      if (id !== (user.nationalId ?? '')) body.nationalId = id === '' ? null : id;
      if (Object.keys(body).length === 0) return; // nothing changed
      const next = await api.patch<DirectoryUser>(paths.user(user.login), body);
      notify('Les modifications sont enregistrées.');
      handlers.update(next);
    },
  });
}

async function openMoveDialog(
  opener: HTMLButtonElement,
  user: DirectoryUser,
  ctx: PageContext,
  handlers: Handlers,
  message: HTMLElement,
): Promise<void> {
  let names: string[];
  try {
    names = await withBusy(opener, 'Chargement…', async () => (await fetchClasses(ctx.signal)).map((c) => c.name));
  } catch (error) {
    if (!ctx.signal.aborted) message.textContent = errorMessage(error);
    return;
  }
  const others = names.filter((n) => n !== user.classe);
  const classe = selectField({
    label: 'Nouvelle classe',
    name: 'classe',
    options: [{ value: '', label: 'Choisir une classe…' }, ...others.map((n) => ({ value: n, label: n }))],
  });
  openDialog({
    title: 'Changer de classe',
    signal: ctx.signal,
    content: [
      h(
        'p',
        null,
        user.classe
          ? `${user.displayName} quittera la classe ${user.classe} et rejoindra la classe choisie, avec son équipe pédagogique.`
          : `${user.displayName} rejoindra la classe choisie, avec son équipe pédagogique.`,
      ),
      others.length ? classe.element : h('p', { class: 'alert alert-warning' }, 'Il n’existe aucune autre classe.'),
    ],
    submitLabel: 'Changer de classe',
    busyLabel: 'Changement…',
    async submit() {
      if (!classe.control.value) throw new FieldError('Choisissez la nouvelle classe.', others.length ? classe : null);
      const next = await api.post<DirectoryUser>(paths.userAction(user.login, 'move'), { classe: classe.control.value });
      notify(`${user.displayName} est maintenant en ${next.classe ?? classe.control.value}.`);
      handlers.update(next);
    },
  });
}

async function openDeleteDialog(user: DirectoryUser, ctx: PageContext, handlers: Handlers): Promise<void> {
  const settings = await directorySettings();
  const days = settings?.deletionGraceDays;
  const grace =
    days === undefined
      ? 'Vous pourrez le restaurer pendant le délai de grâce réglé dans les Paramètres (90 jours au plus).'
      : days > 0
        ? `Vous pourrez le restaurer pendant ${days} jour${days > 1 ? 's' : ''} ; passé ce délai, il sera supprimé définitivement avec ses données.`
        : 'Le délai de grâce est réglé à 0 jour dans les Paramètres : il sera supprimé définitivement très rapidement.';
  confirmDialog({
    title: 'Supprimer le compte',
    testId: 'delete-user-dialog',
    signal: ctx.signal,
    danger: true,
    content: [
      h('p', null, 'Le compte de ', h('strong', null, user.displayName || user.login), ' sera aussitôt désactivé et placé dans la corbeille.'),
      h('p', null, grace),
      h('p', { class: 'muted' }, 'La date exacte de suppression définitive sera indiquée sur la fiche du compte.'),
    ],
    confirmLabel: 'Mettre à la corbeille',
    busyLabel: 'Suppression…',
    action: async () => {
      const next = await api.delete<DirectoryUser>(paths.user(user.login));
      notify(
        next.purgeAfter
          ? `Compte placé dans la corbeille. Suppression définitive à partir du ${formatDateTime(next.purgeAfter)}.`
          : 'Compte placé dans la corbeille.',
      );
      handlers.update(next);
    },
  });
}

function openPurgeDialog(user: DirectoryUser, ctx: PageContext): void {
  confirmDialog({
    title: 'Supprimer définitivement',
    testId: 'purge-user-dialog',
    signal: ctx.signal,
    danger: true,
    content: [
      h(
        'div',
        { class: 'alert alert-danger' },
        h(
          'p',
          null,
          'Le compte de ',
          h('strong', null, user.displayName || user.login),
          ' et ses données seront effacés pour de bon. Cette action est irréversible.',
        ),
      ),
    ],
    typeToConfirm: { label: `Pour confirmer, saisissez l’identifiant : ${user.login}`, expected: user.login },
    confirmLabel: 'Supprimer définitivement',
    busyLabel: 'Suppression…',
    action: async () => {
      await api.post<void>(paths.userAction(user.login, 'purge'), { confirm: user.login });
      notify(`Le compte ${user.login} a été supprimé définitivement.`);
      ctx.navigate(routes.users);
    },
  });
}
