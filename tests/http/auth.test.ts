import t from 'tap';
import { ADMIN, directoryFixture, login, startTestApp, uniq } from '../helpers.ts';

t.test('administrator login: wrong password, success, me, logout', async (t) => {
  const app = await startTestApp(t);
  const bad = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: ADMIN.login, password: 'faux' } });
  t.equal(bad.statusCode, 401);
  t.same(bad.json(), { statusCode: 401, code: 'INVALID_CREDENTIALS', message: 'Identifiant ou mot de passe incorrect.' });
  t.notOk(bad.cookies.find((c) => c.name === 'trousse_sid'), 'no cookie on failure');

  const ok = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN });
  t.equal(ok.statusCode, 200);
  const cookie = ok.cookies.find((c) => c.name === 'trousse_sid');
  t.ok(cookie?.httpOnly, 'HttpOnly');
  t.equal(cookie?.sameSite, 'Strict');
  t.equal(cookie?.path, '/');
  const body = ok.json() as { user: { login: string; role: string }; csrfToken: string };
  t.equal(body.user.role, 'administrator');
  const s = { cookie: `trousse_sid=${cookie?.value}`, csrf: body.csrfToken };
  const stored = app.db.prepare('SELECT id_hash FROM sessions').all() as { id_hash: string }[];
  t.notOk(stored.some((r) => r.id_hash === cookie?.value), 'the session id itself is not stored');

  const me = await app.app.inject({ url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
  t.equal(me.statusCode, 200);
  t.equal((me.json() as { user: { login: string } }).user.login, ADMIN.login);

  const noCsrf = await app.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
  t.equal(noCsrf.statusCode, 403);
  t.equal((noCsrf.json() as { code: string }).code, 'CSRF');
  const foreign = await app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/logout',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'http://evil.example', host: 'localhost:80' },
  });
  t.equal(foreign.statusCode, 403, 'a write from another origin is refused');
  const out = await app.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
  t.equal(out.statusCode, 204);
  const after = await app.app.inject({ url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
  t.equal(after.statusCode, 401);
});

t.test('lockout after repeated failures, even with the right password; unknown logins too', async (t) => {
  const app = await startTestApp(t, { auth: { lockout: { maxFailures: 3, lockMinutes: 10 } } });
  for (let i = 0; i < 2; i++) {
    const r = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: ADMIN.login, password: `faux${i}` } });
    t.equal(r.statusCode, 401);
  }
  const third = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: ADMIN.login, password: 'faux3' } });
  t.equal(third.statusCode, 423);
  t.match((third.json() as { message: string }).message, /verrouillé pour 10 minutes/);
  const right = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN });
  t.equal(right.statusCode, 423, 'locked even with the right password');
  const audit = app.audit.list({ action: 'auth.login' });
  t.ok(audit.some((e) => e.action === 'auth.login.locked' && e.target === ADMIN.login), 'the lock is audited');
  t.equal(audit.filter((e) => e.action === 'auth.login.failed').length, 2);
  app.auth.unlock(ADMIN.login);
  t.equal((await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN })).statusCode, 200, 'unlocked');
});

t.test('login rate limit per address', async (t) => {
  const app = await startTestApp(t, { auth: { loginRateLimit: { max: 4, windowSeconds: 60 } } });
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: `inconnu${i}`, password: 'x' } });
    codes.push(r.statusCode);
    if (r.statusCode === 429) {
      t.match((r.json() as { message: string }).message, /Trop de tentatives de connexion depuis ce poste/);
      t.ok(Number(r.headers['retry-after']) > 0, 'Retry-After');
    }
  }
  t.same(codes, [401, 401, 401, 401, 429]);
});

t.test('expired sessions: idle and absolute', async (t) => {
  const app = await startTestApp(t);
  const s1 = await login(app);
  app.db.prepare('UPDATE sessions SET last_seen_at = last_seen_at - ?').run(3 * 3600 * 1000);
  const idle = await app.app.inject({ url: '/api/v1/auth/me', headers: { cookie: s1.cookie } });
  t.equal(idle.statusCode, 401);
  t.same(idle.json(), { statusCode: 401, code: 'SESSION_EXPIRED', message: 'Votre session a expiré, reconnectez-vous.' });
  const s2 = await login(app);
  app.db.prepare('UPDATE sessions SET expires_at = ?').run(Date.now() - 1);
  const abs = await app.app.inject({ url: '/api/v1/system/status', headers: { cookie: s2.cookie } });
  t.equal((abs.json() as { code: string }).code, 'SESSION_EXPIRED');
  t.equal((app.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n, 0, 'expired sessions are deleted');
});

t.test('API tokens: created once, stored hashed, used as Bearer, revocable; all audited', async (t) => {
  const app = await startTestApp(t);
  const s = await login(app);
  const created = await app.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    payload: { name: 'supervision' },
  });
  t.equal(created.statusCode, 201);
  const { token, info } = created.json() as { token: string; info: { id: number; name: string } };
  t.match(token, /^trs_[A-Za-z0-9_-]{43}$/);
  const row = app.db.prepare('SELECT token_hash FROM api_tokens WHERE id = ?').get(info.id) as { token_hash: string };
  t.not(row.token_hash, token);
  t.notOk(JSON.stringify(app.db.prepare('SELECT * FROM api_tokens').all()).includes(token.slice(4)), 'secret not stored');

  const auth = { authorization: `Bearer ${token}` };
  t.equal((await app.app.inject({ url: '/api/v1/system/status', headers: auth })).statusCode, 200);
  // a token needs no CSRF header (no cookie involved)
  const viaToken = await app.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth, payload: { name: 'second' } });
  t.equal(viaToken.statusCode, 201);
  const list = await app.app.inject({ url: '/api/v1/tokens', headers: auth });
  t.equal((list.json() as { tokens: unknown[] }).tokens.length, 2);
  t.notOk(list.body.includes('trs_'), 'the list never shows secrets');

  const revoke = await app.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${info.id}`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
  t.equal(revoke.statusCode, 200);
  const refused = await app.app.inject({ url: '/api/v1/system/status', headers: auth });
  t.equal(refused.statusCode, 401);
  t.equal((refused.json() as { code: string }).code, 'INVALID_TOKEN');
  t.equal((await app.app.inject({ url: '/api/v1/system/status', headers: { authorization: 'Bearer n-importe-quoi' } })).statusCode, 401);

  const entries = app.audit.list({ action: 'auth.token' });
  t.same(
    entries.map((e) => [e.action, e.actor]).reverse(),
    [
      ['auth.token.create', `admin:${ADMIN.login}`],
      ['auth.token.create', `token:${info.id}`],
      ['auth.token.revoke', `admin:${ADMIN.login}`],
    ],
  );
  const revokeEntry = entries.find((e) => e.action === 'auth.token.revoke');
  t.match(revokeEntry, { before: { revokedAt: null }, after: { revokedAt: /^\d{4}-/ } }, 'before: not revoked; after: revoked');
});

t.test('teachers log in with their directory account; pupils and wrong passwords are refused', async (t) => {
  const app = await startTestApp(t);
  const teacher = { login: `prof-${uniq()}`, password: 'Prof-Passe-2026', teacher: true };
  const pupil = { login: `eleve-${uniq()}`, password: 'Eleve-Passe-2026', teacher: false };
  await directoryFixture(t, app, [teacher, pupil]);

  const ok = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: teacher.login, password: teacher.password } });
  t.equal(ok.statusCode, 200, ok.body);
  t.match(ok.json(), { user: { login: teacher.login, role: 'teacher', kind: 'directory', displayName: `Test ${teacher.login}` } });
  const cookie = `trousse_sid=${ok.cookies.find((c) => c.name === 'trousse_sid')?.value}`;
  t.equal((await app.app.inject({ url: '/api/v1/system/status', headers: { cookie } })).statusCode, 200, 'teachers see the dashboard');
  const adminOnly = await app.app.inject({ url: '/api/v1/tokens', headers: { cookie } });
  t.equal(adminOnly.statusCode, 403);
  t.equal((adminOnly.json() as { code: string }).code, 'FORBIDDEN');

  const withDomain = await app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { login: `${app.dc.identity.netbiosName}\\${teacher.login}`, password: teacher.password },
  });
  t.equal(withDomain.statusCode, 200, 'DOMAIN\\login is accepted');

  const wrong = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: teacher.login, password: 'faux' } });
  t.equal(wrong.statusCode, 401);
  const pupilTry = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: pupil.login, password: pupil.password } });
  t.equal(pupilTry.statusCode, 403);
  t.match((pupilTry.json() as { message: string }).message, /réservée aux enseignants et aux administrateurs/);

  // LDAP injection attempts never reach the directory as syntax
  for (const evil of ['*', `${teacher.login})(objectClass=*`, '*)(|(sAMAccountName=*']) {
    const r = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: evil, password: teacher.password } });
    t.equal(r.statusCode, 401, `refused: ${evil}`);
  }
});
