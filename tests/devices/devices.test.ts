/**
 * The devices capability end to end through the API: registry and CSV, PJLink status and
 * actions against the simulator (with a password, class 1 and 2, errors, lamp counters),
 * alerts, history, UDP discovery and notifications, the live socket event.
 */
import dgram from 'node:dgram';
import t from 'tap';
import type { TrousseApp } from '../../daemon/src/app.ts';
import type { Device } from '../../daemon/src/devices/model.ts';
import { type Session, apiClient, directoryFixture, login, startTestApp, uniq } from '../helpers.ts';
import { PjlinkSimulator } from './pjlink-sim.ts';

const sims: PjlinkSimulator[] = [];
async function sim(opts: ConstructorParameters<typeof PjlinkSimulator>[0] = {}): Promise<PjlinkSimulator> {
  const s = new PjlinkSimulator(opts);
  await s.start();
  sims.push(s);
  return s;
}
t.teardown(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});

async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const searchPort = await freeUdpPort();
const app: TrousseApp = await startTestApp(t, { devices: { enabled: true, notifyPort: 0, searchBindPort: 0, searchPort } });
const admin: Session = await login(app);

const api = apiClient(app, admin);

t.test('registry: rooms and devices, validation changes nothing', async (t) => {
  const room = await api<{ id: number; subnet: string }>('POST', '/devices/rooms', { name: 'Salle 101', subnet: '10.1.20.37/24' });
  t.equal(room.status, 201);
  t.equal(room.body.subnet, '10.1.20.0/24', 'subnet normalised to the network address');
  t.equal((await api('POST', '/devices/rooms', { name: 'salle 101' })).status, 409, 'room names are unique, case-insensitively');

  const pc = await api<Device>('POST', '/devices', {
    kind: 'Ordinateur',
    name: 'PC-101-01',
    room: 'Salle 101',
    mac: '00-1A-2B-3C-4D-5E',
    host: '10.1.20.31',
    purchaseDate: '15/09/2021',
    warrantyEnd: '2025-09-14',
    os: 'windows',
  });
  t.equal(pc.status, 201, JSON.stringify(pc.body));
  t.equal(pc.body.kind, 'pc');
  t.equal(pc.body.mac, '00:1a:2b:3c:4d:5e');
  t.equal(pc.body.purchaseDate, '2021-09-15');
  t.equal(pc.body.roomId, room.body.id);
  t.equal(pc.body.pjlink.enabled, false, 'a PC does not speak PJLink');

  const before = (await api<Device[]>('GET', '/devices')).body.length;
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['MAC', { kind: 'pc', name: 'X1', mac: '00:1a:2b:3c:4d' }, /Adresse MAC/],
    ['multicast MAC', { kind: 'pc', name: 'X2', mac: '01:00:5e:00:00:01' }, /multicast/],
    ['host', { kind: 'pc', name: 'X3', host: '10.1.20.300' }, /Adresse IP/],
    ['host with a space', { kind: 'pc', name: 'X4', host: 'pc 1' }, /ni une adresse IP/],
    ['kind', { kind: 'grille-pain', name: 'X5' }, /Type « grille-pain » inconnu/],
    ['dates', { kind: 'pc', name: 'X6', purchaseDate: '2024-01-01', warrantyEnd: '2023-01-01' }, /avant la date d’achat/],
    ['date', { kind: 'pc', name: 'X7', purchaseDate: '31/02/2024' }, /pas une date valide/],
    ['same MAC', { kind: 'pc', name: 'X8', mac: '00:1a:2b:3c:4d:5e' }, /déjà celle de « PC-101-01 »/],
    ['same name', { kind: 'pc', name: 'pc-101-01' }, /s’appelle déjà/],
    ['password', { kind: 'projector', name: 'X9', pjlink: { password: 'mot de passe' } }, /Mot de passe PJLink/],
  ];
  for (const [what, body, message] of bad) {
    const r = await api<{ message: string }>('POST', '/devices', body);
    t.ok(r.status === 400 || r.status === 409, `${what}: refused (${r.status})`);
    t.match(r.body.message, message, `${what}: says why`);
  }
  t.equal((await api<Device[]>('GET', '/devices')).body.length, before, 'nothing was created');

  const upd = await api<Device>('PUT', `/devices/${pc.body.id}`, { notes: 'Écran fissuré', room: 'Salle 102' });
  t.equal(upd.body.notes, 'Écran fissuré');
  t.equal(upd.body.room, 'Salle 102', 'a new room is created on the fly');
  t.equal(upd.body.mac, '00:1a:2b:3c:4d:5e', 'fields not sent stay');

  const asBoard = await api<Device>('PUT', `/devices/${pc.body.id}`, { kind: 'whiteboard' });
  t.equal(asBoard.body.pjlink.enabled, true, 'a device that becomes a whiteboard speaks PJLink by default');
  t.equal((await api<Device>('PUT', `/devices/${pc.body.id}`, { kind: 'pc' })).body.pjlink.enabled, false, 'and back');

  const del = await api('DELETE', `/devices/${pc.body.id}`, { confirm: 'PC-101' });
  t.equal(del.status, 400, 'deleting needs the exact name');
  t.equal((await api('GET', `/devices/${pc.body.id}`)).status, 200);
  t.equal((await api('DELETE', `/devices/${pc.body.id}`, { confirm: 'pc-101-01' })).status, 200);
  t.equal((await api('GET', `/devices/${pc.body.id}`)).status, 404);
});

t.test('CSV: export, then an import checked line by line, all or nothing', async (t) => {
  await api('POST', '/devices', { kind: 'projector', name: 'VP-CSV-1', room: 'Salle CSV', host: '10.9.0.10', mac: '00:11:22:33:44:01', serial: '=SUM(A1)' });
  const exported = await api('GET', '/devices/export.csv');
  t.equal(exported.status, 200);
  t.ok(exported.raw.startsWith('\uFEFFNom;Type;Salle;Adresse MAC;'), 'French header with a BOM');
  t.match(exported.raw, /VP-CSV-1;Vidéoprojecteur;Salle CSV;00:11:22:33:44:01;10\.9\.0\.10/);
  t.match(exported.raw, /;'=SUM\(A1\);/, 'a formula-like value is defused');

  const csv = [
    'Nom;Type;Salle;Adresse MAC;IP;Numéro de série;Date d’achat;Système',
    'VP-CSV-1;VP;Salle CSV;00:11:22:33:44:01;10.9.0.11;=SUM(A1);;',
    'PC-CSV-1;Ordinateur;Salle CSV;00:11:22:33:44:02;10.9.0.21;S1;01/09/2022;Windows',
    'PC-CSV-2;Ordinateur;Salle CSV;zz:11:22:33:44:03;10.9.0.22;S2;;Linux',
    'PC-CSV-3;Imprimante 3D;Salle CSV;;;;;',
  ].join('\r\n');
  const dry = await api<{ dryRun: boolean; created: number; updated: number; errors: { line: number; message: string }[] }>('POST', '/devices/import?dryRun=false', csv, admin, {
    'content-type': 'text/csv',
  });
  t.equal(dry.status, 200);
  t.equal(dry.body.dryRun, true, 'a file with errors is never applied');
  t.same(dry.body.errors.map((e) => e.line), [4, 5], 'the bad lines are named');
  t.match(dry.body.errors[0]?.message, /Adresse MAC/);
  t.equal((await api<Device[]>('GET', '/devices')).body.filter((d) => d.name.startsWith('PC-CSV')).length, 0, 'nothing created');

  const good = csv.split('\r\n').slice(0, 3).join('\r\n');
  const check = await api<{ created: number; updated: number; unchanged: number }>('POST', '/devices/import', good, admin, { 'content-type': 'text/csv' });
  t.match(check.body, { dryRun: true, created: 1, updated: 1 });
  const applied = await api<{ created: number; updated: number; dryRun: boolean }>('POST', '/devices/import?dryRun=false', good, admin, { 'content-type': 'text/csv' });
  t.match(applied.body, { dryRun: false, created: 1, updated: 1 });
  const all = (await api<Device[]>('GET', '/devices')).body;
  t.equal(all.find((d) => d.name === 'VP-CSV-1')?.host, '10.9.0.11', 'updated');
  t.equal(all.find((d) => d.name === 'VP-CSV-1')?.serial, '=SUM(A1)', 'the defusing quote is removed on import');
  t.match(all.find((d) => d.name === 'PC-CSV-1'), { kind: 'pc', os: 'windows', purchaseDate: '2022-09-01' });
  const again = await api<{ unchanged: number; created: number; updated: number }>('POST', '/devices/import', good, admin, { 'content-type': 'text/csv' });
  t.match(again.body, { created: 0, updated: 0, unchanged: 2 }, 'a second import changes nothing');
  const header = await api<{ message: string }>('POST', '/devices/import', 'a;b\r\n1;2', admin, { 'content-type': 'text/csv' });
  t.equal(header.status, 400);
  t.match(header.body.message, /Colonnes « Nom » et « Type »/);
});

t.test('PJLink: status, history and identity of a class 2 projector with a password', async (t) => {
  const s = await sim({ password: 'secret42', manufacturer: 'EPSON', model: 'EB-685Wi', serial: 'X4J9012345', softwareVersion: '1.07', lamps: [{ hours: 1234 }], filterHours: 120 });
  const created = await api<Device>('POST', '/devices', { kind: 'whiteboard', name: 'TBI-201', room: 'Salle 201', host: '127.0.0.1', pjlink: { port: s.port, password: 'secret42' } });
  t.equal(created.status, 201);
  t.equal(created.body.pjlink.hasPassword, true);
  t.notMatch(JSON.stringify(created.body), /secret42/, 'the password never comes back');
  const checked = await api<Device>('POST', `/devices/${created.body.id}/check`);
  t.equal(checked.status, 200, JSON.stringify(checked.body));
  const st = checked.body.status;
  t.match(st, { reachable: true, power: 'off', pjlinkClass: 2, serial: 'X4J9012345', manufacturer: 'EPSON', model: 'EB-685Wi', softwareVersion: '1.07', filterHours: 120 });
  t.same(st.lamps, [{ hours: 1234, on: false }]);
  t.same(st.errors, { fan: 'ok', lamp: 'ok', temperature: 'ok', cover: 'ok', filter: 'ok', other: 'ok' });
  t.ok(st.inputs.includes('31'), 'inputs listed');
  t.ok(st.checkedAt, 'check time');
  t.equal(s.stats.maxConcurrentCommandsPerConnection, 1, 'one command in flight');
  t.equal(s.stats.authFailures, 0);

  const hist = await api<{ lamps: { lamp: number; hours: number }[]; filter: { hours: number }[] }>('GET', `/devices/${created.body.id}/history`);
  t.same(hist.body.lamps.map((l) => [l.lamp, l.hours]), [[1, 1234]]);
  t.same(hist.body.filter.map((f) => f.hours), [120]);

  // a wrong password: reachable, but an alert that says so
  await api('PUT', `/devices/${created.body.id}`, { pjlink: { password: 'faux' } });
  const wrong = await api<Device>('POST', `/devices/${created.body.id}/check`);
  t.match(wrong.body.status.problem, /mot de passe/i);
  t.ok(wrong.body.alerts.some((a) => a.type === 'pjlink.auth' && a.level === 'error'), 'auth alert open');
  await api('PUT', `/devices/${created.body.id}`, { pjlink: { password: 'secret42' } });
  const fixed = await api<Device>('POST', `/devices/${created.body.id}/check`);
  t.equal(fixed.body.alerts.filter((a) => a.type === 'pjlink.auth').length, 0, 'closed once the password is right');
});

t.test('PJLink actions, errors and lamp alerts', async (t) => {
  const s = await sim({ pjlinkClass: 1, lamps: [{ hours: 2600 }, { hours: 100 }] });
  const d = (await api<Device>('POST', '/devices', { kind: 'projector', name: 'VP-301', room: 'Salle 301', host: '127.0.0.1', pjlink: { port: s.port } })).body;
  const first = await api<Device>('POST', `/devices/${d.id}/check`);
  t.equal(first.body.status.pjlinkClass, 1);
  t.equal(first.body.status.filterHours, null, 'class 1: no filter query');
  t.ok(!s.stats.commandLog.some((c) => c.startsWith('%2')), 'no class 2 command sent to a class 1 projector');
  const lampAlert = first.body.alerts.find((a) => a.type === 'lamp.hours.1');
  t.equal(lampAlert?.level, 'warning', 'lamp 1 past the warning threshold');
  t.match(lampAlert?.message, /Lampe 1 : 2\s600 h/);
  t.notOk(first.body.alerts.some((a) => a.type === 'lamp.hours.2'), 'lamp 2 is fine');

  const standbyInput = await api<{ ok: boolean; message: string }>('POST', `/devices/${d.id}/actions`, { action: 'input', input: '31' });
  t.equal(standbyInput.body.ok, false, 'input in standby refused by the projector');
  t.match(standbyInput.body.message, /maintenant/);
  const on = await api<{ ok: boolean; message: string }>('POST', `/devices/${d.id}/actions`, { action: 'power-on' });
  t.equal(on.body.ok, true, on.body.message);
  t.equal(s.power, 1, 'the projector is on');
  t.equal((await api<{ ok: boolean }>('POST', `/devices/${d.id}/actions`, { action: 'input', input: '31' })).body.ok, true);
  t.equal(s.input, '31');
  t.equal((await api<{ ok: boolean }>('POST', `/devices/${d.id}/actions`, { action: 'mute', what: 'video' })).body.ok, true);
  t.same(s.mute, { video: true, audio: false });
  t.equal((await api<{ ok: boolean }>('POST', `/devices/${d.id}/actions`, { action: 'unmute' })).body.ok, true);
  t.same(s.mute, { video: false, audio: false });
  t.equal((await api('POST', `/devices/${d.id}/actions`, { action: 'input', input: '99' })).status, 400, 'unknown input refused before sending');
  t.equal((await api('POST', `/devices/${d.id}/actions`, { action: 'wake' })).status, 400, 'a projector is not woken with WOL');

  s.setError('lamp', 2);
  s.setError('filter', 1);
  const broken = await api<Device>('POST', `/devices/${d.id}/check`);
  t.equal(broken.body.status.errors?.lamp, 'error');
  t.equal(broken.body.status.errors?.filter, 'warning');
  t.ok(broken.body.alerts.some((a) => a.type === 'error.lamp' && a.level === 'error'));
  t.ok(broken.body.alerts.some((a) => a.type === 'error.filter' && a.level === 'warning'));
  const open = await api<{ type: string }[]>('GET', '/devices/alerts');
  t.ok(open.body.some((a) => a.type === 'error.lamp'), 'listed in the open alerts');
  s.setError('lamp', 0);
  s.setError('filter', 0);
  const repaired = await api<Device>('POST', `/devices/${d.id}/check`);
  t.notOk(repaired.body.alerts.some((a) => a.type.startsWith('error.')), 'closed when the projector no longer reports them');
  const journal = app.journal.latest(50).map((e) => e.message);
  t.ok(journal.some((m) => m.includes('VP-301 : résolu')), 'the closing is journaled');

  const off = await api<{ ok: boolean }>('POST', `/devices/${d.id}/actions`, { action: 'power-off' });
  t.equal(off.body.ok, true);
  t.not(s.power, 1, 'cooling or standby');
});

t.test('PCs: a check tells whether they are on, and never raises an alert', async (t) => {
  const on = (await api<Device>('POST', '/devices', { kind: 'pc', name: 'PC-ON', host: '127.0.0.1' })).body;
  const r = await api<Device>('POST', `/devices/${on.id}/check`);
  t.match(r.body.status, { reachable: true, power: 'on', problem: null });
  const noHost = (await api<Device>('POST', '/devices', { kind: 'pc', name: 'PC-NOWHERE' })).body;
  const refused = await api<{ message: string }>('POST', `/devices/${noHost.id}/check`);
  t.equal(refused.status, 400);
  t.match(refused.body.message, /adresse IP/);
  t.same(r.body.alerts, []);
});

t.test('teachers: read rooms and act, never edit', async (t) => {
  const s = await sim();
  const d = (await api<Device>('POST', '/devices', { kind: 'projector', name: 'VP-PROF', room: 'Salle PROF', host: '127.0.0.1', pjlink: { port: s.port } })).body;
  const prof = { login: `prof-${uniq()}`, password: 'Prof-mot-de-passe-42', teacher: true };
  await directoryFixture(t, app, [prof]);
  const teacher = await login(app, prof.login, prof.password);
  t.equal((await api('GET', '/devices/rooms', undefined, teacher)).status, 200);
  t.equal((await api('GET', `/devices?room=${d.roomId}`, undefined, teacher)).status, 200);
  const r = await api<{ ok: boolean }>('POST', `/devices/${d.id}/actions`, { action: 'power-on' }, teacher);
  t.equal(r.body.ok, true);
  t.equal(s.power, 1);
  t.equal((await api('POST', '/devices', { kind: 'pc', name: 'PIRATE' }, teacher)).status, 403);
  t.equal((await api('PUT', `/devices/${d.id}`, { host: '10.0.0.1' }, teacher)).status, 403);
  t.equal((await api('GET', '/devices/settings', undefined, teacher)).status, 403);
});

t.test('UDP: discovery then adoption, notifications update the status at once', async (t) => {
  const a = await sim({ host: '127.0.0.2', udpPort: searchPort, mac: '02:00:00:00:aa:01', manufacturer: 'NEC' });
  const b = await sim({ host: '127.0.0.3', udpPort: searchPort, mac: '02:00:00:00:aa:02' });
  const found = await api<{ found: { mac: string; host: string; deviceId: number | null }[] }>('POST', '/devices/discover', { seconds: 1, addresses: ['127.0.0.2', '127.0.0.3'] });
  t.equal(found.status, 200, JSON.stringify(found.body));
  t.same(
    found.body.found.map((f) => `${f.host} ${f.mac}`).sort(),
    ['127.0.0.2 02:00:00:00:aa:01', '127.0.0.3 02:00:00:00:aa:02'],
    'both projectors found with their MAC and address',
  );
  const adopted = await api<Device>('POST', '/devices/adopt', { mac: a.mac, host: a.host, name: 'VP-TROUVÉ', room: 'Salle 401' });
  t.equal(adopted.status, 201);
  t.equal(adopted.body.pjlink.enabled, true);
  const again = await api<{ found: { mac: string; deviceId: number | null }[] }>('POST', '/devices/discover', { seconds: 1, addresses: ['127.0.0.2'] });
  t.equal(again.body.found[0]?.deviceId, adopted.body.id, 'a known projector is flagged');
  t.equal(b.stats.connections, 0, 'discovery alone opens no TCP connection');
  // the adopted projector listens for commands on its own port: point the device at it
  await api('PUT', `/devices/${adopted.body.id}`, { pjlink: { port: a.port } });
  await api('POST', `/devices/${adopted.body.id}/check`);

  const port = app.devices.notifyPort;
  t.ok(port, 'the notification listener is bound');
  const live = new Promise<{ device: { id: number; status: unknown } }>((resolve) => {
    const off = app.bus.on('devices.status', (p) => {
      if (p.device.id === adopted.body.id && (p.device.status as { power: string }).power === 'on') {
        off();
        resolve(p);
      }
    });
  });
  a.notifyTo = { host: '127.0.0.1', port: port as number };
  a.power = 1;
  const event = await Promise.race([live, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
  t.ok(event, 'a POWR notification updates the status without waiting for a poll');
  t.equal((await api<Device>('GET', `/devices/${adopted.body.id}`)).body.status.power, 'on');
});

t.test('a dead projector costs its own timeout only', async (t) => {
  await api('PUT', '/devices/settings', { timeoutMs: 400 });
  const dead = await sim({ nasty: 'silence' });
  const good = await sim({ replyDelayMs: 20 });
  const dd = (await api<Device>('POST', '/devices', { kind: 'projector', name: 'VP-MUET', host: '127.0.0.1', pjlink: { port: dead.port } })).body;
  const gd = (await api<Device>('POST', '/devices', { kind: 'projector', name: 'VP-VIVANT', host: '127.0.0.1', pjlink: { port: good.port } })).body;
  const t0 = performance.now();
  const [deadR, goodR] = await Promise.all([api<Device>('POST', `/devices/${dd.id}/check`), api<Device>('POST', `/devices/${gd.id}/check`)]);
  t.equal(deadR.body.status.reachable, false);
  t.match(deadR.body.status.problem, /ne se présente pas|ne répond/i, 'says what is wrong');
  t.ok(deadR.body.status.unreachableSince, 'since when it is silent');
  t.equal(goodR.body.status.reachable, true);
  t.ok(performance.now() - t0 < 5000, 'bounded by the timeouts');
  await api('PUT', '/devices/settings', { timeoutMs: 2500 });
});
