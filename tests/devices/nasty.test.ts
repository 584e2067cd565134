/**
 * Misbehaving projectors (garbage, split replies, late replies, dropped connections, ERRA,
 * silence, floods, refused connections) next to healthy ones: every healthy projector is read
 * right, each bad one costs its own timeout, the daemon keeps answering, and a flood of UDP
 * notifications is absorbed.
 */
import dgram from 'node:dgram';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import t from 'tap';
import type { Device } from '../../daemon/src/devices/model.ts';
import { login, startTestApp, apiClient } from '../helpers.ts';
import { type NastyMode, PjlinkSimulator } from './pjlink-sim.ts';

const app = await startTestApp(t, { devices: { enabled: true, notifyPort: 0, searchBindPort: 0 } });
const admin = await login(app);
const api = apiClient(app, admin);

const TIMEOUT = 800;
await api('PUT', '/devices/settings', { timeoutMs: TIMEOUT, concurrency: 16 });

const modes: NastyMode[] = ['garbage', 'split', 'late', 'drop', 'erra', 'silence', 'flood', 'refuse'];
const sims: { sim: PjlinkSimulator; device: Device; mode: NastyMode | null }[] = [];
for (const [i, mode] of [...modes, null, null, null, null].entries()) {
  const sim = new PjlinkSimulator({ nasty: mode, replyDelayMs: 10, lateMs: 3000, lamps: [{ hours: 1000 + i }], serial: `SN-${i}` });
  await sim.start();
  const device = (await api<Device>('POST', '/devices', { kind: 'projector', name: `VP-${mode ?? 'sain'}-${i}`, room: 'Salle piège', host: '127.0.0.1', pjlink: { port: sim.port } })).body;
  sims.push({ sim, device, mode });
}
t.teardown(() => Promise.all(sims.map((s) => s.sim.stop())));

t.test('a full cycle with every kind of bad projector', async (t) => {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const apiTimes: number[] = [];
  let cycling = true;
  const probe = (async () => {
    while (cycling) {
      const t0 = performance.now();
      const r = await api('GET', '/devices/rooms');
      apiTimes.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`API answered ${r.status}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  const t0 = performance.now();
  const report = await app.devices.poller.cycle();
  const ms = performance.now() - t0;
  cycling = false;
  await probe;
  lag.disable();

  t.equal(report.checked, sims.length);
  t.ok(ms < TIMEOUT * 8 + 2000, `the cycle is bounded by the timeouts (${Math.round(ms)} ms)`);
  t.ok(apiTimes.length >= 3, 'the API was called during the cycle');
  t.ok(Math.max(...apiTimes) < 500, `the API kept answering (slowest ${Math.round(Math.max(...apiTimes))} ms)`);
  t.ok(lag.percentile(99) / 1e6 < 200, `no event-loop stall (p99 ${Math.round(lag.percentile(99) / 1e6)} ms)`);

  const devices = (await api<Device[]>('GET', '/devices')).body;
  for (const { device, mode } of sims) {
    const d = devices.find((x) => x.id === device.id);
    const i = sims.findIndex((s) => s.device.id === device.id);
    if (mode === null || mode === 'garbage' || mode === 'split') {
      t.match(d?.status, { reachable: true, power: 'off', serial: `SN-${i}`, lamps: [{ hours: 1000 + i }] }, `${device.name}: read right`);
    } else if (mode === 'erra') {
      t.match(d?.status.problem, /mot de passe/i, `${device.name}: wrong password reported`);
    } else {
      t.equal(d?.status.reachable, false, `${device.name}: reported as not answering`);
      t.ok(d?.status.problem, `${device.name}: with a reason (${d?.status.problem})`);
    }
  }
  for (const { sim, mode } of sims) if (mode === null) t.equal(sim.stats.maxConcurrentCommandsPerConnection, 1, 'never two commands in flight');
});

t.test('a second cycle: the healthy ones are unaffected, connections do not pile up', async (t) => {
  await app.devices.poller.cycle();
  for (const { sim, device, mode } of sims.filter((s) => s.mode === null)) {
    t.ok(sim.stats.maxConcurrentConnections <= 1, `${device.name}: one connection at a time`);
    t.equal((await api<Device>('GET', `/devices/${device.id}`)).body.status.reachable, true);
    void mode;
  }
});

t.test('a flood of UDP notifications is absorbed', async (t) => {
  const port = app.devices.notifyPort as number;
  const healthy = sims.find((s) => s.mode === null) as (typeof sims)[number];
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  for (let i = 0; i < 3000; i++) {
    const msg = i % 3 === 0 ? '%2POWR=1\r' : i % 3 === 1 ? `garbage ${i}\r` : '%2ERST=000000\r';
    sock.send(Buffer.from(msg), port, '127.0.0.1');
    if (i % 300 === 0) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 500));
  lag.disable();
  sock.close();
  const t0 = performance.now();
  t.equal((await api('GET', '/devices/rooms')).status, 200);
  t.ok(performance.now() - t0 < 500, 'still answering');
  t.ok(lag.percentile(99) / 1e6 < 200, `no event-loop stall (p99 ${Math.round(lag.percentile(99) / 1e6)} ms)`);
  // every healthy projector shares 127.0.0.1 here; the notification applied to one of them
  const d = (await api<Device>('GET', `/devices/${healthy.device.id}`)).body;
  t.ok(d.status.reachable, 'state still consistent');
});
