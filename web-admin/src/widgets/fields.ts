// Form fields with their label bound to the control (getByLabel works), an optional
// hint and an error message, both announced through aria-describedby.
import { h, uid } from '../dom.ts';

export interface Field<E extends HTMLElement> {
  /** The wrapper to insert in the form. */
  element: HTMLElement;
  control: E;
  /** Shows (or clears, with null) a validation message under the control. */
  setError(message: string | null): void;
}

interface BaseOptions {
  label: string;
  name: string;
  /** One sentence under the label, read with the control. */
  hint?: string;
  required?: boolean;
  /** Adds "(facultatif)" to the label. */
  optional?: boolean;
  testId?: string;
}

/** A validation problem tied to a control: the dialog or form focuses it. */
export class FieldError extends Error {
  readonly field: Field<HTMLElement> | null;

  constructor(message: string, field: Field<HTMLElement> | null = null) {
    super(message);
    this.name = 'FieldError';
    this.field = field;
  }
}

function build<E extends HTMLElement>(options: BaseOptions, control: E, layout: 'stack' | 'inline' = 'stack'): Field<E> {
  const id = control.id || uid(`f-${options.name}`);
  control.id = id;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hint = options.hint ? h('p', { class: 'field-hint', id: hintId }, options.hint) : null;
  const error = h('p', { class: 'field-error', id: errorId });
  const describe = (withError: boolean) => {
    const ids = [hint ? hintId : null, withError ? errorId : null].filter(Boolean).join(' ');
    if (ids) control.setAttribute('aria-describedby', ids);
    else control.removeAttribute('aria-describedby');
  };
  describe(false);
  if (options.testId) control.dataset.testid = options.testId;

  const label = h(
    'label',
    { for: id },
    options.label,
    options.optional ? h('span', { class: 'field-optional' }, ' (facultatif)') : null,
  );
  const element =
    layout === 'inline'
      ? h('div', { class: 'field field-check' }, h('div', { class: 'field-check-row' }, control, label), hint, error)
      : h('div', { class: 'field' }, label, hint, control, error);

  return {
    element,
    control,
    setError(message) {
      error.textContent = message ?? '';
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      describe(Boolean(message));
    },
  };
}

export function textField(
  options: BaseOptions & {
    value?: string;
    type?: 'text' | 'search';
    autocomplete?: string;
    placeholder?: string;
    maxlength?: number;
    spellcheck?: boolean;
    mono?: boolean;
  },
): Field<HTMLInputElement> {
  const input = h('input', {
    type: options.type ?? 'text',
    name: options.name,
    autocomplete: options.autocomplete ?? 'off',
    placeholder: options.placeholder,
    maxlength: options.maxlength,
    spellcheck: options.spellcheck === false ? 'false' : undefined,
    required: options.required,
    class: options.mono ? 'input-mono' : undefined,
  });
  input.value = options.value ?? '';
  return build(options, input);
}

export function numberField(
  options: BaseOptions & { value: number; min: number; max: number; unit?: string },
): Field<HTMLInputElement> & { read(): number | null } {
  const input = h('input', {
    type: 'number',
    name: options.name,
    inputmode: 'numeric',
    min: options.min,
    max: options.max,
    step: 1,
    required: true,
    class: 'input-number',
  });
  input.value = String(options.value);
  const field = build(options, input);
  if (options.unit) {
    // Keep the unit next to the input, outside the label.
    const wrapper = h('div', { class: 'input-with-unit' });
    input.replaceWith(wrapper);
    wrapper.append(input, h('span', { class: 'input-unit' }, options.unit));
  }
  return {
    ...field,
    /** The whole number typed, or null when it is not one. */
    read() {
      const text = input.value.trim();
      if (!/^-?\d+$/.test(text)) return null;
      return Number(text);
    },
  };
}

export interface SelectOption {
  value: string;
  label: string;
}

export function selectField(
  options: BaseOptions & { value?: string; options: SelectOption[] },
): Field<HTMLSelectElement> & { setOptions(list: SelectOption[], value?: string): void } {
  const select = h('select', { name: options.name, required: options.required });
  const setOptions = (list: SelectOption[], value?: string) => {
    const keep = value ?? select.value;
    select.replaceChildren(...list.map((option) => h('option', { value: option.value }, option.label)));
    if (list.some((option) => option.value === keep)) select.value = keep;
  };
  setOptions(options.options, options.value);
  return { ...build(options, select), setOptions };
}

export function checkboxField(options: BaseOptions & { checked: boolean }): Field<HTMLInputElement> {
  const input = h('input', { type: 'checkbox', name: options.name });
  input.checked = options.checked;
  return build(options, input, 'inline');
}

/**
 * Runs `task` with the button disabled and labelled `busyLabel` (aria-busy set),
 * then puts it back as it was.
 */
export async function withBusy<T>(button: HTMLButtonElement, busyLabel: string, task: () => Promise<T>): Promise<T> {
  const children = [...button.childNodes];
  const hadFocus = document.activeElement === button;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), busyLabel);
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.replaceChildren(...children);
    // A disabled button loses the focus: give it back to keyboard users.
    if (hadFocus && button.isConnected && (!document.activeElement || document.activeElement === document.body)) {
      button.focus();
    }
  }
}
