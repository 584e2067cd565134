import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { accountsCsv, csvLine } from '../../daemon/src/core/csv.ts';
import {
  ALREADY_GIVEN,
  CARDS_PER_PAGE,
  CUT_HINT,
  EMPTY_MESSAGE,
  NAME_FLOOR,
  NAME_ONE_LINE,
  NAME_TWO_LINES,
  PASSWORD_ONE_LINE,
  SHEET_LAYOUT,
  type Measure,
  type SheetCard,
  type SheetInput,
  cardGroupLabel,
  cardInstructions,
  ellipsize,
  fitFontSize,
  fitName,
  fitPassword,
  isWinAnsi,
  renderSheets,
  toWinAnsi,
} from '../../daemon/src/sheets/pdf.ts';

/** Courier-like metrics: every character is 0.6 em wide. */
const mono: Measure = (text, size) => [...text].length * 0.6 * size;

// ---------------------------------------------------------------------------------------------
// Pure helpers

t.test('isWinAnsi / toWinAnsi: French text is kept as it is', async (t) => {
  const french = 'éèàçêôùïœŒ«»’ÉÈÀÇÊÔÙÏâîûëüÿŸæÆ —–…€ « Zoé Lefèvre » D’Almeida';
  t.equal(toWinAnsi(french), french);
  for (const c of french) t.ok(isWinAnsi(c), `${c} is WinAnsi`);
  t.equal(toWinAnsi('Zoé\u00a0: ok'), 'Zoé\u00a0: ok', 'no-break space kept');
});

t.test('toWinAnsi: other characters become the closest one', async (t) => {
  const table: [string, string][] = [
    ['Jean\u2011Pierre', 'Jean-Pierre'], // non-breaking hyphen
    ['Jean\u2010Pierre', 'Jean-Pierre'],
    ['O\u02bcNeil', 'O’Neil'], // modifier letter apostrophe
    ['Łukasz Wałęsa', 'Lukasz Walesa'],
    ['Őrs Dvořák Ștefan Nguyễn', 'Ors Dvorák Stefan Nguyen'], // á is in WinAnsi,
    ['ǅenan', 'Dzenan'],
    ['ﬁnal ﬂeur', 'final fleur'],
    ['e\u0301cole', 'école'], // decomposed é recomposed (NFC)
    ['q\u0307', 'q'], // a mark with no composed form is dropped
    ['a\u202f: b', 'a\u00a0: b'], // narrow no-break space
    ['a\tb\nc', 'a b c'],
    ['a\u2003b', 'a b'], // em space
    ['in\u00adcroyable', 'incroyable'], // soft hyphen
    ['zero\u200bwidth', 'zerowidth'],
    ['李小龙', '???'],
    ['Émoji 😀', 'Émoji ?'],
    ['Ωmega', '?mega'],
    ['½ ©', '½ ©'],
    ['\u0085x', ' x'], // C1 control (would print as … otherwise)
  ];
  for (const [input, expected] of table) t.equal(toWinAnsi(input), expected, JSON.stringify(input));
  for (const c of ['\u0081', '\u0090', '\u00ad', '李', '😀', '\u2011']) t.notOk(isWinAnsi(c), JSON.stringify(c));
  // Whatever comes in, what comes out is printable.
  const all = Array.from({ length: 0x3000 }, (_, i) => String.fromCodePoint(i)).join('');
  t.ok([...toWinAnsi(all)].every(isWinAnsi), 'every output character is WinAnsi');
});

t.test('fitFontSize', async (t) => {
  // "abcd" is 2.4 × size wide.
  t.equal(fitFontSize('abcd', 100, mono, { max: 16, min: 8 }), 16);
  t.equal(fitFontSize('abcd', 24, mono, { max: 16, min: 8 }), 10);
  t.equal(fitFontSize('abcd', 25.2, mono, { max: 16, min: 8 }), 10.5);
  t.equal(fitFontSize('abcd', 25.2, mono, { max: 16, min: 8, step: 1 }), 10);
  t.equal(fitFontSize('abcd', 18, mono, { max: 16, min: 8 }), null, 'does not fit at the minimum');
  t.equal(fitFontSize('', 1, mono, { max: 16, min: 8 }), 16);
  for (let w = 10; w < 60; w += 0.7) {
    const size = fitFontSize('Jean-Baptiste', w * 4, mono, { max: 16, min: 5 });
    if (size !== null) t.ok(mono('Jean-Baptiste', size) <= w * 4 + 1e-6, `fits in ${w * 4}`);
  }
});

t.test('ellipsize', async (t) => {
  t.equal(ellipsize('Collège', 100, mono, 10), 'Collège', 'unchanged when it fits');
  const cut = ellipsize('Collège Jean-Baptiste Poquelin', 60, mono, 10);
  t.equal(ellipsize('Collège Jean-Baptiste', 54, mono, 10), 'Collège…', 'no space before the ellipsis');
  t.equal(cut, 'Collège J…');
  t.ok(mono(cut, 10) <= 60);
  t.equal(ellipsize('abc', 1, mono, 10), '', 'nothing fits');
});

t.test('fitName: one line, two lines, or cut', async (t) => {
  const width = 240;
  const short = fitName('Zoé Lefèvre', width, mono);
  t.same(short, { size: NAME_ONE_LINE.max, lines: ['Zoé Lefèvre'] });

  const longName = 'Marie-Ange-Bérénice de La Tour-d’Auvergne-Lefèvre';
  const long = fitName(longName, width, mono);
  t.equal(long.lines.length, 2, 'two lines');
  t.ok(long.size >= NAME_TWO_LINES.min && long.size <= NAME_TWO_LINES.max);
  for (const l of long.lines) t.ok(mono(l, long.size) <= width, `"${l}" fits`);
  t.same(long.lines, ['Marie-Ange-Bérénice de La', 'Tour-d’Auvergne-Lefèvre'], 'cut at the most balanced break');

  const hyphen = fitName('Anne-Charlotte-Eléonore-Marguerite-Françoise', 200, mono);
  t.equal(hyphen.lines.length, 2);
  t.ok(hyphen.lines[0]?.endsWith('-'), 'the hyphen stays at the end of the first line');
  t.equal(hyphen.lines.join(''), 'Anne-Charlotte-Eléonore-Marguerite-Françoise');

  const word = 'W'.repeat(60);
  const huge = fitName(word, width, mono);
  t.equal(huge.lines.length, 1);
  t.ok(huge.size >= NAME_FLOOR);
  t.ok(mono(huge.lines[0] ?? '', huge.size) <= width, 'never wider than the card');

  const tooLong = fitName('W'.repeat(200), width, mono);
  t.equal(tooLong.size, NAME_FLOOR);
  t.ok(tooLong.lines[0]?.endsWith('…'), 'cut with an ellipsis');
  t.ok(mono(tooLong.lines[0] ?? '', tooLong.size) <= width);
});

t.test('fitPassword: never cut, shrinks then wraps', async (t) => {
  const width = 160;
  t.same(fitPassword('Beruxe47', width, mono), { size: PASSWORD_ONE_LINE.max, lines: ['Beruxe47'] });
  for (const len of [12, 14, 16, 20, 24, 32, 40, 64, 128]) {
    const pw = 'Kx7-pe+Hv9#dT'.repeat(10).slice(0, len);
    const fit = fitPassword(pw, width, mono);
    t.equal(fit.lines.join(''), pw, `${len}: lines give the password back`);
    t.ok(fit.lines.length <= 4, `${len}: at most 4 lines`);
    for (const l of fit.lines) t.ok(mono(l, fit.size) <= width + 1e-6, `${len}: "${l}" fits at ${fit.size}`);
    if (len <= 14) t.equal(fit.lines.length, 1, `${len}: one line`);
    if (fit.lines.length === 1) t.ok(fit.size >= PASSWORD_ONE_LINE.min, `${len}: large enough to copy`);
  }
});

t.test('card texts', async (t) => {
  const pupil: SheetCard = { displayName: 'Zoé Lefèvre', login: 'zoe.lefevre', password: 'Beruxe47', classe: '6A', profileLabel: 'Élève' };
  const teacher: SheetCard = { ...pupil, classe: null, profileLabel: 'Enseignant' };
  t.equal(cardGroupLabel(pupil), 'Classe 6A');
  t.equal(cardGroupLabel(teacher), 'Enseignant');
  const plain = (items: string[]): string[] => items.map((s) => s.replaceAll('\u00a0', ' '));
  t.same(plain(cardInstructions(pupil, 'MOULIN', 'https://ent.example.fr')), [
    'Sur un ordinateur du collège : tapez l’identifiant et le mot de passe (domaine MOULIN).',
    'Sur l’ENT : https://ent.example.fr',
    'Gardez ce code pour vous : ne le prêtez à personne.',
  ]);
  t.same(plain(cardInstructions(teacher, 'MOULIN', null)), [
    'Sur un ordinateur du collège : tapez l’identifiant et le mot de passe (domaine MOULIN).',
    'Gardez ce code pour vous : ne le prêtez à personne.',
    'Vous devrez peut-être choisir un nouveau mot de passe à la première connexion.',
  ]);
});

// ---------------------------------------------------------------------------------------------
// Rendering, read back with poppler

function pdftotext(file: string, ...args: string[]): string {
  return execFileSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' }).replaceAll('\u00a0', ' ');
}
function pdfinfo(file: string): string {
  return execFileSync('pdfinfo', [file], { encoding: 'utf8' });
}

interface Word {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}
/** Every word of the PDF with its box (pdftotext -bbox-layout). */
function words(file: string): Word[] {
  const html = pdftotext(file, '-bbox-layout');
  const out: Word[] = [];
  html.split('<page ').slice(1).forEach((page, i) => {
    for (const m of page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
      out.push({ page: i + 1, text: m[5] ?? '', xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]) });
    }
  });
  return out;
}

const NAMES = [
  'Zoé Lefèvre',
  'Œuvray Chloé',
  'Jean-Baptiste D’Almeida',
  'Marie-Ange-Bérénice de La Tour-d’Auvergne-Lefèvre',
  'Léa Martin',
  'Noël Ça',
  'Ève Ôtée',
  'Loïs Ursule',
  'Raphaël Béguin',
  'Inès Kéré',
  'Maëlys Bœuf',
];

function cards19(): SheetCard[] {
  const cards: SheetCard[] = [];
  for (let i = 0; i < 19; i++) {
    const staff = i >= 16;
    cards.push({
      displayName: NAMES[i % NAMES.length] ?? 'X',
      login: `compte.n${String(i).padStart(2, '0')}`,
      password: i === 6 ? null : staff ? `Kx7-pe+Hv9#d${String(i).padStart(2, '0')}` : `Beruxe${String(10 + i)}`,
      classe: staff ? null : '6A',
      profileLabel: staff ? 'Enseignant' : 'Élève',
    });
  }
  return cards;
}

const BASE: Omit<SheetInput, 'cards'> = {
  school: 'Collège Jean Moulin',
  title: 'Classe 6A',
  domain: 'MOULIN',
  entUrl: 'https://ent.example.fr',
  generatedAt: new Date('2026-09-02T08:15:00Z'),
  timeZone: 'Europe/Paris',
};

t.test('19 cards: 3 pages, every account, accents intact, nothing spills', async (t) => {
  const dir = t.testdir({});
  const cards = cards19();
  const pdf = await renderSheets({ ...BASE, cards });
  t.ok(Buffer.isBuffer(pdf));
  t.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const file = join(dir, 'sheets.pdf');
  writeFileSync(file, pdf);

  const info = pdfinfo(file);
  t.match(info, /^Pages:\s+3$/m);
  t.match(info, /^Title:\s+Codes d’accès — Classe 6A$/m);
  t.notMatch(info, /^Author:/m, 'no author');
  t.match(info, /^Page size:\s+595\.2\d x 841\.8\d pts \(A4\)/m);

  const text = pdftotext(file, '-layout');
  const pages = text.split('\f').filter((p) => p.trim() !== '');
  t.equal(pages.length, 3);
  let last = -1;
  for (const card of cards) {
    const at = text.indexOf(card.login);
    t.ok(at > last, `${card.login} present, in order`);
    last = at;
    if (card.password !== null) t.ok(text.includes(card.password), `password of ${card.login}`);
  }
  for (const word of ['Zoé', 'Lefèvre', 'Œuvray', 'Chloé', 'D’Almeida', 'Bœuf', 'Maëlys', 'Ève', 'Ôtée', 'Noël', 'Ça']) {
    t.ok(text.includes(word), `${word} intact`);
  }
  t.equal(text.split('déjà remis').length - 1, 1, 'one "déjà remis" card');
  t.ok(text.includes(ALREADY_GIVEN.slice(0, 20)));
  const flat = text.replace(/\s+/g, ' ');
  t.ok(flat.includes('Sur un ordinateur du collège : tapez l’identifiant et le mot'));
  t.ok(flat.includes('(domaine MOULIN)'));
  t.ok(flat.includes('Sur l’ENT : https://ent.example.fr'));
  t.ok(flat.includes('Gardez ce code pour vous : ne le prêtez à personne.'));
  t.equal(text.split('Vous devrez peut-être').length - 1, 3, 'the staff line on the 3 staff cards only');
  t.equal(text.split('Classe 6A').length - 1, 16 + 3, 'the 16 pupils, and the footers');
  t.equal(text.split('Enseignant').length - 1, 3);
  t.equal(text.split('Collège Jean Moulin').length - 1, 19 + 3, 'on each card and each footer');
  t.equal(text.split(CUT_HINT).length - 1, 3);
  for (let p = 1; p <= 3; p++) t.ok(pages[p - 1]?.includes(`page ${p}/3`), `page ${p}/3`);
  t.ok(pages[0]?.includes('02/09/2026 à 10:15'), 'date in the footer (Paris time)');
  t.equal(pages[2]?.split('Identifiant :').length, 1 + (19 - 2 * CARDS_PER_PAGE), 'last page: 3 cards');

  // Every word of a card stays inside its cell (with its padding); the footer stays under the grid.
  const L = SHEET_LAYOUT;
  const gridBottom = L.pageH - L.footerH;
  const all = words(file);
  t.ok(all.length > 500, 'words found');
  let checked = 0;
  for (const w of all) {
    if (w.yMin >= gridBottom) {
      t.ok(w.yMax <= L.pageH - 5 && w.xMin >= L.marginX - 0.5 && w.xMax <= L.pageW - L.marginX + 0.5, `footer word ${w.text}`);
      continue;
    }
    const col = Math.floor((w.xMin - L.marginX) / L.cardW);
    const row = Math.floor((w.yMin - L.marginTop) / L.cardH);
    const left = L.marginX + col * L.cardW;
    const top = L.marginTop + row * L.cardH;
    const inside = w.xMin >= left + 8 && w.xMax <= left + L.cardW - 8 && w.yMin >= top + 4 && w.yMax <= top + L.cardH - 4;
    if (!inside) t.fail(`"${w.text}" (page ${w.page}) spills out of its card: ${JSON.stringify(w)}`);
    checked++;
  }
  t.ok(checked > 500, `${checked} card words inside their cells`);
  const longName = all.filter((w) => w.page === 1 && /Tour-d’Auvergne|Marie-Ange/.test(w.text));
  t.equal(longName.length, 2, 'the long name is printed (on two lines)');
  t.ok(
    longName.every((w) => w.xMin > L.marginX + L.cardW),
    'long name in the right-hand card',
  );
});

t.test('no ENT address: no ENT line', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'no-ent.pdf');
  writeFileSync(file, await renderSheets({ ...BASE, entUrl: null, cards: cards19().slice(0, 2) }));
  const text = pdftotext(file, '-layout');
  t.notOk(text.includes('ENT'));
  t.match(pdfinfo(file), /^Pages:\s+1$/m);
  t.ok(text.includes('page 1/1'));
});

t.test('logins and passwords that cannot be printed exactly are not altered', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'odd.pdf');
  const cards: SheetCard[] = [
    { displayName: 'Łukasz Nowak', login: 'lukasz.nowak', password: 'Hasło‑12', classe: '5B', profileLabel: 'Élève' },
    { displayName: 'Staff', login: 'staff.long', password: 'Kx7-pe+Hv9#dT'.repeat(5), classe: null, profileLabel: 'Personnel' },
  ];
  writeFileSync(file, await renderSheets({ ...BASE, cards }));
  const text = pdftotext(file, '-layout');
  t.ok(text.includes('Lukasz Nowak'), 'name: closest letters');
  t.notOk(text.includes('Haslo'), 'password not "corrected"');
  t.ok(text.replace(/\s+/g, ' ').includes('non imprimable'), 'notice instead');
  const long = 'Kx7-pe+Hv9#dT'.repeat(5);
  const printed = words(file)
    .filter((w) => /^[-+#\w]+$/.test(w.text) && long.includes(w.text) && w.text.length > 8)
    .map((w) => w.text)
    .join('');
  t.equal(printed, long, 'a long password is printed whole, over several lines');
});

t.test('zero cards: one page with a message', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'empty.pdf');
  writeFileSync(file, await renderSheets({ ...BASE, cards: [] }));
  t.match(pdfinfo(file), /^Pages:\s+1$/m);
  const text = pdftotext(file, '-layout');
  t.ok(text.includes(EMPTY_MESSAGE));
  t.ok(text.includes('Aucun compte dans cette sélection.'));
  t.ok(text.includes('page 1/1'));
  t.notOk(text.includes('Identifiant'));
});

// ---------------------------------------------------------------------------------------------
// CSV

t.test('csvLine: quoting and formula prefix', async (t) => {
  t.equal(csvLine(['a', 'b', null, 3]), 'a;b;;3');
  t.equal(csvLine(['a;b', 'say "hi"', 'x\ny', 'x\ry']), '"a;b";"say ""hi""";"x\ny";"x\ry"');
  t.equal(csvLine(['=SUM(A1)', '+33', '-x', '@cmd', 'a=b', '\tx']), "'=SUM(A1);'+33;'-x;'@cmd;a=b;'\tx");
  t.equal(csvLine(['=a;b']), `"'=a;b"`, 'prefixed, then quoted');
  t.equal(csvLine([-3, 0, 2.5]), '-3;0;2.5', 'numbers as they are');
  t.equal(csvLine(['Zoé Lefèvre', '']), 'Zoé Lefèvre;');
});

t.test('accountsCsv', async (t) => {
  const csv = accountsCsv([
    { login: 'zoe.lefevre', password: 'Beruxe47', classe: '6A', name: 'Zoé Lefèvre' },
    { login: 'jb.dalmeida', password: null, classe: '6A', name: 'D’Almeida; Jean-Baptiste' },
    { login: 'prof.x', password: '=Kx7-pe+Hv9#d', classe: null, name: '"Le" Prof' },
  ]);
  t.ok(csv.startsWith('\uFEFFlogin;password;class;name\r\n'), 'BOM and header');
  t.ok(csv.endsWith('\r\n'));
  t.same(csv.slice(1).split('\r\n'), [
    'login;password;class;name',
    'zoe.lefevre;Beruxe47;6A;Zoé Lefèvre',
    'jb.dalmeida;;6A;"D’Almeida; Jean-Baptiste"',
    "prof.x;'=Kx7-pe+Hv9#d;;\"\"\"Le\"\" Prof\"",
    '',
  ]);
  t.equal(accountsCsv([]), '\uFEFFlogin;password;class;name\r\n', 'header only');
  t.notOk(/[^\r]\n/.test(csv), 'CRLF only');
});
