import t from 'tap';
import { startTestApp, uniqName as uniq } from '../helpers.ts';
import { smbLogon } from './smb.ts';

t.test('accounts of every profile are created in the AD and log on over SMB', async (t) => {
  const app = await startTestApp(t);
  const d = app.directory;
  const tag = uniq();
  const classe = `6A ${tag}`;
  await d.createClass(classe);
  const pupil = await d.createUser({ givenName: 'Zoé', surname: `Lefèvre${tag}`, profile: 'eleve', classe, nationalId: `SIECLE:${tag.length}${Date.now() % 1e9}` });
  const teacher = await d.createUser({ givenName: 'Marc', surname: `Ollivier${tag}`, profile: 'enseignant', mustChange: false });
  const staff = await d.createUser({ givenName: 'Ana', surname: `Ruiz${tag}`, profile: 'personnel', staffFunction: 'vie-scolaire', mustChange: false });

  t.equal(pupil.user.login, `zoe.lefevre${tag}`.slice(0, 20), 'prenom.nom without accents');
  t.equal(pupil.user.classe, classe);
  t.equal(pupil.user.profile, 'eleve');
  t.match(pupil.user.nationalId, /^SIECLE:\d+$/);
  t.equal(staff.user.staffFunction, 'vie-scolaire');
  t.ok(pupil.user.uidNumber >= app.config.directory.firstUidNumber, 'uid from the configured range');
  t.not(pupil.user.uidNumber, teacher.user.uidNumber);
  t.match(pupil.password, /^[A-Z][a-z]+[2-9]{2}$/, 'pupil password: easy to type');
  t.equal(pupil.password.length, 8);
  t.ok(teacher.password.length >= 12, 'staff password ≥ 12 characters');
  t.same(
    pupil.user.groups.map((g) => g.kind).sort(),
    ['classe', 'profil'],
    'a pupil is in their class group and the all-pupils group',
  );
  t.ok(teacher.user.groups.some((g) => g.name === app.config.auth.teacherGroup), 'a teacher is in the teachers group');

  for (const [who, c] of [
    ['pupil', pupil],
    ['teacher', teacher],
    ['staff', staff],
  ] as const) {
    const r = await smbLogon(c.user.login, c.password);
    t.ok(r.ok, `${who} logs on over SMB (${r.status})`);
  }
  t.equal((await smbLogon(pupil.user.login, 'Mauvais-mot-2-passe')).status, 'NT_STATUS_LOGON_FAILURE', 'a wrong password is refused');

  const forced = await d.createUser({ givenName: 'Jules', surname: `Verne${tag}`, profile: 'enseignant' });
  t.equal(forced.user.mustChangePassword, true, 'teachers must change their first password by default');
  t.equal((await smbLogon(forced.user.login, forced.password)).status, 'NT_STATUS_PASSWORD_MUST_CHANGE');
});

t.test('a login never changes; disabled accounts cannot log on; moves, delete, restore, purge', async (t) => {
  const app = await startTestApp(t);
  const d = app.directory;
  const tag = uniq();
  const [a, b] = [`5B ${tag}`, `4C ${tag}`];
  await d.createClass(a);
  await d.createClass(b);
  const created = await d.createUser({ givenName: 'Léa', surname: `Martin${tag}`, profile: 'eleve', classe: a });
  const login = created.user.login;

  const renamed = await d.updateUser(login, { givenName: 'Léane', surname: `Martin-Durand${tag}` });
  t.equal(renamed.login, login, 'a corrected name keeps the login');
  t.equal(renamed.displayName, `Léane Martin-Durand${tag}`, 'the display name changes');
  t.ok((await smbLogon(login, created.password)).ok, 'still logs on after the rename');

  await d.setEnabled(login, false);
  t.equal((await d.getUser(login)).state, 'disabled');
  t.equal((await smbLogon(login, created.password)).status, 'NT_STATUS_ACCOUNT_DISABLED', 'a disabled account cannot log on');
  await d.setEnabled(login, true);
  t.ok((await smbLogon(login, created.password)).ok, 'enabled again');

  const moved = await d.moveUser(login, b);
  t.equal(moved.classe, b, 'moved to the other class');
  t.ok(moved.groups.some((g) => g.kind === 'classe' && g.label.includes(b)), 'in the new class group');
  t.notOk(moved.groups.some((g) => g.kind === 'classe' && g.label.includes(a)), 'out of the old class group');
  t.equal((await d.getClass(a)).pupils.length, 0);
  t.same((await d.getClass(b)).pupils.map((p) => p.login), [login]);

  const deleted = await d.deleteUser(login);
  t.equal(deleted.state, 'deleted');
  t.ok(deleted.purgeAfter && deleted.purgeAfter > new Date(Date.now() + 80 * 86_400_000).toISOString(), 'purge after the grace period (90 days)');
  t.equal(deleted.groups.length, 0, 'out of every group while deleted');
  t.notOk((await smbLogon(login, created.password)).ok, 'a deleted account cannot log on');
  t.equal((await d.listUsers({ classe: b })).total, 0, 'deleted accounts are hidden from the lists');
  t.equal((await d.listUsers({ state: 'deleted', q: login })).total, 1, '…unless asked for');

  const restored = await d.restoreUser(login);
  t.equal(restored.state, 'active');
  t.equal(restored.classe, b, 'restored into its class');
  t.equal(restored.groups.length, 2, 'back in its groups');
  t.ok((await smbLogon(login, created.password)).ok, 'logs on again');

  await t.rejects(d.purgeUser(login), { code: 'NOT_DELETED' }, 'only a deleted account can be purged');
  await d.deleteUser(login);
  await d.purgeUser(login);
  await t.rejects(d.getUser(login), { code: 'USER_NOT_FOUND' }, 'gone from the AD');

  const again = await d.createUser({ givenName: 'Léa', surname: `Martin${tag}`, profile: 'eleve', classe: b });
  t.not(again.user.login, login, 'the purged login is not handed out again');
  t.equal(again.user.login, `${login}2`);
  t.ok(again.user.uidNumber > created.user.uidNumber, 'the purged uid number is not reused');
  await t.rejects(d.createUser({ givenName: 'X', surname: `Y${tag}`, profile: 'eleve', classe: b, login }), { code: 'LOGIN_TAKEN' }, 'not even when asked explicitly');

  await t.rejects(d.deleteClass(b), { code: 'CLASS_NOT_EMPTY' }, 'a class with pupils is not deleted');
  const gidsOf = async () => (await d.listGroups()).filter((g) => g.description.includes(a)).map((g) => g.gidNumber as number);
  const oldGids = await gidsOf();
  t.equal(oldGids.length, 2, 'class group and teaching team');
  await d.deleteClass(a);
  t.same(await gidsOf(), [], 'an empty class is deleted with its groups');
  await d.createClass(a);
  const newGids = await gidsOf();
  t.ok(newGids.every((g) => g > Math.max(...oldGids)), 'gid numbers are not reused either');
});

t.test('names with LDAP special characters give valid accounts or a clear error', async (t) => {
  const app = await startTestApp(t);
  const d = app.directory;
  const tag = uniq();
  const classe = `3°2 / A+B, "x" #1 <${tag}>;=\\*()`;
  const created = await d.createClass(classe);
  t.equal(created.name, classe, 'a class name with special characters makes a valid OU');
  t.same((await d.listClasses()).map((c) => c.name), [classe]);
  const specials = ['*', '(', ')', '\\', ',', '+', '"', '<', '>', ';', '=', '#'];
  for (const ch of specials) {
    const given = `Jo${ch}ë`;
    const surname = ` ${ch}Dupont${tag}${ch} `;
    const r = await d.createUser({ givenName: given, surname, profile: 'eleve', classe });
    t.equal(r.user.displayName, `${given} ${surname.trim()}`, `name with ${ch} kept as typed (trimmed)`);
    t.match(r.user.login, /^[a-z0-9.-]+$/, `login with ${ch} is plain ASCII`);
    const found = await d.listUsers({ q: `${ch}Dupont${tag}${ch}` });
    t.ok(found.items.some((u) => u.login === r.user.login), `searching "${ch}Dupont" finds it (no broken filter)`);
    t.ok((await smbLogon(r.user.login, r.password)).ok, `account with ${ch} logs on`);
  }
  await t.rejects(d.createUser({ givenName: 'Дмитрий', surname: 'Иванов', profile: 'eleve', classe }), { code: 'LOGIN_UNDERIVABLE', statusCode: 400 });
  await t.rejects(d.createUser({ givenName: '李', surname: '王', profile: 'eleve', classe }), { code: 'LOGIN_UNDERIVABLE' });
  const explicit = await d.createUser({ givenName: 'Дмитрий', surname: 'Иванов', profile: 'eleve', classe, login: `d.ivanov${tag}`.slice(0, 20) });
  t.equal(explicit.user.displayName, 'Дмитрий Иванов', 'non-Latin names are kept, with a login given by hand');
  await t.rejects(d.createUser({ givenName: '  ', surname: 'X', profile: 'eleve', classe }), { code: 'INVALID_NAME' });
  await t.rejects(d.createUser({ givenName: 'A\u0000', surname: 'X', profile: 'eleve', classe }), { code: 'INVALID_NAME' });
  await t.rejects(d.createUser({ givenName: 'A', surname: 'X', profile: 'eleve', classe, login: 'administrator' }), { code: 'INVALID_LOGIN' });
  await t.rejects(d.createUser({ givenName: 'A', surname: 'X', profile: 'eleve', classe: 'nope' }), { code: 'CLASS_NOT_FOUND' });
  await t.rejects(d.createClass('°°°'), { code: 'INVALID_NAME' });
  const before = (await d.listUsers({ state: 'all' })).total;
  await t.rejects(d.createUser({ givenName: 'A', surname: `B${tag}`, profile: 'eleve', classe, nationalId: 'bad id' }), { code: 'INVALID_NATIONAL_ID' });
  t.equal((await d.listUsers({ state: 'all' })).total, before, 'bad input changes nothing');
});
