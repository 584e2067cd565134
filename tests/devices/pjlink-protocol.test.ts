import t from 'tap';
import { createHash } from 'node:crypto';
import {
  decodeLine,
  describeInput,
  digest,
  encodeCommand,
  isValidInput,
  oddErrorDigits,
  PjlinkError,
  parseClass,
  parseErrors,
  parseFilter,
  parseGreeting,
  parseInput,
  parseInputList,
  parseLamps,
  parseList,
  parseMac,
  parseMute,
  parsePower,
  parseReply,
  replyErrorMessage,
} from '../../daemon/src/devices/pjlink/protocol.ts';

t.test('commands are encoded byte for byte', async (t) => {
  t.same(encodeCommand(1, 'POWR', '1'), Buffer.from('%1POWR 1\r', 'ascii'));
  t.equal(encodeCommand(1, 'POWR', '?').toString('latin1'), '%1POWR ?\r');
  t.equal(encodeCommand(2, 'INNM', '?31').toString('latin1'), '%2INNM ?31\r');
  t.equal(encodeCommand(1, 'INF1', '?').toString('latin1'), '%1INF1 ?\r', 'digits allowed after the first letter');
  t.equal(encodeCommand(1, 'AVMT', '31').at(-1), 0x0d, 'ends with CR');
  t.equal(encodeCommand(1, 'NAME', 'x'.repeat(128)).length, 8 + 128, 'a 128-byte parameter fits');
  for (const [cls, body, param] of [
    [1, 'powr', '1'],
    [1, 'POW', '1'],
    [1, 'POWRS', '1'],
    [1, '1POW', '1'],
    [3, 'POWR', '1'],
    [1, 'POWR', '1\r%1POWR 0'],
    [1, 'POWR', 'a\nb'],
    [1, 'NAME', 'x'.repeat(129)],
    [1, 'NAME', 'é'.repeat(65)],
  ] as const) {
    t.throws(() => encodeCommand(cls as 1, body, param), { code: 'INVALID' }, `${cls} ${body} ${JSON.stringify(param).slice(0, 20)}`);
  }
  try {
    encodeCommand(1, 'POWR', 'x'.repeat(200));
  } catch (err) {
    t.ok(err instanceof PjlinkError);
    t.match((err as Error).message, /trop long/, 'French message');
  }
});

t.test('MD5 digest: token first, password appended, lower-case hex', async (t) => {
  t.equal(digest('498e4a67', 'JBMIAProjectorLink'), '5d8409bc1c3fa39749434aa3a5c38682', 'JBMIA spec example');
  const independent = createHash('md5').update('498e4a67JBMIAProjectorLink').digest('hex');
  t.equal(independent, '5d8409bc1c3fa39749434aa3a5c38682', 'the literal is right');
  t.equal(digest('abcdefgh', 'secret'), createHash('md5').update('abcdefghsecret').digest('hex'));
  t.not(digest('abcdefgh', 'secret'), createHash('md5').update('secretabcdefgh').digest('hex'), 'order matters');
  t.match(digest('x', ''), /^[0-9a-f]{32}$/);
});

t.test('greetings', async (t) => {
  t.same(parseGreeting('PJLINK 0'), { auth: false });
  t.same(parseGreeting('PJLINK 0   '), { auth: false }, 'trailing spaces');
  t.same(parseGreeting('PJLINK 1 498e4a67'), { auth: true, random: '498e4a67' });
  t.same(parseGreeting('\0\0PJLINK 1 498e4a67 \0'), { auth: true, random: '498e4a67' }, 'NULs and spaces');
  t.same(parseGreeting('PJLINK 2 0123456789abcdef'), { auth: true, random: '0123456789abcdef' }, 'PJLINK 2 token');
  t.same(parseGreeting('pjlink 1 ABCD1234'), { auth: true, random: 'ABCD1234' });
  t.same(parseGreeting('PJLINK ERRA'), { erra: true });
  t.equal(parseGreeting('PJLINK 1'), null, 'auth without a token is unusable');
  t.equal(parseGreeting('PJLINK 7 x'), null);
  t.equal(parseGreeting('SSH-2.0-OpenSSH_9.6'), null);
  t.equal(parseGreeting(''), null);
});

t.test('replies', async (t) => {
  t.same(parseReply('%1POWR=OK'), { cls: 1, body: 'POWR', value: 'OK' });
  t.same(parseReply('%1POWR=1'), { cls: 1, body: 'POWR', value: '1' });
  t.same(parseReply('%2FILT=ERR1'), { cls: 2, body: 'FILT', error: 'ERR1' });
  for (const e of ['ERR1', 'ERR2', 'ERR3', 'ERR4'] as const) t.same(parseReply(`%1INPT=${e}`), { cls: 1, body: 'INPT', error: e });
  t.same(parseReply('%1inpt=err3'), { cls: 1, body: 'INPT', error: 'ERR3' }, 'lower case');
  t.same(parseReply('PJLINK ERRA'), { erra: true });
  t.same(parseReply('%1POWR=ERRA'), { erra: true });
  t.same(parseReply('\0\0xx%1POWR=3'), { cls: 1, body: 'POWR', value: '3' }, 'garbage before %');
  t.same(parseReply('%1POWR 0'), { cls: 1, body: 'POWR', value: '0' }, 'space instead of =');
  t.same(parseReply('%1INF1=EPSON'), { cls: 1, body: 'INF1', value: 'EPSON' });
  t.same(parseReply('%1NAME=Salle 12 = B'), { cls: 1, body: 'NAME', value: 'Salle 12 = B' });
  t.same(parseReply('%1INFO='), { cls: 1, body: 'INFO', value: '' }, 'empty value');
  t.same(parseReply('%2INST=11 2Z 3E 61'), { cls: 2, body: 'INST', value: '11 2Z 3E 61' });
  for (const garbage of ['', '%', '%3POWR=1', '%1PO', 'hello', '%%%%', '\0\0\0', '%1=1', '%1P@WR=1']) {
    t.equal(parseReply(garbage), null, JSON.stringify(garbage));
  }
  t.equal(parseReply(undefined as unknown as string), null, 'not even a string');
});

t.test('names: UTF-8 when valid, else latin1', async (t) => {
  t.equal(decodeLine(Buffer.from('%1NAME=Salle été', 'utf8')), '%1NAME=Salle été');
  t.equal(decodeLine(Buffer.from('%1NAME=Salle été', 'latin1')), '%1NAME=Salle été');
});

t.test('value parsers', async (t) => {
  t.equal(parsePower('0'), 'off');
  t.equal(parsePower('1'), 'on');
  t.equal(parsePower('2'), 'cooling');
  t.equal(parsePower('3'), 'warming');
  t.equal(parsePower('4'), null);
  t.equal(parsePower('OK'), null);

  t.equal(parseInput('31'), '31');
  t.equal(parseInput('3a'), '3A', 'class 2 letters upper-cased');
  t.equal(parseInput('61'), '61');
  t.equal(parseInput('70'), null);
  t.equal(parseInput('30'), null);

  t.same(parseMute('11'), { video: true, audio: false });
  t.same(parseMute('21'), { video: false, audio: true });
  t.same(parseMute('31'), { video: true, audio: true });
  t.same(parseMute('30'), { video: false, audio: false });
  t.same(parseMute('10'), { video: false, audio: false });
  t.equal(parseMute('41'), null);
  t.equal(parseMute(''), null);

  t.same(parseErrors('000000'), { fan: 'ok', lamp: 'ok', temperature: 'ok', cover: 'ok', filter: 'ok', other: 'ok' });
  t.same(parseErrors('012021'), { fan: 'ok', lamp: 'warning', temperature: 'error', cover: 'ok', filter: 'error', other: 'warning' });
  t.same(parseErrors('20000x'), { fan: 'error', lamp: 'ok', temperature: 'ok', cover: 'ok', filter: 'ok', other: 'ok' }, 'odd digit → ok');
  t.same(oddErrorDigits('20000x'), ['other'], 'but flagged');
  t.same(oddErrorDigits('012021'), []);
  t.equal(parseErrors('00000'), null);
  t.equal(parseErrors('0000000'), null);

  t.same(parseLamps('1000 1 50 0'), [
    { hours: 1000, on: true },
    { hours: 50, on: false },
  ]);
  t.same(parseLamps('  1000   1  '), [{ hours: 1000, on: true }], 'extra spaces');
  t.equal(parseLamps('1 1 2 1 3 1 4 1 5 1 6 1 7 1 8 1 9 1')?.length, 8, 'at most 8 lamps');
  t.same(parseLamps('10 1 x 0'), [{ hours: 10, on: true }], 'stops at the first bad pair');
  t.equal(parseLamps('abc'), null);
  t.equal(parseLamps('100'), null, 'a lone number is no pair');
  t.equal(parseLamps('100 2'), null);

  t.equal(parseClass('1'), 1);
  t.equal(parseClass('2'), 2);
  t.equal(parseClass('Class 1'), 1, 'Optoma quirk');
  t.equal(parseClass('Class 2 '), 2);
  t.equal(parseClass('class'), null);
  t.equal(parseClass('0'), null);

  t.same(parseList('11 12  31 '), ['11', '12', '31']);
  t.same(parseList(''), []);
  t.same(parseInputList('11 2z 3E 61 99 11'), ['11', '2Z', '3E', '61'], 'valid, upper-cased, unique');

  t.equal(parseFilter('0'), 0);
  t.equal(parseFilter('1234'), 1234);
  t.equal(parseFilter('-1'), null);
  t.equal(parseFilter('12h'), null);

  t.equal(parseMac('00:1A:2B:3C:4D:5E'), '00:1a:2b:3c:4d:5e');
  t.equal(parseMac('00-1a-2b-3c-4d-5e'), '00:1a:2b:3c:4d:5e');
  t.equal(parseMac('00:1a:2b:3c:4d'), null);
});

t.test('input codes and their French labels', async (t) => {
  t.ok(isValidInput('11', 1));
  t.ok(isValidInput('59', 1));
  t.notOk(isValidInput('61', 1), 'INTERNAL is class 2');
  t.notOk(isValidInput('3A', 1), 'letters are class 2');
  t.ok(isValidInput('61', 2));
  t.ok(isValidInput('3Z', 2));
  t.notOk(isValidInput('3a', 2), 'upper case only');
  t.notOk(isValidInput('10', 2));
  t.notOk(isValidInput('71', 2));
  t.notOk(isValidInput('311', 2));
  t.equal(describeInput('11'), 'RVB 1');
  t.equal(describeInput('21'), 'Vidéo 1');
  t.equal(describeInput('31'), 'HDMI/numérique 1');
  t.equal(describeInput('42'), 'Stockage 2');
  t.equal(describeInput('51'), 'Réseau 1');
  t.equal(describeInput('61'), 'Interne 1');
  t.equal(describeInput('3A'), 'HDMI/numérique 10');
  t.equal(describeInput('3Z'), 'HDMI/numérique 35');
  t.equal(describeInput('99'), 'Entrée 99');
});

t.test('French messages for the error codes', async (t) => {
  t.equal(
    replyErrorMessage('ERR3'),
    'Le projecteur ne peut pas le faire maintenant (en préchauffage, en refroidissement ou en veille).',
  );
  for (const c of ['ERR1', 'ERR2', 'ERR4', 'ERRA'] as const) t.match(replyErrorMessage(c), /projecteur/);
  t.equal(new PjlinkError('ERR2').message, replyErrorMessage('ERR2'));
  t.equal(new PjlinkError('ERR2').code, 'ERR2');
});

t.test('garbage never throws', async (t) => {
  let seed = 42;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const alphabet = '%12PJLINKERRAOKPOWRINPT=? \0\r\n\t0123456789abcdefxyzé';
  for (let i = 0; i < 3000; i++) {
    const len = rnd() % 40;
    let s = '';
    for (let j = 0; j < len; j++) s += alphabet[rnd() % alphabet.length];
    const bytes = Buffer.from(s, 'latin1');
    decodeLine(bytes);
    parseGreeting(s);
    parseReply(s);
    parsePower(s);
    parseInput(s);
    parseMute(s);
    parseErrors(s);
    oddErrorDigits(s);
    parseLamps(s);
    parseClass(s);
    parseList(s);
    parseInputList(s);
    parseFilter(s);
    parseMac(s);
    describeInput(s);
  }
  t.pass('3000 random lines parsed without an exception');
});
