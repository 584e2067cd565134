// Shared pieces of the imports pages: API paths, console routes, labels, downloads.
import { api, downloadBlob, errorMessage, isAbort } from '../../api.ts';
import { h } from '../../dom.ts';
import {
  IMPORT_KIND_LABELS,
  IMPORT_STATE_LABELS,
  IMPORT_STATE_TONES,
  type DiffAction,
  type ImportKind,
  type ImportRun,
  type ImportState,
  type RecordIssue,
  type SheetsRequest,
} from '../../imports-types.ts';
import { notify } from '../../notify.ts';
import type { PageContext } from '../../router.ts';
import { withBusy } from '../../widgets/fields.ts';

const IMP = '/api/v1/imports';

export const importPaths = {
  list: IMP,
  run: (id: number) => `${IMP}/${id}`,
  /** The daemon takes names of 200 characters at most (only shown, never used as a path). */
  files: (id: number, name: string) => `${IMP}/${id}/files?name=${encodeURIComponent(name.slice(0, 200) || 'fichier')}`,
  file: (id: number, index: number) => `${IMP}/${id}/files/${index}`,
  analyse: (id: number) => `${IMP}/${id}/analyse`,
  items(id: number, query: { action?: DiffAction | ''; q?: string; page: number; pageSize: number }): string {
    const params = new URLSearchParams();
    if (query.action) params.set('action', query.action);
    if (query.q) params.set('q', query.q);
    params.set('page', String(query.page));
    params.set('pageSize', String(query.pageSize));
    return `${IMP}/${id}/items?${params.toString()}`;
  },
  resolve: (id: number) => `${IMP}/${id}/resolve`,
  apply: (id: number) => `${IMP}/${id}/apply`,
  reportCsv: (id: number) => `${IMP}/${id}/report.csv`,
  passwordsCsv: (id: number) => `${IMP}/${id}/passwords.csv`,
  sheets: '/api/v1/sheets',
};

/** Console routes (for ctx.navigate; prefix with "#" for an href). */
export const importRoutes = {
  list: '/imports',
  run: (id: number) => `/imports/${id}`,
  rollover: '/rentree',
  sheets: '/fiches',
};

/** The wizard's steps, in order. */
export type WizardStep = 'files' | 'diff' | 'apply' | 'report';

/** What a step receives from the wizard of /imports/:id. */
export interface Wizard {
  ctx: PageContext;
  /** Aborted when the step is replaced or the page is left: stop timers, listeners, fetches. */
  signal: AbortSignal;
  /** Shows `run` at its step (or at `step`, e.g. back to the files of an analysed run). */
  show(run: ImportRun, step?: WizardStep): void;
  /** Refreshes the summary at the top (state…) without touching the step shown. */
  header(run: ImportRun): void;
  /** Reads the run again and shows it. */
  reload(): Promise<void>;
}

/** The step a run is at. */
export function stepOf(run: ImportRun): WizardStep {
  if (run.state === 'draft') return 'files';
  if (run.state === 'analysed') return 'diff';
  if (run.state === 'applying') return 'apply';
  return 'report';
}

/** The largest file the daemon accepts (IMPORT_LIMITS.maxFileBytes). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export function runStateBadge(state: ImportState, testId?: string): HTMLElement {
  return h(
    'span',
    { class: `badge badge-${IMPORT_STATE_TONES[state] ?? 'neutral'}`, 'data-testid': testId, 'data-state': state },
    IMPORT_STATE_LABELS[state] ?? state,
  );
}

/** "SIECLE", "STS-Web", "AAF", "Fichier CSV". */
export function kindShort(kind: ImportKind): string {
  return (IMPORT_KIND_LABELS[kind] ?? kind).split(' — ')[0] ?? kind;
}

export function fetchRun(id: number, signal?: AbortSignal): Promise<ImportRun> {
  return api.get<ImportRun>(importPaths.run(id), { signal });
}

/** A file name without characters that systems refuse: "codes-6e A/B" → "codes-6e-A-B". */
export function safeFileName(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\s]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120) || 'fichier';
}

/** Offers a Blob for download under `filename` (a temporary <a download>). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

interface DownloadOptions {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  filename: string;
  busyLabel?: string;
  signal?: AbortSignal;
  /** Where to show the error; a notification otherwise. */
  message?: HTMLElement;
}

/** Downloads with the session (auth + CSRF), busy button, French error. True when saved. */
export async function downloadWithButton(button: HTMLButtonElement, options: DownloadOptions): Promise<boolean> {
  if (options.message) options.message.textContent = '';
  try {
    const blob = await withBusy(button, options.busyLabel ?? 'Préparation…', () =>
      downloadBlob(options.method, options.path, options.body, { signal: options.signal }),
    );
    saveBlob(blob, options.filename);
    return true;
  } catch (error) {
    if (isAbort(error) || options.signal?.aborted) return false;
    if (options.message) options.message.textContent = errorMessage(error);
    else notify(errorMessage(error), 'error');
    return false;
  }
}

/** POST /api/v1/sheets → PDF saved as `filename`. */
export function downloadSheets(
  button: HTMLButtonElement,
  body: SheetsRequest,
  filename: string,
  extra: Pick<DownloadOptions, 'signal' | 'message'> = {},
): Promise<boolean> {
  return downloadWithButton(button, {
    method: 'POST',
    path: importPaths.sheets,
    body,
    filename,
    busyLabel: 'Création du PDF…',
    ...extra,
  });
}

/** A list of file problems ("ligne 12 : …"), folded when long. */
export function issuesList(issues: RecordIssue[], summary: string, options: { open?: boolean; max?: number } = {}): HTMLElement {
  const max = options.max ?? 200;
  const shown = issues.slice(0, max);
  return h(
    'details',
    { class: 'import-issues', open: options.open ?? false },
    h('summary', null, summary),
    h(
      'ul',
      { class: 'import-issue-list' },
      shown.map((issue) =>
        h(
          'li',
          null,
          h('span', { class: 'import-issue-where' }, issue.file ? `${issue.file}, ${issue.where}` : issue.where),
          ' : ',
          issue.message,
        ),
      ),
    ),
    issues.length > max
      ? h('p', { class: 'muted small' }, `… et ${issues.length - max} autres. Filtrez le tableau sur « Erreurs » pour tout voir.`)
      : null,
  );
}

/** "Import n° 12", "Rentrée — import n° 12". */
export function runTitle(run: Pick<ImportRun, 'id' | 'mode'>): string {
  return run.mode === 'rollover' ? `Rentrée — import n° ${run.id}` : `Import n° ${run.id}`;
}
