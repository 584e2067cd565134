import t from 'tap';
import { login, startTestApp, uniqName } from '../helpers.ts';
import { smbLogon } from './smb.ts';

t.test('teachers reset the passwords of their own pupils only; every reset is audited', async (t) => {
  const app = await startTestApp(t);
  const d = app.directory;
  const tag = uniqName();
  const [mine, other] = [`6A ${tag}`, `6B ${tag}`];
  await d.createClass(mine);
  await d.createClass(other);
  const teacher = await d.createUser({ givenName: 'Paul', surname: `Prof${tag}`, profile: 'enseignant', mustChange: false });
  const myPupil = await d.createUser({ givenName: 'Alice', surname: `Eleve${tag}`, profile: 'eleve', classe: mine });
  const otherPupil = await d.createUser({ givenName: 'Bob', surname: `Eleve${tag}`, profile: 'eleve', classe: other });
  await d.setClassTeachers(mine, [teacher.user.login]);

  const s = await login(app, teacher.user.login, teacher.password);
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const me = await app.app.inject({ url: '/api/v1/auth/me', headers });
  t.equal(me.json().user.role, 'teacher', 'the directory teacher logs on to the console as a teacher');

  const classes = await app.app.inject({ url: '/api/v1/directory/classes', headers });
  t.same(
    classes.json().items.map((c: { name: string }) => c.name),
    [mine],
    'a teacher sees only their classes',
  );
  const list = await app.app.inject({ url: '/api/v1/directory/users?pageSize=200', headers });
  t.same(
    list.json().items.map((u: { login: string }) => u.login),
    [myPupil.user.login],
    'and only the pupils of their classes',
  );
  t.equal(list.json().items[0].nationalId, null, 'without national ids');

  const ok = await app.app.inject({ method: 'POST', url: `/api/v1/directory/users/${myPupil.user.login}/password`, headers, payload: {} });
  t.equal(ok.statusCode, 200, 'resets a pupil of their class');
  const newPassword = ok.json().password as string;
  t.match(newPassword, /^[A-Z][a-z]+[2-9]{2}$/);
  t.ok((await smbLogon(myPupil.user.login, newPassword)).ok, 'the new password works over SMB');
  t.notOk((await smbLogon(myPupil.user.login, myPupil.password)).ok, 'the old one does not');

  const refused = await app.app.inject({ method: 'POST', url: `/api/v1/directory/users/${otherPupil.user.login}/password`, headers, payload: {} });
  t.equal(refused.statusCode, 403, 'refused for a pupil of another class');
  t.match(refused.json().message, /élèves de vos classes/);
  t.ok((await smbLogon(otherPupil.user.login, otherPupil.password)).ok, 'the other pupil’s password is unchanged');
  const teacherReset = await app.app.inject({ method: 'POST', url: `/api/v1/directory/users/${teacher.user.login}/password`, headers, payload: {} });
  t.equal(teacherReset.statusCode, 403, 'refused for a teacher (themselves included)');
  const disable = await app.app.inject({ method: 'POST', url: `/api/v1/directory/users/${myPupil.user.login}/disable`, headers });
  t.equal(disable.statusCode, 403, 'teachers cannot disable accounts');
  const view = await app.app.inject({ url: `/api/v1/directory/users/${otherPupil.user.login}`, headers });
  t.equal(view.statusCode, 403, 'nor see the pupils of other classes');

  const audit = app.db
    .prepare("SELECT actor, action, target, after FROM audit_log WHERE action LIKE 'directory.password-reset%' ORDER BY id")
    .all() as { actor: string; action: string; target: string; after: string | null }[];
  t.same(
    audit.map((a) => [a.actor, a.action, a.target]),
    [
      [`teacher:${teacher.user.login}`, 'directory.password-reset', myPupil.user.login],
      [`teacher:${teacher.user.login}`, 'directory.password-reset-refused', otherPupil.user.login],
      [`teacher:${teacher.user.login}`, 'directory.password-reset-refused', teacher.user.login],
    ],
    'every reset (and refusal) is audited',
  );
  t.notOk(audit.some((a) => (a.after ?? '').includes(newPassword)), 'the password itself is never in the audit log');

  const admin = await login(app);
  const adminHeaders = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
  const typed = await app.app.inject({
    method: 'POST',
    url: `/api/v1/directory/users/${otherPupil.user.login}/password`,
    headers: adminHeaders,
    payload: { password: 'Tortue-42x', mustChange: true },
  });
  t.equal(typed.statusCode, 200, 'an administrator resets anyone, with a typed password');
  t.equal((await smbLogon(otherPupil.user.login, 'Tortue-42x')).status, 'NT_STATUS_PASSWORD_MUST_CHANGE', 'must change it at next logon');
  const weak = await app.app.inject({ method: 'POST', url: `/api/v1/directory/users/${otherPupil.user.login}/password`, headers: adminHeaders, payload: { password: 'abc' } });
  t.equal(weak.statusCode, 400, 'a too weak typed password is refused before reaching the DC');
  t.match(weak.json().message, /caractères/);
});

t.test('search and paging through the API, and the admin write routes', async (t) => {
  const app = await startTestApp(t);
  const tag = uniqName();
  const classe = `4D ${tag}`;
  await app.directory.createClass(classe);
  const people = Array.from({ length: 60 }, (_, i) => ({
    givenName: `Prénom${String.fromCharCode(97 + (i % 26))}`,
    surname: `Nom${tag}${String.fromCharCode(97 + Math.floor(i / 26))}`,
    profile: 'eleve' as const,
    classe,
  }));
  const results = await app.directory.createUsers(people);
  t.equal(results.filter((r) => r.ok).length, 60, '60 pupils created in one batch');
  const s = await login(app);
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const page1 = (await app.app.inject({ url: `/api/v1/directory/users?q=${encodeURIComponent(`nom${tag}`)}&pageSize=25`, headers })).json();
  t.equal(page1.total, 60);
  t.equal(page1.items.length, 25);
  const page3 = (await app.app.inject({ url: `/api/v1/directory/users?q=${encodeURIComponent(`nom${tag}`)}&pageSize=25&page=3`, headers })).json();
  t.equal(page3.items.length, 10, 'the last page holds the rest');
  const accents = (await app.app.inject({ url: `/api/v1/directory/users?q=${encodeURIComponent(`PRENOMA NOM${tag}A`)}`, headers })).json();
  t.equal(accents.total, 1, 'search ignores case and accents, every word must match');
  const byClass = (await app.app.inject({ url: `/api/v1/directory/users?classe=${encodeURIComponent(classe)}&profile=eleve`, headers })).json();
  t.equal(byClass.total, 60);
  const bad = await app.app.inject({ url: '/api/v1/directory/users?pageSize=5000', headers });
  t.equal(bad.statusCode, 400, 'page size is bounded');

  const created = await app.app.inject({
    method: 'POST',
    url: '/api/v1/directory/users',
    headers,
    payload: { givenName: 'Inès', surname: `Nouvelle${tag}`, profile: 'personnel', staffFunction: 'direction' },
  });
  t.equal(created.statusCode, 201);
  const { user, password } = created.json();
  t.ok(password.length >= 14 && /[^A-Za-z0-9]/.test(password), 'a staff password with a symbol');
  const noPupilClass = await app.app.inject({ method: 'POST', url: '/api/v1/directory/users', headers, payload: { givenName: 'A', surname: 'B', profile: 'eleve' } });
  t.equal(noPupilClass.statusCode, 400);
  t.match(noPupilClass.json().message, /classe/);

  const patched = await app.app.inject({ method: 'PATCH', url: `/api/v1/directory/users/${user.login}`, headers, payload: { surname: `Renommée${tag}` } });
  t.equal(patched.json().login, user.login, 'PATCH keeps the login');
  t.equal(patched.json().displayName, `Inès Renommée${tag}`);
  const del = await app.app.inject({ method: 'DELETE', url: `/api/v1/directory/users/${user.login}`, headers });
  t.equal(del.json().state, 'deleted');
  const noConfirm = await app.app.inject({ method: 'POST', url: `/api/v1/directory/users/${user.login}/purge`, headers, payload: { confirm: 'oui' } });
  t.equal(noConfirm.statusCode, 400, 'purge needs the login typed as confirmation');
  const purge = await app.app.inject({ method: 'POST', url: `/api/v1/directory/users/${user.login}/purge`, headers, payload: { confirm: user.login } });
  t.equal(purge.statusCode, 204);
  t.equal((await app.app.inject({ url: `/api/v1/directory/users/${user.login}`, headers })).statusCode, 404);

  const group = await app.app.inject({ method: 'POST', url: '/api/v1/directory/groups', headers, payload: { name: `Club échecs ${tag}` } });
  t.equal(group.statusCode, 201);
  const gname = group.json().name as string;
  t.match(gname, /club-echecs/);
  const members = results.slice(0, 3).map((r) => (r.ok ? r.user.login : ''));
  const added = await app.app.inject({ method: 'POST', url: `/api/v1/directory/groups/${gname}/members`, headers, payload: { logins: members } });
  t.equal(added.json().members, 3);
  const ro = await app.app.inject({ method: 'DELETE', url: `/api/v1/directory/groups/${app.config.directory.pupilsGroup}`, headers });
  t.equal(ro.statusCode, 409, 'profile groups are kept by Trousse, not edited by hand');
  const kinds = (await app.app.inject({ url: '/api/v1/directory/groups', headers })).json().items.map((g: { kind: string }) => g.kind);
  t.ok(['classe', 'equipe', 'profil', 'libre'].every((k) => kinds.includes(k)), 'every kind of group is listed');
});
