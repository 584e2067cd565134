import type { Db } from '../db/index.ts';
import type { ImportDiff, ImportMode, ParsedFile } from './model.ts';

export type RunState = 'draft' | 'analysed' | 'applying' | 'interrupted' | 'applied' | 'failed';

export interface RunRow {
  id: number;
  mode: ImportMode;
  state: RunState;
  createdAt: string;
  createdBy: string;
  appliedAt: string | null;
  resolutions: Record<string, string | null>;
  diff: ImportDiff | null;
  skipErrors: boolean;
  error: string | null;
}

/** A file of a run as listed (without the persons). */
export type FileSummary = Omit<ParsedFile, 'persons'> & { persons: number; classCount: number };

export interface OpRow {
  seq: number;
  type: string;
  payload: unknown;
  state: 'pending' | 'done' | 'failed';
  result: unknown;
  tries: number;
}

interface RawRun {
  id: number;
  mode: ImportMode;
  state: RunState;
  created_at: string;
  created_by: string;
  applied_at: string | null;
  resolutions: string;
  diff: string | null;
  skip_errors: number;
  error: string | null;
}

const toRun = (r: RawRun): RunRow => ({
  id: r.id,
  mode: r.mode,
  state: r.state,
  createdAt: r.created_at,
  createdBy: r.created_by,
  appliedAt: r.applied_at,
  resolutions: JSON.parse(r.resolutions) as Record<string, string | null>,
  diff: r.diff ? (JSON.parse(r.diff) as ImportDiff) : null,
  skipErrors: r.skip_errors === 1,
  error: r.error,
});

const now = () => new Date().toISOString();

/** What imports keep in SQLite (migrations/0003_imports.sql). */
export class ImportStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  // ---- runs -------------------------------------------------------------------------------

  createRun(mode: ImportMode, createdBy: string): RunRow {
    const r = this.#db.prepare("INSERT INTO import_runs (mode, state, created_at, created_by) VALUES (?, 'draft', ?, ?)").run(mode, now(), createdBy);
    return this.run(Number(r.lastInsertRowid)) as RunRow;
  }

  run(id: number): RunRow | null {
    const r = this.#db.prepare('SELECT * FROM import_runs WHERE id = ?').get(id) as RawRun | undefined;
    return r ? toRun(r) : null;
  }

  runs(limit = 50): RunRow[] {
    return (this.#db.prepare('SELECT * FROM import_runs ORDER BY id DESC LIMIT ?').all(limit) as RawRun[]).map(toRun);
  }

  runsIn(states: RunState[]): RunRow[] {
    return (this.#db.prepare(`SELECT * FROM import_runs WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY id`).all(...states) as RawRun[]).map(toRun);
  }

  setState(id: number, state: RunState, error: string | null = null): void {
    this.#db
      .prepare("UPDATE import_runs SET state = ?, error = ?, applied_at = CASE WHEN ? = 'applied' THEN ? ELSE applied_at END WHERE id = ?")
      .run(state, error, state, now(), id);
  }

  setDiff(id: number, diff: ImportDiff | null, state: RunState): void {
    this.#db.prepare('UPDATE import_runs SET diff = ?, state = ?, error = NULL WHERE id = ?').run(diff ? JSON.stringify(diff) : null, state, id);
  }

  setResolutions(id: number, resolutions: Record<string, string | null>): void {
    this.#db.prepare('UPDATE import_runs SET resolutions = ? WHERE id = ?').run(JSON.stringify(resolutions), id);
  }

  setSkipErrors(id: number, skip: boolean): void {
    this.#db.prepare('UPDATE import_runs SET skip_errors = ? WHERE id = ?').run(skip ? 1 : 0, id);
  }

  deleteRun(id: number): void {
    this.transaction(() => {
      for (const t of ['import_ops', 'import_files']) this.#db.prepare(`DELETE FROM ${t} WHERE run_id = ?`).run(id);
      this.#db.prepare('DELETE FROM import_runs WHERE id = ?').run(id);
    });
  }

  // ---- files ------------------------------------------------------------------------------

  addFiles(runId: number, files: ParsedFile[]): void {
    this.transaction(() => {
      let idx = (this.#db.prepare('SELECT COALESCE(MAX(idx), -1) AS n FROM import_files WHERE run_id = ?').get(runId) as { n: number }).n;
      for (const f of files) {
        const { persons, ...rest } = f;
        const summary: FileSummary = { ...rest, persons: persons.length, classCount: f.classes.length };
        this.#db.prepare('INSERT INTO import_files (run_id, idx, name, summary, parsed) VALUES (?, ?, ?, ?, ?)').run(runId, ++idx, f.name, JSON.stringify(summary), JSON.stringify(f));
      }
    });
  }

  fileSummaries(runId: number): FileSummary[] {
    return (this.#db.prepare('SELECT summary FROM import_files WHERE run_id = ? ORDER BY idx').all(runId) as { summary: string }[]).map(
      (r) => JSON.parse(r.summary) as FileSummary,
    );
  }

  parsedFiles(runId: number): ParsedFile[] {
    return (this.#db.prepare('SELECT parsed FROM import_files WHERE run_id = ? AND parsed IS NOT NULL ORDER BY idx').all(runId) as { parsed: string }[]).map(
      (r) => JSON.parse(r.parsed) as ParsedFile,
    );
  }

  /** Removes the n-th file (in display order). Returns false when there is none. */
  removeFile(runId: number, position: number): boolean {
    const rows = this.#db.prepare('SELECT idx FROM import_files WHERE run_id = ? ORDER BY idx').all(runId) as { idx: number }[];
    const row = rows[position];
    if (!row) return false;
    this.#db.prepare('DELETE FROM import_files WHERE run_id = ? AND idx = ?').run(runId, row.idx);
    return true;
  }

  /** Forgets the persons read from the files (kept only as long as the run may be applied). */
  dropParsed(runId: number): void {
    this.#db.prepare('UPDATE import_files SET parsed = NULL WHERE run_id = ?').run(runId);
  }

  // ---- the journal of operations ----------------------------------------------------------

  writeOps(runId: number, ops: { type: string; payload: unknown }[]): void {
    const insert = this.#db.prepare('INSERT INTO import_ops (run_id, seq, type, payload) VALUES (?, ?, ?, ?)');
    for (const [i, op] of ops.entries()) insert.run(runId, i + 1, op.type, JSON.stringify(op.payload));
  }

  ops(runId: number, state?: OpRow['state']): OpRow[] {
    const rows = (
      state
        ? this.#db.prepare('SELECT * FROM import_ops WHERE run_id = ? AND state = ? ORDER BY seq').all(runId, state)
        : this.#db.prepare('SELECT * FROM import_ops WHERE run_id = ? ORDER BY seq').all(runId)
    ) as { seq: number; type: string; payload: string; state: OpRow['state']; result: string | null; tries: number }[];
    return rows.map((r) => ({ seq: r.seq, type: r.type, payload: JSON.parse(r.payload), state: r.state, result: r.result ? JSON.parse(r.result) : null, tries: r.tries }));
  }

  opCounts(runId: number): { total: number; done: number; failed: number } {
    const r = this.#db
      .prepare("SELECT COUNT(*) AS total, SUM(state = 'done') AS done, SUM(state = 'failed') AS failed FROM import_ops WHERE run_id = ?")
      .get(runId) as { total: number; done: number | null; failed: number | null };
    return { total: r.total, done: r.done ?? 0, failed: r.failed ?? 0 };
  }

  markTry(runId: number, seq: number): void {
    this.#db.prepare('UPDATE import_ops SET tries = tries + 1 WHERE run_id = ? AND seq = ?').run(runId, seq);
  }

  finishOp(runId: number, seq: number, state: 'done' | 'failed', result: unknown): void {
    this.#db.prepare('UPDATE import_ops SET state = ?, result = ?, done_at = ? WHERE run_id = ? AND seq = ?').run(state, JSON.stringify(result), now(), runId, seq);
  }

  // ---- links ------------------------------------------------------------------------------

  link(login: string, ids: string[], birthDate: string | null): void {
    const at = now();
    const up = this.#db.prepare('INSERT INTO import_links (id, login, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET login = excluded.login, updated_at = excluded.updated_at');
    for (const id of ids) up.run(id, login, at);
    if (birthDate) {
      this.#db
        .prepare('INSERT INTO import_people (login, birth_date, updated_at) VALUES (?, ?, ?) ON CONFLICT (login) DO UPDATE SET birth_date = excluded.birth_date, updated_at = excluded.updated_at')
        .run(login, birthDate, at);
    }
  }

  /** Every recorded id and date of birth, by login. */
  identities(): Map<string, { ids: string[]; birthDate: string | null }> {
    const out = new Map<string, { ids: string[]; birthDate: string | null }>();
    for (const r of this.#db.prepare('SELECT id, login FROM import_links').all() as { id: string; login: string }[]) {
      const e = out.get(r.login) ?? { ids: [], birthDate: null };
      e.ids.push(r.id);
      out.set(r.login, e);
    }
    for (const r of this.#db.prepare('SELECT login, birth_date FROM import_people').all() as { login: string; birth_date: string | null }[]) {
      const e = out.get(r.login) ?? { ids: [], birthDate: null };
      e.birthDate = r.birth_date;
      out.set(r.login, e);
    }
    return out;
  }

  loginFor(id: string): string | null {
    return (this.#db.prepare('SELECT login FROM import_links WHERE id = ?').get(id) as { login: string } | undefined)?.login ?? null;
  }

  forget(login: string): void {
    this.#db.prepare('DELETE FROM import_links WHERE login = ?').run(login);
    this.#db.prepare('DELETE FROM import_people WHERE login = ?').run(login);
  }
}
