import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from '../db/index.ts';

/**
 * What the directory keeps in SQLite (see migrations/0002_directory.sql): uid/gid numbers and
 * logins handed out (never handed out again), deleted accounts in their grace period, and initial
 * passwords kept for the sheets, sealed with AES-256-GCM under a key file of the data directory.
 */
export class DirectoryStore {
  readonly #db: Db;
  readonly #keyFile: string;
  #key: Buffer | null = null;

  constructor(db: Db, keyFile: string) {
    this.#db = db;
    this.#keyFile = keyFile;
  }

  // ---- uid / gid numbers ------------------------------------------------------------------

  /** Highest number ever handed out of this kind (0 when none). */
  highest(kind: 'uid' | 'gid'): number {
    return (this.#db.prepare('SELECT COALESCE(MAX(number), 0) AS n FROM directory_ids WHERE kind = ?').get(kind) as { n: number }).n;
  }

  /**
   * Hands out the next number above every number ever given and above `floor` (the highest one
   * found in the AD, or the configured first number minus one). Never reuses a number.
   */
  allocate(kind: 'uid' | 'gid', owner: string, floor: number): number {
    const n = Math.max(this.highest(kind), floor) + 1;
    this.#db.prepare('INSERT INTO directory_ids (kind, number, owner, allocated_at) VALUES (?, ?, ?, ?)').run(kind, n, owner, new Date().toISOString());
    return n;
  }

  release(kind: 'uid' | 'gid', number: number): void {
    this.#db.prepare('UPDATE directory_ids SET released_at = ? WHERE kind = ? AND number = ?').run(new Date().toISOString(), kind, number);
  }

  // ---- logins -----------------------------------------------------------------------------

  recordLogin(login: string, nationalId: string | null): void {
    this.#db
      .prepare('INSERT INTO directory_logins (login, national_id, allocated_at) VALUES (?, ?, ?) ON CONFLICT (login) DO NOTHING')
      .run(login, nationalId, new Date().toISOString());
  }

  /** Every login ever handed out that starts with the prefix (lower-case). */
  loginsStartingWith(prefix: string): string[] {
    const like = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return (this.#db.prepare("SELECT login FROM directory_logins WHERE login LIKE ? ESCAPE '\\'").all(like) as { login: string }[]).map((r) =>
      r.login.toLowerCase(),
    );
  }

  markLoginPurged(login: string): void {
    this.#db.prepare('UPDATE directory_logins SET purged_at = ? WHERE login = ?').run(new Date().toISOString(), login);
  }

  // ---- deleted accounts ------------------------------------------------------------------

  recordDeleted(row: { login: string; originDn: string; groups: string[]; purgeAfter: string; deletedBy: string }): void {
    this.#db
      .prepare(
        `INSERT INTO directory_deleted (login, origin_dn, groups, deleted_at, purge_after, deleted_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (login) DO UPDATE SET origin_dn = excluded.origin_dn, groups = excluded.groups, deleted_at = excluded.deleted_at,
           purge_after = excluded.purge_after, deleted_by = excluded.deleted_by`,
      )
      .run(row.login, row.originDn, JSON.stringify(row.groups), new Date().toISOString(), row.purgeAfter, row.deletedBy);
  }

  deleted(login: string): { originDn: string; groups: string[]; deletedAt: string; purgeAfter: string } | null {
    const r = this.#db.prepare('SELECT origin_dn, groups, deleted_at, purge_after FROM directory_deleted WHERE login = ?').get(login) as
      | { origin_dn: string; groups: string; deleted_at: string; purge_after: string }
      | undefined;
    return r ? { originDn: r.origin_dn, groups: JSON.parse(r.groups) as string[], deletedAt: r.deleted_at, purgeAfter: r.purge_after } : null;
  }

  dueForPurge(now: Date): string[] {
    return (this.#db.prepare('SELECT login FROM directory_deleted WHERE purge_after <= ?').all(now.toISOString()) as { login: string }[]).map(
      (r) => r.login,
    );
  }

  forgetDeleted(login: string): void {
    this.#db.prepare('DELETE FROM directory_deleted WHERE login = ?').run(login);
  }

  // ---- initial passwords (sealed) --------------------------------------------------------

  #keyBuf(): Buffer {
    if (this.#key) return this.#key;
    if (!existsSync(this.#keyFile)) {
      mkdirSync(dirname(this.#keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(this.#keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    chmodSync(this.#keyFile, 0o600);
    const key = Buffer.from(readFileSync(this.#keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`bad key file ${this.#keyFile}`);
    this.#key = key;
    return key;
  }

  keepInitialPassword(login: string, password: string, days: number): void {
    if (days <= 0) {
      this.forgetInitialPassword(login);
      return;
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keyBuf(), iv);
    cipher.setAAD(Buffer.from(login.toLowerCase()));
    const ct = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), ct]);
    const now = new Date();
    this.#db
      .prepare(
        `INSERT INTO directory_initial_passwords (login, sealed, created_at, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (login) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at, expires_at = excluded.expires_at`,
      )
      .run(login, sealed, now.toISOString(), new Date(now.getTime() + days * 86_400_000).toISOString());
  }

  initialPassword(login: string): { password: string; createdAt: string } | null {
    const r = this.#db.prepare('SELECT sealed, created_at FROM directory_initial_passwords WHERE login = ?').get(login) as
      | { sealed: Buffer; created_at: string }
      | undefined;
    if (!r) return null;
    const iv = r.sealed.subarray(0, 12);
    const tag = r.sealed.subarray(12, 28);
    const decipher = createDecipheriv('aes-256-gcm', this.#keyBuf(), iv);
    decipher.setAAD(Buffer.from(login.toLowerCase()));
    decipher.setAuthTag(tag);
    const password = Buffer.concat([decipher.update(r.sealed.subarray(28)), decipher.final()]).toString('utf8');
    return { password, createdAt: r.created_at };
  }

  hasInitialPassword(login: string): boolean {
    return this.#db.prepare('SELECT 1 FROM directory_initial_passwords WHERE login = ?').get(login) !== undefined;
  }

  keptInitialPasswords(): { login: string; createdAt: string; expiresAt: string }[] {
    return (
      this.#db.prepare('SELECT login, created_at, expires_at FROM directory_initial_passwords').all() as {
        login: string;
        created_at: string;
        expires_at: string;
      }[]
    ).map((r) => ({ login: r.login, createdAt: r.created_at, expiresAt: r.expires_at }));
  }

  forgetInitialPassword(login: string): void {
    this.#db.prepare('DELETE FROM directory_initial_passwords WHERE login = ?').run(login);
  }
}
