import t from 'tap';
import { readFileSync } from 'node:fs';
import { readHarness } from '../helpers.ts';

/**
 * Runs against the run's shared DC daemon (a real `trousse serve` in managed mode): kills samba
 * with SIGKILL and watches the supervisor bring it back, /readyz going 503 then 200.
 */
const h = readHarness();

async function api(path: string, init: RequestInit = {}, token?: string): Promise<Response> {
  return fetch(`${h.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as object) },
    signal: AbortSignal.timeout(10_000),
  });
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

async function adminToken(): Promise<string> {
  const password = readFileSync(h.initialAdminPasswordFile, 'utf8').trim();
  const r = await api('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ login: 'admin', password }) });
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  const tok = await api('/api/v1/tokens', { method: 'POST', body: JSON.stringify({ name: 'supervision' }), headers: { cookie, 'x-csrf-token': csrfToken } });
  return ((await tok.json()) as { token: string }).token;
}

t.test('samba killed with SIGKILL is restarted by the supervisor; /readyz goes 503 then 200', async (t) => {
  const token = await adminToken();
  t.equal((await api('/readyz')).status, 200, 'ready before');
  const before = (await (await api('/api/v1/dc', {}, token)).json()) as { status: { pid: number; restarts: number; state: string } };
  t.equal(before.status.state, 'running');
  t.ok(before.status.pid > 1);

  process.kill(before.status.pid, 'SIGKILL');
  const down = await waitFor('/readyz 503', 10_000, async () => (await api('/readyz')).status === 503);
  const reasons = ((await (await api('/readyz')).json()) as { reasons: string[] }).reasons.join(' ');
  t.match(reasons, /contrôleur de domaine/);
  t.ok(down < 10_000, `503 after ${down} ms`);

  const up = await waitFor('/readyz 200 again', 60_000, async () => (await api('/readyz')).status === 200);
  t.pass(`ready again ${up} ms after the 503`);
  const after = (await (await api('/api/v1/dc', {}, token)).json()) as { status: { pid: number; restarts: number; state: string; lastError: string } };
  t.equal(after.status.state, 'running');
  t.equal(after.status.restarts, before.status.restarts + 1);
  t.not(after.status.pid, before.status.pid, 'a new samba process');
  t.match(after.status.lastError, /SIGKILL/);
  const events = ((await (await api('/api/v1/events?limit=50', {}, token)).json()) as { events: { type: string; message: string }[] }).events;
  t.ok(events.some((e) => e.type === 'dc.crashed' && /redémarrage automatique/.test(e.message)), 'the crash is in the journal');
  t.ok(events.some((e) => e.type === 'dc.running'), 'and the recovery');
});

t.test('an administrator restarts the DC from the API; it is audited', async (t) => {
  const token = await adminToken();
  const r = await api('/api/v1/dc/restart', { method: 'POST', body: '{}' }, token);
  t.equal(r.status, 202);
  await waitFor('/readyz 200 after restart', 60_000, async () => (await api('/readyz')).status === 200);
  const audit = ((await (await api('/api/v1/audit?action=dc.restart', {}, token)).json()) as { entries: { action: string; actor: string }[] }).entries;
  t.equal(audit[0]?.action, 'dc.restart');
  t.match(audit[0]?.actor, /^token:\d+$/);
});
