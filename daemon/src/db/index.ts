import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StartupError } from '../core/errors.ts';

export type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Reads the numbered migrations (NNNN_name.sql); numbering must be 1..n without gaps. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  return files.map((file, i) => {
    const version = Number(file.slice(0, 4));
    if (version !== i + 1) throw new StartupError('MIGRATIONS_GAP', `Migration ${file} : numéro attendu ${i + 1}.`);
    return { version, name: file.slice(5, -4), sql: readFileSync(`${dir}/${file}`, 'utf8') };
  });
}

export interface OpenedDb {
  db: Db;
  /** Schema version before and after the migrations that this start applied. */
  from: number;
  to: number;
}

/**
 * Opens the daemon's single SQLite connection (WAL, busy_timeout, foreign keys) and applies
 * pending migrations forward-only, each in its own transaction, tracked with PRAGMA user_version.
 * A database newer than this build is refused (no silent downgrade).
 */
export function openDb(file: string, migrations: Migration[] = loadMigrations()): OpenedDb {
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new StartupError('DB_OPEN', `Impossible d’ouvrir la base ${file} : ${(err as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    db.close();
    throw new StartupError(
      'DB_TOO_NEW',
      `La base ${file} est au schéma ${from}, plus récent que cette version de Trousse (${latest}). Installez la version la plus récente de Trousse.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= from) continue;
    const apply = db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      apply();
    } catch (err) {
      db.close();
      throw new StartupError('DB_MIGRATION', `La migration ${m.version} (${m.name}) a échoué : ${(err as Error).message}`);
    }
  }
  return { db, from, to: latest };
}
