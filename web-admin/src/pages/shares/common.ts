// Shared pieces of the Partages pages: API paths, console routes, labels, copy button.
import { h } from '../../dom.ts';
import type { QuotaMode, QuotaState } from '../../shares-types.ts';
import { copyText } from '../../widgets/password-reveal.ts';

const SH = '/api/v1/shares';
const seg = encodeURIComponent;

export const sharePaths = {
  status: SH,
  reconcile: `${SH}/reconcile`,
  settings: `${SH}/settings`,
  quotas: (over: boolean) => `${SH}/quotas${over ? '?over=true' : ''}`,
  measure: `${SH}/quotas/measure`,
  quota: (login: string) => `${SH}/quotas/${seg(login)}`,
  profiles: (limit = 500) => `${SH}/profiles?limit=${limit}`,
  profileReset: (login: string) => `${SH}/profiles/${seg(login)}/reset`,
  windows: `${SH}/windows`,
  client: (file: string) => `${SH}/clients/${seg(file)}`,
  clientCheck: `${SH}/clients/check`,
  groups: '/api/v1/directory/groups',
};

/** Console routes (for ctx.navigate; prefix with "#" for an href). */
export const shareRoutes = {
  shares: '/partages',
  quotas: '/partages/quotas',
  profiles: '/partages/profils',
  clients: '/partages/postes',
};

export const MB = 1024 * 1024;

export const QUOTA_MODE_LABELS: Record<QuotaMode, string> = {
  filesystem: 'Quotas bloquants (système de fichiers)',
  report: 'Quotas indicatifs : Trousse mesure et prévient',
};

const QUOTA_MODE_EXPLANATIONS: Record<QuotaMode, string> = {
  filesystem: 'Une fois sa limite atteinte, un utilisateur ne peut plus enregistrer de fichier tant qu’il n’a pas fait de place.',
  report:
    'Personne n’est bloqué : Trousse mesure régulièrement l’occupation de chaque dossier et signale dans le journal les comptes qui dépassent leur limite.',
};

/** « Quotas bloquants (système de fichiers) » or « Quotas indicatifs … », then the daemon's detail. */
export function quotaModeBlock(quota: { mode: QuotaMode; detail: string }): HTMLElement {
  return h(
    'div',
    { class: `alert ${quota.mode === 'filesystem' ? 'alert-success' : 'alert-neutral'}`, 'data-testid': 'quota-mode', 'data-mode': quota.mode },
    h('p', { class: 'alert-title' }, QUOTA_MODE_LABELS[quota.mode] ?? quota.mode),
    quota.detail ? h('p', null, quota.detail) : null,
    h('p', { class: 'small' }, QUOTA_MODE_EXPLANATIONS[quota.mode] ?? ''),
  );
}

export const QUOTA_STATE_LABELS: Record<QuotaState, string> = {
  ok: 'OK',
  soft: 'Avertissement',
  hard: 'Dépassé',
};

const QUOTA_STATE_TONES: Record<QuotaState, string> = {
  ok: 'success',
  soft: 'warning',
  hard: 'danger',
};

export function quotaStateBadge(state: QuotaState): HTMLElement {
  return h(
    'span',
    { class: `badge badge-${QUOTA_STATE_TONES[state] ?? 'neutral'}`, 'data-testid': 'quota-state', 'data-state': state },
    QUOTA_STATE_LABELS[state] ?? state,
  );
}

/** A value to copy (a path): monospace text and a « Copier » button with a spoken result. */
export function copyable(text: string, label: string, testId?: string): HTMLElement {
  const value = h('code', { class: 'copy-value', 'data-testid': testId }, text);
  const status = h('span', { class: 'copy-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Copier ${label}` }, 'Copier');
  button.addEventListener('click', async () => {
    const copied = await copyText(text, value);
    status.textContent = copied ? 'Copié.' : 'Sélectionné : copiez avec Ctrl+C.';
    setTimeout(() => {
      status.textContent = '';
    }, 4000);
  });
  return h('span', { class: 'copy-row' }, value, button, status);
}


/** A block of shell commands, shown as typed. */
export function commandBlock(lines: string[], label: string): HTMLElement {
  return h('pre', { class: 'command-block', 'aria-label': label }, h('code', null, lines.join('\n')));
}
