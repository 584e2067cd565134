import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PjlinkDriver } from '../../daemon/src/devices/pjlink/driver.ts';
import { PjlinkError, PjlinkTransport } from '../../daemon/src/devices/pjlink/transport.ts';
import { type PjlinkNotification, PjlinkNotificationListener, search } from '../../daemon/src/devices/pjlink/udp.ts';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

interface Scripted {
  port: number;
  connections: number;
  /** Every line received, per connection number (1-based), CR removed. */
  lines: string[][];
}

/**
 * A raw scripted PJLink server on 127.0.0.1: what `greet(n, sock)` returns is written on connection
 * n (null: nothing), `onLine` gets each CR-terminated line.
 */
async function scripted(
  t: Test,
  greet: (n: number, sock: Socket) => string | null,
  onLine: (line: string, sock: Socket, n: number) => void,
): Promise<Scripted> {
  const info: Scripted = { port: 0, connections: 0, lines: [] };
  const sockets = new Set<Socket>();
  const srv = createServer((sock) => {
    const n = ++info.connections;
    const lines: string[] = [];
    info.lines[n] = lines;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const g = greet(n, sock);
    if (g !== null) sock.write(g);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (let i = buf.indexOf('\r'); i >= 0; i = buf.indexOf('\r')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        onLine(line, sock, n);
      }
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  info.port = (srv.address() as { port: number }).port;
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => srv.close(() => resolve()));
  });
  return info;
}

/** Answers from a table `"%1POWR ?" → "%1POWR=1"` (unknown: ERR1 of the same class and body). */
function table(answers: Record<string, string>): (line: string, sock: Socket) => void {
  return (line, sock) => {
    const cmd = line.slice(line.indexOf('%'));
    sock.write(`${answers[cmd] ?? `${cmd.slice(0, 6)}=ERR1`}\r`);
  };
}

function transport(t: Test, port: number, password: string | null = null, opts = {}): PjlinkTransport {
  const tr = new PjlinkTransport({ host: '127.0.0.1', port, password }, { replyTimeoutMs: 500, ...opts });
  t.teardown(() => tr.close());
  return tr;
}

async function rejection(p: Promise<unknown>): Promise<PjlinkError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PjlinkError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

t.test('no authentication: exact bytes, one connection reused', async (t) => {
  const srv = await scripted(t, () => 'PJLINK 0\r', table({ '%1POWR ?': '%1POWR=1', '%1POWR 1': '%1POWR=OK' }));
  const tr = transport(t, srv.port);
  t.same(await tr.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '1' });
  t.same(await tr.send(1, 'POWR', '1'), { cls: 1, body: 'POWR', value: 'OK' });
  t.same(await tr.send(1, 'LAMP', '?'), { cls: 1, body: 'LAMP', error: 'ERR1' }, 'an error reply resolves');
  t.same(srv.lines[1], ['%1POWR ?', '%1POWR 1', '%1LAMP ?']);
  t.equal(srv.connections, 1);
});

t.test('authentication: digest prefixed to the first command only; ERRA; no password', async (t) => {
  const random = '498e4a67';
  const srv = await scripted(
    t,
    () => `PJLINK 1 ${random}\r`,
    (line, sock) => {
      const first = (srv.lines[srv.connections]?.length ?? 0) === 1;
      if (first && !line.startsWith(md5(random + 'JBMIAProjectorLink'))) {
        sock.end('PJLINK ERRA\r');
        return;
      }
      if (!first && !line.startsWith('%')) return void sock.end('PJLINK ERRA\r');
      table({ '%1POWR ?': '%1POWR=0', '%1NAME ?': '%1NAME=Salle 12' })(line, sock);
    },
  );
  const good = transport(t, srv.port, 'JBMIAProjectorLink');
  t.same(await good.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '0' });
  t.same(await good.send(1, 'NAME', '?'), { cls: 1, body: 'NAME', value: 'Salle 12' });
  t.same(srv.lines[1], ['5d8409bc1c3fa39749434aa3a5c38682%1POWR ?', '%1NAME ?']);

  const bad = transport(t, srv.port, 'wrong');
  const e = await rejection(bad.send(1, 'POWR', '?'));
  t.equal(e.code, 'AUTH');
  t.match(e.message, /Mot de passe/);

  const before = srv.connections;
  const none = transport(t, srv.port, null);
  const e2 = await rejection(none.send(1, 'POWR', '?'));
  t.equal(e2.code, 'AUTH_REQUIRED');
  t.match(e2.message, /mot de passe/);
  t.same(srv.lines[before + 1], [], 'nothing was sent');
});

async function dribble(sock: Socket, s: string): Promise<void> {
  for (const ch of Buffer.from(s, 'utf8')) {
    if (sock.destroyed) return;
    sock.write(Buffer.of(ch));
    await sleep(1);
  }
}

t.test('framing: greeting and reply split byte by byte, LF ignored; two replies in one packet', async (t) => {
  const srv = await scripted(
    t,
    (_n, sock) => {
      void dribble(sock, 'PJLINK 0\r\n');
      return null;
    },
    (line, sock) => {
      if (line.includes('NAME')) void dribble(sock, '\n%1NAME=Salle été\r\n');
      // A stale line and the answer in one packet; then the answer and a stale line.
      if (line.includes('POWR')) sock.write('%1ERST=000000\r%1POWR=1\r');
      if (line.includes('LAMP')) sock.write('%1LAMP=10 1\r%1POWR=0\r');
      if (line.includes('INPT')) sock.write('%1INPT=31\r');
    },
  );
  const tr = transport(t, srv.port);
  t.same(await tr.send(1, 'NAME', '?'), { cls: 1, body: 'NAME', value: 'Salle été' }, 'UTF-8 name');
  t.same(await tr.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '1' });
  t.equal(tr.stats.stray, 1, 'the ERST line was counted and ignored');
  t.same(await tr.send(1, 'LAMP', '?'), { cls: 1, body: 'LAMP', value: '10 1' });
  await sleep(20);
  t.same(await tr.send(1, 'INPT', '?'), { cls: 1, body: 'INPT', value: '31' });
  t.equal(tr.stats.stray, 2, 'the leftover POWR=0 was discarded');
  t.equal(srv.connections, 1);
});

t.test('a late reply after a timeout is never taken for the next command', async (t) => {
  const srv = await scripted(
    t,
    () => 'PJLINK 0\r',
    (_line, sock, n) => {
      if (n === 1) setTimeout(() => sock.writable && sock.write('%1POWR=1\r'), 300);
      else sock.write('%1POWR=0\r');
    },
  );
  const tr = transport(t, srv.port, null, { replyTimeoutMs: 150 });
  const t0 = Date.now();
  const e = await rejection(tr.send(1, 'POWR', '?'));
  t.equal(e.code, 'TIMEOUT');
  t.ok(Date.now() - t0 < 450, 'within the deadline');
  await sleep(200);
  t.same(await tr.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '0' }, 'the answer of the new connection');
  t.equal(srv.connections, 2, 'the timed-out connection was dropped');
});

t.test('idle close by the projector: transparent reconnect and re-authentication', async (t) => {
  const random = 'a1b2c3d4';
  const srv = await scripted(
    t,
    () => `PJLINK 1 ${random}\r`,
    (line, sock, n) => {
      if (srv.lines[n]?.length === 1 && !line.startsWith(md5(random + 'pw') + '%')) return void sock.end('PJLINK ERRA\r');
      table({ '%1POWR ?': '%1POWR=1' })(line, sock);
      setTimeout(() => sock.end(), 30);
    },
  );
  const tr = transport(t, srv.port, 'pw');
  t.same(await tr.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '1' });
  await sleep(100);
  t.same(await tr.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '1' });
  t.equal(srv.connections, 2, 'reconnected');
  t.equal(srv.lines[2]?.[0], `${md5(random + 'pw')}%1POWR ?`, 'authenticated again');
  t.equal(tr.stats.retries, 0, 'the close was seen before sending: no retry needed');
});

t.test('a connection dropped under a command: one retry, except for volume steps', async (t) => {
  // Each connection answers its first command and drops on the second (the idle-close race).
  const srv = await scripted(
    t,
    () => 'PJLINK 0\r',
    (line, sock, n) => {
      if (srv.lines[n]?.length === 2) return void sock.destroy();
      table({ '%1POWR ?': '%1POWR=1', '%1POWR 1': '%1POWR=OK', '%2SVOL 1': '%2SVOL=OK' })(line, sock);
    },
  );
  const tr = transport(t, srv.port);
  t.same(await tr.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '1' });
  t.same(await tr.send(1, 'POWR', '1'), { cls: 1, body: 'POWR', value: 'OK' }, 'a set command is retried');
  t.equal(tr.stats.retries, 1);
  t.same(srv.lines.slice(1), [['%1POWR ?', '%1POWR 1'], ['%1POWR 1']]);
  const e = await rejection(tr.send(2, 'SVOL', '1'));
  t.equal(e.code, 'UNREACHABLE', 'a relative volume step is not retried');
  t.equal(tr.stats.retries, 1);
  t.same(await tr.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '1' }, 'then a fresh connection');
  t.equal(srv.connections, 3);
});

t.test('connection refused → UNREACHABLE quickly; silent server → TIMEOUT', async (t) => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const freePort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const t0 = Date.now();
  const e = await rejection(transport(t, freePort).send(1, 'POWR', '?'));
  t.equal(e.code, 'UNREACHABLE');
  t.match(e.message, /refuse/);
  t.ok(Date.now() - t0 < 1000, 'fast');

  const mute = await scripted(t, () => null, () => {});
  const t1 = Date.now();
  const e2 = await rejection(transport(t, mute.port, null, { replyTimeoutMs: 300 }).send(1, 'POWR', '?'));
  t.equal(e2.code, 'TIMEOUT', 'no greeting');
  t.ok(Date.now() - t1 >= 250 && Date.now() - t1 < 1000, 'within the deadline');

  const deaf = await scripted(t, () => 'PJLINK 0\r', () => {});
  const t2 = Date.now();
  const e3 = await rejection(transport(t, deaf.port, null, { replyTimeoutMs: 300 }).send(1, 'POWR', '?'));
  t.equal(e3.code, 'TIMEOUT', 'no reply');
  t.ok(Date.now() - t2 < 1000);
});

t.test('garbage floods drop the connection; a fresh connection then works', async (t) => {
  let written = 0;
  const srv = await scripted(
    t,
    () => 'PJLINK 0\r',
    (_line, sock, n) => {
      if (n === 1) {
        // Megabytes without a CR.
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = (): void => {
          while (!sock.destroyed && written < 32 * 1024 * 1024) {
            written += chunk.length;
            if (!sock.write(chunk)) return void sock.once('drain', pump);
          }
        };
        pump();
      } else if (n === 2) {
        for (let i = 0; i < 1000; i++) sock.write('%1ERST=000000\rgarbage\r');
      } else sock.write('%1POWR=1\r');
    },
  );
  const tr = transport(t, srv.port, null, { maxLineBytes: 512 });
  const e = await rejection(tr.send(1, 'POWR', '?'));
  t.equal(e.code, 'PROTOCOL');
  t.match(e.message, /trop longue/);
  await sleep(50);
  t.ok(written < 32 * 1024 * 1024, `the flood stopped early (${written} bytes)`);
  const e2 = await rejection(tr.send(1, 'POWR', '?'));
  t.equal(e2.code, 'PROTOCOL', 'endless unrelated lines');
  t.ok(tr.stats.stray <= 40, `few stray lines examined (${tr.stats.stray})`);
  t.same(await tr.send(1, 'POWR', '?'), { cls: 1, body: 'POWR', value: '1' });
  t.equal(srv.connections, 3);
});

t.test('commands are strictly serialized; the queue is bounded; close() rejects', async (t) => {
  let waiting = false;
  let overlaps = 0;
  const srv = await scripted(
    t,
    () => 'PJLINK 0\r',
    (line, sock) => {
      if (waiting) overlaps++;
      waiting = true;
      setTimeout(() => {
        waiting = false;
        sock.write(`${line.slice(0, 6)}=${line.slice(7)}\r`);
      }, 3);
    },
  );
  const tr = transport(t, srv.port);
  const bodies = ['POWR', 'INPT', 'AVMT', 'ERST', 'LAMP', 'NAME', 'INF1', 'INF2', 'INFO', 'CLSS'];
  const replies = await Promise.all(bodies.map((b, i) => tr.send(1, b, String(i))));
  t.same(
    replies,
    bodies.map((body, i) => ({ cls: 1, body, value: String(i) })),
  );
  t.equal(overlaps, 0, 'never a second command before the answer');
  t.same(srv.lines[1], bodies.map((b, i) => `%1${b} ${i}`), 'in order');

  const slow = await scripted(t, () => 'PJLINK 0\r', () => {});
  const tr2 = transport(t, slow.port, null, { replyTimeoutMs: 5000 });
  const all = Array.from({ length: 40 }, () => tr2.send(1, 'POWR', '?').then(() => 'ok', (e: PjlinkError) => e.code));
  await sleep(50);
  tr2.close();
  const codes = await Promise.all(all);
  t.equal(codes.filter((c) => c === 'BUSY').length, 7, '1 in flight + 32 waiting, the rest refused');
  t.equal(codes.filter((c) => c === 'CLOSED').length, 33);
  t.same(slow.lines[1], ['%1POWR ?'], 'only one was sent');
  t.rejects(tr2.send(1, 'POWR', 'bad\r'), { code: 'INVALID' });
});

// ---- driver ----

const CLASS1: Record<string, string> = {
  '%1CLSS ?': '%1CLSS=Class 1', '%1POWR ?': '%1POWR=0', '%1INPT ?': '%1INPT=ERR3', '%1AVMT ?': '%1AVMT=ERR3',
  '%1ERST ?': '%1ERST=000100', '%1LAMP ?': '%1LAMP=1500 0', '%1NAME ?': '%1NAME=Salle 101',
  '%1INF1 ?': '%1INF1=OPTOMA', '%1INF2 ?': '%1INF2=X351', '%1INFO ?': '%1INFO=', '%1INST ?': '%1INST=11 31 32',
  '%1POWR 1': '%1POWR=OK', '%1INPT 31': '%1INPT=OK', '%1AVMT 11': '%1AVMT=OK', '%1AVMT 21': '%1AVMT=ERR2',
};

const CLASS2: Record<string, string> = {
  '%1CLSS ?': '%1CLSS=2', '%1POWR ?': '%1POWR=1', '%2INPT ?': '%2INPT=3A', '%1AVMT ?': '%1AVMT=31',
  '%1ERST ?': '%1ERST=000010', '%1LAMP ?': '%1LAMP=ERR1', '%2FILT ?': '%2FILT=120', '%1NAME ?': '%1NAME=Labo',
  '%1INF1 ?': '%1INF1=EPSON', '%1INF2 ?': '%1INF2=EB-L200', '%1INFO ?': '%1INFO=laser',
  '%2INST ?': '%2INST=11 3A 61', '%2SNUM ?': '%2SNUM=X5KJ1234', '%2SVER ?': '%2SVER=1.02',
  '%2RLMP ?': '%2RLMP=', '%2RFIL ?': '%2RFIL=ELPAF60 ELPAF61', '%2INPT 3A': '%2INPT=OK',
  '%2FREZ 1': '%2FREZ=OK', '%2SVOL 0': '%2SVOL=OK',
};

t.test('driver: status of a class 1 projector in standby (quirky CLSS)', async (t) => {
  const srv = await scripted(t, () => 'PJLINK 0\r', table(CLASS1));
  const d = new PjlinkDriver({ host: '127.0.0.1', port: srv.port }, { replyTimeoutMs: 500 });
  t.teardown(() => d.close());
  const s = await d.status({ identity: true });
  t.same(s, {
    power: 'off',
    input: null,
    mute: null,
    lamps: [{ hours: 1500, on: false }],
    filterHours: null,
    errors: { fan: 'ok', lamp: 'ok', temperature: 'ok', cover: 'warning', filter: 'ok', other: 'ok' },
    refused: { INPT: 'ERR3', AVMT: 'ERR3' },
    pjlinkClass: 1,
    name: 'Salle 101',
    manufacturer: 'OPTOMA',
    model: 'X351',
    info: null,
    inputs: ['11', '31', '32'],
    serial: null,
    softwareVersion: null,
    lampModels: [],
    filterModels: [],
  });
  t.notOk(srv.lines.flat().some((l) => l.startsWith('%2')), 'no class 2 command sent');
  const quick = await d.status();
  t.equal(quick.name, undefined, 'identity only when asked');
  t.equal(srv.lines.flat().filter((l) => l === '%1CLSS ?').length, 1, 'class cached');

  await d.power(true);
  await d.input('31');
  await d.mute(true, 'video');
  const e = await rejection(d.mute(true, 'audio'));
  t.equal(e.code, 'ERR2');
  t.match(e.message, /Valeur refusée/);
  t.equal((await rejection(d.input('3A'))).code, 'ERR1', 'class 2 input on class 1');
  t.equal((await rejection(d.input('77'))).code, 'INVALID');
  t.equal((await rejection(d.freeze(true))).code, 'ERR1');
  t.notOk(srv.lines.flat().some((l) => l.includes('3A') || l.includes('77') || l.includes('FREZ')), 'refused locally');
});

t.test('driver: class 2 projector (laser: LAMP ERR1), actions, transport failure', async (t) => {
  const srv = await scripted(t, () => 'PJLINK 0\r', table(CLASS2));
  const d = new PjlinkDriver({ host: '127.0.0.1', port: srv.port }, { replyTimeoutMs: 500 });
  t.teardown(() => d.close());
  const s = await d.status({ identity: true });
  t.equal(s.pjlinkClass, 2);
  t.equal(s.power, 'on');
  t.equal(s.input, '3A');
  t.same(s.mute, { video: true, audio: true });
  t.same(s.lamps, [], 'no lamp');
  t.same(s.refused, { LAMP: 'ERR1' });
  t.equal(s.filterHours, 120);
  t.equal(s.errors?.filter, 'warning');
  t.equal(s.serial, 'X5KJ1234');
  t.equal(s.softwareVersion, '1.02');
  t.same(s.inputs, ['11', '3A', '61']);
  t.same(s.lampModels, []);
  t.same(s.filterModels, ['ELPAF60', 'ELPAF61']);
  await d.input('3a');
  await d.freeze(true);
  await d.volume(false);
  t.ok(srv.lines[1]?.includes('%2INPT 3A') && srv.lines[1]?.includes('%2FREZ 1') && srv.lines[1]?.includes('%2SVOL 0'));

  const half = await scripted(
    t,
    () => 'PJLINK 0\r',
    (line, sock) => {
      if (!line.includes('INPT')) table(CLASS2)(line, sock);
    },
  );
  const d2 = new PjlinkDriver({ host: '127.0.0.1', port: half.port }, { replyTimeoutMs: 200, pjlinkClass: 2 });
  t.teardown(() => d2.close());
  t.equal((await rejection(d2.status())).code, 'TIMEOUT', 'a silent query fails the status');
});

// ---- UDP ----

t.test('udp: class 2 search collects ACKN, ignores garbage and duplicates', async (t) => {
  const responder = createSocket('udp4');
  const got: string[] = [];
  responder.on('message', (msg, r) => {
    got.push(msg.toString('latin1'));
    for (const reply of ['%2ACKN=00:1A:2B:3C:4D:5E\r', 'hello', '%2ACKN=zz\r', '%2ACKN=00:1a:2b:3c:4d:5e\r', '%2ACKN=00:1a:2b:3c:4d:5f\r']) {
      responder.send(reply, r.port, r.address);
    }
  });
  await new Promise<void>((resolve) => responder.bind(0, '127.0.0.1', resolve));
  t.teardown(() => responder.close());
  const t0 = Date.now();
  const found = await search({ addresses: ['127.0.0.1'], port: responder.address().port, seconds: 0.3 });
  t.ok(Date.now() - t0 >= 280, 'waited the whole time');
  t.same(got, ['%2SRCH\r']);
  t.same(
    found.sort((a, b) => a.mac.localeCompare(b.mac)),
    [
      { mac: '00:1a:2b:3c:4d:5e', host: '127.0.0.1' },
      { mac: '00:1a:2b:3c:4d:5f', host: '127.0.0.1' },
    ],
  );
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const t1 = Date.now();
  await search({ addresses: ['127.0.0.1'], port: responder.address().port, seconds: 10, signal: ac.signal });
  t.ok(Date.now() - t1 < 1000, 'an abort ends the search early');
});

t.test('udp: notification listener emits valid messages, drops garbage and floods', async (t) => {
  const listener = new PjlinkNotificationListener();
  await listener.start({ port: 0, host: '127.0.0.1' });
  t.teardown(() => listener.stop());
  const port = listener.port ?? 0;
  t.ok(port > 0, 'bound port exposed');
  const seen: PjlinkNotification[] = [];
  listener.on('notification', (n) => seen.push(n));
  const sender = createSocket('udp4');
  const flooder = createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => flooder.bind(0, '127.0.0.2', resolve));
  t.teardown(() => {
    sender.close();
    flooder.close();
  });
  const messages = ['%2LKUP=00:1A:2B:3C:4D:5E\r', '%2ERST=000200\r', '%2POWR=1\r', '%2INPT=3a\r'];
  const garbage = ['hello', '%2POWR=9\r', '%2ERST=12\r', '%1POWR=1\r', '%2INPT=71\r', 'x'.repeat(400)];
  for (const m of [...messages, ...garbage]) sender.send(m, port, '127.0.0.1');
  for (let i = 0; i < 200; i++) flooder.send('%2POWR=2\r', port, '127.0.0.1');
  const deadline = Date.now() + 3000;
  while (listener.stats.received < 210 && Date.now() < deadline) await sleep(10);
  t.equal(listener.stats.received, 210);
  const fromSender = seen.filter((n) => n.host === '127.0.0.1');
  t.same(fromSender, [
    { host: '127.0.0.1', kind: 'LKUP', value: '00:1a:2b:3c:4d:5e', mac: '00:1a:2b:3c:4d:5e' },
    { host: '127.0.0.1', kind: 'ERST', value: '000200' },
    { host: '127.0.0.1', kind: 'POWR', value: '1' },
    { host: '127.0.0.1', kind: 'INPT', value: '3A' },
  ]);
  t.equal(listener.stats.garbage, garbage.length);
  const flood = seen.filter((n) => n.host === '127.0.0.2').length;
  t.ok(flood >= 20 && flood <= 40, `the flood was rate-limited (${flood} emitted)`);
  t.equal(listener.stats.rateLimited, 200 - flood);

  // The listener's own socket can search (it keeps port 4352 in real use).
  const responder = createSocket('udp4');
  responder.on('message', (_m, r) => responder.send('%2ACKN=aa:bb:cc:dd:ee:ff\r', r.port, r.address));
  await new Promise<void>((resolve) => responder.bind(0, '127.0.0.1', resolve));
  t.teardown(() => responder.close());
  const found = await listener.search({ addresses: ['127.0.0.1'], port: responder.address().port, seconds: 0.2 });
  t.same(found, [{ mac: 'aa:bb:cc:dd:ee:ff', host: '127.0.0.1' }]);
});
