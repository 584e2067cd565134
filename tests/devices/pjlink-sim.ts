/**
 * PJLink (Class 1 / Class 2) projector simulator for tests and benchmarks, written from
 * shared/docs/formats.md §1 only (independent of the daemon's client).
 *
 * CLI: node tests/devices/pjlink-sim.ts --count 200 --base-port 14352 --delay 50 --dead 10
 *      [--host 127.0.0.1] [--password secret] [--class 1|2] [--udp-base-port N]
 * prints one JSON line {"ready":true,"ports":[...],"dead":[...]} (dead = ports of the devices in
 * 'silence' or 'refuse' mode) and runs until SIGTERM/SIGINT.
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';

export type NastyMode = 'garbage' | 'split' | 'late' | 'drop' | 'erra' | 'silence' | 'flood' | 'refuse';
export type ErrorCategory = 'fan' | 'lamp' | 'temperature' | 'cover' | 'filter' | 'other';

export interface SimOptions {
  host?: string; // default '127.0.0.1'
  port?: number; // TCP, 0 = ephemeral (default)
  udpPort?: number | null; // UDP search responder; null = none (default); 0 = ephemeral
  password?: string | null; // null = no auth (default)
  pjlinkClass?: 1 | 2; // default 2
  replyDelayMs?: number; // before each reply (default 0)
  name?: string; manufacturer?: string; model?: string; serial?: string; softwareVersion?: string;
  info?: string; // INFO reply (default 'Trousse PJLink simulator'; '' allowed)
  mac?: string; // default 02:50:4a:4c:<port hi>:<port lo>
  inputs?: string[]; // default ['11','31','32','51'] (+ '61' in class 2)
  inputNames?: Record<string, string>; // INNM names (default e.g. '3A' → 'DIGITAL 10')
  lamps?: { hours: number }[]; // default one lamp at 1200 h; [] = laser (LAMP → ERR1)
  filterHours?: number | null; // default 300; null = no filter (FILT → ERR1)
  hoursPerSecond?: number; // lamp/filter counters advance while power is 1 (default 0)
  warmupMs?: number; cooldownMs?: number; // 3 → 1 and 2 → 0 transitions (default 0 = instant)
  idleCloseMs?: number; // close idle connections (default 30000; 0 = never)
  notifyTo?: { host: string; port: number } | null; // UDP status notifications (class 2 only)
  nasty?: NastyMode | null;
  lateMs?: number; // reply delay in 'late' mode (default 6000)
  now?: () => number; // clock of the lamp/filter counters (default Date.now)
  random?: () => number; // randomness of the nasty modes (default Math.random)
}

const CATEGORIES: ErrorCategory[] = ['fan', 'lamp', 'temperature', 'cover', 'filter', 'other'];
const CLASS2_ONLY = new Set(['SNUM', 'SVER', 'INNM', 'IRES', 'RRES', 'FILT', 'RLMP', 'RFIL', 'SVOL', 'MVOL', 'FREZ']);
const CLASS1 = new Set(['POWR', 'INPT', 'AVMT', 'ERST', 'LAMP', 'INST', 'NAME', 'INF1', 'INF2', 'INFO', 'CLSS']);
const TYPE_NAMES = ['', 'RGB', 'VIDEO', 'DIGITAL', 'STORAGE', 'NETWORK', 'INTERNAL'];
const MAX_LINE = 1024;
const MAX_HOURS = 99999;

function validInput(code: string, cls: number): boolean {
  return cls === 1 ? /^[1-5][1-9]$/.test(code) : /^[1-6][1-9A-Z]$/.test(code);
}

class Conn {
  readonly socket: net.Socket;
  readonly token: string | null;
  authed: boolean;
  buf = '';
  pending = 0;
  closed = false;
  chain: Promise<void> = Promise.resolve();
  private readonly waits = new Map<NodeJS.Timeout, (ok: boolean) => void>();

  constructor(socket: net.Socket, token: string | null) {
    [this.socket, this.token, this.authed] = [socket, token, token === null];
  }

  /** Resolves true after ms, or false at once if the connection closes first. */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve(!this.closed);
      }, ms);
      this.waits.set(timer, resolve);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [timer, resolve] of this.waits) {
      clearTimeout(timer);
      resolve(false);
    }
    this.waits.clear();
    this.socket.destroy();
  }
}

export class PjlinkSimulator {
  readonly host: string;
  readonly pjlinkClass: 1 | 2;
  private _port: number;
  private _udpPort: number | null;
  private _mac: string | null;
  private readonly o: SimOptions;
  private readonly now: () => number;
  private readonly random: () => number;

  input: string;
  mute = { video: false, audio: false };
  frozen = false;
  volume = 10;
  micVolume = 10;
  /** When true, every set command answers ERR4 (projector failure). */
  failing = false;
  notifyTo: { host: string; port: number } | null;
  readonly stats = {
    connections: 0, commands: 0, authFailures: 0, maxConcurrentCommandsPerConnection: 0,
    concurrentConnections: 0, maxConcurrentConnections: 0, bytesWritten: 0,
    commandLog: [] as string[], // last 200 commands as received (without the auth digest)
  };

  private _power: 0 | 1 | 2 | 3 = 0;
  private nasty: NastyMode | null;
  private readonly errors = [0, 0, 0, 0, 0, 0];
  private lampBase: number[];
  private filterBase: number | null;
  private litSince: number | null = null;
  private transition: NodeJS.Timeout | null = null;
  private server: net.Server | null = null;
  private udp: dgram.Socket | null = null;
  private readonly conns = new Set<Conn>();
  private started = false;
  private stopped = false;
  private junk: Buffer[] = [];

  constructor(opts: SimOptions = {}) {
    this.o = opts;
    this.host = opts.host ?? '127.0.0.1';
    this._port = opts.port ?? 0;
    this._udpPort = opts.udpPort ?? null;
    this._mac = opts.mac ?? null;
    this.pjlinkClass = opts.pjlinkClass ?? 2;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.nasty = opts.nasty ?? null;
    this.notifyTo = opts.notifyTo ?? null;
    this.lampBase = (opts.lamps ?? [{ hours: 1200 }]).slice(0, 8).map((l) => l.hours);
    this.filterBase = opts.filterHours === undefined ? 300 : opts.filterHours;
    this.input = this.inputs()[0] ?? '11';
  }

  get port(): number { return this._port; }
  get udpPort(): number | null { return this._udpPort; }
  get mac(): string {
    if (this._mac) return this._mac;
    const p = this._port;
    return `02:50:4a:4c:${((p >> 8) & 0xff).toString(16).padStart(2, '0')}:${(p & 0xff).toString(16).padStart(2, '0')}`;
  }

  get power(): 0 | 1 | 2 | 3 { return this._power; }
  /** Instant state change (no warm-up/cool-down), with accounting and notification. */
  set power(v: 0 | 1 | 2 | 3) {
    this.clearTransition();
    this.applyPower(v);
  }

  inputs(): string[] {
    return this.o.inputs ?? (this.pjlinkClass === 2 ? ['11', '31', '32', '51', '61'] : ['11', '31', '32', '51']);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('simulator already started');
    this.started = true;
    await this.bind().catch(async (err: unknown) => {
      await this.stop();
      throw err;
    });
    this.notify(`%2LKUP=${this.mac}`);
  }

  private async bind(): Promise<void> {
    if (this.nasty !== 'refuse' || this._port === 0) {
      await this.listen();
      if (this.nasty === 'refuse') await this.closeServer();
    }
    if (this._udpPort !== null || this.notifyTo) {
      const udp = dgram.createSocket('udp4');
      this.udp = udp;
      udp.on('error', () => {});
      udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(this._udpPort ?? 0, this._udpPort === null ? undefined : this.host, () => {
          udp.off('error', reject);
          resolve();
        });
      });
      if (this._udpPort !== null) this._udpPort = udp.address().port;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTransition();
    for (const c of this.conns) c.close();
    await this.closeServer();
    const udp = this.udp;
    this.udp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
  }

  /** Changes the nasty mode; await it when switching to or from 'refuse' (the listener closes/reopens). */
  async setNasty(mode: NastyMode | null): Promise<void> {
    this.nasty = mode;
    if (!this.started || this.stopped) return;
    if (mode === 'refuse') {
      for (const c of this.conns) c.close();
      await this.closeServer();
    } else if (!this.server) {
      await this.listen();
    }
  }

  setError(category: ErrorCategory, level: 0 | 1 | 2): void {
    const i = CATEGORIES.indexOf(category);
    if (i < 0 || this.errors[i] === level) return;
    this.errors[i] = level;
    this.notify(`%2ERST=${this.errors.join('')}`);
  }

  /** As if by the remote control: goes through warm-up / cool-down. */
  setPower(on: boolean): void {
    if (on && (this._power === 0 || this._power === 2)) this.transitionTo(3, 1, this.o.warmupMs ?? 0);
    if (!on && (this._power === 1 || this._power === 3)) this.transitionTo(2, 0, this.o.cooldownMs ?? 0);
  }

  lampHours(): number[] {
    const extra = this.extraHours();
    return this.lampBase.map((h) => Math.min(MAX_HOURS, Math.floor(h + extra)));
  }

  filterHours(): number | null {
    return this.filterBase === null ? null : Math.min(MAX_HOURS, Math.floor(this.filterBase + this.extraHours()));
  }

  // ---------------------------------------------------------------- internals: state

  private extraHours(): number {
    if (this.litSince === null) return 0;
    return (Math.max(0, this.now() - this.litSince) / 1000) * (this.o.hoursPerSecond ?? 0);
  }

  private applyPower(v: 0 | 1 | 2 | 3): void {
    if (v === this._power) return;
    const extra = this.extraHours();
    this.lampBase = this.lampBase.map((h) => h + extra);
    if (this.filterBase !== null) this.filterBase += extra;
    this._power = v;
    this.litSince = v === 1 ? this.now() : null;
    if (v !== 1) this.frozen = false;
    this.notify(`%2POWR=${v}`);
  }

  private transitionTo(middle: 2 | 3, end: 0 | 1, ms: number): void {
    this.clearTransition();
    if (ms <= 0) {
      this.applyPower(end);
      return;
    }
    this.applyPower(middle);
    this.transition = setTimeout(() => {
      this.transition = null;
      this.applyPower(end);
    }, ms);
  }

  private clearTransition(): void {
    clearTimeout(this.transition ?? undefined);
    this.transition = null;
  }

  private notify(line: string): void {
    const to = this.notifyTo;
    if (!to || !this.udp || this.pjlinkClass !== 2 || this.stopped) return;
    this.udp.send(`${line}\r`, to.port, to.host, () => {});
  }

  private onUdp(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.pjlinkClass !== 2 || this.nasty === 'silence' || this.nasty === 'refuse') return;
    if (msg.toString('latin1') !== '%2SRCH\r') return;
    this.udp?.send(`%2ACKN=${this.mac}\r`, rinfo.port, rinfo.address, () => {});
  }

  // ---------------------------------------------------------------- internals: TCP

  private async listen(): Promise<void> {
    const server = net.createServer((s) => this.onConnection(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {});
    if (this.stopped) return new Promise((resolve) => server.close(() => resolve()));
    this.server = server;
    const addr = server.address();
    if (addr && typeof addr === 'object') this._port = addr.port;
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private onConnection(socket: net.Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const mode = this.nasty;
    const auth = (this.o.password ?? null) !== null || mode === 'erra';
    const conn = new Conn(socket, auth ? randomBytes(4).toString('hex') : null);
    this.conns.add(conn);
    const st = this.stats;
    st.connections++;
    st.concurrentConnections++;
    st.maxConcurrentConnections = Math.max(st.maxConcurrentConnections, st.concurrentConnections);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => {
      conn.close();
      if (this.conns.delete(conn)) st.concurrentConnections--;
    });
    const idle = this.o.idleCloseMs ?? 30_000;
    if (idle > 0) socket.setTimeout(idle, () => conn.close());
    if (mode === 'silence') {
      socket.resume();
      return;
    }
    socket.on('data', (d) => this.onData(conn, d, mode));
    const greeting = conn.token === null ? 'PJLINK 0' : `PJLINK 1 ${conn.token}`;
    if (mode === 'drop' && this.random() < 0.5) {
      socket.write(`${greeting}\r`, () => conn.close());
      return;
    }
    this.enqueue(conn, () => this.send(conn, greeting, false));
    if (mode === 'flood') this.enqueue(conn, async () => this.flood(conn));
  }

  private enqueue(conn: Conn, job: () => Promise<void>): void {
    conn.chain = conn.chain.then(job).catch(() => conn.close());
  }

  private onData(conn: Conn, data: Buffer, mode: NastyMode | null): void {
    if (conn.closed) return;
    conn.buf += data.toString('latin1');
    let i = conn.buf.indexOf('\r');
    while (i >= 0) {
      const line = conn.buf.slice(0, i).replace(/\n/g, '');
      conn.buf = conn.buf.slice(i + 1);
      if (line !== '') this.onLine(conn, line, mode);
      if (conn.closed) return;
      i = conn.buf.indexOf('\r');
    }
    if (conn.buf.length > MAX_LINE) conn.close();
  }

  private onLine(conn: Conn, raw: string, mode: NastyMode | null): void {
    if (mode === 'flood') return;
    if (mode === 'drop') {
      conn.close();
      return;
    }
    conn.pending++;
    const st = this.stats;
    st.maxConcurrentCommandsPerConnection = Math.max(st.maxConcurrentCommandsPerConnection, conn.pending);
    this.enqueue(conn, async () => {
      const reply = this.handle(conn, raw, mode);
      if (reply !== null) await this.send(conn, reply.line, true);
      conn.pending--;
      if (reply?.closeAfter) conn.close();
    });
  }

  /** Returns the reply line (without CR), or null when nothing is answered. */
  private handle(conn: Conn, raw: string, mode: NastyMode | null): { line: string; closeAfter?: boolean } | null {
    let line = raw;
    if (!conn.authed) {
      const m = /^([0-9a-fA-F]{32})(%.*)$/s.exec(line);
      const expected = conn.token === null ? '' : createHash('md5').update(conn.token + (this.o.password ?? '')).digest('hex');
      if (mode === 'erra' || !m || m[1]?.toLowerCase() !== expected) {
        this.stats.authFailures++;
        return { line: 'PJLINK ERRA', closeAfter: true };
      }
      conn.authed = true;
      line = m[2] ?? '';
    }
    const st = this.stats;
    st.commands++;
    st.commandLog.push(line);
    if (st.commandLog.length > 200) st.commandLog.splice(0, st.commandLog.length - 200);
    const m = /^%(\d)(.{4})(.*)$/s.exec(line);
    if (!m) return null;
    const [, cls = '', body = '', rest = ''] = m;
    const reply = (value: string) => ({ line: `%${cls}${body}=${value}` });
    const known = CLASS1.has(body) || CLASS2_ONLY.has(body);
    if (!known || (cls !== '1' && cls !== '2') || Number(cls) > this.pjlinkClass) return reply('ERR1');
    if (cls === '1' && CLASS2_ONLY.has(body)) return reply('ERR1');
    if (!rest.startsWith(' ')) return reply('ERR2');
    return reply(this.command(Number(cls), body, rest.slice(1)));
  }

  /** Replies of the query-only commands (`?` parameter). */
  private query(body: string, cls: number): string | undefined {
    const o = this.o;
    const lit = this._power === 1 ? '1' : '0';
    const filt = this.filterHours();
    const q: Record<string, () => string> = {
      ERST: () => this.errors.join(''),
      LAMP: () => (this.lampBase.length ? this.lampHours().map((h) => `${h} ${lit}`).join(' ') : 'ERR1'),
      INST: () => this.inputs().filter((i) => validInput(i, cls)).join(' '),
      NAME: () => o.name ?? `sim-${this._port}`,
      INF1: () => o.manufacturer ?? 'SIMULATOR',
      INF2: () => o.model ?? 'PJ-SIM 2000',
      INFO: () => o.info ?? 'Trousse PJLink simulator',
      CLSS: () => String(this.pjlinkClass),
      SNUM: () => o.serial ?? `SN${String(this._port).padStart(8, '0')}`,
      SVER: () => o.softwareVersion ?? '1.0.0',
      IRES: () => (this._power === 1 ? '1920x1080' : '-'),
      RRES: () => '1920x1080',
      FILT: () => (filt === null ? 'ERR1' : String(filt)),
      RLMP: () => (this.lampBase.length ? 'LMP-SIM1' : ''),
      RFIL: () => (this.filterBase === null ? '' : 'FLT-SIM1'),
    };
    return q[body]?.();
  }

  private command(cls: number, body: string, param: string): string {
    const q = param === '?';
    if (!q && this.failing && ['POWR', 'INPT', 'AVMT', 'SVOL', 'MVOL', 'FREZ'].includes(body)) return 'ERR4';
    const p = this._power;
    switch (body) {
      case 'POWR':
        if (q) return String(p);
        if (param !== '0' && param !== '1') return 'ERR2';
        if ((param === '1' && p === 2) || (param === '0' && p === 3)) return 'ERR3';
        this.setPower(param === '1');
        return 'OK';
      case 'INPT':
        if (q) return this.input;
        if (!validInput(param, cls) || !this.inputs().includes(param)) return 'ERR2';
        if (p !== 1) return 'ERR3';
        if (this.input !== param) this.notify(`%2INPT=${param}`);
        this.input = param;
        return 'OK';
      case 'AVMT': {
        const { video, audio } = this.mute;
        if (q) return video && audio ? '31' : video ? '11' : audio ? '21' : '30';
        if (!/^[123][01]$/.test(param)) return 'ERR2';
        if (p !== 1) return 'ERR3';
        if (param[0] !== '2') this.mute.video = param[1] === '1';
        if (param[0] !== '1') this.mute.audio = param[1] === '1';
        return 'OK';
      }
      case 'INNM': {
        const code = param.slice(1);
        if (!param.startsWith('?') || !this.inputs().includes(code)) return 'ERR2';
        return this.o.inputNames?.[code] ?? `${TYPE_NAMES[Number(code[0])] ?? 'INPUT'} ${parseInt(code[1] ?? '', 36)}`;
      }
      case 'SVOL':
      case 'MVOL': {
        if (param !== '0' && param !== '1') return 'ERR2';
        const key = body === 'SVOL' ? 'volume' : 'micVolume';
        this[key] = Math.max(0, Math.min(20, this[key] + (param === '1' ? 1 : -1)));
        return 'OK';
      }
      case 'FREZ':
        if (q) return this.frozen ? '1' : '0';
        if (param !== '0' && param !== '1') return 'ERR2';
        this.frozen = param === '1';
        return 'OK';
      default:
        return q ? (this.query(body, cls) ?? 'ERR1') : 'ERR2';
    }
  }

  /** Writes one line (+CR) honouring the reply delay and the nasty modes; resolves when written. */
  private async send(conn: Conn, line: string, isReply: boolean): Promise<void> {
    const mode = this.nasty;
    if (isReply) {
      if (!(await conn.sleep(this.o.replyDelayMs ?? 0))) return;
      if (mode === 'late' && !(await conn.sleep(this.o.lateMs ?? 6000))) return;
      if (mode === 'garbage') {
        const n = 1 + Math.floor(this.random() * 3);
        for (let i = 0; i < n; i++) this.write(conn, this.junkLine());
      }
    }
    const data = Buffer.from(`${line}\r`, 'utf8');
    if (mode !== 'split') {
      this.write(conn, data);
      return;
    }
    for (let i = 0; i < data.length; i++) {
      if (i > 0 && !(await conn.sleep(3))) return;
      this.write(conn, data.subarray(i, i + 1));
    }
  }

  private write(conn: Conn, data: Buffer): boolean {
    if (conn.closed || conn.socket.destroyed) return false;
    this.stats.bytesWritten += data.length;
    return conn.socket.write(data);
  }

  /** A junk line: random bytes, never CR nor '%', not starting with 'P', CR-terminated. */
  private junkLine(): Buffer {
    const len = 1 + Math.floor(this.random() * 40);
    const b = Buffer.alloc(len + 1);
    for (let i = 0; i < len; i++) {
      let c = Math.floor(this.random() * 256);
      if (c === 0x0d || c === 0x25 || (i === 0 && c === 0x50)) c = 0x7e;
      b[i] = c;
    }
    b[len] = 0x0d;
    return b;
  }

  private flood(conn: Conn): void {
    if (this.junk.length === 0) {
      for (let k = 0; k < 4; k++) {
        const b = randomBytes(16 * 1024);
        for (let i = 0; i < b.length; i++) if (b[i] === 0x0d || b[i] === 0x25) b[i] = 0x23;
        this.junk.push(b);
      }
    }
    let k = 0;
    const pump = (): void => {
      while (!conn.closed) {
        const chunk = this.junk[k++ % this.junk.length] ?? Buffer.alloc(1024, 0x23);
        if (!this.write(conn, chunk)) {
          if (!conn.closed) conn.socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  }
}

export class SimFleet {
  readonly sims: PjlinkSimulator[];

  private constructor(sims: PjlinkSimulator[]) { this.sims = sims; }

  static async start(count: number, opts: (i: number) => SimOptions): Promise<SimFleet> {
    const sims = Array.from({ length: count }, (_, i) => new PjlinkSimulator(opts(i)));
    const results = await Promise.allSettled(sims.map((s) => s.start()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(sims.map((s) => s.stop()));
      throw (failed as PromiseRejectedResult).reason;
    }
    return new SimFleet(sims);
  }

  async stop(): Promise<void> {
    await Promise.all(this.sims.map((s) => s.stop()));
  }
}

// ---------------------------------------------------------------- CLI

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const num = (name: string, dflt: number): number => {
    const v = argValue(args, name);
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: not a number: ${v}`);
    return n;
  };
  const [count, basePort, delay, deadPct] = [num('count', 1), num('base-port', 0), num('delay', 0), num('dead', 0)];
  const udpBase = argValue(args, 'udp-base-port');
  const deadCount = Math.min(count, Math.round((count * deadPct) / 100));
  const deadModes = new Map<number, NastyMode>();
  for (let j = 0; j < deadCount; j++) deadModes.set(Math.floor((j * count) / deadCount), j % 2 === 0 ? 'silence' : 'refuse');
  const fleet = await SimFleet.start(count, (i) => ({
    host: argValue(args, 'host') ?? '127.0.0.1',
    port: basePort ? basePort + i : 0,
    udpPort: udpBase === undefined ? null : Number(udpBase) ? Number(udpBase) + i : 0,
    password: argValue(args, 'password') ?? null,
    pjlinkClass: argValue(args, 'class') === '1' ? 1 : 2,
    replyDelayMs: delay,
    nasty: deadModes.get(i) ?? null,
  }));
  const ports = fleet.sims.map((s) => s.port);
  const dead = [...deadModes.keys()].map((i) => ports[i]);
  process.stdout.write(`${JSON.stringify({ ready: true, ports, dead })}\n`);
  const quit = () => void fleet.stop().then(() => process.exit(0), () => process.exit(1));
  process.once('SIGTERM', quit);
  process.once('SIGINT', quit);
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`pjlink-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
