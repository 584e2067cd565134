// « Inventaire » in the console, as the administrator: a PC reports itself with the official GLPI
// example (JSON protocol, through the listening server), the park lists it and filters it by
// status, its page takes a purchase date (6 years ago → « À renouveler » and why), the ageing rules
// move it (renewal at 8 years → « Hors garantie »), the purchase records refuse a file with a bad
// line (its number shown, « Appliquer » stays off), and « Remontée au département » reaches a
// simulated hub (« Tester la connexion » → a health report received). Screenshots in /tmp/inv-*.png.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { InventoryItem } from '../../daemon/src/inventory/model.ts';
import { ADMIN, apiClient, login, startTestApp } from '../helpers.ts';
import { HubSim } from '../hub/hub-sim.ts';
import { openConsole } from './browser.ts';

const SHOTS = process.env.INVENTORY_SHOTS ?? '/tmp';
const computer1 = readFileSync(new URL('../../daemon/src/inventory/glpi-format/computer_1.json', import.meta.url), 'utf8');
const TOKEN = 'jeton-du-departement-42';

/** YYYY-MM-DD, `years` before today (UTC, as the daemon counts). */
function yearsAgo(years: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

t.test('inventaire: the park, an item, the rules, the purchase records and the delivery', async (t) => {
  const hub = new HubSim({ token: TOKEN });
  await hub.start();
  t.teardown(() => hub.stop());

  const app = await startTestApp(t, { devices: { enabled: true, notifyPort: 0, searchBindPort: 0 } });
  app.devices.create({ kind: 'projector', name: 'VP-101', room: 'Salle 101', manufacturer: 'Epson', model: 'EB-X41', serial: 'VPSN-101' });
  // a device created after the start reaches the inventory on the next status or alert event of the
  // devices capability only (none here: no address, no polling): sync now, as the demo does
  app.inventory.syncDevices();
  const { url, page } = await openConsole(t, app);

  // a PC reports itself, as glpi-agent would (JSON protocol)
  const posted = await fetch(`${url}/front/inventory.php`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'GLPI-Agent-ID': randomUUID() },
    body: computer1,
  });
  t.equal(posted.status, 200, 'the agent’s inventory is accepted');
  const api = apiClient(app, await login(app));
  const items = (await api<InventoryItem[]>('GET', '/inventory/items')).body;
  const pc = items.find((i) => i.name === 'glpixps');
  t.ok(pc, 'the PC is in the inventory');
  if (!pc) return;

  /** The whole page: the console scrolls inside <main>, so the window grows to its height for the picture. */
  const shot = async (name: string) => {
    const height = await page.evaluate(() => (document.querySelector('main')?.scrollHeight ?? 800) + 60);
    await page.setViewportSize({ width: 1280, height: Math.max(800, Math.min(height, 6000)) });
    await page.screenshot({ path: `${SHOTS}/inv-${name}.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
  };
  page.on('pageerror', (err) => t.fail(`page error: ${err.message}`));

  // ---- the park
  await page.goto(`${url}/#/inventaire`);
  await page.getByTestId('login-form').waitFor();
  await page.getByLabel('Identifiant').fill(ADMIN.login);
  await page.getByLabel('Mot de passe').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByTestId('inventory-page').waitFor();
  const pcRow = page.locator('[data-testid="inventory-row"][data-name="glpixps"]');
  await pcRow.waitFor();
  t.ok(await page.locator('[data-testid="inventory-row"][data-name="VP-101"]').count(), 'the projector of Salles et appareils is listed');
  const initial = await pcRow.getAttribute('data-status');
  t.equal(initial, pc.status, 'the PC shows its status');
  t.match((await pcRow.textContent()) ?? '', /Ordinateur/, 'kind in French');
  t.match((await pcRow.getByTestId('inventory-age').textContent()) ?? '', /≈/, 'age estimated from the BIOS date is flagged');
  t.match((await page.getByTestId('inventory-agent-address').textContent()) ?? '', new RegExp(`^${url.replace(/\./g, '\\.')}/front/inventory\\.php$`), 'agents’ address built from this host');

  // filter by status: the select, then the summary cards
  const other = initial === 'ok' ? 'failing' : 'ok';
  await page.getByTestId('inventory-filter-status').selectOption(other);
  await pcRow.waitFor({ state: 'detached' });
  t.equal(await pcRow.count(), 0, `filtered on « ${other} »: the PC is hidden`);
  await page.locator(`[data-testid="inventory-count"][data-status="${initial}"]`).click();
  await pcRow.waitFor();
  t.equal(await page.getByTestId('inventory-filter-status').inputValue(), initial, 'a summary card sets the status filter');
  for (const row of await page.getByTestId('inventory-row').all()) t.equal(await row.getAttribute('data-status'), initial, 'only that status listed');
  t.match(page.url(), new RegExp(`etat=${initial}`), 'the filter is kept in the address');
  await page.locator('[data-testid="inventory-count"][data-status="all"]').click();
  await page.locator('[data-testid="inventory-row"][data-name="VP-101"]').waitFor();
  // the report: a printable page in a new tab, the CSV file
  const [report] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('inventory-report-html').click()]);
  await report.waitForLoadState();
  t.match((await report.textContent('body')) ?? '', /glpixps/, 'the printable report opens with the PC');
  await report.close();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('inventory-export-csv').click()]);
  t.match(download.suggestedFilename(), /^inventaire-\d{4}-\d{2}-\d{2}\.csv$/, 'CSV export downloaded');
  await page.getByTestId('inventory-agents-help').locator('summary').click();
  await shot('park');

  // ---- the PC's page: a purchase date 6 years ago
  await pcRow.getByTestId('inventory-link').click();
  await page.getByTestId('inventory-item').waitFor();
  t.match((await page.getByTestId('item-identity').textContent()) ?? '', /XPS 13 9350/, 'model shown');
  t.ok(await page.getByTestId('item-cpu').count(), 'processor shown');
  t.ok(await page.getByTestId('item-last-inventory').count(), 'date of the last inventory shown');
  t.equal(await page.getByTestId('item-managed').count(), 0, 'not managed in Salles et appareils: editable');
  const bought = yearsAgo(6);
  const boughtFr = `${bought.slice(8, 10)}/${bought.slice(5, 7)}/${bought.slice(0, 4)}`;
  await page.getByTestId('item-purchase-date').fill('31/02/2020');
  await page.getByTestId('item-purchase-save').click();
  await page.locator('[data-testid="item-purchase"] .form-message-error').waitFor();
  t.match((await page.locator('[data-testid="item-purchase"] .form-message-error').textContent()) ?? '', /jj\/mm\/aaaa/, 'an impossible date is refused in French');
  await page.getByTestId('item-purchase-date').fill(boughtFr);
  await page.getByTestId('item-supplier').fill('UGAP');
  await page.getByTestId('item-value').fill('1 049,90');
  await page.getByTestId('item-purchase-save').click();
  await page.locator('[data-testid="item-reason"][data-code="age.renew"]').waitFor();
  t.equal(await page.getByTestId('item-status').getAttribute('data-status'), 'to_renew', 'status « À renouveler »');
  t.equal((await page.getByTestId('item-status').textContent())?.trim(), 'À renouveler', 'in French');
  t.match((await page.locator('[data-testid="item-reason"][data-code="age.renew"]').textContent()) ?? '', /Acheté il y a 6,0 ans/, 'with its reason');
  t.equal(await page.getByTestId('item-purchase-date').inputValue(), boughtFr, 'the date stays in the form, dd/mm/yyyy');
  t.match((await page.getByTestId('item-history').textContent()) ?? '', /Date d’achat/, 'the change is in the history');
  t.match((await page.getByTestId('item-history').textContent()) ?? '', new RegExp(boughtFr), 'French date in the history');
  const saved = (await api<{ item: InventoryItem }>('GET', `/inventory/items/${pc.id}`)).body.item;
  t.equal(saved.purchase.value, 1049.9, 'the amount typed the French way is saved');
  t.equal(saved.purchase.supplier, 'UGAP');
  t.equal(saved.purchase.purchaseDate, bought, 'saved as YYYY-MM-DD');
  t.equal(await page.getByTestId('item-value').inputValue(), '1049,90', 'the amount shown the French way');
  await page.getByTestId('item-software').locator('summary').click();
  await page.getByTestId('item-software-row').first().waitFor();
  t.ok(await page.getByTestId('item-software-row').count(), 'installed software listed');
  await shot('item');

  // the projector is managed in Salles et appareils: name, kind and room are edited there
  const vp = items.find((i) => i.name === 'VP-101');
  if (vp) {
    await page.goto(`${url}/#/inventaire/materiel/${vp.id}`);
    await page.getByTestId('item-managed').waitFor();
    t.equal(await page.getByTestId('item-room').isDisabled(), true, 'room disabled for a managed item');
    t.equal(await page.getByTestId('item-device-link').getAttribute('href'), `#/salles/appareil/${vp.deviceId}`, 'link to its device');
    t.equal(await page.getByTestId('item-delete').count(), 0, 'no removal here for a managed item');
    await shot('item-managed');
  }

  // ---- the rules: renewal at 8 years
  await page.goto(`${url}/#/inventaire/regles`);
  await page.getByTestId('inventory-rules-page').waitFor();
  t.equal(await page.getByTestId('rule-renewalYears').inputValue(), '5', 'product default: 5 years');
  await page.getByTestId('rule-renewalYears').fill('8');
  await page.getByTestId('rules-submit').click();
  const result = page.getByTestId('rules-result');
  await result.waitFor();
  t.ok(Number(await result.getAttribute('data-changed')) >= 1, 'says how many items changed status');
  const moved = page.locator(`[data-testid="rules-moved"][data-id="${pc.id}"]`);
  t.equal(await moved.getByTestId('rules-moved-before').getAttribute('data-status'), 'to_renew', 'the PC was « À renouveler »');
  t.equal(await moved.getByTestId('rules-moved-after').getAttribute('data-status'), 'out_of_warranty', 'now « Hors garantie »');
  await shot('rules');
  // a lamp rule per model, then an invalid value is refused in French
  await page.getByTestId('lamp-rule-add').click();
  await page.getByTestId('lamp-rule-match').fill('EB-X41');
  await page.getByTestId('lamp-rule-warn').fill('4000');
  await page.getByTestId('lamp-rule-replace').fill('5000');
  await page.getByTestId('rules-submit').click();
  await page.getByTestId('rules-result').waitFor();
  t.same((await api<{ lampRules: unknown[] }>('GET', '/inventory/rules')).body.lampRules, [{ match: 'EB-X41', warnHours: 4000, replaceHours: 5000 }], 'lamp rule saved');
  await page.goto(`${url}/#/inventaire/materiel/${pc.id}`);
  await page.getByTestId('item-status').waitFor();
  t.equal(await page.getByTestId('item-status').getAttribute('data-status'), 'out_of_warranty', 'the PC page follows the rules');

  // ---- purchase records: a file with a bad line
  await page.goto(`${url}/#/inventaire/achats`);
  await page.getByTestId('inventory-purchases-page').waitFor();
  const csv = ['Numéro de série;Nom;Date d’achat;Fournisseur;Montant (€)', '640HP72;glpixps;15/09/2020;UGAP;899,00', 'NOUVEAU-01;PC-CDI-02;32/13/2021;UGAP;650'].join('\r\n');
  await page.getByTestId('purchases-file').setInputFiles({ name: 'registre.csv', mimeType: 'text/csv', buffer: Buffer.from(`\ufeff${csv}\r\n`) });
  t.equal(await page.getByTestId('purchases-apply').isDisabled(), true, '« Appliquer » off before a check');
  await page.getByTestId('purchases-check').click();
  await page.getByTestId('purchases-report').waitFor();
  const lineError = page.locator('[data-testid="purchases-line-error"][data-line="3"]');
  await lineError.waitFor();
  t.match((await lineError.textContent()) ?? '', /Ligne 3/, 'the error names its line');
  t.equal(await page.getByTestId('purchases-line-error').count(), 1, 'one bad line');
  t.equal(await page.getByTestId('purchases-apply').isDisabled(), true, '« Appliquer » stays off with an error');
  await shot('purchases');
  const after = (await api<{ item: InventoryItem }>('GET', `/inventory/items/${pc.id}`)).body.item;
  t.equal(after.purchase.purchaseDate, bought, 'nothing applied by the check');

  // the corrected file: checked, then applied after a confirmation
  const fixed = ['Numéro de série;Nom;Type;Date d’achat;Fournisseur', 'NOUVEAU-01;PC-CDI-02;Ordinateur;15/09/2021;UGAP'].join('\r\n');
  await page.getByTestId('purchases-file').setInputFiles({ name: 'registre-corrige.csv', mimeType: 'text/csv', buffer: Buffer.from(`${fixed}\r\n`) });
  t.equal(await page.getByTestId('purchases-report').count(), 0, 'a new file clears the previous check');
  await page.getByTestId('purchases-check').click();
  await page.locator('[data-testid="purchases-line"][data-action="create"]').waitFor();
  t.equal(await page.getByTestId('purchases-apply').isDisabled(), false, '« Appliquer » on after a check without errors');
  await page.getByTestId('purchases-apply').click();
  const applyDialog = page.getByTestId('purchases-apply-dialog');
  await applyDialog.waitFor();
  await applyDialog.getByRole('button', { name: 'Appliquer' }).click();
  await page.getByTestId('purchases-done').waitFor();
  const created = (await api<InventoryItem[]>('GET', '/inventory/items')).body.find((i) => i.name === 'PC-CDI-02');
  t.equal(created?.purchase.purchaseDate, '2021-09-15', 'the new item is in the inventory with its purchase date');

  // an item that Salles et appareils does not manage can be removed, its name retyped
  if (created) {
    await page.goto(`${url}/#/inventaire/materiel/${created.id}`);
    await page.getByTestId('item-delete').click();
    const del = page.getByTestId('item-delete-dialog');
    await del.waitFor();
    const confirmButton = del.getByRole('button', { name: 'Retirer' });
    t.equal(await confirmButton.isDisabled(), true, 'removal needs the name retyped');
    await del.getByRole('textbox').fill('PC-CDI-02');
    await confirmButton.click();
    await page.getByTestId('inventory-page').waitFor();
    t.equal((await api('GET', `/inventory/items/${created.id}`)).status, 404, 'removed');
  }

  // ---- delivery to the departmental hub
  await page.goto(`${url}/#/inventaire/remontee`);
  await page.getByTestId('inventory-delivery-page').waitFor();
  t.equal(await page.getByTestId('hub-token').getAttribute('type'), 'password', 'the token is a password field');
  await page.getByTestId('hub-url').fill(hub.url);
  await page.getByTestId('hub-token').fill(TOKEN);
  await page.getByTestId('hub-save').click();
  await page.locator('[data-testid="hub-settings-message"].form-message-success').waitFor();
  t.equal(await page.getByTestId('hub-token').getAttribute('placeholder'), 'jeton enregistré', 'the token is never shown back');
  t.equal(await page.getByTestId('hub-token').inputValue(), '', 'the field is emptied');
  await page.getByTestId('hub-test').click();
  const test = page.getByTestId('hub-test-result');
  await test.waitFor({ timeout: 30_000 });
  t.equal(await test.getAttribute('data-ok'), 'true', 'the connection test succeeds');
  t.match((await test.textContent()) ?? '', /bien reçu/, 'its French message');
  t.ok(hub.byKind('health').length >= 1, 'the hub received a health report');
  t.equal(hub.invalid.length, 0, 'nothing refused by the hub');
  // the status block follows (refreshed every 5 s)
  await page.locator('[data-testid="hub-target"][data-target="hub"] [data-testid="hub-last-delivery"]').filter({ hasText: /Santé du serveur/ }).waitFor({ timeout: 10_000 });
  await shot('remontee');

  // the hub is down: « Envoyer maintenant » queues the reports, the error and the queue show
  hub.failNext(1000, 503);
  await page.getByTestId('hub-send-now').click();
  await page.getByTestId('hub-queue-row').first().waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="hub-target"][data-target="hub"] [data-testid="hub-last-error"]').waitFor({ timeout: 15_000 });
  t.ok((await page.getByTestId('hub-queue-row').count()) >= 2, 'inventory and health wait in the queue');
  t.match((await page.getByTestId('hub-queue-table').textContent()) ?? '', /en attente/, 'state in French');
  await shot('remontee-file');
  const rows = await page.getByTestId('hub-queue-row').count();
  await page.getByTestId('hub-queue-row').first().getByTestId('hub-discard').click();
  const discard = page.getByTestId('hub-discard-dialog');
  await discard.waitFor();
  t.match((await discard.textContent()) ?? '', /jamais envoyé/, 'the confirmation says what giving up means');
  await discard.getByRole('button', { name: 'Abandonner l’envoi' }).click();
  await discard.waitFor({ state: 'detached' });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="hub-queue-row"]').length === n - 1, rows, { timeout: 10_000 });
  t.pass('one message given up');
  // the hub is back: « Tout réessayer maintenant » empties the queue
  hub.failNext(0);
  await page.getByTestId('hub-retry-all').click();
  await page.getByTestId('hub-queue-empty').waitFor({ timeout: 20_000 });
  t.ok(hub.byKind('inventory').length >= 1, 'the hub received the park’s inventory');

  // ---- the dashboard card
  await page.goto(`${url}/#/tableau-de-bord`);
  await page.getByTestId('dashboard-inventory-status').first().waitFor();
  await shot('dashboard');
});
