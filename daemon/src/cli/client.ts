import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigFile } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { runtimeFile } from './run.ts';
import { DEMO_DEFAULT_DIR } from './demo.ts';

export interface Target {
  url: string;
  token: string | undefined;
  dataDir: string | undefined;
}

/**
 * Where the running daemon is and how to authenticate to it: --url, or the runtime file of the
 * data directory (--config or --data, the demo's by default); the token comes from $TROUSSE_TOKEN,
 * or the demo's credentials.json.
 */
export function resolveTarget(opts: { url?: string; config?: string; data?: string }): Target {
  let url = opts.url;
  let dataDir: string | undefined;
  if (opts.config) dataDir = loadConfigFile(opts.config).dataDir;
  else if (!url) dataDir = resolve(opts.data ?? DEMO_DEFAULT_DIR);
  let token = process.env.TROUSSE_TOKEN || undefined;
  if (dataDir) {
    try {
      url ??= (JSON.parse(readFileSync(runtimeFile(dataDir), 'utf8')) as { url: string }).url;
    } catch {
      throw new AppError('NO_DAEMON', `Aucun démon Trousse en marche pour ${dataDir} (fichier ${runtimeFile(dataDir)} absent).`);
    }
    if (!token) {
      try {
        token = (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { apiToken?: string }).apiToken;
      } catch {
        /* no demo credentials */
      }
    }
  }
  return { url: url as string, token, dataDir };
}

/** Calls the daemon's API; errors become AppErrors carrying the daemon's French message. */
export async function callApi<T>(target: Target, method: string, path: string, body?: unknown): Promise<T> {
  if (!target.token) {
    throw new AppError('NO_TOKEN', 'Aucun jeton d’API : créez-en un dans la console (Paramètres) et passez-le dans la variable TROUSSE_TOKEN.');
  }
  let r: Response;
  try {
    r = await fetch(new URL(`/api/v1${path}`, target.url), {
      method,
      headers: { authorization: `Bearer ${target.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    throw new AppError('NO_DAEMON', `Le démon ne répond pas à ${target.url} : ${(err as Error).message}`);
  }
  if (r.status === 204) return undefined as T;
  const payload = (await r.json().catch(() => ({}))) as { message?: string; code?: string };
  if (!r.ok) throw new AppError(payload.code ?? `HTTP_${r.status}`, payload.message ?? `Erreur ${r.status}`, r.status);
  return payload as T;
}
