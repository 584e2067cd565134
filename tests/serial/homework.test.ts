/**
 * Homework end to end on the real DC: the teacher puts a folder in their home over SMB, hands it
 * out through the API, pupils find it in Devoirs over SMB and write their work, the teacher
 * collects and sees the copies over SMB, corrects one, returns it; the pupils read the
 * correction. With pupils who hand in nothing, a pupil who changed class, a repeated action, a
 * teacher of another class, and the bad names of the issue.
 * Serial: the shares tests own the DC's one include file.
 */
import t from 'tap';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { login, startTestApp, tempDir, uniqName, type Session } from '../helpers.ts';
import { smb } from '../shares/smb.ts';
import type { TrousseApp } from '../../daemon/src/app.ts';

async function api(app: TrousseApp, s: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  const r = await app.app.inject({ method, url: `/api/v1${url}`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: payload as object });
  return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {} };
}

t.test('hand out, collect and return between a teacher and a class, over SMB', async (t) => {
  const app = await startTestApp(t, { shares: { enabled: true } });
  const d = app.directory;
  const tag = uniqName();
  await d.createClass('4C');
  await d.createClass('4D');
  const mk = async (givenName: string, profile: 'eleve' | 'enseignant', classe?: string) => {
    const r = await d.createUser({ givenName, surname: `Devoir${tag}`, profile, classe, mustChange: false, password: profile === 'enseignant' ? 'Prof-Mot-De-Passe-42' : undefined });
    return { login: r.user.login, password: r.password };
  };
  const prof = await mk('Hélène', 'enseignant');
  const other = await mk('Omar', 'enseignant');
  const p1 = await mk('Inès', 'eleve', '4C');
  const p2 = await mk('Jules', 'eleve', '4C');
  const p3 = await mk('Karim', 'eleve', '4C');
  await d.setClassTeachers('4C', [prof.login]);
  await d.setClassTeachers('4D', [other.login]);
  await app.shares.idle();
  const homes = app.config.directory.homeRoot;

  // the teacher prepares the lesson in their home, over SMB like from a PC
  const src = tempDir(t);
  writeFileSync(join(src, 'enonce.txt'), 'Exercice 1 : calculez.\n');
  writeFileSync(join(src, 'donnees.csv'), 'x;y\n1;2\n');
  const prep = await smb(prof.login, prof.password, 'perso', `cd ${prof.login}; mkdir TP1; cd TP1; lcd ${src}; put enonce.txt; put donnees.csv`);
  t.ok(prep.ok, `the teacher puts the TP in their home ${prep.errors.join(' ')}`);

  const teacher = await login(app, prof.login, prof.password);
  const admin = await login(app);

  t.test('bad input is refused with a clear message and writes nothing', async (t) => {
    for (const title of ['../evasion', 'a\\b', 'C:', 'devoir*', 'CON', 'nul.txt', 'x'.repeat(256), 'fin.']) {
      const r = await api(app, teacher, 'POST', '/homework', { title, source: 'TP1', mode: 'lecture', targets: [{ kind: 'classe', name: '4C' }] });
      t.equal(r.status, 400, `title ${JSON.stringify(title.slice(0, 20))} refused`);
      t.type(r.body.message, 'string');
    }
    for (const source of ['../', '../../etc', '/etc', 'TP1/../../x']) {
      const r = await api(app, teacher, 'POST', '/homework', { title: 'Évasion', source, mode: 'lecture', targets: [{ kind: 'classe', name: '4C' }] });
      t.equal(r.status, 400, `source ${source} refused`);
    }
    symlinkSync('/etc', join(homes, prof.login, 'lien-etc'));
    const link = await api(app, teacher, 'POST', '/homework', { title: 'Lien', source: 'lien-etc', mode: 'lecture', targets: [{ kind: 'classe', name: '4C' }] });
    t.ok(link.status >= 400 && link.status < 500, `a source that is a link out of the home is refused (${String(link.body.message)})`);
    const foreign = await api(app, teacher, 'POST', '/homework', { title: 'Pas ma classe', source: 'TP1', mode: 'lecture', targets: [{ kind: 'classe', name: '4D' }] });
    t.equal(foreign.status, 403, 'a teacher cannot hand out to another teacher’s class');
    t.notOk(existsSync(join(homes, p1.login, 'Devoirs')), 'nothing was written in any pupil’s home');
  });

  let id = 0;
  t.test('hand-out: each pupil finds Devoirs/<titre>, read-only', async (t) => {
    const r = await api(app, teacher, 'POST', '/homework', {
      title: 'TP 1 – Fractions',
      source: 'TP1',
      mode: 'lecture',
      dueAt: new Date(Date.now() + 3600_000).toISOString(),
      targets: [{ kind: 'classe', name: '4C' }],
    });
    t.equal(r.status, 201, JSON.stringify(r.body).slice(0, 300));
    id = Number(r.body.id);
    t.match(r.body.counts, { pupils: 3, handedOut: 3, failed: 0 });
    const ls = await smb(p1.login, p1.password, 'perso', `cd "${p1.login}\\Devoirs\\TP 1 – Fractions"; ls`);
    t.ok(ls.ok, `the pupil opens the assignment ${ls.errors.join(' ')}`);
    t.match(ls.out, /enonce\.txt/);
    const overwrite = await smb(p1.login, p1.password, 'perso', `cd "${p1.login}\\Devoirs\\TP 1 – Fractions"; lcd ${src}; put donnees.csv enonce.txt`);
    t.notOk(overwrite.ok, 'the handed-out file is read-only');
    const again = await api(app, teacher, 'POST', `/homework/${id}/handout`);
    t.equal(again.status, 200, 'handing out again is accepted');
    t.match(again.body.counts, { pupils: 3, handedOut: 3 });
    const dup = await api(app, teacher, 'POST', '/homework', { title: 'TP 1 – Fractions', source: 'TP1', mode: 'lecture', targets: [{ kind: 'classe', name: '4C' }] });
    t.equal(dup.status, 409, 'the same title twice is refused with a pointer to the existing one');
  });

  t.test('collect: work copied with time and late flag; nothing-handed-in and class changes reported', async (t) => {
    const w = join(tempDir(t), 'reponse.txt');
    writeFileSync(w, 'Ma réponse : 3/4\n');
    t.ok((await smb(p1.login, p1.password, 'perso', `cd "${p1.login}\\Devoirs\\TP 1 – Fractions"; put ${w} reponse.txt`)).ok, 'pupil 1 writes their answer');
    t.ok((await smb(p2.login, p2.password, 'perso', `cd "${p2.login}\\Devoirs\\TP 1 – Fractions"; put ${w} copie.txt`)).ok, 'pupil 2 too');
    // pupil 3 hands in nothing; pupil 2 then changes class: their work is still collected
    await d.moveUser(p2.login, '4D');
    const c = await api(app, teacher, 'POST', `/homework/${id}/collect`);
    t.equal(c.status, 200, JSON.stringify(c.body).slice(0, 300));
    t.match(c.body.counts, { pupils: 3, collected: 2 });
    const pupils = c.body.pupils as { login: string; collect: { state: string; files: number; late: boolean; lastModified: string } }[];
    t.equal(pupils.find((p) => p.login === p3.login)?.collect.state, 'empty', 'the pupil with nothing is reported, not an error');
    t.equal(pupils.find((p) => p.login === p1.login)?.collect.files, 1, 'only the pupil’s own file is collected (not the handed-out ones)');
    t.equal(pupils.find((p) => p.login === p1.login)?.collect.late, false, 'handed in before the due date');
    const got = await smb(prof.login, prof.password, 'perso', `cd "${prof.login}\\Ramassage\\TP 1 – Fractions\\4C\\${p1.login}"; ls`);
    t.ok(got.ok, `the teacher finds the copies in Ramassage over SMB ${got.errors.join(' ')}`);
    t.match(got.out, /reponse\.txt/);
    const again = await api(app, teacher, 'POST', `/homework/${id}/collect`);
    t.match(again.body.counts, { collected: 2 }, 'collecting again gives the same result');
    t.match(String(again.body.state), /ramassé 2\/3/);
  });

  t.test('return: the corrected copy lands in Corrigé, read-only for the pupil', async (t) => {
    const corr = join(tempDir(t), 'corrige.txt');
    writeFileSync(corr, 'Très bien. 18/20\n');
    t.ok((await smb(prof.login, prof.password, 'perso', `cd "${prof.login}\\Ramassage\\TP 1 – Fractions\\4C\\${p1.login}"; put ${corr} annotations.txt`)).ok, 'the teacher annotates');
    const r = await api(app, teacher, 'POST', `/homework/${id}/return`);
    t.equal(r.status, 200);
    t.ok(Number((r.body.counts as { returned: number }).returned) >= 1, 'returned');
    const local = join(tempDir(t), 'lu.txt');
    const read = await smb(p1.login, p1.password, 'perso', `get "${p1.login}\\Devoirs\\TP 1 – Fractions\\Corrigé\\annotations.txt" ${local}`);
    t.ok(read.ok, `the pupil reads the correction over SMB ${read.errors.join(' ')}`);
    t.equal(readFileSync(local, 'utf8'), 'Très bien. 18/20\n', 'it is the teacher’s annotation');
    const write = await smb(p1.login, p1.password, 'perso', `cd "${p1.login}\\Devoirs\\TP 1 – Fractions\\Corrigé"; put ${corr} triche.txt`);
    t.notOk(write.ok, 'the correction folder is read-only for the pupil');
    t.ok((await api(app, teacher, 'POST', `/homework/${id}/return`)).status === 200, 'returning again is fine');
    t.notOk(existsSync(join(homes, p2.login, 'Devoirs', 'TP 1 – Fractions', 'Corrigé', 'annotations.txt')), 'nobody gets another pupil’s correction');
  });

  t.test('copy mode, a pupil over quota, and a pupil link that points elsewhere', async (t) => {
    await app.shares.setQuota(p3.login, { softMb: 10, hardMb: 10 }, 'test');
    writeFileSync(join(homes, p3.login, 'gros.bin'), Buffer.alloc(11 * 1024 * 1024, 1));
    await app.shares.measure();
    const r = await api(app, teacher, 'POST', '/homework', { title: 'TP 2', source: 'TP1/enonce.txt', mode: 'copie', targets: [{ kind: 'classe', name: '4C' }] });
    t.equal(r.status, 201);
    const pupils = r.body.pupils as { login: string; handout: { state: string; error: string | null } }[];
    t.match(pupils.find((p) => p.login === p3.login)?.handout, { state: 'error', error: /Quota/ }, 'a pupil without room is refused with the reason');
    t.equal(pupils.find((p) => p.login === p1.login)?.handout.state, 'ok');
    const edit = join(tempDir(t), 'e.txt');
    writeFileSync(edit, 'modifié\n');
    t.ok((await smb(p1.login, p1.password, 'perso', `cd "${p1.login}\\Devoirs\\TP 2"; put ${edit} enonce.txt`)).ok, 'in copy mode the pupil edits the file');
    // a pupil (with shell access elsewhere) leaves a link to another pupil's work: never followed
    mkdirSync(join(homes, p1.login, 'Devoirs', 'TP 2', 'x'), { recursive: true });
    symlinkSync(join(homes, p2.login), join(homes, p1.login, 'Devoirs', 'TP 2', 'x', 'voisin'));
    const c = await api(app, teacher, 'POST', `/homework/${Number(r.body.id)}/collect`);
    t.equal(c.status, 200);
    const base = join(homes, prof.login, 'Ramassage', 'TP 2', '4C', p1.login);
    t.equal(readFileSync(join(base, 'enonce.txt'), 'utf8'), 'modifié\n', 'the edited copy is collected');
    t.notOk(existsSync(join(base, 'x', 'voisin')), 'the link is not followed nor copied');
    t.equal(statSync(join(base, 'enonce.txt')).uid, statSync(join(homes, prof.login)).uid, 'collected files belong to the teacher');
  });

  t.test('a teacher is offered their own classes to hand out to, with names in the detail', async (t) => {
    const targets = await api(app, teacher, 'GET', '/homework/targets');
    t.same((targets.body.classes as { name: string }[]).map((c) => c.name), ['4C'], 'only the class of their team');
    const detail = await api(app, teacher, 'GET', `/homework/${id}`);
    t.ok((detail.body.pupils as { displayName: string | null }[]).every((p) => typeof p.displayName === 'string'), 'pupils come with their names');
  });

  t.test('teachers see their own homework only; forgetting needs the title', async (t) => {
    const o = await login(app, other.login, other.password);
    t.equal((await api(app, o, 'GET', `/homework/${id}`)).status, 404, 'another teacher does not see it');
    const list = await api(app, admin, 'GET', '/homework');
    t.ok(Array.isArray(list.body) && (list.body as unknown as unknown[]).length >= 2, 'the administrator sees all');
    t.equal((await api(app, teacher, 'DELETE', `/homework/${id}?confirm=oui`)).status, 400, 'a wrong confirmation is refused');
    t.equal((await api(app, teacher, 'DELETE', `/homework/${id}?confirm=${encodeURIComponent('TP 1 – Fractions')}`)).status, 204);
    t.ok(existsSync(join(homes, prof.login, 'Ramassage', 'TP 1 – Fractions')), 'the files stay where they are');
  });
});
