import t from 'tap';
import { buildApp } from '../../daemon/src/app.ts';
import { createLogger } from '../../daemon/src/core/logger.ts';
import { ADMIN, login, readHarness, startTestApp, tempDir, testConfig } from '../helpers.ts';

t.test('health, readiness, OpenAPI', async (t) => {
  const app = await startTestApp(t);
  t.same((await app.app.inject({ url: '/healthz' })).json(), { ok: true });
  const ready = await app.app.inject({ url: '/readyz' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { ok: true, reasons: [] });
  const doc = await app.app.inject({ url: '/api/docs/json' });
  t.equal(doc.statusCode, 200);
  const paths = Object.keys((doc.json() as { paths: object }).paths);
  for (const p of ['/api/v1/auth/login', '/api/v1/tokens', '/api/v1/system/status', '/api/v1/dc', '/readyz']) t.ok(paths.includes(p), p);
  t.equal((await app.app.inject({ url: '/api/docs/' })).statusCode, 200, 'the docs page');
});

t.test('readiness is 503 with the reason until the services started, then 200', async (t) => {
  const h = readHarness();
  const dir = tempDir(t);
  const app = await buildApp(testConfig(dir, h, { dc: { ldapUrl: 'ldaps://127.0.0.1:1' } }), { logger: createLogger('silent') });
  t.teardown(() => app.close());
  const before = await app.app.inject({ url: '/readyz' });
  t.equal(before.statusCode, 503);
  t.match((before.json() as { reasons: string[] }).reasons.join(' '), /Services pas encore démarrés : scheduler, system, dc/);
  t.match((before.json() as { reasons: string[] }).reasons.join(' '), /ne répond pas en LDAPS/);
  t.equal((await app.app.inject({ url: '/healthz' })).statusCode, 200, 'alive all the same');
});

t.test('system status, events and the console files', async (t) => {
  const app = await startTestApp(t);
  const s = await login(app);
  const st = await app.app.inject({ url: '/api/v1/system/status', headers: { cookie: s.cookie } });
  t.equal(st.statusCode, 200);
  t.match(st.json(), {
    school: { uai: '0999999Z', realm: 'TROUSSE-TEST.LAN', netbiosName: 'TROUSSE-TEST' },
    dc: { state: 'running', managed: false, ldaps: true },
    versions: { node: process.versions.node, samba: /^4\./ },
    ready: { ok: true },
  });
  t.ok((st.json() as { disks: unknown[] }).disks.length >= 1);
  app.journal.record('warn', 'test', 'test.event', 'Un événement de test');
  const ev = await app.app.inject({ url: '/api/v1/events?limit=5', headers: { cookie: s.cookie } });
  t.equal((ev.json() as { events: { message: string }[] }).events[0]?.message, 'Un événement de test');
  const page = await app.app.inject({ url: '/' });
  t.equal(page.statusCode, 200);
  t.match(page.body, /<html lang="fr"/);
  const deep = await app.app.inject({ url: '/annuaire/utilisateurs' });
  t.equal(deep.statusCode, 200, 'client-side routes get index.html');
});

t.test('bad input: clear French messages, nothing changed', async (t) => {
  const app = await startTestApp(t);
  const s = await login(app);
  const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const missing = await app.app.inject({ method: 'POST', url: '/api/v1/admins', headers: h, payload: { login: 'x' } });
  t.equal(missing.statusCode, 400);
  t.match(missing.json(), { code: 'VALIDATION_ERROR', message: /clé obligatoire manquante « password »/ });
  const extra = await app.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: h, payload: { name: 'a', role: 'root' } });
  t.match(extra.json(), { statusCode: 400, message: /clé inconnue « role »/ });
  const wrongType = await app.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: h, payload: { name: { nom: 'x' } } });
  t.match(wrongType.json(), { statusCode: 400, message: /« name » doit être une chaîne de caractères/ });
  const json = await app.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: { ...h, 'content-type': 'application/json' },
    payload: '{"name": ',
  });
  t.match(json.json(), { statusCode: 400, code: 'BAD_JSON' });
  const weak = await app.app.inject({ method: 'POST', url: '/api/v1/admins', headers: h, payload: { login: 'bob', password: 'court' } });
  t.match(weak.json(), { statusCode: 400, code: 'ADMIN_PASSWORD_WEAK', message: /au moins 12 caractères/ });
  const badLogin = await app.app.inject({ method: 'POST', url: '/api/v1/admins', headers: h, payload: { login: 'bob smith', password: 'assez-long-pour-passer' } });
  t.match(badLogin.json(), { statusCode: 400, code: 'ADMIN_LOGIN_INVALID' });
  const last = await app.app.inject({ method: 'DELETE', url: `/api/v1/admins/${ADMIN.login}`, headers: h });
  t.match(last.json(), { statusCode: 409, code: 'ADMIN_LAST' });
  const unknownToken = await app.app.inject({ method: 'DELETE', url: '/api/v1/tokens/999', headers: h });
  t.match(unknownToken.json(), { statusCode: 404, code: 'TOKEN_UNKNOWN' });
  const notFound = await app.app.inject({ url: '/api/v1/nope', headers: { cookie: s.cookie } });
  t.equal(notFound.statusCode, 404);
  t.equal((app.db.prepare('SELECT COUNT(*) AS n FROM admins').get() as { n: number }).n, 1, 'no admin was created');
  t.equal((app.db.prepare('SELECT COUNT(*) AS n FROM api_tokens').get() as { n: number }).n, 0, 'no token was created');
  t.equal(app.audit.list({ action: 'auth.admin' }).length, 0, 'refused changes are not audited as changes');
  const anon = await app.app.inject({ url: '/api/v1/system/status' });
  t.match(anon.json(), { statusCode: 401, code: 'UNAUTHENTICATED' });
});

t.test('every change through the API is audited: who, what, when, before/after; secrets never stored', async (t) => {
  const app = await startTestApp(t);
  const s = await login(app);
  const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const created = await app.app.inject({
    method: 'POST',
    url: '/api/v1/admins',
    headers: h,
    payload: { login: 'second', displayName: 'Second admin', password: 'Mot-de-passe-second-1' },
  });
  t.equal(created.statusCode, 201);
  const del = await app.app.inject({ method: 'DELETE', url: '/api/v1/admins/second', headers: h });
  t.equal(del.statusCode, 204);
  const entries = await app.app.inject({ url: '/api/v1/audit?limit=10', headers: { cookie: s.cookie } });
  const list = (entries.json() as { entries: { action: string; actor: string; at: string; before: unknown; after: unknown; ip: string }[] }).entries;
  const create = list.find((e) => e.action === 'auth.admin.create');
  const remove = list.find((e) => e.action === 'auth.admin.delete');
  t.match(create, { actor: `admin:${ADMIN.login}`, after: { login: 'second', displayName: 'Second admin' }, ip: '127.0.0.1' });
  t.ok(create && !Number.isNaN(Date.parse(create.at)), 'when');
  t.match(remove, { actor: `admin:${ADMIN.login}`, before: { login: 'second' } });
  t.ok(list.some((e) => e.action === 'auth.login'), 'logins are audited');
  const raw = JSON.stringify(app.db.prepare('SELECT * FROM audit_log').all());
  t.notOk(raw.includes('Mot-de-passe-second-1'), 'no password in the audit log');
  t.notOk(raw.includes(ADMIN.password), 'no password in the audit log');
});

t.test('a data dir that is not writable is refused with one clear message', async (t) => {
  const h = readHarness();
  // /sys refuses writes even to root; a path below a regular file can never be a folder
  await t.rejects(buildApp(testConfig('/sys/trousse', h), { logger: createLogger('silent') }), {
    code: 'DATA_DIR_NOT_WRITABLE',
    message: /Le dossier de données \/sys\/trousse n’est pas utilisable en écriture \(EPERM\)/,
  });
  await t.rejects(buildApp(testConfig('/etc/hostname/data', h), { logger: createLogger('silent') }), {
    code: 'DATA_DIR_NOT_WRITABLE',
    message: /\(ENOTDIR\)/,
  });
});
