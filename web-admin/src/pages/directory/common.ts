// Shared pieces of the annuaire pages: API paths, console links, French labels, loaders.
import { api, errorMessage } from '../../api.ts';
import type {
  AccountState,
  ClassSummary,
  DirectorySettings,
  GroupKind,
  Profile,
  StaffFunction,
  UserList,
  UserQuery,
  UserSummary,
} from '../../directory-types.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import type { PageContext } from '../../router.ts';
import { loadingText } from '../../widgets/card.ts';

const DIR = '/api/v1/directory';
/** Every path segment is encoded: class names may hold spaces, "°" or "/". */
const seg = encodeURIComponent;

export const paths = {
  users(query: UserQuery = {}): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(name, String(value));
    }
    const text = params.toString();
    return `${DIR}/users${text ? `?${text}` : ''}`;
  },
  user: (login: string) => `${DIR}/users/${seg(login)}`,
  userAction: (login: string, action: 'password' | 'disable' | 'enable' | 'move' | 'restore' | 'purge') =>
    `${DIR}/users/${seg(login)}/${action}`,
  classes: `${DIR}/classes`,
  class: (name: string) => `${DIR}/classes/${seg(name)}`,
  classTeachers: (name: string) => `${DIR}/classes/${seg(name)}/teachers`,
  groups: (kind?: GroupKind) => `${DIR}/groups${kind ? `?kind=${seg(kind)}` : ''}`,
  group: (name: string) => `${DIR}/groups/${seg(name)}`,
  groupMembers: (name: string) => `${DIR}/groups/${seg(name)}/members`,
  groupMember: (name: string, login: string) => `${DIR}/groups/${seg(name)}/members/${seg(login)}`,
  settings: `${DIR}/settings`,
};

/** Console routes (for ctx.navigate; prefix with "#" for an href). */
export const routes = {
  users: '/annuaire/utilisateurs',
  user: (login: string) => `/annuaire/utilisateurs/${seg(login)}`,
  classes: '/annuaire/classes',
  class: (name: string) => `/annuaire/classes/${seg(name)}`,
  groups: '/annuaire/groupes',
  group: (name: string) => `/annuaire/groupes/${seg(name)}`,
};

export const PROFILE_LABELS: Record<Profile, string> = {
  eleve: 'Élève',
  enseignant: 'Enseignant',
  personnel: 'Personnel',
};

export const PROFILE_PLURALS: Record<Profile, string> = {
  eleve: 'Élèves',
  enseignant: 'Enseignants',
  personnel: 'Personnels',
};

export const STAFF_FUNCTION_LABELS: Record<StaffFunction, string> = {
  direction: 'Direction',
  'vie-scolaire': 'Vie scolaire',
  administration: 'Administration (secrétariat, intendance)',
  agent: 'Agent (entretien, restauration, maintenance)',
  documentation: 'Documentation (CDI)',
  'sante-social': 'Santé et social (infirmerie, assistance sociale)',
  autre: 'Autre',
};

export function staffFunctionLabel(code: string | null): string {
  if (!code) return '—';
  return (STAFF_FUNCTION_LABELS as Record<string, string>)[code] ?? code;
}

export const STATE_LABELS: Record<AccountState, string> = {
  active: 'Actif',
  disabled: 'Désactivé',
  deleted: 'Supprimé',
};

const STATE_TONES: Record<AccountState, string> = {
  active: 'success',
  disabled: 'warning',
  deleted: 'danger',
};

export function stateBadge(state: AccountState, testId?: string): HTMLElement {
  return h(
    'span',
    { class: `badge badge-${STATE_TONES[state] ?? 'neutral'}`, 'data-testid': testId, 'data-state': state },
    STATE_LABELS[state] ?? state,
  );
}

export const GROUP_KIND_LABELS: Record<GroupKind, string> = {
  classe: 'Classes',
  equipe: 'Équipes pédagogiques',
  profil: 'Profils',
  groupe: 'Groupes de la structure',
  libre: 'Groupes libres',
};

export const GROUP_KIND_SINGULAR: Record<GroupKind, string> = {
  classe: 'Classe',
  equipe: 'Équipe pédagogique',
  profil: 'Profil',
  groupe: 'Groupe de la structure',
  libre: 'Groupe libre',
};

/** "Élèves de la classe 6e A", or the group's name when it has no description. */
export function groupTitle(group: { name: string; description: string | null }): string {
  return group.description?.trim() || group.name;
}

export function userLink(user: Pick<UserSummary, 'login' | 'displayName'>): HTMLAnchorElement {
  return h('a', { href: `#${routes.user(user.login)}` }, user.displayName || user.login);
}

export function loginText(login: string): HTMLElement {
  return h('span', { class: 'login' }, login);
}

/** "Élève · 5e B", "Enseignant", "Personnel · Vie scolaire". */
export function roleText(user: UserSummary): string {
  const profile = PROFILE_LABELS[user.profile] ?? user.profile;
  if (user.profile === 'eleve' && user.classe) return `${profile} · ${user.classe}`;
  if (user.profile === 'personnel' && user.staffFunction) return `${profile} · ${staffFunctionLabel(user.staffFunction)}`;
  return profile;
}

export function plural(count: number, one: string, many: string): string {
  return `${formatInteger(count)} ${count > 1 ? many : one}`;
}

export function namesList(users: UserSummary[], empty: string): string {
  return users.length ? users.map((user) => user.displayName || user.login).join(', ') : empty;
}

export async function fetchClasses(signal?: AbortSignal): Promise<ClassSummary[]> {
  const answer = await api.get<{ items: ClassSummary[] }>(paths.classes, { signal });
  return [...answer.items].sort((a, b) => a.name.localeCompare(b.name, 'fr', { numeric: true }));
}

/** Every user matching `query`, page after page (e.g. all teachers, for a picker). */
export async function fetchAllUsers(query: UserQuery, signal?: AbortSignal): Promise<UserSummary[]> {
  const users: UserSummary[] = [];
  for (let page = 1; page <= 50; page += 1) {
    const answer = await api.get<UserList>(paths.users({ ...query, page, pageSize: 200 }), { signal });
    users.push(...answer.items);
    if (answer.items.length === 0 || users.length >= answer.total) break;
  }
  return users;
}

let settingsCache: Promise<DirectorySettings | null> | null = null;

/** The directory settings (administrators), kept for the session; null when unreadable. */
export function directorySettings(refresh = false): Promise<DirectorySettings | null> {
  if (!settingsCache || refresh) {
    settingsCache = api.get<DirectorySettings>(paths.settings).catch(() => {
      settingsCache = null;
      return null;
    });
  }
  return settingsCache;
}

export function rememberSettings(settings: DirectorySettings): void {
  settingsCache = Promise.resolve(settings);
}

/**
 * Loads the page's data with a "Chargement…" line, then calls render; on failure shows the
 * daemon's message and a "Réessayer" button.
 */
export async function loadInto<T>(
  container: HTMLElement,
  ctx: PageContext,
  load: () => Promise<T>,
  render: (data: T) => void,
  loadingLabel = 'Chargement…',
): Promise<void> {
  container.replaceChildren(loadingText(loadingLabel));
  let data: T;
  try {
    data = await load();
  } catch (error) {
    if (ctx.signal.aborted) return;
    const retry = h('button', { type: 'button', class: 'button' }, 'Réessayer');
    retry.addEventListener('click', () => void loadInto(container, ctx, load, render, loadingLabel));
    container.replaceChildren(
      h('div', { class: 'card' }, h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)), h('p', { class: 'actions-row' }, retry)),
    );
    return;
  }
  if (ctx.signal.aborted) return;
  render(data);
}

export function backLink(href: string, label: string): HTMLElement {
  return h('p', { class: 'back-link' }, h('a', { href }, `← ${label}`));
}

/** A page toolbar: text on the left, buttons on the right. */
export function toolbar(left: Node | string | null, ...right: Node[]): HTMLElement {
  return h('div', { class: 'toolbar' }, h('div', { class: 'toolbar-text' }, left), h('div', { class: 'toolbar-actions' }, right));
}

export function emptyState(title: string, text: string, ...extra: Node[]): HTMLElement {
  return h(
    'div',
    { class: 'empty-inline' },
    h('p', { class: 'empty-state-title' }, title),
    h('p', { class: 'muted' }, text),
    extra,
  );
}
