/**
 * The school's shares on the real DC, checked over SMB with smbclient as the pupils and teachers
 * themselves: homes, class folders and drop folders, commun, roaming profiles, a group share,
 * the accounts' Windows paths, quotas in "report" mode, profile reset, a classroom PC in its own
 * network namespace, and a configuration reload that keeps open sessions.
 * Serial: the shares tests own the DC's one include file.
 */
import t from 'tap';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { login, readHarness, startTestApp, tempDir, uniqName } from '../helpers.ts';
import { openSession, smb } from '../shares/smb.ts';

const h = readHarness();

t.test('shares on the DC, as pupils and teachers see them over SMB', async (t) => {
  const app = await startTestApp(t, { shares: { enabled: true } });
  const d = app.directory;
  const tag = uniqName();
  await d.createClass('6A');
  await d.createClass('5B');
  const mk = async (givenName: string, profile: 'eleve' | 'enseignant', classe?: string) => {
    const r = await d.createUser({ givenName, surname: `Test${tag}`, profile, classe, mustChange: false });
    return { login: r.user.login, password: r.password };
  };
  const alice = await mk('Alice', 'eleve', '6A');
  const bob = await mk('Bob', 'eleve', '6A');
  const carl = await mk('Carl', 'eleve', '5B');
  const prof1 = await mk('Paul', 'enseignant');
  const prof2 = await mk('Pia', 'enseignant');
  await d.setClassTeachers('6A', [prof1.login]);
  await d.setClassTeachers('5B', [prof2.login]);
  const report = await app.shares.reconcile();
  t.same(report.errors, [], 'the reconcile reports no problem');
  t.ok(report.ms >= 0, `reconciled in ${report.ms} ms`);

  const homes = app.config.directory.homeRoot;
  const root = app.config.shares.root;
  const src = tempDir(t);
  const file = join(src, 'lecon.txt');
  writeFileSync(file, 'Leçon du jour\n');

  t.test('the include is in place and testparm accepts the whole configuration', async (t) => {
    const include = readFileSync(h.sharesInclude, 'utf8');
    for (const s of ['[perso]', '[profiles$]', '[classes]', '[commun]']) t.ok(include.includes(s), `${s} is served`);
    t.match(include, /csc policy = disable/, 'no offline caching of profiles');
    const out = execFileSync('testparm', ['-s', h.smbConf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    t.match(out, /\[perso\]/, 'testparm sees the shares through the include');
  });

  t.test('homes: created with the account, owned by it, closed to others', async (t) => {
    const st = statSync(join(homes, alice.login));
    t.equal(st.uid, (await d.getUser(alice.login)).uidNumber, 'the home belongs to the pupil');
    const put = await smb(alice.login, alice.password, 'perso', `cd ${alice.login}; put ${file} mon-travail.txt; ls`);
    t.ok(put.ok, `alice writes in her home ${put.errors.join(' ')}`);
    t.match(put.out, /mon-travail\.txt/);
    await smb(bob.login, bob.password, 'perso', `cd ${bob.login}; put ${file} secret.txt`);
    const list = await smb(alice.login, alice.password, 'perso', `ls ${bob.login}\\*`);
    t.ok(list.errors.includes('NT_STATUS_ACCESS_DENIED'), 'alice cannot list bob’s home');
    const read = await smb(alice.login, alice.password, 'perso', `get ${bob.login}\\secret.txt /dev/null`);
    t.notOk(read.ok, 'alice cannot read bob’s file');
    const root = await smb(alice.login, alice.password, 'perso', 'ls');
    t.notMatch(root.out, new RegExp(`\\b${bob.login}\\b`), 'other homes are not even listed');
  });

  t.test('class folder: teachers of the class write, pupils read, each pupil writes only their drop folder', async (t) => {
    const lesson = await smb(prof1.login, prof1.password, 'classes', `cd 6A; put ${file} lecon.txt`);
    t.ok(lesson.ok, `the class’s teacher writes in 6A ${lesson.errors.join(' ')}`);
    t.ok((await smb(alice.login, alice.password, 'classes', 'get 6A\\lecon.txt /dev/null')).ok, 'a pupil of 6A reads the lesson');
    t.notOk((await smb(alice.login, alice.password, 'classes', `cd 6A; put ${file} tag.txt`)).ok, 'a pupil cannot write in the class folder');
    t.notOk((await smb(alice.login, alice.password, 'classes', 'del 6A\\lecon.txt')).ok, 'nor delete the teacher’s file');
    const drop = await smb(alice.login, alice.password, 'classes', `cd 6A\\rendus\\${alice.login}; put ${file} devoir.txt`);
    t.ok(drop.ok, `alice drops her work ${drop.errors.join(' ')}`);
    t.notOk((await smb(alice.login, alice.password, 'classes', `cd 6A\\rendus\\${bob.login}; put ${file} triche.txt`)).ok, 'not in bob’s drop folder');
    t.notOk((await smb(bob.login, bob.password, 'classes', `get 6A\\rendus\\${alice.login}\\devoir.txt /dev/null`)).ok, 'bob cannot read alice’s work');
    t.ok((await smb(prof1.login, prof1.password, 'classes', `get 6A\\rendus\\${alice.login}\\devoir.txt /dev/null`)).ok, 'the class’s teacher reads every drop folder');
    t.notOk((await smb(prof2.login, prof2.password, 'classes', `get 6A\\rendus\\${alice.login}\\devoir.txt /dev/null`)).ok, 'a teacher of another class cannot');
    t.notOk((await smb(carl.login, carl.password, 'classes', 'get 6A\\lecon.txt /dev/null')).ok, 'a pupil of another class cannot read 6A');
    const acl = execFileSync('smbcacls', ['-s', h.smbConf, '//127.0.0.1/classes', '6A', '-U', `Administrator%${readFileSync(h.adminPasswordFile, 'utf8').trim()}`], {
      encoding: 'utf8',
    });
    t.match(acl, /OWNER:BUILTIN\\Administrators/, 'Windows sees a clean owner');
    t.match(acl, /equipe-6a:ALLOWED\/OI\|CI\//i, 'and the teaching team by name');
    t.notMatch(acl, /S-1-22-/, 'no raw Unix SID in the Windows view');
  });

  t.test('commun: everyone reads, staff write', async (t) => {
    t.ok((await smb(prof1.login, prof1.password, 'commun', `put ${file} note.txt`)).ok, 'a teacher writes');
    t.ok((await smb(carl.login, carl.password, 'commun', 'get note.txt /dev/null')).ok, 'a pupil reads');
    t.notOk((await smb(carl.login, carl.password, 'commun', `put ${file} graffiti.txt`)).ok, 'a pupil cannot write');
  });

  t.test('roaming profile: a user creates only their own, others cannot look in', async (t) => {
    const own = await smb(alice.login, alice.password, 'profiles$', `mkdir ${alice.login}.V6; cd ${alice.login}.V6; put ${file} NTUSER.DAT`);
    t.ok(own.ok, `alice creates her profile folder ${own.errors.join(' ')}`);
    t.notOk((await smb(bob.login, bob.password, 'profiles$', `ls ${alice.login}.V6\\*`)).ok, 'bob cannot list it');
    t.notOk((await smb(bob.login, bob.password, 'profiles$', `get ${alice.login}.V6\\NTUSER.DAT /dev/null`)).ok, 'nor read it');
    t.notOk((await smb(bob.login, bob.password, 'profiles$', `rmdir ${alice.login}.V6`)).ok, 'nor remove it');
    const st = statSync(join(root, 'profils', `${alice.login}.V6`));
    t.equal(st.uid, (await d.getUser(alice.login)).uidNumber, 'the profile folder is owned by its user (Windows checks it)');
    const [entry] = await app.dc.ldap.search(app.dc.identity.baseDn, {
      scope: 'sub',
      filter: `(sAMAccountName=${alice.login})`,
      attributes: ['homeDirectory', 'homeDrive', 'profilePath'],
    });
    t.equal(entry?.homeDirectory, `\\\\dc1\\perso\\${alice.login}`, 'homeDirectory');
    t.equal(entry?.homeDrive, 'H:', 'homeDrive');
    t.equal(entry?.profilePath, `\\\\dc1\\profiles$\\${alice.login}`, 'profilePath');
  });

  t.test('a classroom PC in its own network namespace logs on and writes to its home', async (t) => {
    const r = await smb(carl.login, carl.password, 'perso', `cd ${carl.login}; put ${file} depuis-le-pc.txt; ls`, { from: 'pc' });
    t.ok(r.ok, `the PC reaches the server over the network ${r.errors.join(' ')} ${r.ok ? '' : r.out.slice(0, 300)}`);
    t.ok(existsSync(join(homes, carl.login, 'depuis-le-pc.txt')), 'the file is in carl’s home on the server');
  });

  t.test('a configuration change reloads smbd without dropping open sessions', async (t) => {
    const s = openSession(alice.login, alice.password, 'perso');
    t.teardown(() => s.close());
    t.match(await s.run(`cd ${alice.login}`), /^(?!.*NT_STATUS)/s, 'session open');
    const free = await d.createGroup(`club-${tag}`.slice(0, 30), 'Club théâtre');
    await d.addGroupMembers(free.name, [bob.login]);
    await app.shares.updateSettings({ groupShares: [free.name] });
    t.match(readFileSync(h.sharesInclude, 'utf8'), new RegExp(`\\[grp-${free.name}\\]`), 'the group share is configured');
    const after = await s.run(`put ${file} apres-rechargement.txt`);
    t.notMatch(after, /NT_STATUS/, 'the open session still writes after the reload');
    t.ok(existsSync(join(homes, alice.login, 'apres-rechargement.txt')));
    t.ok((await smb(bob.login, bob.password, `grp-${free.name}`, `put ${file} club.txt`)).ok, 'a member writes in the group share');
    t.notOk((await smb(carl.login, carl.password, `grp-${free.name}`, 'ls')).ok, 'a non-member cannot open it');
  });

  t.test('quotas: the mode is stated, usage measured, crossings warned', async (t) => {
    const s = app.shares.status();
    t.ok(['filesystem', 'report'].includes(s.quota.mode), `mode ${s.quota.mode}`);
    t.ok(s.quota.detail.length > 20, `the console says why: ${s.quota.detail}`);
    const big = join(src, 'gros.bin');
    writeFileSync(big, Buffer.alloc(12 * 1024 * 1024, 1));
    const put = await smb(bob.login, bob.password, 'perso', `cd ${bob.login}; put ${big} gros.bin`);
    if (s.quota.mode === 'report') t.ok(put.ok, 'report mode does not block the write');
    const session = await login(app);
    const set = await app.app.inject({
      method: 'PUT',
      url: `/api/v1/shares/quotas/${bob.login}`,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
      payload: { softMb: 10, hardMb: 11 },
    });
    t.equal(set.statusCode, 200, set.body);
    const bad = await app.app.inject({
      method: 'PUT',
      url: `/api/v1/shares/quotas/${bob.login}`,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
      payload: { softMb: 50, hardMb: 20 },
    });
    t.equal(bad.statusCode, 400, 'a soft limit above the hard one is refused');
    t.match(bad.json().message, /dépasse/);
    await app.shares.measure();
    const q = await app.shares.quotas({ over: true });
    const line = q.items.find((i) => i.login === bob.login);
    t.equal(line?.state, 'hard', 'bob is over his hard limit');
    t.ok((line?.homeBytes ?? 0) >= 12 * 1024 * 1024, 'his usage is measured');
    t.ok(app.journal.latest(50).some((e) => e.type === 'shares.quota-hard' && e.message.includes(bob.login)), 'the crossing is in the journal');
    t.match(app.shares.room(bob.login, 'eleve', 1024) ?? '', /Quota de .* insuffisant/, 'a copy into his home would be refused');
    t.equal(app.shares.room(alice.login, 'eleve', 1024), null, 'alice still has room');
  });

  t.test('profiles: sizes listed, a broken one reset after confirmation and archived', async (t) => {
    const list = await app.shares.profiles();
    const mine = list.find((p) => p.login === alice.login.toLowerCase());
    t.ok(mine && mine.bytes > 0, 'alice’s profile is listed with its size');
    const session = await login(app);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    const refused = await app.app.inject({ method: 'POST', url: `/api/v1/shares/profiles/${alice.login}/reset`, headers, payload: { confirm: 'oui' } });
    t.equal(refused.statusCode, 400, 'a reset needs the login retyped');
    t.ok(app.shares.hasProfile(alice.login), 'nothing removed');
    const ok = await app.app.inject({ method: 'POST', url: `/api/v1/shares/profiles/${alice.login}/reset`, headers, payload: { confirm: alice.login } });
    t.equal(ok.statusCode, 200, ok.body);
    t.notOk(app.shares.hasProfile(alice.login), 'the profile folder is gone');
    const archive = join(app.config.dataDir, 'archives', 'profiles');
    const tar = execFileSync('sh', ['-c', `tar -tzf ${archive}/*.tar.gz`], { encoding: 'utf8' });
    t.match(tar, /NTUSER\.DAT/, 'the archive holds the old profile');
    const none = await app.app.inject({ method: 'POST', url: `/api/v1/shares/profiles/${alice.login}/reset`, headers, payload: { confirm: alice.login } });
    t.equal(none.statusCode, 404, 'a second reset says there is nothing to reset');
  });

  t.test('a deleted then restored account finds its home, still closed to others', async (t) => {
    await d.deleteUser(carl.login);
    t.notOk(existsSync(join(homes, carl.login)), 'the home is archived with the account');
    await d.restoreUser(carl.login);
    await app.shares.idle();
    await app.shares.reconcile();
    t.ok(existsSync(join(homes, carl.login, 'depuis-le-pc.txt')), 'the home is back with its files');
    t.ok((await smb(carl.login, carl.password, 'perso', `get ${carl.login}\\depuis-le-pc.txt /dev/null`)).ok, 'carl reads his file again');
    t.notOk((await smb(alice.login, alice.password, 'perso', `ls ${carl.login}\\*`)).ok, 'alice still cannot look in');
  });

  t.test('Linux clients: sssd.conf and pam_mount.conf.xml for this school', async (t) => {
    const session = await login(app);
    const sssd = await app.app.inject({ method: 'GET', url: '/api/v1/shares/clients/sssd.conf', headers: { cookie: session.cookie } });
    t.equal(sssd.statusCode, 200);
    t.match(sssd.body, new RegExp(app.dc.identity.realm));
    const pam = await app.app.inject({ method: 'GET', url: '/api/v1/shares/clients/pam_mount.conf.xml', headers: { cookie: session.cookie } });
    t.match(pam.body, /perso\/%\(USER\)/);
    const other = await app.app.inject({ method: 'GET', url: '/api/v1/shares/clients/..%2F..%2Fetc%2Fpasswd', headers: { cookie: session.cookie } });
    t.equal(other.statusCode, 400, 'only the two files can be downloaded');
    const check = await app.app.inject({ method: 'POST', url: '/api/v1/shares/clients/check', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
    t.equal(check.statusCode, 200);
    t.match(check.json(), { ok: true }, 'sssctl config-check accepts the generated sssd.conf');
  });
});
