// A generated login taken by someone else between the check and the add (another tool, an
// administrator in RSAT): the account gets the next free login instead of failing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { adminLdap, startTestApp, uniqName } from '../helpers.ts';

t.test('a generated login taken meanwhile: the next one is used', async (t) => {
  const app = await startTestApp(t);
  await app.directory.createClass('6R');
  const surname = `Course${uniqName()}`;
  const clash = `${'lea'}.${surname.toLowerCase()}`;
  const dir = mkdtempSync(join(tmpdir(), 'trousse-race-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ldif = join(dir, 'other.ldif');
  writeFileSync(ldif, [`dn: CN=autre-outil,${app.directory.layout.root}`, 'objectClass: user', `sAMAccountName: ${clash}`, ''].join('\n'));
  let injected = false;
  const results = await app.directory.createUsers(
    [
      { givenName: 'Hugo', surname, profile: 'eleve', classe: '6R', nationalId: 'CSV:race-1' },
      { givenName: 'Léa', surname, profile: 'eleve', classe: '6R', nationalId: 'CSV:race-2' },
    ],
    {
      onProgress: (done) => {
        if (done !== 1 || injected) return;
        injected = true;
        // after Hugo, before Léa: another tool creates "lea.<surname>"
        // synchronous: the service must not go on to Léa before the other account exists
        const { args, env } = adminLdap();
        execFileSync('ldapadd', [...args, '-f', ldif], { env });
      },
    },
  );
  t.ok(injected, 'the other account was created in the middle');
  const lea = results[1];
  t.ok(lea?.ok, `Léa's account is created anyway: ${JSON.stringify(lea)}`);
  if (lea?.ok) t.equal(lea.user.login, `${clash}2`, 'with the next login');
});
