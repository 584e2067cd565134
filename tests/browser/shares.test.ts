// Partages and Devoirs in chromium, with the shares turned off: the DC's shares include belongs to
// the serial shares tests. What works without them is checked for real (GPO values, Linux files,
// quota settings); the rest must say, in French, why it is not available.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ARTIFACTS, openConsole } from './browser.ts';
import { ADMIN, startTestApp, uniqName } from '../helpers.ts';

t.test('partages and devoirs in the console, shares disabled', async (t) => {
  const app = await startTestApp(t, { shares: { enabled: false } });
  const { user: teacher, password: teacherPassword } = await app.directory.createUser({
    givenName: 'Paul',
    surname: `Prof${uniqName()}`,
    profile: 'enseignant',
    mustChange: false,
  });
  const { url, page } = await openConsole(t, app);
  mkdirSync(ARTIFACTS, { recursive: true });

  await page.goto(`${url}/#/partages`);
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('Identifiant').fill(ADMIN.login);
  await page.getByLabel('Mot de passe').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();

  // ---- Partages: the disabled empty state, the settings still there ----
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await page.getByTestId('shares-disabled').waitFor();
  t.match((await page.getByTestId('shares-disabled').textContent()) ?? '', /ne sont pas gérés par Trousse/, 'the disabled state explains');
  t.equal(await page.getByTestId('share-list').count(), 0, 'no share cards when disabled');
  for (const name of ['Partages', 'Quotas', 'Profils itinérants', 'Postes Windows et Linux']) {
    t.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, `« ${name} » in the navigation`);
  }
  await page.getByTestId('shares-settings-submit').waitFor();
  t.equal(await page.getByTestId('shares-home-drive').inputValue(), 'H:', 'the home drive letter is read');
  await page.screenshot({ path: join(ARTIFACTS, 'console-shares.png'), fullPage: true });

  // ---- Postes: the GPO values and the two Linux files ----
  await nav.getByRole('link', { name: 'Postes Windows et Linux' }).click();
  const homePath = page.getByTestId('windows-home-path');
  await homePath.waitFor();
  const windows = app.shares.windows();
  t.equal((await homePath.textContent())?.trim(), windows.homeDirectoryPattern, 'the home path pattern');
  t.equal((await page.getByTestId('windows-profile-path').textContent())?.trim(), windows.profilePathPattern, 'the profile path pattern');
  t.equal((await page.getByTestId('windows-home-drive').textContent())?.trim(), windows.homeDrive, 'the home drive');
  t.equal(await page.getByTestId('windows-redirection').count(), windows.redirections.length, 'one row per redirected folder');
  t.equal((await page.getByTestId('windows-excluded-value').textContent())?.trim(), windows.excludeProfileDirs.join(';'), 'the excluded folders, ready to paste');
  for (const [testId, file, marker] of [
    ['download-sssd', 'sssd.conf', '[sssd]'],
    ['download-pam-mount', 'pam_mount.conf.xml', '<pam_mount>'],
  ] as const) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    t.equal(download.suggestedFilename(), file, `${file} is offered under its name`);
    const text = readFileSync((await download.path()) as string, 'utf8');
    t.ok(text.includes(marker), `${file} downloaded even though the shares are disabled`);
  }
  await page.screenshot({ path: join(ARTIFACTS, 'console-postes.png'), fullPage: true });

  // ---- Quotas: the settings form saves, and refuses a warning above the limit ----
  await nav.getByRole('link', { name: 'Quotas', exact: true }).click();
  const soft = page.getByTestId('quota-eleve-soft');
  const hard = page.getByTestId('quota-eleve-hard');
  await soft.waitFor();
  await soft.fill('300');
  await hard.fill('450');
  await page.getByTestId('quota-settings-submit').click();
  await page.getByTestId('quota-settings-saved').filter({ hasText: 'enregistrés' }).waitFor();
  t.same(app.shares.settings().quotas.eleve, { softMb: 300, hardMb: 450 }, 'saved on the server');
  await page.reload();
  await soft.waitFor();
  t.equal(await soft.inputValue(), '300', 'the saved warning is shown after a reload');
  t.equal(await hard.inputValue(), '450', 'the saved limit is shown after a reload');

  await soft.fill('900');
  await page.getByTestId('quota-settings-submit').click();
  const refused = page.getByTestId('quota-settings-message');
  await refused.filter({ hasText: 'ne peut pas dépasser' }).waitFor();
  t.match((await refused.textContent()) ?? '', /Élèves — L’avertissement \(900 Mo\) ne peut pas dépasser la limite \(450 Mo\)/, 'the French message names both values');
  t.equal(await soft.getAttribute('aria-invalid'), 'true', 'the field is marked');
  t.equal(await soft.inputValue(), '900', 'the typed value is kept');
  t.equal(app.shares.settings().quotas.eleve.softMb, 300, 'nothing saved');

  // the accounts: never measured; « Mesurer maintenant » shows the daemon's refusal
  const row = page.locator(`[data-testid="quota-row"][data-login="${teacher.login}"]`);
  await row.waitFor();
  t.match((await row.textContent()) ?? '', /pas encore mesuré/, 'an account never measured says so');
  await page.getByTestId('quota-measure').click();
  await page.getByTestId('quota-measure-message').filter({ hasText: 'Les partages ne sont pas gérés par Trousse sur ce serveur' }).waitFor();
  t.pass('the measure refusal is the daemon’s message');

  // ---- Devoirs (administrator): nothing yet; the new hand-out form says why it cannot work ----
  await nav.getByRole('link', { name: 'Devoirs' }).click();
  await page.getByTestId('homework-empty').waitFor();
  await page.getByTestId('homework-new').click();
  const unavailable = page.getByTestId('homework-unavailable');
  await unavailable.waitFor();
  t.match(
    (await unavailable.textContent()) ?? '',
    'Les partages ne sont pas gérés par Trousse sur ce serveur : les devoirs ne sont pas disponibles.',
    'the daemon’s message is shown on the form',
  );
  await page.getByTestId('homework-teacher').fill(teacher.login);
  await page.getByTestId('homework-title').fill('TP 3 — fractions');
  await page.getByTestId('homework-submit').click();
  await page.getByTestId('homework-form-message').filter({ hasText: 'Choisissez le fichier ou le dossier' }).waitFor();
  t.equal(await page.getByTestId('homework-title').inputValue(), 'TP 3 — fractions', 'the title typed is kept');
  await page.screenshot({ path: join(ARTIFACTS, 'console-homework-new.png'), fullPage: true });

  // ---- Devoirs (teacher): in the navigation, same explanation ----
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('Identifiant').fill(teacher.login);
  await page.getByLabel('Mot de passe').fill(teacherPassword);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await nav.getByRole('link', { name: 'Devoirs' }).click();
  await page.getByTestId('homework-empty').waitFor();
  t.equal(await nav.getByRole('link', { name: 'Quotas', exact: true }).count(), 0, 'no shares pages for a teacher');
  await page.getByTestId('homework-new').click();
  await page.getByTestId('homework-unavailable').waitFor();
  t.equal(await page.getByTestId('homework-teacher').count(), 0, 'a teacher hands out from their own folder');
});
