import t from 'tap';
import { EventBus } from '../../daemon/src/core/events.ts';
import { Lifecycle, type Service } from '../../daemon/src/core/lifecycle.ts';
import { Scheduler } from '../../daemon/src/core/scheduler.ts';
import { createLogger } from '../../daemon/src/core/logger.ts';
import { hashPassword, verifyPassword, generatePassword } from '../../daemon/src/core/passwords.ts';
import { scrubSecrets } from '../../daemon/src/core/audit.ts';
import { run, runChecked } from '../../daemon/src/core/exec.ts';

const log = createLogger('silent');

t.test('event bus: typed delivery, unsubscribe, a throwing listener does not break others', async (t) => {
  const errors: unknown[] = [];
  const bus = new EventBus((err) => errors.push(err));
  const seen: string[] = [];
  const off = bus.on('service.started', (p) => seen.push(p.name));
  bus.on('service.started', () => {
    throw new Error('boom');
  });
  bus.on('service.started', (p) => seen.push(`second:${p.name}`));
  bus.emit('service.started', { name: 'a' });
  off();
  bus.emit('service.started', { name: 'b' });
  t.same(seen, ['a', 'second:a', 'second:b']);
  t.equal(errors.length, 2);
});

t.test('lifecycle: ordered start, reverse stop; a failed start stops what started', async (t) => {
  const order: string[] = [];
  const svc = (name: string, fail = false): Service => ({
    name,
    start: async () => {
      if (fail) throw new Error(`${name} failed`);
      order.push(`start:${name}`);
    },
    stop: async () => {
      order.push(`stop:${name}`);
    },
  });
  const lc = new Lifecycle(log, new EventBus());
  lc.add(svc('db'));
  lc.add(svc('dc'));
  lc.add(svc('http'));
  t.same(lc.pending(), ['db', 'dc', 'http']);
  await lc.startAll(new AbortController().signal);
  t.ok(lc.allStarted);
  t.same(lc.pending(), []);
  await lc.stopAll();
  await lc.stopAll(); // idempotent
  t.same(order, ['start:db', 'start:dc', 'start:http', 'stop:http', 'stop:dc', 'stop:db']);

  order.length = 0;
  const lc2 = new Lifecycle(log, new EventBus());
  lc2.add(svc('a'));
  lc2.add(svc('b', true));
  lc2.add(svc('c'));
  await t.rejects(lc2.startAll(new AbortController().signal), /b failed/);
  t.same(order, ['start:a', 'stop:a']);
});

t.test('lifecycle: a stop that hangs is bounded', async (t) => {
  const lc = new Lifecycle(log, new EventBus(), 100);
  const stopped: string[] = [];
  lc.add({ name: 'ok', start: async () => {}, stop: async () => void stopped.push('ok') });
  lc.add({ name: 'hang', start: async () => {}, stop: () => new Promise(() => {}) });
  await lc.startAll(new AbortController().signal);
  const t0 = Date.now();
  await lc.stopAll();
  t.ok(Date.now() - t0 < 2000, 'did not wait for the hanging stop');
  t.same(stopped, ['ok']);
});

t.test('scheduler: one registry, no overlap, stop aborts and waits', async (t) => {
  const s = new Scheduler(log);
  let running = 0;
  let maxConcurrent = 0;
  let aborted = false;
  let release: () => void = () => {};
  s.register({
    name: 'slow',
    cron: '0 0 1 1 *',
    description: 'test',
    run: (signal) =>
      new Promise<void>((resolve) => {
        running++;
        maxConcurrent = Math.max(maxConcurrent, running);
        release = () => {
          running--;
          resolve();
        };
        signal.addEventListener('abort', () => {
          aborted = true;
          release();
        });
      }),
  });
  t.throws(() => s.register({ name: 'slow', cron: '* * * * *', description: 'x', run: async () => {} }), { code: 'JOB_DUPLICATE' });
  t.throws(() => s.register({ name: 'bad', cron: 'tous les jours', description: 'x', run: async () => {} }), { code: 'JOB_CRON_INVALID' });
  await s.start();
  const first = s.runNow('slow');
  const second = await s.runNow('slow');
  t.equal(second, false, 'an overlapping run is skipped');
  t.equal(s.list()[0]?.skippedOverlaps, 1);
  t.equal(s.list()[0]?.running, true);
  await s.stop();
  t.equal(await first, true);
  t.ok(aborted, 'the running job saw the abort');
  t.equal(maxConcurrent, 1);
  t.equal(s.list()[0]?.running, false);
  await t.rejects(s.runNow('nope'), { code: 'JOB_UNKNOWN' });
});

t.test('scheduler: ticks fire on schedule and errors are recorded', async (t) => {
  const s = new Scheduler(log);
  let n = 0;
  s.register({ name: 'every-second', cron: '* * * * * *', description: 'x', run: async () => void n++ });
  s.register({
    name: 'fails',
    cron: '* * * * * *',
    description: 'x',
    run: async () => {
      throw new Error('raté');
    },
  });
  await s.start();
  await new Promise((r) => setTimeout(r, 2300));
  await s.stop();
  const count = n;
  t.ok(count >= 1, `ran ${count} time(s)`);
  t.equal(s.list().find((j) => j.name === 'fails')?.lastError, 'raté');
  await new Promise((r) => setTimeout(r, 1200));
  t.equal(n, count, 'no tick after stop');
});

t.test('argon2id password hashes', async (t) => {
  const h = await hashPassword('correct horse battery');
  t.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  t.ok(await verifyPassword('correct horse battery', h));
  t.notOk(await verifyPassword('correct horse batterie', h));
  t.notOk(await verifyPassword('x', 'not-a-hash'));
  t.not(await hashPassword('same'), await hashPassword('same'), 'salted');
  const p = generatePassword(10);
  t.equal(p.length, 10);
  t.match(p, /[a-z]/);
  t.match(p, /[A-Z]/);
  t.match(p, /[0-9]/);
  t.notMatch(p, /[0O1lI]/, 'no look-alike characters');
});

t.test('audit scrubbing removes secrets at any depth', async (t) => {
  t.same(scrubSecrets({ login: 'a', password: 'p', nested: { apiToken: 't', ok: 1 }, list: [{ newPassword: 'x' }] }), {
    login: 'a',
    password: '[masqué]',
    nested: { apiToken: '[masqué]', ok: 1 },
    list: [{ newPassword: '[masqué]' }],
  });
});

t.test('exec: arguments are never interpreted by a shell; secrets are masked', async (t) => {
  const r = await run('echo', ['$(id)', '; rm -rf /']);
  t.equal(r.stdout.trim(), '$(id) ; rm -rf /');
  await t.rejects(runChecked('sh', ['-c', 'echo "mot de passe S3cret!" >&2; exit 3'], { secrets: ['S3cret!'] }), {
    code: 'EXEC_FAILED',
    message: /code 3.*mot de passe \*\*\*/s,
  });
  await t.rejects(run('programme-qui-nexiste-pas', []), { code: 'EXEC_NOT_FOUND', message: /Programme introuvable/ });
  const slow = await run('sleep', ['5'], { timeoutMs: 200 });
  t.equal(slow.signal, 'SIGKILL');
});
