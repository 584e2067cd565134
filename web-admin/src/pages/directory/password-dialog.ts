// "Réinitialiser le mot de passe": used by administrators (user page) and teachers (Mes classes).
import { api } from '../../api.ts';
import type { PasswordResetBody, UserSummary } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { openDialog } from '../../widgets/dialog.ts';
import { checkboxField, FieldError, textField } from '../../widgets/fields.ts';
import { passwordReveal } from '../../widgets/password-reveal.ts';
import { directorySettings, paths } from './common.ts';

interface ResetOptions {
  user: Pick<UserSummary, 'login' | 'displayName' | 'profile'>;
  signal: AbortSignal;
  /** Administrators read the school's default for "must change" from the settings. */
  isAdmin: boolean;
  onSuccess?(): void;
}

/** Default when the settings cannot be read (teachers): the contract's defaults. */
const DEFAULT_MUST_CHANGE = { eleve: false, enseignant: true, personnel: true } as const;

export function openResetPasswordDialog(options: ResetOptions): void {
  const { user } = options;
  const who = `${user.displayName || user.login} (${user.login})`;
  const password = textField({
    label: 'Nouveau mot de passe',
    name: 'password',
    optional: true,
    mono: true,
    spellcheck: false,
    autocomplete: 'new-password',
    hint: 'Laissez vide pour qu’un mot de passe soit créé automatiquement (recommandé).',
  });
  const mustChange = checkboxField({
    label: 'Demander de changer le mot de passe à la prochaine connexion',
    name: 'mustChange',
    checked: DEFAULT_MUST_CHANGE[user.profile] ?? true,
    hint:
      user.profile === 'eleve'
        ? 'Pour les plus jeunes élèves, il est souvent plus simple de laisser cette case décochée.'
        : 'La personne choisira alors elle-même un mot de passe connu d’elle seule.',
  });
  let touched = false;
  mustChange.control.addEventListener('change', () => {
    touched = true;
  });
  if (options.isAdmin) {
    void directorySettings().then((settings) => {
      const value = settings?.mustChangePassword?.[user.profile];
      if (!touched && typeof value === 'boolean') mustChange.control.checked = value;
    });
  }

  openDialog({
    title: 'Réinitialiser le mot de passe',
    testId: 'reset-password-dialog',
    signal: options.signal,
    content: [
      h('p', null, 'Compte : ', h('strong', null, who), '.'),
      h('p', { class: 'muted' }, 'L’ancien mot de passe ne fonctionnera plus dès la validation.'),
      password.element,
      mustChange.element,
    ],
    submitLabel: 'Réinitialiser',
    busyLabel: 'Réinitialisation…',
    async submit() {
      const typed = password.control.value;
      if (typed !== '' && typed.trim() === '') throw new FieldError('Le mot de passe ne peut pas être fait que d’espaces.', password);
      const body: PasswordResetBody = { mustChange: mustChange.control.checked };
      if (typed !== '') body.password = typed;
      const answer = await api.post<{ password: string }>(paths.userAction(user.login, 'password'), body);
      return passwordReveal(answer.password, {
        label: `Nouveau mot de passe de ${who} :`,
        advice: mustChange.control.checked
          ? 'Il devra être changé à la prochaine connexion.'
          : 'Communiquez-le à la personne concernée sans le laisser à la vue des autres.',
      });
    },
    onSuccess: options.onSuccess,
  });
}
