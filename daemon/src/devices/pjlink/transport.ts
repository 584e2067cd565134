/**
 * One TCP connection to one projector: greeting, MD5 authentication (the digest prefixed to the
 * first command of each connection), CR framing, ONE command in flight, timeouts, reconnection.
 *
 * Choices:
 * - Retry: when the connection drops while a command is in flight (typically the projector's
 *   ~30 s idle close racing our write), the command is sent once more on a fresh connection —
 *   queries and set commands alike, since PJLink sets are absolute (POWR 1, INPT 31, AVMT 31:
 *   sending twice is harmless). Relative steps (SVOL, MVOL) are never retried. A TIMEOUT is never
 *   retried (a silent projector costs one timeout, not two), nor AUTH/PROTOCOL.
 * - After a reply timeout the connection is destroyed, so a late reply can never be taken as the
 *   answer to a later command; lines whose body does not match the pending command are ignored
 *   and counted (`stats.stray`); more than 16 of them for one command drops the connection.
 * - `close()` destroys the socket and rejects what is in flight or queued with 'CLOSED'; the
 *   transport stays usable: a later `send()` reconnects.
 */
import { connect, type Socket } from 'node:net';
import {
  decodeLine,
  digest,
  encodeCommand,
  PJLINK_PORT,
  PjlinkError,
  type PjlinkClass,
  parseGreeting,
  parseReply,
  type Reply,
} from './protocol.ts';

export { PjlinkError, type PjlinkErrorCode, type Reply } from './protocol.ts';

export interface PjlinkTarget {
  host: string;
  port?: number;
  password?: string | null;
}

export interface PjlinkTransportOptions {
  /** TCP connect deadline (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Deadline for the greeting and for each reply (default 3000 ms). */
  replyTimeoutMs?: number;
  /** Close our side after this long without a command (default 20000 ms, before the projector's ~30 s). */
  idleCloseMs?: number;
  /** Longest line accepted (default 512 bytes); beyond, the connection is dropped. */
  maxLineBytes?: number;
}

/** What the driver needs from a transport (lets tests substitute one). */
export interface PjlinkSender {
  send(cls: PjlinkClass, body: string, param: string): Promise<Reply>;
  close(): void;
}

/** Commands waiting behind the one in flight, at most. */
export const MAX_QUEUE = 32;
/** Unmatched lines tolerated while waiting for one reply. */
const MAX_STRAY = 16;
/** Lines kept while nobody reads (e.g. the greeting arriving with the connect event). */
const MAX_PENDING_LINES = 4;
const NOT_RETRIED = new Set(['SVOL', 'MVOL']);

/** The connection dropped under us (peer close, reset): a retry on a fresh connection may help. */
class DroppedError extends PjlinkError {}

const NET_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'Le projecteur refuse la connexion PJLink (port fermé ou PJLink désactivé ?).',
  ENOTFOUND: 'Nom d’hôte du projecteur inconnu.',
  EAI_AGAIN: 'Nom d’hôte du projecteur introuvable (DNS).',
};

function netError(err: NodeJS.ErrnoException): PjlinkError {
  return new PjlinkError('UNREACHABLE', NET_MESSAGES[err.code ?? '']);
}

interface Job {
  cls: PjlinkClass;
  body: string;
  param: string;
  settled: boolean;
  resolve: (r: Reply) => void;
  reject: (e: unknown) => void;
}

interface LinkOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  maxLine: number;
  onStray: () => void;
  onClose: (link: Link) => void;
}

/** A socket cut into CR-terminated lines, with bounded buffers. */
class Link {
  readonly socket: Socket;
  readonly connected: Promise<void>;
  dead: PjlinkError | null = null;
  /** The digest to prefix to the next command ('' once used or without authentication). */
  prefix = '';
  #chunks: Buffer[] = [];
  #len = 0;
  #lines: Buffer[] = [];
  #waiter: { resolve: (b: Buffer) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout } | null = null;
  #connectTimer: NodeJS.Timeout | null = null;
  #strays = 0;
  readonly #maxLine: number;
  readonly #onStray: () => void;

  constructor(o: LinkOptions) {
    this.#maxLine = o.maxLine;
    this.#onStray = o.onStray;
    const socket = connect({ host: o.host, port: o.port });
    this.socket = socket;
    socket.setNoDelay(true);
    let wasConnected = false;
    this.connected = new Promise<void>((resolve, reject) => {
      this.#connectTimer = setTimeout(() => {
        this.kill(new PjlinkError('UNREACHABLE', 'Le projecteur ne répond pas (connexion impossible dans le délai).'));
      }, o.connectTimeoutMs);
      socket.once('connect', () => {
        wasConnected = true;
        this.#clearConnectTimer();
        resolve();
      });
      socket.once('close', () => {
        this.#clearConnectTimer();
        reject(this.dead ?? new PjlinkError('UNREACHABLE'));
      });
    });
    this.connected.catch(() => {});
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.kill(wasConnected ? new DroppedError('UNREACHABLE', 'La connexion au projecteur a été coupée.') : netError(err));
    });
    socket.on('close', () => {
      this.kill(new DroppedError('UNREACHABLE', 'Le projecteur a fermé la connexion.'));
      o.onClose(this);
    });
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
  }

  #onData(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length && !this.dead; i++) {
      const b = chunk[i];
      if (b !== 0x0d && b !== 0x0a) continue;
      this.#append(chunk.subarray(start, i));
      start = i + 1;
      if (b === 0x0d) {
        const line = Buffer.concat(this.#chunks, this.#len);
        this.#chunks = [];
        this.#len = 0;
        this.#deliver(line);
      }
    }
    if (!this.dead) this.#append(chunk.subarray(start));
  }

  #append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.#len + part.length > this.#maxLine) {
      this.kill(new PjlinkError('PROTOCOL', 'Le projecteur a envoyé une ligne trop longue ; la connexion a été coupée.'));
      return;
    }
    this.#chunks.push(Buffer.from(part));
    this.#len += part.length;
  }

  #deliver(line: Buffer): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = null;
      clearTimeout(w.timer);
      w.resolve(line);
      return;
    }
    this.#lines.push(line);
    if (this.#lines.length > MAX_PENDING_LINES) {
      this.#lines.shift();
      this.stray();
    }
  }

  /**
   * Counts a line that answered nothing; past MAX_STRAY since `resetStray()` (i.e. for one
   * command, or while idle) the peer is babbling: the link is dropped.
   */
  stray(): void {
    this.#onStray();
    if (++this.#strays > MAX_STRAY) {
      this.kill(new PjlinkError('PROTOCOL', 'Le projecteur envoie des lignes sans rapport avec la commande ; la connexion a été coupée.'));
    }
  }

  resetStray(): void {
    this.#strays = 0;
  }

  /** Forgets lines nobody asked for (before sending a command); returns how many. */
  discardPending(): number {
    const n = this.#lines.length;
    this.#lines = [];
    return n;
  }

  /** The next line; rejects 'TIMEOUT' after `timeoutMs`, or with the reason the link died. */
  readLine(timeoutMs: number, timeoutMessage: string): Promise<Buffer> {
    // Lines received before the link died are still served (an answer followed by a close).
    const line = this.#lines.shift();
    if (line) return Promise.resolve(line);
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        reject(new PjlinkError('TIMEOUT', timeoutMessage));
      }, timeoutMs);
      this.#waiter = { resolve, reject, timer };
    });
  }

  write(data: Buffer): void {
    this.socket.write(data);
  }

  /** Marks the link dead (first reason wins), destroys the socket, fails the reader. */
  kill(reason: PjlinkError): void {
    this.#clearConnectTimer();
    if (!this.dead) this.dead = reason;
    this.#chunks = [];
    this.#len = 0;
    const w = this.#waiter;
    this.#waiter = null;
    if (w) {
      clearTimeout(w.timer);
      w.reject(this.dead);
    }
    if (!this.socket.destroyed) this.socket.destroy();
  }
}

export class PjlinkTransport implements PjlinkSender {
  readonly host: string;
  readonly port: number;
  readonly #password: string | null;
  readonly #connectTimeoutMs: number;
  readonly #replyTimeoutMs: number;
  readonly #idleCloseMs: number;
  readonly #maxLineBytes: number;
  #link: Link | null = null;
  #queue: Job[] = [];
  #active: Job | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  /** Bumped by close(): work started before is abandoned. */
  #epoch = 0;
  /** Counters for diagnostics and tests. */
  readonly stats = { connects: 0, stray: 0, retries: 0 };

  constructor(target: PjlinkTarget, opts: PjlinkTransportOptions = {}) {
    this.host = target.host;
    this.port = target.port ?? PJLINK_PORT;
    this.#password = target.password ?? null;
    this.#connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
    this.#replyTimeoutMs = opts.replyTimeoutMs ?? 3000;
    this.#idleCloseMs = opts.idleCloseMs ?? 20_000;
    this.#maxLineBytes = opts.maxLineBytes ?? 512;
  }

  /**
   * Sends `%<cls><body> <param>` and resolves with the reply whose body matches — which may be an
   * error reply (`{ error: 'ERR2' }`): judging it is the caller's business. Rejects with a
   * PjlinkError: INVALID, BUSY, TIMEOUT, UNREACHABLE, AUTH, AUTH_REQUIRED, PROTOCOL, CLOSED.
   */
  send(cls: PjlinkClass, body: string, param: string): Promise<Reply> {
    try {
      encodeCommand(cls, body, param);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#queue.length >= MAX_QUEUE) return Promise.reject(new PjlinkError('BUSY'));
    return new Promise<Reply>((resolve, reject) => {
      const job: Job = { cls, body, param, settled: false, resolve, reject };
      job.resolve = (r) => {
        if (!job.settled) {
          job.settled = true;
          resolve(r);
        }
      };
      job.reject = (e) => {
        if (!job.settled) {
          job.settled = true;
          reject(e);
        }
      };
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Closes the connection; what is in flight or queued is rejected with 'CLOSED'. Stays usable. */
  close(): void {
    this.#epoch++;
    this.#clearIdle();
    const closed = new PjlinkError('CLOSED');
    const link = this.#link;
    this.#link = null;
    link?.kill(closed);
    this.#active?.reject(closed);
    const queued = this.#queue;
    this.#queue = [];
    for (const job of queued) job.reject(closed);
  }

  #pump(): void {
    if (this.#active) return;
    const job = this.#queue.shift();
    if (!job) {
      this.#armIdle();
      return;
    }
    this.#active = job;
    this.#clearIdle();
    this.#execute(job)
      .then(job.resolve, job.reject)
      .finally(() => {
        this.#active = null;
        this.#pump();
      });
  }

  async #execute(job: Job): Promise<Reply> {
    const epoch = this.#epoch;
    for (let attempt = 0; ; attempt++) {
      const link = await this.#ready(epoch);
      try {
        return await this.#exchange(link, job);
      } catch (err) {
        const retry = err instanceof DroppedError && attempt === 0 && !NOT_RETRIED.has(job.body);
        if (!retry || epoch !== this.#epoch || job.settled) throw err;
        this.stats.retries++;
      }
    }
  }

  /** The current link if alive, else a new one: connected, greeted, authentication prepared. */
  async #ready(epoch: number): Promise<Link> {
    if (this.#link && !this.#link.dead) return this.#link;
    if (epoch !== this.#epoch) throw new PjlinkError('CLOSED');
    const link = new Link({
      host: this.host,
      port: this.port,
      connectTimeoutMs: this.#connectTimeoutMs,
      maxLine: this.#maxLineBytes,
      onStray: () => this.stats.stray++,
      onClose: (l) => this.#onLinkClosed(l),
    });
    this.#link = link;
    this.stats.connects++;
    try {
      await link.connected;
      const raw = await link.readLine(this.#replyTimeoutMs, 'Le projecteur accepte la connexion mais ne se présente pas (pas de salut PJLink).');
      const greeting = parseGreeting(decodeLine(raw));
      if (!greeting) throw new PjlinkError('PROTOCOL', 'Le projecteur ne parle pas PJLink (salut inattendu).');
      if ('erra' in greeting) throw new PjlinkError('AUTH');
      if (greeting.auth) {
        if (this.#password === null || this.#password === '') throw new PjlinkError('AUTH_REQUIRED');
        link.prefix = digest(greeting.random, this.#password);
      }
      return link;
    } catch (err) {
      // A drop before the greeting is not worth a retry: report it as plainly unreachable.
      const reason = err instanceof DroppedError ? new PjlinkError('UNREACHABLE', err.message) : err;
      link.kill(reason instanceof PjlinkError ? reason : new PjlinkError('PROTOCOL'));
      if (this.#link === link) this.#link = null;
      throw reason;
    }
  }

  async #exchange(link: Link, job: Job): Promise<Reply> {
    this.stats.stray += link.discardPending();
    link.resetStray();
    const command = encodeCommand(job.cls, job.body, job.param);
    link.write(link.prefix ? Buffer.concat([Buffer.from(link.prefix, 'ascii'), command]) : command);
    link.prefix = '';
    const deadline = Date.now() + this.#replyTimeoutMs;
    try {
      for (;;) {
        const raw = await link.readLine(Math.max(1, deadline - Date.now()), `Le projecteur ne répond pas à la commande ${job.body}.`);
        const reply = parseReply(decodeLine(raw));
        if (reply && 'erra' in reply) throw new PjlinkError('AUTH');
        if (reply && reply.body === job.body) return reply;
        link.stray();
      }
    } catch (err) {
      // Anything but a reply leaves the connection in an unknown state: never reuse it.
      link.kill(err instanceof PjlinkError ? err : new PjlinkError('PROTOCOL'));
      if (this.#link === link) this.#link = null;
      throw err;
    }
  }

  /** The socket is gone (peer idle close, our kill): forget it and its idle timer. */
  #onLinkClosed(link: Link): void {
    if (this.#link !== link) return;
    this.#link = null;
    if (!this.#active) this.#clearIdle();
  }

  #armIdle(): void {
    this.#clearIdle();
    if (!this.#link || this.#link.dead) return;
    const link = this.#link;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      if (this.#link === link && !this.#active) {
        this.#link = null;
        link.kill(new PjlinkError('CLOSED'));
      }
    }, this.#idleCloseMs);
  }

  #clearIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}
