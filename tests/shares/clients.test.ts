import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import t from 'tap';
import { type ClientSite, checkSssdConf, escapeXml, pamMountConf, sssdConf, validateClientSite, windowsSettings } from '../../daemon/src/shares/clients.ts';

const site: ClientSite = {
  realm: 'CLG-MOULIN.LAN',
  dnsDomain: 'clg-moulin.lan',
  netbiosName: 'CLG-MOULIN',
  serverHost: 'trousse',
  serverAddress: '10.20.0.1',
  baseDn: 'DC=clg-moulin,DC=lan',
  homeShare: 'perso',
  profileShare: 'profiles$',
  homeDrive: 'H:',
};

// ---------------------------------------------------------------------------------------------
// A tiny INI reader (sssd.conf) and a strict XML well-formedness checker (pam_mount.conf.xml).

function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      const name = sec[1] as string;
      if (sections.has(name)) throw new Error(`duplicate section [${name}]`);
      current = new Map();
      sections.set(name, current);
      continue;
    }
    const kv = /^([a-z0-9_]+) = (.*)$/.exec(line);
    if (!kv || !current) throw new Error(`line ${i + 1} is not "key = value" inside a section: ${raw}`);
    const key = kv[1] as string;
    if (current.has(key)) throw new Error(`duplicate key ${key}`);
    current.set(key, kv[2] as string);
  }
  return sections;
}

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string, where: string): string {
  if (/[<]/.test(s)) throw new Error(`raw "<" in ${where}`);
  return s.replace(/&([^;]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) throw new Error(`bare "&" in ${where}`);
    const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
    if (numeric) return String.fromCodePoint(Number(name.startsWith('#x') ? `0x${name.slice(2)}` : name.slice(1)));
    const v = ENTITIES[name];
    if (v === undefined) throw new Error(`unknown entity &${name}; in ${where}`);
    return v;
  });
}

/** Throws on anything that is not well-formed XML 1.0 (subset: no CDATA, no internal DTD subset). */
function parseXml(text: string): XmlElement {
  let pos = 0;
  const fail = (msg: string): never => {
    throw new Error(`${msg} at offset ${pos}: ${JSON.stringify(text.slice(pos, pos + 40))}`);
  };
  const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
  const readName = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) return fail('name expected');
    pos = NAME.lastIndex;
    return m[0];
  };
  const skipWs = () => {
    while (pos < text.length && /\s/.test(text[pos] as string)) pos++;
  };
  const comment = () => {
    const end = text.indexOf('-->', pos + 4);
    if (end < 0) fail('unterminated comment');
    const body = text.slice(pos + 4, end);
    if (body.includes('--') || body.endsWith('-')) fail('"--" inside a comment');
    pos = end + 3;
  };
  const misc = () => {
    for (;;) {
      skipWs();
      if (text.startsWith('<!--', pos)) comment();
      else if (text.startsWith('<?', pos) && !text.startsWith('<?xml ', pos)) {
        const end = text.indexOf('?>', pos);
        if (end < 0) fail('unterminated PI');
        pos = end + 2;
      } else return;
    }
  };
  if (text.startsWith('<?xml ')) {
    const end = text.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    if (!/^<\?xml version="1\.0"( encoding="[A-Za-z0-9._-]+")?( standalone="(yes|no)")? ?\?>$/.test(text.slice(0, end + 2))) fail('bad XML declaration');
    pos = end + 2;
  }
  misc();
  if (text.startsWith('<!DOCTYPE', pos)) {
    const end = text.indexOf('>', pos);
    if (end < 0 || text.slice(pos, end).includes('[')) fail('unsupported DOCTYPE');
    pos = end + 1;
    misc();
  }
  const element = (): XmlElement => {
    if (text[pos] !== '<') fail('element expected');
    pos++;
    const name = readName();
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = pos;
      skipWs();
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return { name, attrs, children: [] };
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) fail('whitespace expected before attribute');
      const attr = readName();
      if (attr in attrs) fail(`duplicate attribute ${attr}`);
      skipWs();
      if (text[pos] !== '=') fail('"=" expected');
      pos++;
      skipWs();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") return fail('quoted value expected');
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) fail('unterminated attribute value');
      attrs[attr] = decodeEntities(text.slice(pos + 1, end), `attribute ${attr}`);
      pos = end + 1;
    }
    const children: XmlElement[] = [];
    for (;;) {
      const lt = text.indexOf('<', pos);
      if (lt < 0) fail(`unclosed <${name}>`);
      decodeEntities(text.slice(pos, lt), `text of <${name}>`);
      pos = lt;
      if (text.startsWith('<!--', pos)) comment();
      else if (text.startsWith('</', pos)) {
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        skipWs();
        if (text[pos] !== '>') fail('">" expected');
        pos++;
        return { name, attrs, children };
      } else if (text.startsWith('<!', pos) || text.startsWith('<?', pos)) fail('unsupported markup');
      else children.push(element());
    }
  };
  const root = element();
  misc();
  if (pos !== text.length) fail('content after the root element');
  return root;
}

// ---------------------------------------------------------------------------------------------

t.test('the XML checker itself rejects what it must', async (t) => {
  t.same(parseXml('<a x="1 &amp; 2"><b/><!-- c --></a>'), { name: 'a', attrs: { x: '1 & 2' }, children: [{ name: 'b', attrs: {}, children: [] }] });
  t.throws(() => parseXml('<a><b></a>'), /closes/);
  t.throws(() => parseXml('<a x="1 & 2"/>'), /bare "&"/);
  t.throws(() => parseXml('<a x="<"/>'), /raw "<"/);
  t.throws(() => parseXml('<a><!-- x -- y --></a>'), /"--" inside a comment/);
  t.throws(() => parseXml('<a/><b/>'), /after the root/);
  t.throws(() => parseXml('<a x="1" x="2"/>'), /duplicate attribute/);
  t.throws(() => parseIni('[sssd]\nno equal sign\n'), /not "key = value"/);
});

t.test('sssd.conf for a classroom PC: sections and keys', async (t) => {
  const text = sssdConf(site);
  const ini = parseIni(text);
  t.same([...ini.keys()], ['sssd', 'domain/clg-moulin.lan']);
  const sssd = ini.get('sssd');
  t.equal(sssd?.get('services'), 'nss, pam');
  t.equal(sssd?.get('config_file_version'), '2');
  t.equal(sssd?.get('domains'), 'clg-moulin.lan');
  const dom = ini.get('domain/clg-moulin.lan');
  const expected: Record<string, string> = {
    id_provider: 'ad',
    access_provider: 'ad',
    ad_domain: 'clg-moulin.lan',
    krb5_realm: 'CLG-MOULIN.LAN',
    ad_server: 'trousse.clg-moulin.lan',
    cache_credentials: 'True',
    ldap_id_mapping: 'False',
    use_fully_qualified_names: 'False',
    fallback_homedir: '/home/%u',
    override_homedir: '/home/%u',
    default_shell: '/bin/bash',
  };
  for (const [k, v] of Object.entries(expected)) t.equal(dom?.get(k), v, k);
  // The French header says what the file is, where it goes, how to join, and the 0600 rule.
  t.match(text, /^# \/etc\/sssd\/sssd\.conf/);
  t.match(text, /Généré par Trousse pour le domaine CLG-MOULIN\.LAN/);
  t.match(text, /chmod 0600 \/etc\/sssd\/sssd\.conf/);
  t.match(text, /sssd refuse de démarrer si ce fichier n'appartient pas à root ou n'est pas en mode 0600/);
  t.match(text, /realm join --user=Administrator clg-moulin\.lan/);
  t.match(text, /adcli join --domain=clg-moulin\.lan --domain-controller=trousse\.clg-moulin\.lan/);
  t.match(text, /nameserver 10\.20\.0\.1/);
  t.match(sssdConf({ ...site, serverAddress: null }), /nameserver <adresse IP de trousse\.clg-moulin\.lan>/);
  // Only comments before the first section.
  const beforeFirst = text.slice(0, text.indexOf('[sssd]'));
  t.ok(beforeFirst.split('\n').every((l) => l === '' || l.startsWith('#')), 'header is comments only');
});

t.test('pam_mount.conf.xml is well-formed and mounts the home share in ~/Reseau', async (t) => {
  const xml = pamMountConf(site);
  const root = parseXml(xml);
  t.equal(root.name, 'pam_mount');
  // Element order required by pam_mount.conf.xml.dtd (debug?, volume*, luserconf?, mntoptions*, path?, logout?, mkmountpoint?).
  t.same(
    root.children.map((c) => c.name),
    ['debug', 'volume', 'mntoptions', 'mntoptions', 'logout', 'mkmountpoint'],
  );
  const volumes = root.children.filter((c) => c.name === 'volume');
  t.equal(volumes.length, 1, 'one active volume (the class share is a commented example)');
  t.same(volumes[0]?.attrs, {
    fstype: 'cifs',
    server: 'trousse.clg-moulin.lan',
    path: 'perso/%(USER)',
    mountpoint: '~/Reseau',
    options: 'sec=krb5i,cruid=%(USERUID),vers=3.0,nodev,nosuid,uid=%(USERUID),gid=%(USERGID)',
  });
  t.same(root.children.find((c) => c.name === 'mkmountpoint')?.attrs, { enable: '1', remove: 'true' });
  t.same(root.children.find((c) => c.name === 'logout')?.attrs, { wait: '0', hup: 'no', term: 'no', kill: 'no' });
  t.notOk(volumes.some((v) => v.attrs.mountpoint === '~'), 'never mounts over the whole home');
  t.match(xml, /<!-- Exemple[\s\S]*<volume fstype="cifs" server="trousse\.clg-moulin\.lan" path="classes" mountpoint="~\/Classes"[\s\S]*-->/);
  t.match(xml, /\/etc\/pam\.d\/common-auth\s+auth\s+optional\s+pam_mount\.so/);
  t.match(xml, /\/etc\/pam\.d\/common-session\s+session\s+optional\s+pam_mount\.so/);
  t.match(xml, /\\\\trousse\\perso\\<identifiant>/);
  // The optional second opinion, only where xmllint happens to be installed (not a dependency).
  const xmllint = spawnSync('sh', ['-c', 'command -v xmllint'], { encoding: 'utf8' }).stdout.trim();
  if (xmllint) {
    const r = spawnSync(xmllint, ['--noout', '--nonet', '-'], { input: xml, encoding: 'utf8' });
    t.equal(r.status, 0, `xmllint: ${r.stderr}`);
  }
});

t.test('escaping and validation of the site values', async (t) => {
  t.equal(escapeXml(`a&b<c>"d'`), 'a&amp;b&lt;c&gt;&quot;d&apos;');
  const bad: [keyof ClientSite, unknown][] = [
    ['serverHost', 'trousse"><volume path="/'],
    ['serverHost', 'tr ousse'],
    ['serverHost', 'trousse.clg-moulin.lan'],
    ['serverHost', '-trousse'],
    ['homeShare', 'perso/../etc'],
    ['homeShare', 'perso\nid_provider = files'],
    ['homeShare', '..'],
    ['homeShare', ''],
    ['profileShare', 'profiles$ x'],
    ['profileShare', 'a--b'],
    ['realm', 'clg-moulin.lan'],
    ['realm', 'AUTRE.LAN'],
    ['realm', 'CLG-MOULIN.LAN]\n[sssd'],
    ['dnsDomain', 'clg_moulin'],
    ['dnsDomain', 'clg-moulin.lan&'],
    ['netbiosName', 'CLG MOULIN'],
    ['netbiosName', 'CLG-MOULIN-DE-PARIS'],
    ['baseDn', 'DC=autre,DC=lan'],
    ['baseDn', 'DC=clg-moulin,DC=lan)(x=*'],
    ['homeDrive', 'C:'],
    ['homeDrive', 'HH:'],
    ['homeDrive', 'H'],
    ['serverAddress', '10.20.0.999'],
    ['serverAddress', 'trousse'],
  ];
  for (const [field, value] of bad) {
    const s = { ...site, [field]: value } as ClientSite;
    t.throws(() => validateClientSite(s), { code: 'CLIENT_SITE_INVALID', details: { field } }, `${field} = ${JSON.stringify(value)}`);
    t.throws(() => sssdConf(s), { code: 'CLIENT_SITE_INVALID' });
    t.throws(() => pamMountConf(s), { code: 'CLIENT_SITE_INVALID' });
    t.throws(() => windowsSettings(s), { code: 'CLIENT_SITE_INVALID' });
  }
  // Accepted variants.
  t.doesNotThrow(() => validateClientSite({ ...site, serverAddress: null }));
  t.doesNotThrow(() => validateClientSite({ ...site, serverAddress: 'fd00::1' }));
  t.doesNotThrow(() => validateClientSite({ ...site, baseDn: 'dc=clg-moulin,dc=lan', homeDrive: 'p:' }));
  t.doesNotThrow(() => validateClientSite({ ...site, homeShare: 'home_2', profileShare: 'profils.v6$' }));
});

t.test('Windows settings: UNC patterns, drive, redirections, exclusions', async (t) => {
  const w = windowsSettings({ ...site, homeDrive: 'p:' });
  t.equal(w.homeDirectoryPattern, '\\\\trousse\\perso\\%USERNAME%');
  t.equal(w.profilePathPattern, '\\\\trousse\\profiles$\\%USERNAME%');
  t.equal(w.homeDrive, 'P:');
  t.same(
    w.redirections.map((r) => [r.folder, r.knownFolder, r.target]),
    [
      ['Bureau', 'Desktop', '\\\\trousse\\perso\\%USERNAME%\\Bureau'],
      ['Documents', 'Documents', '\\\\trousse\\perso\\%USERNAME%\\Documents'],
      ['Téléchargements', 'Downloads', '\\\\trousse\\perso\\%USERNAME%\\Telechargements'],
      ['Images', 'Pictures', '\\\\trousse\\perso\\%USERNAME%\\Images'],
      ['AppData (Roaming)', 'AppData (Roaming)', '\\\\trousse\\perso\\%USERNAME%\\AppData\\Roaming'],
    ],
  );
  t.notOk(w.profilePathPattern.includes('.V6'), 'Windows adds the version suffix itself');
  t.ok(w.excludeProfileDirs.length > 0);
  t.ok(
    w.excludeProfileDirs.every((d) => !d.includes(';') && !d.startsWith('\\') && !/^AppData\\Roaming/i.test(d)),
    'relative to the profile, ";"-joinable, AppData\\Roaming is redirected rather than excluded',
  );
  t.equal(windowsSettings(site).homeDrive, 'H:');
});

const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('trousse-sssd-')));
const haveSssctl = ['/usr/sbin/sssctl', '/usr/bin/sssctl', '/sbin/sssctl'].some((p) => existsSync(p));

t.test('checkSssdConf returns null when sssctl is not installed', async (t) => {
  t.equal(await checkSssdConf(sssdConf(site), { sssctl: '/nonexistent/sbin/sssctl' }), null);
});

t.test('checkSssdConf: the real sssctl config-check accepts the generated file and rejects broken ones', async (t) => {
  if (!haveSssctl) {
    t.fail('sssctl not found: install the Debian package sssd-tools (scripts/setup.sh installs it)');
    return;
  }
  t.equal(process.getuid?.(), 0, 'sssctl requires a root:root 0600 file: the test runs as root');
  const good = await checkSssdConf(sssdConf(site));
  t.ok(good, 'sssctl found');
  t.equal(good?.ok, true, good?.output ?? '');
  t.match(good?.output ?? '', /Issues identified by validators: 0/);
  t.notMatch(good?.output ?? '', /trousse-sssd-/, 'the temp path is not shown');

  const text = sssdConf(site);
  const unknownOption = await checkSssdConf(text.replace('default_shell = /bin/bash', 'default_shel = /bin/bash'));
  t.equal(unknownOption?.ok, false);
  t.match(unknownOption?.output ?? '', /Attribute 'default_shel' is not allowed in section 'domain\/clg-moulin\.lan'/);

  const badSection = await checkSssdConf(text.replace('[domain/clg-moulin.lan]', '[domian/clg-moulin.lan]'));
  t.equal(badSection?.ok, false);
  t.match(badSection?.output ?? '', /Section \[domian\/clg-moulin\.lan\] is not allowed/);

  const notIni = await checkSssdConf(`${text}this line has no equal sign\n`);
  t.equal(notIni?.ok, false);
  t.match(notIni?.output ?? '', /Failed to (load|parse) configuration/);

  // NB: a missing [sssd] section is NOT rejected by sssctl 2.8 (domains are then implicit):
  // the structural test above is what guarantees it is there.

  const after = readdirSync(tmpdir()).filter((n) => n.startsWith('trousse-sssd-') && !before.has(n));
  t.same(after, [], 'temp dirs removed');
});
