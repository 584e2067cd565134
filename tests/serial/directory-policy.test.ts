import t from 'tap';
import { Attribute, Change } from 'ldapts';
import { login, startTestApp, uniqName } from '../helpers.ts';
import { readPolicy } from '../../daemon/src/directory/index.ts';

// Serial: the password policy is domain-wide, so no other test may run meanwhile.
t.test('the domain password policy follows the settings; staff get their own minimum', async (t) => {
  const app = await startTestApp(t);
  const s = await login(app);
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const base = app.dc.identity.baseDn;
  const initial = (await app.app.inject({ url: '/api/v1/directory/settings', headers })).json();
  t.equal(initial.policy.staffMinLength, 12, 'staff minimum defaults to 12 (CNIL)');
  t.teardown(async () => {
    await app.directory.updateSettings(initial);
  });

  const applied = await readPolicy(app.dc.ldap, base);
  t.equal(applied.minPwdLength, initial.policy.minLength, 'the defaults are applied to the domain at start');
  t.equal(applied.maxPwdAge, '-9223372036854775808', 'passwords never expire by default');

  const bad = await app.app.inject({ method: 'PUT', url: '/api/v1/directory/settings', headers, payload: { ...initial, pupilPasswordLength: 6, policy: { ...initial.policy, minLength: 10 } } });
  t.equal(bad.statusCode, 400, 'inconsistent settings are refused');
  t.match(bad.json().message, /élèves/);
  t.equal((await readPolicy(app.dc.ldap, base)).minPwdLength, initial.policy.minLength, '…and change nothing');

  const next = { ...initial, pupilPasswordLength: 10, policy: { ...initial.policy, minLength: 10, complexity: false, maxAgeDays: 365, lockoutThreshold: 20, lockoutMinutes: 5 } };
  const put = await app.app.inject({ method: 'PUT', url: '/api/v1/directory/settings', headers, payload: next });
  t.equal(put.statusCode, 200);
  const now = await readPolicy(app.dc.ldap, base);
  t.equal(now.minPwdLength, 10);
  t.equal(now.complexity, false);
  t.equal(now.lockoutThreshold, 20);
  t.equal(now.maxPwdAge, String(-365n * 864_000_000_000n));
  t.equal(now.lockoutDuration, String(-5n * 600_000_000n));

  const tag = uniqName();
  await app.directory.createClass(`P ${tag}`);
  const pupil = await app.directory.createUser({ givenName: 'Al', surname: `Po${tag}`, profile: 'eleve', classe: `P ${tag}` });
  t.equal(pupil.password.length, 10, 'pupil passwords follow the new length');
  const staff = await app.directory.createUser({ givenName: 'Bea', surname: `Po${tag}`, profile: 'personnel', mustChange: false });
  const setRaw = (dn: string, pw: string) =>
    app.dc.ldap.withClient((c) =>
      c.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${pw}"`, 'utf16le')] }) })),
    );
  const staffDn = (await app.dc.ldap.search(base, { scope: 'sub', filter: `(sAMAccountName=${staff.user.login})`, attributes: ['cn'] }))[0]?.dn as string;
  const pupilDn = (await app.dc.ldap.search(base, { scope: 'sub', filter: `(sAMAccountName=${pupil.user.login})`, attributes: ['cn'] }))[0]?.dn as string;
  await t.resolves(setRaw(pupilDn, 'tortueverte'), 'the DC takes an 11-letter password for a pupil (no complexity now)');
  await t.rejects(setRaw(staffDn, 'tortueverte'), 'but refuses it for staff: their password settings object asks for 12');
  await t.resolves(setRaw(staffDn, 'tortuevertebleue'), 'a 16-letter one is fine for staff');
});
