import t from 'tap';
import { io, type Socket } from 'socket.io-client';
import { login, startTestApp } from '../helpers.ts';

function connect(url: string, opts: Parameters<typeof io>[1]): Socket {
  return io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
}

t.test('socket.io: refused without a session, snapshot then live events with one', async (t) => {
  const app = await startTestApp(t);
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  const anon = connect(url, {});
  const refused = await new Promise<string>((resolve) => anon.on('connect_error', (e) => resolve(e.message)));
  t.equal(refused, 'UNAUTHENTICATED');
  anon.close();

  const bad = connect(url, { extraHeaders: { cookie: 'trousse_sid=forged' } });
  t.equal(await new Promise<string>((resolve) => bad.on('connect_error', (e) => resolve(e.message))), 'UNAUTHENTICATED');
  bad.close();

  const s = await login(app);
  const sock = connect(url, { extraHeaders: { cookie: s.cookie } });
  t.teardown(() => sock.close());
  const snapshot = await new Promise<{ status: { dc: { state: string } }; events: unknown[] }>((resolve) => sock.on('snapshot', resolve));
  t.equal(snapshot.status.dc.state, 'running');
  t.ok(Array.isArray(snapshot.events));
  const next = new Promise<{ event: { message: string; level: string } }>((resolve) => sock.on('event', resolve));
  app.journal.record('error', 'test', 'test.live', 'Événement en direct');
  t.match(await next, { event: { message: 'Événement en direct', level: 'error' } });

  // logging out closes the session's live connection
  const closed = new Promise<string>((resolve) => sock.on('disconnect', (reason) => resolve(reason)));
  const out = await app.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
  t.equal(out.statusCode, 204);
  t.equal(await closed, 'io server disconnect');
});

t.test('socket.io with an API token', async (t) => {
  const app = await startTestApp(t);
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const { token } = app.auth.createToken('live', 'administrator', 'test');
  const sock = connect(url, { auth: { token } });
  t.teardown(() => sock.close());
  const snapshot = await new Promise<{ status: { school: { uai: string } } }>((resolve) => sock.on('snapshot', resolve));
  t.equal(snapshot.status.school.uai, '0999999Z');
});
