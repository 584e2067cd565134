// Modal dialogs (native <dialog>: focus kept inside, Échap closes) holding a small form:
// a message area for the daemon's French errors, "Annuler" and a submit button that shows
// a busy state. After success the dialog closes, or shows a result (e.g. a new password).
import { errorMessage } from '../api.ts';
import { h, uid } from '../dom.ts';
import { FieldError, textField, withBusy } from './fields.ts';

type Content = Node | string | null | undefined | false;

export interface DialogOptions {
  title: string;
  testId?: string;
  /** Closes the dialog when aborted (the page is left). */
  signal?: AbortSignal;
  content: Content[];
  submitLabel: string;
  busyLabel: string;
  /** Red submit button, focus on "Annuler" first. */
  danger?: boolean;
  cancelLabel?: string;
  /** The submit button stays disabled while this answers false (re-checked on each input). */
  canSubmit?: () => boolean;
  /**
   * Runs on submit. Return a Node to show it in place of the form (then only "Fermer"
   * remains), or nothing to close. Throw to show the error (FieldError focuses its field).
   */
  submit(): Promise<Node | undefined>;
  /** After a successful submit. */
  onSuccess?(): void;
}

export interface DialogHandle {
  element: HTMLDialogElement;
  close(): void;
}

export function openDialog(options: DialogOptions): DialogHandle {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
  const body = h('div', { class: 'dialog-body' }, message, ...options.content);
  const cancel = h('button', { type: 'button', class: 'button' }, options.cancelLabel ?? 'Annuler');
  const submit = h(
    'button',
    { type: 'submit', class: `button ${options.danger ? 'button-danger' : 'button-primary'}` },
    options.submitLabel,
  );
  const actions = h('div', { class: 'dialog-actions' }, cancel, submit);
  const form = h('form', { class: 'dialog-form', novalidate: true }, body, actions);
  const closeButton = h('button', { type: 'button', class: 'dialog-close', 'aria-label': 'Fermer la fenêtre' }, '×');
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': options.testId },
    h('div', { class: 'dialog-header' }, h('h2', { class: 'dialog-title', id: titleId }, options.title), closeButton),
    form,
  );

  let busy = false;
  let lastField: FieldError['field'] = null;
  const close = () => {
    if (dialog.open) dialog.close();
  };
  const refreshSubmit = () => {
    if (!busy) submit.disabled = options.canSubmit ? !options.canSubmit() : false;
  };
  const setBusy = (value: boolean) => {
    busy = value;
    cancel.disabled = value;
    closeButton.disabled = value;
    if (value) dialog.setAttribute('aria-busy', 'true');
    else dialog.removeAttribute('aria-busy');
  };

  cancel.addEventListener('click', close);
  closeButton.addEventListener('click', close);
  // Échap: not while the request runs (its answer, e.g. a password, would be lost).
  dialog.addEventListener('cancel', (event) => {
    if (busy) event.preventDefault();
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    // Back to the button that opened the dialog, or to the page if it was re-rendered.
    if (opener?.isConnected) opener.focus();
    else document.getElementById('contenu')?.focus();
  });
  options.signal?.addEventListener('abort', close, { once: true });
  form.addEventListener('input', refreshSubmit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy || (options.canSubmit && !options.canSubmit())) return;
    message.textContent = '';
    lastField?.setError(null);
    lastField = null;
    setBusy(true);
    try {
      const result = await withBusy(submit, options.busyLabel, options.submit);
      setBusy(false);
      options.onSuccess?.();
      if (!(result instanceof Node)) {
        close();
        return;
      }
      const done = h('button', { type: 'button', class: 'button button-primary' }, 'Fermer');
      done.addEventListener('click', close);
      const shown = h('div', { class: 'dialog-result', tabindex: '-1' }, result);
      body.replaceChildren(shown);
      actions.replaceChildren(done);
      // Focus the result so that screen readers read it.
      shown.focus();
    } catch (error) {
      setBusy(false);
      refreshSubmit();
      if (error instanceof FieldError) {
        message.textContent = error.message;
        if (error.field) {
          lastField = error.field;
          error.field.setError(error.message);
          error.field.control.focus();
        }
      } else {
        message.textContent = errorMessage(error);
      }
    }
  });

  document.body.append(dialog);
  refreshSubmit();
  dialog.showModal();
  const firstControl = body.querySelector<HTMLElement>('input, select, textarea');
  (firstControl ?? (options.danger ? cancel : submit)).focus();
  return { element: dialog, close };
}

export interface ConfirmOptions {
  title: string;
  testId?: string;
  signal?: AbortSignal;
  content: Content[];
  confirmLabel: string;
  busyLabel: string;
  danger?: boolean;
  /** Asks to type a word (e.g. the login) before the button can be used. */
  typeToConfirm?: { label: string; expected: string };
  action(): Promise<void>;
  onSuccess?(): void;
}

/** "Are you sure?" dialog; the action runs inside it (busy state, errors shown there). */
export function confirmDialog(options: ConfirmOptions): DialogHandle {
  const expected = options.typeToConfirm?.expected;
  const field = options.typeToConfirm
    ? textField({
        label: options.typeToConfirm.label,
        name: 'confirm',
        mono: true,
        spellcheck: false,
        autocomplete: 'off',
      })
    : null;
  return openDialog({
    title: options.title,
    testId: options.testId,
    signal: options.signal,
    content: [...options.content, field?.element],
    submitLabel: options.confirmLabel,
    busyLabel: options.busyLabel,
    danger: options.danger,
    canSubmit: field ? () => field.control.value.trim() === expected : undefined,
    submit: async () => {
      await options.action();
    },
    onSuccess: options.onSuccess,
  });
}
