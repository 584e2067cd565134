// What the console's helpers do not cover for these pages: a DELETE with a body, a text upload
// (CSV, calendar file) with its own Content-Type, reading a file's text, localStorage, and two
// fields (date, multi-line text).
import { ApiError, api, isAbort, NETWORK_ERROR_MESSAGE, request } from '../../api.ts';
import { h, uid } from '../../dom.ts';
import type { Session } from '../../types.ts';
import { type Field, textField } from '../../widgets/fields.ts';

/** DELETE with the JSON body `{ confirm: <name> }` asked by the daemon. */
export function deleteConfirmed(path: string, name: string): Promise<unknown> {
  return request<unknown>('DELETE', path, { confirm: name });
}

/**
 * POSTs a text body (a CSV or calendar file) with its own Content-Type. The session's CSRF
 * token is read again from /auth/me (api.ts keeps it private and sends JSON only).
 */
export async function postText<T>(path: string, text: string, contentType: string, signal?: AbortSignal): Promise<T> {
  const session = await api.get<Session>('/api/v1/auth/me', { signal });
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': contentType, 'X-CSRF-Token': session?.csrfToken ?? '' },
      body: text,
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_ERROR_MESSAGE);
  }
  const raw = await response.text().catch(() => '');
  let payload: unknown;
  try {
    payload = raw ? JSON.parse(raw) : undefined;
  } catch {
    payload = undefined;
  }
  if (response.ok) return payload as T;
  // The session ended in between: this read reaches the console's 401 handler (back to login).
  if (response.status === 401) void api.get('/api/v1/auth/me').catch(() => undefined);
  const body = (payload ?? {}) as { code?: unknown; message?: unknown };
  const message =
    typeof body.message === 'string' && body.message.trim()
      ? body.message
      : `Le serveur a refusé le fichier (code ${response.status}). Vérifiez le fichier puis réessayez.`;
  throw new ApiError(response.status, typeof body.code === 'string' ? body.code : `HTTP_${response.status}`, message);
}

export const MAX_TEXT_FILE_BYTES = 10 * 1024 * 1024;

/** A file's text: UTF-8, or Windows-1252 (Excel's CSV) when it is not valid UTF-8. */
export async function readTextFile(file: File): Promise<string> {
  if (file.size > MAX_TEXT_FILE_BYTES) {
    throw new ApiError(413, 'FILE_TOO_LARGE', 'Ce fichier est trop gros (10 Mo au plus). Vérifiez que vous avez choisi le bon fichier.');
  }
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** localStorage, silent where it is refused (private browsing, policies). */
export function remembered(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function remember(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Not remembered: the choice is asked again next time.
  }
}

// ---- fields ---------------------------------------------------------------------------------

export function dateField(options: { label: string; name: string; value?: string | null; hint?: string; optional?: boolean; testId?: string }): Field<HTMLInputElement> {
  const field = textField({ label: options.label, name: options.name, hint: options.hint, optional: options.optional, testId: options.testId });
  field.control.type = 'date';
  field.control.value = options.value ?? '';
  return field;
}

export function textareaField(options: { label: string; name: string; value?: string; hint?: string; optional?: boolean; rows?: number }): Field<HTMLTextAreaElement> {
  const id = uid(`f-${options.name}`);
  const control = h('textarea', { id, name: options.name, rows: options.rows ?? 3, class: 'device-textarea' });
  control.value = options.value ?? '';
  const hint = options.hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, options.hint) : null;
  if (hint) control.setAttribute('aria-describedby', hint.id);
  const error = h('p', { class: 'field-error', id: `${id}-error` });
  return {
    element: h(
      'div',
      { class: 'field' },
      h('label', { for: id }, options.label, options.optional ? h('span', { class: 'field-optional' }, ' (facultatif)') : null),
      hint,
      control,
      error,
    ),
    control,
    setError(message) {
      error.textContent = message ?? '';
    },
  };
}

/** "aa:bb:cc:dd:ee:ff" with any usual separator (or none); empty is accepted. */
export function looksLikeMac(text: string): boolean {
  const hex = text.replace(/[\s:.-]/g, '');
  return text.trim() === '' || /^[0-9a-f]{12}$/i.test(hex);
}
