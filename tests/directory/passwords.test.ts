import t from 'tap';
import {
  PUPIL_CONSONANTS,
  PUPIL_VOWELS,
  PASSWORD_DIGITS,
  STAFF_ALPHABET,
  STAFF_SYMBOLS,
  checkPassword,
  pupilPassword,
  staffPassword,
} from '../../daemon/src/directory/passwords.ts';

// Written out here rather than taken from the module, so that a change of alphabet fails a test.
const CONSONANTS = 'bcdfghjknprstvx';
const VOWELS = 'eiou';
const DIGITS = '23456789';
const SYMBOLS = '-+=!?%*#@:';
const STAFF_LETTERS = 'bcdefghjknprstuvx';
/** Look-alikes, letters that move between AZERTY and QWERTY, quotes, backslash, space. */
const FORBIDDEN = /[l01IOLyzqwamYZQWAM'"`\\ ]/;

function counts(samples: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of samples) for (const c of s) m.set(c, (m.get(c) ?? 0) + 1);
  return m;
}

t.test('alphabets', async (t) => {
  t.equal(PUPIL_CONSONANTS, CONSONANTS);
  t.equal(PUPIL_VOWELS, VOWELS);
  t.equal(PASSWORD_DIGITS, DIGITS);
  t.equal(STAFF_SYMBOLS, SYMBOLS);
  t.equal(STAFF_ALPHABET, STAFF_LETTERS + STAFF_LETTERS.toUpperCase() + DIGITS + SYMBOLS);
  t.notOk(FORBIDDEN.test(CONSONANTS + VOWELS + DIGITS + STAFF_ALPHABET), 'no forbidden character in any alphabet');
  t.equal(new Set(STAFF_ALPHABET).size, STAFF_ALPHABET.length, 'no duplicate (it would bias the draw)');
});

t.test('pupilPassword: 1,000 samples each of lengths 6, 8, 12', async (t) => {
  const shape = new RegExp(`^[${CONSONANTS.toUpperCase()}](?:[${VOWELS}][${CONSONANTS}])*[${VOWELS}]?[${DIGITS}]{2}$`);
  for (const length of [6, 8, 12]) {
    const samples = Array.from({ length: 1000 }, () => pupilPassword(length));
    const bad = samples.filter(
      (p) =>
        p.length !== length ||
        !shape.test(p) ||
        FORBIDDEN.test(p) ||
        !/[a-z]/.test(p) ||
        !/[A-Z]/.test(p) ||
        !/[0-9]/.test(p) ||
        !/^[^0-9]+[0-9]{2}$/.test(p),
    );
    t.same(bad, [], `length ${length}: exact length, consonant/vowel pattern, 2 final digits, 3 classes`);
    const distinct = new Set(samples).size;
    // Length 6 has 57,600 possible passwords: about 9 repeats are expected among 1,000.
    t.ok(distinct >= 960, `length ${length}: ${distinct} distinct passwords of 1,000`);
  }
  t.equal(pupilPassword().length, 8, 'default length');
  t.match(pupilPassword(), /^[A-Z][a-z]{5}[0-9]{2}$/);
  t.equal(pupilPassword(32).length, 32);
});

t.test('pupilPassword: every allowed character appears, none is favoured', async (t) => {
  const samples: string[] = [];
  let total = 0;
  while (total < 10_000) {
    const p = pupilPassword(12);
    samples.push(p);
    total += p.length;
  }
  const firsts = counts(samples.map((p) => p.slice(0, 1)));
  const letters = samples.map((p) => p.slice(1, -2));
  const vowels = counts(letters.map((l) => [...l].filter((_, i) => i % 2 === 0).join('')));
  const consonants = counts(letters.map((l) => [...l].filter((_, i) => i % 2 === 1).join('')));
  const digits = counts(samples.map((p) => p.slice(-2)));
  const within = (m: Map<string, number>, alphabet: string, name: string): void => {
    t.same([...m.keys()].sort(), [...alphabet].sort(), `${name}: exactly the allowed characters appear`);
    const sum = [...m.values()].reduce((a, b) => a + b, 0);
    const expected = sum / alphabet.length;
    const off = [...m].filter(([, n]) => n < expected / 2 || n > expected * 1.5);
    t.same(off, [], `${name}: each within ×0.5…×1.5 of ${expected.toFixed(0)}`);
  };
  within(firsts, CONSONANTS.toUpperCase(), 'first letter');
  within(vowels, VOWELS, 'vowels');
  within(consonants, CONSONANTS, 'consonants');
  within(digits, DIGITS, 'digits');
});

t.test('staffPassword: 1,000 samples', async (t) => {
  const allowed = new RegExp(`^[${STAFF_LETTERS}${STAFF_LETTERS.toUpperCase()}${DIGITS}${SYMBOLS.replace('-', '\\-')}]+$`);
  const fourClasses = (p: string): boolean =>
    /[a-z]/.test(p) && /[A-Z]/.test(p) && /[0-9]/.test(p) && [...p].some((c) => SYMBOLS.includes(c));
  for (const length of [14, 12, 64]) {
    const samples = Array.from({ length: 1000 }, () => staffPassword(length));
    const bad = samples.filter((p) => p.length !== length || !allowed.test(p) || FORBIDDEN.test(p) || !fourClasses(p));
    t.same(bad, [], `length ${length}: exact length, allowed characters only, 4 classes`);
    t.equal(new Set(samples).size, 1000, `length ${length}: all distinct`);
  }
  t.equal(staffPassword().length, 14, 'default length');

  // The characters forced for each class are shuffled: no class is stuck at a position, except
  // that a symbol never comes first (spreadsheets read "=…", "+…", "-…", "@…" as formulas).
  const samples = Array.from({ length: 1000 }, () => staffPassword(12));
  t.same(
    samples.filter((p) => !/^[A-Za-z0-9]/.test(p)),
    [],
    'never a symbol first',
  );
  for (let pos = 1; pos < 12; pos++) {
    const classes = new Set(
      samples.map((p) => {
        const c = p[pos] ?? '';
        return /[a-z]/.test(c) ? 'lower' : /[A-Z]/.test(c) ? 'upper' : /[0-9]/.test(c) ? 'digit' : 'symbol';
      }),
    );
    t.equal(classes.size, 4, `position ${pos} holds every class`);
  }
});

t.test('staffPassword: every allowed character appears, none is favoured', async (t) => {
  const samples: string[] = [];
  let total = 0;
  while (total < 10_000) {
    const p = staffPassword();
    samples.push(p);
    total += p.length;
  }
  const m = counts(samples);
  t.same([...m.keys()].sort(), [...STAFF_ALPHABET].sort(), 'exactly the 52 allowed characters appear');
  const expected = total / STAFF_ALPHABET.length;
  // Symbols and digits are a little more frequent: one of each is forced into every password.
  const off = [...m].filter(([, n]) => n < expected / 2 || n > expected * 2);
  t.same(off, [], `each character within ×0.5…×2 of ${expected.toFixed(0)}`);
});

t.test('bad lengths', async (t) => {
  for (const length of [5, 33, 0, -8, 7.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => pupilPassword(length), RangeError, `pupil ${length}`);
  }
  for (const length of [11, 65, 0, 12.5, Number.NaN]) t.throws(() => staffPassword(length), RangeError, `staff ${length}`);
  t.equal(pupilPassword(6).length, 6, 'the bounds are allowed');
  t.equal(staffPassword(12).length, 12);
  t.equal(staffPassword(64).length, 64);
});

t.test('checkPassword', async (t) => {
  const ad = { minLength: 7, complexity: true, login: 'marie.martin', displayName: 'Marie-Anne Le Martin' };
  t.equal(checkPassword('Bavoruk47', ad), null);
  t.equal(checkPassword('correct horse battery', { minLength: 8, complexity: false }), null, 'no complexity: length only');
  t.equal(checkPassword('abc', { minLength: 0, complexity: false }), null);
  t.equal(checkPassword('Bavoruk47', { minLength: 7, complexity: true }), null, 'no login or display name given');
  t.equal(checkPassword('Élève-2024', ad), null, 'accented letters count as letters');

  t.match(checkPassword('', { minLength: 0, complexity: false }), /vide/);
  t.match(checkPassword('Bav4', ad), /au moins 7 caractères \(il en a 4\)/);
  t.match(checkPassword('abcdef', { minLength: 7, complexity: false }), /au moins 7/);
  t.equal(checkPassword('Ab3defg', ad), null, 'exactly the minimum');
  t.match(checkPassword(`Ab3${'x'.repeat(126)}`, ad), /au plus 128 caractères/);
  t.equal(checkPassword(`Ab3${'x'.repeat(125)}`, ad), null, '128 is allowed');
  t.match(checkPassword('Bavo\nruk47', ad), /caractère de contrôle/);
  t.match(checkPassword('Bavo\truk47', { minLength: 0, complexity: false }), /caractère de contrôle/, 'even without complexity');
  t.match(checkPassword('Bavo\u0085ruk47', ad), /caractère de contrôle/, 'C1 control');

  // 3 of 4 classes
  t.match(checkPassword('bavoruk47', ad), /au moins 3 types/, 'lower + digit');
  t.match(checkPassword('BavorukBu', ad), /au moins 3 types/, 'upper + lower');
  t.match(checkPassword('!!--##47%', ad), /au moins 3 types/, 'symbol + digit');
  t.equal(checkPassword('bavoruk4!', ad), null, 'lower + digit + symbol');
  t.equal(checkPassword('BAVORUK4!', ad), null, 'upper + digit + symbol');
  t.equal(checkPassword('Bavoruk!!', ad), null, 'upper + lower + symbol');
  t.equal(checkPassword('bavoruk47', { minLength: 7, complexity: false }), null, 'classes only with complexity');

  // login and display name (AD's rule)
  t.match(checkPassword('XMarie.Martin7', ad), /identifiant/, 'login, case-insensitive');
  t.match(checkPassword('Xmarie.martin7', ad), /identifiant/);
  t.match(checkPassword('Bonjour-Marie7', ad), /« Marie »/, 'display name token');
  t.match(checkPassword('BonjourANNE7!', ad), /« Anne »/, 'token case-insensitive');
  t.match(checkPassword('Bonjour-martin7', ad), /« Martin »/);
  t.equal(checkPassword('Bonjour-Le7!x', ad), null, 'tokens shorter than 3 are ignored');
  t.equal(checkPassword('Mari3-Ann3!x', ad), null, 'parts of a token are not a match');
  t.equal(checkPassword('XMarie.Martin7', { ...ad, complexity: false, minLength: 7 }), null, 'only with complexity');
  t.match(checkPassword('Xlou7-Bavoruk', { minLength: 7, complexity: true, login: 'LOU' }), /identifiant/, 'login of 3 characters');
  t.equal(checkPassword('Xlo7-Bavoruk', { minLength: 7, complexity: true, login: 'lo' }), null, 'login of 2 characters ignored');
  for (const sep of [',', '.', '-', '_', ' ', '#', '\t']) {
    const displayName = `Zed${sep}Durand`;
    t.match(checkPassword('Kdurand7!', { minLength: 7, complexity: true, displayName }), /« Durand »/, `split on ${JSON.stringify(sep)}`);
  }
  t.equal(
    checkPassword('Kzed7!x', { minLength: 7, complexity: true, displayName: 'Zedou/Durand' }),
    null,
    '"/" does not split the display name',
  );
});
