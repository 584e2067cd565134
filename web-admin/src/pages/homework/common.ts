// Shared pieces of the Devoirs pages: API paths, console routes, French labels.
import { h } from '../../dom.ts';
import type { HomeworkMode, HomeworkSummary, Target, TargetKind } from '../../shares-types.ts';

const HW = '/api/v1/homework';

export const homeworkPaths = {
  list: HW,
  one: (id: number) => `${HW}/${id}`,
  action: (id: number, action: 'handout' | 'collect' | 'return') => `${HW}/${id}/${action}`,
  forget: (id: number, confirm: string) => `${HW}/${id}?confirm=${encodeURIComponent(confirm)}`,
  browse(path: string, teacher?: string): string {
    const params = new URLSearchParams({ path });
    if (teacher) params.set('teacher', teacher);
    return `${HW}/browse?${params.toString()}`;
  },
  classes: '/api/v1/directory/classes',
  targets: `${HW}/targets`,
  groups: '/api/v1/directory/groups',
};

/** Console routes (for ctx.navigate; prefix with "#" for an href). */
export const homeworkRoutes = {
  list: '/devoirs',
  create: '/devoirs/nouveau',
  one: (id: number) => `/devoirs/${id}`,
};

export const MODE_LABELS: Record<HomeworkMode, string> = {
  lecture: 'lecture seule',
  copie: 'copie modifiable',
};

export const MODE_EXPLANATIONS: Record<HomeworkMode, string> = {
  lecture: 'Les élèves lisent les documents sans pouvoir les modifier ; ils enregistrent leur travail à côté, dans le même dossier.',
  copie: 'Chaque élève reçoit sa propre copie des documents, qu’il peut modifier directement.',
};

export function modeBadge(mode: HomeworkMode): HTMLElement {
  return h('span', { class: `badge ${mode === 'lecture' ? 'badge-neutral' : 'badge-info'}`, 'data-mode': mode }, MODE_LABELS[mode] ?? mode);
}

const TARGET_PREFIX: Record<TargetKind, string> = {
  classe: '',
  groupe: 'groupe ',
  eleve: 'élève ',
};

/** « 6e A, 6e B, groupe latin-5e ». */
export function targetsText(targets: Target[]): string {
  if (!targets?.length) return '—';
  return targets.map((target) => `${TARGET_PREFIX[target.kind] ?? ''}${target.name}`).join(', ');
}

/** The due date, or « aucune ». */
export function dueText(summary: Pick<HomeworkSummary, 'dueAt'>, format: (iso: string) => string): string {
  return summary.dueAt ? format(summary.dueAt) : 'aucune';
}

/** Numeric id of a route parameter, or null. */
export function parseId(value: string | undefined): number | null {
  if (!value || !/^\d{1,9}$/.test(value)) return null;
  const id = Number(value);
  return id > 0 ? id : null;
}

/** GET /homework/targets: what the user may hand out to. */
export interface HomeworkTargets {
  classes: { name: string; pupils: number }[];
  groups: { name: string; label: string; pupils: number }[];
}
