import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, openConsole } from './browser.ts';
import { ADMIN, startTestApp, uniq, uniqName } from '../helpers.ts';


t.test('annuaire in the console: find a pupil, reset the password, disable and enable, class and groups', async (t) => {
  const app = await startTestApp(t);
  // A class name with a space and "°": every path segment must be encoded by the console.
  const classe = `6°A ${uniq()}`;
  const surname = `Durand${uniqName()}`;
  await app.directory.createClass(classe);
  const { user: pupil } = await app.directory.createUser({ givenName: 'Léa', surname, profile: 'eleve', classe });
  const { user: teacher, password: teacherPassword } = await app.directory.createUser({
    givenName: 'Paul',
    surname: `Prof${uniqName()}`,
    profile: 'enseignant',
    mustChange: false,
  });
  await app.directory.setClassTeachers(classe, [teacher.login]);

  const { url, page } = await openConsole(t, app);
  mkdirSync(ARTIFACTS, { recursive: true });

  // Asked before signing in: the console comes back to this page after the login.
  await page.goto(`${url}/#/annuaire/utilisateurs`);
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('Identifiant').fill(ADMIN.login);
  await page.getByLabel('Mot de passe').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();

  // ---- Utilisateurs: server-side search ----
  await page.getByTestId('users-table').waitFor();
  await page.getByLabel('Rechercher').fill(surname);
  const row = page.locator(`[data-testid="user-row"][data-login="${pupil.login}"]`);
  await row.waitFor();
  await page.getByTestId('users-total').filter({ hasText: '1 compte trouvé' }).waitFor();
  t.equal(await page.locator('[data-testid="user-row"]').count(), 1, 'only the pupil searched for');
  t.match((await row.textContent()) ?? '', classe, 'the class is shown in the row');
  t.match((await row.textContent()) ?? '', 'Actif', 'the state is shown in the row');
  t.match(await page.evaluate(() => location.hash), /^#\/annuaire\/utilisateurs\?q=/, 'the search is kept in the address');
  const usersShot = join(ARTIFACTS, 'console-users.png');
  await page.screenshot({ path: usersShot, fullPage: true });
  t.pass(`screenshot saved to ${usersShot}`);

  // ---- Fiche du compte ----
  await row.getByRole('link', { name: pupil.displayName }).click();
  const detail = page.getByTestId('user-detail');
  await detail.waitFor();
  t.equal((await page.getByTestId('user-state').textContent())?.trim(), 'Actif');
  const detailText = (await detail.textContent()) ?? '';
  t.match(detailText, pupil.login, 'the login is shown');
  t.match(detailText, classe, 'the class is shown');
  t.match(detailText, 'Élève');

  // Reset the password: shown once, in the dialog.
  await page.getByTestId('reset-password').click();
  const resetDialog = page.getByRole('dialog');
  await resetDialog.getByRole('button', { name: 'Réinitialiser', exact: true }).click();
  const shown = resetDialog.getByTestId('new-password');
  await shown.waitFor();
  const password = ((await shown.textContent()) ?? '').trim();
  t.ok(password.length >= 6, 'a new password is shown');
  await resetDialog.getByText('Notez-le maintenant : il ne sera plus affiché.').waitFor();
  await resetDialog.getByRole('button', { name: 'Fermer', exact: true }).click();
  // a closed <dialog> leaves the accessibility tree at once but the DOM only on its 'close' event:
  // wait for the element itself, not its role
  await page.getByTestId('reset-password-dialog').waitFor({ state: 'detached' });
  t.notMatch(await page.content(), password, 'the password is gone once the dialog is closed');

  // Disable (after a confirmation), then enable again.
  await detail.getByRole('button', { name: 'Désactiver', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Désactiver le compte' }).click();
  await page.getByTestId('user-state').filter({ hasText: 'Désactivé' }).waitFor();
  t.equal((await app.directory.getUser(pupil.login)).state, 'disabled', 'disabled on the server');
  await page.getByText('Ce compte est désactivé').waitFor();
  await detail.getByRole('button', { name: 'Réactiver' }).click();
  await page.getByTestId('user-state').filter({ hasText: 'Actif' }).waitFor();
  t.equal((await app.directory.getUser(pupil.login)).state, 'active', 'enabled on the server');
  const userShot = join(ARTIFACTS, 'console-user.png');
  await page.screenshot({ path: userShot, fullPage: true });
  t.pass(`screenshot saved to ${userShot}`);

  // ---- The pupil's class ----
  await detail.getByTestId('user-info').getByRole('link', { name: classe }).click();
  await page.getByTestId('class-detail').waitFor();
  t.match(await page.evaluate(() => location.hash), `#/annuaire/classes/${encodeURIComponent(classe)}`, 'the class name is encoded in the address');
  await page.getByRole('heading', { name: `Classe ${classe}` }).waitFor();
  await page.getByTestId('class-pupils').locator(`[data-login="${pupil.login}"]`).waitFor();
  t.match((await page.getByTestId('class-pupils').textContent()) ?? '', pupil.displayName, 'the pupil is listed');
  t.match((await page.getByTestId('class-teachers').textContent()) ?? '', teacher.displayName, 'the teacher is in the team');
  t.ok(await page.getByRole('button', { name: 'Supprimer la classe' }).isDisabled(), 'a class with pupils cannot be deleted');

  // ---- Groupes: the class group is there, read-only ----
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Groupes' }).click();
  await page.getByTestId('groups-table').waitFor();
  const classGroup = page.locator('[data-testid="group-row"][data-kind="classe"]', { hasText: classe });
  await classGroup.waitFor();
  await classGroup.getByRole('link').click();
  await page.getByTestId('group-detail').waitFor();
  await page.getByText('Groupe tenu à jour automatiquement').waitFor();
  await page.locator(`[data-testid="member-row"][data-login="${pupil.login}"]`).waitFor();
  t.equal(await page.getByRole('button', { name: 'Supprimer le groupe' }).count(), 0, 'a class group cannot be deleted from here');

  // ---- The teacher: Mes classes, reset a pupil's password ----
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('Identifiant').fill(teacher.login);
  await page.getByLabel('Mot de passe').fill(teacherPassword);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Mes classes' }).click();
  t.equal(await page.locator('.toast', { hasText: 'désactivé' }).count(), 0, 'the previous session’s messages are gone');
  const mine = page.getByTestId('my-classes');
  await mine.waitFor();
  const pupilRow = mine.locator(`[data-testid="user-row"][data-login="${pupil.login}"]`);
  await pupilRow.waitFor();
  t.match((await mine.textContent()) ?? '', classe, 'the teacher sees their class');
  t.equal(await page.getByRole('link', { name: 'Utilisateurs' }).count(), 0, 'no administrator pages for a teacher');
  await pupilRow.getByTestId('reset-password').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Réinitialiser', exact: true }).click();
  await dialog.getByTestId('new-password').waitFor();
  const teacherShot = join(ARTIFACTS, 'console-my-classes.png');
  await page.screenshot({ path: teacherShot, fullPage: true });
  t.pass(`screenshot saved to ${teacherShot}`);
  const audit = app.db.prepare("SELECT actor FROM audit_log WHERE action = 'directory.password-reset' AND target = ? ORDER BY id DESC").get(pupil.login) as
    | { actor: string }
    | undefined;
  t.equal(audit?.actor, `teacher:${teacher.login}`, 'the teacher’s reset is audited under their name');
});
