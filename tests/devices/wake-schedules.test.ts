/**
 * Wake-on-LAN captured byte for byte on the room's broadcast address, the reachability check
 * (a "PC" whose address appears on the server when its magic packet arrives), and the schedules
 * driven by a fake clock: weekdays, public holidays, imported school holidays, no double run,
 * no late replay after a long stop.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import t from 'tap';
import type { Device } from '../../daemon/src/devices/model.ts';
import { login, startTestApp, apiClient } from '../helpers.ts';
import { PjlinkSimulator } from './pjlink-sim.ts';

const BROADCAST = '127.255.255.255';
const WAKES = '198.51.100.7'; // a PC that wakes up when its packet arrives
const SLEEPS = '198.51.100.8'; // a PC that never answers

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' });
}
function tryIp(args: string[]): void {
  try {
    ip(args);
  } catch {
    /* already gone */
  }
}
for (const a of [WAKES, SLEEPS]) {
  tryIp(['addr', 'del', `${a}/32`, 'dev', 'lo']);
  tryIp(['route', 'del', 'unreachable', `${a}/32`]);
  ip(['route', 'add', 'unreachable', `${a}/32`]);
}
t.teardown(() => {
  for (const a of [WAKES, SLEEPS]) {
    tryIp(['route', 'del', 'unreachable', `${a}/32`]);
    tryIp(['addr', 'del', `${a}/32`, 'dev', 'lo']);
  }
});

// the room's broadcast address is where the packets must go: a socket bound to it receives only those
const packets: Buffer[] = [];
const listener = dgram.createSocket('udp4');
await new Promise<void>((r) => listener.bind(0, BROADCAST, () => r()));
const wolPort = listener.address().port;
const WAKE_MAC = '00:1a:2b:00:00:0a';
listener.on('message', (msg) => {
  packets.push(msg);
  if (msg.subarray(6, 12).equals(Buffer.from(WAKE_MAC.replaceAll(':', ''), 'hex'))) {
    // the PC boots: its address answers from now on (connection refused = a system is there)
    tryIp(['route', 'del', 'unreachable', `${WAKES}/32`]);
    tryIp(['addr', 'add', `${WAKES}/32`, 'dev', 'lo']);
  }
});
t.teardown(() => listener.close());

const projector = new PjlinkSimulator();
await projector.start();
t.teardown(() => projector.stop());

const app = await startTestApp(t, { devices: { enabled: true, notifyPort: 0, searchBindPort: 0, wolPort } });
const admin = await login(app);
const api = apiClient(app, admin);

await api('PUT', '/devices/settings', { wakeCheckSeconds: 3 });
const room = (await api<{ id: number }>('POST', '/devices/rooms', { name: 'Salle WOL', subnet: '127.0.0.0/8' })).body;
const pcs: Record<string, Device> = {};
for (const [name, mac, host] of [
  ['PC-REVEIL', WAKE_MAC, WAKES],
  ['PC-ENDORMI', '00:1a:2b:00:00:0b', SLEEPS],
  ['PC-SANS-IP', '00:1a:2b:00:00:0c', null],
  ['PC-SANS-MAC', null, SLEEPS],
  ['PC-ALLUME', '00:1a:2b:00:00:0e', '127.0.0.1'],
] as const) {
  pcs[name] = (await api<Device>('POST', '/devices', { kind: 'pc', name, room: 'Salle WOL', mac, host })).body;
}
const vp = (await api<Device>('POST', '/devices', { kind: 'projector', name: 'VP-WOL', room: 'Salle WOL', host: '127.0.0.1', pjlink: { port: projector.port } })).body;

function expectedPacket(mac: string): Buffer {
  const m = Buffer.from(mac.replaceAll(':', ''), 'hex');
  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => m)]);
}

t.test('wake-on-LAN: packets byte for byte, then a result per PC', async (t) => {
  packets.length = 0;
  const r = await api<{ results: { name: string; ok: boolean; message: string }[] }>('POST', `/devices/rooms/${room.id}/actions`, { action: 'wake-pcs' });
  t.equal(r.status, 200);
  const by = Object.fromEntries(r.body.results.map((x) => [x.name, x]));
  t.match(by['PC-REVEIL'], { ok: true, message: /^Allumé en \d+ s\.$/ });
  t.match(by['PC-ENDORMI'], { ok: false, message: /Ne répond pas après 3 s.*BIOS/ });
  t.match(by['PC-SANS-IP'], { ok: true, message: /sans adresse IP/ });
  t.match(by['PC-SANS-MAC'], { ok: false, message: /Pas d’adresse MAC/ });
  t.match(by['PC-ALLUME'], { ok: true, message: 'Déjà allumé.' });
  t.notOk(by['VP-WOL'], 'projectors are not woken');

  const macs = [WAKE_MAC, '00:1a:2b:00:00:0b', '00:1a:2b:00:00:0c'];
  t.equal(packets.length, 9, 'three packets for each of the three PCs to wake, none for the one already on');
  for (const p of packets) t.equal(p.length, 102, 'a magic packet is 102 bytes');
  for (const mac of macs) {
    const mine = packets.filter((p) => p.equals(expectedPacket(mac)));
    t.equal(mine.length, 3, `${mac}: 6 × FF then the MAC 16 times, three times`);
  }
  const single = await api<{ ok: boolean; message: string }>('POST', `/devices/${pcs['PC-REVEIL']?.id}/actions`, { action: 'wake' });
  t.match(single.body, { ok: true, message: 'Déjà allumé.' }, 'one PC at a time too');
});

t.test('schedules on a fake clock', async (t) => {
  // Toussaint 2026, zone C, as the national open data gives it (end = the day classes resume)
  const calendar = JSON.stringify([
    { description: 'Vacances de la Toussaint', population: '-', start_date: '2026-10-16T22:00:00+00:00', end_date: '2026-11-01T23:00:00+00:00', location: 'Paris', zones: 'Zone C', annee_scolaire: '2026-2027' },
    { description: 'Vacances de la Toussaint', population: '-', start_date: '2026-10-16T22:00:00+00:00', end_date: '2026-11-01T23:00:00+00:00', location: 'Créteil', zones: 'Zone C', annee_scolaire: '2026-2027' },
  ]);
  const asText = { 'content-type': 'text/plain' };
  const imported = await api<{ imported: number }>('POST', '/devices/calendar/import?zone=C', calendar, admin, asText);
  t.equal(imported.status, 200, imported.raw);
  t.equal(imported.body.imported, 1, 'one period (the two académies are one)');
  const cal = await api<{ closures: { start: string; end: string }[]; holidays: { date: string }[] }>('GET', '/devices/calendar');
  t.match(cal.body.closures, [{ start: '2026-10-17', end: '2026-11-01' }]);
  const bad = await api('POST', '/devices/calendar/import?zone=C', 'bonjour', admin, asText);
  t.equal(bad.status, 400, 'an unusable file is refused');
  t.equal((await api<{ closures: unknown[] }>('GET', '/devices/calendar')).body.closures.length, 1, 'and changes nothing');

  const wake = await api<{ id: number }>('POST', '/devices/schedules', { label: 'Réveil 7 h 50', action: 'wake-pcs', rooms: [room.id], days: [1, 2, 3, 4, 5], time: '07:50' });
  t.equal(wake.status, 201);
  const off = await api<{ id: number }>('POST', '/devices/schedules', { label: 'Vidéoprojecteurs éteints à 18 h', action: 'projectors-off', rooms: [room.id], days: [1, 2, 3, 4, 5], time: '18:00' });
  t.equal((await api('POST', '/devices/schedules', { label: 'x', action: 'wake-pcs', days: [], time: '07:50' })).status, 400, 'no day: refused');
  t.equal((await api('POST', '/devices/schedules', { label: 'x', action: 'wake-pcs', days: [1], time: '25:00' })).status, 400, 'bad time: refused');
  t.equal((await api('POST', '/devices/schedules', { label: 'x', action: 'wake-pcs', days: [1], time: '07:00', rooms: [999999] })).status, 400, 'unknown room: refused');

  const view = await api<{ next: { ruleId: number; at: string; skipped: string | null }[] }>('GET', '/devices/schedules');
  t.ok(view.body.next.length > 0, 'next runs listed');

  const run = async (iso: string) => app.devices.runSchedules(new Date(iso));
  const at = (local: string, offset: string) => `${local}${offset}`;

  // Monday 19 October 2026 (summer time, UTC+2): school holidays
  await run(at('2026-10-19T07:49:00', '+02:00'));
  const holidays = await run(at('2026-10-19T07:50:30', '+02:00'));
  t.equal(holidays.length, 1);
  t.match(holidays[0], { rule: wake.body.id, skipped: /Vacances.*Toussaint/, results: [] });

  // Monday 23 November 2026 (winter time, UTC+1): a school day
  await run(at('2026-11-23T07:49:00', '+01:00'));
  packets.length = 0;
  tryIp(['addr', 'del', `${WAKES}/32`, 'dev', 'lo']);
  ip(['route', 'add', 'unreachable', `${WAKES}/32`]);
  const monday = await run(at('2026-11-23T07:50:30', '+01:00'));
  t.equal(monday.length, 1, 'the 7:50 rule runs once');
  t.equal(monday[0]?.at, '2026-11-23T06:50:00.000Z', '7:50 Paris time');
  t.equal(monday[0]?.skipped, null);
  t.equal(monday[0]?.results.filter((r) => r.ok).length, 3, 'woken, already on, or sent without an address to check');
  t.ok(packets.length >= 6, 'magic packets went out');
  t.same(await run(at('2026-11-23T07:51:30', '+01:00')), [], 'never twice');

  projector.power = 1;
  await run(at('2026-11-23T17:59:00', '+01:00'));
  const evening = await run(at('2026-11-23T18:00:20', '+01:00'));
  t.equal(evening[0]?.rule, off.body.id);
  t.match(evening[0]?.results, [{ name: 'VP-WOL', ok: true }]);
  t.not(projector.power, 1, 'the projector was switched off at 18:00');

  // the server was off from 7:00 to 8:30: the 7:50 wake-up is not replayed at 8:30
  await run(at('2026-11-24T07:00:00', '+01:00'));
  t.same(await run(at('2026-11-24T08:30:00', '+01:00')), [], 'no late replay');
  // a restart a few minutes after the time still runs it
  await run(at('2026-11-25T07:45:00', '+01:00'));
  const restarted = await run(at('2026-11-25T07:56:00', '+01:00'));
  t.equal(restarted.length, 1, 'caught up within 10 minutes');

  // Saturday: not a day of the rule
  await run(at('2026-11-28T07:49:00', '+01:00'));
  t.same(await run(at('2026-11-28T07:51:00', '+01:00')), [], 'weekend');
  // Friday 25 December: a public holiday
  await run(at('2026-12-25T07:49:00', '+01:00'));
  const christmas = await run(at('2026-12-25T07:51:00', '+01:00'));
  t.match(christmas, [{ skipped: /férié.*Noël/ }]);
  t.ok(app.journal.latest(30).some((e) => e.type === 'devices.schedule-skipped' && e.message.includes('Noël')), 'the skip is journaled');

  await api('PUT', `/devices/schedules/${wake.body.id}`, { enabled: false });
  await run(at('2026-11-30T07:49:00', '+01:00'));
  t.same(await run(at('2026-11-30T07:51:00', '+01:00')), [], 'a disabled rule does nothing');
  t.equal((await api('DELETE', `/devices/schedules/${wake.body.id}`)).status, 200);
  void vp;
});
