/**
 * The durable outbox on a real SQLite database: sequence per stream, one head per stream, snapshots
 * superseded, events bounded (oldest dropped and counted), set aside and retried, survives reopening;
 * the hub envelope; the backoff's bounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import t from 'tap';
import { Outbox } from '../../daemon/src/core/outbox.ts';
import { openDb } from '../../daemon/src/db/index.ts';
import { backoffMs, glpiEndpoint } from '../../daemon/src/hub/delivery.ts';

const dir = mkdtempSync(join(tmpdir(), 'trousse-outbox-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'trousse.db');
const school = { uai: '0751234A', name: 'Collège Test' };

t.test('sequence, heads per stream, supersede, bound, reopen', async (t) => {
  let { db } = openDb(file);
  let ob = new Outbox(db, { school, version: '9.9.9', maxEventsPerStream: 5 });
  const a1 = ob.enqueueHubReport('alert', { n: 1 }, 'a1');
  const a2 = ob.enqueueHubReport('alert', { n: 2 }, 'a2');
  const i1 = ob.enqueueHubReport('inventory', { v: 1 }, 'inv1');
  t.ok(a1 && a2 && i1);
  const heads = ob.due(Date.now());
  t.same(heads.map((h) => h.label).sort(), ['a1', 'inv1'], 'one head per stream, the oldest of each');
  const env = JSON.parse(gunzipSync(heads.find((h) => h.label === 'a1')?.body ?? Buffer.alloc(0)).toString()) as Record<string, unknown>;
  t.same(
    { schemaVersion: env.schemaVersion, kind: env.kind, school: env.school, sequence: env.sequence, trousseVersion: env.trousseVersion, data: env.data },
    { schemaVersion: 1, kind: 'alert', school, sequence: 1, trousseVersion: '9.9.9', data: { n: 1 } },
    'the hub envelope is built once, at enqueue',
  );
  t.equal(heads[0]?.headers['content-encoding'], 'gzip');

  const i2 = ob.enqueueHubReport('inventory', { v: 2 }, 'inv2');
  t.equal(ob.get(i1 as number), null, 'a newer snapshot replaces the waiting one');
  t.equal(ob.get(i2 as number)?.seq, 2, 'and takes the next sequence number (a gap the hub understands)');

  // events: at most 5 per stream; the oldest are dropped and counted
  for (let n = 3; n <= 8; n++) ob.enqueueHubReport('alert', { n }, `a${n}`);
  const alerts = ob.list().filter((q) => q.kind === 'alert');
  t.same(alerts.map((q) => q.seq), [4, 5, 6, 7, 8], 'the 5 newest alerts remain, in order');
  t.equal(ob.targets().find((x) => x.target === 'hub')?.dropped, 3);

  // delivered and failed
  const head = ob.due(Date.now()).find((h) => h.kind === 'alert');
  t.equal(head?.seq, 4);
  ob.failed(head as NonNullable<typeof head>, 'Le hub est en difficulté', { reject: false, nextAttemptAt: Date.now() + 60_000 });
  t.notOk(ob.due(Date.now()).some((h) => h.kind === 'alert'), 'a failed head waits for its next attempt; the stream waits behind it');
  t.ok((ob.nextDueAt() ?? 0) <= Date.now() + 60_000);
  ob.failed(ob.get(head?.id as number) as NonNullable<typeof head>, 'refusé (422)', { reject: true, nextAttemptAt: 0 });
  t.equal(ob.due(Date.now()).find((h) => h.kind === 'alert')?.seq, 5, 'a report set aside lets the next one go');
  const five = ob.due(Date.now()).find((h) => h.kind === 'alert');
  ob.delivered(five as NonNullable<typeof five>);
  const state = ob.targets().find((x) => x.target === 'hub');
  t.equal(state?.delivered, 1);
  t.match(state?.lastDelivery ?? '', /a5 \(n° 5\)/);
  t.equal(state?.rejected, 1);
  t.equal(state?.lastError, 'refusé (422)');

  // survives a restart
  db.close();
  ({ db } = openDb(file));
  ob = new Outbox(db, { school, version: '9.9.9', maxEventsPerStream: 5 });
  t.same(
    ob.list().filter((q) => q.kind === 'alert').map((q) => [q.seq, q.state]),
    [
      [4, 'rejected'],
      [6, 'queued'],
      [7, 'queued'],
      [8, 'queued'],
    ],
    'the queue is on disk',
  );
  t.equal(ob.retryNow(head?.id), 1);
  t.equal(ob.due(Date.now()).find((h) => h.kind === 'alert')?.seq, 4, 'retried on request: back in order at its place');
  t.ok(ob.enqueueHubReport('alert', { n: 9 }, 'a9'));
  t.equal(ob.list().filter((q) => q.kind === 'alert').at(-1)?.seq, 9, 'sequences continue after the restart');
  db.close();
});

t.test('targets not configured queue nothing; GLPI relays one per agent, as sent', async (t) => {
  const { db } = openDb(join(dir, 'b.db'));
  t.teardown(() => db.close());
  const ob = new Outbox(db, { school, version: '1', enabled: (target) => target === 'glpi' });
  t.equal(ob.enqueueHubReport('alert', {}, 'x'), null, 'no hub address: nothing queued');
  const a = ob.enqueueGlpiInventory('pc-1', 'json', '{"deviceid":"pc-1"}', 'pc-1', 'b7d2c0b6-0000-4000-8000-000000000001');
  const b = ob.enqueueGlpiInventory('pc-1', 'xml', '<REQUEST/>', 'pc-1', null);
  ob.enqueueGlpiInventory('pc-2', 'json', '{"deviceid":"pc-2"}', 'pc-2', null);
  t.equal(ob.get(a as number), null, 'a newer inventory of the same agent replaces the waiting one');
  const row = ob.get(b as number);
  t.equal(row?.contentType, 'application/x-compress-zlib');
  t.equal(inflateSync(row?.body ?? Buffer.alloc(0)).toString(), '<REQUEST/>', 'the body is what the agent sent');
  t.equal(ob.due(Date.now()).length, 2, 'the two agents are two streams');
  const json = ob.list().find((q) => q.label === 'pc-2');
  t.match(ob.get(json?.id as number)?.headers['glpi-agent-id'] ?? '', /^[0-9a-f-]{36}$/, 'a JSON inventory carries a GLPI-Agent-ID');
});

t.test('backoff: exponential, capped, jittered; GLPI endpoint', async (t) => {
  t.equal(backoffMs(1, 1000, 60_000, () => 0), 500, 'first retry: half of the base at least');
  t.equal(backoffMs(1, 1000, 60_000, () => 1), 1000, 'and the base at most');
  t.equal(backoffMs(4, 1000, 60_000, () => 1), 8000, 'doubles each time');
  t.equal(backoffMs(40, 1000, 60_000, () => 1), 60_000, 'capped');
  t.equal(backoffMs(40, 1000, 60_000, () => 0), 30_000, 'the jitter never goes below half the cap');
  const spread = new Set(Array.from({ length: 50 }, () => backoffMs(3, 1000, 60_000)));
  t.ok(spread.size > 10, 'the jitter spreads the retries of many schools');
  t.equal(glpiEndpoint('https://glpi.dep.fr'), 'https://glpi.dep.fr/front/inventory.php');
  t.equal(glpiEndpoint('https://glpi.dep.fr/front/inventory.php'), 'https://glpi.dep.fr/front/inventory.php');
  t.equal(glpiEndpoint('https://glpi.dep.fr/plugins/fusioninventory/'), 'https://glpi.dep.fr/plugins/fusioninventory/');
});
