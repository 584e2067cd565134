/**
 * Shutting PCs down. Windows: the dedicated account and its GPO are created in the real DC and
 * read back; `net rpc shutdown` runs with the account against the DC's own RPC server (which
 * refuses it: a DC is not a PC). Linux: a real sshd accepts the server's key only for the
 * forced command of the authorized_keys line Trousse generates.
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import t from 'tap';
import type { Device } from '../../daemon/src/devices/model.ts';
import { login, startTestApp, tempDir, apiClient } from '../helpers.ts';

const app = await startTestApp(t, { devices: { enabled: true, notifyPort: 0, searchBindPort: 0 } });
const admin = await login(app);
const api = apiClient(app, admin);

interface ShutdownInfo {
  windows: { account: string; ready: boolean; gpo: string | null; problem: string | null };
  linux: { user: string; publicKey: string; authorizedKeysLine: string };
}

t.test('Windows: a dedicated account with only the shutdown right, through a GPO', async (t) => {
  const setup = await api<ShutdownInfo>('POST', '/devices/shutdown/windows/setup');
  t.equal(setup.status, 200, JSON.stringify(setup.body));
  t.equal(setup.body.windows.ready, true, setup.body.windows.problem ?? '');
  t.match(setup.body.windows.account, /\\trousse-extinction$/);
  const guid = setup.body.windows.gpo;
  t.match(guid, /^\{[0-9A-F-]{36}\}$/i);

  const base = app.dc.identity.baseDn;
  const [account] = await app.dc.ldap.search(base, { scope: 'sub', filter: '(sAMAccountName=trousse-extinction)', attributes: ['memberOf', 'userAccountControl', 'objectSid'], explicitBufferAttributes: ['objectSid'] });
  t.ok(account, 'the account exists');
  t.match(account?.dn, /^CN=trousse-extinction,CN=Users,/i, 'outside the school OU (imports never touch it)');
  t.same([account?.memberOf ?? []].flat(), [], 'member of no group (Domain Users is only its primary group)');
  const secrets = join(app.config.dataDir, 'secrets');
  const password = readFileSync(join(secrets, 'shutdown-account.password'), 'utf8').trim();
  t.equal(statSync(join(secrets, 'shutdown-account.auth')).mode & 0o777, 0o600, 'the net authentication file is private');
  t.equal(await app.dc.ldap.checkPassword(`trousse-extinction@${app.dc.identity.realm}`, password), 'ok', 'its password works');

  const [root] = await app.dc.ldap.search(base, { scope: 'base', filter: '(objectClass=*)', attributes: ['gPLink'] });
  t.match(String(root?.gPLink), new RegExp(String(guid).replace(/[{}]/g, '\\$&'), 'i'), 'linked to the domain');
  const [gpo] = await app.dc.ldap.search(`CN=Policies,CN=System,${base}`, { scope: 'one', filter: `(cn=${guid})`, attributes: ['gPCMachineExtensionNames', 'versionNumber', 'displayName'] });
  t.match(String(gpo?.gPCMachineExtensionNames), /827D319E-6EAC-11D2-A4EA-00C04F79F83A/, 'the security settings extension is declared');
  t.ok(Number(gpo?.versionNumber) > 0, 'version raised so that PCs apply it');
  const sysvol = execFileSync('testparm', ['-s', '--section-name=sysvol', '--parameter-name=path', app.dc.paths.smbConf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const inf = readFileSync(join(sysvol, app.dc.identity.realm.toLowerCase(), 'Policies', String(guid), 'Machine/Microsoft/Windows NT/SecEdit/GptTmpl.inf'));
  t.same([...inf.subarray(0, 2)], [0xff, 0xfe], 'UTF-16 with its byte-order mark, as Windows writes it');
  const text = inf.toString('utf16le');
  const sid = (await app.dc.sids(['trousse-extinction'])).get('trousse-extinction');
  t.match(text, `SeRemoteShutdownPrivilege = *S-1-5-32-544,*${sid}`, 'shutdown right: Administrators and the account');
  t.match(text, `SeDenyInteractiveLogonRight = *${sid}`, 'the account can never open a session on a PC');

  const again = await api<ShutdownInfo>('POST', '/devices/shutdown/windows/setup');
  t.equal(again.body.windows.gpo, guid, 'idempotent: the same GPO');
  const [gpo2] = await app.dc.ldap.search(`CN=Policies,CN=System,${base}`, { scope: 'one', filter: `(cn=${guid})`, attributes: ['versionNumber'] });
  t.equal(gpo2?.versionNumber, gpo?.versionNumber, 'nothing rewritten the second time');

  // net rpc shutdown with that account, against the DC's own RPC server (it refuses: a DC is not a PC)
  const pc = (await api<Device>('POST', '/devices', { kind: 'pc', name: 'PC-WIN-1', host: '127.0.0.1', os: 'windows' })).body;
  const r = await api<{ ok: boolean; message: string }>('POST', `/devices/${pc.id}/actions`, { action: 'shutdown' });
  t.equal(r.body.ok, false);
  t.match(r.body.message, /Accès refusé par le poste/, 'WERR_ACCESS_DENIED explained in French');
  t.notMatch(JSON.stringify(app.journal.latest(20)), password, 'the password is never journaled');
  const noOs = (await api<Device>('POST', '/devices', { kind: 'pc', name: 'PC-SANS-OS', host: '127.0.0.1' })).body;
  t.match((await api<{ ok: boolean; message: string }>('POST', `/devices/${noOs.id}/actions`, { action: 'shutdown' })).body, { ok: false, message: /Windows ou Linux/ });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

t.test('Linux: a key that runs only the forced command', { skip: existsSync('/usr/sbin/sshd') ? false : 'openssh-server is not installed' }, async (t) => {
  const info = await api<ShutdownInfo>('GET', '/devices/shutdown');
  const line = info.body.linux.authorizedKeysLine;
  t.match(line, /^restrict,/, 'no pty, no forwarding');
  t.match(line, /command="case \\"\$SSH_ORIGINAL_COMMAND\\" in reboot\) exec \/usr\/bin\/systemctl reboot ;; \*\) exec \/usr\/bin\/systemctl poweroff ;; esac"/);
  t.match(line, /ssh-ed25519 AAAA\S+ trousse-extinction@/);
  const addresses = app.devices.serverAddresses();
  if (addresses.length > 0) t.match(line, `from="${addresses.join(',')}"`, 'only from the server');

  // a PC: sshd with that line, its command swapped for one that records what was asked
  const dir = tempDir(t, 'trousse-sshd-');
  const marker = join(dir, 'asked');
  const hostKey = join(dir, 'host_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const keys = join(dir, 'authorized_keys');
  writeFileSync(keys, `${line.replace(/command="(?:[^"\\]|\\.)*"/, `command="echo $SSH_ORIGINAL_COMMAND >> ${marker}"`)}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [`Port ${port}`, 'ListenAddress 0.0.0.0', `HostKey ${hostKey}`, `AuthorizedKeysFile ${keys}`, 'PermitRootLogin forced-commands-only', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', `PidFile ${join(dir, 'pid')}`, ''].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true });
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  sshd.stderr.on('data', (d: Buffer) => {
    log += d.toString();
  });
  t.teardown(() => {
    sshd.kill();
  });
  for (let i = 0; i < 50 && !/Server listening/.test(log); i++) await new Promise((r) => setTimeout(r, 100));
  t.match(log, /Server listening/, 'sshd is up');

  await api('PUT', '/devices/settings', { sshPort: port, sshUser: 'root' });
  const host = addresses[0] ?? '127.0.0.1';
  const pc = (await api<Device>('POST', '/devices', { kind: 'pc', name: 'PC-LINUX-1', host, os: 'linux' })).body;
  const off = await api<{ ok: boolean; message: string }>('POST', `/devices/${pc.id}/actions`, { action: 'shutdown' });
  t.match(off.body, { ok: true, message: 'Extinction demandée.' });
  const reboot = await api<{ ok: boolean; message: string }>('POST', `/devices/${pc.id}/actions`, { action: 'shutdown', reboot: true });
  t.match(reboot.body, { ok: true, message: 'Redémarrage demandé.' });
  t.same(readFileSync(marker, 'utf8').trim().split('\n'), ['poweroff', 'reboot'], 'the PC was asked exactly that, through the forced command');

  writeFileSync(keys, '\n');
  const refused = await api<{ ok: boolean; message: string }>('POST', `/devices/${pc.id}/actions`, { action: 'shutdown' });
  t.match(refused.body, { ok: false, message: /refuse la clé/ }, 'a PC without the line refuses, and the message says what to do');
});
