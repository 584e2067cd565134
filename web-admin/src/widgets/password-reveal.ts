// Shows a password that the server will never give again, with a copy button.
import { h, uid } from '../dom.ts';

interface RevealOptions {
  /** Sentence above the password, e.g. "Nouveau mot de passe de Marie Dupont (marie.dupont)". */
  label: string;
  /** Extra advice under the warning. */
  advice?: string;
}

export function passwordReveal(password: string, options: RevealOptions): HTMLElement {
  const labelId = uid('pw-label');
  const value = h(
    'output',
    { class: 'password-value', 'data-testid': 'new-password', 'aria-labelledby': labelId },
    password,
  );
  const status = h('p', { class: 'password-copy-status', role: 'status' });
  const copy = h('button', { type: 'button', class: 'button' }, 'Copier');
  copy.addEventListener('click', async () => {
    const copied = await copyText(password, value);
    status.textContent = copied
      ? 'Mot de passe copié dans le presse-papiers.'
      : 'La copie automatique n’est pas possible ici : le mot de passe est sélectionné, copiez-le avec Ctrl+C.';
  });

  return h(
    'div',
    { class: 'password-reveal' },
    h('p', { class: 'password-reveal-label', id: labelId }, options.label),
    h('div', { class: 'password-reveal-row' }, value, copy),
    status,
    h(
      'p',
      { class: 'password-reveal-warning' },
      h('strong', null, 'Notez-le maintenant : il ne sera plus affiché.'),
      ' Une fois cette fenêtre fermée, il faudra en générer un nouveau.',
    ),
    options.advice ? h('p', { class: 'muted' }, options.advice) : null,
  );
}

/** Copies text to the clipboard, or selects `source` and copies it where the clipboard API is refused. */
export async function copyText(text: string, source: HTMLElement): Promise<boolean> {
  try {
    if (window.isSecureContext && navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (permissions): fall back to selecting the text.
  }
  const range = document.createRange();
  range.selectNodeContents(source);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}
