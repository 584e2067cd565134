import t from 'tap';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { openDb, loadMigrations } from '../../daemon/src/db/index.ts';
import { tempDir } from '../helpers.ts';

t.test('migrations from empty: every table, WAL, foreign keys, user_version', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'trousse.db');
  const { db, from, to } = openDb(file);
  t.equal(from, 0);
  t.equal(to, loadMigrations().length);
  t.equal(db.pragma('user_version', { simple: true }), to);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.pragma('foreign_keys', { simple: true }), 1);
  t.equal(db.pragma('busy_timeout', { simple: true }), 5000);
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  for (const name of ['admins', 'sessions', 'api_tokens', 'login_lockouts', 'audit_log', 'events', 'meta']) t.ok(tables.includes(name), name);
  db.close();
  const again = openDb(file);
  t.equal(again.from, to, 'a second start applies nothing');
  again.db.close();
});

t.test('a failing migration is rolled back and reported; the next start retries it', async (t) => {
  const dir = tempDir(t);
  const migDir = join(dir, 'migrations');
  mkdirSync(migDir);
  writeFileSync(join(migDir, '0001_one.sql'), 'CREATE TABLE one (id INTEGER);');
  writeFileSync(join(migDir, '0002_two.sql'), 'CREATE TABLE two (id INTEGER); INSERT INTO nope VALUES (1);');
  const file = join(dir, 'x.db');
  t.throws(() => openDb(file, loadMigrations(migDir)), { code: 'DB_MIGRATION', message: /La migration 2 \(two\) a échoué/ });
  const { db } = openDb(file, loadMigrations(migDir).slice(0, 1));
  t.equal(db.pragma('user_version', { simple: true }), 1, 'migration 1 stayed applied');
  const two = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'two'").get() as { n: number };
  t.equal(two.n, 0, 'table two rolled back');
  db.close();
});

t.test('gaps in numbering and databases newer than the build are refused', async (t) => {
  const dir = tempDir(t);
  const migDir = join(dir, 'm');
  mkdirSync(migDir);
  writeFileSync(join(migDir, '0001_a.sql'), 'SELECT 1;');
  writeFileSync(join(migDir, '0003_c.sql'), 'SELECT 1;');
  t.throws(() => loadMigrations(migDir), { code: 'MIGRATIONS_GAP' });
  const file = join(dir, 'new.db');
  const { db } = openDb(file);
  db.pragma('user_version = 99');
  db.close();
  t.throws(() => openDb(file), { code: 'DB_TOO_NEW', message: /plus récent que cette version de Trousse/ });
});
