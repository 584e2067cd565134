// Step 3 "Application": live progress (socket.io `import.progress`), with a GET every 2 s as
// a fallback; once the run is applied, failed or interrupted, the report.
import { h } from '../../dom.ts';
import { formatInteger, formatPercent } from '../../format.ts';
import type { ImportProgress, ImportRun, ImportState } from '../../imports-types.ts';
import { card } from '../../widgets/card.ts';
import { fetchRun, type Wizard } from './common.ts';

const POLL_MS = 2000;
const FINISHED: ImportState[] = ['applied', 'failed', 'interrupted'];

export function renderApplyStep(slot: HTMLElement, run: ImportRun, wizard: Wizard): void {
  const fill = h('div', { class: 'meter-fill' });
  const bar = h(
    'div',
    { class: 'meter import-meter', role: 'progressbar', 'aria-label': 'Avancement de l’import', 'aria-valuemin': '0', 'data-testid': 'import-progress' },
    fill,
  );
  const label = h('p', { class: 'import-progress-label' });
  const numbers = h('p', { class: 'muted small', 'aria-live': 'polite' });
  let finished = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const update = (progress: ImportProgress | null) => {
    const total = Math.max(0, progress?.total ?? 0);
    const done = Math.min(Math.max(0, progress?.done ?? 0), total);
    label.textContent = progress?.label || 'Préparation des opérations…';
    if (total > 0) {
      fill.style.width = `${(done / total) * 100}%`;
      bar.setAttribute('aria-valuemax', String(total));
      bar.setAttribute('aria-valuenow', String(done));
      bar.setAttribute('aria-valuetext', `${formatInteger(done)} sur ${formatInteger(total)} — ${label.textContent}`);
      numbers.textContent = `${formatInteger(done)} / ${formatInteger(total)} opérations (${formatPercent(done / total)})`;
    } else {
      fill.style.width = '0%';
      bar.removeAttribute('aria-valuenow');
      bar.setAttribute('aria-valuetext', label.textContent);
      numbers.textContent = '';
    }
  };

  const finish = async (known?: ImportRun) => {
    if (finished || wizard.signal.aborted) return;
    finished = true;
    clearInterval(timer);
    try {
      wizard.show(known ?? (await fetchRun(run.id, wizard.signal)));
    } catch {
      finished = false; // the next poll tries again
    }
  };

  wizard.ctx.live.on(
    'import.progress',
    (payload) => {
      const event = readEvent(payload);
      if (!event || event.id !== run.id) return;
      update(event);
      if (event.state && FINISHED.includes(event.state)) void finish();
    },
    wizard.signal,
  );

  let polling = false;
  timer = setInterval(async () => {
    if (polling || finished) return;
    polling = true;
    try {
      const next = await fetchRun(run.id, wizard.signal);
      if (next.state !== 'applying') void finish(next);
      else if (next.progress) update(next.progress);
    } catch {
      // Network hiccup or page left: the next tick (or the socket) will tell.
    } finally {
      polling = false;
    }
  }, POLL_MS);
  wizard.signal.addEventListener('abort', () => clearInterval(timer), { once: true });

  slot.append(
    card(
      { title: run.mode === 'rollover' ? 'Application de la rentrée' : 'Application de l’import', icon: 'clock', testId: 'import-applying' },
      h('p', { class: 'lead' }, 'L’annuaire est en cours de mise à jour. Vous pouvez quitter cette page : l’application continue sur le serveur, et reprend là où elle s’était arrêtée en cas de coupure.'),
      label,
      bar,
      numbers,
    ),
  );
  update(run.progress);
}

/** `{id, phase, label, done, total, state}`, tolerating a `{progress: …}` envelope. */
function readEvent(payload: unknown): (ImportProgress & { id: number; state?: ImportState }) | null {
  if (!payload || typeof payload !== 'object') return null;
  const outer = payload as Record<string, unknown>;
  const inner = (typeof outer['id'] === 'number' ? outer : outer['progress']) as Record<string, unknown> | undefined;
  if (!inner || typeof inner !== 'object' || typeof inner['id'] !== 'number') return null;
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  return {
    id: inner['id'],
    phase: typeof inner['phase'] === 'string' ? inner['phase'] : '',
    label: typeof inner['label'] === 'string' ? inner['label'] : '',
    done: num(inner['done']),
    total: num(inner['total']),
    state: typeof inner['state'] === 'string' ? (inner['state'] as ImportState) : undefined,
  };
}
