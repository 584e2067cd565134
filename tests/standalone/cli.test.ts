import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { REPO, waitReady } from '../harness/shared-dc.ts';
import { instanceProcesses } from '../../daemon/src/dc/procs.ts';
import { openDb } from '../../daemon/src/db/index.ts';
import { tempDir } from '../helpers.ts';
import { makeSchool, siecleXml, stsFileName, stsXml } from '../imports/generate.ts';

/**
 * The `trousse` command as a person runs it (the built bin on Node 24). These tests start their
 * own DC (the demo's), so they run after the shared one is stopped.
 */
const BIN = join(REPO, 'daemon/bin/trousse.js');

function trousse(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const goodConfig = (dataDir: string, port: number) => ({
  school: { uai: '0999998Y', name: 'Collège CLI' },
  dataDir,
  http: { port },
  dc: { managed: false, serviceName: null },
  log: { level: 'warn' },
});

t.test('usage errors', async (t) => {
  const none = trousse([]);
  t.equal(none.status, 2);
  t.match(none.stdout, /trousse serve --config FICHIER/);
  const unknown = trousse(['lancer']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /Commande inconnue : lancer/);
  const noConfig = trousse(['serve']);
  t.equal(noConfig.status, 2);
  t.match(noConfig.stderr, /Indiquez le fichier de configuration/);
  const badFlag = trousse(['demo', '--prot', '80']);
  t.equal(badFlag.status, 1);
  t.match(badFlag.stderr, /Option inconnue : --prot/);
  const badPort = trousse(['demo', '--port', 'huit']);
  t.match(badPort.stderr, /--port attend un nombre entier/);
});

t.test('malformed config and unknown keys: one clear message, non-zero exit, nothing written', async (t) => {
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, '{ "school": ');
  const syntax = trousse(['serve', '--config', cfg]);
  t.equal(syntax.status, 1);
  t.match(syntax.stderr, /^Erreur : La configuration .* n’est pas du JSON valide/);
  writeFileSync(cfg, JSON.stringify({ ...goodConfig(dataDir, 0), http: { port: 'x' }, sambaa: {} }));
  const invalid = trousse(['serve', '--config', cfg]);
  t.equal(invalid.status, 1);
  t.match(invalid.stderr, /« http\.port » doit être un nombre entier/);
  t.match(invalid.stderr, /clé inconnue « sambaa »/);
  t.notOk(existsSync(dataDir), 'no data dir was created');
  const missing = trousse(['serve', '--config', join(dir, 'absent.json')]);
  t.match(missing.stderr, /le fichier n’existe pas/);
});

t.test('a port in use and an unwritable data dir: clear message, exit 1, next start unharmed', async (t) => {
  const dir = tempDir(t);
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => blocker.close());
  const port = (blocker.address() as net.AddressInfo).port;
  const dataDir = join(dir, 'data');
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify(goodConfig(dataDir, port)));
  const r = trousse(['serve', '--config', cfg]);
  t.equal(r.status, 1);
  t.match(r.stderr, new RegExp(`Le port ${port} est déjà utilisé sur 127\\.0\\.0\\.1`));
  const { db, from } = openDb(join(dataDir, 'trousse.db'));
  t.ok(from >= 1, 'the database is whole and migrated');
  db.close();
  t.notOk(existsSync(join(dataDir, 'run', 'daemon.json')), 'no stale runtime file');

  writeFileSync(cfg, JSON.stringify(goodConfig('/sys/trousse-data', port)));
  const ro = trousse(['serve', '--config', cfg]);
  t.equal(ro.status, 1);
  t.match(ro.stderr, /Le dossier de données \/sys\/trousse-data n’est pas utilisable en écriture/);
});

t.test('a DC that fails to provision: clear message, nothing half-written, the next start provisions', async (t) => {
  const dir = tempDir(t);
  const fakeBin = join(dir, 'bin');
  mkdirSync(fakeBin);
  // a samba-tool that writes part of a domain, then fails (as a full disk or a bad package would)
  writeFileSync(
    join(fakeBin, 'samba-tool'),
    '#!/bin/sh\nfor a in "$@"; do case "$a" in --targetdir=*) d="${a#--targetdir=}"; mkdir -p "$d/private"; echo x > "$d/private/sam.ldb";; esac; done\necho "ERROR(runtime): provision failed: No space left on device" >&2\nexit 255\n',
  );
  chmodSync(join(fakeBin, 'samba-tool'), 0o755);
  const data = join(dir, 'demo');
  const port = await freePort();
  const failed = trousse(['demo', '--data', data, '--port', String(port)], { PATH: `${fakeBin}:${process.env.PATH}`, TROUSSE_LOG_LEVEL: 'warn' });
  t.equal(failed.status, 1);
  t.match(failed.stderr, /La création du domaine MOULIN-DEMO\.LAN a échoué.*No space left on device/s);
  t.match(failed.stderr, /Rien n’a été conservé/);
  t.notOk(existsSync(join(data, 'samba')), 'the half-provisioned domain was removed');
  t.notOk(existsSync(join(data, 'run', 'daemon.json')), 'no stale runtime file');
});

/** `trousse import` (dry run, then --apply) and `trousse sheets` on the demo school. */
function importCli(data: string) {
  const dir = join(data, '..', 'imports');
  mkdirSync(dir, { recursive: true });
  const school = makeSchool({ seed: 77, uai: '0751234A', classes: 4, pupils: 20, teachers: 3, staff: 0, homonyms: 0 });
  const siecle = join(dir, 'ElevesSansAdresses.xml');
  const sts = join(dir, stsFileName(school));
  writeFileSync(siecle, siecleXml(school, { encoding: 'ISO-8859-15' }));
  writeFileSync(sts, stsXml(school));
  const other = join(dir, 'autre.xml');
  writeFileSync(other, siecleXml(makeSchool({ seed: 78, uai: '0111111A', classes: 4, pupils: 4 })));
  const csv = join(dir, 'nouveaux.csv');
  const pdf = join(dir, '6A.pdf');
  return {
    school,
    csv,
    pdf,
    dry: trousse(['import', siecle, sts, '--data', data]),
    wrongSchool: trousse(['import', other, '--data', data]),
    apply: trousse(['import', siecle, sts, '--apply', '--passwords-csv', csv, '--data', data]),
    sheets: trousse(['sheets', '--class', school.classes[0] as string, '--out', pdf, '--data', data]),
  };
}

async function runDemoOnce(t: Test, data: string, port: number, sig: NodeJS.Signals) {
  const child = spawn(process.execPath, [BIN, 'demo', '--data', data, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TROUSSE_LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const ms = await waitReady(url, 120_000, child.pid as number);
  // the demo school is seeded right after readiness
  const deadline = Date.now() + 20_000;
  while (!existsSync(join(data, 'demo-accounts.json')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const credFile = join(data, 'credentials.json');
  const creds = JSON.parse(readFileSync(credFile, 'utf8')) as { url: string; admin: { login: string; password: string }; apiToken: string };
  const mode = statSync(credFile).mode & 0o777;
  const status = trousse(['status', '--data', data]);
  const cli = {
    list: trousse(['users', 'list', '--data', data, '--classe', '6A']),
    reset: trousse(['users', 'reset-password', 'zoe.lefevre', '--data', data, '--changer']),
    show: trousse(['users', 'show', 'zoe.lefevre', '--data', data]),
    missing: trousse(['users', 'show', 'personne', '--data', data]),
    ...importCli(data),
  };
  const smbConf = join(data, 'samba/etc/smb.conf');
  const sambaBefore = instanceProcesses(smbConf).length;
  child.kill(sig);
  const code = await exited;
  await new Promise((r) => setTimeout(r, 500));
  const left = instanceProcesses(smbConf);
  t.comment(`demo ready in ${ms} ms`);
  return { creds, mode, code, left, sambaBefore, status, out, url, cli };
}

t.test('trousse demo: runs the appliance, writes credentials, reuses DIR, stops with nothing left', async (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'demo');
  const port = await freePort();
  const first = await runDemoOnce(t, data, port, 'SIGINT');
  t.equal(first.mode, 0o600, 'credentials.json is 0600');
  t.same(Object.keys(first.creds).sort(), ['admin', 'apiToken', 'url']);
  t.equal(first.creds.url, first.url);
  t.equal(first.creds.admin.login, 'admin');
  t.ok(first.creds.admin.password.length >= 12);
  t.match(first.creds.apiToken, /^trs_/);
  t.equal(first.status.status, 0, 'trousse status: ready');
  t.match(first.status.stdout, /Contrôleur de domaine : en service, LDAPS joignable/);
  t.ok(first.sambaBefore > 0, 'samba was running');
  t.equal(first.code, 0, 'exit 0 on SIGINT');
  t.same(first.left, [], 'no samba process left after SIGINT');
  const accounts = JSON.parse(readFileSync(join(data, 'demo-accounts.json'), 'utf8')) as { login: string; profile: string }[];
  t.ok(accounts.some((a) => a.profile === 'enseignant') && accounts.some((a) => a.profile === 'eleve'), 'demo classes and accounts');
  t.equal(first.cli.list.status, 0, 'trousse users list');
  t.match(first.cli.list.stdout, /zoe\.lefevre\s+Zoé Lefèvre\s+élève\s+6A\s+actif/);
  t.match(first.cli.list.stdout, /6 compte\(s\) — page 1 sur 1/);
  t.equal(first.cli.reset.status, 0, 'trousse users reset-password');
  t.match(first.cli.reset.stdout, /Nouveau mot de passe de zoe\.lefevre : [A-Z][a-z]+[2-9]{2} \(à changer à la prochaine connexion\)/);
  t.match(first.cli.show.stdout, /doit changer son mot de passe/);
  t.equal(first.cli.missing.status, 1, 'an unknown account: exit 1');
  t.match(first.cli.missing.stderr, /Aucun compte « personne »/);
  const people = first.cli.school.pupils.length + first.cli.school.teachers.length;
  t.equal(first.cli.dry.status, 0, 'trousse import (dry run)');
  t.match(first.cli.dry.stdout, /SIECLE — élèves.*UAI 0751234A/);
  t.match(first.cli.dry.stdout, new RegExp(`À créer\\s+${people}`), 'the diff counts the accounts to create');
  t.match(first.cli.dry.stdout, /Rien n’a été modifié \(essai\)/);
  t.equal(first.cli.wrongSchool.status, 1, 'another school’s file: exit 1');
  t.match(first.cli.wrongSchool.stderr, /autre établissement \(UAI 0111111A\)/);
  t.equal(first.cli.apply.status, 0, `trousse import --apply: ${first.cli.apply.stderr}`);
  t.match(first.cli.apply.stdout, /appliqué/);
  t.equal(statSync(first.cli.csv).mode & 0o777, 0o600, 'the passwords CSV is private');
  const lines = readFileSync(first.cli.csv, 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/);
  t.equal(lines[0], 'login;password;class;name');
  t.equal(lines.length - 1, people, 'one line per new account');
  t.equal(first.cli.sheets.status, 0, `trousse sheets: ${first.cli.sheets.stderr}`);
  t.equal(readFileSync(first.cli.pdf).subarray(0, 5).toString(), '%PDF-', 'the sheets PDF is written');
  const audit = openDb(join(data, 'trousse.db')).db;
  t.ok(
    audit.prepare("SELECT 1 FROM audit_log WHERE action = 'directory.password-reset' AND target = 'zoe.lefevre' AND actor LIKE 'token:%'").get(),
    'the CLI’s reset is audited (through the API, with its token)',
  );
  audit.close();

  const port2 = await freePort();
  const second = await runDemoOnce(t, data, port2, 'SIGTERM');
  t.same(second.creds.admin, first.creds.admin, 'the same admin account is reused');
  t.equal(second.creds.apiToken, first.creds.apiToken, 'the same API token is reused');
  t.equal(second.creds.url, `http://127.0.0.1:${port2}`);
  t.equal(second.code, 0, 'exit 0 on SIGTERM');
  t.same(second.left, [], 'no samba process left after SIGTERM');
  const status = trousse(['status', '--data', data]);
  t.equal(status.status, 2, 'status: nothing running any more');
});
