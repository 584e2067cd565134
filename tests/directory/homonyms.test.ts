import t from 'tap';
import { startTestApp } from '../helpers.ts';
import { smbLogon } from './smb.ts';

// The only test file that creates people named "Marie Martin" (logins are domain-wide).
t.test('300 people named Marie Martin get 300 distinct logins, the same on the next run', async (t) => {
  const app = await startTestApp(t);
  const d = app.directory;
  const classe = `Homonymes ${app.config.directory.ou}`;
  await d.createClass(classe);
  const people = Array.from({ length: 300 }, (_, i) => ({
    givenName: 'Marie',
    surname: 'Martin',
    profile: 'eleve' as const,
    classe,
    nationalId: `SIECLE:${900_001 + i}`,
  }));
  // the file order must not matter: shuffle
  const shuffled = [...people].sort(() => Math.random() - 0.5);
  const first = await d.createUsers(shuffled);
  const loginOf = new Map<string, string>();
  for (const [i, r] of first.entries()) {
    if (!r.ok) throw new Error(r.message);
    loginOf.set(shuffled[i]?.nationalId as string, r.user.login);
  }
  const logins = [...loginOf.values()];
  t.equal(new Set(logins).size, 300, '300 distinct logins');
  t.ok(logins.every((l) => l.length <= 20), 'all within 20 characters');
  t.equal(loginOf.get('SIECLE:900001'), 'marie.martin', 'the smallest national id gets the plain login');
  t.equal(loginOf.get('SIECLE:900002'), 'marie.martin2');
  t.equal(loginOf.get('SIECLE:900300'), 'marie.martin300', 'numbered in the order of the national ids, whatever the file order');

  const again = await d.createUsers([...people].reverse(), { onExisting: 'keep' });
  t.ok(
    again.every((r) => r.ok && !r.created),
    'nobody is created twice on the next run',
  );
  t.ok(
    again.every((r, i) => r.ok && r.user.login === loginOf.get([...people].reverse()[i]?.nationalId as string)),
    'everyone keeps their login',
  );
  t.equal((await d.getClass(classe)).pupils.length, 300);

  const newcomer = await d.createUser({ givenName: 'Marie', surname: 'Martin', profile: 'eleve', classe, nationalId: 'SIECLE:900000' });
  t.equal(newcomer.user.login, 'marie.martin301', 'a newcomer later gets the next number, nobody else changes');

  const r = first[0];
  if (r?.ok && r.password) t.ok((await smbLogon(r.user.login, r.password)).ok, 'a homonym logs on with their own password');
});

t.test('initial passwords are kept encrypted for the sheets and forgotten after the first logon', async (t) => {
  const app = await startTestApp(t);
  const d = app.directory;
  const classe = `Fiches ${app.config.directory.ou}`;
  await d.createClass(classe);
  const a = await d.createUser({ givenName: 'Nina', surname: `Fiche${app.config.directory.ou.slice(2)}`, profile: 'eleve', classe });
  const b = await d.createUser({ givenName: 'Omar', surname: `Fiche${app.config.directory.ou.slice(2)}`, profile: 'eleve', classe });
  const kept = await d.initialPasswords(classe);
  t.same(
    kept.map((k) => [k.login, k.password]).sort(),
    [
      [a.user.login, a.password],
      [b.user.login, b.password],
    ].sort(),
    'both initial passwords are available for the sheet',
  );
  const raw = app.db.prepare('SELECT sealed FROM directory_initial_passwords').all() as { sealed: Buffer }[];
  t.equal(raw.length, 2);
  t.notOk(
    raw.some((r) => r.sealed.includes(Buffer.from(a.password)) || r.sealed.includes(Buffer.from(b.password))),
    'never stored in clear',
  );
  t.ok((await smbLogon(a.user.login, a.password)).ok);
  const after = await d.initialPasswords(classe);
  t.same(
    after.map((k) => k.login),
    [b.user.login],
    'the password of the pupil who logged on is forgotten',
  );
  const purge = await d.purgeDue(new Date(Date.now() + 31 * 86_400_000));
  t.equal(purge.forgotten, 1, 'the other one is forgotten after the set number of days');
  t.same(await d.initialPasswords(classe), []);
});
