/**
 * PJLink class 2 over UDP (port 4352): the search (`%2SRCH` → `%2ACKN=<mac>` from each class 2
 * projector) and the status notifications projectors send on their own (`%2LKUP=<mac>`,
 * `%2ERST=abcdef`, `%2POWR=0-3`, `%2INPT=<code>`).
 *
 * Everything received is bounded: datagrams over 136 bytes, garbage and unknown messages are
 * dropped and counted; each source host may emit at most `maxPerSecond` notifications per second
 * (the rest are dropped and counted), so a flooding projector cannot flood the daemon.
 *
 * The listener normally owns UDP 4352; a search run while it is bound should go through
 * `listener.search()`, which sends from that same socket (replies come back to port 4352).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isValidInput, PJLINK_PORT, PjlinkError, parseMac, parseReply } from './protocol.ts';

/** Longest PJLink message (OpenLP's PJLINK_MAX_PACKET). */
const MAX_DATAGRAM = 136;
/** Search results kept at most (a /16 full of projectors is still fewer). */
const MAX_FOUND = 4096;
/** Source hosts tracked by the rate limiter before old windows are pruned. */
const MAX_TRACKED_HOSTS = 1024;

const SRCH = Buffer.from('%2SRCH\r', 'ascii');

export interface SearchOptions {
  /** Where to send `%2SRCH`: broadcast addresses (255.255.255.255, 10.1.20.255) or hosts. */
  addresses: string[];
  /** Destination port (default 4352). */
  port?: number;
  /** Local port (default 0 = ephemeral; 4352 in real use so replies come back). */
  bindPort?: number;
  /** How long to collect replies. */
  seconds: number;
  /** Stops early; what was found so far is returned. */
  signal?: AbortSignal;
}

export interface SearchResult {
  mac: string;
  host: string;
}

export type NotificationKind = 'LKUP' | 'ERST' | 'POWR' | 'INPT';

export interface PjlinkNotification {
  host: string;
  kind: NotificationKind;
  value: string;
  /** LKUP only: the projector's MAC address, lower case with colons. */
  mac?: string;
}

type Parsed = { kind: 'ACKN'; mac: string } | { kind: NotificationKind; value: string; mac?: string };

/** A datagram, or null when it is not a valid search reply or notification. */
export function parseDatagram(msg: Buffer): Parsed | null {
  if (msg.length === 0 || msg.length > MAX_DATAGRAM) return null;
  const reply = parseReply(msg.toString('latin1'));
  if (!reply || 'erra' in reply || 'error' in reply || reply.cls !== 2) return null;
  const v = reply.value;
  switch (reply.body) {
    case 'ACKN': {
      const mac = parseMac(v);
      return mac ? { kind: 'ACKN', mac } : null;
    }
    case 'LKUP': {
      const mac = parseMac(v);
      return mac ? { kind: 'LKUP', value: mac, mac } : null;
    }
    case 'ERST':
      return /^[0-9]{6}$/.test(v) ? { kind: 'ERST', value: v } : null;
    case 'POWR':
      return /^[0-3]$/.test(v) ? { kind: 'POWR', value: v } : null;
    case 'INPT': {
      const code = v.toUpperCase();
      return isValidInput(code, 2) ? { kind: 'INPT', value: code } : null;
    }
    default:
      return null;
  }
}

function bindSocket(socket: Socket, port: number, host?: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new PjlinkError(
          'UNREACHABLE',
          err.code === 'EADDRINUSE'
            ? `Le port UDP ${port} est déjà utilisé sur ce serveur.`
            : `Impossible d’ouvrir le port UDP ${port} (${err.code ?? err.message}).`,
        ),
      );
    };
    socket.once('error', onError);
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/** Sends `%2SRCH` to each address from `socket`; collects the ACKNs `subscribe` reports until the end. */
async function runSearch(
  socket: Socket,
  opts: SearchOptions,
  subscribe: (onAckn: (mac: string, host: string) => void) => () => void,
): Promise<SearchResult[]> {
  const found = new Map<string, SearchResult>();
  const unsubscribe = subscribe((mac, host) => {
    if (found.size < MAX_FOUND) found.set(`${mac}|${host}`, { mac, host });
  });
  try {
    socket.setBroadcast(true);
    const port = opts.port ?? PJLINK_PORT;
    for (const address of opts.addresses) {
      // A failing address (no route...) must not spoil the others.
      socket.send(SRCH, port, address, () => {});
    }
    await new Promise<void>((resolve) => {
      if (opts.signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, opts.seconds) * 1000);
      opts.signal?.addEventListener('abort', done, { once: true });
    });
  } finally {
    unsubscribe();
  }
  return [...found.values()];
}

/** Class 2 search from a socket of its own. */
export async function search(opts: SearchOptions): Promise<SearchResult[]> {
  const socket = createSocket({ type: 'udp4' });
  socket.on('error', () => {});
  try {
    await bindSocket(socket, opts.bindPort ?? 0);
    return await runSearch(socket, opts, (onAckn) => {
      const onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
        const p = parseDatagram(msg);
        if (p?.kind === 'ACKN') onAckn(p.mac, rinfo.address);
      };
      socket.on('message', onMessage);
      return () => socket.off('message', onMessage);
    });
  } finally {
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

export interface ListenerOptions {
  /** Notifications emitted per source host and second, at most (default 20). */
  maxPerSecond?: number;
}

/**
 * Emits 'notification' (PjlinkNotification) for each valid class 2 notification received.
 * `stats` counts what was received, emitted, dropped as garbage and dropped by the rate limit.
 */
export class PjlinkNotificationListener extends EventEmitter<{ notification: [PjlinkNotification] }> {
  readonly stats = { received: 0, emitted: 0, garbage: 0, rateLimited: 0 };
  readonly #maxPerSecond: number;
  #socket: Socket | null = null;
  #windows = new Map<string, { start: number; count: number }>();
  #searches = new Set<(mac: string, host: string) => void>();

  constructor(opts: ListenerOptions = {}) {
    super();
    this.#maxPerSecond = opts.maxPerSecond ?? 20;
  }

  /** The bound UDP port (after `start`), else null. */
  get port(): number | null {
    try {
      return this.#socket ? this.#socket.address().port : null;
    } catch {
      return null;
    }
  }

  async start(opts: { port?: number; host?: string } = {}): Promise<void> {
    if (this.#socket) throw new PjlinkError('BUSY', 'L’écoute des notifications PJLink est déjà démarrée.');
    const socket = createSocket({ type: 'udp4' });
    // After bind, socket errors (ICMP unreachable...) are not fatal to a listener.
    socket.on('error', () => {});
    socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
    this.#socket = socket;
    try {
      await bindSocket(socket, opts.port ?? PJLINK_PORT, opts.host);
    } catch (err) {
      this.#socket = null;
      socket.close();
      throw err;
    }
  }

  /** A class 2 search sent from the listener's socket (so it can stay bound to port 4352). */
  search(opts: Omit<SearchOptions, 'bindPort'>): Promise<SearchResult[]> {
    const socket = this.#socket;
    if (!socket) return Promise.reject(new PjlinkError('CLOSED', 'L’écoute PJLink n’est pas démarrée.'));
    return runSearch(socket, opts, (onAckn) => {
      this.#searches.add(onAckn);
      return () => this.#searches.delete(onAckn);
    });
  }

  /** True when `host` may emit one more message in the current second. */
  #allow(host: string, now: number): boolean {
    let w = this.#windows.get(host);
    if (!w || now - w.start >= 1000) {
      if (!w && this.#windows.size >= MAX_TRACKED_HOSTS) {
        for (const [h, old] of this.#windows) if (now - old.start >= 1000) this.#windows.delete(h);
        if (this.#windows.size >= MAX_TRACKED_HOSTS) return false;
      }
      w = { start: now, count: 0 };
      this.#windows.set(host, w);
    }
    w.count++;
    return w.count <= this.#maxPerSecond;
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.received++;
    const host = rinfo.address;
    if (!this.#allow(host, Date.now())) {
      this.stats.rateLimited++;
      return;
    }
    const p = parseDatagram(msg);
    if (!p) {
      this.stats.garbage++;
      return;
    }
    if (p.kind === 'ACKN') {
      if (this.#searches.size === 0) this.stats.garbage++;
      for (const cb of this.#searches) cb(p.mac, host);
      return;
    }
    const n: PjlinkNotification = { host, kind: p.kind, value: p.value };
    if (p.mac) n.mac = p.mac;
    this.stats.emitted++;
    this.emit('notification', n);
  }

  async stop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    this.#windows.clear();
    if (!socket) return;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
