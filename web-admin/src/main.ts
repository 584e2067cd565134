// Boot: ask the daemon who we are, then show the console or the login page.
import './styles.css';
import { ApiError, errorMessage, onUnauthorized, setCsrfToken } from './api.ts';
import { fetchSession, SESSION_EXPIRED_MESSAGE } from './auth.ts';
import { type RunningApp, mountApp } from './app.ts';
import { h } from './dom.ts';
import { type LoginNotice, renderLogin } from './pages/login.ts';
import { pages } from './pages/index.ts';
import { canSee, currentPath, findPage, HOME_PATH, LOGIN_PATH } from './router.ts';
import type { Session } from './types.ts';

const root = document.getElementById('app') ?? document.body;
let app: RunningApp | null = null;
/** Where to go after signing in (the page asked before the login screen). */
let returnTo = HOME_PATH;

// Any 401 while signed in: back to the login page.
onUnauthorized((error) => {
  if (!app) return;
  showLogin({
    text: error.code === 'SESSION_EXPIRED' ? SESSION_EXPIRED_MESSAGE : error.message,
    kind: 'info',
  });
});

function start(session: Session): void {
  app?.stop();
  if (currentPath() === LOGIN_PATH || currentPath() === '/') history.replaceState(null, '', `#${returnTo}`);
  app = mountApp(root, session, {
    onLoggedOut: () => showLogin({ text: 'Vous êtes déconnecté. À bientôt !', kind: 'info' }, HOME_PATH),
    onUnauthenticated: (code) =>
      showLogin({
        text: code === 'SESSION_EXPIRED' ? SESSION_EXPIRED_MESSAGE : 'Votre session n’est plus valide, reconnectez-vous.',
        kind: 'info',
      }),
  });
}

function showLogin(notice: LoginNotice | null, nextPath?: string): void {
  app?.stop();
  app = null;
  setCsrfToken(null);
  const path = currentPath();
  returnTo = nextPath ?? (path === '/' || path === LOGIN_PATH ? HOME_PATH : path);
  history.replaceState(null, '', `#${LOGIN_PATH}`);
  renderLogin(root, {
    notice,
    onSuccess: (session) => {
      // The page asked before may belong to someone with more rights.
      const target = findPage(pages, returnTo);
      if (!target || !canSee(target.page, session.user.role)) returnTo = HOME_PATH;
      start(session);
    },
  });
}

async function boot(): Promise<void> {
  root.replaceChildren(h('p', { class: 'boot-message', role: 'status' }, 'Chargement de la console…'));
  try {
    start(await fetchSession());
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showLogin(error.code === 'SESSION_EXPIRED' ? { text: SESSION_EXPIRED_MESSAGE, kind: 'info' } : null);
      return;
    }
    root.replaceChildren(
      h(
        'div',
        { class: 'boot-message', role: 'alert' },
        h('p', null, errorMessage(error)),
        h('button', { type: 'button', class: 'button button-primary', onClick: () => void boot() }, 'Réessayer'),
      ),
    );
  }
}

void boot();
