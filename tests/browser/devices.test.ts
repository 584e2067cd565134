// « Ma salle » as a teacher sees it on the whiteboard: pick the room, switch the projector on and
// off (the simulated projector really changes), choose an input, wake and shut down the room's
// PCs with a confirmation, each result shown. Then the administrator's pages load and list the
// devices (screenshots in artifacts/).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ARTIFACTS, openConsole } from './browser.ts';
import { ADMIN, startTestApp, uniqName } from '../helpers.ts';
import { PjlinkSimulator } from '../devices/pjlink-sim.ts';

t.test('ma salle: a teacher drives the projector and the PCs', async (t) => {
  const projector = new PjlinkSimulator({ manufacturer: 'EPSON', model: 'EB-695Wi', lamps: [{ hours: 1480 }] });
  await projector.start();
  t.teardown(() => projector.stop());
  const app = await startTestApp(t, { devices: { enabled: true, notifyPort: 0, searchBindPort: 0 } });
  app.devices.updateSettings({ wakeCheckSeconds: 2 });
  const room = app.devices.createRoom({ name: 'Salle 204', subnet: '127.0.0.0/8' });
  const vp = app.devices.create({ kind: 'whiteboard', name: 'TBI-204', room: 'Salle 204', host: '127.0.0.1', pjlink: { port: projector.port } });
  await app.devices.check(vp.id);
  app.devices.create({ kind: 'pc', name: 'PC-204-01', room: 'Salle 204', mac: '02:00:00:00:20:01', host: '127.0.0.1', os: 'linux' });
  app.devices.create({ kind: 'pc', name: 'PC-204-02', room: 'Salle 204', mac: '02:00:00:00:20:02' });
  const { user: teacher, password } = await app.directory.createUser({ givenName: 'Anne', surname: `Prof${uniqName()}`, profile: 'enseignant', mustChange: false });

  const { url, page } = await openConsole(t, app);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.goto(`${url}/#/ma-salle`);
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('Identifiant').fill(teacher.login);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();

  await page.getByTestId('my-room-page').waitFor();
  const picker = page.getByTestId('room-picker');
  await picker.waitFor();
  if ((await picker.evaluate((el) => el.tagName)) === 'SELECT') await picker.selectOption({ label: 'Salle 204' });
  else await picker.getByText('Salle 204').click();
  const card = page.getByTestId('projector-card');
  await card.waitFor();
  t.match((await card.textContent()) ?? '', /TBI-204/, 'the room’s board is shown');
  t.equal(await page.getByTestId('projector-status').getAttribute('data-state'), 'off', 'in standby');

  await page.getByTestId('projector-power-on').click();
  await page.getByTestId('projector-status').and(page.locator('[data-state="on"]')).waitFor({ timeout: 10_000 });
  t.equal(projector.power, 1, 'the projector itself is on');
  await page.screenshot({ path: join(ARTIFACTS, 'console-ma-salle.png'), fullPage: true });

  const hdmi = page.getByTestId('projector-input').and(page.locator('[data-input="31"]'));
  if ((await hdmi.count()) > 0) {
    await hdmi.click();
    for (let i = 0; i < 50 && projector.input !== '31'; i++) await new Promise((r) => setTimeout(r, 100));
    t.equal(projector.input, '31', 'the input chosen on the page reaches the projector');
  }

  await page.getByTestId('wake-pcs').click();
  const results = page.getByTestId('action-results');
  await results.getByTestId('action-result').filter({ hasText: 'PC-204-02' }).waitFor({ timeout: 15_000 });
  const text = (await results.textContent()) ?? '';
  t.match(text, /PC-204-01/, 'a result per PC');
  t.match(text, /Déjà allumé/, 'the PC that answers is already on');
  t.match(text, /sans adresse IP/, 'the one without an address: packet sent, not checked');

  await page.getByTestId('shutdown-pcs').click();
  const dialog = page.getByTestId('shutdown-pcs-dialog');
  await dialog.waitFor();
  t.match((await dialog.textContent()) ?? '', /perdre/, 'the confirmation warns about unsaved work');
  await dialog.getByRole('button', { name: /Éteindre/ }).click();
  await page.getByTestId('action-result').filter({ hasText: 'PC-204-02' }).waitFor({ timeout: 20_000 });
  t.match((await page.getByTestId('action-results').textContent()) ?? '', /Windows ou Linux|adresse IP/, 'a PC that cannot be shut down says why');

  await page.getByTestId('projector-power-off').click();
  const confirm = page.getByRole('dialog');
  if (await confirm.count()) await confirm.getByRole('button', { name: /Éteindre|Mettre en veille|Confirmer/ }).first().click().catch(() => {});
  for (let i = 0; i < 50 && projector.power === 1; i++) await new Promise((r) => setTimeout(r, 100));
  t.not(projector.power, 1, 'switched off from the page');

  // a teacher has no registry pages
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  t.equal(await nav.getByRole('link', { name: 'Planification' }).count(), 0, 'no Planification for a teacher');
  void room;
});

t.test('salles et appareils: the administrator’s pages', async (t) => {
  const app = await startTestApp(t, { devices: { enabled: true, notifyPort: 0, searchBindPort: 0 } });
  app.devices.create({ kind: 'projector', name: 'VP-ADMIN', room: 'Salle 1', host: '10.255.0.1', serial: 'SN-1' });
  app.devices.create({ kind: 'pc', name: 'PC-ADMIN', room: 'Salle 1', mac: '02:00:00:00:30:01', os: 'windows' });
  const { url, page } = await openConsole(t, app);
  await page.goto(`${url}/#/salles`);
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('Identifiant').fill(ADMIN.login);
  await page.getByLabel('Mot de passe').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByTestId('devices-page').waitFor();
  await page.getByTestId('device-row').first().waitFor();
  t.equal(await page.getByTestId('device-row').count(), 2, 'both devices listed');
  t.match((await page.getByTestId('devices-table').textContent()) ?? '', /Vidéoprojecteur/, 'kinds in French');
  await page.screenshot({ path: join(ARTIFACTS, 'console-salles.png'), fullPage: true });
  await page.goto(`${url}/#/salles/planification`);
  await page.getByTestId('planning-page').waitFor();
  await page.getByTestId('calendar-card').waitFor();
  t.ok((await page.getByTestId('holiday-row').count()) >= 5, 'public holidays listed');
  await page.screenshot({ path: join(ARTIFACTS, 'console-planification.png'), fullPage: true });
});
