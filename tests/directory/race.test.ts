// A generated login taken by someone else between the check and the add (another tool, an
// administrator in RSAT): the account gets the next free login instead of failing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readHarness, startTestApp, uniqName } from '../helpers.ts';

t.test('a generated login taken meanwhile: the next one is used', async (t) => {
  const app = await startTestApp(t);
  await app.directory.createClass('6R');
  const surname = `Course${uniqName()}`;
  const clash = `${'lea'}.${surname.toLowerCase()}`;
  const h = readHarness();
  const dir = mkdtempSync(join(tmpdir(), 'trousse-race-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'pw'), readFileSync(h.adminPasswordFile, 'utf8').trim(), { mode: 0o600 });
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
        execFileSync('ldapadd', ['-H', 'ldaps://127.0.0.1', '-x', '-D', `Administrator@${h.school.dnsDomain.toUpperCase()}`, '-y', join(dir, 'pw'), '-f', ldif], {
          env: { ...process.env, LDAPTLS_CACERT: h.caFile, LDAPTLS_REQCERT: 'allow' },
        });
      },
    },
  );
  t.ok(injected, 'the other account was created in the middle');
  const lea = results[1];
  t.ok(lea?.ok, `Léa's account is created anyway: ${JSON.stringify(lea)}`);
  if (lea?.ok) t.equal(lea.user.login, `${clash}2`, 'with the next login');
});
