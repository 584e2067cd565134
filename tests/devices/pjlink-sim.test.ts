import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PjlinkSimulator, SimFleet, type SimOptions } from './pjlink-sim.ts';

/** Raw TCP client: collects CR-terminated lines and the individual data chunks. */
class RawClient {
  readonly socket: net.Socket;
  readonly chunks: number[] = [];
  bytes = 0;
  closed = false;
  private buf = '';
  private readonly lines: string[] = [];
  private wake: (() => void) | null = null;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.bytes += d.length;
      if (this.chunks.length < 10_000) this.chunks.push(d.length);
      this.buf += d.toString('latin1');
      let i = this.buf.indexOf('\r');
      while (i >= 0) {
        this.lines.push(this.buf.slice(0, i));
        this.buf = this.buf.slice(i + 1);
        i = this.buf.indexOf('\r');
      }
      if (this.buf.length > 1 << 20) this.buf = '';
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new RawClient(s));
      });
    });
  }

  /** The next line, null if the connection closed; throws after timeoutMs. */
  async line(timeoutMs = 2000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for a line');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.lines.shift() ?? null;
  }

  /** True if nothing at all arrives (and the socket stays open) for ms. */
  async quiet(ms: number): Promise<boolean> {
    const before = this.bytes;
    await sleep(ms);
    return this.bytes === before && !this.closed;
  }

  async waitClose(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await sleep(10);
    return this.closed;
  }

  send(line: string): void {
    this.socket.write(`${line}\r`);
  }

  async cmd(line: string): Promise<string | null> {
    this.send(line);
    return this.line();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

async function sim(t: Test, opts: SimOptions = {}): Promise<PjlinkSimulator> {
  const s = new PjlinkSimulator(opts);
  await s.start();
  t.teardown(() => s.stop());
  return s;
}

async function client(t: Test, s: PjlinkSimulator): Promise<RawClient> {
  const c = await RawClient.connect(s.port);
  t.teardown(() => c.destroy());
  return c;
}

/** Connects, checks the no-auth greeting and returns a ready client. */
async function ready(t: Test, s: PjlinkSimulator): Promise<RawClient> {
  const c = await client(t, s);
  t.equal(await c.line(), 'PJLINK 0', 'greeting without auth');
  return c;
}

t.test('greeting without authentication, commands answered directly', async (t) => {
  const s = await sim(t);
  const c = await ready(t, s);
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=0');
  t.equal(s.stats.connections, 1);
  t.same(s.stats.commandLog, ['%1POWR ?']);
});

t.test('authentication: fresh token, correct digest accepted, wrong or missing digest → ERRA + close', async (t) => {
  const s = await sim(t, { password: 'sEcret' });
  const c = await client(t, s);
  const g = (await c.line()) ?? '';
  const m = /^PJLINK 1 (\S{8})$/.exec(g);
  t.ok(m, `auth greeting: ${g}`);
  const token = m?.[1] ?? '';
  t.equal(await c.cmd(`${md5(token + 'sEcret')}%1POWR ?`), '%1POWR=0', 'digest + first command');
  t.equal(await c.cmd('%1CLSS ?'), '%1CLSS=2', 'later commands are plain');
  t.same(s.stats.commandLog, ['%1POWR ?', '%1CLSS ?'], 'log without the digest');

  const c2 = await client(t, s);
  const g2 = (await c2.line()) ?? '';
  t.not(g2, g, 'a new token per connection');
  t.equal(await c2.cmd(`${md5(g2.slice(9) + 'wrong')}%1POWR ?`), 'PJLINK ERRA');
  t.ok(await c2.waitClose(1000), 'closed after ERRA');

  const c3 = await client(t, s);
  await c3.line();
  t.equal(await c3.cmd('%1POWR ?'), 'PJLINK ERRA', 'missing digest');
  t.ok(await c3.waitClose(1000));
  t.equal(s.stats.authFailures, 2);
});

t.test('class 1 commands, query and set forms', async (t) => {
  const s = await sim(t, { pjlinkClass: 1, name: 'Salle 104 — vidéo', manufacturer: 'ACME', model: 'PJ-1', info: '' });
  const c = await ready(t, s);
  t.equal(await c.cmd('%1CLSS ?'), '%1CLSS=1');
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=0');
  t.equal(await c.cmd('%1LAMP ?'), '%1LAMP=1200 0');
  t.equal(await c.cmd('%1POWR 1'), '%1POWR=OK');
  t.equal(await c.cmd('%1POWR 1'), '%1POWR=OK', 'POWR 1 while on');
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=1');
  t.equal(s.power, 1);
  t.equal(await c.cmd('%1LAMP ?'), '%1LAMP=1200 1');
  t.equal(await c.cmd('%1INPT ?'), '%1INPT=11');
  t.equal(await c.cmd('%1INPT 31'), '%1INPT=OK');
  t.equal(await c.cmd('%1INPT ?'), '%1INPT=31');
  t.equal(s.input, '31');
  t.equal(await c.cmd('%1AVMT ?'), '%1AVMT=30');
  t.equal(await c.cmd('%1AVMT 11'), '%1AVMT=OK');
  t.equal(await c.cmd('%1AVMT ?'), '%1AVMT=11');
  t.equal(await c.cmd('%1AVMT 21'), '%1AVMT=OK');
  t.equal(await c.cmd('%1AVMT ?'), '%1AVMT=31');
  t.equal(await c.cmd('%1AVMT 10'), '%1AVMT=OK');
  t.equal(await c.cmd('%1AVMT ?'), '%1AVMT=21');
  t.equal(await c.cmd('%1AVMT 30'), '%1AVMT=OK');
  t.same(s.mute, { video: false, audio: false });
  t.equal(await c.cmd('%1ERST ?'), '%1ERST=000000');
  s.setError('fan', 1);
  s.setError('other', 2);
  t.equal(await c.cmd('%1ERST ?'), '%1ERST=100002');
  t.equal(await c.cmd('%1INST ?'), '%1INST=11 31 32 51');
  const name = await c.cmd('%1NAME ?');
  t.equal(Buffer.from(name ?? '', 'latin1').toString('utf8'), '%1NAME=Salle 104 — vidéo', 'UTF-8 name');
  t.equal(await c.cmd('%1INF1 ?'), '%1INF1=ACME');
  t.equal(await c.cmd('%1INF2 ?'), '%1INF2=PJ-1');
  t.equal(await c.cmd('%1INFO ?'), '%1INFO=', 'empty INFO');
  t.equal(await c.cmd('%1POWR 0'), '%1POWR=OK');
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=0');
});

t.test('class 2 commands and class echo', async (t) => {
  const s = await sim(t, { serial: 'SN42', softwareVersion: '2.1', inputs: ['11', '3A', '61'], lamps: [{ hours: 10 }, { hours: 20 }], filterHours: 55 });
  const c = await ready(t, s);
  t.equal(await c.cmd('%2CLSS ?'), '%2CLSS=2', 'a %2 query answered %2');
  t.equal(await c.cmd('%1CLSS ?'), '%1CLSS=2', 'a %1 query answered %1');
  t.equal(await c.cmd('%2SNUM ?'), '%2SNUM=SN42');
  t.equal(await c.cmd('%2SVER ?'), '%2SVER=2.1');
  t.equal(await c.cmd('%2INST ?'), '%2INST=11 3A 61');
  t.equal(await c.cmd('%1INST ?'), '%1INST=11', 'class 1 INST lists class 1 inputs only');
  t.equal(await c.cmd('%2INNM ?3A'), '%2INNM=DIGITAL 10');
  t.equal(await c.cmd('%2INNM ?32'), '%2INNM=ERR2', 'unknown input');
  t.equal(await c.cmd('%2IRES ?'), '%2IRES=-', 'no signal in standby');
  t.equal(await c.cmd('%2POWR 1'), '%2POWR=OK');
  t.equal(await c.cmd('%2IRES ?'), '%2IRES=1920x1080');
  t.equal(await c.cmd('%2RRES ?'), '%2RRES=1920x1080');
  t.equal(await c.cmd('%2INPT 61'), '%2INPT=OK');
  t.equal(await c.cmd('%2INPT ?'), '%2INPT=61');
  t.equal(await c.cmd('%1INPT 3A'), '%1INPT=ERR2', 'base-36 input number is class 2 only');
  t.equal(await c.cmd('%2INPT 3A'), '%2INPT=OK');
  t.equal(await c.cmd('%2LAMP ?'), '%2LAMP=10 1 20 1');
  t.equal(await c.cmd('%2FILT ?'), '%2FILT=55');
  t.equal(await c.cmd('%2RLMP ?'), '%2RLMP=LMP-SIM1');
  t.equal(await c.cmd('%2RFIL ?'), '%2RFIL=FLT-SIM1');
  t.equal(await c.cmd('%2SVOL 1'), '%2SVOL=OK');
  t.equal(s.volume, 11);
  t.equal(await c.cmd('%2MVOL 0'), '%2MVOL=OK');
  t.equal(s.micVolume, 9);
  t.equal(await c.cmd('%2SVOL 5'), '%2SVOL=ERR2');
  t.equal(await c.cmd('%2FREZ ?'), '%2FREZ=0');
  t.equal(await c.cmd('%2FREZ 1'), '%2FREZ=OK');
  t.equal(await c.cmd('%2FREZ ?'), '%2FREZ=1');
  t.ok(s.frozen);
  t.equal(await c.cmd('%1SNUM ?'), '%1SNUM=ERR1', 'class 2 command sent as %1');
});

t.test('ERR1 / ERR2 / ERR3 / ERR4', async (t) => {
  const s1 = await sim(t, { pjlinkClass: 1 });
  const c1 = await ready(t, s1);
  t.equal(await c1.cmd('%2SNUM ?'), '%2SNUM=ERR1', 'class 2 command to a class 1 projector');
  t.equal(await c1.cmd('%2POWR ?'), '%2POWR=ERR1', '%2 prefix to a class 1 projector');
  t.equal(await c1.cmd('%1XYZW ?'), '%1XYZW=ERR1', 'unknown body');
  t.equal(await c1.cmd('%1POWR 7'), '%1POWR=ERR2');
  t.equal(await c1.cmd('%1INPT 99'), '%1INPT=ERR2');
  t.equal(await c1.cmd('%1INPT 12'), '%1INPT=ERR2', 'input not fitted');
  t.equal(await c1.cmd('%1AVMT 41'), '%1AVMT=ERR2');
  t.equal(await c1.cmd('%1ERST 1'), '%1ERST=ERR2', 'query-only command with a value');
  t.equal(await c1.cmd('%1INPT 31'), '%1INPT=ERR3', 'INPT in standby');
  t.equal(await c1.cmd('%1AVMT 11'), '%1AVMT=ERR3', 'AVMT in standby');
  s1.failing = true;
  t.equal(await c1.cmd('%1POWR 1'), '%1POWR=ERR4', 'projector failure');

  const s2 = await sim(t, { lamps: [], filterHours: null, cooldownMs: 300 });
  const c2 = await ready(t, s2);
  t.equal(await c2.cmd('%1LAMP ?'), '%1LAMP=ERR1', 'laser: no lamp');
  t.equal(await c2.cmd('%2FILT ?'), '%2FILT=ERR1', 'no filter');
  s2.power = 1;
  t.equal(await c2.cmd('%1POWR 0'), '%1POWR=OK');
  t.equal(await c2.cmd('%1POWR ?'), '%1POWR=2', 'cooling');
  t.equal(await c2.cmd('%1POWR 1'), '%1POWR=ERR3', 'POWR 1 while cooling');
  await sleep(400);
  t.equal(await c2.cmd('%1POWR ?'), '%1POWR=0', 'standby after the cool-down');
});

t.test('warm-up: 3 then 1', async (t) => {
  const s = await sim(t, { warmupMs: 200 });
  const c = await ready(t, s);
  t.equal(await c.cmd('%1POWR 1'), '%1POWR=OK');
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=3');
  t.equal(await c.cmd('%1INPT 31'), '%1INPT=ERR3', 'INPT while warming up');
  await sleep(300);
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=1');
});

t.test('lamp and filter hours advance while on (injected clock, fractional)', async (t) => {
  let now = 1_000_000;
  const s = await sim(t, { hoursPerSecond: 0.4, now: () => now, filterHours: 10 });
  const c = await ready(t, s);
  for (let i = 0; i < 3; i++) {
    s.setPower(true);
    now += 1000;
    s.setPower(false);
    now += 50_000; // off: no advance
  }
  t.same(s.lampHours(), [1201], '3 × 0.4 h accumulate to 1.2 h');
  t.equal(s.filterHours(), 11);
  s.setPower(true);
  now += 2000;
  t.equal(await c.cmd('%1LAMP ?'), '%1LAMP=1202 1', 'floor(1202.0) while on');
  t.equal(await c.cmd('%2FILT ?'), '%2FILT=12');

  const fast = await sim(t, { hoursPerSecond: 3600 });
  fast.setPower(true);
  await sleep(300);
  const h = fast.lampHours()[0] ?? 0;
  t.ok(h >= 1200 + 900, `real clock: ${h} h after 0.3 s at 3600 h/s`);
});

t.test('pipelined commands are answered in order and counted', async (t) => {
  const s = await sim(t, { replyDelayMs: 30 });
  const c = await ready(t, s);
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=0');
  t.equal(s.stats.maxConcurrentCommandsPerConnection, 1, 'serialized client');
  c.socket.write('%1POWR 1\r%1POWR ?\r%1CLSS ?\r');
  t.same([await c.line(), await c.line(), await c.line()], ['%1POWR=OK', '%1POWR=1', '%1CLSS=2']);
  t.equal(s.stats.maxConcurrentCommandsPerConnection, 3);
  t.equal(s.stats.commands, 4);
});

t.test('idle connections are closed', async (t) => {
  const s = await sim(t, { idleCloseMs: 200 });
  const c = await ready(t, s);
  const t0 = Date.now();
  t.ok(await c.waitClose(1500), 'closed by the projector');
  t.ok(Date.now() - t0 >= 150, 'not before the idle delay');
  await sleep(20);
  t.equal(s.stats.concurrentConnections, 0);
});

t.test('UDP search: %2SRCH → %2ACKN=<mac>', async (t) => {
  const s = await sim(t, { udpPort: 0 });
  const s1 = await sim(t, { udpPort: 0, pjlinkClass: 1 });
  t.ok(s.udpPort && s.udpPort > 0, 'udp port known');
  t.match(s.mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  const sock = dgram.createSocket('udp4');
  t.teardown(() => sock.close());
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  sock.send('%2XXXX\r', s.udpPort ?? 0, '127.0.0.1');
  sock.send('%2SRCH\r', s1.udpPort ?? 0, '127.0.0.1');
  await sleep(150);
  t.same(got, [], 'junk and class 1 projectors ignored');
  sock.send('%2SRCH\r', s.udpPort ?? 0, '127.0.0.1');
  await sleep(150);
  t.same(got, [`%2ACKN=${s.mac}\r`]);
});

t.test('UDP notifications: LKUP at start, POWR / ERST / INPT on change', async (t) => {
  const sock = dgram.createSocket('udp4');
  t.teardown(() => sock.close());
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const s = await sim(t, { notifyTo: { host: '127.0.0.1', port: sock.address().port }, warmupMs: 50, mac: '00:11:22:33:44:55' });
  await sleep(50);
  t.same(got.splice(0), ['%2LKUP=00:11:22:33:44:55\r']);
  s.setPower(true);
  await sleep(150);
  t.same(got.splice(0), ['%2POWR=3\r', '%2POWR=1\r']);
  s.setError('lamp', 2);
  s.setError('lamp', 2);
  await sleep(50);
  t.same(got.splice(0), ['%2ERST=020000\r'], 'once, on change');
  const c = await ready(t, s);
  t.equal(await c.cmd('%1INPT 32'), '%1INPT=OK');
  await sleep(50);
  t.same(got.splice(0), ['%2INPT=32\r']);
});

t.test('nasty: garbage lines around valid replies', async (t) => {
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const s = await sim(t, { nasty: 'garbage', random });
  const c = await ready(t, s);
  const replies: string[] = [];
  let junk = 0;
  for (const cmd of ['%1POWR ?', '%1CLSS ?', '%1ERST ?']) {
    c.send(cmd);
    for (;;) {
      const l = (await c.line()) ?? '';
      if (l.startsWith('%')) {
        replies.push(l);
        break;
      }
      junk++;
    }
  }
  t.same(replies, ['%1POWR=0', '%1CLSS=2', '%1ERST=000000'], 'valid replies still come');
  t.ok(junk >= 3, `junk lines seen: ${junk}`);
});

t.test('nasty: split delivers one byte per packet', async (t) => {
  const s = await sim(t, { nasty: 'split' });
  const c = await ready(t, s);
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=0');
  t.ok(c.chunks.length >= 15, `${c.chunks.length} packets for 19 bytes`);
  t.ok(Math.max(...c.chunks) <= 2, 'tiny packets');
});

t.test('nasty: late replies', async (t) => {
  const s = await sim(t, { nasty: 'late', lateMs: 1500 });
  const c = await ready(t, s);
  const t0 = Date.now();
  c.send('%1POWR ?');
  t.ok(await c.quiet(1000), 'nothing within 1 s');
  t.equal(await c.line(2000), '%1POWR=0');
  t.ok(Date.now() - t0 >= 1400, 'reply after lateMs');
});

t.test('nasty: drop after the greeting or after the first command', async (t) => {
  const early = await sim(t, { nasty: 'drop', random: () => 0.1 });
  const c1 = await client(t, early);
  t.equal(await c1.line(), 'PJLINK 0');
  t.ok(await c1.waitClose(1000), 'dropped after the greeting');
  const late = await sim(t, { nasty: 'drop', random: () => 0.9 });
  const c2 = await ready(t, late);
  c2.send('%1POWR ?');
  t.equal(await c2.line(), null, 'closed without a reply');
});

t.test('nasty: erra whatever the digest', async (t) => {
  const s = await sim(t, { nasty: 'erra' });
  const c = await client(t, s);
  const g = (await c.line()) ?? '';
  t.match(g, /^PJLINK 1 \S{8}$/, 'asks for authentication even without a password');
  t.equal(await c.cmd(`${md5(g.slice(9))}%1POWR ?`), 'PJLINK ERRA');
  t.ok(await c.waitClose(1000));
});

t.test('nasty: silence, refuse, and switching modes', async (t) => {
  const s = await sim(t, { nasty: 'silence' });
  const c = await client(t, s);
  c.send('%1POWR ?');
  t.ok(await c.quiet(500), 'not even a greeting within 500 ms');

  const r = await sim(t, { nasty: 'refuse' });
  t.ok(r.port > 0, 'port known');
  await t.rejects(RawClient.connect(r.port), { code: 'ECONNREFUSED' });
  await r.setNasty(null);
  const c2 = await ready(t, r);
  t.equal(await c2.cmd('%1POWR ?'), '%1POWR=0', 'listening again');
  await r.setNasty('refuse');
  t.ok(await c2.waitClose(1000), 'existing connections dropped');
  await t.rejects(RawClient.connect(r.port), { code: 'ECONNREFUSED' });
});

t.test('nasty: flood sends junk fast and stops when the client closes', async (t) => {
  const s = await sim(t, { nasty: 'flood' });
  const c = await client(t, s);
  const t0 = Date.now();
  while (c.bytes < 200_000 && Date.now() - t0 < 3000) await sleep(10);
  t.ok(c.bytes > 100_000, `${c.bytes} bytes in ${Date.now() - t0} ms`);
  c.destroy();
  await sleep(100);
  const written = s.stats.bytesWritten;
  await sleep(200);
  t.equal(s.stats.bytesWritten, written, 'no more writes after close');
  t.equal(s.stats.concurrentConnections, 0);
});

t.test('SimFleet of 20 starts and stops', async (t) => {
  const fleet = await SimFleet.start(20, (i) => ({ name: `pj-${i}` }));
  const ports = fleet.sims.map((s) => s.port);
  t.equal(new Set(ports).size, 20, 'distinct ports');
  const c = await RawClient.connect(ports[7] ?? 0);
  t.equal(await c.line(), 'PJLINK 0');
  t.equal(await c.cmd('%1NAME ?'), '%1NAME=pj-7');
  await fleet.stop();
  t.equal(await c.line(), null, 'connections closed by stop()');
  await t.rejects(RawClient.connect(ports[3] ?? 0), { code: 'ECONNREFUSED' });
});

t.test('start() on a busy port rejects and leaves nothing open', async (t) => {
  const s = await sim(t);
  const dup = new PjlinkSimulator({ port: s.port, udpPort: 0 });
  await t.rejects(dup.start(), { code: 'EADDRINUSE' });
  t.equal(dup.udpPort, 0, 'the UDP socket was never kept');
});

t.test('CLI: fleet with dead devices, JSON ready line, SIGTERM', async (t) => {
  const file = fileURLToPath(new URL('./pjlink-sim.ts', import.meta.url));
  const child = spawn(process.execPath, [file, '--count', '6', '--dead', '50', '--delay', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill('SIGKILL'));
  const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const info = JSON.parse(first) as { ready: boolean; ports: number[]; dead: number[] };
  t.equal(info.ready, true);
  t.equal(info.ports.length, 6);
  t.equal(info.dead.length, 3);
  const alive = info.ports.find((p) => !info.dead.includes(p)) ?? 0;
  const c = await RawClient.connect(alive);
  t.equal(await c.line(), 'PJLINK 0');
  t.equal(await c.cmd('%1POWR ?'), '%1POWR=0');
  c.destroy();
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  t.equal(code, 0, 'clean exit on SIGTERM');
});
