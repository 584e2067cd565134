import { run } from '../core/exec.ts';
import type { Logger } from '../core/logger.ts';
import type { DcProcessDriver, ProcessStatus, ProcessState } from './supervisor.ts';

/**
 * Unmanaged mode (`dc.managed: false`): the system's samba unit runs the DC and systemd restarts
 * it; Trousse reads its state and can ask for a restart. With `serviceName: null`, samba is run
 * by someone else entirely and Trousse only watches LDAPS (the test harness uses this).
 */
export class SystemdDriver implements DcProcessDriver {
  readonly managed = false;
  readonly #unit: string | null;
  readonly #log: Logger;
  readonly #onChange: () => void;
  readonly #systemctl: string;
  #status: ProcessStatus = { state: 'starting', pid: null, since: new Date().toISOString(), restarts: 0, lastError: null };

  constructor(unit: string | null, log: Logger, onChange: () => void, systemctl = 'systemctl') {
    this.#unit = unit;
    this.#log = log;
    this.#onChange = onChange;
    this.#systemctl = systemctl;
  }

  status(): ProcessStatus {
    return { ...this.#status };
  }

  async start(): Promise<void> {
    if (!this.#unit) return;
    const r = await run(this.#systemctl, ['start', this.#unit], { timeoutMs: 90_000 });
    if (r.code !== 0) this.#update('failed', `systemctl start ${this.#unit} : ${r.stderr.trim()}`);
    await this.refresh();
  }

  /** The system's DC is not Trousse's to stop when the daemon stops. */
  async stop(): Promise<void> {}

  async restart(): Promise<void> {
    if (!this.#unit) return;
    this.#update('restarting', null);
    const r = await run(this.#systemctl, ['restart', this.#unit], { timeoutMs: 90_000 });
    if (r.code !== 0) this.#update('failed', `systemctl restart ${this.#unit} : ${r.stderr.trim()}`);
    this.#status.restarts++;
    await this.refresh();
  }

  /** Reads the unit's state; `serving` tells whether LDAPS answered at the last check. */
  async refresh(serving?: boolean): Promise<void> {
    if (!this.#unit) {
      if (serving !== undefined) this.#update(serving ? 'running' : 'failed', serving ? null : 'Le contrôleur de domaine ne répond pas en LDAPS.');
      return;
    }
    const r = await run(this.#systemctl, ['show', this.#unit, '--property=ActiveState,MainPID'], { timeoutMs: 10_000 });
    const props = Object.fromEntries(
      r.stdout
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const active = props.ActiveState ?? 'unknown';
    const map: Record<string, ProcessState> = {
      active: serving === false ? 'starting' : 'running',
      activating: 'starting',
      reloading: 'running',
      deactivating: 'restarting',
      inactive: 'stopped',
      failed: 'failed',
    };
    const pid = Number(props.MainPID) || null;
    this.#status.pid = pid;
    this.#update(map[active] ?? 'failed', active === 'failed' ? `Le service ${this.#unit} est en échec (journalctl -u ${this.#unit}).` : null);
  }

  #update(state: ProcessState, error: string | null): void {
    if (state === this.#status.state && error === null) return;
    if (state !== this.#status.state) this.#status.since = new Date().toISOString();
    this.#status.state = state;
    if (error) {
      this.#status.lastError = error;
      this.#log.warn({ unit: this.#unit, error }, 'DC service state');
    }
    this.#onChange();
  }
}
