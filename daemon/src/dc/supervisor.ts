import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../core/logger.ts';
import { spawnDaemon } from '../core/exec.ts';
import { instanceProcesses, isAlive, sleep, terminateAll } from './procs.ts';

export type ProcessState = 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

export interface ProcessStatus {
  state: ProcessState;
  pid: number | null;
  since: string | null;
  restarts: number;
  lastError: string | null;
}

/** Runs samba, however it is hosted: as Trousse's own child, or as the system's service. */
export interface DcProcessDriver {
  readonly managed: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  status(): ProcessStatus;
}

export interface SupervisorOptions {
  smbConf: string;
  runDir: string;
  logDir: string;
  restart: { initialDelayMs: number; maxDelayMs: number; stableAfterMs: number };
  log: Logger;
  onChange: () => void;
  command?: string;
}

/**
 * Managed mode: `samba -i` as a direct child, restarted with exponential backoff when it dies.
 * Its stdin is a pipe that Trousse keeps open: if the daemon itself dies, even by SIGKILL, samba
 * reads EOF and terminates, so no DC outlives the daemon that started it.
 */
export class SambaSupervisor implements DcProcessDriver {
  readonly managed = true;
  readonly #o: SupervisorOptions;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #status: ProcessStatus = { state: 'stopped', pid: null, since: null, restarts: 0, lastError: null };
  #stopping = false;
  #timer: NodeJS.Timeout | null = null;
  #delay: number;
  #startedAt = 0;

  constructor(opts: SupervisorOptions) {
    this.#o = opts;
    this.#delay = opts.restart.initialDelayMs;
  }

  status(): ProcessStatus {
    return { ...this.#status };
  }

  #set(patch: Partial<ProcessStatus>): void {
    const changedState = patch.state !== undefined && patch.state !== this.#status.state;
    this.#status = { ...this.#status, ...patch, ...(changedState ? { since: new Date().toISOString() } : {}) };
    this.#o.onChange();
  }

  async start(): Promise<void> {
    this.#stopping = false;
    await this.#killLeftovers();
    this.#spawn();
  }

  /** Kills what a previous, crashed daemon may have left running with this instance's files. */
  async #killLeftovers(): Promise<void> {
    const groups: number[] = [];
    try {
      const pid = Number(readFileSync(join(this.#o.runDir, 'samba.pid'), 'utf8').trim());
      if (pid > 1 && isAlive(pid) && readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('samba')) groups.push(pid);
    } catch {
      /* no pid file */
    }
    const left = instanceProcesses(this.#o.smbConf, groups);
    if (left.length > 0) {
      this.#o.log.warn({ count: left.length }, 'stopping samba processes left by a previous run');
      await terminateAll(left);
    }
  }

  #spawn(): void {
    mkdirSync(this.#o.logDir, { recursive: true });
    const out = openSync(join(this.#o.logDir, 'samba.out'), 'a');
    let child: ChildProcess;
    try {
      child = spawnDaemon(this.#o.command ?? 'samba', ['-i', '-s', this.#o.smbConf], {
        stdio: ['pipe', out, out],
        detached: true,
      });
    } finally {
      closeSync(out);
    }
    this.#child = child;
    this.#startedAt = Date.now();
    child.stdin?.on('error', () => {});
    this.#set({ state: 'starting', pid: child.pid ?? null });
    this.#o.log.info({ pid: child.pid }, 'samba started');
    this.#exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.#o.log.error({ err: err.message }, 'samba could not be started');
        this.#onExit(child, null, null, `samba n’a pas pu être lancé : ${err.message}`);
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.#onExit(child, code, signal, null);
        resolve();
      });
    });
  }

  /** Called by DcService when LDAPS answers: the process is not only alive but serving. */
  markServing(): void {
    if (this.#status.state === 'starting') this.#set({ state: 'running' });
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, error: string | null): void {
    if (this.#child !== child) return;
    this.#child = null;
    if (this.#stopping) {
      this.#set({ state: 'stopped', pid: null });
      return;
    }
    const ranMs = Date.now() - this.#startedAt;
    this.#delay = ranMs >= this.#o.restart.stableAfterMs ? this.#o.restart.initialDelayMs : this.#delay;
    const why = error ?? (signal ? `samba s’est arrêté (signal ${signal})` : `samba s’est arrêté (code ${code})`);
    this.#o.log.error({ code, signal, ranMs, retryInMs: this.#delay }, 'samba exited unexpectedly, restarting');
    this.#set({ state: 'restarting', pid: null, restarts: this.#status.restarts + 1, lastError: why });
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#o.restart.maxDelayMs);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#stopping) return;
      void this.#killLeftovers().then(() => {
        if (!this.#stopping) this.#spawn();
      });
    }, delay);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const child = this.#child;
    if (child?.pid) {
      child.stdin?.end(); // EOF on stdin: samba's own clean shutdown
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      // the race timers are cancelled once settled: a pending timer would keep the process alive
      const timers = new AbortController();
      const timeout = sleep(5000, timers.signal).then(() => 'timeout' as const);
      const outcome = await Promise.race([this.#exited.then(() => 'exited' as const), timeout]);
      if (outcome === 'timeout') {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await Promise.race([this.#exited, sleep(2000, timers.signal)]);
      }
      timers.abort();
    }
    // smbd, winbindd and the RPC helpers live in their own process groups
    await terminateAll(instanceProcesses(this.#o.smbConf, child?.pid ? [child.pid] : []));
    this.#child = null;
    this.#set({ state: 'stopped', pid: null });
  }

  async restart(): Promise<void> {
    await this.stop();
    this.#delay = this.#o.restart.initialDelayMs;
    await this.start();
  }
}
