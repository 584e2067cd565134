import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { Ajv } from 'ajv';
import { SaxesParser } from 'saxes';
import { decodeAgentBody, encodeAgentReply } from '../../daemon/src/inventory/agent/body.ts';
import {
  DEFAULT_VERSIONCLIENT,
  errorReply,
  type FusionRequest,
  fusionToGlpiJson,
  inventoryReply,
  parseFusionRequest,
  prologReply,
} from '../../daemon/src/inventory/agent/fusion-xml.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../daemon/src/inventory/glpi-format/inventory.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);

function valid(t: Test, json: unknown, what: string): void {
  const ok = validate(json);
  t.ok(ok, `${what} validates against inventory.schema.json`, { errors: validate.errors?.slice(0, 5) });
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => v as Rec;
const list = (v: unknown): Rec[] => v as Rec[];

/** A FusionInventory request around some CONTENT. */
const request = (content: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST><CONTENT>${content}</CONTENT><DEVICEID>pc-salle101-03-2026-11-23-09-34-41</DEVICEID><QUERY>INVENTORY</QUERY>${extra}</REQUEST>`;

const MAX = 8 * 1024 * 1024;

/** The text of the first <name> in an XML reply, read back with saxes. */
function replyField(xml: string, name: string): string | null {
  const p = new SaxesParser({ xmlns: false });
  let inside = false;
  let text: string | null = null;
  p.on('opentag', (tag) => {
    if (tag.name === name) {
      inside = true;
      text = '';
    }
  });
  p.on('text', (s) => {
    if (inside) text += s;
  });
  p.on('closetag', (tag) => {
    if (tag.name === name) inside = false;
  });
  p.write(xml).close();
  return text;
}

t.test('the validator is not vacuous', async (t) => {
  const example = JSON.parse(readFileSync(new URL('../../daemon/src/inventory/glpi-format/computer_1.json', import.meta.url), 'utf8'));
  valid(t, example, 'GLPI’s own computer_1.json');
  t.notOk(validate({ deviceid: 'x', content: {} }), 'versionclient is required');
  t.notOk(validate({ deviceid: 'x', content: { versionclient: 'v', hardware: { memory: '24105' } } }), 'memory must be an integer');
  t.notOk(validate({ deviceid: 'x', content: { versionclient: 'v', networks: [{ description: 'eth0', status: 'Up' }] } }), 'status is lower-case');
  t.notOk(validate({ deviceid: 'x', content: { versionclient: 'v', cpus: { name: 'x' } } }), 'cpus is an array');
});

t.test('PROLOG captured from the real agent', async (t) => {
  const req = parseFusionRequest(fixture('fusion-prolog.xml'));
  t.same(req, { deviceId: 'pc-salle101-03-2026-11-23-09-34-41', query: 'PROLOG', tag: null, content: null });
  t.throws(() => fusionToGlpiJson(req), { code: 'INVENTORY_UNSUPPORTED_QUERY', statusCode: 400, message: /PROLOG/ });
  t.equal(parseFusionRequest('<REQUEST><DEVICEID>a</DEVICEID><QUERY> prolog </QUERY></REQUEST>').query, 'PROLOG', 'trimmed, upper-cased');
  t.equal(parseFusionRequest('<REQUEST><DEVICEID>a</DEVICEID></REQUEST>').query, 'INVENTORY', 'QUERY defaults to INVENTORY');
  t.equal(parseFusionRequest('<REQUEST><DEVICEID>a</DEVICEID><QUERY/></REQUEST>').query, 'INVENTORY', 'empty QUERY too');
});

t.test('INVENTORY captured from fusioninventory-agent 2.6 (zlib body) converts and validates', async (t) => {
  const xml = fixture('fusion-inventory.xml');
  const body = zlib.deflateSync(Buffer.from(xml, 'utf8'));
  const decoded = await decodeAgentBody(body, 'application/x-compress-zlib', { maxBytes: MAX });
  t.equal(decoded.format, 'xml');
  const req = parseFusionRequest(decoded.text);
  t.equal(req.deviceId, 'pc-salle101-03-2026-11-23-09-34-41');
  t.equal(req.query, 'INVENTORY');
  t.equal(req.tag, 'salle-101', 'TAG from ACCOUNTINFO');
  const json = fusionToGlpiJson(req);
  valid(t, json, 'the converted inventory');
  t.equal(json.deviceid, req.deviceId);
  t.equal(json.action, 'inventory');
  t.equal(json.tag, 'salle-101');
  const c = json.content;
  t.equal(c.versionclient, 'FusionInventory-Agent_v2.6-3');
  t.notOk('accountinfo' in c, 'ACCOUNTINFO became the tag');

  const cpus = list(c.cpus);
  t.equal(cpus.length, 1, 'a single CPUS is still an array');
  t.equal(cpus[0]?.name, 'Intel(R) Xeon(R) Processor');
  t.equal(cpus[0]?.core, 2);
  t.equal(cpus[0]?.thread, 2);
  t.equal(cpus[0]?.stepping, 2);
  t.equal(cpus[0]?.familynumber, '6', 'a string in the schema stays a string');
  t.equal(cpus[0]?.arch, 'i386');

  const hw = rec(c.hardware);
  t.equal(hw.memory, 24105, 'hardware.memory: integer MB');
  t.equal(hw.name, 'pc-salle101-03');
  for (const gone of ['checksum', 'osname', 'ipaddr', 'processort', 'etime']) t.notOk(gone in hw, `obsolete HARDWARE/${gone.toUpperCase()} dropped`);
  t.same(rec(c.bios), { ssn: 'CZC1234ABC' });

  const xmlSoftwares = xml.match(/<SOFTWARES>/g)?.length ?? 0;
  t.equal(xmlSoftwares, 19);
  const softwares = list(c.softwares);
  t.equal(softwares.length, xmlSoftwares, 'every software');
  t.ok(softwares.every((s) => typeof s.name === 'string' && typeof s.filesize === 'number'));
  t.match(softwares.find((s) => s.name === 'fusioninventory-agent'), { version: '1:2.6-3', publisher: 'Debian', from: 'deb' });

  const networks = list(c.networks);
  t.equal(networks.length, 7);
  t.ok(networks.every((n) => typeof n.description === 'string' && typeof n.mac === 'string' && !('macaddr' in n)), 'MACADDR → mac');
  t.match(networks[4], { description: 'eth0', mac: '52:54:00:12:34:03', ipaddress: '10.1.20.103', status: 'up', type: 'ethernet', virtualdev: false });
  t.match(networks[2], { description: 'ifb0', status: 'down', virtualdev: true, speed: '0' });

  t.same(list(c.drives)[0], { filesystem: 'ext4', free: 78520, total: 258019, type: '/', volumn: '/dev/vda' });
  t.match(list(c.storages)[0], { name: 'vda', disksize: 274877, serial: 'S4X1NE0M123456' });
  t.notOk('serialnumber' in (list(c.storages)[0] ?? {}));
  t.same(c.firewalls, [{ status: 'off' }], 'FIREWALL → firewalls');
  t.same(c.local_groups, [{ id: '103', name: 'ssl-cert', members: ['postgres'] }], 'MEMBER → members (array)');
  t.same(rec(c.accesslog).logdate, '2026-11-23 09:38:55');
  t.match(rec(c.operatingsystem), { boot_time: '2026-11-23 04:40:12', timezone: { name: 'UTC', offset: '+0000' }, version: '12.11' });
  t.same(rec(c.versionprovider).comments, ['Built by Debian', 'Source time: 2022-12-02 16:25']);
  const processes = list(c.processes);
  t.equal(processes.length, 5);
  t.match(processes[0], { cmd: '[kthreadd]', pid: 2, started: '2026-11-23 04:40:00', user: 'root' }, 'seconds added to STARTED');
  t.equal(list(c.controllers).length, 6);
  t.notOk('envs' in c || 'local_users' in c, 'the anonymised fixture has none');
});

t.test('conversion rules on hand-written content', async (t) => {
  const req = parseFusionRequest(
    request(`
    <HARDWARE><MEMORY>8 Go</MEMORY><SWAP></SWAP><NAME>pc-salle101-04</NAME><VERSIONCLIENT>FusionInventory-Agent_v2.3.21</VERSIONCLIENT><UUID>  4C4C4544-0042  </UUID></HARDWARE>
    <BIOS><BDATE>04/01/2014</BDATE><SSN>CZC1234ABC</SSN><TYPE>Notebook</TYPE><SMANUFACTURER>HP &amp; Co</SMANUFACTURER><SMODEL><![CDATA[EliteDesk <800>]]></SMODEL></BIOS>
    <SOFTWARES><NAME>LibreOffice</NAME><INSTALLDATE>25/12/2019</INSTALLDATE><FILESIZE>n/a</FILESIZE><NO_REMOVE>yes</NO_REMOVE><IS64BIT>1</IS64BIT><GUID>{1234}</GUID></SOFTWARES>
    <SOFTWARES><NAME>Firefox</NAME><INSTALL_DATE>Thu Mar 14 15:05:41 2013</INSTALL_DATE></SOFTWARES>
    <SOFTWARES><NAME>Bad date</NAME><INSTALLDATE>31/31/2020</INSTALLDATE></SOFTWARES>
    <SOFTWARES><VERSION>1.0</VERSION></SOFTWARES>
    <NETWORKS><DESCRIPTION>Local</DESCRIPTION><TYPE>Local</TYPE><STATUS>Up</STATUS><VIRTUALDEV>maybe</VIRTUALDEV><MTU>1500</MTU></NETWORKS>
    <NETWORKS><DESCRIPTION>wlan0</DESCRIPTION><TYPE>WiFi</TYPE><STATUS>DOWN</STATUS><MACADDR>52:54:00:12:34:04</MACADDR><MAC>52:54:00:12:34:05</MAC></NETWORKS>
    <NETWORKS><DESCRIPTION>odd</DESCRIPTION><TYPE>token-ring</TYPE><STATUS>sleeping</STATUS></NETWORKS>
    <NETWORKS><MACADDR>52:54:00:12:34:06</MACADDR></NETWORKS>
    <CPUS><NAME>Intel(R) Core(TM) i5-8500</NAME><ARCH>AMD64</ARCH><SPEED>3000</SPEED><CORE>6</CORE><TYPE>x</TYPE></CPUS>
    <MEMORIES><CAPACITY>8192</CAPACITY><NUMSLOTS>1</NUMSLOTS><SPEED>2666</SPEED><REMOVABLE>0</REMOVABLE></MEMORIES>
    <MEMORIES><CAPACITY>No</CAPACITY><CAPTION>Empty slot</CAPTION></MEMORIES>
    <OPERATINGSYSTEM><NAME>Windows</NAME><INSTALL_DATE>2019-09-02 10:11:12</INSTALL_DATE><BOOT_TIME>2026-11-23T07:45:03Z</BOOT_TIME><TIMEZONE><OFFSET>+01</OFFSET></TIMEZONE></OPERATINGSYSTEM>
    <BATTERIES><NAME>BAT0</NAME><CAPACITY>42.5 Wh</CAPACITY><REAL_CAPACITY>39000 mWh</REAL_CAPACITY><VOLTAGE>11.1 V</VOLTAGE><DATE>2018/03/05</DATE><STATUS>ok</STATUS></BATTERIES>
    <SLOTS><NAME>PCIe1</NAME><STATUS>In Use</STATUS></SLOTS>
    <SLOTS><NAME>PCIe2</NAME><STATUS>Available</STATUS><SHARED>0</SHARED></SLOTS>
    <SLOTS><NAME>PCIe3</NAME><STATUS>Unknown</STATUS></SLOTS>
    <ENVS><KEY>EMPTY</KEY><VAL></VAL></ENVS>
    <PORTS><NAME>USB1</NAME></PORTS>
    <CONTROLLERS><NAME>SATA</NAME><PCIID>8086:a352</PCIID></CONTROLLERS>
    <STORAGES><NAME>sda</NAME><INTERFACE>serial-ata</INTERFACE><DISKSIZE>476940</DISKSIZE></STORAGES>
    <LOCAL_GROUPS><ID>27</ID><NAME>sudo</NAME><MEMBER>prof</MEMBER><MEMBER>admin</MEMBER></LOCAL_GROUPS>
    <LOCAL_GROUPS><NAME>no id</NAME></LOCAL_GROUPS>
    <ANTIVIRUS><NAME>Defender</NAME><ENABLED>1</ENABLED><UPTODATE>0</UPTODATE><DATFILEVERSION>1.2</DATFILEVERSION><EXPIRATION>31/12/2027</EXPIRATION></ANTIVIRUS>
    <VIRTUALMACHINES><NAME>vm1</NAME><VMTYPE>Hyper-V</VMTYPE><STATUS>stopped</STATUS><VCPU>2</VCPU><VMID>12</VMID></VIRTUALMACHINES>
    <USER><LOGIN>eleve</LOGIN></USER>
    <REGISTRY><NAME>old</NAME></REGISTRY>
    <CUSTOM_THING><FOO>bar</FOO><FOO>baz</FOO><EMPTY/></CUSTOM_THING>
    <VERSIONPROVIDER><COMMENTS>only one</COMMENTS></VERSIONPROVIDER>
    <ACCOUNTINFO><KEYNAME>OTHER</KEYNAME><KEYVALUE>x</KEYVALUE></ACCOUNTINFO>
    <ACCOUNTINFO><KEYNAME>TAG</KEYNAME><KEYVALUE>cdi</KEYVALUE></ACCOUNTINFO>
  `),
  );
  t.equal(req.tag, 'cdi', 'the TAG among several ACCOUNTINFO');
  const json = fusionToGlpiJson(req);
  valid(t, json, 'the hand-written inventory');
  const c = json.content;
  t.equal(c.versionclient, 'FusionInventory-Agent_v2.3.21', 'HARDWARE/VERSIONCLIENT moved up');
  t.same(c.hardware, { name: 'pc-salle101-04', uuid: '4C4C4544-0042' }, 'memory "8 Go" not an integer: dropped; empty SWAP dropped; trimmed');
  t.same(c.bios, { bdate: '2014-04-01', ssn: 'CZC1234ABC', smanufacturer: 'HP & Co', smodel: 'EliteDesk <800>' }, 'SMBIOS date m/d/Y; entity and CDATA');
  const softs = list(c.softwares);
  t.equal(softs.length, 3, 'the entry without NAME is dropped');
  t.same(softs[0], { name: 'LibreOffice', install_date: '2019-12-25', no_remove: true, guid: '{1234}' }, 'INSTALLDATE d/m/Y → install_date; bad FILESIZE and IS64BIT dropped');
  t.same(softs[1], { name: 'Firefox', install_date: '2013-03-14' });
  t.same(softs[2], { name: 'Bad date' });
  const nets = list(c.networks);
  t.equal(nets.length, 3, 'the entry without DESCRIPTION is dropped');
  t.same(nets[0], { description: 'Local', type: 'loopback', status: 'up', mtu: 1500 }, 'Local → loopback, Up → up, bad boolean dropped');
  t.same(nets[1], { description: 'wlan0', type: 'wifi', status: 'down', mac: '52:54:00:12:34:05' }, 'an existing MAC wins over MACADDR');
  t.same(nets[2], { description: 'odd' }, 'values outside the patterns dropped');
  t.same(c.cpus, [{ name: 'Intel(R) Core(TM) i5-8500', arch: 'x86_64', speed: 3000, core: 6 }]);
  t.same(c.memories, [{ capacity: 8192, numslots: 1, speed: '2666', removable: false }, { caption: 'Empty slot' }]);
  t.same(c.operatingsystem, { name: 'Windows', install_date: '2019-09-02', boot_time: '2026-11-23 07:45:03', timezone: { offset: '+0100', name: '+0100' } });
  t.same(c.batteries, [{ name: 'BAT0', capacity: 42500, real_capacity: 39000, voltage: 11100, date: '2018-03-05' }]);
  t.same(c.slots, [{ name: 'PCIe1', status: 'used' }, { name: 'PCIe2', status: 'free' }, { name: 'PCIe3' }]);
  t.same(c.envs, [{ key: 'EMPTY', val: '' }]);
  t.same(c.ports, [{ name: 'USB1', type: 'None' }]);
  t.same(c.controllers, [{ name: 'SATA', vendorid: '8086', productid: 'a352' }]);
  t.same(c.storages, [{ name: 'sda', interface: 'SATA', disksize: 476940 }]);
  t.same(c.local_groups, [{ id: '27', name: 'sudo', members: ['prof', 'admin'] }], 'the group without ID is dropped');
  t.same(c.antivirus, [{ name: 'Defender', enabled: true, uptodate: false, base_version: '1.2', expiration: '2027-12-31' }]);
  t.same(c.virtualmachines, [{ name: 'vm1', vmtype: 'hyperv', status: 'off', vcpu: 2 }]);
  t.same(c.users, [{ login: 'eleve' }], 'USER → users');
  t.notOk('registry' in c);
  t.same(c.custom_thing, { foo: ['bar', 'baz'] }, 'unknown sections kept, lower-cased');
  t.same(rec(c.versionprovider).comments, ['only one'], 'a single COMMENTS is an array');
});

t.test('versionclient and tag defaults', async (t) => {
  const json = fusionToGlpiJson(parseFusionRequest(request('<HARDWARE><NAME>pc</NAME></HARDWARE>')));
  t.equal(json.content.versionclient, DEFAULT_VERSIONCLIENT);
  t.notOk('tag' in json);
  valid(t, json, 'a minimal inventory');
  const empty = parseFusionRequest(request(''));
  t.same(empty.content, { versionclient: DEFAULT_VERSIONCLIENT }, 'an empty CONTENT');
  const noContent: FusionRequest = { deviceId: 'a', query: 'INVENTORY', tag: null, content: null };
  t.throws(() => fusionToGlpiJson(noContent), { code: 'INVENTORY_BAD_REQUEST', statusCode: 400 });
  t.throws(() => fusionToGlpiJson({ ...noContent, query: 'SNMPQUERY' }), { code: 'INVENTORY_UNSUPPORTED_QUERY' });
});

t.test('element names that are also JavaScript property names', async (t) => {
  const req = parseFusionRequest(
    request('<__proto__><POLLUTED>1</POLLUTED></__proto__><CONSTRUCTOR>x</CONSTRUCTOR><TOSTRING>y</TOSTRING><NETWORKS><DESCRIPTION>e</DESCRIPTION><__PROTO__>z</__PROTO__><CONSTRUCTOR>w</CONSTRUCTOR></NETWORKS>'),
  );
  const c = req.content ?? {};
  t.equal(Object.getPrototypeOf(c), Object.prototype, 'prototype untouched');
  t.notOk('polluted' in c);
  t.equal(({} as Rec).polluted, undefined);
  t.equal(c.constructor, 'x', 'kept as an own string');
  t.equal(c.tostring, 'y');
  t.same(c.networks, [{ description: 'e', constructor: 'w' }]);
  valid(t, fusionToGlpiJson(req), 'the result');
});

t.test('DOCTYPE and entities are refused', async (t) => {
  const laughs = `<?xml version="1.0"?>
<!DOCTYPE REQUEST [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<REQUEST><DEVICEID>&lol9;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>`;
  const refused = { code: 'INVENTORY_XML_DOCTYPE', statusCode: 400, message: 'Les déclarations DOCTYPE et entités XML sont refusées.' };
  t.throws(() => parseFusionRequest(laughs), refused, 'billion laughs');
  const xxe = `<?xml version="1.0"?>
<!DOCTYPE REQUEST [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<REQUEST><DEVICEID>&xxe;</DEVICEID></REQUEST>`;
  t.throws(() => parseFusionRequest(xxe), refused, 'external SYSTEM entity');
  t.throws(() => parseFusionRequest('<!DOCTYPE REQUEST SYSTEM "http://127.0.0.1/evil.dtd"><REQUEST><DEVICEID>a</DEVICEID></REQUEST>'), refused, 'external DTD');
  t.throws(() => parseFusionRequest('<!DOCTYPE REQUEST><REQUEST><DEVICEID>a</DEVICEID></REQUEST>'), refused, 'even a bare DOCTYPE');
  t.throws(() => parseFusionRequest('<REQUEST><DEVICEID>&xxe;</DEVICEID></REQUEST>'), { code: 'INVENTORY_BAD_XML', statusCode: 400, message: /ligne 1.*entité non définie/ }, 'undefined entity');
  t.equal(parseFusionRequest('<REQUEST><DEVICEID>a&amp;b&#233;&lt;</DEVICEID></REQUEST>').deviceId, 'a&bé<', 'predefined and character entities');
});

t.test('malformed XML: 400 with the line', async (t) => {
  for (const [what, xml] of [
    ['unclosed', '<REQUEST>\n<DEVICEID>a</DEVICEID>\n<CONTENT>\n'],
    ['mismatched', '<REQUEST>\n<DEVICEID>a</DEVICE>\n</REQUEST>'],
    ['two roots', '<REQUEST><DEVICEID>a</DEVICEID></REQUEST>\n<REQUEST/>'],
    ['bad character', '<REQUEST><DEVICEID>a\u0001</DEVICEID></REQUEST>'],
    ['not XML', '{"deviceid":"a"}'],
    ['empty', ''],
  ] as const) {
    t.throws(() => parseFusionRequest(xml), { code: 'INVENTORY_BAD_XML', statusCode: 400, message: /^XML de l’inventaire .*(ligne \d+|aucun élément racine)/ }, what);
  }
  t.throws(() => parseFusionRequest('<REQUEST>\n<DEVICEID>a</DEVICE>\n</REQUEST>'), { message: /ligne 2/ });
});

t.test('structure: root, DEVICEID', async (t) => {
  t.throws(() => parseFusionRequest('<REPLY><DEVICEID>a</DEVICEID></REPLY>'), { code: 'INVENTORY_BAD_REQUEST', statusCode: 400, message: /<REQUEST>/ });
  t.throws(() => parseFusionRequest('<REQUEST><QUERY>PROLOG</QUERY></REQUEST>'), { code: 'INVENTORY_BAD_REQUEST', message: /DEVICEID/ });
  t.throws(() => parseFusionRequest('<REQUEST><DEVICEID>  </DEVICEID></REQUEST>'), { code: 'INVENTORY_BAD_REQUEST', message: /DEVICEID/ });
});

t.test('limits: depth and element count', async (t) => {
  const nest = (n: number) => `<REQUEST><DEVICEID>a</DEVICEID><CONTENT>${'<X>'.repeat(n)}y${'</X>'.repeat(n)}</CONTENT></REQUEST>`;
  t.ok(parseFusionRequest(nest(20)).content, '22 levels are fine');
  t.throws(() => parseFusionRequest(nest(40)), { code: 'INVENTORY_XML_TOO_DEEP', statusCode: 400, message: /32 niveaux/ }, 'default maxDepth 32');
  t.throws(() => parseFusionRequest(nest(3), { maxDepth: 4 }), { code: 'INVENTORY_XML_TOO_DEEP' });
  t.ok(parseFusionRequest(nest(2), { maxDepth: 4 }));
  const many = request('<SOFTWARES><NAME>x</NAME></SOFTWARES>'.repeat(10));
  t.throws(() => parseFusionRequest(many, { maxElements: 15 }), { code: 'INVENTORY_TOO_LARGE', statusCode: 413 });
  t.equal(list(parseFusionRequest(many, { maxElements: 30 }).content?.softwares).length, 10);
  const deep = `<REQUEST>${'<A>'.repeat(100_000)}`;
  const start = performance.now();
  t.throws(() => parseFusionRequest(deep), { code: 'INVENTORY_XML_TOO_DEEP' });
  t.ok(performance.now() - start < 1000, 'stops at the limit');
});

t.test('replies', async (t) => {
  t.equal(prologReply(), '<?xml version="1.0" encoding="UTF-8"?>\n<REPLY><PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>\n');
  t.equal(replyField(prologReply(12), 'PROLOG_FREQ'), '12');
  t.equal(replyField(prologReply(0), 'PROLOG_FREQ'), '1', 'at least one hour');
  t.equal(replyField(prologReply(Number.NaN), 'PROLOG_FREQ'), '24');
  t.match(inventoryReply(), /<REPLY><\/REPLY>/, 'not <REPLY/>: the agent reads that as no reply');
  t.equal(replyField(inventoryReply(), 'REPLY'), '', 'well-formed');
  const message = 'Inventaire refusé : « <b>trop</b> gros » & \'encore\' "là"\u0007.';
  const err = errorReply(message);
  t.notMatch(err, /<b>/);
  t.equal(replyField(err, 'ERROR'), message.replace('\u0007', ''), 'escaped, control characters removed, read back intact');
  for (const compression of ['none', 'zlib', 'gzip', 'deflate', 'br'] as const) {
    const { body, contentType } = await encodeAgentReply(err, compression, 'xml');
    const back = await decodeAgentBody(body, contentType, { maxBytes: MAX });
    t.equal(replyField(back.text, 'ERROR'), message.replace('\u0007', ''), `${compression} round trip`);
  }
});

const AGENT = '/usr/bin/fusioninventory-agent';
t.test('live: the real FusionInventory agent talks to these functions', { skip: !existsSync(AGENT) || process.env.TROUSSE_LIVE_AGENT !== '1' ? 'set TROUSSE_LIVE_AGENT=1 with fusioninventory-agent installed' : false }, async (t) => {
  const received: FusionRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const decoded = await decodeAgentBody(Buffer.concat(chunks), req.headers['content-type'], { maxBytes: MAX });
        const parsed = parseFusionRequest(decoded.text);
        received.push(parsed);
        const reply = parsed.query === 'PROLOG' ? prologReply() : inventoryReply();
        const out = await encodeAgentReply(reply, decoded.compression, 'xml');
        res.writeHead(200, { 'content-type': out.contentType }).end(out.body);
      } catch (err) {
        res.writeHead(400).end(errorReply(String(err)));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const agent = spawn(AGENT, ['--server', `http://127.0.0.1:${port}/front/inventory.php`, '--tasks=inventory', '--force', '--no-httpd', '--logger=stderr', '--tag=salle-101'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  agent.stderr.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const code = await new Promise<number | null>((r) => agent.on('close', r));
  t.equal(code, 0, 'the agent exits cleanly');
  t.notMatch(log, /\[error\]/, 'no error in its log');
  t.same(received.map((r) => r.query), ['PROLOG', 'INVENTORY']);
  const inventory = received[1];
  if (inventory) {
    t.equal(inventory.tag, 'salle-101');
    valid(t, fusionToGlpiJson(inventory), 'the live inventory');
  }
});
