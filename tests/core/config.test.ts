import t from 'tap';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../../daemon/src/core/config.ts';
import { StartupError } from '../../daemon/src/core/errors.ts';
import { tempDir } from '../helpers.ts';

const valid = { school: { uai: '0751234A', name: 'Collège Jean Moulin' }, dataDir: '/var/lib/trousse' };

function messageOf(input: unknown): string {
  try {
    parseConfig(input, '/etc/trousse');
  } catch (err) {
    t.ok(err instanceof StartupError, 'a StartupError');
    t.equal((err as StartupError).code, 'CONFIG_INVALID');
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

t.test('a minimal config gets every default', async (t) => {
  const c = parseConfig(valid, '/etc/trousse');
  t.equal(c.http.port, 8080);
  t.equal(c.http.host, '127.0.0.1');
  t.equal(c.dc.managed, true);
  t.same(c.dc.interfaces, ['lo']);
  t.equal(c.dc.ldapUrl, 'ldaps://127.0.0.1:636');
  t.equal(c.auth.lockout.maxFailures, 5);
  t.equal(c.auth.teacherGroup, 'enseignants');
  t.equal(c.log.level, 'info');
});

t.test('relative paths are resolved against the config file folder; unmanaged mode defaults to /etc/samba', async (t) => {
  const c = parseConfig({ ...valid, dataDir: 'donnees', dc: { managed: false, caFile: 'ca.pem' } }, '/etc/trousse');
  t.equal(c.dataDir, '/etc/trousse/donnees');
  t.equal(c.dc.caFile, '/etc/trousse/ca.pem');
  t.equal(c.dc.smbConf, '/etc/samba/smb.conf');
});

t.test('each bad config names the key and what is expected', async (t) => {
  t.match(messageOf({ ...valid, bogus: 1 }), /clé inconnue « bogus »/);
  t.match(messageOf({ ...valid, http: { prot: 80 } }), /clé inconnue « http\.prot ».*clés permises ici : host, port, secureCookies/s);
  t.match(messageOf({ dataDir: '/x' }), /clé obligatoire manquante « school »/);
  t.match(messageOf({ ...valid, school: { name: 'X' } }), /clé obligatoire manquante « school\.uai »/);
  t.match(messageOf({ ...valid, http: { port: 'huit mille' } }), /« http\.port » doit être un nombre entier \(valeur lue : "huit mille"\)/);
  t.match(messageOf({ ...valid, http: { port: 70000 } }), /« http\.port » doit être au plus 65535/);
  t.match(messageOf({ ...valid, school: { uai: '751234A', name: 'X' } }), /« school\.uai » n'a pas la forme attendue \(7 chiffres suivis d’une lettre/);
  t.match(messageOf({ ...valid, log: { level: 'bavard' } }), /« log\.level » doit valoir l'une de ces valeurs : "fatal", "error"/);
  t.match(messageOf({ ...valid, dc: { managed: 'oui' } }), /« dc\.managed » doit être true ou false/);
  t.match(messageOf({ ...valid, dc: { ldapUrl: 'ldap://127.0.0.1' } }), /« dc\.ldapUrl » n'a pas la forme attendue \(une adresse ldaps:\/\//);
  t.match(messageOf({ ...valid, dc: { interfaces: [] } }), /« dc\.interfaces » doit contenir au moins 1 élément/);
  t.match(messageOf({ ...valid, school: { uai: '0751234A', name: '' } }), /« school\.name » ne doit pas être vide/);
  t.match(messageOf({ ...valid, auth: { lockout: { maxFailures: 0 } } }), /« auth\.lockout\.maxFailures » doit être au moins 1/);
  t.match(messageOf([]), /« \(racine\) » doit être un objet/);
});

t.test('several problems are all reported at once', async (t) => {
  const msg = messageOf({ school: { uai: 'x', name: 'y' }, dataDir: '/d', http: { port: -1 }, extra: true });
  t.match(msg, /school\.uai/);
  t.match(msg, /http\.port/);
  t.match(msg, /extra/);
});

t.test('config files: missing, unreadable, not JSON', async (t) => {
  const dir = tempDir(t);
  t.throws(() => loadConfigFile(join(dir, 'absent.json')), { code: 'CONFIG_UNREADABLE', message: /le fichier n’existe pas/ });
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ "school": { "uai": "0751234A", }');
  t.throws(() => loadConfigFile(broken), { code: 'CONFIG_SYNTAX', message: /n’est pas du JSON valide/ });
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ ...valid, dataDir: 'data' }));
  t.equal(loadConfigFile(good).dataDir, join(dir, 'data'));
  if (process.getuid?.() !== 0) {
    chmodSync(good, 0o000);
    t.throws(() => loadConfigFile(good), { code: 'CONFIG_UNREADABLE' });
  }
});
