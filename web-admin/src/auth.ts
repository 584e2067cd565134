import { api, setCsrfToken } from './api.ts';
import type { Session } from './types.ts';

export const SESSION_EXPIRED_MESSAGE = 'Votre session a expiré, reconnectez-vous.';

/** Current session, or an ApiError 401 (UNAUTHENTICATED / SESSION_EXPIRED). */
export async function fetchSession(): Promise<Session> {
  const session = await api.get<Session>('/api/v1/auth/me', { reportUnauthorized: false });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function login(loginName: string, password: string): Promise<Session> {
  const session = await api.post<Session>(
    '/api/v1/auth/login',
    { login: loginName, password },
    { reportUnauthorized: false },
  );
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logout(): Promise<void> {
  await api.post<void>('/api/v1/auth/logout', undefined, { reportUnauthorized: false });
  setCsrfToken(null);
}
