// "Connexion" screen (shown outside the application frame).
import { ApiError, errorMessage } from '../api.ts';
import { login } from '../auth.ts';
import { h } from '../dom.ts';
import { icon } from '../icons.ts';
import type { Session } from '../types.ts';

export interface LoginNotice {
  text: string;
  kind: 'info' | 'error';
}

interface LoginOptions {
  notice?: LoginNotice | null;
  onSuccess(session: Session): void;
}

export function renderLogin(root: HTMLElement, options: LoginOptions): void {
  document.title = 'Connexion — Trousse';

  const message = h('p', {
    class: 'form-message',
    id: 'login-message',
    'data-testid': 'login-error',
    role: 'alert',
    'aria-live': 'assertive',
  });
  const loginInput = h('input', {
    id: 'login-id',
    name: 'login',
    type: 'text',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'login-message',
  });
  const passwordInput = h('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'aria-describedby': 'login-message',
  });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-block' }, 'Se connecter');

  const form = h(
    'form',
    { class: 'login-form', 'data-testid': 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title', class: 'login-title' }, 'Connexion'),
    message,
    h('div', { class: 'field' }, h('label', { for: 'login-id' }, 'Identifiant'), loginInput),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Mot de passe'), passwordInput),
    submit,
  );

  const showMessage = (notice: LoginNotice | null) => {
    message.textContent = notice?.text ?? '';
    message.className = `form-message${notice ? ` form-message-${notice.kind}` : ''}`;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    const loginName = loginInput.value.trim();
    const password = passwordInput.value;
    if (!loginName || !password) {
      showMessage({ text: 'Saisissez votre identifiant et votre mot de passe.', kind: 'error' });
      (loginName ? passwordInput : loginInput).focus();
      return;
    }

    showMessage(null);
    submit.disabled = true;
    submit.textContent = 'Connexion en cours…';
    form.setAttribute('aria-busy', 'true');
    try {
      const session = await login(loginName, password);
      options.onSuccess(session);
    } catch (error) {
      submit.disabled = false;
      submit.textContent = 'Se connecter';
      form.removeAttribute('aria-busy');
      showMessage({ text: errorMessage(error), kind: 'error' });
      if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS') {
        passwordInput.value = '';
        passwordInput.focus();
      }
    }
  });

  root.replaceChildren(
    h(
      'div',
      { class: 'login-screen' },
      h(
        'main',
        { class: 'login-panel' },
        h(
          'div',
          { class: 'login-brand' },
          h('span', { class: 'brand-logo brand-logo-lg' }, icon('kit')),
          h('h1', { class: 'login-product' }, 'Trousse'),
          h('p', { class: 'login-subtitle' }, 'Serveur de l’établissement'),
        ),
        form,
        h(
          'div',
          { class: 'login-hint' },
          h('p', null, h('strong', null, 'Enseignants : '), 'utilisez votre compte habituel de l’établissement.'),
          h('p', null, h('strong', null, 'Administrateurs : '), 'utilisez votre compte de la console.'),
        ),
      ),
    ),
  );

  loginInput.focus();
  // Set the notice after insertion so that screen readers announce it.
  if (options.notice) {
    const notice = options.notice;
    requestAnimationFrame(() => showMessage(notice));
  }
}
