import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from './logger.ts';
import type { Service } from './lifecycle.ts';
import { AppError, errorMessage } from './errors.ts';

export interface JobDefinition {
  /** Stable name, e.g. "directory.purge-deleted". */
  name: string;
  /** Cron expression (node-cron syntax, seconds optional). */
  cron: string;
  /** French description shown in the console. */
  description: string;
  /** The work; must be idempotent and honour the signal. */
  run(signal: AbortSignal): Promise<void>;
}

export interface JobState {
  name: string;
  cron: string;
  description: string;
  running: boolean;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastError: string | null;
  runs: number;
  skippedOverlaps: number;
}

interface Entry {
  def: JobDefinition;
  task: ScheduledTask | null;
  state: JobState;
  current: Promise<void> | null;
}

/**
 * The single registry of scheduled work: the only user of node-cron in Trousse.
 * A job never overlaps itself (a tick while it runs is skipped and counted); stop() cancels
 * future ticks, aborts running jobs and waits for them.
 */
export class Scheduler implements Service {
  readonly name = 'scheduler';
  readonly #jobs = new Map<string, Entry>();
  readonly #log: Logger;
  readonly #timezone: string;
  #abort = new AbortController();
  #started = false;

  constructor(log: Logger, timezone = 'Europe/Paris') {
    this.#log = log;
    this.#timezone = timezone;
  }

  register(def: JobDefinition): void {
    if (this.#jobs.has(def.name)) throw new AppError('JOB_DUPLICATE', `La tâche « ${def.name} » est déjà déclarée.`);
    if (!cron.validate(def.cron)) throw new AppError('JOB_CRON_INVALID', `Expression cron invalide pour « ${def.name} » : ${def.cron}`);
    const entry: Entry = {
      def,
      task: null,
      current: null,
      state: {
        name: def.name,
        cron: def.cron,
        description: def.description,
        running: false,
        lastStartedAt: null,
        lastFinishedAt: null,
        lastError: null,
        runs: 0,
        skippedOverlaps: 0,
      },
    };
    this.#jobs.set(def.name, entry);
    if (this.#started) this.#schedule(entry);
  }

  list(): JobState[] {
    return [...this.#jobs.values()].map((e) => ({ ...e.state }));
  }

  async start(): Promise<void> {
    this.#abort = new AbortController();
    this.#started = true;
    for (const entry of this.#jobs.values()) this.#schedule(entry);
  }

  /** Runs a job now (same no-overlap rule). Resolves when this run ends; false if skipped. */
  async runNow(name: string): Promise<boolean> {
    const entry = this.#jobs.get(name);
    if (!entry) throw new AppError('JOB_UNKNOWN', `Tâche inconnue : ${name}`, 404);
    return this.#tick(entry);
  }

  async stop(): Promise<void> {
    this.#started = false;
    for (const entry of this.#jobs.values()) {
      await entry.task?.destroy();
      entry.task = null;
    }
    this.#abort.abort(new Error('scheduler stopping'));
    await Promise.allSettled([...this.#jobs.values()].map((e) => e.current));
  }

  #schedule(entry: Entry): void {
    entry.task = cron.schedule(
      entry.def.cron,
      async () => {
        await this.#tick(entry);
      },
      { timezone: this.#timezone, name: entry.def.name },
    );
  }

  async #tick(entry: Entry): Promise<boolean> {
    if (entry.current) {
      entry.state.skippedOverlaps++;
      this.#log.warn({ job: entry.def.name }, 'job still running, tick skipped');
      return false;
    }
    const { state } = entry;
    state.running = true;
    state.lastStartedAt = new Date().toISOString();
    const run = (async () => {
      try {
        await entry.def.run(this.#abort.signal);
        state.lastError = null;
      } catch (err) {
        state.lastError = errorMessage(err);
        this.#log.error({ job: entry.def.name, err: state.lastError }, 'job failed');
      } finally {
        state.runs++;
        state.running = false;
        state.lastFinishedAt = new Date().toISOString();
      }
    })();
    entry.current = run;
    try {
      await run;
    } finally {
      entry.current = null;
    }
    return true;
  }
}
