// "Nouveau compte" dialog: creates an account and shows its initial password once.
import { api } from '../../api.ts';
import {
  type CreatedUser,
  type CreateUserBody,
  type DirectoryUser,
  type Profile,
  STAFF_FUNCTIONS,
} from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { facts } from '../../widgets/card.ts';
import { openDialog } from '../../widgets/dialog.ts';
import { FieldError, selectField, textField } from '../../widgets/fields.ts';
import { passwordReveal } from '../../widgets/password-reveal.ts';
import { loginText, PROFILE_LABELS, paths, routes, STAFF_FUNCTION_LABELS } from './common.ts';

interface CreateOptions {
  signal: AbortSignal;
  /** Class names to choose from. */
  classes: string[];
  preset?: { profile?: Profile; classe?: string };
  onCreated?(user: DirectoryUser): void;
}

export function openCreateUserDialog(options: CreateOptions): void {
  const givenName = textField({ label: 'Prénom', name: 'givenName', required: true, autocomplete: 'off' });
  const surname = textField({ label: 'Nom', name: 'surname', required: true, autocomplete: 'off' });
  const profile = selectField({
    label: 'Profil',
    name: 'profile',
    value: options.preset?.profile ?? 'eleve',
    options: (Object.keys(PROFILE_LABELS) as Profile[]).map((value) => ({ value, label: PROFILE_LABELS[value] })),
  });
  const classe = selectField({
    label: 'Classe',
    name: 'classe',
    value: options.preset?.classe ?? '',
    options: [
      { value: '', label: 'Choisir une classe…' },
      ...options.classes.map((name) => ({ value: name, label: name })),
    ],
  });
  const noClass = h(
    'div',
    { class: 'alert alert-warning' },
    h(
      'p',
      null,
      'Aucune classe n’existe encore. Créez d’abord la classe depuis la page ',
      h('a', { href: `#${routes.classes}` }, 'Classes'),
      ', puis revenez ici.',
    ),
  );
  const staffFunction = selectField({
    label: 'Fonction',
    name: 'staffFunction',
    options: [
      { value: '', label: 'Choisir une fonction…' },
      ...STAFF_FUNCTIONS.map((code) => ({ value: code, label: STAFF_FUNCTION_LABELS[code] })),
    ],
  });
  const nationalId = textField({
    label: 'Identifiant national',
    name: 'nationalId',
    optional: true,
    mono: true,
    spellcheck: false,
    hint: 'Au format SOURCE:numéro, par exemple SIECLE:1234567 pour un élève. Laissez vide si vous ne le connaissez pas.',
  });

  const classeBlock = h('div', { class: 'field-group' }, options.classes.length ? classe.element : noClass);
  const showFor = () => {
    classeBlock.hidden = profile.control.value !== 'eleve';
    staffFunction.element.hidden = profile.control.value !== 'personnel';
  };
  profile.control.addEventListener('change', showFor);
  showFor();

  openDialog({
    title: 'Nouveau compte',
    testId: 'create-user-dialog',
    signal: options.signal,
    content: [
      h(
        'p',
        { class: 'muted' },
        'L’identifiant de connexion et le mot de passe initial sont créés automatiquement à partir du prénom et du nom.',
      ),
      h('div', { class: 'form-row' }, givenName.element, surname.element),
      profile.element,
      classeBlock,
      staffFunction.element,
      nationalId.element,
    ],
    submitLabel: 'Créer le compte',
    busyLabel: 'Création…',
    async submit() {
      for (const field of [givenName, surname, classe, staffFunction]) field.setError(null);
      const chosen = profile.control.value as Profile;
      const body: CreateUserBody = {
        givenName: givenName.control.value.trim(),
        surname: surname.control.value.trim(),
        profile: chosen,
      };
      if (!body.givenName) throw new FieldError('Indiquez le prénom.', givenName);
      if (!body.surname) throw new FieldError('Indiquez le nom.', surname);
      if (chosen === 'eleve') {
        if (!options.classes.length) throw new FieldError('Créez d’abord une classe pour y inscrire l’élève.');
        if (!classe.control.value) throw new FieldError('Choisissez la classe de l’élève.', classe);
        body.classe = classe.control.value;
      }
      if (chosen === 'personnel') {
        if (!staffFunction.control.value) throw new FieldError('Choisissez la fonction de la personne.', staffFunction);
        body.staffFunction = staffFunction.control.value;
      }
      const id = nationalId.control.value.trim();
      if (id) body.nationalId = id;

      const created = await api.post<CreatedUser>(paths.users(), body);
      options.onCreated?.(created.user);
      return createdSummary(created);
    },
  });
}

function createdSummary({ user, password }: CreatedUser): HTMLElement {
  const name = user.displayName || `${user.givenName} ${user.surname}`;
  const rows: [string, Node | string][] = [
    ['Identifiant', loginText(user.login)],
    ['Profil', PROFILE_LABELS[user.profile] ?? user.profile],
  ];
  if (user.classe) rows.push(['Classe', user.classe]);
  return h(
    'div',
    { class: 'created-user' },
    h('p', { class: 'alert alert-success', role: 'status' }, `Le compte de ${name} a été créé.`),
    facts(rows),
    passwordReveal(password, {
      label: 'Mot de passe initial :',
      advice: user.mustChangePassword
        ? 'Il devra être changé à la première connexion.'
        : 'Remettez-le à la personne avec son identifiant.',
    }),
    h('p', null, h('a', { href: `#${routes.user(user.login)}` }, `Ouvrir la fiche de ${name}`)),
  );
}
