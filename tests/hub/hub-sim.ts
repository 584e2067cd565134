/**
 * Simulators of the departmental hub (daemon/src/hub/hub.openapi.json, POST /reports) and of a
 * département's GLPI server (shared/docs/formats.md §2.4, POST /front/inventory.php), written
 * from the contracts only (independent of the daemon's sender), for tests, benchmarks and the demo.
 *
 * HubSim answers as the contract says (checks in this order): 404 (not POST /reports), failNext,
 * 401 (bearer token), 400 (Idempotency-Key missing or not a UUID, X-Trousse-UAI missing or
 * malformed, X-Trousse-Attempt not an integer ≥ 1), 415 (Content-Type not application/json,
 * Content-Encoding not gzip), 413 (over 50 MB, compressed or not), 400 (not gzip, not UTF-8, not
 * JSON), 403 (body.school.uai ≠ X-Trousse-UAI), 422 (Report schema, formats date-time and uuid
 * checked), replay of an accepted key → 200 {status:'ok',duplicate:true} (not stored again), key
 * reused with another body → 422, else stored and 200 {status:'ok'}. Errors carry a Problem body
 * {message, code}. Keys are compared on the parsed body (key order does not matter).
 *
 * CLI: node tests/hub/hub-sim.ts --port 8090 [--host 127.0.0.1] [--token X] [--glpi-port 8091] [--delay ms]
 * prints one JSON line {"ready":true,"hub":URL,"glpi":URL|null}, then one JSON line per received
 * report {"event":"report","kind","sequence","key","uai","attempt"} (+ "dropped":true when stored
 * but dropped by dropNext), per replay {"event":"duplicate","key","attempt"}, per GLPI inventory
 * {"event":"glpi","deviceId","format","compression"}; refusals go to stderr. Runs until SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import zlib from 'node:zlib';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SaxesParser, type SaxesTagPlain } from 'saxes';

export interface ReceivedReport {
  key: string;
  attempt: number | null;
  uai: string;
  // biome-ignore lint/suspicious/noExplicitAny: the parsed Report
  body: any;
  at: number;
}

export interface HubSimOptions {
  /** 0 = free port (default); a fixed port lets a test stop and start again on the same address. */
  port?: number;
  host?: string; // default '127.0.0.1'
  /** Required bearer token; null = no auth (default). Ignored by GlpiSim. */
  token?: string | null;
  /** PEM strings; requestCert: a client certificate is required and checked against ca. */
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean };
}

export interface GlpiInventory {
  deviceId: string;
  agentId: string | null;
  format: 'json' | 'xml';
  /** 'zlib' | 'gzip' | 'deflate' | 'br' | 'none' */
  compression: string;
  /** The request's Content-Type, as sent. */
  contentType: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, or the XML text
  body: any;
}

/** Largest body accepted, compressed and decompressed. */
const MAX_BYTES = 50 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UAI = /^[0-9]{7}[A-Z]$/;
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;

// ---------------------------------------------------------------- schemas

let reportValidator: ValidateFunction | null = null;
let glpiValidator: ValidateFunction | null = null;

function readJson(rel: string): unknown {
  return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));
}

/** components.schemas.Report of the OpenAPI 3.1 contract (JSON Schema 2020-12). */
function validateReport(): ValidateFunction {
  if (reportValidator) return reportValidator;
  const doc = readJson('../../daemon/src/hub/hub.openapi.json') as { components: unknown };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))) });
  ajv.addFormat('uuid', UUID);
  const id = 'https://trousse.invalid/hub.openapi.json';
  ajv.addSchema({ $id: id, components: doc.components });
  const v = ajv.getSchema(`${id}#/components/schemas/Report`);
  if (!v) throw new Error('hub.openapi.json: components.schemas.Report not found');
  reportValidator = v;
  return v;
}

/** The official GLPI inventory schema (draft-07). */
function validateGlpi(): ValidateFunction {
  if (glpiValidator) return glpiValidator;
  const schema = readJson('../../daemon/src/inventory/glpi-format/inventory.schema.json') as object;
  glpiValidator = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);
  return glpiValidator;
}

function errorsText(errors: ErrorObject[] | null | undefined): string {
  const list = (errors ?? []).slice(0, 20).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
      : e.keyword === 'enum' || e.keyword === 'const' ? ` (${JSON.stringify(e.params)})` : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
  return list.join('; ') || 'invalid';
}

/** JSON with sorted object keys: equal for two parses of the same document. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

// ---------------------------------------------------------------- HTTP helpers

function header(req: http.IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

function mediaType(req: http.IncomingMessage): string {
  return (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The whole body, or null when it exceeds cap (the rest is drained). */
function readBody(req: http.IncomingMessage, cap: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > cap) over = true;
      if (!over) chunks.push(d);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

type Codec = 'zlib' | 'gzip' | 'deflate' | 'br' | 'none';

/** Decompresses with the size cap; throws 'too large' (413) or 'bad data' (400) errors. */
function decompress(buf: Buffer, codec: Codec): Promise<Buffer> {
  if (codec === 'none') return Promise.resolve(buf);
  const opts = { maxOutputLength: MAX_BYTES };
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) reject(new HttpError(413, `decompressed body over ${MAX_BYTES} bytes`));
      else reject(new HttpError(400, `body is not valid ${codec} data: ${err.message}`));
    };
    if (codec === 'gzip') zlib.gunzip(buf, opts, done);
    else if (codec === 'zlib') zlib.inflate(buf, opts, done);
    else if (codec === 'br') zlib.brotliDecompress(buf, opts, done);
    // deflate: raw (PHP gzinflate), or zlib-wrapped as some clients send it.
    else zlib.inflateRaw(buf, opts, (err, out) => (err ? zlib.inflate(buf, opts, done) : resolve(out)));
  });
}

function compress(buf: Buffer, codec: Codec): Buffer {
  if (codec === 'gzip') return zlib.gzipSync(buf);
  if (codec === 'zlib') return zlib.deflateSync(buf);
  if (codec === 'deflate') return zlib.deflateRawSync(buf);
  if (codec === 'br') return zlib.brotliCompressSync(buf);
  return buf;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const XML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };
const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => XML_ENTITIES[c] ?? c);

// ---------------------------------------------------------------- common server

abstract class SimServer {
  readonly host: string;
  /** Latency before every answer (and before dropping a connection). */
  delayMs = 0;
  protected readonly name: string;
  private _port: number;
  private readonly tlsOpts: HubSimOptions['tls'] | null;
  private server: http.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly sleeps = new Map<NodeJS.Timeout, (ok: boolean) => void>();
  private failLeft = 0;
  private failStatus = 503;
  private failRetryAfter: number | null = null;

  constructor(name: string, opts: HubSimOptions) {
    this.name = name;
    this.host = opts.host ?? '127.0.0.1';
    this._port = opts.port ?? 0;
    this.tlsOpts = opts.tls ?? null;
  }

  /** The bound port (the requested one before the first start). Kept for later restarts. */
  get port(): number { return this._port; }

  get url(): string {
    const h = this.host === '0.0.0.0' ? '127.0.0.1' : this.host === '::' ? '::1' : this.host;
    return `${this.tlsOpts ? 'https' : 'http'}://${h.includes(':') ? `[${h}]` : h}:${this._port}`;
  }

  async start(): Promise<void> {
    if (this.server) throw new Error(`${this.name}: already started`);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res);
    const t = this.tlsOpts;
    const server: http.Server = t
      ? https.createServer({ cert: t.cert, key: t.key, ca: t.ca, requestCert: t.requestCert === true, rejectUnauthorized: t.requestCert === true }, handler)
      : http.createServer(handler);
    server.on('connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('tlsClientError', () => {});
    server.on('clientError', (_err, s: net.Socket) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {});
    this.server = server;
    const addr = server.address();
    if (addr && typeof addr === 'object') this._port = addr.port;
  }

  /** Closes the listener, destroys the open connections, cuts the pending delays. Data are kept. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const [timer, resolve] of this.sleeps) {
      clearTimeout(timer);
      resolve(false);
    }
    this.sleeps.clear();
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Answers the next n requests on the endpoint with this status (Retry-After when given), before any check but the path. */
  failNext(n: number, status = 503, retryAfterSeconds?: number): void {
    this.failLeft = Math.max(0, Math.floor(n));
    this.failStatus = status;
    this.failRetryAfter = retryAfterSeconds ?? null;
  }

  /** Polls pred every 10 ms; rejects with a description of the state after timeoutMs. */
  waitFor(pred: (s: this) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const tick = () => {
        let ok: boolean;
        try {
          ok = pred(this);
        } catch (err) {
          reject(err);
          return;
        }
        if (ok) resolve();
        else if (Date.now() >= deadline) reject(new Error(`${this.name}.waitFor: condition not met within ${timeoutMs} ms (${this.describe()})`));
        else setTimeout(tick, 10);
      };
      tick();
    });
  }

  protected abstract describe(): string;
  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;

  protected takeFailure(): { status: number; retryAfter: number | null } | null {
    if (this.failLeft <= 0) return null;
    this.failLeft--;
    return { status: this.failStatus, retryAfter: this.failRetryAfter };
  }

  /** Resolves true after ms, false at once if the simulator stops first. */
  protected sleep(ms: number): Promise<boolean> {
    if (!this.server) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        resolve(true);
      }, ms);
      this.sleeps.set(timer, resolve);
    });
  }

  /** Answers after delayMs (nothing if the simulator stopped meanwhile). */
  protected async send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): Promise<void> {
    if (!(await this.sleep(this.delayMs)) || res.destroyed) return;
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, { ...headers, 'content-length': String(data.length) });
    res.end(data);
  }

  /** Destroys the connection without answering, after delayMs. */
  protected async drop(req: http.IncomingMessage): Promise<void> {
    await this.sleep(this.delayMs);
    req.socket.destroy();
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.handle(req, res).catch(() => req.socket.destroy());
  }
}

// ---------------------------------------------------------------- hub

export class HubSim extends SimServer {
  /** Accepted reports, in arrival order, each Idempotency-Key once. */
  readonly reports: ReceivedReport[] = [];
  /** Every request with the status answered (0 = connection dropped without an answer). */
  readonly requests: { key: string | null; status: number; attempt: number | null }[] = [];
  /** Replays of an accepted key answered 200 {status:'ok', duplicate:true}. */
  duplicates = 0;
  /** Requests refused by the contract checks (not the failNext ones). */
  readonly invalid: { status: number; message: string }[] = [];
  /** CN of the client certificates seen (tls mode), each once, in order of first appearance. */
  clientCertSubjects: string[] = [];
  private readonly token: string | null;
  private readonly keys = new Map<string, string>(); // accepted Idempotency-Key → canonical body
  private dropLeft = 0;

  constructor(opts: HubSimOptions = {}) {
    super('HubSim', opts);
    this.token = opts.token ?? null;
  }

  /**
   * The next n requests that pass every check are stored (when new) and their connection is
   * destroyed without an answer (replays included: dropNext(2) drops a report and its first retry).
   */
  dropNext(n: number): void {
    this.dropLeft = Math.max(0, Math.floor(n));
  }

  byKind(kind: string): ReceivedReport[] {
    return this.reports.filter((r) => r.body?.kind === kind);
  }

  protected describe(): string {
    const last = this.requests.slice(-5).map((r) => r.status).join(',');
    return `${this.reports.length} reports, ${this.requests.length} requests (last statuses: ${last || 'none'}), ${this.duplicates} duplicates, ${this.invalid.length} invalid${this.invalid.length ? `, last: ${this.invalid.at(-1)?.status} ${this.invalid.at(-1)?.message}` : ''}`;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const key = header(req, 'idempotency-key');
    const attemptRaw = header(req, 'x-trousse-attempt');
    const attempt = attemptRaw !== null && /^\s*[1-9][0-9]{0,8}\s*$/.test(attemptRaw) ? Number(attemptRaw) : null;
    this.noteClientCert(req);
    const raw = await readBody(req, MAX_BYTES);
    const json = (status: number, body: object, headers: Record<string, string> = {}) => {
      this.requests.push({ key, status, attempt });
      return this.send(res, status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
    };
    const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
      this.invalid.push({ status, message });
      return json(status, { message, code }, headers);
    };

    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'POST' || path !== '/reports') return refuse(404, 'not_found', `no such endpoint: ${req.method} ${path} (POST /reports only)`);
    const fail = this.takeFailure();
    if (fail) return json(fail.status, { message: `simulated failure ${fail.status}`, code: 'simulated' }, fail.retryAfter === null ? {} : { 'retry-after': String(fail.retryAfter) });
    if (this.token !== null) {
      const auth = header(req, 'authorization');
      if (auth === null) return refuse(401, 'unauthorized', 'missing Authorization: Bearer token', { 'www-authenticate': 'Bearer' });
      if (auth !== `Bearer ${this.token}`) return refuse(401, 'unauthorized', 'wrong bearer token', { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    if (key === null) return refuse(400, 'idempotency_key', 'missing Idempotency-Key header');
    if (!UUID.test(key)) return refuse(400, 'idempotency_key', `Idempotency-Key is not a UUID: ${JSON.stringify(key)}`);
    if (attemptRaw !== null && attempt === null) return refuse(400, 'attempt', `X-Trousse-Attempt is not an integer ≥ 1: ${JSON.stringify(attemptRaw)}`);
    const uai = header(req, 'x-trousse-uai');
    if (uai === null) return refuse(400, 'uai', 'missing X-Trousse-UAI header');
    if (!UAI.test(uai)) return refuse(400, 'uai', `X-Trousse-UAI is not a UAI: ${JSON.stringify(uai)}`);
    const type = mediaType(req);
    if (type !== 'application/json') return refuse(415, 'content_type', `Content-Type must be application/json, got ${JSON.stringify(header(req, 'content-type'))}`);
    const encoding = (header(req, 'content-encoding') ?? '').trim().toLowerCase();
    if (encoding !== 'gzip') return refuse(415, 'content_encoding', `Content-Encoding must be gzip, got ${JSON.stringify(header(req, 'content-encoding'))}`);
    if (raw === null) return refuse(413, 'too_large', `body over ${MAX_BYTES} bytes`);

    let body: unknown;
    try {
      const plain = await decompress(raw, 'gzip');
      const text = new TextDecoder('utf-8', { fatal: true }).decode(plain);
      body = JSON.parse(text);
    } catch (err) {
      if (err instanceof HttpError) return refuse(err.status, err.status === 413 ? 'too_large' : 'bad_gzip', err.message);
      return refuse(400, 'bad_json', `body is not UTF-8 JSON: ${(err as Error).message}`);
    }
    const bodyUai = (body as { school?: { uai?: unknown } } | null)?.school?.uai;
    if (typeof bodyUai === 'string' && bodyUai !== uai) return refuse(403, 'forbidden_uai', `body.school.uai ${bodyUai} ≠ X-Trousse-UAI ${uai}`);
    const validate = validateReport();
    if (!validate(body)) return refuse(422, 'schema', `report does not match the Report schema: ${errorsText(validate.errors)}`);

    const text = canonical(body);
    const known = this.keys.get(key);
    if (known !== undefined && known !== text) return refuse(422, 'idempotency_key_reused', `Idempotency-Key ${key} was already accepted with a different body`);
    if (known === undefined) {
      this.keys.set(key, text);
      this.reports.push({ key, attempt, uai, body, at: Date.now() });
    }
    if (this.dropLeft > 0) {
      this.dropLeft--;
      this.requests.push({ key, status: 0, attempt });
      return this.drop(req);
    }
    if (known === undefined) return json(200, { status: 'ok' });
    this.duplicates++;
    return json(200, { status: 'ok', duplicate: true });
  }

  private noteClientCert(req: http.IncomingMessage): void {
    const socket = req.socket as tls.TLSSocket;
    if (typeof socket.getPeerCertificate !== 'function') return;
    const cn = socket.getPeerCertificate()?.subject?.CN;
    for (const c of Array.isArray(cn) ? cn : cn ? [cn] : []) if (!this.clientCertSubjects.includes(c)) this.clientCertSubjects.push(c);
  }
}

// ---------------------------------------------------------------- GLPI

const CODECS: Record<string, { codec: Codec; plain: 'json' | 'xml' | null }> = {
  'application/x-compress-zlib': { codec: 'zlib', plain: null },
  'application/x-zlib': { codec: 'zlib', plain: null },
  'application/x-compress-gzip': { codec: 'gzip', plain: null },
  'application/x-gzip': { codec: 'gzip', plain: null },
  'application/x-compress-deflate': { codec: 'deflate', plain: null },
  'application/x-deflate': { codec: 'deflate', plain: null },
  'application/x-compress-br': { codec: 'br', plain: null },
  'application/x-br': { codec: 'br', plain: null },
  'application/json': { codec: 'none', plain: 'json' },
  'application/xml': { codec: 'none', plain: 'xml' },
  'text/xml': { codec: 'none', plain: 'xml' },
  'text/plain': { codec: 'none', plain: null },
};

interface XmlRequest { root: string; deviceId: string | null; query: string | null; hasContent: boolean }

/** Well-formedness (saxes) and the REQUEST/DEVICEID/QUERY/CONTENT skeleton. */
function parseXmlRequest(text: string): XmlRequest {
  const parser = new SaxesParser({ xmlns: false });
  const stack: string[] = [];
  const out: XmlRequest = { root: '', deviceId: null, query: null, hasContent: false };
  let buf = '';
  parser.on('error', (err: Error) => {
    throw err;
  });
  parser.on('doctype', () => {
    throw new Error('DOCTYPE refused');
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (stack.length === 0) out.root = tag.name;
    if (stack.length === 1 && tag.name === 'CONTENT') out.hasContent = true;
    stack.push(tag.name);
    buf = '';
  });
  parser.on('text', (s: string) => {
    if (stack.length === 2) buf += s;
  });
  parser.on('closetag', () => {
    const name = stack.pop();
    if (stack.length === 1 && name === 'DEVICEID') out.deviceId = buf.trim();
    if (stack.length === 1 && name === 'QUERY') out.query = buf.trim();
  });
  parser.write(text).close();
  return out;
}

export class GlpiSim extends SimServer {
  readonly inventories: GlpiInventory[] = [];
  readonly invalid: { status: number; message: string }[] = [];
  /** Every request on any path with the status answered. */
  readonly requests: { status: number; contentType: string | null; agentId: string | null }[] = [];

  constructor(opts: HubSimOptions = {}) {
    super('GlpiSim', opts);
  }

  protected describe(): string {
    return `${this.inventories.length} inventories, ${this.requests.length} requests, ${this.invalid.length} invalid${this.invalid.length ? `, last: ${this.invalid.at(-1)?.status} ${this.invalid.at(-1)?.message}` : ''}`;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const contentType = header(req, 'content-type');
    const agentId = header(req, 'glpi-agent-id');
    const raw = await readBody(req, MAX_BYTES);
    const type = mediaType(req);
    const codecInfo = CODECS[type];
    let format: 'json' | 'xml' = codecInfo?.plain ?? (type.includes('xml') ? 'xml' : 'json');
    const reply = (status: number, payload: object | string) => {
      this.requests.push({ status, contentType, agentId });
      const text = typeof payload === 'string' ? `<?xml version="1.0" encoding="UTF-8"?>${payload}` : JSON.stringify(payload);
      const codec = codecInfo?.codec ?? 'none';
      const ct = codec !== 'none' ? (contentType ?? type) : format === 'xml' ? 'application/xml' : 'application/json';
      return this.send(res, status, { 'content-type': ct }, compress(Buffer.from(text, 'utf8'), codec));
    };
    const refuse = (status: number, message: string) => {
      this.invalid.push({ status, message });
      return reply(status, format === 'xml' ? `<REPLY><ERROR>${xmlEscape(message)}</ERROR></REPLY>` : { status: 'error', message, expiration: 24 });
    };

    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'POST' || path !== '/front/inventory.php') return refuse(404, `no such endpoint: ${req.method} ${path} (POST /front/inventory.php only)`);
    const fail = this.takeFailure();
    if (fail) {
      this.requests.push({ status: fail.status, contentType, agentId });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fail.retryAfter !== null) headers['retry-after'] = String(fail.retryAfter);
      return this.send(res, fail.status, headers, JSON.stringify({ status: 'error', message: `simulated failure ${fail.status}`, expiration: 24 }));
    }
    if (!codecInfo) return refuse(415, `unsupported Content-Type ${JSON.stringify(contentType)}`);
    const encoding = (header(req, 'content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') return refuse(415, `Content-Encoding ${encoding} not expected: the agent protocol compresses through Content-Type`);
    if (raw === null) return refuse(413, `body over ${MAX_BYTES} bytes`);
    let text: string;
    try {
      text = (await decompress(raw, codecInfo.codec)).toString('utf8').replace(/^\uFEFF/, '');
    } catch (err) {
      return refuse(err instanceof HttpError ? err.status : 400, (err as Error).message);
    }
    const first = text.trimStart()[0];
    const sniffed = first === '{' ? 'json' : first === '<' ? 'xml' : null;
    if (sniffed === null) return refuse(400, 'body is neither JSON nor XML');
    if (codecInfo.plain !== null && sniffed !== codecInfo.plain) return refuse(400, `Content-Type ${type} but the body is ${sniffed}`);
    format = sniffed;
    const compression = codecInfo.codec;

    if (format === 'json') {
      let body: { action?: unknown; deviceid?: unknown } | null;
      try {
        body = JSON.parse(text);
      } catch (err) {
        return refuse(400, `invalid JSON: ${(err as Error).message}`);
      }
      if (agentId === null) return refuse(400, 'missing GLPI-Agent-ID header');
      if (!UUID.test(agentId)) return refuse(400, `GLPI-Agent-ID is not a UUID: ${JSON.stringify(agentId)}`);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return refuse(400, 'JSON body is not an object');
      if (body.action === 'contact') return reply(200, { status: 'ok', expiration: 24, tasks: {} });
      const validate = validateGlpi();
      if (!validate(body)) return refuse(400, `inventory does not match the GLPI schema: ${errorsText(validate.errors)}`);
      this.inventories.push({ deviceId: String(body.deviceid), agentId, format, compression, contentType: contentType ?? '', body });
      return reply(200, { status: 'ok', expiration: 24 });
    }

    let xml: XmlRequest;
    try {
      xml = parseXmlRequest(text);
    } catch (err) {
      return refuse(400, `malformed XML: ${(err as Error).message}`);
    }
    if (xml.root !== 'REQUEST') return refuse(400, `XML root is <${xml.root}>, expected <REQUEST>`);
    if (!xml.deviceId) return refuse(400, 'missing or empty <DEVICEID>');
    const query = xml.query ?? 'INVENTORY';
    if (query === 'PROLOG') return reply(200, '<REPLY><PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>');
    if (query !== 'INVENTORY') return refuse(400, `unsupported <QUERY>${query}</QUERY>`);
    if (!xml.hasContent) return refuse(400, 'missing <CONTENT>');
    this.inventories.push({ deviceId: xml.deviceId, agentId, format, compression, contentType: contentType ?? '', body: text });
    return reply(200, '<REPLY></REPLY>');
  }
}

// ---------------------------------------------------------------- CLI

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const num = (name: string, dflt: number | null): number | null => {
    const v = argValue(args, name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: not a number: ${v}`);
    return n;
  };
  const host = argValue(args, 'host') ?? '127.0.0.1';
  const hub = new HubSim({ port: num('port', 8090) ?? 0, host, token: argValue(args, 'token') ?? null });
  hub.delayMs = num('delay', 0) ?? 0;
  const glpiPort = num('glpi-port', null);
  const glpi = glpiPort === null ? null : new GlpiSim({ port: glpiPort, host });
  await hub.start();
  try {
    await glpi?.start();
  } catch (err) {
    await hub.stop();
    throw err;
  }
  const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  out({ ready: true, hub: hub.url, glpi: glpi?.url ?? null });
  const seen = { requests: 0, invalid: 0, inventories: 0, glpiInvalid: 0 };
  const printed = new Set<string>();
  const timer = setInterval(() => {
    const byKey = new Map(hub.reports.map((r) => [r.key, r]));
    for (const q of hub.requests.slice(seen.requests)) {
      const r = q.key === null ? undefined : byKey.get(q.key);
      if (!r || (q.status !== 200 && q.status !== 0)) continue;
      if (!printed.has(r.key)) {
        printed.add(r.key);
        out({ event: 'report', kind: r.body?.kind, sequence: r.body?.sequence, key: r.key, uai: r.uai, attempt: r.attempt, ...(q.status === 0 ? { dropped: true } : {}) });
      } else if (q.status === 200) out({ event: 'duplicate', key: r.key, attempt: q.attempt });
    }
    seen.requests = hub.requests.length;
    for (const e of hub.invalid.slice(seen.invalid)) process.stderr.write(`hub-sim: refused ${e.status}: ${e.message}\n`);
    seen.invalid = hub.invalid.length;
    if (glpi) {
      for (const i of glpi.inventories.slice(seen.inventories)) out({ event: 'glpi', deviceId: i.deviceId, format: i.format, compression: i.compression });
      seen.inventories = glpi.inventories.length;
      for (const e of glpi.invalid.slice(seen.glpiInvalid)) process.stderr.write(`glpi-sim: refused ${e.status}: ${e.message}\n`);
      seen.glpiInvalid = glpi.invalid.length;
    }
  }, 50);
  const quit = () => {
    clearInterval(timer);
    void Promise.all([hub.stop(), glpi?.stop()]).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', quit);
  process.once('SIGINT', quit);
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`hub-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
