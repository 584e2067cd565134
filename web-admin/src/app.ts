// The signed-in application: frame + live state + router.
import { ApiError, errorMessage } from './api.ts';
import { logout } from './auth.ts';
import { startLive } from './live.ts';
import { clearNotifications, notify } from './notify.ts';
import { navGroups, pages } from './pages/index.ts';
import { startRouter } from './router.ts';
import { mountShell } from './shell.ts';
import type { Session } from './types.ts';

interface AppCallbacks {
  /** The user signed out on purpose. */
  onLoggedOut(): void;
  /** The socket handshake was refused (code UNAUTHENTICATED or SESSION_EXPIRED). */
  onUnauthenticated(code: string): void;
}

export interface RunningApp {
  stop(): void;
}

export function mountApp(root: HTMLElement, session: Session, callbacks: AppCallbacks): RunningApp {
  const scope = new AbortController();
  const live = startLive((code) => callbacks.onUnauthenticated(code));

  const onLogout = async (button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      await logout();
    } catch (error) {
      // 401: the session is already gone, which is what we wanted.
      if (!(error instanceof ApiError && error.status === 401)) {
        button.disabled = false;
        notify(`La déconnexion a échoué. ${errorMessage(error)}`, 'error');
        return;
      }
    }
    clearNotifications();
    callbacks.onLoggedOut();
  };

  const shell = mountShell(root, {
    user: session.user,
    pages,
    groups: navGroups,
    live,
    signal: scope.signal,
    onLogout: (button) => void onLogout(button),
  });
  const stopRouter = startRouter({
    pages,
    user: session.user,
    live,
    outlet: shell.outlet,
    onRoute: shell.setActive,
  });

  return {
    stop() {
      stopRouter();
      scope.abort();
      live.close();
    },
  };
}
