import t from 'tap';
import {
  DEFAULT_LOGIN_SCHEME,
  LOGIN_MAX,
  RESERVED_LOGINS,
  allocateLogin,
  baseLogin,
  isReserved,
  loginPart,
  transliterate,
  validateLogin,
  validateScheme,
  withSuffix,
} from '../../daemon/src/directory/logins.ts';

/** Deterministic pseudo-random numbers (mulberry32), so that a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const LOGIN_RE = /^[a-z0-9][a-z0-9._-]*$/;

t.test('constants', async (t) => {
  t.equal(DEFAULT_LOGIN_SCHEME, '{prenom}.{nom}');
  t.equal(LOGIN_MAX, 20);
});

t.test('transliteration: every listed letter, lower and upper case', async (t) => {
  const table: [string, string][] = [
    // French
    ['é', 'e'], ['É', 'E'], ['è', 'e'], ['È', 'E'], ['ê', 'e'], ['Ê', 'E'], ['ë', 'e'], ['Ë', 'E'],
    ['à', 'a'], ['À', 'A'], ['â', 'a'], ['Â', 'A'], ['ä', 'a'], ['Ä', 'A'],
    ['î', 'i'], ['Î', 'I'], ['ï', 'i'], ['Ï', 'I'],
    ['ô', 'o'], ['Ô', 'O'], ['ö', 'o'], ['Ö', 'O'],
    ['ù', 'u'], ['Ù', 'U'], ['û', 'u'], ['Û', 'U'], ['ü', 'u'], ['Ü', 'U'],
    ['ÿ', 'y'], ['Ÿ', 'Y'], ['ç', 'c'], ['Ç', 'C'], ['ñ', 'n'], ['Ñ', 'N'],
    // ligatures and letters that do not decompose
    ['œ', 'oe'], ['Œ', 'OE'], ['æ', 'ae'], ['Æ', 'AE'], ['ß', 'ss'], ['ẞ', 'SS'],
    ['ø', 'o'], ['Ø', 'O'], ['ł', 'l'], ['Ł', 'L'], ['đ', 'd'], ['Đ', 'D'], ['ð', 'd'], ['Ð', 'D'],
    ['þ', 'th'], ['Þ', 'TH'], ['ĳ', 'ij'], ['Ĳ', 'IJ'], ['ŀ', 'l'], ['Ŀ', 'L'], ['ı', 'i'], ['İ', 'I'],
    ['å', 'a'], ['Å', 'A'], ['ã', 'a'], ['Ã', 'A'],
    // Czech
    ['č', 'c'], ['Č', 'C'], ['š', 's'], ['Š', 'S'], ['ž', 'z'], ['Ž', 'Z'], ['ř', 'r'], ['Ř', 'R'],
    ['ě', 'e'], ['Ě', 'E'], ['ů', 'u'], ['Ů', 'U'],
    // Hungarian
    ['ő', 'o'], ['Ő', 'O'], ['ű', 'u'], ['Ű', 'U'],
    // Romanian, comma below (U+0219, U+021B) and cedilla (U+015F, U+0163) forms
    ['\u0219', 's'], ['\u0218', 'S'], ['\u021b', 't'], ['\u021a', 'T'],
    ['\u015f', 's'], ['\u015e', 'S'], ['\u0163', 't'], ['\u0162', 'T'],
    // Turkish
    ['ğ', 'g'], ['Ğ', 'G'],
    // macrons
    ['ā', 'a'], ['Ā', 'A'], ['ē', 'e'], ['Ē', 'E'], ['ī', 'i'], ['Ī', 'I'], ['ō', 'o'], ['Ō', 'O'], ['ū', 'u'], ['Ū', 'U'],
    // Polish
    ['ą', 'a'], ['Ą', 'A'], ['ę', 'e'], ['Ę', 'E'], ['ć', 'c'], ['Ć', 'C'], ['ń', 'n'], ['Ń', 'N'],
    ['ś', 's'], ['Ś', 'S'], ['ź', 'z'], ['Ź', 'Z'], ['ż', 'z'], ['Ż', 'Z'],
  ];
  for (const [from, to] of table) {
    const code = from.codePointAt(0)?.toString(16).padStart(4, '0');
    t.equal(transliterate(from), to, `${from} (U+${code}) → ${to}`);
  }
});

t.test('transliteration: compatibility forms, decomposed input, words', async (t) => {
  t.equal(transliterate('Ｊｅａｎ'), 'Jean', 'fullwidth letters');
  t.equal(transliterate('ﬁﬂ'), 'fifl', 'typographic ligatures');
  t.equal(transliterate('e\u0301le\u0300ve'), 'eleve', 'decomposed accents (NFD input)');
  t.equal(transliterate('Zoé Lefèvre-Œuvrard'), 'Zoe Lefevre-OEuvrard', 'case and punctuation kept');
  t.equal(transliterate('Łukasz Żółć'), 'Lukasz Zolc');
  t.equal(transliterate('Ştefan Ţepeş, Ștefan Țepeș'), 'Stefan Tepes, Stefan Tepes');
  t.equal(transliterate('Groß Søren Þórr Ðorđe'), 'Gross Soren THorr Dorde');
  t.equal(transliterate('Paral·lel Paraŀlel'), 'Paral·lel Parallel', 'ŀ leaves no middle dot');
});

t.test('loginPart', async (t) => {
  const cases: [string, string][] = [
    ['Jean-Pierre', 'jean-pierre'],
    ["D'Artagnan", 'dartagnan'],
    ['D’Artagnan', 'dartagnan'],
    ['Dʼ‘Ar`tagnan', 'dartagnan'],
    ['Le Gall', 'le-gall'],
    ['  Zoé  ', 'zoe'],
    ['Marie  Anne', 'marie-anne'],
    ['Marie - Anne', 'marie-anne'],
    ['Marie_Anne', 'marie-anne'],
    ['Marie.Anne', 'marie-anne'],
    ['Marie–Anne', 'marie-anne'],
    ['-Marie-', 'marie'],
    ['Anne\tSophie', 'anne-sophie'],
    ['Anne\u00a0Sophie', 'anne-sophie'],
    ['Œdipe Ærøskøbing', 'oedipe-aeroskobing'],
    ['Dmitri Дмитрий', 'dmitri'],
    ['Дмитрий', ''],
    ['', ''],
    ['Louis 14', 'louis'],
  ];
  for (const [from, to] of cases) t.equal(loginPart(from), to, JSON.stringify(from));
  for (const c of ['*', '(', ')', '\\', ',', '+', '"', '<', '>', ';', '=', '#']) {
    t.equal(loginPart(`Ma${c}rie`), 'marie', `${c} inside a name is dropped`);
    t.equal(loginPart(`${c}Marie${c}`), 'marie', `${c} around a name is dropped`);
    t.equal(loginPart(`Marie ${c} Anne`), 'marie-anne', `${c} between words leaves one hyphen`);
  }
  t.equal(loginPart('*()\\,+"<>;=#'), '');
});

t.test('baseLogin: null when a name has nothing usable', async (t) => {
  const unusable = ['Дмитрий', 'Αλέξανδρος', '王小明', 'محمد', '*** ---', "''", '', '   ', '12'];
  for (const name of unusable) {
    t.equal(baseLogin(name, 'Martin'), null, `given name ${JSON.stringify(name)}`);
    t.equal(baseLogin('Marie', name), null, `surname ${JSON.stringify(name)}`);
  }
  t.equal(baseLogin('Дмитрий Dmitri', 'Иванов Ivanov'), 'dmitri.ivanov', 'the Latin part is kept');
});

t.test('schemes: the documented examples', async (t) => {
  const cases: [string, string][] = [
    ['{prenom}.{nom}', 'marie.martin'],
    ['{p}.{nom}', 'm.martin'],
    ['{nom}.{prenom}', 'martin.marie'],
    ['{nom}{p}', 'martinm'],
    ['{prenom}-{n}', 'marie-m'],
    ['{prenom}_{nom}', 'marie_martin'],
    ['{prenom}{nom}', 'mariemartin'],
    ['{p}{n}', 'mm'],
  ];
  for (const [scheme, login] of cases) {
    t.equal(validateScheme(scheme), null, `${scheme} is valid`);
    t.equal(baseLogin('Marie', 'Martin', scheme), login, scheme);
  }
  t.equal(baseLogin('Marie', 'Martin'), 'marie.martin', 'default scheme');
  t.equal(baseLogin('Zoé', "N'Diaye-Lefèvre", '{p}.{nom}'), 'z.ndiaye-lefevre');
  t.equal(baseLogin('Élodie', 'Ødegård', '{nom}{p}'), 'odegarde');
});

t.test('schemes: invalid ones are refused with a French message', async (t) => {
  const cases: [string, RegExp][] = [
    ['', /vide/],
    ['{prenom}', /doit contenir le nom/],
    ['{p}', /doit contenir le nom/],
    ['{nom}', /doit contenir le prénom/],
    ['{n}.{n}', /doit contenir le prénom/],
    ['{prenom}.{nom}.{prenom}', /une seule fois/],
    ['{prenom}{p}.{nom}', /une seule fois/],
    ['{p}.{nom}{n}', /une seule fois/],
    ['{Prenom}.{nom}', /« \{Prenom\} », qui n’est pas permis/],
    ['{prenom}.{NOM}', /« \{NOM\} »/],
    ['{prenom} {nom}', /« {3}»/],
    ['{prenom}.{nom}!', /« ! »/],
    ['{prenom}/{nom}', /« \/ »/],
    ['{x}.{nom}', /« \{x\} »/],
    ['{prenom.{nom}', /n’est pas permis/],
    ['prenom.nom', /« p »/],
    ['.{prenom}{nom}', /commencer ni finir/],
    ['{prenom}{nom}-', /commencer ni finir/],
    ['{prenom}..{nom}', /un seul séparateur/],
    ['{prenom}-_{nom}', /un seul séparateur/],
  ];
  for (const [scheme, message] of cases) {
    const err = validateScheme(scheme);
    t.type(err, 'string', `${JSON.stringify(scheme)} is refused`);
    t.match(err, message, `${JSON.stringify(scheme)}: ${err}`);
    t.throws(() => baseLogin('Marie', 'Martin', scheme), { code: 'LOGIN_SCHEME_INVALID' }, `baseLogin refuses ${scheme}`);
  }
  for (const [scheme] of cases) {
    t.match(validateScheme(scheme), /\{prenom\}/, 'the message says what is allowed');
  }
});

t.test('truncation: the documented examples', async (t) => {
  t.equal(baseLogin('Jean-Christophe', 'de La Fontaine'), 'jean.de-la-fontaine', 'given name cut to "jean-", hyphen trimmed');
  t.equal(baseLogin('Marie', 'Martin'), 'marie.martin', 'short names are not cut');
  t.equal(baseLogin('Marie-Charlotte-Alexandrine', 'Martin'), 'marie-charlot.martin', 'only the given name is cut when that is enough');
  t.equal(
    baseLogin('Jean', 'Pasquier-Desvignes de Montmorency-Laval'),
    'j.pasquier-desvignes',
    'given name down to its initial, then the surname',
  );
  t.equal(baseLogin('Maximilienne', 'Abcdefghijklmnopqrstuvwxyz'), 'm.abcdefghijklmnopqr');
  t.equal(baseLogin('Anne', 'Abcdefghijklmnopq-rstu'), 'a.abcdefghijklmnopq', 'trailing hyphen of the cut surname trimmed');
  t.equal(baseLogin('Maximilienne', 'Abcdefghijklmnopqrstuvwxyz', '{nom}{p}'), 'abcdefghijklmnopqrsm', '{p} is already one letter');
  t.equal(baseLogin('Abcdefghijklmnopqrstuvwxyz', 'Martin', '{prenom}-{n}'), 'abcdefghijklmnopqr-m');
  t.equal(baseLogin('Marie', 'Martin', DEFAULT_LOGIN_SCHEME, 8), 'm.martin', 'custom max');
  t.equal(baseLogin('Marie', 'Martin', DEFAULT_LOGIN_SCHEME, 3), 'm.m');
  t.throws(() => baseLogin('Marie', 'Martin', DEFAULT_LOGIN_SCHEME, 2), RangeError);
  t.equal(baseLogin('Abcdefghijklmnopqrst', 'X', '{prenom}{nom}'), 'abcdefghijklmnopqrsx', 'exactly 20');
  t.equal(baseLogin('Abcdefghijklmnopqrs', 'X', '{prenom}{nom}'), 'abcdefghijklmnopqrsx', '20 without cutting');
});

t.test('truncation: always ≤ 20 for long generated names, given name cut first', async (t) => {
  const rand = prng(20240901);
  const pieces = ['Jean', 'Marie', 'Christophe', 'de', 'La', 'Fontaine', 'Élisabeth', 'Ødegård', 'Œ', 'N’Diaye', 'y', 'Saint', 'Żółć'];
  const seps = [' ', '-', ' - ', "'", '  ', '.'];
  const name = (): string => {
    const n = 1 + Math.floor(rand() * 7);
    let s = '';
    for (let i = 0; i < n; i++) {
      if (i > 0) s += seps[Math.floor(rand() * seps.length)];
      s += pieces[Math.floor(rand() * pieces.length)];
    }
    return s;
  };
  let cutGiven = 0;
  let cutSurname = 0;
  let failures = 0;
  for (let i = 0; i < 2000; i++) {
    const given = name();
    const surname = name();
    const g = loginPart(given);
    const s = loginPart(surname);
    const login = baseLogin(given, surname);
    const ok =
      login !== null &&
      login.length <= LOGIN_MAX &&
      LOGIN_RE.test(login) &&
      !/[-.]$/.test(login) &&
      !login.includes('--');
    if (!ok || login === null) {
      failures++;
      t.fail(`${given} / ${surname} → ${login}`);
      continue;
    }
    const full = `${g}.${s}`;
    const [lg = '', ls = ''] = login.split('.');
    if (full.length <= LOGIN_MAX) {
      if (login !== full) t.fail(`${full} should not be cut, got ${login}`);
      continue;
    }
    // Cut: the kept parts are prefixes, the surname is only cut once the given name is one letter.
    const good =
      g.startsWith(lg) && s.startsWith(ls) && (ls === s || lg.length === 1) && login.length >= LOGIN_MAX - 1;
    if (!good) {
      failures++;
      t.fail(`${full} → ${login}`);
    }
    if (lg !== g) cutGiven++;
    if (ls !== s) cutSurname++;
  }
  t.equal(failures, 0, 'every generated login is valid, ≤ 20, cut in the documented order');
  t.ok(cutGiven > 100 && cutSurname > 100, `both cuts were exercised (${cutGiven} given, ${cutSurname} surname)`);

  const bad: string[] = [];
  let longest = 0;
  for (const scheme of ['{p}.{nom}', '{nom}{p}', '{prenom}-{n}', '{nom}_{prenom}', '{prenom}{nom}']) {
    for (let i = 0; i < 300; i++) {
      const login = baseLogin(name(), name(), scheme);
      if (login === null || login.length > LOGIN_MAX || !LOGIN_RE.test(login) || /[-._]$/.test(login)) {
        bad.push(`${scheme}: ${login}`);
      } else longest = Math.max(longest, login.length);
    }
  }
  t.same(bad, [], 'every scheme keeps long names within 20 characters');
  t.equal(longest, LOGIN_MAX, 'some logins did reach the limit');
});

t.test('withSuffix', async (t) => {
  t.equal(withSuffix('marie.martin', 1), 'marie.martin');
  t.equal(withSuffix('marie.martin', 2), 'marie.martin2');
  t.equal(withSuffix('marie.martin', 300), 'marie.martin300');
  t.equal(withSuffix('jean-christophe.dupo', 2), 'jean-christophe.dup2', 'base shortened to make room');
  t.equal(withSuffix('jean-christophe.dupo', 300), 'jean-christophe.d300');
  t.equal(withSuffix('abcdefghijklmnopq.rs', 2), 'abcdefghijklmnopq.r2');
  t.equal(withSuffix('abcdefghijklmnopq.rs', 10), 'abcdefghijklmnopq10', 'trailing dot trimmed');
  t.equal(withSuffix('abcdefghijklmnop-rst', 100), 'abcdefghijklmnop100', 'trailing hyphen trimmed');
  t.equal(withSuffix('abcdefghijklmnop_rst', 100), 'abcdefghijklmnop100', 'trailing underscore trimmed');
  t.equal(withSuffix('abcdefghijklmnopqrst', 9999).length, 20);
  t.equal(withSuffix('marie.martin', 12, 10), 'marie.ma12', 'custom max');
  for (const bad of [0, -1, 1.5, Number.NaN]) t.throws(() => withSuffix('marie', bad), RangeError, `n = ${bad}`);
  t.throws(() => withSuffix('marie', 1000, 3), RangeError, 'no room for the number');
});

t.test('homonyms: 300 Marie Martin', async (t) => {
  const allocateAll = (): string[] => {
    const taken = new Set<string>();
    const out: string[] = [];
    for (let i = 0; i < 300; i++) {
      const base = baseLogin('Marie', 'Martin');
      if (base === null) throw new Error('no base');
      const login = allocateLogin(base, (l) => taken.has(l.toLowerCase()));
      taken.add(login);
      out.push(login);
    }
    return out;
  };
  const first = allocateAll();
  t.equal(new Set(first).size, 300, '300 distinct logins');
  t.ok(first.every((l) => l.length <= LOGIN_MAX && validateLogin(l) === null), 'all valid and ≤ 20');
  t.same(first.slice(0, 4), ['marie.martin', 'marie.martin2', 'marie.martin3', 'marie.martin4']);
  t.equal(first[299], 'marie.martin300');
  t.same(allocateAll(), first, 'the same allocation from scratch gives the same list');

  const long = baseLogin('Jean-Christophe', 'Dupont-Aignan');
  t.equal(long, 'jean-c.dupont-aignan');
  const taken = new Set<string>();
  const longOnes: string[] = [];
  for (let i = 0; i < 300; i++) {
    const login = allocateLogin(long ?? '', (l) => taken.has(l));
    taken.add(login);
    longOnes.push(login);
  }
  t.equal(new Set(longOnes).size, 300);
  t.ok(longOnes.every((l) => l.length <= LOGIN_MAX && validateLogin(l) === null), 'long base: all ≤ 20 and valid');
  t.equal(longOnes[1], 'jean-c.dupont-aigna2');
  t.equal(longOnes[299], 'jean-c.dupont-aig300');
});

t.test('allocateLogin: case-insensitive taken, gaps, exhaustion', async (t) => {
  const existing = new Set(['Marie.Martin', 'marie.martin2'].map((l) => l.toLowerCase()));
  t.equal(allocateLogin('marie.martin', (l) => existing.has(l.toLowerCase())), 'marie.martin3');
  const withGap = new Set(['marie.martin', 'marie.martin3']);
  t.equal(allocateLogin('marie.martin', (l) => withGap.has(l)), 'marie.martin2', 'the first free number is used');
  let calls = 0;
  t.throws(
    () =>
      allocateLogin('marie.martin', () => {
        calls++;
        return true;
      }),
    { code: 'LOGIN_EXHAUSTED', message: /Aucun identifiant libre/ },
  );
  t.equal(calls, 9999, 'base then homonyms 2…9999');
  t.throws(() => allocateLogin('', () => false), RangeError);
});

t.test('reserved logins', async (t) => {
  const listed = [
    'administrator', 'administrateur', 'admin', 'guest', 'invite', 'krbtgt', 'root', 'daemon', 'bin', 'sys',
    'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list', 'irc',
    'nobody', 'nogroup', 'systemd-network', 'sshd', 'messagebus', '_apt', 'samba', 'trousse', 'system',
    'operator', 'postmaster', 'webmaster', 'hostmaster', 'support', 'dns', 'dns-admins', 'domain-admins',
    'domain-users', 'schema-admins', 'enterprise-admins', 'everyone', 'users', 'guests',
  ];
  t.equal(RESERVED_LOGINS.size, listed.length);
  for (const l of listed) {
    t.ok(isReserved(l), l);
    t.ok(isReserved(l.toUpperCase()), `${l.toUpperCase()} (case-insensitive)`);
  }
  t.ok(isReserved('PC-SALLE12$'), 'machine accounts');
  t.ok(isReserved('dns-anything'));
  t.ok(isReserved('DNS-Anything'));
  for (const l of ['marie.martin', 'administrator2', 'rooted', 'dnsmasq', 'mann', 'adminx', 'pc$x']) {
    t.notOk(isReserved(l), `${l} is not reserved`);
  }

  const base = baseLogin('Admin', 'Istrator', '{prenom}{nom}');
  t.equal(base, 'administrator');
  t.equal(allocateLogin(base ?? '', () => false), 'administrator2', 'a reserved base is skipped');
  t.equal(allocateLogin(baseLogin('Ro', 'Ot', '{prenom}{nom}') ?? '', () => false), 'root2');
  t.equal(allocateLogin('Admin', () => false), 'Admin2', 'reserved check is case-insensitive');
  t.equal(allocateLogin('root', (l) => l === 'root2'), 'root3');
  t.equal(allocateLogin('sys', () => false, 4), 'sys2');
  let calls = 0;
  t.throws(
    () =>
      allocateLogin(baseLogin('Dns', 'Martin', '{prenom}-{nom}') ?? '', () => {
        calls++;
        return false;
      }),
    { code: 'LOGIN_EXHAUSTED', message: /dns-/ },
    'a dns-… base can never be allocated',
  );
  t.equal(calls, 0, 'refused at once');
  const rand = prng(7);
  const names = ['Admin', 'Root', 'Ad', 'Min', 'Guest', 'Bin', 'Sys', 'Man', 'Lp', 'Istrator', 'Ot', 'Dns'];
  const given: string[] = [];
  let reservedBases = 0;
  for (let i = 0; i < 500; i++) {
    const g = names[Math.floor(rand() * names.length)] ?? '';
    const s = names[Math.floor(rand() * names.length)] ?? '';
    const b = baseLogin(g, s, '{prenom}{nom}');
    if (b === null || b.startsWith('dns-')) continue;
    if (isReserved(b)) reservedBases++;
    const login = allocateLogin(b, () => false);
    if (isReserved(login)) given.push(`${g} ${s} → ${login}`);
  }
  t.ok(reservedBases > 0, `reserved bases were generated (${reservedBases})`);
  t.same(given, [], 'allocateLogin never returned a reserved login');
});

t.test('validateLogin', async (t) => {
  for (const ok of ['marie.martin', 'm', 'x7', 'a1', 'jean_pierre', 'jean-pierre', 'x'.repeat(20), 'marie.martin2', 'a_', '2b']) {
    t.equal(validateLogin(ok), null, `${ok} is valid`);
  }
  const bad: [string, RegExp][] = [
    ['', /vide/],
    ['x'.repeat(21), /20 caractères/],
    ['Marie', /lettres minuscules sans accent/],
    ['marie martin', /lettres minuscules/],
    ['zoé', /lettres minuscules/],
    ['.marie', /commencer par une lettre ou un chiffre/],
    ['-marie', /commencer/],
    ['_marie', /commencer/],
    ['marie$', /lettres minuscules/],
    ['marie@college', /lettres minuscules/],
    ['marie.', /terminer par un point/],
    ['marie-', /terminer/],
    ['12345', /uniquement de chiffres/],
    ['admin', /réservé/],
    ['krbtgt', /réservé/],
    ['dns-test', /réservé/],
    ['www-data', /« www-data » est réservé/],
  ];
  for (const [login, message] of bad) t.match(validateLogin(login), message, JSON.stringify(login));
  t.match(validateLogin('Administrator'), /minuscules/, 'upper case is refused before the reserved check');
});
