import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
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

/** A request body: JSON, or a file streamed as raw bytes. */
export type RequestBody = { json: unknown } | { stream: Readable; length: number };

/**
 * Calls the daemon's API and returns the raw answer (files: CSV, PDF); errors become AppErrors
 * carrying the daemon's French message.
 */
export async function callRaw(target: Target, method: string, path: string, body?: RequestBody, timeoutMs = 10 * 60_000): Promise<Buffer> {
  if (!target.token) {
    throw new AppError('NO_TOKEN', 'Aucun jeton d’API : créez-en un dans la console (Paramètres) et passez-le dans la variable TROUSSE_TOKEN.');
  }
  const headers: Record<string, string> = { authorization: `Bearer ${target.token}` };
  let payload: RequestInit['body'];
  if (body && 'stream' in body) {
    headers['content-type'] = 'application/octet-stream';
    headers['content-length'] = String(body.length);
    payload = Readable.toWeb(body.stream) as ReadableStream;
  } else if (body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  }
  let r: Response;
  try {
    r = await fetch(new URL(`/api/v1${path}`, target.url), {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body && 'stream' in body ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (err) {
    throw new AppError('NO_DAEMON', `Le démon ne répond pas à ${target.url} : ${(err as Error).message}`);
  }
  const buf = Buffer.from(await r.arrayBuffer());
  if (!r.ok) {
    let error: { code?: string; message?: string } = {};
    try {
      error = JSON.parse(buf.toString('utf8')) as typeof error;
    } catch {
      /* not JSON */
    }
    throw new AppError(error.code ?? `HTTP_${r.status}`, error.message ?? `Erreur ${r.status}`, r.status);
  }
  return buf;
}

/** Calls the daemon's API with JSON; errors become AppErrors carrying the daemon's French message. */
export async function callApi<T>(target: Target, method: string, path: string, body?: unknown): Promise<T> {
  const buf = await callRaw(target, method, path, body === undefined ? undefined : { json: body }, 60_000);
  return (buf.length === 0 ? undefined : JSON.parse(buf.toString('utf8'))) as T;
}
