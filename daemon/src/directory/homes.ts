import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/logger.ts';
import { runChecked } from '../core/exec.ts';
import { errorMessage } from '../core/errors.ts';
import { validateLogin } from './logins.ts';

/**
 * The home folder of a deleted account: archived (tar.gz, owner-only) when the account goes to the
 * recycle OU, put back if it is restored, erased with the account at the end of the grace period.
 * Logins are checked again before they become paths; nothing outside `homeRoot` is touched.
 */
export class HomeArchive {
  readonly #root: string;
  readonly #archives: string;
  readonly #log: Logger;

  constructor(homeRoot: string, archiveDir: string, log: Logger) {
    this.#root = homeRoot;
    this.#archives = archiveDir;
    this.#log = log;
  }

  #paths(login: string): { home: string; archive: string } | null {
    if (validateLogin(login) !== null) return null;
    return { home: join(this.#root, login), archive: join(this.#archives, `${login}.tar.gz`) };
  }

  archivePath(login: string): string | null {
    const p = this.#paths(login);
    return p && existsSync(p.archive) ? p.archive : null;
  }

  /** Archives then removes the home, if there is one. A failure is logged and leaves the home in place. */
  async archive(login: string): Promise<boolean> {
    const p = this.#paths(login);
    if (!p || !existsSync(p.home)) return false;
    try {
      mkdirSync(this.#archives, { recursive: true, mode: 0o700 });
      await runChecked('tar', ['--create', '--gzip', '--numeric-owner', '--acls', '--xattrs', '--xattrs-include=*', '--file', p.archive, '--directory', this.#root, '--', login], { timeoutMs: 30 * 60_000 });
      rmSync(p.home, { recursive: true, force: true });
      return true;
    } catch (err) {
      rmSync(p.archive, { force: true });
      this.#log.warn({ login, err: errorMessage(err) }, 'home archive failed, home left in place');
      return false;
    }
  }

  /** Puts an archived home back (a restored account). */
  async restore(login: string): Promise<boolean> {
    const p = this.#paths(login);
    if (!p || !existsSync(p.archive) || existsSync(p.home)) return false;
    try {
      mkdirSync(this.#root, { recursive: true });
      await runChecked('tar', ['--extract', '--gzip', '--same-owner', '--same-permissions', '--acls', '--xattrs', '--xattrs-include=*', '--file', p.archive, '--directory', this.#root, '--', login], { timeoutMs: 30 * 60_000 });
      rmSync(p.archive, { force: true });
      return true;
    } catch (err) {
      this.#log.warn({ login, err: errorMessage(err) }, 'home restore failed, archive kept');
      return false;
    }
  }

  /** Erases the home and its archive (the account is purged). */
  async drop(login: string): Promise<void> {
    const p = this.#paths(login);
    if (!p) return;
    rmSync(p.archive, { force: true });
    rmSync(p.home, { recursive: true, force: true });
  }
}
