// Application frame: left navigation, top bar (school, live indicator, user), main area.
import { h, uid } from './dom.ts';
import { type IconName, icon } from './icons.ts';
import type { ConnectionState, Live } from './live.ts';
import { canSee, HOME_PATH, type Page } from './router.ts';
import type { Role, User } from './types.ts';

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrateur',
  teacher: 'Enseignant',
};

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connexion…',
  live: 'En direct',
  lost: 'Connexion perdue, reconnexion…',
};

export interface Shell {
  outlet: HTMLElement;
  setActive(page: Page | null): void;
}

export interface NavGroup {
  label: string;
  icon: IconName;
}

interface ShellOptions {
  user: User;
  pages: readonly Page[];
  groups: Readonly<Record<string, NavGroup>>;
  live: Live;
  signal: AbortSignal;
  onLogout(button: HTMLButtonElement): void;
}

export function mountShell(root: HTMLElement, options: ShellOptions): Shell {
  const { user, live, signal } = options;
  const outlet = h('main', { id: 'contenu', class: 'main', tabindex: '-1' });
  const visible = options.pages.filter((page) => page.nav !== false && canSee(page, user.role));
  const nav = buildNav(visible, options.groups);

  const skip = h('a', { class: 'skip-link', href: '#contenu' }, 'Aller au contenu');
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    outlet.focus();
  });

  const schoolName = h('span', { class: 'school-name' }, 'Établissement');
  const schoolMeta = h('span', { class: 'school-meta' });
  const liveText = h('span', null, CONNECTION_LABELS.connecting);
  const indicator = h(
    'div',
    { class: 'live-indicator', 'data-testid': 'live-indicator', 'data-state': 'connecting', role: 'status' },
    h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
    liveText,
  );

  const logoutButton = h(
    'button',
    { type: 'button', class: 'button button-ghost', 'data-testid': 'logout' },
    icon('logout'),
    h('span', null, 'Se déconnecter'),
  );
  logoutButton.addEventListener('click', () => options.onLogout(logoutButton));

  const userMenu = h(
    'div',
    { class: 'user-menu', 'data-testid': 'user-menu' },
    h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(user.displayName || user.login)),
    h(
      'span',
      { class: 'user-identity' },
      h('span', { class: 'user-name' }, user.displayName || user.login),
      h('span', { class: 'user-role' }, `${ROLE_LABELS[user.role] ?? user.role} · ${user.login}`),
    ),
    logoutButton,
  );

  const topbar = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'school' }, schoolName, schoolMeta),
    h('div', { class: 'topbar-right' }, indicator, userMenu),
  );

  root.replaceChildren(skip, h('div', { class: 'app' }, nav.element, topbar, outlet));

  const refresh = () => {
    const state = live.get();
    const school = state.status?.school;
    schoolName.textContent = school?.name || 'Établissement';
    schoolMeta.textContent = school?.uai ? `UAI ${school.uai}` : '';
    if (indicator.dataset.state !== state.connection) {
      indicator.dataset.state = state.connection;
      liveText.textContent = CONNECTION_LABELS[state.connection];
    }
  };
  live.subscribe(refresh, signal);
  refresh();

  return { outlet, setActive: nav.setActive };
}

function buildNav(pages: readonly Page[], navGroups: Readonly<Record<string, NavGroup>>) {
  const list = h('ul', { class: 'nav-list' });
  const links = new Map<Page, HTMLAnchorElement>();
  const groups = new Map<string, { item: HTMLLIElement; list: HTMLUListElement }>();

  for (const page of pages) {
    const link = h('a', { class: 'nav-link', href: `#${page.path}` });
    links.set(page, link);
    const group = page.group ? navGroups[page.group] : undefined;
    if (!page.group || !group) {
      link.append(icon(page.icon ?? 'dashboard'), h('span', null, page.title));
      list.append(h('li', null, link));
      continue;
    }
    link.classList.add('nav-sublink');
    link.append(h('span', null, page.title));
    let entry = groups.get(page.group);
    if (!entry) {
      const labelId = uid('nav-group');
      const subList = h('ul', { class: 'nav-sublist', 'aria-labelledby': labelId });
      const item = h(
        'li',
        { class: 'nav-group' },
        h('span', { class: 'nav-group-label', id: labelId }, icon(group.icon), h('span', null, group.label)),
        subList,
      );
      entry = { item, list: subList };
      groups.set(page.group, entry);
      list.append(item);
    }
    entry.list.append(h('li', null, link));
  }

  const element = h(
    'nav',
    { class: 'sidebar', 'aria-label': 'Navigation principale' },
    h(
      'a',
      { class: 'brand', href: `#${HOME_PATH}` },
      h('span', { class: 'brand-logo' }, icon('kit')),
      h(
        'span',
        { class: 'brand-text' },
        h('span', { class: 'brand-name' }, 'Trousse'),
        h('span', { class: 'brand-sub' }, 'Console d’administration'),
      ),
    ),
    list,
  );

  const setActive = (active: Page | null) => {
    for (const [page, link] of links) {
      if (page === active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    for (const [key, entry] of groups) {
      entry.item.classList.toggle('is-active', active?.group === key);
    }
  };

  return { element, setActive };
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [name.trim()];
  return letters
    .map((part) => (part ?? '').charAt(0))
    .join('')
    .toUpperCase()
    .slice(0, 2);
}
