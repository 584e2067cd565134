import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t, { type Test } from 'tap';
import {
  collect,
  HomeworkError,
  handOut,
  type Person,
  returnWork,
  type SourceManifest,
  scanSource,
  treeSize,
} from '../../daemon/src/homework/engine.ts';
import { assignmentFolderName, checkEntryName, safeRelativePath } from '../../daemon/src/homework/names.ts';

const base = await mkdtemp(join(tmpdir(), 'trousse-homework-'));
const ETC_PROBE = `trousse-test-${process.pid}`;
t.teardown(async () => {
  await rm(base, { recursive: true, force: true });
  await rm(join('/etc', ETC_PROBE), { recursive: true, force: true });
});

let nextUid = 4242001;
let counter = 0;

/** A person with a home folder of their own (owned by them, 0700) unless `home` is false. */
async function person(login: string, home = true): Promise<Person> {
  const uid = nextUid++;
  const path = join(base, 'homes', `${login}-${++counter}`);
  if (home) {
    await mkdir(path, { recursive: true });
    await chown(path, uid, uid);
    await chmod(path, 0o700);
  }
  return { login, uid, home: path };
}

async function put(root: string, rel: string, content: string | Buffer, mtime?: Date): Promise<string> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  if (mtime) await utimes(path, mtime, mtime);
  return path;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

const mode = async (path: string) => (await lstat(path)).mode & 0o777;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const OLD = new Date('2026-01-05T10:00:00Z');
const CORRIGE_NAME = 'Corrigé';

/** A teacher with a source folder `Documents/<dir>` holding `files`; returns its manifest. */
async function teacherWithSource(files: Record<string, string>, dir = 'Cours/TP 1'): Promise<{ teacher: Person; manifest: SourceManifest }> {
  const teacher = await person('prof');
  for (const [rel, content] of Object.entries(files)) await put(join(teacher.home, 'Documents', dir), rel, content, OLD);
  const manifest = await scanSource(teacher.home, `Documents/${dir}`);
  return { teacher, manifest };
}

async function rejectsCode(t: Test, p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  try {
    await p;
    t.fail(`expected ${code}`);
  } catch (err) {
    t.ok(err instanceof HomeworkError, 'a HomeworkError');
    t.equal((err as HomeworkError).code, code);
    if (message) t.match((err as Error).message, message);
  }
}

// ---- names ---------------------------------------------------------------------------------------

t.test('checkEntryName', async (t) => {
  for (const ok of ['TP 1', 'Devoir n°3 — Énergie', 'rapport.final.odt', 'a'.repeat(255), 'é'.repeat(127), 'CONSOLE', 'com10', '.cache']) {
    t.equal(checkEntryName(ok), null, `accepts ${ok.slice(0, 20)}`);
  }
  const refused: [string, RegExp][] = [
    ['', /vide/],
    ['   ', /vide/],
    ['.', /pas permis/],
    ['..', /pas permis/],
    ['../x', /« \/ »/],
    ['a/b', /« \/ »/],
    ['a\\b', /« \\ »/],
    ['C:', /« : »/],
    ['*', /« \* »/],
    ['quoi?', /« \? »/],
    ['"cité"', /« " »/],
    ['<a>', /« < »/],
    ['a|b', /« \| »/],
    ['tab\there', /invisible/],
    ['nul\u0000', /invisible/],
    ['del\u007f', /invisible/],
    ['CON', /^Le nom « CON » est réservé par Windows : choisissez-en un autre\.$/],
    ['con', /réservé par Windows/],
    ['nul.txt', /réservé par Windows/],
    ['Con.tar.gz', /réservé par Windows/],
    ['COM1', /réservé/],
    ['lpt9.doc', /réservé/],
    ['AUX', /réservé/],
    ['PRN', /réservé/],
    ['fin.', /point ou une espace/],
    ['fin ', /point ou une espace/],
    ['a'.repeat(256), /trop long \(256 octets/],
    ['é'.repeat(128), /trop long \(256 octets/],
  ];
  for (const [name, message] of refused) {
    const m = checkEntryName(name);
    t.ok(m, `refuses ${JSON.stringify(name.slice(0, 20))}`);
    t.match(m ?? '', message);
  }
});

t.test('assignmentFolderName', async (t) => {
  t.same(assignmentFolderName('  TP   n°1 \t  Énergie  '), { ok: true, name: 'TP n°1 Énergie' });
  const nfd = 'E\u0301nergie';
  const r = assignmentFolderName(nfd);
  t.ok(r.ok && r.name === '\u00c9nergie', 'NFC-normalised');
  const bad = assignmentFolderName('Devoir 1/2');
  t.equal(bad.ok, false, 'a slash is refused, not rewritten');
  t.match(!bad.ok ? bad.message : '', /« \/ »/);
  t.equal(assignmentFolderName('   ').ok, false);
  t.equal(assignmentFolderName('Aux').ok, false);
  t.equal(assignmentFolderName('Devoir.').ok, false);
});

t.test('safeRelativePath', async (t) => {
  t.same(safeRelativePath(''), { ok: true, parts: [] });
  t.same(safeRelativePath('Documents/Cours/TP 1'), { ok: true, parts: ['Documents', 'Cours', 'TP 1'] });
  t.same(safeRelativePath('Documents\\Cours\\TP 1\\'), { ok: true, parts: ['Documents', 'Cours', 'TP 1'] });
  t.same(safeRelativePath('Documents/'), { ok: true, parts: ['Documents'] });
  const refused: [string, RegExp][] = [
    ['/etc/passwd', /absolu/],
    ['\\\\serveur\\partage', /absolu/],
    ['C:\\Users', /absolu/],
    ['../x', /remonte/],
    ['Documents/../../etc', /remonte/],
    ['a//b', /deux séparateurs/],
    ['a/./b', /pas permis/],
    ['a/nul.txt', /réservé/],
    ['a/b*', /« \* »/],
    [Array.from({ length: 33 }, () => 'd').join('/'), /33 niveaux/],
    [Array.from({ length: 10 }, () => 'x'.repeat(110)).join('/'), /trop long/],
  ];
  for (const [rel, message] of refused) {
    const r = safeRelativePath(rel);
    t.equal(r.ok, false, `refuses ${rel.slice(0, 30)}`);
    t.match(!r.ok ? r.message : '', message);
  }
  t.equal(safeRelativePath(Array.from({ length: 32 }, () => 'd').join('/')).ok, true, '32 levels are fine');
});

// ---- scanSource --------------------------------------------------------------------------------------

t.test('scanSource lists files with hashes, skips symlinks, special files and junk', async (t) => {
  const teacher = await person('prof');
  const src = join(teacher.home, 'Documents', 'TP');
  await put(src, 'consigne.txt', 'Lisez le texte.', OLD);
  await put(src, 'images/figure 1.png', 'PNG…');
  await put(src, 'vide.txt', '');
  await put(src, 'Thumbs.db', 'junk');
  await put(src, '~$consigne.docx', 'lock');
  await symlink('/etc/passwd', join(src, 'mots-de-passe'));
  await symlink(join(teacher.home, 'Documents'), join(src, 'boucle'));
  execFileSync('mkfifo', [join(src, 'tube')]);
  const m = await scanSource(teacher.home, 'Documents/TP');
  t.equal(m.isDirectory, true);
  t.equal(m.root, src);
  t.same(
    m.files.map((f) => f.rel),
    ['consigne.txt', 'images/figure 1.png', 'vide.txt'],
  );
  t.equal(m.files[0]?.sha256, sha('Lisez le texte.'));
  t.equal(m.files[0]?.size, Buffer.byteLength('Lisez le texte.'));
  t.equal(m.files[0]?.mtimeMs, OLD.getTime());
  t.equal(m.files[2]?.sha256, sha(''));
  t.equal(m.bytes, Buffer.byteLength('Lisez le texte.') + Buffer.byteLength('PNG…'));
  t.same(
    m.skipped.map((s) => s.rel),
    ['boucle', 'mots-de-passe', 'tube'],
  );
  t.match(m.skipped[0]?.reason, /lien symbolique/);
  t.match(m.skipped[2]?.reason, /spécial/);

  const single = await scanSource(teacher.home, 'Documents\\TP\\consigne.txt');
  t.equal(single.isDirectory, false);
  t.same(
    single.files.map((f) => f.rel),
    ['consigne.txt'],
  );
});

t.test('scanSource refusals', async (t) => {
  const teacher = await person('prof');
  const outside = join(base, 'ailleurs');
  await put(outside, 'secret.txt', 'secret');
  await symlink(outside, join(teacher.home, 'raccourci'));
  await mkdir(join(teacher.home, 'Documents', 'Vide', 'Sous-dossier'), { recursive: true });
  await symlink('/etc/hostname', join(teacher.home, 'Documents', 'Vide', 'lien'));
  await put(join(teacher.home, 'Documents', 'Gros'), 'a.txt', '12345');
  await put(join(teacher.home, 'Documents', 'Gros'), 'b.txt', '12345');
  await put(join(teacher.home, 'Documents', 'Gros'), 'c.txt', '12345');

  await rejectsCode(t, scanSource(teacher.home, 'raccourci'), 'SOURCE_OUTSIDE', /en dehors de votre dossier personnel/);
  await rejectsCode(t, scanSource(teacher.home, 'raccourci/secret.txt'), 'SOURCE_OUTSIDE');
  await rejectsCode(t, scanSource(teacher.home, 'Documents/Vide'), 'SOURCE_EMPTY', /^Le dossier « Documents\/Vide » ne contient aucun fichier : rien à distribuer\.$/);
  await rejectsCode(t, scanSource(teacher.home, 'Documents/Gros', { maxFiles: 2 }), 'SOURCE_TOO_BIG', /plus de 2 fichiers/);
  await rejectsCode(t, scanSource(teacher.home, 'Documents/Gros', { maxBytes: 12 }), 'SOURCE_TOO_BIG', /pèse plus de 12 octets/);
  t.equal((await scanSource(teacher.home, 'Documents/Gros', { maxFiles: 3, maxBytes: 15 })).files.length, 3, 'at the limits: fine');
  await rejectsCode(t, scanSource(teacher.home, 'Documents/Absent'), 'SOURCE_NOT_FOUND', /introuvable/);
  await rejectsCode(t, scanSource(teacher.home, '../x'), 'SOURCE_INVALID', /remonte/);
  await rejectsCode(t, scanSource(teacher.home, '/etc'), 'SOURCE_INVALID', /absolu/);
  await rejectsCode(t, scanSource(teacher.home, ''), 'SOURCE_INVALID');
});

// ---- handOut -------------------------------------------------------------------------------------------

t.test('handOut, mode lecture: read-only files in a folder of the pupil', async (t) => {
  const { manifest } = await teacherWithSource({ 'consigne.txt': 'Consigne', 'annexes/doc.txt': 'Annexe' });
  const a = await person('alice');
  const b = await person('bruno');
  const progress: [number, number][] = [];
  const res = await handOut({ manifest, folder: 'TP 1', pupils: [a, b], mode: 'lecture', onProgress: (d, n) => progress.push([d, n]) });
  t.same(progress, [
    [1, 2],
    [2, 2],
  ]);
  t.same(res[0], { login: 'alice', ok: true, written: 2, kept: 0, unchanged: 0, bytes: 14 });
  t.equal(res[1]?.ok, true);
  const devoirs = join(a.home, 'Devoirs');
  const folder = join(devoirs, 'TP 1');
  t.equal((await stat(devoirs)).uid, a.uid);
  t.equal(await mode(devoirs), 0o700);
  t.equal((await stat(folder)).uid, a.uid, 'the assignment folder belongs to the pupil');
  t.equal((await stat(folder)).gid, a.uid, 'with the group of their home');
  t.equal(await mode(folder), 0o700);
  const file = await stat(join(folder, 'consigne.txt'));
  t.equal(file.uid, 0);
  t.equal(file.gid, 0);
  t.equal(file.mode & 0o777, 0o644);
  t.equal(file.mtimeMs, OLD.getTime(), 'keeps its mtime');
  t.equal(await readFile(join(folder, 'consigne.txt'), 'utf8'), 'Consigne');
  const sub = await stat(join(folder, 'annexes'));
  t.equal(sub.uid, 0);
  t.equal(sub.mode & 0o777, 0o755);
  t.equal((await stat(join(folder, 'annexes', 'doc.txt'))).uid, 0);
  t.equal(await readFile(join(b.home, 'Devoirs', 'TP 1', 'annexes', 'doc.txt'), 'utf8'), 'Annexe');
  t.same(
    (await readdir(folder)).sort(),
    ['annexes', 'consigne.txt'],
    'no temporary file left',
  );
});

t.test('handOut, mode copie: a writable copy owned by the pupil; idempotent, keeps the pupil’s edits', async (t) => {
  const { manifest } = await teacherWithSource({ 'a.txt': 'AAA', 'b.txt': 'BBB', 'sous/c.txt': 'CCC' });
  const p = await person('chloe');
  await handOut({ manifest, folder: 'TP', pupils: [p], mode: 'copie' });
  const folder = join(p.home, 'Devoirs', 'TP');
  for (const rel of ['a.txt', 'b.txt', 'sous/c.txt']) {
    const st = await stat(join(folder, rel));
    t.equal(st.uid, p.uid, `${rel} owned by the pupil`);
    t.equal(st.gid, p.uid);
    t.equal(st.mode & 0o777, 0o600);
  }
  t.equal((await stat(join(folder, 'sous'))).uid, p.uid);
  t.equal(await mode(join(folder, 'sous')), 0o700);

  // The pupil edits a.txt (same size, different content), deletes b.txt.
  await writeFile(join(folder, 'a.txt'), 'ZZZ');
  await rm(join(folder, 'b.txt'));
  const cBefore = await stat(join(folder, 'sous', 'c.txt'));
  const rooms: number[] = [];
  const [again] = await handOut({
    manifest,
    folder: 'TP',
    pupils: [p],
    mode: 'copie',
    room: (_login, bytes) => {
      rooms.push(bytes);
      return null;
    },
  });
  t.same(rooms, [3], 'room() is asked only for what will be written');
  t.same(again, { login: 'chloe', ok: true, written: 1, kept: 1, unchanged: 1, bytes: 3 });
  t.equal(await readFile(join(folder, 'a.txt'), 'utf8'), 'ZZZ', 'the pupil’s edit is kept');
  t.equal(await readFile(join(folder, 'b.txt'), 'utf8'), 'BBB', 'a deleted file comes back');
  const cAfter = await stat(join(folder, 'sous', 'c.txt'));
  t.equal(cAfter.ino, cBefore.ino, 'an unchanged file is not rewritten');
  t.equal(cAfter.ctimeMs, cBefore.ctimeMs);
});

t.test('handOut: pupil without home, Devoirs or folder that is not a folder, room() refusal', async (t) => {
  const { manifest } = await teacherWithSource({ 'consigne.txt': 'Consigne' });
  const ok = await person('ok');
  const homeless = await person('sansdomicile', false);
  const evil = await person('malin');
  await symlink('/etc', join(evil.home, 'Devoirs'));
  const evil2 = await person('malin2');
  await mkdir(join(evil2.home, 'Devoirs'));
  await symlink(join(base, 'ailleurs2'), join(evil2.home, 'Devoirs', ETC_PROBE));
  await mkdir(join(base, 'ailleurs2'));
  const evil3 = await person('malin3');
  await put(join(evil3.home, 'Devoirs'), ETC_PROBE, 'un fichier');
  const full = await person('plein');
  const res = await handOut({
    manifest,
    folder: ETC_PROBE,
    pupils: [homeless, ok, evil, evil2, evil3, full],
    mode: 'lecture',
    room: (login, bytes) => (login === 'plein' ? `Le quota de plein est atteint (${bytes} octets de plus).` : null),
  });
  const by = new Map(res.map((r) => [r.login, r]));
  t.equal(by.get('sansdomicile')?.ok, false);
  t.equal(by.get('sansdomicile')?.error, 'Le dossier personnel de sansdomicile n’existe pas encore.');
  t.equal(await exists(homeless.home), false, 'a home is never created');
  t.equal(by.get('ok')?.ok, true, 'the others go on');
  t.equal(by.get('ok')?.written, 1);

  t.equal(by.get('malin')?.ok, false);
  t.match(by.get('malin')?.error, /« Devoirs » est un lien symbolique/);
  t.equal(await exists(join('/etc', ETC_PROBE)), false, 'nothing written in /etc');
  t.equal(by.get('malin2')?.ok, false);
  t.match(by.get('malin2')?.error, /lien symbolique/);
  t.same(await readdir(join(base, 'ailleurs2')), [], 'nothing written through the link');
  t.equal(by.get('malin3')?.ok, false);
  t.match(by.get('malin3')?.error, /est un fichier/);
  t.equal(await readFile(join(evil3.home, 'Devoirs', ETC_PROBE), 'utf8'), 'un fichier');

  t.equal(by.get('plein')?.ok, false);
  t.equal(by.get('plein')?.error, 'Le quota de plein est atteint (8 octets de plus).');
  t.equal(await exists(join(full.home, 'Devoirs')), false, 'nothing written for a refused pupil');
});

t.test('handOut into an existing folder: through the pupil’s links, nothing is written outside', async (t) => {
  const { manifest } = await teacherWithSource({ 'consigne.txt': 'Consigne', 'annexes/doc.txt': 'Annexe', 'autre.txt': 'Autre' });
  const p = await person('hugo');
  const outside = join(base, 'victime');
  await put(outside, 'important.txt', 'ne pas toucher');
  const folder = join(p.home, 'Devoirs', 'TP');
  await mkdir(folder, { recursive: true });
  await symlink(join(outside, 'important.txt'), join(folder, 'consigne.txt'));
  await symlink(outside, join(folder, 'annexes'));
  const [r] = await handOut({ manifest, folder: 'TP', pupils: [p], mode: 'lecture' });
  t.same(r, { login: 'hugo', ok: true, written: 1, kept: 2, unchanged: 0, bytes: 5 });
  t.equal(await readFile(join(outside, 'important.txt'), 'utf8'), 'ne pas toucher');
  t.same(await readdir(outside), ['important.txt'], 'nothing written through the folder link');
  t.equal((await lstat(join(folder, 'consigne.txt'))).isSymbolicLink(), true, 'the pupil’s link is left as it is');
  const autre = await stat(join(folder, 'autre.txt'));
  t.equal(autre.uid, 0, 'written read-only into the existing folder');
  t.equal(autre.mode & 0o777, 0o644);
  t.equal(autre.mtimeMs, OLD.getTime());
  t.same(
    (await readdir(folder)).filter((n) => n.startsWith('.')),
    [],
    'no temporary file left',
  );
});

t.test('handOut removes only its own stale temporary folders', async (t) => {
  const { manifest } = await teacherWithSource({ 'consigne.txt': 'Consigne' });
  const p = await person('ines');
  const devoirs = join(p.home, 'Devoirs');
  const stale = join(devoirs, '.~trousse-distribution-0001');
  const recent = join(devoirs, '.~trousse-distribution-0002');
  const pupils = join(devoirs, '.~trousse-distribution-0003');
  await put(stale, 'sous/x.txt', 'x');
  await put(recent, 'x.txt', 'x');
  await put(pupils, 'x.txt', 'x');
  await chown(pupils, p.uid, p.uid);
  const longAgo = new Date(Date.now() - 48 * 3600 * 1000);
  for (const dir of [stale, pupils]) await utimes(dir, longAgo, longAgo);
  const [r] = await handOut({ manifest, folder: 'TP', pupils: [p], mode: 'lecture' });
  t.equal(r?.ok, true);
  t.equal(await exists(stale), false, 'a stale root-owned leftover is removed');
  t.equal(await exists(recent), true, 'a recent one may be another run in progress: kept');
  t.equal(await exists(join(pupils, 'x.txt')), true, 'one owned by the pupil is theirs: kept');
});

t.test('handOut: a source file changed since the scan is refused before anything is written', async (t) => {
  const { teacher, manifest } = await teacherWithSource({ 'consigne.txt': 'Consigne' });
  await writeFile(join(teacher.home, 'Documents', 'Cours/TP 1', 'consigne.txt'), 'Autre consigne');
  const p = await person('eve');
  await rejectsCode(t, handOut({ manifest, folder: 'TP', pupils: [p], mode: 'copie' }), 'SOURCE_CHANGED', /choisissez de nouveau/);
  t.equal(await exists(join(p.home, 'Devoirs')), false);
  await rejectsCode(t, handOut({ manifest, folder: 'TP/2', pupils: [p], mode: 'copie' }), 'FOLDER_INVALID', /« \/ »/);
});

// ---- collect -----------------------------------------------------------------------------------------

t.test('collect, re-collect, teacher’s corrections kept, return', async (t) => {
  const { teacher, manifest } = await teacherWithSource({ 'consigne.txt': 'Consigne', 'modele.txt': 'Modèle à compléter' });
  const worker = await person('alice');
  const idle = await person('bruno');
  const absent = await person('chloe'); // never handed out
  const linker = await person('damien');
  const early = await person('emma');
  const homeless = await person('fantome', false);
  const folderThief = await person('gaspard');
  const all = [worker, idle, absent, linker, early, homeless, folderThief];
  await handOut({ manifest, folder: 'TP 1', pupils: [worker, idle, linker, early, folderThief], mode: 'copie' });
  const work = (p: Person) => join(p.home, 'Devoirs', 'TP 1');

  const due = new Date('2026-03-10T18:00:00Z');
  const after = new Date('2026-03-10T19:30:00Z');
  const before = new Date('2026-03-09T12:00:00Z');
  await put(work(worker), 'reponse.txt', 'Ma réponse', before);
  await put(work(worker), 'modele.txt', 'Modèle complété', after);
  await put(work(worker), 'images/figure.png', 'PNG', before);
  await put(work(worker), 'Thumbs.db', 'junk');
  await put(work(worker), '~$reponse.docx', 'lock');
  await symlink(join(work(worker), 'reponse.txt'), join(work(linker), 'copie.txt'));
  await put(work(early), 'reponse.txt', 'Rendu tôt', before);
  await rm(join(folderThief.home, 'Devoirs', 'TP 1'), { recursive: true });
  await symlink(work(worker), join(folderThief.home, 'Devoirs', 'TP 1'));

  const progress: number[] = [];
  const res = await collect({
    manifest,
    folder: 'TP 1',
    groupLabel: '5e B',
    teacher,
    pupils: all,
    dueAt: due.toISOString(),
    onProgress: (d) => progress.push(d),
  });
  t.same(progress, [1, 2, 3, 4, 5, 6, 7]);
  const by = new Map(res.map((r) => [r.login, r]));
  const w = by.get('alice');
  t.equal(w?.state, 'collected');
  t.equal(w?.files, 3, 'reponse.txt, modele.txt and images/figure.png — not the unchanged consigne.txt, not the junk');
  t.equal(w?.bytes, Buffer.byteLength('Ma réponse') + Buffer.byteLength('Modèle complété') + 3);
  t.equal(w?.lastModified, after.toISOString());
  t.equal(w?.late, true);
  t.equal(w?.written, 3);
  t.equal(by.get('bruno')?.state, 'empty');
  t.equal(by.get('chloe')?.state, 'missing');
  t.equal(by.get('fantome')?.state, 'missing');
  const l = by.get('damien');
  t.equal(l?.state, 'empty', 'a symlink is not work');
  t.same(
    l?.skipped.map((s) => s.rel),
    ['copie.txt'],
  );
  t.match(l?.skipped[0]?.reason, /lien symbolique/);
  t.equal(by.get('emma')?.state, 'collected');
  t.equal(by.get('emma')?.late, false);
  t.equal(by.get('gaspard')?.state, 'error', 'an assignment folder replaced by a link is not followed');
  t.match(by.get('gaspard')?.error, /lien symbolique/);

  const ram = join(teacher.home, 'Ramassage');
  const group = join(ram, 'TP 1', '5e B');
  for (const dir of [ram, join(ram, 'TP 1'), group, join(group, 'alice'), join(group, 'alice', 'images')]) {
    const st = await stat(dir);
    t.equal(st.uid, teacher.uid, `${dir.slice(base.length)} owned by the teacher`);
    t.equal(st.mode & 0o777, 0o700);
  }
  const copied = join(group, 'alice');
  t.same(
    (await readdir(copied)).sort(),
    ['images', 'modele.txt', 'reponse.txt'],
  );
  const rep = await stat(join(copied, 'reponse.txt'));
  t.equal(rep.uid, teacher.uid);
  t.equal(rep.mode & 0o777, 0o600);
  t.equal(rep.mtimeMs, before.getTime(), 'keeps the pupil’s mtime');
  t.equal(await readFile(join(copied, 'modele.txt'), 'utf8'), 'Modèle complété');
  t.equal(await exists(join(group, 'damien')), false, 'nothing collected for the symlink');
  t.equal(await exists(join(group, 'bruno')), false);
  t.equal(await exists(join(group, 'gaspard')), false);

  // Re-collect with no change: nothing rewritten.
  const snapshot = async () =>
    Promise.all(['reponse.txt', 'modele.txt', 'images/figure.png'].map(async (rel) => stat(join(copied, rel)).then((s) => `${s.ino}:${s.mtimeMs}:${s.ctimeMs}`)));
  const before2 = await snapshot();
  const res2 = await collect({ manifest, folder: 'TP 1', groupLabel: '5e B', teacher, pupils: [worker, early], dueAt: null });
  t.equal(res2[0]?.state, 'collected');
  t.equal(res2[0]?.written, 0);
  t.equal(res2[0]?.late, false, 'no due date: never late');
  t.equal(res2[1]?.written, 0);
  t.same(await snapshot(), before2, 'mtimes and inodes unchanged');

  // The teacher corrects reponse.txt; the pupil then changes reponse.txt and images/figure.png.
  await writeFile(join(copied, 'reponse.txt'), 'Ma réponse [bien, mais développe]');
  await put(work(worker), 'reponse.txt', 'Ma réponse, complétée', new Date('2026-03-11T08:00:00Z'));
  await put(work(worker), 'images/figure.png', 'PNG2', new Date('2026-03-11T08:00:00Z'));
  const res3 = await collect({ manifest, folder: 'TP 1', groupLabel: '5e B', teacher, pupils: [worker], dueAt: due.toISOString() });
  t.equal(res3[0]?.written, 2);
  t.equal(res3[0]?.newVersions, 1);
  t.equal(await readFile(join(copied, 'reponse.txt'), 'utf8'), 'Ma réponse [bien, mais développe]', 'the teacher’s work is never overwritten');
  t.equal(await readFile(join(copied, 'reponse (nouvelle version).txt'), 'utf8'), 'Ma réponse, complétée');
  t.equal(await readFile(join(copied, 'images', 'figure.png'), 'utf8'), 'PNG2', 'a copy the teacher did not touch is updated in place');
  t.equal((await stat(join(copied, 'reponse (nouvelle version).txt'))).uid, teacher.uid);

  const res4 = await collect({ manifest, folder: 'TP 1', groupLabel: '5e B', teacher, pupils: [worker], dueAt: null });
  t.equal(res4[0]?.written, 0, 'the new version is not written again');
  t.equal(await exists(join(copied, 'reponse (nouvelle version 2).txt')), false);

  await put(work(worker), 'reponse.txt', 'Ma réponse, complétée deux fois', new Date('2026-03-12T08:00:00Z'));
  const res5 = await collect({ manifest, folder: 'TP 1', groupLabel: '5e B', teacher, pupils: [worker], dueAt: null });
  t.equal(res5[0]?.newVersions, 1);
  t.equal(await readFile(join(copied, 'reponse (nouvelle version 2).txt'), 'utf8'), 'Ma réponse, complétée deux fois');
  t.equal(await readFile(join(copied, 'reponse (nouvelle version).txt'), 'utf8'), 'Ma réponse, complétée', 'earlier versions kept');

  // Return: the teacher's folder of each pupil becomes their Corrigé.
  await put(copied, 'correction.txt', 'Bien : 16/20');
  await symlink('/etc/shadow', join(copied, 'lien'));
  await mkdir(join(group, 'chloe')); // collected folder, but chloe has no assignment folder
  await put(work(early), CORRIGE_NAME, 'fichier de l’élève');
  await put(join(group, 'emma'), 'correction.txt', 'Très bien');
  const ret = await returnWork({ folder: 'TP 1', groupLabel: '5e B', teacher, pupils: [worker, idle, absent, early, homeless] });
  const rby = new Map(ret.map((r) => [r.login, r]));
  t.equal(rby.get('alice')?.state, 'returned');
  t.equal(rby.get('alice')?.files, 6);
  t.same(
    rby.get('alice')?.skipped.map((s) => s.rel),
    ['lien'],
  );
  t.equal(rby.get('bruno')?.state, 'nothing');
  t.equal(rby.get('chloe')?.state, 'missing');
  t.equal(rby.get('fantome')?.state, 'nothing');
  t.equal(rby.get('emma')?.state, 'returned');
  const corrige = join(work(worker), CORRIGE_NAME);
  const cst = await stat(corrige);
  t.equal(cst.uid, 0);
  t.equal(cst.gid, 0);
  t.equal(cst.mode & 0o777, 0o755);
  t.same(
    (await readdir(corrige)).sort(),
    ['correction.txt', 'images', 'modele.txt', 'reponse (nouvelle version 2).txt', 'reponse (nouvelle version).txt', 'reponse.txt'],
  );
  const corr = await stat(join(corrige, 'correction.txt'));
  t.equal(corr.uid, 0);
  t.equal(corr.mode & 0o777, 0o644);
  t.equal((await stat(join(corrige, 'images'))).mode & 0o777, 0o755);
  t.equal((await stat(join(corrige, 'images'))).uid, 0);
  t.equal(await readFile(join(corrige, 'correction.txt'), 'utf8'), 'Bien : 16/20');
  t.equal(await readFile(join(work(early), `${CORRIGE_NAME} (ancien)`), 'utf8'), 'fichier de l’élève', 'what the pupil called Corrigé is kept aside');
  t.equal(await readFile(join(work(early), CORRIGE_NAME, 'correction.txt'), 'utf8'), 'Très bien');

  // Second return: replaced by the current content, no leftovers.
  await rm(join(copied, 'correction.txt'));
  await put(copied, 'correction finale.txt', 'Finalement : 17/20');
  const ret2 = await returnWork({ folder: 'TP 1', groupLabel: '5e B', teacher, pupils: [worker] });
  t.equal(ret2[0]?.state, 'returned');
  t.equal(await exists(join(corrige, 'correction.txt')), false, 'the previous Corrigé is replaced');
  t.equal(await readFile(join(corrige, 'correction finale.txt'), 'utf8'), 'Finalement : 17/20');
  t.same(
    (await readdir(work(worker))).filter((n) => n.startsWith('.')),
    [],
    'no temporary folder left',
  );

  // Corrigé is never collected back.
  const res6 = await collect({ manifest, folder: 'TP 1', groupLabel: '5e B', teacher, pupils: [worker], dueAt: null });
  t.equal(res6[0]?.files, 3);
  t.equal(res6[0]?.written, 0);
  t.equal(await exists(join(copied, CORRIGE_NAME)), false);

  await rejectsCode(t, collect({ manifest, folder: 'TP 1', groupLabel: '5e B/C', teacher, pupils: [worker], dueAt: null }), 'GROUP_INVALID', /« \/ »/);
  await rejectsCode(t, returnWork({ folder: 'TP 1', groupLabel: 'CON', teacher, pupils: [worker] }), 'GROUP_INVALID', /réservé/);
});


t.test('collect without a manifest takes every file; a pupil can not make the engine read another pupil’s folder', async (t) => {
  const teacher = await person('prof');
  const a = await person('alice');
  const b = await person('bruno');
  await put(join(a.home, 'Devoirs', 'Libre'), 'travail.txt', 'A');
  await put(join(b.home, 'Devoirs', 'Libre'), 'secret.txt', 'B');
  await symlink(join(b.home, 'Devoirs', 'Libre'), join(a.home, 'Devoirs', 'Libre', 'chez-bruno'));
  const [r] = await collect({ manifest: null, folder: 'Libre', groupLabel: '4e A', teacher, pupils: [a], dueAt: null });
  t.equal(r?.state, 'collected');
  t.equal(r?.files, 1);
  t.same(
    r?.skipped.map((s) => s.rel),
    ['chez-bruno'],
  );
  t.same(await readdir(join(teacher.home, 'Ramassage', 'Libre', '4e A', 'alice')), ['travail.txt']);

  const [big] = await collect({ manifest: null, folder: 'Libre', groupLabel: '4e A', teacher, pupils: [b], dueAt: null, limits: { maxBytes: 0 } });
  t.equal(big?.state, 'error', 'beyond the limits');
  t.match(big?.error, /pèse plus de 0 octets/);
  t.equal(await exists(join(teacher.home, 'Ramassage', 'Libre', '4e A', 'bruno')), false);

  const other = await person('prof2');
  const elsewhere = join(base, 'ailleurs-ramassage');
  await mkdir(elsewhere);
  await symlink(elsewhere, join(other.home, 'Ramassage'));
  await rejectsCode(t, collect({ manifest: null, folder: 'Libre', groupLabel: '4e A', teacher: other, pupils: [a], dueAt: null }), 'DEST_BLOCKED', /renommez-le/);
  t.same(await readdir(elsewhere), [], 'nothing written through the teacher’s link either');
});

// ---- treeSize ----------------------------------------------------------------------------------------

t.test('treeSize', async (t) => {
  const dir = join(base, 'taille');
  await put(dir, 'a', '12345');
  await put(dir, 'b/c', '123');
  await symlink('/etc/passwd', join(dir, 'lien'));
  t.equal(await treeSize(dir), 8, 'symlinks not followed nor counted');
  t.equal(await treeSize(join(base, 'absent')), 0);
});
