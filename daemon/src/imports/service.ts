import type { TrousseConfig } from '../core/config.ts';
import type { EventBus } from '../core/events.ts';
import type { Journal } from '../core/journal.ts';
import type { Service } from '../core/lifecycle.ts';
import type { Logger } from '../core/logger.ts';
import type { Scheduler } from '../core/scheduler.ts';
import type { Db } from '../db/index.ts';
import { AppError, errorMessage, isAppError } from '../core/errors.ts';
import type { Actor, NewUser, Page } from '../directory/model.ts';
import { matchesQuery, searchKey, type DirectoryService } from '../directory/index.ts';
import { accountsCsv, csvFile } from '../core/csv.ts';
import { computeDiff, type DiffResult, type KnownAccount } from './diff.ts';
import { DIFF_ACTION_LABELS, IMPORT_KIND_LABELS, type DiffAction, type DiffItem, type ImportDiff, type ImportMode } from './model.ts';
import { buildOps, PHASE_LABELS, weight, type LinkRow, type NewPerson, type OpType } from './ops.ts';
import { readImportFile } from './readers/index.ts';
import { ImportStore, type FileSummary, type OpRow, type RunRow } from './store.ts';

export interface ImportDeps {
  config: TrousseConfig;
  log: Logger;
  db: Db;
  bus: EventBus;
  journal: Journal;
  scheduler: Scheduler;
  directory: DirectoryService;
}

/** Runs never applied are forgotten after this many days (they hold names and dates of birth). */
const DRAFT_DAYS = 30;
/** Applied runs and their reports are kept this long, then forgotten. */
const REPORT_DAYS = 365;

export interface ImportRunView {
  id: number;
  mode: ImportMode;
  state: RunRow['state'];
  createdAt: string;
  createdBy: string;
  appliedAt: string | null;
  files: (FileSummary & { label: string })[];
  diff: {
    counts: Record<DiffAction, number>;
    classes: { create: string[]; remove: string[] };
    teams: number;
    groups: { set: number; remove: string[] };
    profiles: string[];
    untouchedManual: number;
    unresolved: number;
    graceDays: number;
  } | null;
  progress: { phase: string; label: string; done: number; total: number } | null;
  report: { operations: number; done: number; failed: number; created: number; passwords: number } | null;
  error: string | null;
}

/** One line of the report: what an operation did to one account. */
interface ReportRow {
  login: string | null;
  name: string;
  classe: string | null;
  ok: boolean;
  message: string;
  created?: boolean;
}

const runNotFound = (id: number) => new AppError('IMPORT_NOT_FOUND', `Aucun import n° ${id}.`, 404);

/**
 * School-year imports: runs of files read, analysed against the directory, then applied through
 * the directory service from a journal of idempotent operations kept in SQLite (see README.md).
 */
export class ImportService implements Service {
  readonly name = 'imports';
  readonly #d: ImportDeps;
  readonly #store: ImportStore;
  #unsubscribe: (() => void) | null = null;
  /** The apply under way (one at a time for the whole school). */
  #running: { id: number; done: Promise<void> } | null = null;
  #stopping = false;
  /** An apply is between its checks and its launch (two clicks must not start two). */
  #starting = false;
  #progress = new Map<number, { phase: string; label: string; done: number; total: number }>();

  constructor(deps: ImportDeps) {
    this.#d = deps;
    this.#store = new ImportStore(deps.db);
    deps.scheduler.register({
      name: 'imports.cleanup',
      cron: '41 4 * * *',
      description: `Oublie les imports jamais appliqués après ${DRAFT_DAYS} jours et les rapports après un an`,
      run: async () => {
        this.cleanup();
      },
    });
  }

  /** Forgets abandoned drafts and old reports (data minimisation). Returns how many runs went. */
  cleanup(now = new Date()): number {
    const day = 86_400_000;
    let n = 0;
    for (const run of this.#store.runs(100_000)) {
      const age = now.getTime() - Date.parse(run.createdAt);
      const draft = run.state === 'draft' || run.state === 'analysed';
      if ((draft && age > DRAFT_DAYS * day) || (run.state !== 'applying' && run.state !== 'interrupted' && age > REPORT_DAYS * day)) {
        this.#store.deleteRun(run.id);
        n++;
      }
    }
    if (n > 0) this.#d.journal.record('info', 'imports', 'imports.cleanup', `${n} ancien(s) import(s) oublié(s) (brouillons de plus de ${DRAFT_DAYS} jours, rapports de plus d’un an).`);
    return n;
  }

  async start(): Promise<void> {
    this.#stopping = false;
    for (const run of this.#store.runsIn(['applying'])) {
      this.#store.setState(run.id, 'interrupted', 'L’application a été interrompue (arrêt du serveur) : reprenez-la pour la terminer.');
      this.#d.journal.record('warn', 'imports', 'imports.interrupted', `L’import n° ${run.id} a été interrompu en cours d’application : ouvrez-le et cliquez sur « Reprendre » pour le terminer.`);
    }
    this.#unsubscribe = this.#d.bus.on('directory.user-purged', ({ login }) => this.#store.forget(login));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#running?.done.catch(() => {});
  }

  // ---- runs ---------------------------------------------------------------------------------

  #run(id: number): RunRow {
    const run = this.#store.run(id);
    if (!run) throw runNotFound(id);
    return run;
  }

  #editable(id: number): RunRow {
    const run = this.#run(id);
    if (run.state !== 'draft' && run.state !== 'analysed') {
      throw new AppError('IMPORT_LOCKED', 'Cet import a déjà été appliqué (ou est en cours) : créez-en un nouveau pour d’autres fichiers.', 409);
    }
    return run;
  }

  view(run: RunRow): ImportRunView {
    const counts = run.state === 'applying' || run.state === 'applied' || run.state === 'interrupted' || run.state === 'failed' ? this.#store.opCounts(run.id) : null;
    let report: ImportRunView['report'] = null;
    if (counts && counts.total > 0 && run.state !== 'applying') {
      const rows = this.#reportRows(run.id);
      const created = rows.filter((r) => r.created).length;
      report = { operations: counts.total, done: counts.done, failed: counts.failed, created, passwords: created };
    }
    const diff = run.diff;
    return {
      id: run.id,
      mode: run.mode,
      state: run.state,
      createdAt: run.createdAt,
      createdBy: run.createdBy,
      appliedAt: run.appliedAt,
      files: this.#store.fileSummaries(run.id).map((f) => ({ ...f, label: IMPORT_KIND_LABELS[f.kind] })),
      diff: diff
        ? {
            counts: diff.counts,
            classes: diff.classes,
            teams: diff.teams.length,
            groups: { set: diff.groups?.set.length ?? 0, remove: diff.groups?.remove ?? [] },
            profiles: diff.profiles,
            untouchedManual: diff.untouchedManual,
            unresolved: diff.counts.ambiguous,
            graceDays: this.#d.directory.settings().deletionGraceDays,
          }
        : null,
      progress: this.#progress.get(run.id) ?? null,
      report,
      error: run.error,
    };
  }

  listRuns(): ImportRunView[] {
    return this.#store.runs().map((r) => this.view(r));
  }

  getRun(id: number): ImportRunView {
    return this.view(this.#run(id));
  }

  /** The run, with the number of initial passwords still kept (used or stale ones are forgotten). */
  async getRunWithPasswords(id: number): Promise<ImportRunView> {
    const view = this.getRun(id);
    if (view.report && view.report.created > 0) {
      const kept = await this.#d.directory.keptPasswords(this.#reportRows(id).flatMap((r) => (r.created && r.login ? [r.login] : [])));
      view.report.passwords = kept.size;
    }
    return view;
  }

  createRun(mode: ImportMode, actor: Actor): ImportRunView {
    return this.view(this.#store.createRun(mode, actor.name));
  }

  deleteRun(id: number): void {
    const run = this.#run(id);
    if (run.state === 'applying' || run.state === 'interrupted') {
      throw new AppError('IMPORT_LOCKED', 'Cet import est en cours d’application : terminez-le (Reprendre) avant de le supprimer.', 409);
    }
    if (run.state === 'applied') throw new AppError('IMPORT_LOCKED', 'Un import appliqué est gardé pour son rapport.', 409);
    this.#store.deleteRun(id);
  }

  /** Reads a file into a run. A file that cannot be read is refused whole and nothing is kept. */
  async addFile(id: number, path: string, name: string): Promise<ImportRunView> {
    this.#editable(id);
    const files = await readImportFile(path, { name, expectedUai: this.#d.config.school.uai });
    this.#store.transaction(() => {
      this.#store.addFiles(id, files);
      this.#store.setDiff(id, null, 'draft');
    });
    return this.getRun(id);
  }

  removeFile(id: number, index: number): ImportRunView {
    this.#editable(id);
    if (!this.#store.removeFile(id, index)) throw new AppError('IMPORT_FILE_NOT_FOUND', 'Ce fichier ne fait pas partie de l’import.', 404);
    this.#store.setDiff(id, null, 'draft');
    return this.getRun(id);
  }

  // ---- analysis -----------------------------------------------------------------------------

  async #compute(run: RunRow): Promise<{ result: DiffResult; accounts: KnownAccount[] }> {
    const files = this.#store.parsedFiles(run.id);
    if (files.length === 0) throw new AppError('IMPORT_NO_FILE', 'Ajoutez d’abord au moins un fichier (SIECLE, STS-Web, AAF ou CSV).', 400);
    const identities = this.#store.identities();
    const accounts: KnownAccount[] = (await this.#d.directory.allUsers()).map((u) => ({
      ...u,
      ids: identities.get(u.login)?.ids ?? [],
      birthDate: identities.get(u.login)?.birthDate ?? null,
    }));
    const classes = await this.#d.directory.listClasses();
    const teams = new Map(classes.map((c) => [c.name, c.teachers.map((t) => t.login)]));
    const groups = await this.#d.directory.importedGroups();
    const result = computeDiff({ mode: run.mode, files, accounts, classes: classes.map((c) => c.name), teams, groups, resolutions: run.resolutions });
    return { result, accounts };
  }

  async analyse(id: number): Promise<ImportRunView> {
    const run = this.#editable(id);
    const { result } = await this.#compute(run);
    this.#store.setDiff(id, result.diff, 'analysed');
    return this.getRun(id);
  }

  items(id: number, q: { action?: DiffAction; q?: string; page?: number; pageSize?: number }): Page<DiffItem> {
    const run = this.#run(id);
    if (!run.diff) throw new AppError('IMPORT_NOT_ANALYSED', 'Lancez d’abord l’analyse.', 409);
    const page = Math.max(1, q.page ?? 1);
    const pageSize = Math.min(200, Math.max(1, q.pageSize ?? 50));
    const rows = run.diff.items.filter(
      (it) =>
        (!q.action || it.actions.includes(q.action)) &&
        (!q.q || matchesQuery(searchKey([it.displayName, it.login ?? '', it.classe ?? '', ...it.changes.map((c) => c.from ?? '')]), q.q)),
    );
    return { total: rows.length, page, pageSize, items: rows.slice((page - 1) * pageSize, page * pageSize) };
  }

  async resolve(id: number, key: string, login: string | null): Promise<ImportRunView> {
    const run = this.#editable(id);
    const item = run.diff?.items.find((it) => it.key === key);
    if (!item) throw new AppError('IMPORT_ITEM_NOT_FOUND', 'Cette personne ne fait pas partie de l’analyse : relancez-la.', 404);
    if (login !== null && !item.candidates.some((c) => c.login === login) && item.login !== login) {
      throw new AppError('IMPORT_BAD_RESOLUTION', `Le compte « ${login} » n’est pas l’un des comptes proposés pour cette personne.`, 400);
    }
    this.#store.setResolutions(id, { ...run.resolutions, [key]: login });
    return this.analyse(id);
  }

  // ---- apply --------------------------------------------------------------------------------

  /**
   * Applies an analysed run (or resumes an interrupted one). Returns once the journal is written;
   * the operations run in the background (`settled(id)` waits for them).
   */
  async apply(id: number, opts: { skipErrors?: boolean }, actor: Actor): Promise<ImportRunView> {
    if (this.#running || this.#starting) {
      throw new AppError('IMPORT_BUSY', `Un import est en cours d’application${this.#running ? ` (n° ${this.#running.id})` : ''} : attendez qu’il se termine.`, 409);
    }
    this.#starting = true;
    try {
      return await this.#apply(id, opts, actor);
    } finally {
      this.#starting = false;
    }
  }

  async #apply(id: number, opts: { skipErrors?: boolean }, actor: Actor): Promise<ImportRunView> {
    const run = this.#run(id);
    if (run.state === 'interrupted' || (run.state === 'applying' && !this.#running)) {
      this.#d.journal.record('info', 'imports', 'imports.resumed', `Reprise de l’import n° ${id} (${actor.name}).`);
      this.#launch(id);
      return this.getRun(id);
    }
    if (run.state === 'draft') throw new AppError('IMPORT_NOT_ANALYSED', 'Lancez d’abord l’analyse et vérifiez les différences.', 409);
    if (run.state !== 'analysed') throw new AppError('IMPORT_LOCKED', 'Cet import a déjà été appliqué.', 409);
    const pending = this.#store.runsIn(['interrupted', 'applying']).find((r) => r.id !== id);
    if (pending) {
      throw new AppError('IMPORT_INTERRUPTED_PENDING', `L’import n° ${pending.id} a été interrompu : reprenez-le d’abord (il se terminera sans doublon), puis relancez celui-ci.`, 409);
    }
    // the directory may have changed since the analysis: what is applied is what was shown
    const { result, accounts } = await this.#compute(run);
    if (signature(result.diff) !== signature(run.diff as ImportDiff)) {
      this.#store.setDiff(id, result.diff, 'analysed');
      throw new AppError('IMPORT_STALE', 'L’annuaire a changé depuis l’analyse : les différences ont été recalculées. Vérifiez-les, puis appliquez de nouveau.', 409);
    }
    const { counts } = result.diff;
    if (counts.ambiguous > 0) {
      throw new AppError('IMPORT_UNRESOLVED', `${counts.ambiguous} cas restent à trancher (même nom qu’un compte existant) : indiquez pour chacun s’il s’agit de la même personne.`, 409);
    }
    if (counts.error > 0 && !opts.skipErrors) {
      throw new AppError(
        'IMPORT_HAS_ERRORS',
        `${counts.error} ligne(s) des fichiers sont en erreur : corrigez les fichiers, ou confirmez l’import sans ces lignes (elles seront ignorées).`,
        409,
      );
    }
    const ops = buildOps(result, accounts);
    this.#store.transaction(() => {
      this.#store.writeOps(id, ops);
      this.#store.setSkipErrors(id, opts.skipErrors === true);
      this.#store.setState(id, 'applying');
    });
    this.#d.journal.record('info', 'imports', 'imports.apply', `Application de l’import n° ${id} (${ops.length} opérations) par ${actor.name}.`);
    this.#launch(id);
    return this.getRun(id);
  }

  /** Waits for the apply of a run to finish (tests, CLI through the API's polling). */
  async settled(id: number): Promise<ImportRunView> {
    if (this.#running?.id === id) await this.#running.done;
    return this.getRun(id);
  }

  #launch(id: number): void {
    this.#store.setState(id, 'applying');
    const done = this.#execute(id).finally(() => {
      this.#running = null;
    });
    this.#running = { id, done };
  }

  async #execute(id: number): Promise<void> {
    const all = this.#store.ops(id);
    const total = all.reduce((n, op) => n + weight(op), 0);
    let done = all.filter((op) => op.state !== 'pending').reduce((n, op) => n + weight(op), 0);
    let lastEmit = 0;
    const emit = (type: OpType | null, force = false) => {
      const at = Date.now();
      if (!force && at - lastEmit < 150) return;
      lastEmit = at;
      const phase = type ?? 'done';
      const label = type ? PHASE_LABELS[type] : 'Terminé';
      const p = { phase, label, done, total };
      this.#progress.set(id, p);
      this.#d.bus.emit('import.progress', { id, ...p, state: this.#store.run(id)?.state ?? 'applying' });
    };
    try {
      for (const op of all) {
        if (op.state !== 'pending') continue;
        if (this.#stopping) {
          this.#store.setState(id, 'interrupted', 'L’application a été interrompue (arrêt du serveur) : reprenez-la pour la terminer.');
          return;
        }
        emit(op.type as OpType, true);
        this.#store.markTry(id, op.seq);
        const base = done;
        let result: { rows: ReportRow[] };
        try {
          result = await this.#runOp(op, (n) => {
            done = base + n;
            emit(op.type as OpType);
          });
        } catch (err) {
          if (!isAppError(err) || err.statusCode >= 500) throw err;
          result = { rows: [{ login: loginOf(op), name: loginOf(op) ?? '', classe: null, ok: false, message: err.message }] };
        }
        done = base + weight(op);
        const failed = result.rows.some((r) => !r.ok);
        this.#store.finishOp(id, op.seq, failed ? 'failed' : 'done', result);
      }
      this.#store.transaction(() => {
        this.#store.setState(id, 'applied');
        this.#store.dropParsed(id);
      });
      const c = this.#store.opCounts(id);
      this.#d.journal.record(
        c.failed > 0 ? 'warn' : 'info',
        'imports',
        'imports.applied',
        c.failed > 0 ? `Import n° ${id} appliqué, ${c.failed} opération(s) en échec : voyez le rapport.` : `Import n° ${id} appliqué.`,
      );
      this.#progress.delete(id);
      emit(null, true);
    } catch (err) {
      // the DC went away, the disk is full…: what is done is journaled, the rest waits for a resume
      const message = `L’application s’est arrêtée : ${errorMessage(err)}. Ce qui est fait est enregistré ; quand le problème est réglé, cliquez sur « Reprendre ».`;
      this.#store.setState(id, 'interrupted', message);
      this.#d.log.error({ id, err: errorMessage(err) }, 'import apply stopped');
      this.#d.journal.record('error', 'imports', 'imports.interrupted', `Import n° ${id} interrompu : ${errorMessage(err)}`);
      emit(null, true);
    }
  }

  async #runOp(op: OpRow, progress: (n: number) => void): Promise<{ rows: ReportRow[] }> {
    const dir = this.#d.directory;
    const ok = (login: string | null, name: string, classe: string | null, message: string): ReportRow => ({ login, name, classe, ok: true, message });
    switch (op.type as OpType) {
      case 'class.create': {
        const { names } = op.payload as { names: string[] };
        const results = await dir.createClasses(names);
        return {
          rows: results.map((r, i) =>
            r.ok || r.error.code === 'CLASS_EXISTS'
              ? ok(null, '', names[i] as string, `Classe « ${names[i]} » créée.`)
              : { login: null, name: '', classe: names[i] as string, ok: false, message: r.error.message },
          ),
        };
      }
      case 'user.reactivate': {
        const { login, classe } = op.payload as { login: string; classe: string | null };
        const u = await dir.getUser(login);
        if (u.state === 'deleted') await dir.restoreUser(login, { classe });
        else if (u.state === 'disabled') await dir.setEnabled(login, true);
        return { rows: [ok(login, u.displayName, classe ?? u.classe, 'Compte réactivé.')] };
      }
      case 'user.update': {
        const p = op.payload as { login: string; givenName: string; surname: string; staffFunction: NewUser['staffFunction'] };
        const u = await dir.updateUser(p.login, { givenName: p.givenName, surname: p.surname, ...(p.staffFunction ? { staffFunction: p.staffFunction } : {}) });
        return { rows: [ok(p.login, u.displayName, u.classe, 'Nom corrigé.')] };
      }
      case 'user.move': {
        const { moves } = op.payload as { moves: { login: string; classe: string }[] };
        const results = await dir.moveUsers(moves);
        progress(moves.length);
        return {
          rows: results.map((r, i) => {
            const m = moves[i] as { login: string; classe: string };
            return r.ok ? ok(m.login, m.login, m.classe, `Passe en ${m.classe}.`) : { login: m.login, name: m.login, classe: m.classe, ok: false, message: r.error.message };
          }),
        };
      }
      case 'user.create':
        return this.#create((op.payload as { persons: NewPerson[] }).persons, op.tries > 0, progress);
      case 'user.link': {
        const { links } = op.payload as { links: LinkRow[] };
        const rows: ReportRow[] = [];
        for (const [i, l] of links.entries()) {
          if (l.nationalId) {
            try {
              await dir.updateUser(l.login, { nationalId: l.nationalId });
            } catch (err) {
              if (!isAppError(err) || err.statusCode >= 500) throw err;
              rows.push({ login: l.login, name: l.login, classe: null, ok: false, message: err.message });
              continue;
            }
          }
          this.#store.link(l.login, l.ids, l.birthDate);
          if (i % 20 === 19) progress(Math.ceil((i + 1) / 20));
        }
        return { rows };
      }
      case 'team.set': {
        const { teams } = op.payload as { teams: { classe: string; members: { key: string; login: string | null }[] }[] };
        const wanted = teams.map((t) => ({ classe: t.classe, logins: t.members.map((m) => m.login ?? this.#store.loginFor(m.key)).filter((l): l is string => l !== null) }));
        const results = await dir.setTeams(wanted);
        return {
          rows: results.map((r, i) => {
            const t = wanted[i] as { classe: string; logins: string[] };
            return r.ok
              ? ok(null, '', t.classe, `Équipe pédagogique de ${t.classe} : ${t.logins.length} enseignant(s).`)
              : { login: null, name: '', classe: t.classe, ok: false, message: r.error.message };
          }),
        };
      }
      case 'group.set': {
        const { groups } = op.payload as { groups: { label: string; members: { key: string; login: string | null }[] }[] };
        const wanted = groups.map((g) => ({ label: g.label, logins: g.members.map((m) => m.login ?? this.#store.loginFor(m.key)).filter((l): l is string => l !== null) }));
        const results = await dir.setImportedGroups(wanted);
        return {
          rows: results.map((r, i) => {
            const g = wanted[i] as { label: string; logins: string[] };
            return r.ok ? ok(null, r.name, null, `Groupe « ${g.label} » : ${g.logins.length} élève(s).`) : { login: null, name: g.label, classe: null, ok: false, message: r.error.message };
          }),
        };
      }
      case 'group.remove': {
        const { names } = op.payload as { names: string[] };
        await dir.deleteImportedGroups(names);
        return { rows: names.map((n) => ok(null, n, null, `Groupe « ${n} » supprimé (absent des fichiers de la rentrée).`)) };
      }
      case 'user.retire': {
        const { retires } = op.payload as { retires: { login: string; reason: string }[] };
        // an account already retired (an interrupted run) counts as done
        const all = new Map((await dir.allUsers()).map((u) => [u.login, u]));
        const todo = retires.filter((r) => all.get(r.login)?.state !== 'deleted');
        const results = await dir.deleteUsers(
          todo.map((r) => r.login),
          { role: 'administrator', login: 'import', name: 'import' },
        );
        progress(retires.length);
        const byLogin = new Map(todo.map((r, i) => [r.login, results[i]]));
        return {
          rows: retires.map((r) => {
            const u = all.get(r.login);
            const res = byLogin.get(r.login);
            if (res && !res.ok) return { login: r.login, name: u?.displayName ?? r.login, classe: u?.classe ?? null, ok: false, message: res.error.message };
            const when = res?.ok ? `, supprimé définitivement le ${res.purgeAfter.slice(0, 10)}` : '';
            return ok(r.login, u?.displayName ?? r.login, u?.classe ?? null, `${r.reason} Compte désactivé${when}.`);
          }),
        };
      }
      case 'class.remove': {
        const { name } = op.payload as { name: string };
        try {
          await dir.deleteClass(name);
        } catch (err) {
          if (!(isAppError(err) && err.code === 'CLASS_NOT_FOUND')) throw err;
        }
        return { rows: [ok(null, '', name, `Classe « ${name} » supprimée (plus aucun élève).`)] };
      }
      default:
        throw new Error(`unknown import operation ${op.type}`);
    }
  }

  /**
   * Creates accounts; a person whose account already exists (this operation was interrupted after
   * the account was made) keeps it, and gets a new initial password if the first one was lost.
   */
  async #create(persons: NewPerson[], retry: boolean, progress: (n: number) => void): Promise<{ rows: ReportRow[] }> {
    const dir = this.#d.directory;
    const results = await dir.createUsers(
      persons.map((p) => ({ givenName: p.givenName, surname: p.surname, profile: p.profile, staffFunction: p.staffFunction, classe: p.classe, nationalId: p.nationalId })),
      { onExisting: 'keep', onProgress: (n) => progress(n) },
    );
    const rows: ReportRow[] = [];
    const existing: string[] = [];
    for (const [i, r] of results.entries()) {
      const p = persons[i] as NewPerson;
      const name = `${p.givenName} ${p.surname}`;
      if (!r.ok) {
        rows.push({ login: null, name, classe: p.classe, ok: false, message: r.message });
        continue;
      }
      this.#store.link(r.user.login, p.ids, p.birthDate);
      if (!r.created) existing.push(r.user.login);
      rows.push({ login: r.user.login, name, classe: p.classe, ok: true, created: true, message: r.created ? 'Compte créé.' : 'Compte créé (reprise).' });
    }
    if (existing.length > 0 && retry) {
      const kept = await dir.keptPasswords(existing);
      for (const login of existing) {
        const u = await dir.getUser(login);
        if (!kept.has(login) && !u.lastLogonAt) await dir.resetPassword(login, {});
      }
    }
    return { rows };
  }

  // ---- reports ------------------------------------------------------------------------------

  #reportRows(id: number): (ReportRow & { op: string })[] {
    const out: (ReportRow & { op: string })[] = [];
    for (const op of this.#store.ops(id)) {
      const rows = (op.result as { rows?: ReportRow[] } | null)?.rows ?? [];
      for (const r of rows) out.push({ ...r, op: op.type });
    }
    return out;
  }

  reportCsv(id: number): string {
    const run = this.#run(id);
    const lines: (string | null)[][] = [];
    for (const r of this.#reportRows(id)) lines.push([PHASE_LABELS[r.op as OpType] ?? r.op, r.login, r.name, r.classe, r.ok ? 'OK' : 'ÉCHEC', r.message]);
    for (const it of run.diff?.items ?? []) {
      const a = it.actions[0] as DiffAction;
      if (a === 'error' || a === 'ignored' || a === 'ambiguous') {
        const what = a === 'error' && !run.skipErrors ? 'ERREUR' : 'NON IMPORTÉ';
        lines.push([DIFF_ACTION_LABELS[a], it.login, it.displayName, it.classe, what, [it.file, it.where, it.reason].filter(Boolean).join(' — ')]);
      }
    }
    return csvFile(['Opération', 'Identifiant', 'Nom', 'Classe', 'Résultat', 'Message'], lines);
  }

  /** The accounts this run created, with their initial passwords while they are kept. */
  async createdAccounts(id: number): Promise<{ login: string; password: string | null; classe: string | null; name: string }[]> {
    this.#run(id);
    const created = this.#reportRows(id).filter((r) => r.created && r.login);
    const kept = await this.#d.directory.keptPasswords(created.map((r) => r.login as string));
    return created.map((r) => ({ login: r.login as string, password: kept.get(r.login as string) ?? null, classe: r.classe, name: r.name }));
  }

  async passwordsCsv(id: number): Promise<string> {
    return accountsCsv(await this.createdAccounts(id));
  }
}

function loginOf(op: OpRow): string | null {
  const p = op.payload as { login?: string };
  return typeof p.login === 'string' ? p.login : null;
}

/** What an apply would do, to compare two analyses. */
function signature(diff: ImportDiff): string {
  return JSON.stringify({
    items: diff.items.filter((i) => i.actions[0] !== 'unchanged').map((i) => [i.key, i.actions, i.login, i.classe, i.changes]),
    classes: diff.classes,
    teams: diff.teams.map((t) => [t.classe, t.teachers.map((m) => m.key)]),
    groups: diff.groups ? [diff.groups.set.map((g) => [g.label, g.members.map((m) => m.key)]), diff.groups.remove] : null,
  });
}
