import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/logger.ts';
import type { EventBus } from '../core/events.ts';
import type { Journal } from '../core/journal.ts';
import type { Service } from '../core/lifecycle.ts';
import type { Db } from '../db/index.ts';
import type { Actor, DirectoryService, Profile, ShareView } from '../directory/index.ts';
import type { SharesService } from '../shares/index.ts';
import { AppError } from '../core/errors.ts';
import { Mutex } from '../core/mutex.ts';
import { assignmentFolderName, safeRelativePath } from './names.ts';
import { collect, handOut, returnWork, scanSource, type Person, type SourceManifest } from './engine.ts';

export type TargetKind = 'classe' | 'groupe' | 'eleve';
export interface Target {
  kind: TargetKind;
  name: string;
}

export interface NewHomework {
  title: string;
  /** A file or folder of the teacher's home, relative to it (`Documents/TP 3`). */
  source: string;
  targets: Target[];
  mode: 'lecture' | 'copie';
  dueAt?: string | null;
  /** The teacher whose home holds the source and receives the collection (administrators only; a teacher is always themself). */
  teacher?: string;
}

export interface HomeworkPupil {
  login: string;
  displayName: string | null;
  group: string;
  handout: { state: string; error: string | null };
  collect: { state: string | null; files: number | null; bytes: number | null; lastModified: string | null; late: boolean; error: string | null };
  returned: string | null;
}

export interface HomeworkSummary {
  id: number;
  title: string;
  folder: string;
  teacher: string;
  mode: 'lecture' | 'copie';
  source: string;
  dueAt: string | null;
  targets: Target[];
  createdAt: string;
  handedOutAt: string | null;
  collectedAt: string | null;
  returnedAt: string | null;
  counts: { pupils: number; handedOut: number; failed: number; collected: number; late: number; returned: number };
  /** One line for the list: « distribué à 28 », « ramassé 25/28 », « rendu ». */
  state: string;
  files: number;
  bytes: number;
}

export interface HomeworkDetail extends HomeworkSummary {
  pupils: HomeworkPupil[];
}

interface Row {
  id: number;
  title: string;
  folder: string;
  teacher: string;
  mode: 'lecture' | 'copie';
  source: string;
  due_at: string | null;
  manifest: string;
  targets: string;
  created_at: string;
  handed_out_at: string | null;
  collected_at: string | null;
  returned_at: string | null;
}

interface PupilRow {
  login: string;
  group_label: string;
  handout_state: string;
  handout_error: string | null;
  collect_state: string | null;
  collect_files: number | null;
  collect_bytes: number | null;
  last_modified: string | null;
  late: number;
  collect_error: string | null;
  return_state: string | null;
}

export interface HomeworkDeps {
  log: Logger;
  db: Db;
  bus: EventBus;
  journal: Journal;
  directory: DirectoryService;
  shares: SharesService;
}

/**
 * Homework hand-out, collection and return between a teacher's home and their pupils' homes:
 * `Devoirs/<devoir>` for the pupils, `Ramassage/<devoir>/<classe>/<élève>` for the teacher. Every
 * action can be repeated; pupils who left, have no home or handed nothing in are reported, not errors.
 */
export class HomeworkService implements Service {
  readonly name = 'homework';
  readonly #d: HomeworkDeps;
  readonly #lock = new Mutex();

  constructor(deps: HomeworkDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    await this.#lock.run(async () => {});
  }

  #enabled(): void {
    if (!this.#d.shares.enabled) throw new AppError('SHARES_DISABLED', 'Les partages ne sont pas gérés par Trousse sur ce serveur : les devoirs ne sont pas disponibles.', 409);
  }

  /** The teacher an action runs as: a teacher is always themself; an administrator names one. */
  #teacherOf(actor: Actor, view: ShareView, requested?: string): ShareView['users'][number] {
    const login = actor.role === 'teacher' ? actor.login : requested;
    if (!login) throw new AppError('TEACHER_REQUIRED', 'Indiquez l’enseignant dont le dossier personnel contient les documents.', 400);
    const u = view.users.find((x) => x.login.toLowerCase() === login.toLowerCase());
    if (!u) throw new AppError('USER_NOT_FOUND', `Aucun compte « ${login} ».`, 404);
    if (u.profile === 'eleve') throw new AppError('NOT_A_TEACHER', `${u.login} est un élève : seul un enseignant ou un personnel distribue des devoirs.`, 400);
    return u;
  }

  /** The account of the teacher who made a homework (their home holds its source and its collection). */
  #owner(r: Row, view: ShareView): ShareView['users'][number] {
    return this.#teacherOf({ role: 'teacher', login: r.teacher, name: r.teacher }, view);
  }

  #person(u: { login: string; uidNumber: number }): Person {
    const home = this.#d.shares.homeOf(u.login);
    if (!home) throw new AppError('INVALID_LOGIN', `Identifiant invalide : ${u.login}`, 400);
    return { login: u.login, uid: u.uidNumber, home };
  }

  /** Pupils of the targets, each with the class or group label they were reached through (first one wins). */
  #recipients(targets: Target[], view: ShareView, teacher: string, actor: Actor): { login: string; group: string }[] {
    const out = new Map<string, string>();
    const users = new Map(view.users.map((u) => [u.login.toLowerCase(), u]));
    const mine = new Set(view.classes.filter((c) => c.teachers.some((l) => l.toLowerCase() === teacher.toLowerCase())).map((c) => c.name));
    const restricted = actor.role === 'teacher';
    for (const t of targets) {
      if (t.kind === 'classe') {
        const c = view.classes.find((x) => x.name.toLowerCase() === t.name.toLowerCase());
        if (!c) throw new AppError('CLASS_NOT_FOUND', `Classe inconnue : « ${t.name} ».`, 404);
        if (restricted && !mine.has(c.name)) throw new AppError('FORBIDDEN', `La classe ${c.name} n’est pas l’une des vôtres.`, 403);
        for (const l of c.pupils) if (!out.has(l)) out.set(l, c.name);
      } else if (t.kind === 'groupe') {
        const g = view.groups.find((x) => x.name.toLowerCase() === t.name.toLowerCase() || x.label.toLowerCase() === t.name.toLowerCase());
        if (!g) throw new AppError('GROUP_NOT_FOUND', `Groupe inconnu : « ${t.name} ».`, 404);
        if (restricted && !g.members.some((l) => l.toLowerCase() === teacher.toLowerCase())) {
          throw new AppError('FORBIDDEN', `Vous n’êtes pas membre du groupe ${g.label} : demandez à l’administrateur de vous y ajouter.`, 403);
        }
        for (const l of g.members) if (users.get(l.toLowerCase())?.profile === 'eleve' && !out.has(l)) out.set(l, g.label);
      } else {
        const u = users.get(t.name.toLowerCase());
        if (u?.profile !== 'eleve') throw new AppError('USER_NOT_FOUND', `Aucun élève « ${t.name} ».`, 404);
        if (restricted && !(u.classe && mine.has(u.classe))) throw new AppError('FORBIDDEN', `${u.login} n’est dans aucune de vos classes.`, 403);
        if (!out.has(u.login)) out.set(u.login, u.classe ?? 'Élèves');
      }
    }
    return [...out.entries()].map(([login, group]) => ({ login, group }));
  }

  #row(id: number, actor: Actor): Row {
    const r = this.#d.db.prepare('SELECT * FROM homework WHERE id = ?').get(id) as Row | undefined;
    if (!r || (actor.role === 'teacher' && r.teacher.toLowerCase() !== actor.login.toLowerCase())) {
      throw new AppError('HOMEWORK_NOT_FOUND', `Devoir n° ${id} introuvable.`, 404);
    }
    return r;
  }

  /** Hands out a new assignment. */
  async create(input: NewHomework, actor: Actor): Promise<HomeworkDetail> {
    this.#enabled();
    const folder = assignmentFolderName(input.title);
    if (!folder.ok) throw new AppError('INVALID_TITLE', folder.message, 400);
    const rel = safeRelativePath(input.source);
    if (!rel.ok) throw new AppError('INVALID_SOURCE', rel.message, 400);
    const dueAt = checkDate(input.dueAt ?? null);
    if (!Array.isArray(input.targets) || input.targets.length === 0) throw new AppError('NO_TARGET', 'Choisissez au moins une classe, un groupe ou un élève.', 400);
    return this.#lock.run(async () => {
      const view = await this.#d.directory.shareView();
      const teacher = this.#teacherOf(actor, view, input.teacher);
      const recipients = this.#recipients(input.targets, view, teacher.login, actor);
      if (recipients.length === 0) throw new AppError('NO_PUPIL', 'Ces classes ou groupes n’ont aucun élève : rien à distribuer.', 400);
      const exists = this.#d.db.prepare('SELECT id FROM homework WHERE teacher = ? AND folder = ?').get(teacher.login, folder.name) as { id: number } | undefined;
      if (exists) {
        throw new AppError('HOMEWORK_EXISTS', `Vous avez déjà un devoir « ${folder.name} » (n° ${exists.id}) : redistribuez-le depuis sa page, ou choisissez un autre titre.`, 409);
      }
      const manifest = await scanSource(this.#person(teacher).home, rel.parts.join('/'));
      const now = new Date().toISOString();
      const id = Number(
        this.#d.db
          .prepare(
            'INSERT INTO homework (title, folder, teacher, mode, source, due_at, manifest, targets, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(input.title.trim(), folder.name, teacher.login, input.mode, rel.parts.join('/'), dueAt, JSON.stringify(manifest), JSON.stringify(input.targets), now).lastInsertRowid,
      );
      await this.#handOut(id, manifest, recipients, view);
      this.#d.journal.record('info', 'homework', 'homework.handed-out', `Devoir « ${folder.name} » distribué par ${teacher.login} à ${recipients.length} élève(s).`);
      return this.get(id, actor);
    });
  }

  async #handOut(id: number, manifest: SourceManifest, recipients: { login: string; group: string }[], view: ShareView): Promise<void> {
    const r = this.#d.db.prepare('SELECT * FROM homework WHERE id = ?').get(id) as Row;
    const users = new Map(view.users.map((u) => [u.login.toLowerCase(), u]));
    const pupils: Person[] = [];
    const profiles = new Map<string, Profile>();
    const ins = this.#d.db.prepare(
      'INSERT INTO homework_pupils (homework_id, login, group_label) VALUES (?, ?, ?) ON CONFLICT (homework_id, login) DO NOTHING',
    );
    for (const p of recipients) {
      ins.run(id, p.login, p.group);
      const u = users.get(p.login.toLowerCase());
      if (u) {
        pupils.push(this.#person(u));
        profiles.set(u.login, u.profile);
      }
    }
    const results = await handOut({
      manifest,
      folder: r.folder,
      pupils,
      mode: r.mode,
      room: (login, bytes) => this.#d.shares.room(login, profiles.get(login) ?? 'eleve', bytes),
      onProgress: (done, total) => this.#d.bus.emit('homework.progress', { id, action: 'handout', done, total }),
    });
    const upd = this.#d.db.prepare('UPDATE homework_pupils SET handout_state = ?, handout_error = ? WHERE homework_id = ? AND login = ?');
    this.#d.db.transaction(() => {
      for (const res of results) {
        upd.run(res.ok ? 'ok' : 'error', res.error ?? null, id, res.login);
        if (res.ok && res.bytes > 0) this.#d.shares.addUsage(res.login, res.bytes);
      }
      for (const p of recipients) if (!users.has(p.login.toLowerCase())) upd.run('error', 'Le compte n’existe plus.', id, p.login);
      this.#d.db.prepare('UPDATE homework SET handed_out_at = ?, manifest = ? WHERE id = ?').run(new Date().toISOString(), JSON.stringify(manifest), id);
    })();
  }

  /** Hands out again: the source as it is now, to the pupils already reached and to newcomers of the classes and groups. */
  async handOutAgain(id: number, actor: Actor): Promise<HomeworkDetail> {
    this.#enabled();
    return this.#lock.run(async () => {
      const r = this.#row(id, actor);
      const view = await this.#d.directory.shareView();
      const teacher = this.#owner(r, view);
      const targets = JSON.parse(r.targets) as Target[];
      let recipients: { login: string; group: string }[] = [];
      try {
        // the targets were checked against the teacher's classes when the homework was made
        recipients = this.#recipients(targets, view, teacher.login, { role: 'administrator', login: r.teacher, name: r.teacher });
      } catch {
        // a class or group that no longer exists: the pupils already reached still count
      }
      const known = this.#pupils(id).map((p) => ({ login: p.login, group: p.group_label }));
      const all = new Map(known.map((p) => [p.login, p]));
      for (const p of recipients) if (!all.has(p.login)) all.set(p.login, p);
      const manifest = await scanSource(this.#person(teacher).home, r.source);
      await this.#handOut(id, manifest, [...all.values()], view);
      return this.get(id, actor);
    });
  }

  /** The recorded pupils by the class or group they were reached through, with those whose account is gone. */
  #byGroup(rows: PupilRow[], view: ShareView): { group: string; pupils: Person[]; gone: string[] }[] {
    const users = new Map(view.users.map((u) => [u.login.toLowerCase(), u]));
    const groups = new Map<string, { group: string; pupils: Person[]; gone: string[] }>();
    for (const p of rows) {
      const g = groups.get(p.group_label) ?? { group: p.group_label, pupils: [], gone: [] };
      groups.set(p.group_label, g);
      const u = users.get(p.login.toLowerCase());
      if (u) g.pupils.push(this.#person(u));
      else g.gone.push(p.login);
    }
    return [...groups.values()];
  }

  #pupils(id: number): PupilRow[] {
    return this.#d.db.prepare('SELECT * FROM homework_pupils WHERE homework_id = ? ORDER BY group_label, login').all(id) as PupilRow[];
  }

  /** Collects the pupils' work into the teacher's Ramassage folder. */
  async collect(id: number, actor: Actor): Promise<HomeworkDetail> {
    this.#enabled();
    return this.#lock.run(async () => {
      const r = this.#row(id, actor);
      const view = await this.#d.directory.shareView();
      const teacher = this.#owner(r, view);
      const rows = this.#pupils(id);
      const upd = this.#d.db.prepare(
        'UPDATE homework_pupils SET collect_state = ?, collect_files = ?, collect_bytes = ?, last_modified = ?, late = ?, collect_error = ? WHERE homework_id = ? AND login = ?',
      );
      let done = 0;
      for (const { group, pupils, gone } of this.#byGroup(rows, view)) {
        const results = await collect({
          manifest: JSON.parse(r.manifest) as SourceManifest,
          folder: r.folder,
          groupLabel: group,
          teacher: this.#person(teacher),
          pupils,
          dueAt: r.due_at,
          onProgress: () => this.#d.bus.emit('homework.progress', { id, action: 'collect', done: ++done, total: rows.length }),
        });
        this.#d.db.transaction(() => {
          for (const res of results) upd.run(res.state, res.files, res.bytes, res.lastModified, res.late ? 1 : 0, res.error ?? null, id, res.login);
          for (const login of gone) upd.run('missing', 0, 0, null, 0, 'Le compte n’existe plus.', id, login);
        })();
      }
      this.#d.db.prepare('UPDATE homework SET collected_at = ? WHERE id = ?').run(new Date().toISOString(), id);
      const d = await this.get(id, actor);
      this.#d.journal.record('info', 'homework', 'homework.collected', `Devoir « ${r.folder} » ramassé : ${d.counts.collected}/${d.counts.pupils} copie(s), ${d.counts.late} en retard.`);
      return d;
    });
  }

  /** Returns the corrected work (Ramassage/<devoir>/<classe>/<élève>) into each pupil's Devoirs/<devoir>/Corrigé. */
  async giveBack(id: number, actor: Actor): Promise<HomeworkDetail> {
    this.#enabled();
    return this.#lock.run(async () => {
      const r = this.#row(id, actor);
      const view = await this.#d.directory.shareView();
      const teacher = this.#owner(r, view);
      const rows = this.#pupils(id);
      const upd = this.#d.db.prepare('UPDATE homework_pupils SET return_state = ? WHERE homework_id = ? AND login = ?');
      let done = 0;
      for (const { group, pupils, gone } of this.#byGroup(rows, view)) {
        const results = await returnWork({
          folder: r.folder,
          groupLabel: group,
          teacher: this.#person(teacher),
          pupils,
          onProgress: () => this.#d.bus.emit('homework.progress', { id, action: 'return', done: ++done, total: rows.length }),
        });
        this.#d.db.transaction(() => {
          for (const res of results) upd.run(res.state, id, res.login);
          for (const login of gone) upd.run('missing', id, login);
        })();
      }
      this.#d.db.prepare('UPDATE homework SET returned_at = ? WHERE id = ?').run(new Date().toISOString(), id);
      const d = await this.get(id, actor);
      this.#d.journal.record('info', 'homework', 'homework.returned', `Devoir « ${r.folder} » rendu corrigé à ${d.counts.returned} élève(s).`);
      return d;
    });
  }

  list(actor: Actor): HomeworkSummary[] {
    const rows = (
      actor.role === 'teacher'
        ? this.#d.db.prepare('SELECT * FROM homework WHERE teacher = ? COLLATE NOCASE ORDER BY id DESC').all(actor.login)
        : this.#d.db.prepare('SELECT * FROM homework ORDER BY id DESC').all()
    ) as Row[];
    return rows.map((r) => this.#summary(r, this.#pupils(r.id)));
  }

  async get(id: number, actor: Actor): Promise<HomeworkDetail> {
    const r = this.#row(id, actor);
    const rows = this.#pupils(id);
    const names = new Map((await this.#d.directory.shareView()).users.map((u) => [u.login.toLowerCase(), u.displayName]));
    return {
      ...this.#summary(r, rows),
      pupils: rows.map((p) => ({
        login: p.login,
        displayName: names.get(p.login.toLowerCase()) ?? null,
        group: p.group_label,
        handout: { state: p.handout_state, error: p.handout_error },
        collect: {
          state: p.collect_state,
          files: p.collect_files,
          bytes: p.collect_bytes,
          lastModified: p.last_modified,
          late: p.late === 1,
          error: p.collect_error,
        },
        returned: p.return_state,
      })),
    };
  }

  #summary(r: Row, rows: PupilRow[]): HomeworkSummary {
    const manifest = JSON.parse(r.manifest) as SourceManifest;
    const counts = {
      pupils: rows.length,
      handedOut: rows.filter((p) => p.handout_state === 'ok').length,
      failed: rows.filter((p) => p.handout_state === 'error').length,
      collected: rows.filter((p) => p.collect_state === 'collected').length,
      late: rows.filter((p) => p.late === 1).length,
      returned: rows.filter((p) => p.return_state === 'returned').length,
    };
    const state = r.returned_at
      ? `rendu à ${counts.returned}`
      : r.collected_at
        ? `ramassé ${counts.collected}/${counts.pupils}${counts.late > 0 ? ` (${counts.late} en retard)` : ''}`
        : `distribué à ${counts.handedOut}/${counts.pupils}`;
    return {
      id: r.id,
      title: r.title,
      folder: r.folder,
      teacher: r.teacher,
      mode: r.mode,
      source: r.source,
      dueAt: r.due_at,
      targets: JSON.parse(r.targets) as Target[],
      createdAt: r.created_at,
      handedOutAt: r.handed_out_at,
      collectedAt: r.collected_at,
      returnedAt: r.returned_at,
      counts,
      state,
      files: manifest.files.length,
      bytes: manifest.bytes,
    };
  }

  /** What an actor may hand out to: a teacher's classes (their team) and the groups they belong to; everything for an administrator. */
  async targets(actor: Actor): Promise<{ classes: { name: string; pupils: number }[]; groups: { name: string; label: string; pupils: number }[] }> {
    const view = await this.#d.directory.shareView();
    const me = actor.login.toLowerCase();
    const pupils = new Set(view.users.filter((u) => u.profile === 'eleve').map((u) => u.login.toLowerCase()));
    const teacher = actor.role === 'teacher';
    return {
      classes: view.classes.filter((c) => !teacher || c.teachers.some((l) => l.toLowerCase() === me)).map((c) => ({ name: c.name, pupils: c.pupils.length })),
      groups: view.groups
        .filter((g) => !teacher || g.members.some((l) => l.toLowerCase() === me))
        .map((g) => ({ name: g.name, label: g.label, pupils: g.members.filter((l) => pupils.has(l.toLowerCase())).length }))
        .filter((g) => g.pupils > 0),
    };
  }

  /** Forgets an assignment (the files stay in the homes: Devoirs and Ramassage belong to their owners). */
  forget(id: number, actor: Actor): void {
    const r = this.#row(id, actor);
    this.#d.db.prepare('DELETE FROM homework WHERE id = ?').run(r.id);
  }

  /** The folders and files of a teacher's home, to pick what to hand out (no link is followed). */
  async browse(actor: Actor, path: string, teacherLogin?: string): Promise<{ path: string; entries: { name: string; dir: boolean; size: number }[] }> {
    this.#enabled();
    const rel = safeRelativePath(path);
    if (!rel.ok) throw new AppError('INVALID_PATH', rel.message, 400);
    const view = await this.#d.directory.shareView();
    const teacher = this.#teacherOf(actor, view, teacherLogin);
    const home = this.#person(teacher).home;
    let dir = home;
    for (const part of rel.parts) {
      dir = join(dir, part);
      const st = lstatSync(dir, { throwIfNoEntry: false });
      if (!st?.isDirectory()) throw new AppError('PATH_NOT_FOUND', `Le dossier « ${rel.parts.join('/')} » n’existe pas dans votre dossier personnel.`, 404);
    }
    const entries: { name: string; dir: boolean; size: number }[] = [];
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
      if (!st || (!st.isDirectory() && !st.isFile())) continue;
      entries.push({ name, dir: st.isDirectory(), size: st.isFile() ? st.size : 0 });
    }
    entries.sort((a, b) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name, 'fr'));
    return { path: rel.parts.join('/'), entries };
  }
}

function checkDate(v: string | null): string | null {
  if (v === null || v === '') return null;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new AppError('INVALID_DATE', `Date limite illisible : « ${v} » (format attendu : 2026-12-01T18:00).`, 400);
  return d.toISOString();
}
