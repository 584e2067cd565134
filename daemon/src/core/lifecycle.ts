import type { Logger } from './logger.ts';
import type { EventBus } from './events.ts';
import { errorMessage } from './errors.ts';

/**
 * A capability (or a core part) with I/O. The constructor only stores its dependencies;
 * start() does the I/O and may be aborted; stop() undoes what start() did and never throws.
 */
export interface Service {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts services in the order they were added and stops them in reverse order.
 * A failed start stops what had already started, then rethrows.
 */
export class Lifecycle {
  readonly #services: Service[] = [];
  readonly #started: Service[] = [];
  readonly #log: Logger;
  readonly #bus: EventBus;
  readonly #stopTimeoutMs: number;
  #stopping: Promise<void> | null = null;

  constructor(log: Logger, bus: EventBus, stopTimeoutMs = 15_000) {
    this.#log = log;
    this.#bus = bus;
    this.#stopTimeoutMs = stopTimeoutMs;
  }

  add(service: Service): void {
    this.#services.push(service);
  }

  /** Names of the services added but not (yet) started. */
  pending(): string[] {
    return this.#services.filter((s) => !this.#started.includes(s)).map((s) => s.name);
  }

  get allStarted(): boolean {
    return this.#started.length === this.#services.length && this.#stopping === null;
  }

  async startAll(signal: AbortSignal): Promise<void> {
    for (const service of this.#services) {
      if (signal.aborted) throw signal.reason ?? new Error('start aborted');
      const t0 = performance.now();
      try {
        await service.start(signal);
      } catch (err) {
        this.#log.error({ service: service.name, err: errorMessage(err) }, 'service failed to start');
        await this.stopAll();
        throw err;
      }
      this.#started.push(service);
      this.#log.info({ service: service.name, ms: Math.round(performance.now() - t0) }, 'service started');
      this.#bus.emit('service.started', { name: service.name });
    }
  }

  /** Stops started services in reverse order; idempotent; each stop is bounded in time. */
  stopAll(): Promise<void> {
    this.#stopping ??= (async () => {
      while (this.#started.length > 0) {
        const service = this.#started.pop() as Service;
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            service.stop(),
            new Promise<void>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`stop timed out after ${this.#stopTimeoutMs} ms`)), this.#stopTimeoutMs);
            }),
          ]);
          this.#log.info({ service: service.name }, 'service stopped');
        } catch (err) {
          this.#log.error({ service: service.name, err: errorMessage(err) }, 'service failed to stop cleanly');
        } finally {
          clearTimeout(timer);
        }
        this.#bus.emit('service.stopped', { name: service.name });
      }
    })();
    return this.#stopping;
  }
}
