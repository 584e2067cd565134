// Thin fetch wrapper: JSON in/out, CSRF header on mutating requests,
// errors turned into ApiError carrying the daemon's code and French message.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export const NETWORK_ERROR_MESSAGE =
  'Impossible de joindre le serveur. Vérifiez la connexion réseau puis réessayez.';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  signal?: AbortSignal;
  /** When false, a 401 is only thrown, not reported to the global handler. */
  reportUnauthorized?: boolean;
}

let csrfToken: string | null = null;
let unauthorizedHandler: ((error: ApiError) => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called for any 401 answer (the app then goes back to the login page). */
export function onUnauthorized(handler: (error: ApiError) => void): void {
  unauthorizedHandler = handler;
}

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_ERROR_MESSAGE);
  }

  const payload = await readJson(response);
  if (response.ok) return payload as T;

  const error = toApiError(response.status, payload);
  if (error.status === 401 && options.reportUnauthorized !== false) unauthorizedHandler?.(error);
  throw error;
}

/**
 * Sends raw bytes (a file) with the session's CSRF header and reads the JSON answer,
 * e.g. POST /api/v1/imports/:id/files?name=… with `Content-Type: application/octet-stream`.
 */
export async function uploadRaw<T>(path: string, body: Blob, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, {
    method: 'POST',
    headers: withCsrf('POST', { Accept: 'application/json', 'Content-Type': 'application/octet-stream' }),
    body,
    signal: options.signal,
  });
  const payload = await readJson(response);
  if (response.ok) return payload as T;
  throw failure(response.status, payload, options);
}

/**
 * Fetches a file (CSV, PDF) with the session: the body as a Blob, or an ApiError carrying the
 * daemon's French message. A JSON body is sent for POST (e.g. /api/v1/sheets).
 */
export async function downloadBlob(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<Blob> {
  const headers: Record<string, string> = { Accept: '*/*' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await send(path, {
    method,
    headers: withCsrf(method, headers),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: options.signal,
  });
  if (response.ok) return response.blob();
  throw failure(response.status, await readJson(response), options);
}

function withCsrf(method: Method, headers: Record<string, string>): Record<string, string> {
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  return headers;
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'same-origin', cache: 'no-store' });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'NETWORK_ERROR', NETWORK_ERROR_MESSAGE);
  }
}

function failure(status: number, payload: unknown, options: RequestOptions): ApiError {
  const error = toApiError(status, payload);
  if (error.status === 401 && options.reportUnauthorized !== false) unauthorizedHandler?.(error);
  return error;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, body, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PUT', path, body, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PATCH', path, body, options),
  delete: <T>(path: string, options?: RequestOptions) =>
    request<T>('DELETE', path, undefined, options),
};

/** A French sentence for any error, suitable to show to the user. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Une erreur inattendue est survenue. Rechargez la page puis réessayez.';
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(status: number, payload: unknown): ApiError {
  const body = (payload ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof body.code === 'string' ? body.code : `HTTP_${status}`;
  const message =
    typeof body.message === 'string' && body.message.trim() !== ''
      ? body.message
      : fallbackMessage(status);
  return new ApiError(status, code, message);
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Vous devez vous reconnecter.';
  if (status === 403) return 'Vous n’avez pas les droits nécessaires pour cette action.';
  if (status === 404) return 'L’élément demandé est introuvable.';
  if (status === 503) return 'Le service est momentanément indisponible. Réessayez dans quelques instants.';
  return `Une erreur inattendue est survenue (code ${status}). Réessayez dans quelques instants.`;
}
