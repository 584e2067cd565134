import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { Agent, request } from 'undici';
import type { Journal } from '../core/journal.ts';
import type { Logger } from '../core/logger.ts';
import type { Outbox, OutboxRow, OutboxTarget } from '../core/outbox.ts';
import { errorMessage } from '../core/errors.ts';
import type { HubConnection } from './settings.ts';

/**
 * Delivers the outbox: the head of each stream, one at a time per stream (order kept), a few
 * streams at once. Accepted (2xx) → deleted; refused for good (400, 413, 415, 422) → set aside
 * for the administrator; anything else → retried with exponential backoff and jitter
 * (honouring Retry-After), for as long as it takes.
 */

export interface DeliveryOptions {
  outbox: Outbox;
  log: Logger;
  journal: Journal;
  connection: () => HubConnection;
  version: string;
  uai: string;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  concurrency?: number;
  random?: () => number;
}

const PERMANENT = new Set([400, 413, 415, 422]);
const MAX_REPLY = 64 * 1024;

export interface AttemptResult {
  ok: boolean;
  reject: boolean;
  message: string;
  retryAfterMs: number | null;
}

/** Backoff before attempt n+1 after n failures: base·2^(n-1), capped, with "equal jitter" (½ fixed, ½ random). */
export function backoffMs(failures: number, base: number, max: number, random: () => number = Math.random): number {
  const exp = Math.min(max, base * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export function glpiEndpoint(url: string): string {
  return /\.php$/i.test(url) || /\/plugins\/fusioninventory\/?$/.test(url) ? url : `${url}/front/inventory.php`;
}

function retryAfter(value: string | string[] | undefined): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return Math.min(s, 86_400) * 1000;
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : null;
}

const WHO: Record<OutboxTarget, string> = { hub: 'Le hub départemental', glpi: 'Le GLPI du département' };

function statusMessage(target: OutboxTarget, status: number, detail: string): string {
  const who = WHO[target];
  const d = detail ? ` (${detail.slice(0, 300)})` : '';
  if (status === 401) return `${who} refuse le jeton (401) : vérifiez le jeton dans Parc › Remontée.`;
  if (status === 403) return `${who} refuse l’accès (403) : le jeton ou le certificat ne correspond pas à cet établissement.`;
  if (status === 404) return `${who} ne connaît pas cette adresse (404) : vérifiez l’adresse dans Parc › Remontée.`;
  if (status === 429) return `${who} demande d’attendre (429) : nouvel essai plus tard.`;
  if (status === 413) return `${who} refuse ce rapport : trop volumineux (413).`;
  if (PERMANENT.has(status)) return `${who} refuse ce rapport (${status})${d}.`;
  if (status >= 500) return `${who} est en difficulté (erreur ${status}) : nouvel essai plus tard.`;
  return `${who} a répondu ${status}${d}.`;
}

function networkMessage(target: OutboxTarget, err: unknown): string {
  const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code ?? '';
  const who = WHO[target];
  if (code === 'ECONNREFUSED') return `${who} ne répond pas (connexion refusée) : nouvel essai plus tard.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${who} est introuvable (nom inconnu) : vérifiez l’adresse et la connexion à Internet.`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT')
    return `${who} ne répond pas à temps : la connexion est peut-être coupée ou très lente.`;
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT')
    return `Connexion sécurisée impossible avec ${who.toLowerCase().replace(/^le /, 'le ')} (${code}) : vérifiez le certificat de l’autorité.`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `${who} a coupé la connexion avant de répondre : nouvel essai plus tard.`;
  return `${who} est injoignable (${code || errorMessage(err)}) : nouvel essai plus tard.`;
}

/** GLPI answers 200 with {"status":"error"} or <ERROR> when it refuses an inventory. */
function glpiRefusal(text: string): string | null {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as { status?: string; message?: string };
      if (j.status === 'error') return j.message ?? 'erreur';
    } catch {
      return null;
    }
  }
  const m = /<ERROR>([\s\S]*?)<\/ERROR>/i.exec(t);
  return m ? (m[1] ?? 'erreur') : null;
}

export class Delivery {
  readonly #o: DeliveryOptions;
  readonly #inFlight = new Map<string, AbortController>();
  readonly #random: () => number;
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #agent: Agent | null = null;
  #agentKey = '';
  #failing: Record<OutboxTarget, boolean> = { hub: false, glpi: false };
  #unsubscribe: (() => void) | null = null;
  #idle: (() => void)[] = [];

  constructor(o: DeliveryOptions) {
    this.#o = o;
    this.#random = o.random ?? Math.random;
  }

  start(): void {
    this.#running = true;
    this.#unsubscribe = this.#o.outbox.onQueued(() => this.pump());
    this.pump();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const c of this.#inFlight.values()) c.abort();
    if (this.#inFlight.size > 0) await new Promise<void>((r) => this.#idle.push(r));
    await this.#agent?.close().catch(() => {});
    this.#agent = null;
  }

  /** Sends whatever is due now and arms a timer for the next one. */
  pump(): void {
    if (!this.#running) return;
    const free = (this.#o.concurrency ?? 4) - this.#inFlight.size;
    if (free > 0) {
      for (const row of this.#o.outbox.due(Date.now(), free + this.#inFlight.size)) {
        if (this.#inFlight.size >= (this.#o.concurrency ?? 4)) break;
        if (this.#inFlight.has(row.stream)) continue;
        const ctl = new AbortController();
        this.#inFlight.set(row.stream, ctl);
        void this.#deliver(row, ctl.signal).finally(() => {
          this.#inFlight.delete(row.stream);
          if (this.#inFlight.size === 0) for (const r of this.#idle.splice(0)) r();
          this.pump();
        });
      }
    }
    this.#arm();
  }

  #arm(): void {
    if (!this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const next = this.#o.outbox.nextDueAt();
    if (next === null) return;
    const wait = Math.min(60_000, Math.max(50, next - Date.now()));
    this.#timer = setTimeout(() => this.pump(), wait);
    this.#timer.unref();
  }

  #dispatcher(c: HubConnection): Agent {
    const key = `${c.cert ?? ''}|${c.key ?? ''}|${c.ca ?? ''}`;
    if (!this.#agent || key !== this.#agentKey) {
      void this.#agent?.close().catch(() => {});
      this.#agent = new Agent({
        connect: { timeout: this.#o.timeoutMs, ...(c.ca ? { ca: c.ca } : {}), ...(c.cert && c.key ? { cert: c.cert, key: c.key } : {}) },
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
        keepAliveTimeout: 10_000,
      });
      this.#agentKey = key;
    }
    return this.#agent;
  }

  /** One attempt for one message: what the receiver said, in French, and whether to retry. */
  async #attempt(row: Pick<OutboxRow, 'target' | 'idempotencyKey' | 'contentType' | 'headers' | 'body' | 'attempts'>, signal: AbortSignal): Promise<AttemptResult> {
    const c = this.#o.connection();
    const base = row.target === 'hub' ? c.url : c.glpiUrl;
    if (!base) return { ok: false, reject: false, message: `${WHO[row.target]} n’est pas configuré : renseignez son adresse dans Parc › Remontée.`, retryAfterMs: 15 * 60_000 };
    const url = row.target === 'hub' ? `${base}/reports` : glpiEndpoint(base);
    const headers: Record<string, string> = {
      'content-type': row.contentType,
      'user-agent': `Trousse/${this.#o.version}`,
      ...row.headers,
    };
    if (row.target === 'hub') {
      headers['idempotency-key'] = row.idempotencyKey;
      headers['x-trousse-uai'] = this.#o.uai;
      headers['x-trousse-attempt'] = String(row.attempts + 1);
      if (c.token) headers.authorization = `Bearer ${c.token}`;
    } else headers.pragma = 'no-cache';
    try {
      const res = await request(url, { method: 'POST', headers, body: row.body, dispatcher: this.#dispatcher(c), signal });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size <= MAX_REPLY) chunks.push(chunk as Buffer);
      }
      const text = replyText(Buffer.concat(chunks), res.headers['content-type']);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        if (row.target === 'glpi') {
          const refusal = glpiRefusal(text);
          if (refusal) return { ok: false, reject: true, message: `Le GLPI du département refuse cet inventaire : ${refusal.slice(0, 300)}`, retryAfterMs: null };
        }
        return { ok: true, reject: false, message: 'ok', retryAfterMs: null };
      }
      let detail = '';
      try {
        const j = JSON.parse(text) as { message?: unknown };
        if (typeof j.message === 'string') detail = j.message;
      } catch {
        detail = '';
      }
      return {
        ok: false,
        reject: PERMANENT.has(res.statusCode),
        message: statusMessage(row.target, res.statusCode, detail),
        retryAfterMs: res.statusCode === 429 || res.statusCode === 503 ? retryAfter(res.headers['retry-after']) : null,
      };
    } catch (err) {
      if (signal.aborted) return { ok: false, reject: false, message: 'Envoi interrompu (arrêt du service).', retryAfterMs: 0 };
      return { ok: false, reject: false, message: networkMessage(row.target, err), retryAfterMs: null };
    }
  }

  async #deliver(row: OutboxRow, signal: AbortSignal): Promise<void> {
    const r = await this.#attempt(row, signal);
    if (signal.aborted && !r.ok) return; // stopping: the message stays as it was, same key next time
    if (r.ok) {
      this.#o.outbox.delivered(row);
      if (this.#failing[row.target]) {
        this.#failing[row.target] = false;
        this.#o.journal.record('info', 'hub', 'hub.recovered', `${WHO[row.target]} reçoit de nouveau les rapports.`);
      }
      return;
    }
    const failures = row.attempts + 1;
    const wait = Math.max(backoffMs(failures, this.#o.retryBaseMs, this.#o.retryMaxMs, this.#random), r.retryAfterMs ?? 0);
    this.#o.outbox.failed(row, r.message, { reject: r.reject, nextAttemptAt: Date.now() + wait });
    if (r.reject) {
      this.#o.journal.record('warn', 'hub', 'hub.rejected', `${row.label} (n° ${row.seq}) mis de côté : ${r.message}`);
    } else if (!this.#failing[row.target]) {
      this.#failing[row.target] = true;
      this.#o.journal.record('warn', 'hub', 'hub.failing', `${r.message} Les rapports attendent dans la file d’envoi.`);
    }
    this.#o.log.debug({ target: row.target, stream: row.stream, seq: row.seq, failures, waitMs: wait }, 'delivery failed');
  }
}

/** GLPI compresses its reply like the request. */
function replyText(raw: Buffer, contentType: string | string[] | undefined): string {
  const ct = String(contentType ?? '').toLowerCase();
  try {
    if (ct.includes('zlib')) return inflateSync(raw, { maxOutputLength: MAX_REPLY }).toString('utf8');
    if (ct.includes('gzip')) return gunzipSync(raw, { maxOutputLength: MAX_REPLY }).toString('utf8');
    if (ct.includes('deflate')) return inflateRawSync(raw, { maxOutputLength: MAX_REPLY }).toString('utf8');
  } catch {
    return '';
  }
  return raw.toString('utf8');
}
