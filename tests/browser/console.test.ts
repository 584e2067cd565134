import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, openConsole } from './browser.ts';
import { ADMIN, startTestApp } from '../helpers.ts';


t.test('log in to the console, see the dashboard live, save a screenshot', async (t) => {
  const app = await startTestApp(t);
  const { url, page } = await openConsole(t, app);
  await page.goto(url);
  await page.getByTestId('login-form').waitFor();

  await page.getByLabel('Identifiant').fill(ADMIN.login);
  await page.getByLabel('Mot de passe').fill('mauvais mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByTestId('login-error').filter({ hasText: 'Identifiant ou mot de passe incorrect.' }).waitFor();

  await page.getByLabel('Mot de passe').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByTestId('dashboard').waitFor();
  await page.getByTestId('dc-state').filter({ hasText: 'En service' }).waitFor();
  await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
  t.match((await page.getByTestId('user-menu').textContent()) ?? '', /Admin de test/);
  t.ok(await page.getByTestId('disk-card').isVisible(), 'disk space shown');

  app.journal.record('warn', 'test', 'test.browser', 'Événement poussé pendant le test du navigateur');
  await page.getByTestId('events-list').filter({ hasText: 'Événement poussé pendant le test du navigateur' }).waitFor();
  const cookies = await page.context().cookies();
  t.ok(cookies.find((c) => c.name === 'trousse_sid')?.httpOnly, 'the session cookie is HttpOnly');
  t.equal(await page.evaluate(() => document.cookie.includes('trousse_sid')), false, 'not readable from scripts');

  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, 'console-dashboard.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.pass(`screenshot saved to ${shot}`);

  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  t.equal((await app.app.inject({ url: '/api/v1/auth/me', headers: { cookie: `trousse_sid=${cookies.find((c) => c.name === 'trousse_sid')?.value}` } })).statusCode, 401, 'logged out on the server');
});
