import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrousseConfig } from '../core/config.ts';
import { StartupError, errorMessage } from '../core/errors.ts';
import { buildApp, type TrousseApp } from '../app.ts';

export interface RunningDaemon {
  trousse: TrousseApp;
  url: string;
  /** Resolves when the daemon has stopped (after a signal or a fatal error). */
  stopped: Promise<number>;
  stop(): Promise<void>;
}

/** Where a running daemon says who it is, for `trousse status`. */
export function runtimeFile(dataDir: string): string {
  return join(dataDir, 'run', 'daemon.json');
}

/**
 * Builds the app, listens, then starts the services (so /readyz can report the progress), and
 * wires signals: SIGINT/SIGTERM drain and stop everything in reverse order; a second signal exits at once.
 */
export async function runDaemon(
  config: TrousseConfig,
  hooks: { beforeStart?: (t: TrousseApp) => Promise<void>; afterStart?: (t: TrousseApp, url: string) => Promise<void> } = {},
): Promise<RunningDaemon> {
  const trousse = await buildApp(config);
  const { app, log } = trousse;
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await trousse.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new StartupError(
        'PORT_IN_USE',
        `Le port ${config.http.port} est déjà utilisé sur ${config.http.host} : un autre Trousse (ou un autre programme) tourne déjà. Arrêtez-le ou choisissez un autre port (http.port, ou --port).`,
      );
    }
    if (code === 'EADDRNOTAVAIL') throw new StartupError('HOST_UNAVAILABLE', `L’adresse ${config.http.host} n’existe pas sur cette machine (http.host).`);
    throw new StartupError('LISTEN_FAILED', `Impossible d’écouter sur ${config.http.host}:${config.http.port} : ${errorMessage(err)}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((r) => {
    resolveStopped = r;
  });
  let stopping: Promise<void> | null = null;
  const runtime = runtimeFile(config.dataDir);
  const stop = (code = 0): Promise<void> => {
    stopping ??= (async () => {
      log.info('stopping');
      try {
        await trousse.close();
      } catch (err) {
        log.error({ err: errorMessage(err) }, 'error while stopping');
      }
      rmSync(runtime, { force: true });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveStopped(code);
    })();
    return stopping;
  };
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log.warn({ sig }, 'second signal: exiting now');
      process.exit(130);
    }
    log.info({ sig }, 'signal received, draining');
    void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  mkdirSync(join(config.dataDir, 'run'), { recursive: true });
  writeFileSync(runtime, `${JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() })}\n`);
  log.info({ url }, 'listening');

  try {
    await hooks.beforeStart?.(trousse);
    await trousse.start();
    await hooks.afterStart?.(trousse, url);
  } catch (err) {
    await stop(1);
    throw err;
  }
  return { trousse, url, stopped, stop: () => stop(0) };
}
