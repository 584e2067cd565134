// The import wizard and the rollover in chromium, as the administrator uses them.
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ARTIFACTS, openConsole } from './browser.ts';
import { ADMIN, startTestApp } from '../helpers.ts';
import { makeSchool, nextYear, siecleZip, stsFileName, stsXml } from '../imports/generate.ts';

t.test('import wizard: upload, differences, apply with progress, report, sheets; then the rollover', async (t) => {
  const app = await startTestApp(t);
  const y1 = makeSchool({ seed: 41, uai: app.config.school.uai, classes: 4, pupils: 24, teachers: 4, staff: 1, homonyms: 1 });
  const { url, page } = await openConsole(t, app);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.goto(`${url}/#/imports`);
  await page.getByLabel('Identifiant').fill(ADMIN.login);
  await page.getByLabel('Mot de passe').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();

  // ---- step 1: files ----
  await page.getByTestId('import-new').click();
  await page.getByTestId('import-wizard').waitFor();
  await page.getByTestId('import-upload-input').setInputFiles([
    { name: 'ExportXML_ElevesSansAdresses.zip', mimeType: 'application/zip', buffer: siecleZip(y1) },
    { name: stsFileName(y1), mimeType: 'text/xml', buffer: stsXml(y1) },
  ]);
  await page.locator('[data-testid="import-file-row"]').nth(1).waitFor();
  t.same(
    await page.locator('[data-testid="import-file-row"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.kind)),
    ['siecle', 'sts'],
    'both files read, kinds recognised',
  );
  // a file of another kind is refused with the daemon's French message
  await page.getByTestId('import-upload-input').setInputFiles([{ name: 'photo.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 pas un export') }]);
  const refused = page.getByTestId('import-file-refused');
  await refused.waitFor();
  t.match((await refused.textContent()) ?? '', /photo\.pdf/, 'the refused file is named');

  // ---- step 2: differences ----
  await page.getByTestId('import-analyse').click();
  const create = page.getByTestId('import-count-create');
  await create.waitFor();
  const expected = y1.pupils.length + y1.teachers.length;
  t.equal(Number(await create.getAttribute('data-count')), expected, `${expected} accounts to create`);
  const someone = y1.pupils[3];
  if (!someone) throw new Error('no pupil');
  await page.getByTestId('import-items-search').fill(someone.givenName);
  await page.getByTestId('import-items-search').press('Enter');
  await page.locator('[data-testid="import-item"]', { hasText: someone.givenName }).first().waitFor();
  t.pass('the search finds a pupil of the file');
  await page.screenshot({ path: join(ARTIFACTS, 'console-import-diff.png'), fullPage: true });

  // ---- step 3 and 4: apply, progress, report ----
  await page.getByTestId('import-apply').click();
  const confirm = page.getByTestId('import-confirm');
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Appliquer l’import' }).click();
  const report = page.locator('[data-testid="import-report"][data-state="applied"]');
  await report.waitFor({ timeout: 60_000 });
  t.match((await report.textContent()) ?? '', new RegExp(String(expected)), 'the report counts the created accounts');
  await page.screenshot({ path: join(ARTIFACTS, 'console-import-report.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-download-passwords').click()]);
  const csv = readFileSync((await download.path()) as string, 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/);
  t.equal(csv[0], 'login;password;class;name');
  t.equal(csv.length - 1, expected, 'the CSV of the new accounts, one line each');
  const users = await app.directory.allUsers();
  t.equal(users.filter((u) => u.nationalId).length, expected, 'the accounts are in the directory');

  // ---- password sheets of a class ----
  await page.goto(`${url}/#/fiches`);
  await page.getByTestId('sheets-class-select').selectOption(y1.classes[0] as string);
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sheets-download').click()]);
  t.equal(readFileSync((await pdf.path()) as string).subarray(0, 5).toString(), '%PDF-', 'the sheets come as a PDF');

  // ---- the rollover ----
  const y2 = nextYear(y1, { seed: 42, teachersLeaving: 1, teachersArriving: 1 });
  await page.goto(`${url}/#/rentree`);
  await page.getByTestId('rollover-start').click();
  await page.getByTestId('import-wizard').waitFor();
  await page.getByTestId('import-upload-input').setInputFiles([
    { name: 'ExportXML_ElevesSansAdresses.zip', mimeType: 'application/zip', buffer: siecleZip(y2) },
    { name: stsFileName(y2), mimeType: 'text/xml', buffer: stsXml(y2) },
  ]);
  await page.locator('[data-testid="import-file-row"]').nth(1).waitFor();
  await page.getByTestId('import-analyse').click();
  const warning = page.getByTestId('import-rollover-warning');
  await warning.waitFor();
  t.match((await warning.textContent()) ?? '', /90 jours/, 'the rollover warns of the departures and the grace period');
  await page.screenshot({ path: join(ARTIFACTS, 'console-rollover.png'), fullPage: true });
  await page.getByTestId('import-apply').click();
  await confirm.waitFor();
  const submit = confirm.getByRole('button', { name: 'Appliquer la rentrée' });
  t.ok(await submit.isDisabled(), 'the rollover cannot be applied before the departures are checked');
  await confirm.getByTestId('import-confirm-departures').check();
  await submit.click();
  await page.locator('[data-testid="import-report"][data-state="applied"]').waitFor({ timeout: 60_000 });
  const after = await app.directory.allUsers();
  const gone = y1.pupils.filter((p) => !y2.pupils.some((q) => q.eleveId === p.eleveId));
  t.ok(gone.length > 0);
  t.ok(
    gone.every((p) => after.find((u) => u.nationalId === `SIECLE:${p.eleveId}`)?.state === 'deleted'),
    'the pupils who left are retired',
  );
});
