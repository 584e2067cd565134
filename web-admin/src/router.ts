// Hash router: "#/annuaire/utilisateurs" → the page registered with that path.
import { errorMessage, isAbort } from './api.ts';
import { h } from './dom.ts';
import type { IconName } from './icons.ts';
import type { Live } from './live.ts';
import type { Role, User } from './types.ts';

export const HOME_PATH = '/tableau-de-bord';
export const LOGIN_PATH = '/connexion';

export interface PageContext {
  user: User;
  live: Live;
  /** Values of ":name" segments of the page path (decoded). */
  params: Record<string, string>;
  /** Query of the hash ("#/annuaire/utilisateurs?q=mar&page=2"); see replaceQuery(). */
  query: URLSearchParams;
  /** Aborted when the user leaves the page: unsubscribe, cancel fetches. */
  signal: AbortSignal;
  navigate(path: string): void;
}

export interface Page {
  /** e.g. "/annuaire/utilisateurs" or "/annuaire/utilisateurs/:login". */
  path: string;
  /** French title: heading, navigation label and document title. */
  title: string;
  roles: readonly Role[];
  /** Navigation group key (see navGroups in pages/index.ts). */
  group?: string;
  icon?: IconName;
  /** false to keep the page out of the navigation (detail pages). */
  nav?: boolean;
  render(container: HTMLElement, ctx: PageContext): void | Promise<void>;
}

export function canSee(page: Page, role: Role): boolean {
  return page.roles.includes(role);
}

/** The hash path as typed, segments still percent-encoded, query included ("/a/b%20c?q=1"). */
export function currentPath(): string {
  const path = location.hash.replace(/^#/, '');
  return path.startsWith('/') ? path : '/';
}

/** The path without its query. */
function pathOnly(path: string): string {
  const index = path.indexOf('?');
  return index === -1 ? path : path.slice(0, index);
}

export function currentQuery(): URLSearchParams {
  const path = currentPath();
  const index = path.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : path.slice(index + 1));
}

/**
 * Rewrites the query of the current hash without a new history entry nor a new render
 * (filters and paging of a list). Empty values are left out.
 */
export function replaceQuery(values: Record<string, string | number | null | undefined>): void {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  const hash = `#${pathOnly(currentPath())}${text ? `?${text}` : ''}`;
  if (location.hash !== hash) history.replaceState(history.state, '', hash);
}

export function navigate(path: string): void {
  if (currentPath() === path) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = `#${path}`;
}

/** Matches "/annuaire/classes/:name" against "/annuaire/classes/6%C2%B0%20A" → { name: "6° A" }. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = pathOnly(path).replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    let value: string;
    try {
      value = decodeURIComponent(got[index] ?? '');
    } catch {
      return null; // malformed escape: no page
    }
    if (part.startsWith(':') && value !== '') params[part.slice(1)] = value;
    else if (part !== value) return null;
  }
  return params;
}

export function findPage(
  pages: readonly Page[],
  path: string,
): { page: Page; params: Record<string, string> } | null {
  for (const page of pages) {
    const params = matchPath(page.path, path);
    if (params) return { page, params };
  }
  return null;
}

interface RouterOptions {
  pages: readonly Page[];
  user: User;
  live: Live;
  outlet: HTMLElement;
  onRoute(page: Page | null): void;
}

/** Renders the page matching the hash on every change; returns a stop function. */
export function startRouter(options: RouterOptions): () => void {
  const { pages, user, live, outlet } = options;
  let controller: AbortController | null = null;
  let first = true;

  const show = () => {
    const path = currentPath();
    const bare = pathOnly(path);
    if (bare === '/' || bare === LOGIN_PATH) {
      location.replace(`#${HOME_PATH}`);
      return;
    }
    controller?.abort();
    controller = new AbortController();

    const match = findPage(pages, path);

    const heading = h('h1', { class: 'page-title', tabindex: '-1' });
    const body = h('div', { class: 'page-body' });
    outlet.replaceChildren(h('header', { class: 'page-header' }, heading), body);

    if (!match) {
      heading.textContent = 'Page introuvable';
      body.append(notice('Cette page n’existe pas.', 'Revenir au tableau de bord'));
      options.onRoute(null);
    } else if (!canSee(match.page, user.role)) {
      heading.textContent = 'Accès réservé';
      body.append(
        notice('Cette partie est réservée aux administrateurs de la console.', 'Revenir au tableau de bord'),
      );
      options.onRoute(null);
    } else {
      heading.textContent = match.page.title;
      options.onRoute(match.page);
      const ctx: PageContext = {
        user,
        live,
        params: match.params,
        query: currentQuery(),
        signal: controller.signal,
        navigate,
      };
      renderSafely(match.page, body, ctx);
    }

    document.title = `${heading.textContent} — Trousse`;
    // Move focus to the new heading so screen readers announce the page.
    if (!first) heading.focus({ preventScroll: true });
    first = false;
    outlet.scrollTop = 0;
    window.scrollTo(0, 0);
  };

  window.addEventListener('hashchange', show);
  show();
  return () => {
    window.removeEventListener('hashchange', show);
    controller?.abort();
  };
}

function renderSafely(page: Page, body: HTMLElement, ctx: PageContext): void {
  const fail = (error: unknown) => {
    if (isAbort(error) || ctx.signal.aborted) return;
    body.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)));
  };
  try {
    const result = page.render(body, ctx);
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}

function notice(text: string, linkLabel: string): HTMLElement {
  return h(
    'div',
    { class: 'card empty-state' },
    h('p', null, text),
    h('p', null, h('a', { href: `#${HOME_PATH}` }, linkLabel)),
  );
}
